"""Build benchmarks: cold build stage by stage, incremental rebuilds, all sites and 100x data.

Every figure is printed with its ratio to a naive baseline measured in the same run:
serial papermill of every chapter (a fresh kernel each), then render.

    .venv/bin/python benchmarks/build.py            # everything (several minutes)
    .venv/bin/python benchmarks/build.py --quick    # skip all-sites and 100x
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from analysis.config import DEFAULT_DATA_DIR, PROJECT_ROOT
from analysis.pipeline.book import read_book
from analysis.pipeline.build import Builder, BuildOptions, chapter_parameters, site_ids
from analysis.pipeline.execute import execute_chapter
from analysis.pipeline.render import detect_renderer, render_book


def naive_baseline(data_dir: Path, root: Path) -> float:
    """Serial papermill of every chapter with a fresh kernel each, then render."""
    book = read_book()
    project = root / "project"
    started = time.perf_counter()
    extras = {"provenance_path": "", "validation_dir": ""}
    for chapter in book.notebooks:
        parameters = chapter_parameters(chapter, None, data_dir, extras)
        execute_chapter(
            chapter.id,
            PROJECT_ROOT / chapter.source,
            project / chapter.build_path,
            parameters,
        )
    for chapter in book.chapters:
        if not chapter.is_notebook:
            shutil.copy2(PROJECT_ROOT / chapter.source, project / chapter.build_path)
    out = root / "book"
    out.mkdir()
    render_book(detect_renderer(), book, project, out, ("html", "pdf"), {"date": "benchmark"})
    return time.perf_counter() - started


def timed_build(options: BuildOptions):
    started = time.perf_counter()
    summary = Builder(options).run()
    return time.perf_counter() - started, summary


def change_one_file(data_dir: Path) -> str:
    """Change one answer in the children's survey; return the file's name."""
    path = data_dir / "cyp_survey.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "listened_to"] = "a lot" if frame.loc[0, "listened_to"] != "a lot" else "a little"
    frame.to_csv(path, index=False, lineterminator="\n")
    return path.name


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="skip all-sites and 100x data")
    args = parser.parse_args()
    jobs = os.cpu_count() or 1
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory(prefix="stairs-bench-") as tmp:
        root = Path(tmp)
        data = root / "data"
        shutil.copytree(DEFAULT_DATA_DIR, data)

        naive = naive_baseline(data, root / "naive")
        rows.append(("naive baseline (serial papermill, then render)", naive, ""))

        options = BuildOptions(
            data_dir=data,
            book_dir=root / "cold" / "_book",
            build_dir=root / "cold" / "_build",
            jobs=jobs,
        )
        cold, summary = timed_build(options)
        stages = (
            f"gate {summary.gate_seconds:.1f} s, chapters {len(summary.executed)}, "
            f"render+publish {summary.render_seconds:.1f} s"
        )
        rows.append(("cold build", cold, stages))

        again, summary = timed_build(options)
        rows.append(("no-change rebuild", again, f"{len(summary.executed)} chapters executed"))
        command = [
            sys.executable,
            "-m",
            "analysis.cli",
            "build",
            "--data",
            str(data),
            "--out",
            str(options.book_dir),
            "--build-dir",
            str(options.build_dir),
        ]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        cli = time.perf_counter() - started
        rows.append(("no-change rebuild (CLI, new process)", cli, "includes Python start-up"))

        changed = change_one_file(data)
        one, summary = timed_build(options)
        names = ", ".join(sorted(r.chapter for r in summary.executed))
        rows.append((f"one data file changed ({changed})", one, f"re-executed: {names}"))

        if not args.quick:
            all_sites = BuildOptions(
                data_dir=data,
                book_dir=root / "sites" / "_book",
                build_dir=root / "sites" / "_build",
                jobs=jobs,
                sites=(None, *site_ids(data)),
            )
            every, summary = timed_build(all_sites)
            rows.append(
                (
                    f"all {len(all_sites.sites)} reports (cold)",
                    every,
                    f"{len(summary.executed)} chapters executed",
                )
            )

            from synthetic_data.generate import write_dataset

            big = root / "data100"
            started = time.perf_counter()
            write_dataset(big, scale=100)
            generated = time.perf_counter() - started
            big_options = BuildOptions(
                data_dir=big,
                book_dir=root / "big" / "_book",
                build_dir=root / "big" / "_build",
                jobs=jobs,
            )
            hundred, summary = timed_build(big_options)
            rows.append(
                (
                    "100x data: cold build",
                    hundred,
                    f"{hundred / cold:.2f}x the 1x cold build; generating took {generated:.1f} s",
                )
            )

    machine = f"{platform.platform()}, {os.cpu_count()} cores"
    print(f"machine: {machine}, Python {platform.python_version()}")
    print(f"renderer: {detect_renderer().description}")
    print()
    print(f"| {'figure':<48} | {'seconds':>8} | {'naive / this':>12} | notes")
    print(f"|{'-' * 50}|{'-' * 10}:|{'-' * 14}:|------")
    for name, seconds, note in rows:
        ratio = naive / seconds if seconds else float("inf")
        print(f"| {name:<48} | {seconds:8.1f} | {ratio:12.1f} | {note}")


if __name__ == "__main__":
    main()
