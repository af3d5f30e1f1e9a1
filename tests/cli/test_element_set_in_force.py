"""Issue 19 part 1: every command uses the element set in force at the time asked.

A store holding three full public catalogs (2019-12-19, 2022-07-15, 2025-04-15) must
give, for ``propagate``, ``screen``, ``passes``, ``exposure`` and ``contacts`` at a time
in July 2022, exactly what the same command gives on the 2022-07-15 catalog file
alone: the expected value is the single-file run, which cannot see the other epochs.
Before the fix, the store runs used each object's newest (2025) set and propagated it
back by ~1,000 days (the ISS at 51.6 N, -170.4 E, 477 km instead of 28.7 N, 60.5 E,
420 km at 2022-07-15T00:00Z).  The screening run also leaves out the 2019-only objects
(decayed by 2022) and the 2025-only ones, as the 2022 file alone does.  A ``--start``
far from every stored epoch is flagged on stderr.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orbitwatch.cli import app

CATALOGS = (
    "catalog/spacetrack-3le-full-catalog-2019-12-19.tle.gz",
    "catalog/spacetrack-3le-full-catalog-2022-07-15.tle.gz",
    "catalog/spacetrack-tle-full-catalog-2025-04-15.tle.gz",
)
FILE_2022 = CATALOGS[1]
START = "2022-07-15T00:00:00Z"
END = "2022-07-15T06:00:00Z"
# The ISS, CSS Tianhe and NOAA 20.
NORADS = ["25544", "48274", "43013"]


def _run(args: list[str]):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, args)


@pytest.fixture(scope="module")
def three_epoch_store(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("in_force") / "three.db"
    for cat in CATALOGS:
        res = _run(["ingest", str(shared_data / cat), "--db", str(db)])
        assert res.exit_code == 0, res.output
    return db


def _names_dropped(doc: object) -> object:
    """The store knows each object's newest name; a file only its own: compare the numbers."""
    if isinstance(doc, dict):
        return {k: _names_dropped(v) for k, v in doc.items() if k not in {"name", "name_1", "name_2", "names"}}
    if isinstance(doc, list):
        return [_names_dropped(v) for v in doc]
    return doc


def _both(shared_data: Path, db: Path, args: list[str]) -> tuple[str, str]:
    from_store = _run([*args, "--db", str(db)])
    from_file = _run([*args, "--catalog", str(shared_data / FILE_2022)])
    assert from_store.exit_code == 0, from_store.output
    assert from_file.exit_code == 0, from_file.output
    return from_store.stdout, from_file.stdout


def test_propagate_uses_the_2022_set(shared_data: Path, three_epoch_store: Path) -> None:
    args = ["propagate", *NORADS, "--start", START, "--end", END, "--step-s", "600", "--frame", "geodetic"]
    store_out, file_out = _both(shared_data, three_epoch_store, args)
    # the store's rows end with the owner (issue 11), empty here: this store holds no SATCAT
    store_lines = store_out.splitlines()
    assert store_lines[0].endswith(",owner") and all(line.endswith(",") for line in store_lines[1:])
    assert "\n".join(line.rsplit(",", 1)[0] for line in store_lines) + "\n" == file_out
    # and it is not what the newest (2025) set gives: the bug this pins
    newest = _run([*args, "--db", str(three_epoch_store), "--as-of", "2025-04-15T00:00:00Z"])
    assert newest.exit_code == 0, newest.output
    assert newest.stdout != store_out


def test_screen_uses_the_2022_sets(shared_data: Path, three_epoch_store: Path) -> None:
    args = ["screen", "--start", START, "--duration-h", "3", "--threshold-km", "20", "--primary", "25544",
            "--format", "json"]
    store_out, file_out = _both(shared_data, three_epoch_store, args)
    assert _names_dropped(json.loads(store_out)) == _names_dropped(json.loads(file_out))


