import json

from analysis.data.chapter_context import ChapterContext
from analysis.pipeline.provenance import collect_inputs, data_file_hashes
from analysis.report import appendices


def test_gate_summary_missing_is_said_plainly(tmp_path):
    assert appendices.load_gate_summary(tmp_path) is None
    assert "has not been run" in appendices.describe_gate(None)


def test_gate_description_counts_suites_and_expectations(tmp_path):
    summary = {
        "passed": True,
        "failures": 0,
        "suites": [
            {"suite": "a", "dataset": "x", "evaluated": 10, "passed": 10, "failed": 0},
            {"suite": "b", "dataset": "y", "evaluated": 1200, "passed": 1200, "failed": 0},
        ],
    }
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    loaded = appendices.load_gate_summary(tmp_path)
    text = appendices.describe_gate(loaded)
    assert "2 great_expectations suites" in text
    assert "1,210 expectations" in text
    assert "data-docs" not in text  # the Data Docs stay with the build: they count per site
    assert "not published" in text


def test_data_dictionary_covers_every_schema_table(bundled_data_dir):
    table = appendices.dictionary_table(ChapterContext.load(data_dir=bundled_data_dir))
    assert {"admin", "staff_survey", "cyp_survey", "interviews", "sites"} <= set(table["File"])


def test_provenance_tables_show_commit_hashes_and_versions(bundled_data_dir, tmp_path):
    inputs = collect_inputs(bundled_data_dir, "national", {"site": ""}, "pandoc")
    path = tmp_path / "provenance-inputs.json"
    path.write_text(json.dumps(inputs))
    provenance = appendices.load_provenance(path)
    summary = appendices.provenance_summary(provenance).set_index("Item")["Value"]
    assert summary["Renderer"] == "pandoc"
    hashes = appendices.data_hash_table(provenance)
    assert len(hashes) == len(data_file_hashes(bundled_data_dir))
    packages = appendices.package_table(provenance).set_index("Package")["Version"]
    assert packages["pandas"].startswith("3.")
    assert "computed from" in appendices.describe_provenance(provenance)
    assert "run on its own" in appendices.describe_provenance(None)
