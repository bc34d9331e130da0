"""Build benchmarks: naive baseline, cold build, rebuilds, gate, all site reports, shards, 100x.

Every figure is printed with its ratio to a naive baseline measured in the same run: serial
papermill of every chapter (a fresh kernel each), then render. Each build runs in a new
Python process, as `stairs-report build` does in CI, so it pays for its imports (the
great_expectations import included); its CPU seconds (all its processes) are printed too,
a figure that other load on the machine inflates less than the wall-clock time.

    .venv/bin/python benchmarks/build.py                        # every figure (several minutes)
    .venv/bin/python benchmarks/build.py --only cold,one-file   # some figures
    .venv/bin/python benchmarks/build.py --only shards --sites 3 --scale 10   # quick checks

Figures (`--only`): naive, cold, no-change, cli, one-file, one-file-kept, gate-one-file,
all-sites, shards, hundred. Those that start from a built report (no-change, cli, one-file,
one-file-kept, gate-one-file) build it first (the cold build); `one-file-kept` builds a
second report from nothing with --keep-kernels, changes the file, and rebuilds it in the kept
kernels; `shards` also builds all sites on one machine, which it is compared with. The
table is Markdown, ready for the README.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from analysis.config import DEFAULT_DATA_DIR, PROJECT_ROOT
from analysis.pipeline.book import read_book
from analysis.pipeline.build import chapter_parameters, site_ids
from analysis.pipeline.render import detect_renderer, render_book

FIGURES = (
    "naive",
    "cold",
    "no-change",
    "cli",
    "one-file",
    "one-file-kept",
    "gate-one-file",
    "all-sites",
    "shards",
    "hundred",
)
NEEDS_COLD = {"no-change", "cli", "one-file", "one-file-kept", "gate-one-file", "hundred"}
KEEP_SECONDS = 120  # --keep-kernels of the builds that keep their kernels
CHANGED_FILE = "cyp_survey.csv"

BUILD_CHILD = """
import json, sys
from pathlib import Path
from analysis.pipeline.build import Builder, BuildOptions
from analysis.pipeline.shards import Shard
args = json.loads(sys.argv[1])
options = BuildOptions(
    data_dir=Path(args["data"]), book_dir=Path(args["book"]), build_dir=Path(args["build"]),
    sites=tuple(args["sites"]), jobs=args["jobs"],
    shard=Shard.parse(args["shard"]) if args.get("shard") else None,
    keep_kernels=args.get("keep", 0),
)
summary = Builder(options).run()
results = options.build_dir / "validation" / "validation_results.json"
checks = {} if summary.gate_cached else json.loads(results.read_text())["checks"]
print(json.dumps({
    "gate_seconds": summary.gate_seconds, "gate_cached": summary.gate_cached,
    "gate_checks": {name: len(value) for name, value in checks.items()},
    "speculated": summary.speculated, "render_seconds": summary.render_seconds,
    "executed": sorted(f"{r.scope}/{r.chapter}" for r in summary.executed),
    "rendered": summary.rendered,
}))
from analysis.cli import end_process
end_process(0)  # as `stairs-report` ends: no interpreter teardown
"""

GATE_CHILD = """
import json, sys, time
from pathlib import Path
from analysis.pipeline.gate_cache import run_gate_cached
seconds, cached = run_gate_cached(Path(sys.argv[1]), Path(sys.argv[2]))
checks = json.loads((Path(sys.argv[2]) / "validation_results.json").read_text())["checks"]
print(json.dumps({"seconds": seconds, "cached": cached,
                  "gate_checks": {name: len(value) for name, value in checks.items()},
                  "great_expectations": "great_expectations" in sys.modules}))
from analysis.cli import end_process
end_process(0)
"""


@dataclass
class Row:
    """One figure of the table."""

    name: str
    seconds: float
    cpu: float | None = None
    note: str = ""
    target: str = ""
    ratio: bool = True  # show naive / this


@dataclass
class Run:
    """A timed child process: wall and CPU seconds, and what it printed (JSON) last."""

    seconds: float
    cpu: float
    report: dict = field(default_factory=dict)


def timed(command: list[str]) -> Run:
    """Run a command in a new process; wall seconds, CPU seconds of all its processes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"benchmark step failed: {' '.join(command)}\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return Run(seconds, cpu, json.loads(lines[-1]) if lines else {})


