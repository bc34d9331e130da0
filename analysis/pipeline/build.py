"""The build: gate -> execute (incremental, parallel) -> render -> publish, per report scope.

A scope is the national report or one site's report. Each scope executes into its
own folder under `_build/` and renders into its own folder of the book, so no
report's figures or files overwrite another's. A scenario build (parameters other than
the defaults) does the same under `scenarios/<slug>/` of both folders; its chapters that
no scenario parameter touches are taken from the report without the scenario.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from analysis.config import (
    BOOK_DIR,
    BUILD_DIR,
    NO_SITE_REPORT,
    PROJECT_ROOT,
    SETTING_TYPES,
    YEARS,
)
from analysis.errors import BuildError, DataError, ParameterError
from analysis.pipeline import publish as publishing
from analysis.pipeline.book import Book, Chapter, book_config, read_book
from analysis.pipeline.cache import (
    CacheKey,
    Manifest,
    code_fingerprint,
    data_listing_fingerprint,
    environment_fingerprint,
    file_sha256,
    text_sha256,
)
from analysis.pipeline.kept_kernels import KERNELS, KeepPolicy, keep_policy
from analysis.pipeline.parameters import declared_parameters
from analysis.pipeline.provenance import (
    build_time,
    collect_inputs,
    published_record,
    record_json,
)
from analysis.pipeline.render import FORMATS, Renderer, detect_renderer, render_book
from analysis.pipeline.results_record import PREVIOUS_RECORD_NAME, RECORD_NAME, write_record
from analysis.pipeline.scenarios import Scenario
from analysis.pipeline.shards import SHARD_RECORD, Shard, ShardRecord, build_identity, share_of
from analysis.pipeline.shared_results import remove_unused_results, shared_results_folder
from analysis.pipeline.site_index import write_site_index
from analysis.pipeline.workers import STAGING, Task, Workers
from analysis.validation.identifiers import is_site_id, site_id_problem

NATIONAL = "national"
PROJECT_FILES = ("_quarto.yml",)
SITE_BOOK = PROJECT_ROOT / "_quarto-site.yml"  # a site report's book, copied in as _quarto.yml
DATA_DOCS = "data-docs"  # an older build published the gate's Data Docs here; now removed
RELEASE = "release.json"
DISCLOSURE_LOG = "disclosure-log.json"
SCENARIOS = "scenarios"
NESTED_REPORTS = ("sites", SCENARIOS)  # folders of other reports inside a report's folder
CHANGES_PAGE = "changes.qmd"  # the appendix the build writes from the results records


@dataclass(frozen=True)
class BuildOptions:
    """What to build and where."""

    data_dir: Path
    book_dir: Path = BOOK_DIR
    build_dir: Path = BUILD_DIR
    formats: tuple[str, ...] = FORMATS
    sites: tuple[str | None, ...] = (None,)  # None is the national report
    jobs: int = max(1, os.cpu_count() or 1)
    force: bool = False
    gate: bool = True
    scenario: Scenario | None = None  # None: the reports with the chapters' defaults
    baseline: Path | None = None  # results records to compare with (default: the book's own)
    shard: Shard | None = None  # build only this deterministic share of `sites`
    keep_kernels: float = 0.0  # > 0: leave the warm kernels running this long for the next build


@dataclass
class ChapterRun:
    """What happened to one chapter of one scope."""

    scope: str
    chapter: str
    status: str  # "cached", "executed", "failed" or "discarded" (the gate failed meanwhile)
    seconds: float = 0.0


@dataclass
class BuildSummary:
    """What a build did, for the CLI and the benchmarks."""

    renderer: Renderer
    runs: list[ChapterRun] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    gate_seconds: float = 0.0
    gate_cached: bool = False
    speculated: int = 0  # chapters queued before the gate had passed
    render_seconds: float = 0.0

    @property
    def executed(self) -> list[ChapterRun]:
        """Chapters that were executed (not taken from the cache)."""
        return [r for r in self.runs if r.status == "executed"]


Reporter = Callable[[ChapterRun], None]


def scope_name(site: str | None) -> str:
    """Folder name of a report scope."""
    return NATIONAL if site is None else site


def _register(data_dir: Path) -> list[dict[str, str]]:
    register = data_dir / "sites.csv"
    try:
        with open(register, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:
            row["site_id"], row["setting_type"]
        return rows
    except (OSError, KeyError, UnicodeDecodeError) as exc:
        raise DataError(f"{register}: cannot read the site register ({exc})") from exc


def site_ids(data_dir: Path) -> list[str]:
    """Sites that get a report of their own (all but the STC), read without pandas.

    The single secure training centre is only ever reported with the YOIs, so it has no
    site report: any figure of its own would describe the STC alone.
    """
    return [
        row["site_id"] for row in _register(data_dir) if row["setting_type"] not in NO_SITE_REPORT
    ]


def check_sites(requested: tuple[str | None, ...], data_dir: Path) -> tuple[str | None, ...]:
    """Requested scopes, refusing a site id that is not a site id of the register, and the
    STC (listing the valid ones).

    A site id names folders of the build and the book, so it must match the schema's
    pattern whether it comes from ``--site`` or from ``sites.csv``.
    """
    known = site_ids(data_dir)
    stc = {row["site_id"] for row in _register(data_dir) if row["setting_type"] in NO_SITE_REPORT}
    for site in requested:
        if site is None:
            continue
        problem = site_id_problem(site)
        if problem is not None:
            raise ParameterError(f"refusing site {problem}; check the data with `validate`")
        valid = ", ".join(s for s in known if is_site_id(s))
        if site in stc:
            raise ParameterError(
                f"site {site!r} is the secure training centre, which has no report of its own "
                f"(it is reported with the YOIs); valid sites: {valid}"
            )
        if site not in known:
            raise ParameterError(f"unknown site {site!r}; valid sites: {valid}")
    return requested


def check_formats(formats: tuple[str, ...]) -> None:
    """Refuse, before anything runs, formats the renderers cannot write."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        given = ", ".join(unknown) if unknown else "none"
        raise ParameterError(f"unknown format(s) {given}; --to takes html, pdf or html,pdf")


