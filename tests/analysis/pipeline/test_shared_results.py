import os
import time

from analysis.pipeline.shared_results import remove_unused_results, shared_results_folder


def test_each_code_and_environment_has_its_own_folder_and_the_others_are_removed(tmp_path):
    old = shared_results_folder(tmp_path, "code-1", "env")
    old.mkdir(parents=True)
    (old / "headline-findings-1.pickle").write_bytes(b"x")
    assert shared_results_folder(tmp_path, "code-1", "env") == old
    assert old.exists()
    new = shared_results_folder(tmp_path, "code-2", "env")
    assert new != old
    assert not old.exists()
    assert shared_results_folder(tmp_path, "code-2", "other env") != new


def test_results_no_chapter_used_during_the_build_are_removed(tmp_path):
    started = time.time()
    used, unused = tmp_path / "used.pickle", tmp_path / "unused.pickle"
    used.write_bytes(b"x")
    unused.write_bytes(b"x")
    an_hour_ago = started - 3600
    os.utime(unused, (an_hour_ago, an_hour_ago))
    assert remove_unused_results(tmp_path, started) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["used.pickle"]
    assert remove_unused_results(tmp_path / "missing", started) == 0
