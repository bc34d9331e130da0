"""`stairs-report run`: execute one chapter with a researcher's parameters and render it.

The executed notebook and a standalone HTML page of it go to the runs folder, named after
the chapter and the parameters given. The data pass the data-quality gate before a chapter
is executed. An unchanged chapter run again with unchanged parameters, code and data is
served from the cache (the same content-hash rules as the build), so re-running is fast.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from analysis.config import PROJECT_ROOT, QUARTO_CONFIG
from analysis.pipeline.book import read_book
from analysis.pipeline.cache import (
    CacheKey,
    Manifest,
    code_fingerprint,
    environment_fingerprint,
    file_sha256,
    text_sha256,
)
from analysis.pipeline.parameters import (
    check_parameter_values,
    coerce_parameters,
    parameter_specs,
)

CACHE_FOLDER = ".cache"


@dataclass(frozen=True)
class RunResult:
    """Where a run's notebook and page went, and whether the cache served them."""

    chapter: str
    notebook: Path
    page: Path
    executed: bool
    rendered: bool
    seconds: float


MAX_RUN_NAME = 120  # characters of a run's file name, well below file-system limits


def run_name(chapter_id: str, raw: dict[str, str]) -> str:
    """A run's file name (without suffix): the chapter and its parameters, so runs never clash.

    Only ASCII letters, digits, ``-`` and ``_`` appear in it; a long name is cut and ends
    with a hash of all the parameters instead.
    """
    suffix = "".join(
        f"__{k}_{''.join(c if c.isascii() and c.isalnum() else '-' for c in v)}"
        for k, v in sorted(raw.items())
    )
    if len(chapter_id) + len(suffix) > MAX_RUN_NAME:
        digest = text_sha256(repr(sorted(raw.items())))[:16]
        suffix = f"{suffix[: MAX_RUN_NAME - len(chapter_id) - 18]}__{digest}"
    return f"{chapter_id}{suffix}"


def run_chapter(
    chapter_id: str,
    raw: dict[str, str],
    data_dir: Path,
    out_dir: Path,
    status: Callable[[str], None] | None = None,
    keep_kernels: float = 0.0,
) -> RunResult:
    """Execute (unless cached) and render (unless unchanged) one chapter with `raw` parameters.

    With `keep_kernels` > 0 the gate and the chapter run in kernels kept from an earlier run
    (and are kept for the next), as `build --keep-kernels` does."""
    say = status or (lambda message: None)
    started = time.perf_counter()
    data_dir, out_dir = data_dir.absolute(), out_dir.absolute()  # the kernel runs elsewhere
    book = read_book()
    chapter = book.chapter(chapter_id)
    source = PROJECT_ROOT / chapter.source
    specs = parameter_specs(source)
    parameters = coerce_parameters(
        chapter_id, raw, {s.name: s.default for s in specs}, {s.name: s.type for s in specs}
    )
    if any(s.name == "data_dir" for s in specs):
        parameters["data_dir"] = str(data_dir)
    name = run_name(chapter_id, raw)
    notebook = out_dir / f"{name}.ipynb"
    page = out_dir / f"{name}.html"
    manifest = Manifest(out_dir / CACHE_FOLDER)
    code, environment = code_fingerprint(), environment_fingerprint()
    # Keyed on the values as given: a cached run with the same values passed the checks.
    key = CacheKey.for_chapter(source, parameters, code, environment, data_dir)
    executed = not manifest.is_fresh(name, key, notebook)
    if executed:
        parameters = check_parameter_values(parameters, data_dir)
        from dataclasses import replace

        from analysis.pipeline import gate_cache
        from analysis.pipeline.execute import execute_chapter
        from analysis.pipeline.kept_kernels import KERNELS, keep_policy
        from analysis.pipeline.kernels import kept_or_new_kernel
        from analysis.pipeline.shared_results import (
            KEEP_RUN_RESULTS_SECONDS,
            remove_unused_results,
            shared_results_folder,
        )

        keep = keep_policy(out_dir / CACHE_FOLDER / KERNELS, keep_kernels, code, environment)
        validation = out_dir / CACHE_FOLDER / "validation"
        say(f"checking {data_dir} with the data-quality gate")
        if keep is None:
            gate_cache.run_gate_cached(data_dir, validation)
        else:
            gate = replace(keep, role="gate")
            gate_cache.run_gate_in_kept_kernel(gate, data_dir, validation, code)
        say(f"starting a kernel for {chapter_id}")
        kernel = kept_or_new_kernel(keep)  # its stderr (the kernel's log) stays off the terminal
        try:
            say(f"executing {chapter_id}")
            memo = shared_results_folder(out_dir / CACHE_FOLDER, code, environment)
            remove_unused_results(memo, time.time() - KEEP_RUN_RESULTS_SECONDS)
            result = execute_chapter(
                chapter_id, source, notebook, parameters, kernel=kernel, result_memo=memo
            )
        finally:
            kernel.release()  # stopped, or kept for the next run
        manifest.record(name, key, notebook, result.reads, data_dir)
    page_key = text_sha256(
        "\n".join((code, environment, file_sha256(notebook), file_sha256(QUARTO_CONFIG)))
    )
    rendered = _page_is_stale(out_dir, name, page_key, page)
    if rendered:
        say(f"rendering {chapter_id}")
        render_page(chapter_id, notebook, page, _parameter_note(raw, specs))
        _stamp_page(out_dir, name, page_key, page)
    return RunResult(chapter_id, notebook, page, executed, rendered, time.perf_counter() - started)


def _parameter_note(raw: dict[str, str], specs: list) -> str:
    """What the page says about how it was run: each parameter given, beside its default."""
    if not raw:
        return "Re-run with the chapter's default parameters."
    defaults = {spec.name: spec.default_text for spec in specs}
    shown = "; ".join(f"{name} = {raw[name]} (default {defaults[name]})" for name in sorted(raw))
    note = f"Re-run with {shown}."
    if str(raw.get("site", "")).strip():
        note += f" {SITE_RUN_NOTE}"
    return note


# A chapter run for one site protects its own numbers, but is not part of the site reports'
# release, which is protected across every report of a build.
SITE_RUN_NOTE = (
    "A working page for the analyst, not for release: its numbers are protected on their own "
    "(suppressed or rounded), not together with the site reports, and beside them could narrow "
    "values those reports suppress. A site's figures are released through its site report "
    "(stairs-report build --site)."
)


def _stamp_path(out_dir: Path, name: str) -> Path:
    return out_dir / CACHE_FOLDER / f"{name}.page.json"


def _page_is_stale(out_dir: Path, name: str, key: str, page: Path) -> bool:
    try:
        stamp = json.loads(_stamp_path(out_dir, name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    if not page.exists() or stamp.get("page_sha256") != file_sha256(page):
        return True
    return stamp.get("key") != key


def _stamp_page(out_dir: Path, name: str, key: str, page: Path) -> None:
    stamp = {"key": key, "page_sha256": file_sha256(page)}
    _stamp_path(out_dir, name).write_text(json.dumps(stamp, sort_keys=True), encoding="utf-8")


def render_page(chapter_id: str, notebook: Path, page: Path, note: str) -> Path:
    """One executed chapter as a standalone HTML page, with the book's renderer and look."""
    from analysis.pipeline.render_page import render_chapter_page

    return render_chapter_page(read_book(), chapter_id, notebook, page, note)
