import pytest
import yaml

from analysis.config import PROJECT_ROOT
from analysis.errors import ParameterError
from analysis.pipeline.book import read_book


def test_book_lists_every_chapter_in_quarto_order_and_each_file_exists():
    book = read_book()
    ids = [c.id for c in book.chapters]
    assert ids[:3] == ["index", "summary", "introduction"]
    assert ids.index("topic-5") < ids.index("recommendations") < ids.index("data-quality")
    for chapter in book.chapters:
        assert (PROJECT_ROOT / chapter.source).exists(), chapter.source
    assert [c.id for c in book.chapters if c.appendix][-1] == "how-to-read"


def test_notebook_chapters_have_a_tagged_parameters_cell_with_the_common_parameters():
    from analysis.pipeline.parameters import declared_parameters

    for chapter in read_book().notebooks:
        declared = declared_parameters(PROJECT_ROOT / chapter.source)
        assert {"data_dir", "site", "years", "setting_types"} <= set(declared), chapter.id


def test_notebooks_are_stored_without_outputs():
    import nbformat

    for chapter in read_book().notebooks:
        notebook = nbformat.read(PROJECT_ROOT / chapter.source, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, chapter.id


def test_unknown_chapter_lists_the_valid_ones():
    with pytest.raises(ParameterError, match="valid chapters: summary, introduction"):
        read_book().chapter("topic-9")


def test_the_site_book_takes_the_notice_and_authors_from_quarto_yml():
    from analysis.pipeline.book import book_config
    from analysis.pipeline.build import SITE_BOOK

    national, site = read_book(), read_book(SITE_BOOK)
    own = yaml.safe_load(SITE_BOOK.read_text(encoding="utf-8"))
    assert "data-notice" not in own and "author" not in own["book"]  # one source for each
    assert site.config["data-notice"] == national.config["data-notice"]
    assert site.author == national.author
    assert book_config(SITE_BOOK)["book"]["subtitle"] == own["book"]["subtitle"]


def test_each_author_in_quarto_yml_stays_a_line_of_its_own():
    declared = yaml.safe_load((PROJECT_ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    assert read_book().author == tuple(declared["book"]["author"])
