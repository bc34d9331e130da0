"""The gate's memory: a check runs again only when what it reads or the code changed."""

from __future__ import annotations

from analysis.validation.failures import Failure
from analysis.validation.memo import (
    GateMemo,
    decode_failures,
    encode_failures,
    file_digest,
    json_exact,
)


class Counter:
    def __init__(self, value):
        self.value = value
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.value


def test_a_check_runs_once_for_the_same_inputs_and_again_when_they_change(tmp_path):
    memo = GateMemo(tmp_path / "memo", salt="code-1")
    compute = Counter({"failures": [1, 2], "ok": False})
    assert memo.check("suite a", {"a.csv": "h1"}, compute) == compute.value
    assert memo.check("suite a", {"a.csv": "h1"}, compute) == compute.value
    assert compute.calls == 1
    memo.check("suite a", {"a.csv": "h2"}, compute)
    assert compute.calls == 2
    assert memo.summary == {"ran": ["suite a", "suite a"], "reused": ["suite a"]}


def test_other_code_or_another_check_does_not_reuse_a_result(tmp_path):
    compute = Counter([1])
    GateMemo(tmp_path, salt="code-1").check("suite a", {"a.csv": "h1"}, compute)
    GateMemo(tmp_path, salt="code-2").check("suite a", {"a.csv": "h1"}, compute)
    GateMemo(tmp_path, salt="code-1").check("suite b", {"a.csv": "h1"}, compute)
    assert compute.calls == 3


def test_a_result_json_would_change_is_never_remembered(tmp_path):
    memo = GateMemo(tmp_path, salt="code")
    compute = Counter({"examples": ("a", "b")})  # a tuple comes back from JSON as a list
    memo.check("suite a", {"a.csv": "h"}, compute)
    assert memo.check("suite a", {"a.csv": "h"}, compute) == {"examples": ("a", "b")}
    assert compute.calls == 2
    assert not json_exact({1: "key that is not text"}) and json_exact({"x": [1.5, None, True]})


def test_a_check_without_known_inputs_always_runs(tmp_path):
    memo = GateMemo(tmp_path, salt="code")
    compute = Counter([])
    memo.check("cross-table", None, compute)
    memo.check("cross-table", None, compute)
    assert compute.calls == 2 and memo.reused == []


def test_failures_come_back_unchanged(tmp_path):
    failures = [
        Failure("cyp_survey", "cyp_survey.csv", "felt_safe", "value in set", 2, ("x", "y")),
        Failure("sites", "sites.csv", "", "file is present"),
    ]
    memo = GateMemo(tmp_path, salt="code")
    compute = Counter(failures)
    memo.check("check", {"f": "h"}, compute, encode_failures, decode_failures)
    again = memo.check("check", {"f": "h"}, compute, encode_failures, decode_failures)
    assert again == failures and compute.calls == 1


def test_a_damaged_entry_is_recomputed_and_unused_entries_are_forgotten(tmp_path):
    folder = tmp_path / "memo"
    GateMemo(folder, salt="code").check("old check", {"f": "h"}, Counter([1]))
    memo = GateMemo(folder, salt="code")
    compute = Counter([2])
    memo.check("new check", {"f": "h"}, compute)
    (entry,) = [p for p in folder.iterdir() if p.name in memo._used]
    entry.write_text("{not json", encoding="utf-8")
    assert GateMemo(folder, salt="code").check("new check", {"f": "h"}, compute) == [2]
    memo.forget_unused()
    assert [p.name for p in folder.iterdir()] == [entry.name]


def test_file_digest_names_a_missing_file(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n", encoding="utf-8")
    assert len(file_digest(tmp_path / "a.csv")) == 64
    assert file_digest(tmp_path / "b.csv").startswith("unreadable")


def test_without_a_folder_every_check_runs(tmp_path):
    memo = GateMemo(None)
    compute = Counter([1])
    memo.check("suite a", {"a.csv": "h"}, compute)
    memo.check("suite a", {"a.csv": "h"}, compute)
    assert compute.calls == 2 and memo.ran == ["suite a", "suite a"]
    assert not memo.knows("suite a", {"a.csv": "h"})


def test_the_memo_knows_what_it_remembers(tmp_path):
    memo = GateMemo(tmp_path, salt="code")
    memo.check("suite a", {"a.csv": "h1"}, Counter([1]))
    assert memo.knows("suite a", {"a.csv": "h1"})
    assert not memo.knows("suite a", {"a.csv": "h2"})
    assert not memo.knows("suite a", None)


def test_a_result_comes_back_with_its_keys_in_their_order(tmp_path):
    memo = GateMemo(tmp_path, salt="code")
    value = {"z": 1, "a": {"y": 2, "b": 3}}
    memo.check("suite a", {"a.csv": "h"}, Counter(value))
    again = memo.check("suite a", {"a.csv": "h"}, Counter(None))
    assert list(again) == ["z", "a"] and list(again["a"]) == ["y", "b"]
