"""Publishing swaps the new book in atomically, with the usual modes, and survives kills."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from analysis.pipeline import publish as publishing
from analysis.pipeline.publish import (
    MARKER,
    clean_leftovers,
    discard,
    is_published_book,
    leftovers,
    publish,
    set_published_modes,
    staging_dir,
)

OLD = {"index.html": "old book", "sites/S01/index.html": "old site", "report.pdf": "old pdf"}
NEW = {"index.html": "new book", "sites/S02/index.html": "new site", "report.pdf": "new pdf"}


def write_tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != MARKER
    }


def test_publish_replaces_the_book_with_the_staged_folder(tmp_path):
    book = tmp_path / "_book"
    write_tree(book, OLD)
    staged = staging_dir(book)
    write_tree(staged, NEW)
    publish(staged, book)
    assert snapshot(book) == NEW
    assert is_published_book(book)
    assert [p.name for p in tmp_path.iterdir()] == ["_book"]


def test_a_ctrl_c_that_other_code_swallowed_still_stops_the_publish(tmp_path, ctrl_c_raises):
    import signal

    from analysis.interrupts import remembering_interrupts

    book = tmp_path / "_book"
    write_tree(book, OLD)
    staged = staging_dir(book)
    write_tree(staged, NEW)
    with remembering_interrupts():
        with contextlib.suppress(KeyboardInterrupt):  # as a library's catch-all import does
            os.kill(os.getpid(), signal.SIGINT)
        with pytest.raises(KeyboardInterrupt):
            publish(staged, book)
    discard(staged)
    assert snapshot(book) == OLD
    assert [p.name for p in tmp_path.iterdir()] == ["_book"]


def test_the_first_publish_creates_the_book(tmp_path):
    book = tmp_path / "out" / "_book"
    staged = staging_dir(book)
    write_tree(staged, NEW)
    publish(staged, book)
    assert snapshot(book) == NEW
    assert [p.name for p in book.parent.iterdir()] == ["_book"]


def test_a_symlinked_book_folder_is_replaced_behind_its_link(tmp_path):
    real = tmp_path / "served"
    write_tree(real, OLD)
    link = tmp_path / "_book"
    link.symlink_to(real)
    staged = staging_dir(link)
    write_tree(staged, NEW)
    publish(staged, link)
    assert link.is_symlink()
    assert snapshot(real) == NEW


def test_discarded_staging_leaves_the_book_byte_identical(tmp_path):
    book = tmp_path / "_book"
    book.mkdir()
    (book / "index.html").write_bytes(b"published")
    staged = staging_dir(book)
    (staged / "index.html").write_text("half written")
    discard(staged)
    assert (book / "index.html").read_bytes() == b"published"
    assert leftovers(book) == []


def test_leftovers_of_a_killed_build_are_cleaned(tmp_path):
    book = tmp_path / "_book"
    write_tree(book, OLD)
    staged = staging_dir(book)
    (staged / "index.html").write_text("partial")
    (staged.parent / "render-scratch").mkdir()  # a renderer's scratch folder
    clean_leftovers(book)
    assert leftovers(book) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_book"]
    assert snapshot(book) == OLD


@pytest.mark.parametrize(
    ("umask", "folder", "file"), [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)]
)
def test_published_folders_and_files_get_the_usual_modes(tmp_path, umask, folder, file):
    book = tmp_path / "_book"
    staged = staging_dir(book)
    write_tree(staged, NEW)
    assert stat.S_IMODE(staged.parent.stat().st_mode) == 0o700  # mkdtemp's private mode
    previous = os.umask(umask)
    try:
        publish(staged, book)
    finally:
        os.umask(previous)
    modes = {
        p.relative_to(tmp_path).as_posix(): stat.S_IMODE(p.stat().st_mode)
        for p in [book, *book.rglob("*")]
    }
    assert modes == {name: folder if (tmp_path / name).is_dir() else file for name in modes}, modes


def test_set_published_modes_reads_the_umask_without_changing_it(tmp_path):
    (tmp_path / "a").mkdir(mode=0o700)
    (tmp_path / "a" / "f").write_text("x")
    os.chmod(tmp_path / "a" / "f", 0o600)
    previous = os.umask(0o022)
    try:
        set_published_modes(tmp_path / "a")
        assert os.umask(0o022) == 0o022
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "a" / "f").stat().st_mode) == 0o644


def test_readers_always_find_a_book_while_it_is_republished(tmp_path):
    book = tmp_path / "_book"
    write_tree(book, OLD)
    seen: set[str] = set()
    missing: list[str] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                seen.add((book / "index.html").read_text(encoding="utf-8"))
            except FileNotFoundError as error:
                missing.append(str(error))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for number in range(150):
            staged = staging_dir(book)
            write_tree(staged, {"index.html": f"book {number}"})
            publish(staged, book)
    finally:
        stop.set()
        reader.join()
    assert missing == []
    assert len(seen) > 1


# -- a kill at every step of publishing ----------------------------------------------------

KILLER = textwrap.dedent(
    """
    import builtins, io, os, signal, sys
    from pathlib import Path
    from analysis.pipeline import publish as publishing

    kill_at, book, fallback = int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "fallback"
    new = {"index.html": "new book", "sites/S02/index.html": "new site", "report.pdf": "new pdf"}
    count = 0

    def step(function):
        def wrapped(*args, **kwargs):
            global count
            if count == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            count += 1
            return function(*args, **kwargs)
        return wrapped

    real_open = builtins.open
    def writing_open(file, mode="r", *args, **kwargs):
        opener = step(real_open) if any(c in mode for c in "wax+") else real_open
        return opener(file, mode, *args, **kwargs)

    for name in ("mkdir", "rename", "replace", "rmdir", "unlink", "chmod"):
        setattr(os, name, step(getattr(os, name)))
    builtins.open = io.open = writing_open
    if fallback:
        def unsupported(first, second):
            raise OSError(95, "Operation not supported")
        publishing.exchange = step(unsupported)
    else:
        publishing.exchange = step(publishing.exchange)

    staged = publishing.staging_dir(book)
    for name, text in new.items():
        (staged / name).parent.mkdir(parents=True, exist_ok=True)
        (staged / name).write_text(text, encoding="utf-8")
    publishing.publish(staged, book)
    print(count)
    """
)


def _publish_killed_at(step: int, book: Path, mode: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", KILLER, str(step), str(book), mode],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[3],
    )


@pytest.mark.parametrize("mode", ["exchange", "fallback"])
def test_a_kill_at_any_step_of_publishing_leaves_the_old_or_the_new_book(tmp_path, mode):
    book = tmp_path / "_book"
    outcomes = []
    for step in range(200):
        shutil.rmtree(tmp_path)
        write_tree(book, OLD)
        done = _publish_killed_at(step, book, mode)
        if done.returncode == 0:
            assert snapshot(book) == NEW
            assert leftovers(book) == []
            break
        assert done.returncode == -9, done.stderr
        if mode == "exchange":  # readers see a book at every instant
            outcomes.append("old" if snapshot(book) == OLD else "new")
            assert snapshot(book) in (OLD, NEW), f"killed at step {step}"
        clean_leftovers(book)  # what the next build does first
        assert snapshot(book) in (OLD, NEW), f"killed at step {step}, then cleaned"
        assert leftovers(book) == []
        assert sorted(p.name for p in tmp_path.iterdir()) == ["_book"]
    else:
        pytest.fail("publishing never completed")
    assert step >= 10  # staging, files, modes, the swap and the clean-up were all hit
    if mode == "exchange":
        assert "old" in outcomes and "new" in outcomes


def test_exchange_reports_a_missing_path(tmp_path):
    (tmp_path / "a").mkdir()
    with pytest.raises(OSError) as caught:
        publishing.exchange(tmp_path / "a", tmp_path / "missing")
    assert caught.value.errno in (errno.ENOENT, *publishing.EXCHANGE_UNSUPPORTED)