def test_passes_exposure_contacts_use_the_2022_sets(shared_data: Path, three_epoch_store: Path) -> None:
    win = ["--start", START, "--end", END]
    ids = [a for n in NORADS for a in ("--norad", n)]
    stations = str(shared_data / "ground-stations" / "ksat.geojson")
    for args in (
        ["passes", *ids, "--site", "40.4,-3.7", *win, "--json"],
        ["exposure", *ids, "--sites", str(shared_data / "ground-stations" / "dsn.geojson"), *win,
         "--max-range-km", "3000", "--json"],
        ["contacts", *ids, "--stations", stations, *win, "--json"],
    ):
        store_out, file_out = _both(shared_data, three_epoch_store, args)
        assert _names_dropped(json.loads(store_out)) == _names_dropped(json.loads(file_out)), args[0]


def test_start_far_from_every_epoch_is_flagged(three_epoch_store: Path) -> None:
    # Before every stored epoch: the earliest (2019) sets are propagated backwards, and say so.
    res = _run(["propagate", "25544", "--db", str(three_epoch_store), "--start", "2015-01-01T00:00:00Z",
                "--end", "2015-01-01T00:10:00Z", "--step-s", "600"])
    assert res.exit_code == 0, res.output
    assert "use an element set after 2015-01-01T00:00:00Z" in res.stderr
    assert "25544" in res.stderr
    # Long after the newest epoch: stale, and said so.
    res = _run(["propagate", "25544", "--db", str(three_epoch_store), "--start", "2025-09-01T00:00:00Z",
                "--end", "2025-09-01T00:10:00Z", "--step-s", "600"])
    assert res.exit_code == 0, res.output
    assert "stale at 2025-09-01T00:00:00Z" in res.stderr
    # Five days after the ISS's 2022-07-15 set: in force, fresh, nothing to flag.
    res = _run(["propagate", "25544", "--db", str(three_epoch_store), "--start", "2022-07-20T00:00:00Z",
                "--end", "2022-07-20T00:10:00Z", "--step-s", "600"])
    assert res.exit_code == 0 and "warning" not in res.stderr


def test_in_force_rule_against_an_independent_read(shared_data: Path, three_epoch_store: Path) -> None:
    """The store's choice checked against an independent read of the three files with sgp4's parser.

    The rule (orbitwatch.catalog.history): the latest set at or before t, unless there is
    none, or it is stale at t (14 d in LEO, n > 11.25 rev/day; 30 d above) and a later set
    lies nearer to t; then the earliest set after t.
    """
    import gzip
    import math

    import numpy as np
    from sgp4.api import Satrec

    from orbitwatch.store import Store

    t = np.datetime64("2022-01-01T00:00:00", "us")
    day = np.timedelta64(86_400_000_000, "us")
    sets: dict[int, list[tuple[np.datetime64, float]]] = {}
    for cat in CATALOGS:
        with gzip.open(shared_data / cat, "rt") as fh:
            lines = [ln.rstrip("\n") for ln in fh if ln.startswith(("1 ", "2 "))]
        for l1, l2 in zip(lines[::2], lines[1::2], strict=True):
            if l1[2:7].strip().isdigit():
                sat = Satrec.twoline2rv(l1, l2)
                whole = np.datetime64("1949-12-31T00:00:00", "us")
                ep = whole + np.timedelta64(round((sat.jdsatepoch + sat.jdsatepochF - 2433281.5) * 86400e6), "us")
                rev_per_day = sat.no_kozai * 1440.0 / (2.0 * math.pi)
                sets.setdefault(int(l1[2:7]), []).append((ep, rev_per_day))
    # ISS and CSS (2019 set stale, 2022-07 nearer), COSMOS 1408 (decayed 2024), 5, one 2022-only, one 2025-only id
    sample = [25544, 48274, 13552, 5, 44797, 49000, 60000]
    with Store.open(three_epoch_store, create=False) as store:
        table = store.in_force(t, norad_ids=sample)
    got = {int(n): e for n, e in zip(table.norad_id, table.epoch, strict=True)}
    for n in sample:
        if n not in sets:
            assert n not in got
            continue
        eps = sorted(sets[n])
        before = [e for e in eps if e[0] <= t]
        after = [e for e in eps if e[0] > t]
        if before:
            ep, rev = before[-1]
            limit = 14.0 if rev > 11.25 else 30.0
            age = (t - ep) / day
            want = ep if (age <= limit or not after or (after[0][0] - t) / day >= age) else after[0][0]
        else:
            want = after[0][0]
        assert abs(got[n] - want) <= np.timedelta64(1, "ms"), n
