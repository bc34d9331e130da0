"""Shards: K/N parsed strictly, every report in exactly one share, the same shares everywhere."""

from __future__ import annotations

import pytest

from analysis.errors import BuildError, ParameterError
from analysis.pipeline.shards import Shard, ShardRecord, deal, share_of

SCOPES = ["national", *(f"S{n:02d}" for n in range(1, 19))]


def _cost(scope: str) -> float:
    return 14.0 if scope == "national" else 3.0


@pytest.mark.parametrize(
    ("text", "expected"), [("1/1", (1, 1)), ("2/3", (2, 3)), (" 3 / 3 ", (3, 3))]
)
def test_shard_is_parsed_from_k_slash_n(text, expected):
    shard = Shard.parse(text)
    assert (shard.index, shard.count) == expected
    assert shard.label == f"{expected[0]}/{expected[1]}"


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "1/0", "a/b", "-1/3", "1/3/5", ""])
def test_a_shard_outside_one_to_n_is_refused_with_an_example(text):
    with pytest.raises(ParameterError, match=r"K/N with 1 <= K <= N.*e\.g\. 2/3"):
        Shard.parse(text)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 7, 19, 25])
def test_every_report_is_in_exactly_one_share(count):
    shares = deal(SCOPES, _cost, count)
    assert len(shares) == count
    dealt = [scope for share in shares for scope in share]
    assert sorted(dealt) == sorted(SCOPES)
    for share in shares:  # each share keeps the order of the list it was dealt from
        assert share == [scope for scope in SCOPES if scope in share]


def test_shares_are_the_same_for_the_same_inputs_and_balanced():
    first = [share_of(SCOPES, _cost, Shard(k, 3)) for k in (1, 2, 3)]
    again = [share_of(list(SCOPES), _cost, Shard(k, 3)) for k in (1, 2, 3)]
    assert first == again
    loads = [sum(_cost(scope) for scope in share) for share in first]
    assert max(loads) - min(loads) <= max(_cost(scope) for scope in SCOPES)
    assert "national" in first[0]


def test_more_shards_than_reports_leaves_some_shares_empty():
    shares = deal(["national", "S01"], _cost, 3)
    assert shares == [["national"], ["S01"], []]


def test_a_report_listed_twice_is_refused():
    with pytest.raises(ParameterError, match="listed twice"):
        share_of(["national", "S01", "S01"], _cost, Shard(1, 2))


def test_the_record_round_trips_through_the_shard_folder(tmp_path):
    record = ShardRecord(Shard(2, 3), ("S01", "S04"), tuple(SCOPES), {"commit": "abc"})
    (tmp_path / "shard.json").write_text(record.to_json(), encoding="utf-8")
    assert ShardRecord.read(tmp_path) == record


def test_a_folder_without_a_record_is_not_a_shard(tmp_path):
    with pytest.raises(BuildError, match=r"has no shard\.json.*--shard K/N"):
        ShardRecord.read(tmp_path)
    (tmp_path / "shard.json").write_text("{", encoding="utf-8")
    with pytest.raises(BuildError, match="unreadable"):
        ShardRecord.read(tmp_path)
    with pytest.raises(BuildError, match="not a folder"):
        ShardRecord.read(tmp_path / "missing")
