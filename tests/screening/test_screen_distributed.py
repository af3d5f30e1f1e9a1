"""Screening on ``dask.distributed`` gives the serial result, whatever the partitioning (issue 17).

The expected value is the serial :func:`orbitwatch.screening.screen` on the same input
(itself checked against an independent brute force in test_screen_completeness.py).
A real ``LocalCluster`` of two worker processes runs the tasks.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from orbitwatch.errors import InputError
from orbitwatch.screening import screen
from orbitwatch.screening.distributed import dask_client, parse_cluster, screen_on_cluster, time_partitions
from orbitwatch.sources.files import read_catalog_files

CLOUD = "fragmentation/cosmos-1408-debris-2022-01-22.tle.gz"
START = np.datetime64("2022-01-22T00:00:00", "us")
END = np.datetime64("2022-01-22T10:30:00", "us")


def _key(res):  # type: ignore[no-untyped-def]
    return [(c.norad_1, c.norad_2) for c in res.conjunctions]


def test_time_partitions_cover_the_window_on_whole_hours() -> None:
    parts = time_partitions(START, END, 4)
    assert parts[0][0] == START and parts[-1][1] == END
    assert all(b == a2 for (_, b), (a2, _) in itertools.pairwise(parts))
    assert all(int((a - START).astype(np.int64)) % 3_600_000_000 == 0 for a, _ in parts)
    assert len(time_partitions(START, START + np.timedelta64(30, "m"), 8)) == 1


def test_cluster_spec_is_parsed_or_refused() -> None:
    assert parse_cluster("local:3").workers == 3
    assert parse_cluster("tcp://10.0.0.5:8786").address == "tcp://10.0.0.5:8786"
    for bad in ("local:0", "local:x", "gpu", "tcp://nohostport"):
        with pytest.raises(InputError) as exc:
            parse_cluster(bad)
        assert exc.value.code == "INPUT_INVALID"


def test_cluster_result_equals_serial_for_three_partitionings(shared_data: Path) -> None:
    table, _ = read_catalog_files([shared_data / CLOUD])
    serial = screen(table, START, END, 10.0)
    assert len(serial.conjunctions) > 20  # the young COSMOS 1408 cloud meets itself often
    with dask_client(parse_cluster("local:2")) as client:
        for k in (2, 3, 7):
            res = screen_on_cluster(table, START, END, 10.0, cluster="local:2", client=client, partitions=k)
            assert res.stats["partitions"] == k
            assert _key(res) == _key(serial), k
            for a, b in zip(res.conjunctions, serial.conjunctions, strict=True):
                assert abs(int((a.tca - b.tca).astype(np.int64))) <= 1000  # 1 ms
                assert abs(a.miss_distance_km - b.miss_distance_km) <= 1e-3  # 1 m
            assert [f.norad for f in res.failures] == [f.norad for f in serial.failures]
