"""Generate the synthetic dataset and write every file of the data contract.

`build_dataset` draws all tables in memory (deterministic for a seed); `write_dataset`
writes them as small UTF-8 CSV files into a temporary folder beside the target and
then moves that folder into place, so a failure never leaves half-written data.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import config
from analysis.data.harmonise import read_schema, table_dtypes
from analysis.errors import DataError, ParameterError
from synthetic_data import admin_cases, admin_submissions, interviews, surveys
from synthetic_data.dictionary import build_data_dictionary
from synthetic_data.economics import build_economics_inputs
from synthetic_data.site_codings import build_codebook
from synthetic_data.sites import build_sites
from synthetic_data.targets import load_targets

MAX_SCALE = 1000
# Independent random streams, so changing one table never changes another.
STREAMS = ("cases", "observe", "encode", "staff", "cyp", "interviews", "excerpts")
DATASET_MARKERS = ("sites.csv", "data_dictionary.csv")


@dataclass
class Dataset:
    """Every table of the synthetic dataset, plus the tidy admin truth behind the raw files."""

    tables: dict[str, pd.DataFrame]
    submissions: dict[str, pd.DataFrame]
    admin: pd.DataFrame = field(repr=False)


def build_dataset(seed: int = config.DEFAULT_SEED, scale: int = 1) -> Dataset:
    """All tables for a seed and scale, in memory (nothing is written)."""
    seed, scale = check_parameters(seed, scale)
    targets = load_targets()
    schema = read_schema()
    rng = dict(
        zip(
            STREAMS,
            (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(STREAMS))),
            strict=True,
        )
    )
    sites = build_sites(targets)
    codebook = build_codebook(sites["site_id"].tolist(), targets)
    cases = admin_cases.build_cases(rng["cases"], targets, scale)
    observed = admin_submissions.observe(rng["observe"], cases, codebook, targets)
    submissions = {
        site_id: admin_submissions.encode_submission(
            rng["encode"], rows, codebook[codebook["site_id"] == site_id]
        )
        for site_id, rows in observed.groupby("site_id", sort=True)
    }
    interview_rows = interviews.build_interviews(rng["interviews"], targets, scale)
    per_theme = targets["design"]["interviews"]["excerpts_per_theme_and_group"]
    tables: dict[str, pd.DataFrame] = {
        "sites": sites,
        "admin_codebook": codebook,
        "staff_survey": surveys.build_staff_survey(rng["staff"], targets, scale),
        "cyp_survey": surveys.build_cyp_survey(rng["cyp"], targets, scale),
        "interviews": interview_rows,
        "interview_excerpts": interviews.build_excerpts(rng["excerpts"], interview_rows, per_theme),
        "economics_inputs": build_economics_inputs(targets),
        "data_dictionary": build_data_dictionary(schema),
    }
    tables = {name: frame.astype(table_dtypes(name, schema)) for name, frame in tables.items()}
    return Dataset(tables, submissions, admin_submissions.tidy_admin(observed, schema))


def write_dataset(out_dir: Path, seed: int = config.DEFAULT_SEED, scale: int = 1) -> list[Path]:
    """Write the dataset for `seed` and `scale` into `out_dir` (replacing it); return the files.

    Raises ParameterError for a negative seed or a scale outside 1..1000, and DataError
    when the folder cannot be written or holds something other than a dataset.
    """
    seed, scale = check_parameters(seed, scale)
    target = Path(out_dir).expanduser().absolute()
    _check_replaceable(target)
    staging = _staging_folder(target)
    try:
        dataset = build_dataset(seed, scale)
        files = read_schema()["files"]
        for table, frame in dataset.tables.items():
            _write_csv(frame, staging / files[table])
        (staging / "admin").mkdir()
        for site_id, raw in dataset.submissions.items():
            _write_csv(raw, staging / "admin" / f"{site_id}.csv")
        written = sorted(p.relative_to(staging) for p in staging.rglob("*.csv"))
        _move_into_place(staging, target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise DataError(f"cannot write the dataset to {target}: {exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [target / p for p in written]


def check_parameters(seed: object, scale: object) -> tuple[int, int]:
    """The seed (whole number >= 0) and scale (whole number 1..1000), or ParameterError."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError(f"seed must be a whole number of at least 0, got {seed!r}")
    if isinstance(scale, bool) or not isinstance(scale, int | np.integer):
        raise ParameterError(f"scale must be a whole number from 1 to {MAX_SCALE}, got {scale!r}")
    if not 1 <= scale <= MAX_SCALE:
        raise ParameterError(f"scale must be from 1 to {MAX_SCALE}, got {scale}")
    return int(seed), int(scale)


def _check_replaceable(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise DataError(f"output folder {target} exists and is not a folder")
    holds_dataset = any((target / marker).exists() for marker in DATASET_MARKERS)
    if target.is_dir() and any(target.iterdir()) and not holds_dataset:
        raise DataError(
            f"output folder {target} is not empty and does not hold a dataset "
            f"(no {' or '.join(DATASET_MARKERS)}); refusing to replace it"
        )


def _staging_folder(target: Path) -> Path:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
        staging.chmod(0o755)
    except OSError as exc:
        raise DataError(f"output folder {target} is not writable: {exc}") from exc
    return staging


def _move_into_place(staging: Path, target: Path) -> None:
    """Swap the staged folder in; the old folder is removed only once the new one is there."""
    if not target.exists():
        staging.rename(target)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    retired.rmdir()
    target.rename(retired)
    try:
        staging.rename(target)
    except OSError:
        retired.rename(target)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV with '\\n' line ends and stable text for every value (blank when missing)."""
    text = frame.assign(**{name: _as_text(frame[name]) for name in _special_columns(frame)})
    with path.open("w", encoding="utf-8", newline="") as handle:
        text.to_csv(handle, index=False, lineterminator="\n", na_rep="")


def _special_columns(frame: pd.DataFrame) -> list[str]:
    """Columns whose default CSV text is not the contract's: booleans, months, floats."""
    return [
        name
        for name, dtype in frame.dtypes.items()
        if pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_datetime64_any_dtype(dtype)
        or pd.api.types.is_float_dtype(dtype)
    ]


def _as_text(column: pd.Series) -> pd.Series:
    """Booleans as true/false, months as YYYY-MM, floats with two decimals, blanks empty."""
    if pd.api.types.is_bool_dtype(column.dtype):
        text = pd.Series(np.where(column.fillna(False), "true", "false"), index=column.index)
        return text.where(column.notna(), "")
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return column.dt.strftime("%Y-%m").fillna("")
    return column.map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
