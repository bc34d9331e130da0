"""Atomic publishing: readers see the previous book or the new one, never none and never half.

A build renders into ``<parent>/.<book>.staging-XXXX/book`` beside the book folder (same
file system), so every scratch file of the build lives inside that staging folder.
:func:`publish` then gives the staged tree the usual modes (folders 0755 and files
0644, less the umask) and swaps it into place:

- no book yet: one ``rename`` (atomic);
- a book already published: one ``renameat2(RENAME_EXCHANGE)`` on Linux (or
  ``renamex_np(RENAME_SWAP)`` on macOS) swaps the two folders in a single step, after
  which the old book sits in the staging folder and is removed with it.

The book stays a plain folder, so readers, web servers and artifact uploaders need no
symbolic links. On a file system that cannot exchange two folders, the book is moved
aside and the new one renamed in; a build killed between those two renames leaves the
old book in its staging folder, and :func:`clean_leftovers`, run at the start of every
build, puts it back. It also removes every staging folder that a killed build left.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import functools
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from analysis.interrupts import raise_if_interrupted

STAGING = "staging"
STAGED_BOOK = "book"  # the new book, inside the staging folder
RETIRED_BOOK = "old"  # the previous book, moved aside by the fallback swap
MARKER = ".stairs-report-book"  # written into every published book
RENAME_EXCHANGE = 2  # linux/fs.h
RENAME_SWAP = 2  # macOS sys/stdio.h
AT_FDCWD = -100


def staging_root(staged: Path) -> Path:
    """The staging folder that holds a staged book (and every scratch file of its build)."""
    return staged.parent


def staging_dir(book_dir: Path) -> Path:
    """A fresh, empty folder to build the new book in, inside a staging folder beside it."""
    book_dir.parent.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix=f".{book_dir.name}.{STAGING}-", dir=book_dir.parent))
    staged = root / STAGED_BOOK
    staged.mkdir()
    return staged


def current_umask() -> int:
    """The process's umask (read from /proc where possible, so it is never changed)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def set_published_modes(root: Path, umask: int | None = None) -> None:
    """Folders 0777 and files 0666, less the umask (0755 and 0644 with the usual umask 022)."""
    mask = current_umask() if umask is None else umask
    folder_mode, file_mode = 0o777 & ~mask, 0o666 & ~mask
    os.chmod(root, folder_mode)
    for folder, folders, files in os.walk(root):
        for name in folders:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, folder_mode)
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, file_mode)


@functools.cache
def _libc():
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name, use_errno=True) if name or sys.platform == "linux" else None


def exchange(first: Path, second: Path) -> None:
    """Swap two paths atomically; OSError(ENOTSUP) where the system cannot."""
    libc = _libc()
    source, target = os.fsencode(first), os.fsencode(second)
    if sys.platform == "linux" and libc is not None and hasattr(libc, "renameat2"):
        done = libc.renameat2(AT_FDCWD, source, AT_FDCWD, target, RENAME_EXCHANGE)
    elif sys.platform == "darwin" and libc is not None and hasattr(libc, "renamex_np"):
        done = libc.renamex_np(source, target, RENAME_SWAP)
    else:
        raise OSError(errno.ENOTSUP, "atomic exchange is not available", str(first))
    if done != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(first), None, str(second))


EXCHANGE_UNSUPPORTED = (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP)


def publish(staged: Path, book_dir: Path) -> None:
    """Put the staged book in place of ``book_dir`` in one atomic step; remove the old one.

    ``staged`` is a folder made by :func:`staging_dir`. If ``book_dir`` is a symbolic link,
    the folder it points to is replaced (the link stays).
    """
    raise_if_interrupted()  # a Ctrl-C that other code swallowed still stops it
    target = Path(os.path.realpath(book_dir))
    root = staging_root(staged)
    (staged / MARKER).write_text("published by stairs-report\n", encoding="utf-8")
    set_published_modes(staged)
    if not target.exists():
        os.rename(staged, target)
    else:
        try:
            exchange(staged, target)
        except OSError as error:
            if error.errno not in EXCHANGE_UNSUPPORTED:
                raise
            os.rename(target, root / RETIRED_BOOK)
            os.rename(staged, target)
    shutil.rmtree(root, ignore_errors=True)


def discard(staged: Path) -> None:
    """Remove a staging folder after a failed or interrupted build."""
    shutil.rmtree(staging_root(staged), ignore_errors=True)


def leftovers(book_dir: Path) -> list[Path]:
    """Staging folders beside the book (a running build has one; a killed build leaves one)."""
    prefix = f".{book_dir.name}.{STAGING}-"
    parent = book_dir.parent
    if not parent.is_dir():
        return []
    return sorted(
        path
        for path in parent.iterdir()
        if path.name.startswith(prefix) and path.is_dir() and not path.is_symlink()
    )


def clean_leftovers(book_dir: Path) -> None:
    """Undo what a killed build left: restore a book moved aside, remove staging folders.

    Call it before a build starts, never while another build may be publishing the same book.
    """
    target = Path(os.path.realpath(book_dir))
    for leftover in leftovers(target):
        retired = leftover / RETIRED_BOOK
        if not target.exists() and retired.is_dir():
            os.rename(retired, target)
        shutil.rmtree(leftover, ignore_errors=True)


def is_published_book(folder: Path) -> bool:
    """True when ``folder`` was published by stairs-report (it holds the marker file)."""
    try:
        return stat.S_ISREG(os.stat(folder / MARKER).st_mode)
    except OSError:
        return False


# Names that mark a folder as a project or a home rather than a book: never replaced.
NOT_A_BOOK = (".git", "pyproject.toml", "_quarto.yml", "setup.py", ".bashrc", ".ssh")
BOOK_FILES = ("index.html", "report.pdf")


def looks_like_a_book(folder: Path) -> bool:
    """A book published by stairs-report (marker), or by an older version (no marker)."""
    if is_published_book(folder):
        return True
    names = {entry.name for entry in folder.iterdir()}
    return bool(names & set(BOOK_FILES)) and not names & set(NOT_A_BOOK)


def inside(root: Path, path: Path) -> bool:
    """True when ``path`` resolves to a place strictly inside ``root`` (symbolic links followed)."""
    base = Path(os.path.realpath(root))
    resolved = Path(os.path.realpath(path))
    return resolved != base and resolved.is_relative_to(base)


def book_dir_problem(book_dir: Path, keep: dict[str, Path]) -> str | None:
    """Why publishing to ``book_dir`` could destroy something, or None when it is safe.

    Publishing replaces the whole folder, so it must be a new folder, an empty one, or a
    book published before; it must not hold, or lie inside, any folder of ``keep``
    (name -> path, e.g. the data folder, the build folder, the project).
    """
    target = Path(os.path.realpath(book_dir))
    guarded = {**keep, "your home folder": Path.home()}
    for name, path in guarded.items():
        kept = Path(os.path.realpath(path))
        if target == kept or kept.is_relative_to(target):
            return f"it is or holds {name} ({path})"
    for name in ("the data folder", "the build folder"):
        if name in keep and inside(keep[name], target):
            return f"it lies inside {name} ({keep[name]})"
    if target.exists() and not target.is_dir():
        return "it is a file, not a folder"
    if target.is_dir() and any(target.iterdir()) and not looks_like_a_book(target):
        return (
            "it is a folder with other files in it; give a new or empty folder, or one "
            "that holds a report published before"
        )
    return None


def copy_into(source: Path, target: Path) -> None:
    """Copy a file or a whole folder to `target`, creating its parent folders."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copy2(source, target)
