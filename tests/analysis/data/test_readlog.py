from analysis.data import loading
from analysis.data.readlog import READS_LOG_ENV


def test_loaders_record_every_file_a_chapter_reads(bundled_data_dir, tmp_path, monkeypatch):
    log = tmp_path / "reads"
    monkeypatch.setenv(READS_LOG_ENV, str(log))
    loading.load_cyp_survey(bundled_data_dir)
    loading.load_admin(bundled_data_dir)
    read = {line.rsplit("/", 1)[-1] for line in log.read_text().splitlines()}
    assert {"cyp_survey.csv", "sites.csv", "admin_codebook.csv", "S01.csv", "S18.csv"} <= read
    assert "staff_survey.csv" not in read


def test_nothing_is_recorded_outside_a_build(bundled_data_dir, tmp_path, monkeypatch):
    monkeypatch.delenv(READS_LOG_ENV, raising=False)
    loading.load_sites(bundled_data_dir)
    assert list(tmp_path.iterdir()) == []


def test_reads_inside_a_block_are_collected_by_it_and_every_block_around_it(tmp_path):
    from analysis.data.readlog import record_read, recording_reads

    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    with recording_reads() as outer:
        record_read(first)
        with recording_reads() as inner:
            record_read(second)
    record_read(first)  # after the blocks: collected by none
    assert inner == {str(second.resolve())}
    assert outer == {str(first.resolve()), str(second.resolve())}
