from analysis.pipeline.publish import clean_leftovers, discard, publish, staging_dir


def test_publish_replaces_the_book_with_the_staged_folder(tmp_path):
    book = tmp_path / "_book"
    book.mkdir()
    (book / "index.html").write_text("old")
    staged = staging_dir(book)
    (staged / "index.html").write_text("new")
    publish(staged, book)
    assert (book / "index.html").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["_book"]


def test_discarded_staging_leaves_the_book_byte_identical(tmp_path):
    book = tmp_path / "_book"
    book.mkdir()
    (book / "index.html").write_bytes(b"published")
    staged = staging_dir(book)
    (staged / "index.html").write_text("half written")
    discard(staged)
    assert (book / "index.html").read_bytes() == b"published"
    assert not staged.exists()


def test_leftovers_of_a_killed_build_are_cleaned(tmp_path):
    book = tmp_path / "_book"
    leftover = staging_dir(book)
    (leftover / "index.html").write_text("partial")
    clean_leftovers(book)
    assert not leftover.exists()
