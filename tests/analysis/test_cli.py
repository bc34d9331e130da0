"""The command line: clear one-line errors for user mistakes, and the figures listing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analysis.cli import app
from analysis.config import DEFAULT_DATA_DIR, PUBLISHED_FIGURES_PATH
from analysis.pipeline.book import read_book

runner = CliRunner()


def _invoke(*args: str):
    return runner.invoke(app, list(args))


def _assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    text = " ".join(result.output.split())  # rich wraps long paths at any width
    for fragment in fragments:
        assert fragment in text


def test_unknown_chapter_lists_the_valid_ones():
    result = _invoke("run", "topic-9")
    _assert_one_line_error(result, "unknown chapter 'topic-9'", "topic-1", "recommendations")


def test_unknown_parameter_lists_the_valid_ones():
    result = _invoke("run", "topic-1", "-p", "colour", "blue")
    _assert_one_line_error(result, "no parameter 'colour'", "data_dir", "setting_types")


def test_badly_typed_parameter_is_refused():
    result = _invoke("run", "topic-1", "-p", "years", "one")
    _assert_one_line_error(result, "'years'")


def test_years_outside_one_to_three_are_refused_before_execution():
    result = _invoke("run", "topic-1", "-p", "years", "4")
    _assert_one_line_error(result, "years must be a non-empty subset of 1, 2, 3")


def test_unknown_site_is_refused_with_the_valid_sites():
    result = _invoke("run", "topic-1", "-p", "site", "S99")
    _assert_one_line_error(result, "unknown site 'S99'", "S01", "S18")


def test_dangling_parameter_name_is_refused():
    result = _invoke("run", "topic-1", "-p", "site")
    _assert_one_line_error(result, "-p NAME VALUE")


def test_missing_data_folder_is_refused(tmp_path):
    missing = tmp_path / "nowhere"
    for args in (("build", "--data", str(missing)), ("validate", "--data", str(missing))):
        result = _invoke(*args)
        _assert_one_line_error(result, "nowhere")


def test_unknown_build_site_lists_the_valid_ones(tmp_path):
    result = _invoke("build", "--site", "S99", "--out", str(tmp_path / "book"))
    _assert_one_line_error(result, "unknown site 'S99'", "S01")
    assert not (tmp_path / "book").exists()


def test_the_stc_has_no_site_report(tmp_path):
    result = _invoke("build", "--site", "S09", "--out", str(tmp_path / "book"))
    _assert_one_line_error(result, "secure training centre", "S01")
    assert not (tmp_path / "book").exists()


@pytest.mark.parametrize("formats", ["docx", "html,docx", ","])
def test_an_unknown_format_is_refused_before_anything_runs(formats, tmp_path):
    result = _invoke("build", "--to", formats, "--out", str(tmp_path / "book"))
    _assert_one_line_error(result, "unknown format(s)", "--to takes html, pdf or html,pdf")
    assert result.exit_code == 2
    assert "docx" in result.output or formats == ","
    assert not (tmp_path / "book").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("run topic-1 -p setting_types YOI", "cannot take YOI without STC"),
        ("build -p setting_types YOI", "cannot take YOI without STC"),
        ("run topic-1 -p site S09", "the secure training centre, which has no report of its own"),
    ],
)
def test_what_would_show_the_stc_alone_is_refused_before_anything_runs(
    arguments, message, tmp_path
):
    out = tmp_path / "out"
    result = _invoke(*arguments.split(), "--out", str(out))
    _assert_one_line_error(result, message)
    assert result.exit_code == 2
    assert not out.exists()


def test_run_executes_renders_and_then_serves_an_unchanged_run_from_the_cache(tmp_path):
    result = _invoke("run", "introduction", "-p", "years", "1,3", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    page, notebook = (
        tmp_path / "introduction__years_1-3.html",
        tmp_path / "introduction__years_1-3.ipynb",
    )
    assert result.stdout.splitlines() == [str(page), str(notebook)]
    assert "executed" in result.stderr
    html = page.read_text(encoding="utf-8")
    assert "<h1" in html and "Introduction" in html
    assert "Re-run with years = 1,3 (default 1,2,3)." in html
    before = {path: path.stat().st_mtime_ns for path in (page, notebook)}

    again = _invoke("run", "introduction", "-p", "years", "1,3", "--out", str(tmp_path))
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines() == [str(page), str(notebook)]
    assert "served from the cache" in again.stderr
    assert {path: path.stat().st_mtime_ns for path in (page, notebook)} == before


def test_runs_of_the_summary_and_recommendations_share_their_headline_findings(tmp_path):
    for chapter in ("summary", "recommendations"):
        arguments = ("-p", "site", "S07", "-p", "wtp", "25000", "--out", str(tmp_path))
        result = _invoke("run", chapter, *arguments)
        assert result.exit_code == 0, result.output
    assert len(list(tmp_path.rglob("headline-findings-*.pickle"))) == 1
    entry = tmp_path / ".cache" / "recommendations__site_S07__wtp_25000.json"
    reads = {Path(path).name for path in json.loads(entry.read_text())["reads"]}
    assert {"cyp_survey.csv", "staff_survey.csv", "interviews.csv", "S07.csv"} <= reads
    page = (tmp_path / "recommendations__site_S07__wtp_25000.html").read_text(encoding="utf-8")
    assert "A working page for the analyst, not for release" in page  # a site's run


def test_only_a_run_for_one_site_says_it_is_not_for_release():
    from types import SimpleNamespace

    from analysis.pipeline.rerun import SITE_RUN_NOTE, _parameter_note

    specs = [SimpleNamespace(name="wtp", default_text="30000")]
    assert _parameter_note({"wtp": "25000"}, specs) == "Re-run with wtp = 25000 (default 30000)."
    assert SITE_RUN_NOTE not in _parameter_note({}, specs)


def test_a_changed_parameter_is_a_new_run_not_a_cached_one(tmp_path):
    first = _invoke("run", "introduction", "--out", str(tmp_path))
    second = _invoke("run", "introduction", "-p", "years", "2", "--out", str(tmp_path))
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert "executed" in second.stderr
    assert sorted(p.name for p in tmp_path.glob("*.html")) == [
        "introduction.html",
        "introduction__years_2.html",
    ]


def _listed_chapters(text: str) -> list[str]:
    return [c.id for c in read_book().notebooks if f"\n{c.id} " in text]


def test_chapters_lists_every_chapter_with_its_parameters():
    result = _invoke("chapters")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert _listed_chapters(text) == [c.id for c in read_book().notebooks]
    for fragment in (
        "Parameters of every chapter",
        "list[int]",
        "Further parameters of summary, recommendations",
        "Further parameters of topic-5",
        "float | None",
    ):
        assert fragment in text, fragment
    assert "validation_dir" not in text and "provenance_path" not in text


def test_chapters_json_gives_each_chapters_parameters_from_its_notebook():
    listed = json.loads(_invoke("chapters", "--json").stdout)
    topic_5 = next(entry for entry in listed if entry["chapter"] == "topic-5")
    wtp = next(p for p in topic_5["parameters"] if p["name"] == "wtp")
    assert wtp == {
        "name": "wtp",
        "type": "float",
        "default": 30000.0,
        "allowed": "a positive amount in pounds",
        "description": "willingness to pay per QALY (GBP)",
    }


def test_run_help_lists_the_chapters_and_their_parameters():
    result = _invoke("run", "--help")
    assert result.exit_code == 0, result.output
    assert _listed_chapters(result.stdout) == [c.id for c in read_book().notebooks]
    assert "psa_draws" in result.stdout and "setting_types" in result.stdout


def test_a_successful_run_prints_no_kernel_errors_or_warnings(tmp_path):
    """Only the page's and the executed notebook's paths and the timing: no kernel log lines.
    Folders given relative to where the command runs are found (the kernel runs elsewhere)."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    shutil.copytree(DEFAULT_DATA_DIR, tmp_path / "extract")
    cli = Path(sys.executable).with_name("stairs-report")
    done = subprocess.run(
        [str(cli), "run", "introduction", "--data", "extract", "--out", "runs"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    printed = done.stdout + done.stderr
    for noise in ("KeyboardInterrupt", "ERROR", "WARNING", "without encryption", "Traceback"):
        assert noise not in printed, printed
    out = tmp_path / "runs"
    assert done.stdout.splitlines() == [
        str(out / "introduction.html"),
        str(out / "introduction.ipynb"),
    ]
    notebook = (out / "introduction.ipynb").read_text(encoding="utf-8")
    assert str(tmp_path / "extract") in notebook  # the data folder it was given
    assert list(out.glob("kernel*")) == [] and list(Path.cwd().glob("kernel-*")) == []


def test_figures_json_covers_every_published_id():
    result = _invoke("figures", "--json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    with open(PUBLISHED_FIGURES_PATH, encoding="utf-8") as handle:
        expected = [row["id"] for row in csv.DictReader(handle)]
    assert [row["id"] for row in listed] == expected
    for row in listed:
        assert {"numerator", "denominator", "percent", "value", "printed", "status"} <= set(row)


@pytest.mark.parametrize("bad_scale", ["0", "-3"])
def test_generate_refuses_a_scale_below_one(tmp_path, bad_scale):
    result = _invoke("generate", "--scale", bad_scale, "--out", str(tmp_path / "data"))
    _assert_one_line_error(result, "scale")
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--shard", "2/3"), "add --all-sites"),
        (("--all-sites", "--shard", "4/3"), "K/N with 1 <= K <= N"),
        (("--all-sites", "--shard", "half"), "e.g. 2/3"),
    ],
)
def test_a_bad_shard_is_refused_before_building(tmp_path, args, message):
    result = _invoke("build", *args, "--out", str(tmp_path / "book"))
    _assert_one_line_error(result, message)
    assert not (tmp_path / "book").exists()


def test_merge_refuses_a_folder_that_is_not_a_shard(tmp_path):
    (tmp_path / "not-a-shard").mkdir()
    result = _invoke("merge", str(tmp_path / "not-a-shard"), "--out", str(tmp_path / "book"))
    _assert_one_line_error(result, "has no shard.json", "--shard K/N")
    assert not (tmp_path / "book").exists()


def test_keep_kernels_refuses_a_negative_time(tmp_path):
    result = _invoke("build", "--keep-kernels", "-1", "--out", str(tmp_path / "book"))
    assert result.exit_code == 2
    assert "--keep-kernels" in result.output


def test_runs_with_keep_kernels_reuse_the_gate_and_chapter_kernels_of_the_run_before(tmp_path):
    import json

    from analysis.pipeline.kept_kernels import KERNELS, process_alive
    from analysis.pipeline.rerun import CACHE_FOLDER

    out = tmp_path / "runs"
    registry = out / CACHE_FOLDER / KERNELS

    def kernels() -> set[tuple[str, int]]:
        records = [json.loads(p.read_text()) for p in registry.glob("kernel-*.json")]
        return {(record["role"], record["pid"]) for record in records}

    years = ("1,3", "2,3")
    first = _invoke(
        "run", "introduction", "-p", "years", years[0], "--out", str(out), "--keep-kernels", "120"
    )
    assert first.exit_code == 0, first.output
    kept = kernels()
    assert sorted(role for role, _ in kept) == ["chapters", "gate"]
    (out / ".cache" / "validation" / "gate-key.json").unlink()  # the gate must run again
    second = _invoke(
        "run", "introduction", "-p", "years", years[1], "--out", str(out), "--keep-kernels", "120"
    )
    assert second.exit_code == 0, second.output
    assert "executed" in second.stderr
    assert kernels() == kept
    assert "2 kernel(s) kept running" in " ".join(second.stderr.split())
    assert "Re-run with years = 2,3" in (out / "introduction__years_2-3.html").read_text()
    stopped = _invoke("stop-kernels", "--build-dir", str(tmp_path))
    assert "stopped 2 kept kernel(s)" in stopped.output
    assert not any(process_alive(pid) for _, pid in kept)


def test_stop_kernels_stops_the_kept_kernels_of_a_build_folder(tmp_path):
    from analysis.pipeline.kept_kernels import KERNELS, KeepPolicy, process_alive
    from analysis.pipeline.kernels import kept_or_new_kernel

    kernel = kept_or_new_kernel(KeepPolicy(tmp_path / KERNELS, 120, "code-1"))
    kernel.release()
    assert process_alive(kernel.pid)
    result = _invoke("stop-kernels", "--build-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "stopped 1 kept kernel(s)" in result.output
    assert not process_alive(kernel.pid)
    assert _invoke("stop-kernels", "--build-dir", str(tmp_path)).output.startswith("stopped 0")


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (2, 2), (130, 130), ("bad", 1)])
def test_exit_status_of_a_system_exit(code, status, capsys):
    from analysis.cli import exit_status

    assert exit_status(code) == status
    assert capsys.readouterr().err == ("bad\n" if code == "bad" else "")


def test_the_command_ends_with_its_exit_status_and_all_its_output(tmp_path):
    """`stairs-report` skips the interpreter's teardown; its output and status are whole."""
    import subprocess
    import sys

    cli = Path(sys.executable).with_name("stairs-report")
    failed = subprocess.run(
        [str(cli), "validate", "--data", str(tmp_path / "nowhere")], capture_output=True, text=True
    )
    assert failed.returncode == 2
    assert failed.stderr.strip().endswith("does not exist or is not a folder")
    listed = subprocess.run([str(cli), "figures"], capture_output=True, text=True)
    assert listed.returncode == 0
    rows = list(csv.DictReader(PUBLISHED_FIGURES_PATH.open(encoding="utf-8")))
    assert listed.stdout.count("\n") > len(rows) and listed.stdout.rstrip().endswith("┘")
