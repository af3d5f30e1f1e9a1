"""catalog/history.latest_per_object on a real element history (CelesTrak stations group, 7 days).

Data: shared/data ``history/celestrak-groups-2026-05-24_30/stations-history-2026-05-24_30.tle.gz``
(MANIFEST.md): several element sets per object.  The reference is a plain Python pass over
the element sets (a dict per catalog number keeping the latest epoch, the first on ties),
written without numpy sorting.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from orbitwatch.catalog.history import latest_per_object
from orbitwatch.catalog.model import ElementSet, ElementTable
from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.sources.files import open_lines

HISTORY = "history/celestrak-groups-2026-05-24_30/stations-history-2026-05-24_30.tle.gz"


def _reference(sets: list[ElementSet]) -> list[int]:
    """Indices of the rows to keep, in input order: per object the latest epoch, first on ties."""
    best: dict[int, int] = {}
    for k, es in enumerate(sets):
        j = best.get(es.norad_id)
        if j is None or es.epoch > sets[j].epoch:
            best[es.norad_id] = k
    return sorted(best.values())


def _sets(shared_data: Path) -> list[ElementSet]:
    with open_lines(shared_data / HISTORY) as lines:
        return list(read_element_sets(lines, source="stations"))


def test_latest_per_object_matches_a_plain_python_pass(shared_data: Path) -> None:
    sets = _sets(shared_data)
    rng = np.random.default_rng(7)
    shuffled = [sets[i] for i in rng.permutation(len(sets))]
    for rows in (sets, shuffled, shuffled[::-1]):
        table = ElementTable.from_element_sets(rows)
        assert np.unique(table.norad_id).size < len(table)  # a real history: repeats
        want = _reference(rows)
        got = latest_per_object(table)
        np.testing.assert_array_equal(got.norad_id, [rows[k].norad_id for k in want])
        np.testing.assert_array_equal(got.epoch, [rows[k].epoch for k in want])
        np.testing.assert_array_equal(got.mean_anomaly_deg, [rows[k].mean_anomaly_deg for k in want])


def test_latest_per_object_ties_go_to_the_first_row_and_unique_tables_pass_through(shared_data: Path) -> None:
    sets = _sets(shared_data)[:40]
    first = sets[0]
    twin = dataclasses.replace(first, mean_anomaly_deg=(first.mean_anomaly_deg + 1.0) % 360.0)
    table = ElementTable.from_element_sets([first, twin])
    got = latest_per_object(table)
    assert len(got) == 1 and got.mean_anomaly_deg[0] == first.mean_anomaly_deg
    once = latest_per_object(ElementTable.from_element_sets(sets))
    assert latest_per_object(once) is once