def build(
    data: Path,
    root: Path,
    sites: list[str | None],
    jobs: int,
    shard: str | None = None,
    keep: float = 0,
) -> Run:
    """A build in a new process, into `root/_book` with `root/_build` (`keep`: its
    --keep-kernels)."""
    args = {
        "data": str(data),
        "book": str(root / "_book"),
        "build": str(root / "_build"),
        "sites": sites,
        "jobs": jobs,
        "shard": shard,
        "keep": keep,
    }
    return timed([sys.executable, "-c", BUILD_CHILD, json.dumps(args)])


def naive_baseline(data_dir: Path, root: Path) -> Row:
    """Serial papermill of every chapter with its own fresh kernel (papermill's own engine,
    as a user without this build would run it), then render."""
    import papermill

    book = read_book()
    project = root / "project"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    own_before = time.process_time()
    started = time.perf_counter()
    extras = {"provenance_path": "", "validation_dir": ""}
    for chapter in book.notebooks:
        parameters = chapter_parameters(chapter, None, data_dir, extras)
        output = project / chapter.build_path
        output.parent.mkdir(parents=True, exist_ok=True)
        papermill.execute_notebook(
            str(PROJECT_ROOT / chapter.source),
            str(output),
            parameters=parameters,
            cwd=str(PROJECT_ROOT),
            kernel_name="python3",
            progress_bar=False,
        )
    for chapter in book.chapters:
        if not chapter.is_notebook:
            shutil.copy2(PROJECT_ROOT / chapter.source, project / chapter.build_path)
    out = root / "book"
    out.mkdir()
    render_book(detect_renderer(), book, project, out, ("html", "pdf"), {"date": "2026-01-01"})
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu += time.process_time() - own_before
    return Row("naive baseline (serial papermill, then render)", seconds, cpu)


def change_one_file(data_dir: Path) -> str:
    """Change one answer in the children's survey; return the file's name."""
    path = data_dir / CHANGED_FILE
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "listened_to"] = "a lot" if frame.loc[0, "listened_to"] != "a lot" else "a little"
    frame.to_csv(path, index=False, lineterminator="\n")
    return path.name


def checks_run(report: dict) -> str:
    """How many of the gate's checks ran, e.g. '4 of 41 checks ran, the rest from the memo'."""
    checks = report.get("gate_checks") or {}
    ran, total = checks.get("ran", 0), checks.get("ran", 0) + checks.get("reused", 0)
    rest = ", the rest from the gate's memo" if ran < total else ""
    return f"{ran} of {total} checks ran{rest}"


def stages(run: Run) -> str:
    report = run.report
    gate = "gate cached"
    if not report.get("gate_cached"):
        gate = f"gate {report['gate_seconds']:.1f} s ({checks_run(report)})"
    return (
        f"{gate}, {len(report['executed'])} chapters ({report['speculated']} started during "
        f"the gate), render + publish {report['render_seconds']:.1f} s"
    )