def chapter_parameters(
    chapter: Chapter, site: str | None, data_dir: Path, extras: dict[str, Any]
) -> dict[str, Any]:
    """Parameters injected into one chapter: only those its parameters cell declares."""
    declared = _declared_parameters(PROJECT_ROOT / chapter.source)
    offered = {
        "data_dir": str(data_dir),
        "site": site or "",
        "years": list(YEARS),
        "setting_types": list(SETTING_TYPES),
        **extras,
    }
    return {name: value for name, value in offered.items() if name in declared}


class Builder:
    """Runs the stages for a set of scopes."""

    def __init__(self, options: BuildOptions, report: Reporter | None = None):
        # Absolute paths: the kernels run in the project folder, not in the caller's.
        self.options = replace(
            options,
            data_dir=options.data_dir.absolute(),
            book_dir=options.book_dir.absolute(),
            build_dir=options.build_dir.absolute(),
        )
        self.report = report or (lambda run: None)
        self.book: Book = read_book()
        self.site_book: Book = read_book(SITE_BOOK)
        self.renderer = detect_renderer()
        self.summary = BuildSummary(self.renderer)
        self.build_time = build_time()  # one time for every date the build writes

    # -- stages ---------------------------------------------------------------------------
    def run(self) -> BuildSummary:
        """Gate, execute, render and publish; the book changes only if all succeed."""
        options = self.options
        check_formats(options.formats)
        if not options.data_dir.is_dir():
            raise DataError(f"data folder not found: {options.data_dir}")
        check_sites(options.sites, options.data_dir)
        problem = publishing.book_dir_problem(
            options.book_dir,
            {
                "the data folder": options.data_dir,
                "the build folder": options.build_dir,
                "the project": PROJECT_ROOT,
            },
        )
        if problem is not None:
            raise ParameterError(f"refusing to publish the report in {options.book_dir}: {problem}")
        self._take_share()
        publishing.clean_leftovers(options.book_dir)
        self._stopping: Workers | None = None
        try:
            self._gate_and_execute()
            self._render_and_publish()
        finally:
            if self._stopping is not None:  # their kernels stopped while the book rendered
                self._stopping.close(wait=True)
        return self.summary

    def _take_share(self) -> None:
        """With --shard, build only this shard's share of the reports (and say so in the book)."""
        shard = self.options.shard
        if shard is None:
            return
        names = [scope_name(site) for site in self.options.sites]
        share = set(share_of(names, self._scope_cost, shard))
        self.all_scopes = tuple(names)
        self.options = replace(
            self.options, sites=tuple(s for s in self.options.sites if scope_name(s) in share)
        )

    @property
    def shard_scopes(self) -> list[str]:
        """The reports this build covers ("national", site ids)."""
        return [scope_name(site) for site in self.options.sites]

    def _scope_cost(self, scope: str) -> float:
        """Relative cost of building a report: its notebooks, plus one for rendering it."""
        site = None if scope == NATIONAL else scope
        return len(self.book_for(site).notebooks) + 1

    def _shard_record(self) -> ShardRecord:
        parameters = {
            "formats": list(self.options.formats),
            "years": list(YEARS),
            "setting_types": list(SETTING_TYPES),
        }
        return ShardRecord(
            self.options.shard,
            tuple(scope_name(site) for site in self.options.sites),
            self.all_scopes,
            build_identity(self.options.data_dir, parameters, self.renderer.description),
        )

    def _shard_record_stale(self, record: ShardRecord | None) -> bool:
        if record is None:
            return False
        path = self.options.book_dir / SHARD_RECORD
        return not path.is_file() or path.read_text(encoding="utf-8") != record.to_json()

    @cached_property
    def code(self) -> str:
        """Fingerprint of the package's code (it does not change during a build)."""
        return code_fingerprint()

    def _gate(self, parallel: bool = True) -> None:
        """The data-quality gate (in one process while chapters execute beside it: the cores
        are busy, and a second process would import great_expectations again)."""
        from analysis.pipeline import gate_cache

        data_dir, results = self.options.data_dir, self.validation_dir
        keep = self._keep_policy(self.code, environment_fingerprint())
        if keep is not None:  # in a kept kernel, with great_expectations imported already
            gate = replace(keep, role="gate")
            seconds, cached = gate_cache.run_gate_in_kept_kernel(gate, data_dir, results, self.code)
        else:
            seconds, cached = gate_cache.run_gate_cached(data_dir, results, parallel, self.code)
        self.summary.gate_seconds, self.summary.gate_cached = seconds, cached

    @property
    def validation_dir(self) -> Path:
        """Where the gate writes its results (shared by every scope of a data folder)."""
        return self.options.build_dir / "validation"

    def book_for(self, site: str | None) -> Book:
        """The national book, or the site feedback book."""
        return self.book if site is None else self.site_book

    @property
    def release_path(self) -> Path:
        """The build's disclosure-controlled release (private: it names the rules that fired)."""
        return self.options.build_dir / "release" / RELEASE

    def _scenario_root(self, root: Path, scenario: Scenario | None) -> Path:
        return root if scenario is None else _inside(root, root / SCENARIOS / scenario.slug)

    def scope_dir(self, site: str | None, without_scenario: bool = False) -> Path:
        """Build folder of one scope (of the report without this build's scenario, if asked)."""
        scenario = None if without_scenario else self.options.scenario
        root = self._scenario_root(self.options.build_dir, scenario)
        if site is None:
            return root / NATIONAL
        return _inside(root, root / "sites" / site)

    def scope_name(self, site: str | None) -> str:
        """Name of a scope in progress lines and provenance: 'S07', 'wtp-20000/national'."""
        if self.options.scenario is None:
            return scope_name(site)
        return f"{self.options.scenario.slug}/{scope_name(site)}"

    def _extras(self, site: str | None, without_scenario: bool = False) -> dict[str, Any]:
        scenario = None if without_scenario else self.options.scenario
        scope_dir = self.scope_dir(site, without_scenario)
        extras = {
            "provenance_path": str(scope_dir / "provenance-inputs.json"),
            "validation_dir": str(self.validation_dir),
            **(scenario.parameters if scenario else {}),
        }
        if site is not None:
            extras["release_path"] = str(self.release_path)
        return extras

    def _write_provenance_inputs(self, site: str | None) -> None:
        scope_dir = self.scope_dir(site)
        scope_dir.mkdir(parents=True, exist_ok=True)
        scenario = self.options.scenario.parameters if self.options.scenario else {}
        inputs = collect_inputs(
            self.options.data_dir,
            self.scope_name(site),
            {
                "data_dir": str(self.options.data_dir),
                "site": site or "",
                "years": list(YEARS),
                **scenario,
            },
            self.renderer.description,
        )
        _write_json_if_changed(scope_dir / "provenance-inputs.json", inputs)

    def _gate_and_execute(self) -> None:
        """Execute the chapters whose inputs changed, overlapping the gate.

        Chapters that do not read the gate's results start in the workers before the gate
        runs (their kernels warm up meanwhile); those that do wait for it. Executed chapters
        are kept only once the gate has passed: if it fails, they are thrown away and the
        gate's error is raised as it would be without them.
        """
        code = self.code
        environment = environment_fingerprint()
        self._data_listing = data_listing_fingerprint(self.options.data_dir)
        self._result_memo = shared_results_folder(self.options.build_dir, code, environment)
        started = time.time()
        for site in self.options.sites:
            self._write_provenance_inputs(site)
        self._shared: list[tuple[Path, Path]] = []
        workers = Workers(self.options.jobs, self._keep_policy(code, environment))
        try:
            after_gate = []
            for site in self.options.sites:
                for chapter in self.book_for(site).notebooks:
                    if self._reads_gate_results(chapter, site):
                        after_gate.append((site, chapter))
                    else:
                        self._submit_if_stale(workers, site, chapter, code, environment)
            queued = workers.pending
            if self.options.gate:
                try:
                    self._gate(parallel=not workers.started)
                except BaseException:
                    for task in workers.abandon():
                        self._record_run(ChapterRun(task.scope, task.chapter, "discarded"))
                    raise
                if not self.summary.gate_cached:
                    self.summary.speculated = queued
            if any(site is not None for site in self.options.sites):
                self._write_release(code)
            for site, chapter in after_gate:
                self._submit_if_stale(workers, site, chapter, code, environment)
            self._collect(workers)
        except BaseException:
            workers.abandon()
            raise
        remove_unused_results(self._result_memo, started)
        workers.close_in_background()  # the workers stop their kernels while the book renders
        self._stopping = workers
        for base, scenario in self._shared:
            if not scenario.exists() or file_sha256(scenario) != file_sha256(base):
                scenario.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(base, scenario)

    def _keep_policy(self, code: str, environment: str) -> KeepPolicy | None:
        """With --keep-kernels: where the workers record their kernels, and the fingerprint a
        kept kernel must match."""
        registry = self.options.build_dir / KERNELS
        return keep_policy(registry, self.options.keep_kernels, code, environment)

    def _write_release(self, code: str) -> None:
        """Compute the release every site report draws from, unless data and code are unchanged.

        It is computed once per build, across all sites, so that the disclosure control holds
        across every report of the build, not report by report."""
        data = self.options.data_dir
        files = sorted(p for p in data.rglob("*") if p.is_file())
        hashes = [f"{p.relative_to(data)}:{file_sha256(p)}" for p in files]
        key = text_sha256("\n".join([code, *hashes]))
        stamp = self.release_path.with_suffix(".key")
        if self.release_path.exists() and stamp.exists() and stamp.read_text() == key:
            return
        from analysis.report.site_release import site_release
        from analysis.statistics.release_files import write_release

        write_release(site_release(self.options.data_dir), self.release_path)
        stamp.write_text(key, encoding="utf-8")

    def _reads_gate_results(self, chapter: Chapter, site: str | None) -> bool:
        """True for a chapter that reads what the build computes once the gate passed: the
        gate's results or the release (it runs after the gate)."""
        declared = _declared_parameters(PROJECT_ROOT / chapter.source)
        return "validation_dir" in declared or "release_path" in declared

    def _record_run(self, run: ChapterRun) -> None:
        self.summary.runs.append(run)
        self.report(run)

    def _submit_if_stale(
        self, workers: Workers, site: str | None, chapter: Chapter, code: str, environment: str
    ) -> None:
        """Queue the chapter unless the cache holds a valid execution of it."""
        parameters = chapter_parameters(chapter, site, self.options.data_dir, self._extras(site))
        scope_dir = self.scope_dir(site)
        if self.options.scenario is not None and parameters == chapter_parameters(
            chapter, site, self.options.data_dir, self._extras(site, without_scenario=True)
        ):
            # No scenario parameter touches this chapter: run it as the report without
            # the scenario does (and share that report's cache), then copy it over.
            scope_dir = self.scope_dir(site, without_scenario=True)
            scenario_copy = self.scope_dir(site) / "project" / chapter.build_path
            self._shared.append((scope_dir / "project" / chapter.build_path, scenario_copy))
        manifest_dir = scope_dir / "cache"
        source = PROJECT_ROOT / chapter.source
        output = scope_dir / "project" / chapter.build_path
        key = CacheKey.for_chapter(
            source,
            self._key_parameters(parameters),
            code,
            environment,
            self.options.data_dir,
            self._data_listing,
        )
        key = _with_extra_inputs(key, parameters)
        if not self.options.force and Manifest(manifest_dir).is_fresh(chapter.id, key, output):
            self._record_run(ChapterRun(self.scope_name(site), chapter.id, "cached"))
            return
        staged = scope_dir / STAGING / chapter.build_path
        task = Task(
            self.scope_name(site),
            chapter.id,
            source,
            output,
            staged,
            parameters,
            key,
            manifest_dir,
            self._result_memo,
        )
        self.report(ChapterRun(task.scope, task.chapter, "running"))
        workers.submit(task)

    def _key_parameters(self, parameters: dict[str, Any]) -> dict[str, Any]:
        """Parameters as the cache key sees them: paths inside the build folder made relative,
        so that a build folder copied or restored elsewhere keeps its cache (the files those
        paths name are in the key by content, see `_with_extra_inputs`)."""
        root = str(self.options.build_dir)
        return {
            name: (
                os.path.relpath(value, root)
                if isinstance(value, str) and Path(value).is_relative_to(root)
                else value
            )
            for name, value in parameters.items()
        }

    def _collect(self, workers: Workers) -> None:
        """Accept each executed chapter (move it into place, record it in the cache), or
        stop at the first that failed."""
        for done in workers.results():
            task = done.task
            if done.error is not None:
                self._record_run(ChapterRun(task.scope, task.chapter, "failed"))
                where = _report_words(task.scope)
                message = str(done.error)
                if not isinstance(done.error, BuildError):
                    message = f"stage execute, chapter {task.chapter}: {done.error}"
                raise BuildError(f"{message} ({where})") from done.error
            task.output.parent.mkdir(parents=True, exist_ok=True)
            os.replace(task.staged, task.output)
            Manifest(task.manifest).record(
                task.chapter, task.key, task.output, done.reads, self.options.data_dir
            )
            self._record_run(ChapterRun(task.scope, task.chapter, "executed", done.seconds))

    # -- rendering ------------------------------------------------------------------------
    def _render_key(self, site: str | None) -> str:
        project = self.scope_dir(site) / "project"
        parts = [self.renderer.name, self.renderer.version, ",".join(self.options.formats)]
        parts.append(self.code)
        parts.append(file_sha256(PROJECT_ROOT / "_quarto.yml"))  # titles, notice, formats
        if site is not None:
            parts.append(file_sha256(SITE_BOOK))
        for chapter in self.book_for(site).chapters:
            path = project / chapter.build_path
            parts.append(f"{chapter.id}:{file_sha256(path) if path.exists() else 'missing'}")
        return text_sha256("\n".join(parts))

    def _book_subdir(self, root: Path, site: str | None) -> Path:
        root = self._scenario_root(root, self.options.scenario)
        return root if site is None else _inside(root, root / "sites" / site)

    def _published_outputs(self, root: Path, site: str | None) -> list[Path]:
        target = self._book_subdir(root, site)
        names = [
            n
            for f, n in (("html", "index.html"), ("pdf", "report.pdf"))
            if f in self.options.formats
        ]
        return [target / name for name in names]

    def _needs_render(self, site: str | None, key: str) -> bool:
        """True unless the published book holds exactly what this key rendered last time."""
        if self.options.force:
            return True
        stamp = self.scope_dir(site) / "render.json"
        try:
            recorded = json.loads(stamp.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return True
        if recorded.get("key") != key:
            return True
        outputs = self._published_outputs(self.options.book_dir, site)
        published = recorded.get("outputs", {})
        return not all(
            path.exists() and published.get(path.name) == file_sha256(path) for path in outputs
        )

    def _prepare_project(self, site: str | None) -> Path:
        project = self.scope_dir(site) / "project"
        project.mkdir(parents=True, exist_ok=True)
        for name in PROJECT_FILES:
            shutil.copy2(PROJECT_ROOT / name, project / name)
        if site is not None:  # the site book, with the notice and authors of _quarto.yml
            config = yaml.safe_dump(book_config(SITE_BOOK), sort_keys=False, allow_unicode=True)
            (project / "_quarto.yml").write_text(config, encoding="utf-8")
        for chapter in self.book_for(site).chapters:
            if not chapter.is_notebook:
                (project / chapter.build_path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(PROJECT_ROOT / chapter.source, project / chapter.build_path)
        return project

    def _render_and_publish(self) -> None:
        started = time.perf_counter()
        scopes = list(self.options.sites)
        to_render = []
        for site in scopes:
            self._prepare_project(site)
            key = self._render_key(site)
            if self._needs_render(site, key):
                to_render.append((site, key))
        shard = self._shard_record() if self.options.shard is not None else None
        if not to_render and not self._site_index_missing() and not self._shard_record_stale(shard):
            self._record_provenance(None)
            return
        staged = publishing.staging_dir(self.options.book_dir)
        try:
            self._seed_staging(staged, [site for site, _ in to_render])
            self._render_scopes([site for site, _ in to_render], staged)
            shutil.rmtree(staged / DATA_DOCS, ignore_errors=True)
            write_site_index(staged, self.book)
            if shard is not None:
                (staged / SHARD_RECORD).write_text(shard.to_json(), encoding="utf-8")
            self._record_provenance(staged, [site for site, _ in to_render])
            publishing.publish(staged, self.options.book_dir)
        except BaseException:
            publishing.discard(staged)
            raise
        for site, key in to_render:
            outputs = {
                path.name: file_sha256(path)
                for path in self._published_outputs(self.options.book_dir, site)
            }
            stamp = self.scope_dir(site) / "render.json"
            stamp.write_text(json.dumps({"key": key, "outputs": outputs}), encoding="utf-8")
            self.summary.rendered.append(self.scope_name(site))
        self.summary.render_seconds = time.perf_counter() - started

    def _compare_with_previous(self, site: str | None) -> dict:
        """Record this report's results and write the appendix of what changed since the
        record published last (or the one in --baseline); keep both for `stairs-report diff`."""
        from analysis.pipeline.diff import changes_appendix
        from analysis.pipeline.notebook_markdown import chapter_label
        from analysis.pipeline.results_record import build_record, read_record, report_identity

        scope_dir = self.scope_dir(site)
        inputs = json.loads((scope_dir / "provenance-inputs.json").read_text(encoding="utf-8"))
        scenario = self.options.scenario.parameters if self.options.scenario else None
        identity = report_identity(self.scope_name(site), inputs, scenario)
        book = self.book_for(site)
        record = build_record(book, scope_dir / "project", identity)
        baseline = self.options.baseline or self.options.book_dir
        previous_path = self._book_subdir(baseline, site) / RECORD_NAME
        previous = read_record(previous_path) if previous_path.is_file() else None
        changes = CHANGES_PAGE.removesuffix(".qmd")
        if any(chapter.id == changes for chapter in book.chapters):
            number = f"{chapter_label(book, changes)}.1"
            page = scope_dir / "project" / CHANGES_PAGE
            page.write_text(changes_appendix(previous, record, number), encoding="utf-8")
        write_record(record, scope_dir / RECORD_NAME)
        kept = scope_dir / PREVIOUS_RECORD_NAME
        if previous is None:
            kept.unlink(missing_ok=True)
        else:
            write_record(previous, kept)
        return record

    def _site_index_missing(self) -> bool:
        return not (self.options.book_dir / "sites" / "index.html").exists()

    def _seed_staging(self, staged: Path, rebuilt: list[str | None]) -> None:
        """Start from the published book, minus the scopes being rebuilt.

        A rebuilt report's folder is emptied except for the reports nested in it (the site
        reports and scenarios inside the national report's folder). A shard's book keeps only
        the reports of its share.
        """
        current = self.options.book_dir
        if not current.exists():
            return

        for item in current.iterdir():
            publishing.copy_into(item, staged / item.name)
        for site in rebuilt:
            target = self._book_subdir(staged, site)
            if target.is_dir():
                for item in target.iterdir():
                    if item.name not in NESTED_REPORTS:
                        _remove(item)
        if self.options.shard is not None:
            self._keep_only_the_share(staged)

    def _keep_only_the_share(self, staged: Path) -> None:
        """Remove the reports of other shards from a shard's staged book."""
        sites_dir = staged / "sites"
        if sites_dir.is_dir():
            for item in sites_dir.iterdir():
                if item.is_dir() and item.name not in self.options.sites:
                    _remove(item)
        if None not in self.options.sites:
            for item in staged.iterdir():
                if item.name != "sites":
                    _remove(item)

    def _render_scopes(self, sites: list[str | None], staged: Path) -> None:
        """Render the reports, several at a time (the renderers run outside Python)."""
        from concurrent.futures import ThreadPoolExecutor

        def render(site: str | None) -> None:
            record = self._compare_with_previous(site)
            self._render_scope(site, staged)
            write_record(record, self._book_subdir(staged, site) / RECORD_NAME)

        with ThreadPoolExecutor(max_workers=max(1, min(self.options.jobs, len(sites)))) as pool:
            for future in [pool.submit(render, site) for site in sites]:
                future.result()

    def _render_scope(self, site: str | None, staged: Path) -> None:
        target = self._book_subdir(staged, site)
        target.mkdir(parents=True, exist_ok=True)
        metadata = {"date": self.build_time[:10]}
        if site is not None:
            metadata["site"] = site
            metadata["subtitle"] = f"Feedback report for site {site} (disclosure control applied)"
        if self.options.scenario is not None:
            # On the title page, and with the data notice on every page and PDF footer.
            scenario = f"Scenario report: {self.options.scenario.summary(self.book)}"
            metadata["subtitle"] = f"{metadata.get('subtitle', self.book.subtitle)}. {scenario}"
            notice = str(self.book.config.get("data-notice", "")).strip()
            metadata["data-notice"] = f"{scenario}. {notice}".strip()
            metadata["related"] = [{"href": "../../index.html", "text": "National report"}]
        render_book(
            self.renderer,
            self.book_for(site),
            self.scope_dir(site) / "project",
            target,
            self.options.formats,
            metadata,
        )
        if site is not None:
            self._write_site_release_files(site, target)

    def _write_site_release_files(self, site: str, target: Path) -> None:
        """The site's published export, and the output checker's log in the build folder."""
        from analysis.report.site_report import published_numbers, site_tables
        from analysis.statistics.release_files import disclosure_log, read_release

        release = read_release(self.release_path)
        export = published_numbers(release, site)
        (target / RELEASE).write_text(json.dumps(export, indent=1), encoding="utf-8")
        names = {(t.population, t.item): t.caption for t in site_tables(release, site)}
        log = disclosure_log(release, site, names)
        (self.scope_dir(site) / DISCLOSURE_LOG).write_text(
            json.dumps(log, indent=1), encoding="utf-8"
        )

    def _record_provenance(self, staged: Path | None, rendered: list[str | None] = ()) -> None:
        """Write each scope's build record (with timings) under `_build/`, and the published
        provenance.json of each re-rendered scope into the staged book."""
        for site in self.options.sites:
            book = self.book_for(site)
            order = {chapter.id: number for number, chapter in enumerate(book.chapters)}
            scope_dir = self.scope_dir(site)
            inputs = json.loads((scope_dir / "provenance-inputs.json").read_text(encoding="utf-8"))
            runs = sorted(
                (r for r in self.summary.runs if r.scope == self.scope_name(site)),
                key=lambda run: order.get(run.chapter, len(order)),
            )
            chapters = [chapter.id for chapter in book.notebooks]
            record = published_record(inputs, chapters, self.build_time)
            build_record = {**record, "runs": [run.__dict__ for run in runs]}
            (scope_dir / "provenance.json").write_text(record_json(build_record), encoding="utf-8")
            if staged is not None and site in rendered:
                (self._book_subdir(staged, site) / "provenance.json").write_text(
                    record_json(record), encoding="utf-8"
                )


def _inside(root: Path, path: Path) -> Path:
    """``path``, which must resolve to a place inside ``root`` (else a BuildError)."""
    if not publishing.inside(root, path):
        raise BuildError(f"refusing to write outside {root}: {path} resolves to elsewhere")
    return path


def _declared_parameters(notebook: Path) -> dict[str, Any]:
    """The notebook's parameters cell, read once per version of the file."""
    stat = notebook.stat()
    return _declared_parameters_of(notebook, stat.st_mtime_ns, stat.st_size)


@cache
def _declared_parameters_of(notebook: Path, mtime_ns: int, size: int) -> dict[str, Any]:
    return declared_parameters(notebook)


def _with_extra_inputs(key: CacheKey, parameters: dict[str, Any]) -> CacheKey:
    """Fold files named by path parameters (provenance, validation summary) into the key."""
    extra = []
    for name in ("provenance_path", "validation_dir", "release_path"):
        if name in parameters:
            path = Path(parameters[name])
            if path.is_dir():
                path = path / "summary.json"
            extra.append(file_sha256(path) if path.exists() else "missing")
    if not extra:
        return key
    return CacheKey(
        key.notebook,
        text_sha256(key.parameters + "".join(extra)),
        key.code,
        key.environment,
        key.data_listing,
    )


def _report_words(scope: str) -> str:
    """'national report', 'site report S07', 'scenario wtp-20000, site report S07'."""
    scenario, _, report = scope.rpartition("/")
    words = "national report" if report == NATIONAL else f"site report {report}"
    return f"scenario {scenario}, {words}" if scenario else words


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _write_json_if_changed(path: Path, value: dict) -> None:
    text = json.dumps(value, indent=1, sort_keys=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
