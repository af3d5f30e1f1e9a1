"""Acceptance 2 (store side): every staged catalog ingests with zero rejects and the store
holds the right element sets, objects and epoch span.

Data: shared/data/catalog, fragmentation and history (MANIFEST.md): Space-Track and
CelesTrak TLE/3LE files (plain and gzip) and the CelesTrak OMM CSV histories.  The
expected values come from :mod:`tests.store._independent` (plain column slicing and
``csv``, not orbitwatch's parsers): element-set records, distinct element-set
identities (exact duplicates inside a file count once), distinct catalog numbers and
the exact epoch minimum/maximum (tolerance: 0 us; TLE epochs are multiples of 864 us).
The 183,263-set Starlink history is checked in test_kill.py (ingested once there).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from orbitwatch.sources.files import iter_file_inputs
from orbitwatch.store import Store

from ._independent import counts, iso_us

NOW = np.datetime64("2026-09-01T00:00:00", "us")
STARLINK = "starlink-history-2026-05-24_30.tle.gz"


def staged_files(root: Path) -> list[Path]:
    files = sorted((root / "catalog").glob("*"))
    files += sorted((root / "fragmentation").glob("*"))
    files += sorted((root / "history").glob("*/*"))
    return [f for f in files if f.is_file()]


# Names, not paths: the parameter list is built before the shared_data fixture exists.
CATALOG_FILES = [
    *(f"catalog/{n}" for n in (
        "celestrak-active-2023-08-20.tle.gz",
        "celestrak-active-2025-04-15.tle.gz",
        "spacetrack-3le-full-catalog-2019-12-19.tle.gz",
        "spacetrack-3le-full-catalog-2022-01-22.tle.gz",
        "spacetrack-3le-full-catalog-2022-07-15.tle.gz",
        "spacetrack-3le-full-catalog-2023-09-04.tle.gz",
        "spacetrack-3le-payloads-2026-06-10.tle.gz",
        "spacetrack-tle-full-catalog-2025-04-15.tle.gz",
    )),
    *(f"fragmentation/{n}" for n in (
        "cosmos-1408-debris-2022-01-22.tle.gz",
        "cosmos-1408-debris-early-2021-11-30.tle",
        "fengyun-1c-debris-2019-12-19.tle.gz",
        "iridium-33-cosmos-2251-debris-2019-12-19.tle.gz",
        "microsat-r-debris-2019-12-19.tle",
        "parent-objects-pre-event.tle",
    )),
    *(f"history/celestrak-active-2023/celestrak-active-2023-{d}.tle.gz" for d in (
        "07-04", "08-07", "08-13", "11-13", "11-18", "11-19",
    )),
    "history/celestrak-active-omm-2026-07-19_08-22/active-omm-geo-history.csv.gz",
    "history/celestrak-active-omm-2026-07-19_08-22/active-omm-leo-meo-noconstellations-history.csv.gz",
    *(f"history/celestrak-groups-2026-05-24_30/{g}-history-2026-05-24_30.tle.gz" for g in (
        "geo", "military", "stations",
    )),
    *(f"history/maneuver-benchmark/{s}.tle.gz" for s in (
        "CryoSat-2", "Fengyun-2D", "Fengyun-2E", "Fengyun-2F", "Fengyun-2H", "Fengyun-4A", "Haiyang-2A",
        "Jason-1", "Jason-2", "Jason-3", "SARAL", "Sentinel-3A", "Sentinel-3B", "Sentinel-6A", "TOPEX",
    )),
]


def test_every_staged_file_is_covered(shared_data: Path) -> None:
    """The list above is every staged catalog file except the Starlink history (test_kill.py)."""
    on_disk = {str(f.relative_to(shared_data)) for f in staged_files(shared_data)}
    assert on_disk == {*CATALOG_FILES, f"history/celestrak-groups-2026-05-24_30/{STARLINK}"}


@pytest.mark.parametrize("name", CATALOG_FILES)
def test_staged_file_ingests_with_right_counts(shared_data: Path, tmp_path: Path, name: str) -> None:
    path = shared_data / name
    expected = counts(path)
    db = tmp_path / "store.db"
    with Store.open(db) as store:
        report = store.ingest(iter_file_inputs([path]), lenient=True, now=NOW)
        assert report.rejects == []
        assert report.rejected == 0
        assert report.files == 1
        assert report.element_sets_read == expected.records
        assert report.stored == len(expected.keys)
        assert report.duplicates == expected.records - len(expected.keys)
        assert report.objects == len(expected.objects)
        stats = store.stats()
    assert stats["element_sets"] == len(expected.keys)
    assert stats["objects"] == len(expected.objects)
    assert sum(stats["by_type"].values()) == len(expected.objects)
    assert stats["epoch_min_utc"] == iso_us(expected.epoch_min_us)
    assert stats["epoch_max_utc"] == iso_us(expected.epoch_max_us)
    # What is stored, not only how much: (catalog number, epoch) of every row.
    with sqlite3.connect(db) as conn:
        stored = set(conn.execute("SELECT norad_id, epoch_us FROM element_sets"))
    assert stored == {(k[0], k[1]) for k in expected.keys}