class Bench:
    """The figures of one run, sharing one copy of the data and the cold build."""

    def __init__(self, root: Path, args: argparse.Namespace):
        self.root = root
        self.args = args
        self.data = root / "data"
        shutil.copytree(DEFAULT_DATA_DIR, self.data)
        sites = site_ids(self.data)
        self.scopes: list[str | None] = [None, *(sites[: args.sites] if args.sites else sites)]
        self.rows: list[Row] = []
        self.naive: float | None = None
        self.cold: Run | None = None
        self.every: Run | None = None

    def build(
        self, folder: str, scopes: list[str | None], shard: str | None = None, keep: float = 0
    ) -> Run:
        return build(self.data, self.root / folder, scopes, self.args.jobs, shard, keep)

    def run_naive(self) -> None:
        row = naive_baseline(self.data, self.root / "naive")
        self.naive = row.seconds
        self.rows.append(row)

    def run_cold(self) -> None:
        self.cold = self.build("cold", [None])
        target = "≥ 3× faster than naive"
        self.rows.append(Row("cold build", *_times(self.cold), stages(self.cold), target))

    def run_no_change(self) -> None:
        again = self.build("cold", [None])
        executed = f"{len(again.report['executed'])} chapters executed"
        self.rows.append(Row("no-change rebuild (new process)", again.seconds, again.cpu, executed))

    def run_cli(self) -> None:
        book, build_dir = self.root / "cold" / "_book", self.root / "cold" / "_build"
        command = [sys.executable, "-m", "analysis.cli", "build", "--data", str(self.data)]
        cli = timed([*command, "--out", str(book), "--build-dir", str(build_dir)])
        self.rows.append(Row("no-change rebuild from the CLI", *_times(cli), "", "≤ 0.6 s"))

    def run_gate_one_file(self) -> None:
        results = self.root / "gate-copy"
        shutil.copytree(self.root / "cold" / "_build" / "validation", results)
        gate = timed([sys.executable, "-c", GATE_CHILD, str(self.data), str(results)])
        imported = "imported" if gate.report["great_expectations"] else "not imported"
        note = (
            f"in the gate {gate.report['seconds']:.1f} s; {checks_run(gate.report)}; "
            f"great_expectations {imported}"
        )
        self.rows.append(Row(f"gate only, one file changed ({CHANGED_FILE})", *_times(gate), note))

    def run_one_file(self) -> None:
        self.one_file_row(self.build("cold", [None]), "")

    def one_file_row(self, one: Run, kept: str) -> None:
        """The row of a rebuild after the one-file change (`kept`: how its kernels came)."""
        chapters = ", ".join(name.split("/")[1] for name in one.report["executed"])
        note = (
            f"{one.seconds / self.cold.seconds:.0%} of the cold build; {kept}{stages(one)}; "
            f"re-executed: {chapters}"
        )
        name = f"one data file changed ({CHANGED_FILE})"
        if kept:
            name += ", kernels kept from the build before"
        self.rows.append(Row(name, *_times(one), note, "≤ 40% of the cold build"))

    def kept_kernels_cpu(self) -> dict[int, float]:
        """CPU seconds so far of each kernel kept in the `kept` build folder (they are not
        children of the build, so its CPU figure does not include them)."""
        from analysis.pipeline.kept_kernels import KERNELS

        registry = self.root / "kept" / "_build" / KERNELS
        pids = [json.loads(p.read_text())["pid"] for p in registry.glob("kernel-*.json")]
        return {pid: _process_cpu(pid) for pid in pids}

    def run_cold_kept(self) -> None:
        """A cold build that keeps its kernels (before the data change), for `one-file-kept`."""
        self.kept = self.build("kept", [None], keep=KEEP_SECONDS)
        self.kept_cpu = self.kept_kernels_cpu()
        self.kept.cpu += sum(self.kept_cpu.values())
        note = f"its kernels left running for the next build; {stages(self.kept)}"
        self.rows.append(
            Row(f"cold build, --keep-kernels {KEEP_SECONDS}", *_times(self.kept), note)
        )

    def run_one_file_kept(self) -> None:
        one = self.build("kept", [None], keep=KEEP_SECONDS)
        after = self.kept_kernels_cpu()
        one.cpu += sum(cpu - self.kept_cpu.get(pid, 0.0) for pid, cpu in after.items())
        self.one_file_row(one, "the kernels kept by the build before it; ")

    def stop_kept_kernels(self) -> None:
        from analysis.pipeline.kept_kernels import KERNELS, stop_all

        stop_all(self.root / "kept" / "_build" / KERNELS)

    def run_all_sites(self) -> None:
        self.every = self.build("all-sites", self.scopes)
        runs = f"{len(self.every.report['executed'])} chapter runs"
        name = f"all {len(self.scopes)} reports on one machine (cold)"
        self.rows.append(Row(name, *_times(self.every), runs, "≤ 150 s"))

    def run_shards(self) -> None:
        count = self.args.shards
        runs = [self.build(f"shard-{k}", self.scopes, f"{k}/{count}") for k in range(1, count + 1)]
        folders = [str(self.root / f"shard-{k}" / "_book") for k in range(1, count + 1)]
        out = str(self.root / "merged" / "_book")
        merge = timed([sys.executable, "-m", "analysis.cli", "merge", *folders, "--out", out])
        fan_out = max(run.seconds for run in runs) + merge.seconds
        note = (
            f"shards {', '.join(f'{run.seconds:.1f}' for run in runs)} s, each alone on this "
            f"machine; merge {merge.seconds:.1f} s; all reports on one machine / this = "
            f"{self.every.seconds / fan_out:.2f}"
        )
        self.rows.append(Row(f"slowest of {count} shards + merge", fan_out, None, note))

    def run_hundred(self) -> None:
        from synthetic_data.generate import write_dataset

        scale = self.args.scale
        big = self.root / "data-big"
        started = time.perf_counter()
        write_dataset(big, scale=scale)
        generated = time.perf_counter() - started
        hundred = build(big, self.root / "big", [None], self.args.jobs)
        note = (
            f"{hundred.seconds / self.cold.seconds:.2f}x the 1x cold build; generating took "
            f"{generated:.1f} s; {stages(hundred)}"
        )
        target = "≤ 1.25× the 1× cold build"
        self.rows.append(Row(f"{scale}x data, cold build", *_times(hundred), note, target))

    def print_table(self) -> None:
        print("| Figure | Seconds | CPU seconds | Naive / this | Target | Notes |")
        print("|---|---:|---:|---:|---|---|")
        for row in self.rows:
            ratio = "–"
            if self.naive and row.ratio and row.seconds:
                ratio = f"{self.naive / row.seconds:.1f}"
            cpu = f"{row.cpu:.1f}" if row.cpu is not None else "–"
            cells = [row.name, f"{row.seconds:.1f}", cpu, ratio, row.target, row.note]
            print(f"| {' | '.join(cells)} |")


