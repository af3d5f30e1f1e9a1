"""Acceptance 2: completeness and accuracy against an independent brute-force search.

Catalog subset (real element sets of 2022-01-22, Space-Track via the staged files):
every 6th piece of the COSMOS 1408 debris cloud two months after the ASAT test (dense,
low relative speeds, many close approaches), GEO satellites of the crowded slots
(co-located clusters, m/s relative speeds) and MEO navigation satellites, screened
all-vs-all for 24 h at 25 km.  The reference (``_screen_bruteforce.py``, sgp4 + scipy,
no orbitwatch code) samples every pair every 10 s and refines each sampled minimum.

Tolerances: zero missed and zero spurious conjunctions; TCA within 1 ms (for encounters
slower than ~50 m/s within the time the SGP4 range is flat to 1e-9 km, see
``_screen_compare.py``); miss distance within 1 m.
"""

from __future__ import annotations

from pathlib import Path

import numba
import numpy as np
from _screen_bruteforce import brute_force, satrecs_from_tle
from _screen_compare import compare

from conftest import sets_from_records, three_line_records
from orbitwatch.catalog.model import ElementTable
from orbitwatch.screening import screen
from orbitwatch.times import parse_utc

THRESHOLD_KM = 25.0
START = "2022-01-22T00:00:00Z"
END = "2022-01-23T00:00:00Z"
GEO_NAMES = ("BSAT", "GSAT", "EUTE", "ASTRA", "SES", "BADR", "ARABSAT", "DIRECTV", "INTELSAT", "SL-12",
             "RADUGA", "SHIYAN", "CHINASAT", "APSTAR")


def _subset(shared_data: Path) -> list[tuple[str | None, str, str]]:
    debris = three_line_records(shared_data / "fragmentation" / "cosmos-1408-debris-2022-01-22.tle.gz")
    full = three_line_records(shared_data / "catalog" / "spacetrack-3le-full-catalog-2022-01-22.tle.gz")

    def mean_motion(rec: tuple[str | None, str, str]) -> float:
        return float(rec[2][52:63])

    geo = [r for r in full if 0.98 < mean_motion(r) < 1.02 and float("0." + r[2][26:33]) < 0.01
           and (r[0] or "").removeprefix("0 ").startswith(GEO_NAMES)]
    meo = [r for r in full if 1.9 < mean_motion(r) < 2.1]
    return debris[::6] + geo[::6] + meo[:20]


def test_complete_and_accurate_against_brute_force(shared_data: Path) -> None:
    recs = _subset(shared_data)
    assert len(recs) > 250
    start_us = int(parse_utc(START).astype(np.int64))
    span_s = 86400.0
    ref = brute_force(satrecs_from_tle([(a, b) for _, a, b in recs]), start_us, span_s, THRESHOLD_KM)

    table = ElementTable.from_element_sets(sets_from_records(recs))
    # the subset holds no repeated catalog numbers, so table rows are record indices
    assert len(np.unique(table.norad_id)) == len(recs)
    result = screen(table, START, END, THRESHOLD_KM)
    row = {int(n): k for k, n in enumerate(table.norad_id)}
    found = []
    for c in result.conjunctions:
        i, j = sorted((row[c.norad_1], row[c.norad_2]))
        t = float((c.tca - parse_utc(START)).astype(np.int64)) / 1e6
        found.append((i, j, t, c.miss_distance_km, c.relative_speed_km_s))
    problems, dts = compare(found, ref, THRESHOLD_KM, span_s)
    assert problems == []
    assert len(dts) >= 60  # a decent number of events, of all kinds
    speeds = np.array([f[4] for f in found])
    assert (speeds < 0.05).any() and (speeds > 1.0).any()
    # most TCAs agree to 1 ms outright (the rest are the slowest encounters)
    assert np.mean(np.array(dts) <= 1e-3) > 0.9


def test_threads_and_sub_windows_do_not_change_the_result(shared_data: Path) -> None:
    recs = _subset(shared_data)[::2]
    table = ElementTable.from_element_sets(sets_from_records(recs))
    base = screen(table, START, END, THRESHOLD_KM, sgp4_workers=2)
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        serial = screen(table, START, END, THRESHOLD_KM, sgp4_workers=1)
    finally:
        numba.set_num_threads(threads)
    assert serial.conjunctions == base.conjunctions
    assert serial.failures == base.failures
    split = screen(table, START, END, THRESHOLD_KM, sub_window_s=5 * 3600.0)
    assert split.stats["sub_windows"] == 5
    assert [(c.norad_1, c.norad_2) for c in split.conjunctions] == [
        (c.norad_1, c.norad_2) for c in base.conjunctions
    ]
    for a, b in zip(split.conjunctions, base.conjunctions, strict=True):
        assert abs(float((a.tca - b.tca).astype(np.int64))) <= 100  # us
        assert abs(a.miss_distance_km - b.miss_distance_km) < 1e-6
