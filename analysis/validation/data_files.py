"""The data folder as the gate sees it: each file's name, hash and, when needed, text.

Files are named by their path in the folder (``cyp_survey.csv``, ``admin/S01.csv``). A
file is hashed once per gate, for the memo keys of the checks that read it, and read as
text only when one of those checks must run or a failure must name its lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from analysis.validation.files import TextTable, read_text_table
from analysis.validation.memo import file_digest
from analysis.validation.suites import RAW_TEMPLATE


@dataclass
class DataFiles:
    """The contract's files in one data folder: one per table, and one per site submission."""

    root: Path
    tables: dict[str, str]  # table -> file, e.g. "cyp_survey" -> "cyp_survey.csv"
    submissions: dict[str, str]  # site id -> file, e.g. "S01" -> "admin/S01.csv"
    submission_folder: str
    _digests: dict[str, str] = field(default_factory=dict)
    _texts: dict[str, TextTable] = field(default_factory=dict)

    @classmethod
    def of(cls, root: Path, files: Mapping[str, str], tables: Iterable[str]) -> DataFiles:
        """The files of `tables` (names from the schema's `files`) and every admin/*.csv."""
        folder = Path(files["admin_submissions"]).parent
        paths = sorted((root / folder).glob("*.csv"))
        submissions = {path.stem: f"{folder.as_posix()}/{path.name}" for path in paths}
        return cls(root, {table: files[table] for table in tables}, submissions, str(folder))

    @property
    def every(self) -> list[str]:
        """Every file: the tables' files, then the submissions."""
        return [*self.tables.values(), *self.submissions.values()]

    def dataset(self, file: str) -> str:
        """The dataset a file holds: its table, or the raw submission template."""
        for table, name in self.tables.items():
            if name == file:
                return table
        return RAW_TEMPLATE

    def table_of(self, file: str) -> str | None:
        """The table whose file this is (None for a site submission)."""
        return next((table for table, name in self.tables.items() if name == file), None)

    def digest(self, file: str) -> str:
        """Hash of the file's bytes (or of its absence), computed once per gate."""
        if file not in self._digests:
            self._digests[file] = file_digest(self.root / file)
        return self._digests[file]

    def digests(self, files: Iterable[str]) -> dict[str, str]:
        """Hashes of `files`, by file (a memo key of the checks that read them)."""
        return {file: self.digest(file) for file in files}

    def text(self, file: str) -> TextTable:
        """The file read as text (read on first use)."""
        if file not in self._texts:
            self._texts[file] = read_text_table(self.root / file, self.dataset(file), file)
        return self._texts[file]

    def submission_texts(self) -> dict[str, TextTable]:
        """Every site submission read as text, by site id."""
        return {site: self.text(file) for site, file in self.submissions.items()}