def _process_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux /proc), 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _times(run: Run) -> tuple[float, float]:
    return run.seconds, run.cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(FIGURES), help="comma-separated figures")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--shards", type=int, default=3, help="shards of the all-sites build")
    parser.add_argument("--sites", type=int, default=None, help="only the first N sites")
    parser.add_argument("--scale", type=int, default=100, help="data scale of `hundred`")
    args = parser.parse_args()
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = sorted(only - set(FIGURES))
    if unknown:
        parser.error(f"unknown figure(s) {', '.join(unknown)}; choose from {', '.join(FIGURES)}")

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="stairs-bench-") as tmp:
        bench = Bench(Path(tmp), args)
        if "naive" in only:
            bench.run_naive()
        if "cold" in only or NEEDS_COLD & only:
            bench.run_cold()
        if "no-change" in only:
            bench.run_no_change()
        if "cli" in only:
            bench.run_cli()
        if "one-file-kept" in only:
            bench.run_cold_kept()
        if {"one-file", "one-file-kept", "gate-one-file"} & only:
            change_one_file(bench.data)
            if "gate-one-file" in only:
                bench.run_gate_one_file()
            if "one-file" in only:
                bench.run_one_file()
            if "one-file-kept" in only:
                bench.run_one_file_kept()
                bench.stop_kept_kernels()
        if "all-sites" in only or "shards" in only:
            bench.run_all_sites()
        if "shards" in only:
            bench.run_shards()
        if "hundred" in only:
            bench.run_hundred()

    print(f"date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}")
    machine = f"{platform.platform()}, {os.cpu_count()} cores"
    print(f"machine: {machine}, Python {platform.python_version()}, jobs {args.jobs}")
    print(
        f"load average (1, 5, 15 min): before {_load(load_before)}; after {_load(os.getloadavg())}"
    )
    print(f"renderer: {detect_renderer().description}")
    print()
    bench.print_table()


def _load(values: tuple[float, float, float]) -> str:
    return ", ".join(f"{value:.1f}" for value in values)


if __name__ == "__main__":
    main()
