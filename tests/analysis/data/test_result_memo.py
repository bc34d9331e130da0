import threading
import time

import pandas as pd
import pytest

from analysis.data import result_memo
from analysis.data.readlog import READS_LOG_ENV, record_read
from analysis.data.result_memo import RESULT_MEMO_ENV, DataFolder, input_key, remembered


class Counting:
    """A computation that counts its calls and records one data file read."""

    def __init__(self, read=None):
        self.calls = 0
        self.read = read

    def __call__(self):
        self.calls += 1
        if self.read is not None:
            record_read(self.read)
        return {"value": 42, "call": self.calls}


@pytest.fixture
def memo(tmp_path, monkeypatch):
    folder = tmp_path / "shared"
    monkeypatch.setenv(RESULT_MEMO_ENV, str(folder))
    return folder


def test_outside_a_build_every_call_computes(monkeypatch):
    monkeypatch.delenv(RESULT_MEMO_ENV, raising=False)
    compute = Counting()
    remembered("answer", (1,), compute)
    remembered("answer", (1,), compute)
    assert compute.calls == 2


def test_in_a_build_a_result_is_computed_once_for_the_same_inputs(memo):
    compute = Counting()
    first = remembered("answer", (1, "x"), compute)
    second = remembered("answer", (1, "x"), compute)
    assert compute.calls == 1
    assert second == first
    assert second is not first  # a copy: a chapter changing it does not change another's
    remembered("answer", (2, "x"), compute)
    assert compute.calls == 2


def test_a_chapter_reading_a_result_records_the_files_it_was_computed_from(
    memo, tmp_path, monkeypatch
):
    data = tmp_path / "cyp_survey.csv"
    data.write_text("a\n1\n")
    monkeypatch.setenv(READS_LOG_ENV, str(tmp_path / "first.reads"))
    remembered("answer", (1,), Counting(read=data))
    monkeypatch.setenv(READS_LOG_ENV, str(tmp_path / "second.reads"))
    compute = Counting()
    remembered("answer", (1,), compute)
    assert compute.calls == 0
    assert (tmp_path / "second.reads").read_text().split() == [str(data.resolve())]


def test_frames_are_keyed_by_their_content():
    frame = pd.DataFrame({"score": [1.0, 2.0], "site_id": ["S01", "S02"]})
    same = frame.copy()
    changed = frame.assign(score=[1.0, 2.5])
    retyped = frame.astype({"score": "Int64"}).assign(score=[1, 2])
    assert input_key("m", (frame,)) == input_key("m", (same,))
    assert input_key("m", (frame,)) != input_key("m", (changed,))
    assert input_key("m", (frame,)) != input_key("m", (retyped,))
    assert input_key("m", (frame,)) != input_key("other", (frame,))


def test_a_data_folder_is_keyed_by_the_bytes_of_its_files(tmp_path):
    folder = tmp_path / "data"
    (folder / "admin").mkdir(parents=True)
    (folder / "admin" / "S01.csv").write_text("a\n1\n")
    before = input_key("m", (DataFolder(folder),))
    (folder / "admin" / "S01.csv").write_text("a\n2\n")
    assert input_key("m", (DataFolder(folder),)) != before
    (folder / "admin" / "S01.csv").write_text("a\n1\n")
    assert input_key("m", (DataFolder(folder),)) == before
    (folder / "extra.csv").write_text("b\n")
    assert input_key("m", (DataFolder(folder),)) != before


def test_a_damaged_result_is_computed_again(memo):
    compute = Counting()
    remembered("answer", (1,), compute)
    (stored,) = memo.glob("*.pickle")
    stored.write_bytes(b"not a pickle")
    assert remembered("answer", (1,), compute) == {"value": 42, "call": 2}
    assert remembered("answer", (1,), compute) == {"value": 42, "call": 2}  # stored again


def test_a_result_that_cannot_be_stored_is_still_returned(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv(RESULT_MEMO_ENV, str(blocked / "shared"))
    compute = Counting()
    assert remembered("answer", (1,), compute)["value"] == 42
    assert remembered("answer", (1,), compute)["call"] == 2


def test_nothing_half_written_is_left_when_storing_fails(memo, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(result_memo.pickle, "dump", refuse)
    remembered("answer", (1,), Counting())
    assert [p.suffix for p in memo.iterdir()] == [".lock"]


def test_a_chapter_needing_a_result_another_is_computing_waits_for_it(memo):
    started, finish = threading.Event(), threading.Event()
    calls, results = [], []

    def slow():
        calls.append("first")
        started.set()
        finish.wait(10)
        return "computed once"

    def also():
        calls.append("second")
        return "computed twice"

    first = threading.Thread(target=lambda: results.append(remembered("r", (1,), slow)))
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=lambda: results.append(remembered("r", (1,), also)))
    second.start()
    time.sleep(0.3)
    assert second.is_alive()  # waiting for the first to finish, not computing
    finish.set()
    first.join(10)
    second.join(10)
    assert calls == ["first"]
    assert results == ["computed once", "computed once"]
