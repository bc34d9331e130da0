import hashlib

from analysis.pipeline.provenance import build_time, data_file_hashes, git_state


def test_data_file_hashes_are_sha256_of_each_file(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"x\n1\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.csv").write_bytes(b"y\n")
    assert data_file_hashes(tmp_path) == {
        "a.csv": hashlib.sha256(b"x\n1\n").hexdigest(),
        "sub/b.csv": hashlib.sha256(b"y\n").hexdigest(),
    }


def test_build_time_honours_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert build_time() == "1970-01-01T00:00:00Z"


def test_git_state_outside_a_checkout(tmp_path):
    state = git_state(tmp_path)
    assert state["commit"].startswith("unknown")
