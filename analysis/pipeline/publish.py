"""Atomic publishing: the new book replaces the old one only when every stage succeeded."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def staging_dir(book_dir: Path) -> Path:
    """A fresh folder beside the book folder (same file system, so the swap is a rename)."""
    book_dir.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{book_dir.name}.staging-", dir=book_dir.parent))


def publish(staged: Path, book_dir: Path) -> None:
    """Swap the staged folder into place; the previous book is removed only afterwards."""
    retired = None
    if book_dir.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{book_dir.name}.old-", dir=book_dir.parent))
        os.rmdir(retired)
        os.replace(book_dir, retired)
    os.replace(staged, book_dir)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


def discard(staged: Path) -> None:
    """Remove a staging folder after a failed or interrupted build."""
    shutil.rmtree(staged, ignore_errors=True)


def clean_leftovers(book_dir: Path) -> None:
    """Remove staging or retired folders left by a killed build."""
    for leftover in book_dir.parent.glob(f".{book_dir.name}.*-*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
