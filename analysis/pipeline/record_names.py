"""Where `stairs-report diff` finds the results records it is asked to compare.

A record is named by a report: `national`, a site id (`S07`), a scenario (`wtp-20000`),
optionally with `previous/` for the record that report's last build compared with (`previous`
alone is the default report's), or by a path to a `results.json` or a folder holding one.
"""

from __future__ import annotations

from pathlib import Path

from analysis.errors import ParameterError
from analysis.pipeline.results_record import PREVIOUS_RECORD_NAME, RECORD_NAME, read_record

PREVIOUS = "previous"


def resolve_records(
    old: str | None, new: str | None, report: str, book_dir: Path, build_dir: Path
) -> tuple[dict | None, dict]:
    """The two records to compare; the old one is None when the report has no previous one.

    Defaults: no names compares `previous` with the report's current record; one name
    compares the national report with it.
    """
    if old is None and new is None:
        old, new = f"{PREVIOUS}/{report}", report
    elif new is None:
        old, new = "national", old
    new_record = read_record(record_path(new, report, book_dir, build_dir))
    old_path = record_path(old, report, book_dir, build_dir)
    if old_path.name == PREVIOUS_RECORD_NAME and not old_path.exists():
        return None, new_record
    return read_record(old_path), new_record


def record_path(name: str, report: str, book_dir: Path, build_dir: Path) -> Path:
    """The file a record name stands for (see the module's docstring)."""
    if name == PREVIOUS:
        name = f"{PREVIOUS}/{report}"
    if name.startswith(f"{PREVIOUS}/"):
        scope = _scope_folder(name.split("/", 1)[1], book_dir)
        return build_dir / _build_folder(scope) / PREVIOUS_RECORD_NAME
    if Path(name).exists() or name.endswith(".json"):
        return Path(name)
    return book_dir / _scope_folder(name, book_dir) / RECORD_NAME


def _scope_folder(name: str, book_dir: Path) -> Path:
    """A report's folder inside the book: '' (national), sites/S07 or scenarios/<slug>."""
    if name in ("national", "current", ""):
        return Path()
    if (book_dir / "sites" / name.upper()).is_dir():
        return Path("sites") / name.upper()
    if (book_dir / "scenarios" / name).is_dir():
        return Path("scenarios") / name
    known = ["national", *_listed(book_dir / "sites"), *_listed(book_dir / "scenarios")]
    raise ParameterError(f"no report {name!r} in {book_dir}; reports: {', '.join(known)}")


def _build_folder(scope: Path) -> Path:
    """The build folder of a report, from its folder in the book."""
    parts = scope.parts
    if not parts:
        return Path("national")
    if parts[0] == "scenarios":
        return Path(*parts[:2]) / "national"
    return scope


def _listed(folder: Path) -> list[str]:
    """The reports in a folder of reports: its subfolders that hold a results record (not the
    site index's assets)."""
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / RECORD_NAME).is_file())
