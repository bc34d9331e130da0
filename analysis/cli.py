"""`stairs-report`: generate, validate, list chapters, run one, build, diff, list figures.

User errors (our StairsError types) become one clear line and a non-zero exit;
tracebacks are kept for bugs.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from typer.core import TyperCommand

from analysis import config
from analysis.errors import StairsError, ValidationFailed

app = typer.Typer(
    help="Build the SECURE STAIRS evaluation report from data, reproducibly.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)
out = Console()

DataOption = Annotated[
    Path | None,
    typer.Option("--data", help="Data folder (default: the bundled synthetic data)."),
]
KeepKernelsOption = Annotated[
    float,
    typer.Option(
        "--keep-kernels",
        metavar="SECONDS",
        min=0,
        help="Leave the warm kernels running, idle, for the next build or run into the same "
        "folder; each stops after SECONDS without work (0: stop them at the end).",
    ),
]


def user_errors(command):
    """Turn user errors into one line on stderr and their exit code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from analysis.interrupts import remembering_interrupts

        try:
            with remembering_interrupts():
                return command(*args, **kwargs)
        except ValidationFailed as exc:
            if exc.report is not None:
                from analysis.validation.failures import print_failures

                print_failures(exc.report, console)
            _error(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except StairsError as exc:
            _error(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            console.print("[bold red]interrupted:[/] the published report is unchanged")
            raise typer.Exit(130) from None

    return wrapper


def _error(message: str) -> None:
    """One error line on stderr, never wrapped or cut (logs keep it whole)."""
    from rich.text import Text

    console.print(Text.assemble(("error:", "bold red"), " ", message), soft_wrap=True)


def _data_dir(data: Path | None) -> Path:
    from analysis.data.data_folder import resolve_data_dir

    return resolve_data_dir(data)


@app.command()
@user_errors
def generate(
    seed: Annotated[int, typer.Option(help="Random seed.")] = config.DEFAULT_SEED,
    scale: Annotated[int, typer.Option(help="Multiply volumes by this factor.")] = 1,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Output folder.")
    ] = config.DEFAULT_DATA_DIR,
) -> None:
    """Write the synthetic dataset (deterministic for a given seed)."""
    from synthetic_data.generate import write_dataset

    with console.status(f"generating synthetic data (seed {seed}, scale {scale})"):
        written = write_dataset(out_dir, seed=seed, scale=scale)
    out.print(f"wrote {len(written)} files to {out_dir}")


@app.command()
@user_errors
def validate(
    data: DataOption = None,
    results: Annotated[
        Path, typer.Option(help="Where to write results and Data Docs.")
    ] = config.BUILD_DIR / "validation",
) -> None:
    """Run the data-quality gate; exit 1 if any rule fails."""
    from analysis.pipeline.gate_cache import run_gate_and_summarise
    from analysis.validation.failures import print_failures

    data_dir = _data_dir(data)
    with console.status(f"validating {data_dir}"):
        report = run_gate_and_summarise(data_dir, results)
    if not report.passed:
        print_failures(report, console)
        _error(f"{len(report.failures)} rule(s) failed for {data_dir}")
        raise typer.Exit(1)
    out.print(f"all suites passed for {data_dir}; results in {results}")


@app.command()
@user_errors
def chapters(
    data: DataOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every chapter with its parameters: type, default, allowed values, description."""
    listing = _chapter_listing()
    if as_json:
        sys.stdout.write(_listing_json(listing, data) + "\n")
        return
    _print_chapters(out, listing, data)


class _RunCommand(TyperCommand):
    """`run --help` ends with every chapter and its parameters, read when help is asked for."""

    def format_help(self, ctx, formatter) -> None:
        super().format_help(ctx, formatter)
        _print_chapters(Console(), _chapter_listing(), None)


def _chapter_listing():
    from analysis.pipeline.book import read_book
    from analysis.pipeline.parameters import chapters_and_parameters

    book = read_book()
    return chapters_and_parameters({c.id: config.PROJECT_ROOT / c.source for c in book.notebooks})


def _print_chapters(console: Console, listing, data: Path | None) -> None:
    """Chapters, then the parameters all of them take, then each chapter's further ones."""
    from rich.table import Table

    from analysis.pipeline.parameters import shared_parameters

    titles = Table(title="Chapters", title_justify="left", box=None, padding=(0, 2, 0, 0))
    titles.add_column("chapter", style="bold", no_wrap=True)
    titles.add_column("title")
    for entry in listing:
        titles.add_row(entry.chapter, entry.title)
    console.print(titles, "")
    shared = shared_parameters(listing)
    every = _parameters_table("Parameters of every chapter", listing[0].parameters, shared, data)
    console.print(every, "")
    groups: dict[tuple, list[str]] = {}
    for entry in listing:
        extra = tuple(p for p in entry.parameters if p.name not in shared)
        if extra:
            groups.setdefault(extra, []).append(entry.chapter)
    for extra, chapter_ids in groups.items():
        title = f"Further parameters of {', '.join(chapter_ids)}"
        console.print(_parameters_table(title, extra, None, data), "")
    console.print(
        "Set a parameter with -p NAME VALUE (repeatable; lists comma-separated), e.g. "
        "stairs-report run topic-5 -p wtp 20000, or for the whole report: "
        "stairs-report build -p wtp 20000",
        highlight=False,
    )


def _parameters_table(title: str, parameters, only: list[str] | None, data: Path | None):
    from rich.table import Table
    from rich.text import Text

    from analysis.pipeline.parameters import allowed_values

    table = Table(title=title, title_justify="left", box=None, padding=(0, 2, 0, 0))
    for column in ("name", "type", "default", "allowed values", "description"):
        table.add_column(column, no_wrap=column in ("name", "type"))
    for spec in parameters:
        if only is None or spec.name in only:
            cells = (spec.name, spec.type, spec.default_text, allowed_values(spec.name, data))
            table.add_row(*(Text(cell) for cell in (*cells, spec.description)))
    return table


def _listing_json(listing, data: Path | None) -> str:
    import json

    from analysis.pipeline.parameters import allowed_values

    return json.dumps(
        [
            {
                "chapter": entry.chapter,
                "title": entry.title,
                "parameters": [
                    {
                        "name": p.name,
                        "type": p.type,
                        "default": p.default,
                        "allowed": allowed_values(p.name, data),
                        "description": p.description,
                    }
                    for p in entry.parameters
                ],
            }
            for entry in listing
        ],
        indent=1,
    )


@app.command(
    cls=_RunCommand,
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
@user_errors
def run(
    ctx: typer.Context,
    chapter: Annotated[str, typer.Argument(help="Chapter id, e.g. topic-1.")],
    data: DataOption = None,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for the executed notebook and its page.")
    ] = config.BUILD_DIR / "runs",
    keep_kernels: KeepKernelsOption = 0.0,
) -> None:
    """Execute one chapter with -p NAME VALUE parameters and render it to a standalone page.

    Prints the page's path, then the executed notebook's. An unchanged chapter run again with
    the same parameters, code and data is served from the cache.
    """
    from analysis.pipeline.rerun import run_chapter

    raw = _pairs(ctx.args)
    data_dir = _data_dir(data if data is not None else raw.get("data_dir") or None)
    with console.status(f"running {chapter}") as status:
        result = run_chapter(
            chapter, raw, data_dir, out_dir, status=status.update, keep_kernels=keep_kernels
        )
    out.print(str(result.page), highlight=False, soft_wrap=True)
    out.print(str(result.notebook), highlight=False, soft_wrap=True)
    how = "executed" if result.executed else "served from the cache"
    console.print(f"{chapter} {how}; {result.seconds:.1f} s", highlight=False)
    if keep_kernels > 0:
        from analysis.pipeline.kept_kernels import KERNELS
        from analysis.pipeline.rerun import CACHE_FOLDER

        _say_kept_kernels(out_dir / CACHE_FOLDER / KERNELS, keep_kernels)


def _pairs(arguments: list[str]) -> dict[str, str]:
    """Parse `-p NAME VALUE` pairs left over by the option parser."""
    from analysis.errors import ParameterError

    pairs: dict[str, str] = {}
    items = list(arguments)
    while items:
        flag = items.pop(0)
        if flag not in ("-p", "--param") or len(items) < 2:
            raise ParameterError(
                f"unexpected argument {flag!r}: parameters are given as -p NAME VALUE, "
                "e.g. -p wtp 20000"
            )
        name, value = items.pop(0), items.pop(0)
        pairs[name] = value
    return pairs


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
@user_errors
def build(
    ctx: typer.Context,
    data: DataOption = None,
    to: Annotated[str, typer.Option("--to", help="Formats: html,pdf")] = "html,pdf",
    out_dir: Annotated[Path, typer.Option("--out", help="Book folder.")] = config.BOOK_DIR,
    build_dir: Annotated[
        Path, typer.Option("--build-dir", help="Folder for executed notebooks and caches.")
    ] = config.BUILD_DIR,
    site: Annotated[
        list[str] | None, typer.Option("--site", help="Build this site's report (repeatable).")
    ] = None,
    all_sites: Annotated[
        bool, typer.Option("--all-sites", help="Build the national and every site report.")
    ] = False,
    scenarios: Annotated[
        bool,
        typer.Option(
            "--scenarios", help="Build every scenario in scenarios.yaml (or --scenario-file)."
        ),
    ] = False,
    scenario_file: Annotated[
        Path | None, typer.Option("--scenario-file", help="Scenarios to build (YAML).")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Parallel chapters.")] = max(
        1, os.cpu_count() or 1
    ),
    force: Annotated[bool, typer.Option("--force", help="Re-execute every chapter.")] = False,
    shard: Annotated[
        str | None,
        typer.Option(
            "--shard",
            help="With --all-sites: build only the K-th of N deterministic shares of the "
            "reports, e.g. 2/3 (assemble them with `stairs-report merge`).",
        ),
    ] = None,
    keep_kernels: KeepKernelsOption = 0.0,
) -> None:
    """Gate, execute every chapter, render HTML and PDF, publish atomically.

    With -p NAME VALUE (repeatable) the whole book is built with those parameters, as a
    scenario report in OUT/scenarios/<slug>/; `stairs-report chapters` lists the parameters.
    """
    from analysis.errors import ParameterError
    from analysis.pipeline.build import Builder, BuildOptions, site_ids
    from analysis.pipeline.progress import BuildProgress
    from analysis.pipeline.shards import Shard

    share = Shard.parse(shard) if shard is not None else None
    if share is not None and not all_sites:
        raise ParameterError("--shard splits the reports of --all-sites; add --all-sites")
    data_dir = _data_dir(data)
    formats = tuple(f.strip() for f in to.split(",") if f.strip())
    if all_sites:
        scopes: tuple[str | None, ...] = (None, *site_ids(data_dir))
    elif site:
        scopes = tuple(s.strip().upper() for s in site)
    else:
        scopes = (None,)
    options = BuildOptions(
        data_dir=data_dir,
        book_dir=out_dir,
        build_dir=build_dir,
        formats=formats,
        sites=scopes,
        jobs=max(1, jobs),
        force=force,
        shard=share,
        keep_kernels=keep_kernels,
    )
    variants = _scenario_options(options, _pairs(ctx.args), scenarios, scenario_file)
    for number, variant in enumerate(variants, start=1):
        if len(variants) > 1:
            slug = variant.scenario.slug if variant.scenario else "national"
            console.print(f"[bold]{slug}[/] ({number} of {len(variants)})")
        with BuildProgress(console) as progress:
            builder = Builder(variant, report=progress.update)
            console.print(f"renderer: {builder.renderer.description}")
            summary = builder.run()
        progress.print_summary(summary)
        where = out_dir
        if variant.scenario is not None:
            where = out_dir / "scenarios" / variant.scenario.slug
            console.print(f"scenario: {variant.scenario.summary(builder.book)}", highlight=False)
        if share is not None:
            built = ", ".join(builder.shard_scopes) or "none"
            out.print(f"shard {share.label} ({built}) published in {where}", highlight=False)
            continue
        out.print(f"report published in {where}", highlight=False, soft_wrap=True)
    if keep_kernels > 0:
        from analysis.pipeline.kept_kernels import KERNELS

        _say_kept_kernels(build_dir / KERNELS, keep_kernels)


def _say_kept_kernels(registry: Path, seconds: float) -> None:
    """Say that kernels stay running after the command, and how to stop them."""
    kept = len(list(registry.glob("kernel-*.json")))
    console.print(
        f"{kept} kernel(s) kept running for the next build or run, each until {seconds:g} s "
        "without work; `stairs-report stop-kernels` stops them now",
        highlight=False,
    )


def _scenario_options(options, pairs: dict[str, str], scenarios: bool, scenario_file):
    """The builds to run: the reports as asked, one scenario, or every declared scenario."""
    import dataclasses

    from analysis.errors import ParameterError
    from analysis.pipeline.book import read_book
    from analysis.pipeline.scenarios import SCENARIOS_FILE, read_scenarios, scenario_from_values

    if pairs and (scenarios or scenario_file):
        raise ParameterError("give either -p NAME VALUE or --scenarios, not both")
    if options.sites != (None,) and (pairs or scenarios or scenario_file):
        raise ParameterError("scenario reports are national: leave out --site and --all-sites")
    if pairs:
        scenario = scenario_from_values(read_book(), pairs, options.data_dir)
        return [dataclasses.replace(options, scenario=scenario)]
    if scenarios or scenario_file:
        declared = read_scenarios(read_book(), options.data_dir, scenario_file or SCENARIOS_FILE)
        return [dataclasses.replace(options, scenario=s) for s in declared]
    return [options]


@app.command()
@user_errors
def diff(
    old: Annotated[
        str | None,
        typer.Argument(help="Record to compare from: a report name, folder or results.json."),
    ] = None,
    new: Annotated[
        str | None,
        typer.Argument(help="Record to compare with (default: the report's current record)."),
    ] = None,
    report: Annotated[
        str,
        typer.Option("--report", help="Whose records by default: national, a site or scenario."),
    ] = "national",
    markdown: Annotated[bool, typer.Option("--markdown", help="Print Markdown.")] = False,
    out_dir: Annotated[Path, typer.Option("--out", help="Book folder.")] = config.BOOK_DIR,
    build_dir: Annotated[
        Path, typer.Option("--build-dir", help="Folder for executed notebooks and caches.")
    ] = config.BUILD_DIR,
) -> None:
    """What changed between two results records: findings, published figures, table values.

    With no arguments: the report's previous build against its current one (what the book's
    appendix shows). With one: the national report against that one, e.g. `diff wtp-20000`.
    Names: `national`, `previous`, a site id (S07), a scenario (wtp-20000), or a path.
    """
    from analysis.pipeline.diff import changes_markdown, changes_table, compare_records
    from analysis.pipeline.record_names import resolve_records

    old_record, new_record = resolve_records(old, new, report, out_dir, build_dir)
    if old_record is None:
        message = (
            f"No previous build of the {report} report to compare with: the last build was its "
            "first, or was compared with no earlier results record."
        )
        out.print(message, highlight=False, soft_wrap=markdown)
        return
    changes = compare_records(old_record, new_record)
    if markdown:
        sys.stdout.write(changes_markdown(changes, old_record, new_record))
        return
    out.print(changes_table(changes, old_record, new_record))


@app.command("stop-kernels")
@user_errors
def stop_kernels(
    build_dir: Annotated[
        Path, typer.Option("--build-dir", help="Folder for executed notebooks and caches.")
    ] = config.BUILD_DIR,
) -> None:
    """Stop the kernels `build --keep-kernels` (and `run --keep-kernels`) left running for
    this build folder."""
    from analysis.pipeline.kept_kernels import KERNELS, stop_all
    from analysis.pipeline.rerun import CACHE_FOLDER

    stopped = stop_all(build_dir / KERNELS) + stop_all(build_dir / "runs" / CACHE_FOLDER / KERNELS)
    out.print(f"stopped {stopped} kept kernel(s)")


@app.command()
@user_errors
def merge(
    shard_dirs: Annotated[
        list[Path], typer.Argument(help="Book folders of every shard of one build.")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Book folder.")] = config.BOOK_DIR,
) -> None:
    """Assemble the shards of `build --all-sites --shard K/N` into one book, after checking
    that every report is in exactly one shard and all come from the same build."""
    from analysis.pipeline.merge import merge_shards

    summary = merge_shards(shard_dirs, out_dir)
    out.print(f"merged {summary.shards} shards ({len(summary.scopes)} reports) into {summary.out}")


@app.command()
@user_errors
def figures(
    data: DataOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every published figure recomputed from the data, beside the printed value."""
    from analysis.report.published_figures import reproduce_published_figures

    table = reproduce_published_figures(_data_dir(data))
    if as_json:
        sys.stdout.write(table.to_json(orient="records", indent=1) + "\n")
        return
    from rich.table import Table

    shown = Table(title="Published figures, recomputed")
    columns = ("id", "printed", "numerator", "denominator", "percent", "value", "status")
    for column in columns:
        shown.add_column(column)
    for row in table.to_dict(orient="records"):
        shown.add_row(*(_cell(row.get(c)) for c in columns))
    out.print(shown)


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def main() -> None:
    """The `stairs-report` command: run it, then end the process at once.

    A command has written everything (and stopped its worker processes and kernels) by the
    time it returns. What would follow is the interpreter tearing down every module it
    imported, great_expectations and pandas among them: most of a second that changes
    nothing on disk, so it is skipped once the output is flushed.
    """
    try:
        app()
        status = 0
    except SystemExit as exc:
        status = exit_status(exc.code)
    end_process(status)


def exit_status(code: object) -> int:
    """The process's exit status for a `SystemExit` code (a message means failure)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def end_process(status: int) -> None:
    """Flush standard output and error, then exit with `status` without interpreter teardown."""
    import contextlib

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`... | head`)
            stream.flush()
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    main()
