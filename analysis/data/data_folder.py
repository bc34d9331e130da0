"""Which data folder a run reads (kept free of heavy imports for fast CLI start-up)."""

from __future__ import annotations

from pathlib import Path

from analysis import config
from analysis.errors import DataError


def resolve_data_dir(data_dir: str | Path | None) -> Path:
    """The data folder to use, as an absolute path (the kernels run in the project folder,
    so a relative path would name another folder there): "" or None means the bundled
    synthetic data."""
    if data_dir is None or str(data_dir).strip() == "":
        directory = config.DEFAULT_DATA_DIR
    else:
        directory = Path(data_dir).expanduser().absolute()
    if not directory.is_dir():
        raise DataError(f"data folder {directory} does not exist or is not a folder")
    return directory
