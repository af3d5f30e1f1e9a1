"""``orbitwatch propagate --history``: each time uses the element set in force at that time.

On the ISS's 21 element sets of CelesTrak's stations history (2026-05-24 .. 30), a week
hourly: independently of orbitwatch, each time's set is the TLE with the latest epoch at
or before it (epochs read by the ``sgp4`` package), and its TEME position is that TLE
propagated by ``sgp4`` to the time (1 cm).  The same from a store holding the history.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
from pathlib import Path

import numpy as np
from sgp4.api import Satrec
from typer.testing import CliRunner

from orbitwatch.catalog.history import in_force_index
from orbitwatch.cli import app
from orbitwatch.store import Store
from orbitwatch.times import parse_utc

HISTORY = "history/celestrak-groups-2026-05-24_30/stations-history-2026-05-24_30.tle.gz"
ARGS = ["propagate", "25544", "--start", "2026-05-24T12:00:00Z", "--end", "2026-05-30T12:00:00Z", "--step-s", "3600",
        "--history", "--format", "csv"]


def _iss_tles(path: Path) -> list[tuple[str, str]]:
    with gzip.open(path, "rt") as f:
        lines = f.read().splitlines()
    return [(a, b) for a, b in itertools.pairwise(lines) if a.startswith("1 25544") and b.startswith("2 25544")]


def _check(stdout: str, tles: list[tuple[str, str]]) -> int:
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert len(rows) == 145
    sats = [Satrec.twoline2rv(a, b) for a, b in tles]
    epochs = np.array([s.jdsatepoch + s.jdsatepochF for s in sats])
    used = set()
    for r in rows:
        t = parse_utc(r["time_utc"])
        days = float(t.astype("datetime64[us]").astype(np.int64)) / 86400e6  # since 1970 (JD 2440587.5)
        jd = 2440587.5 + days
        before = np.flatnonzero(epochs <= jd + 1e-9)
        k = int(before[np.argmax(epochs[before])])
        used.add(k)
        e, pos, _ = sats[k].sgp4(2440587.5 + np.floor(days), days - np.floor(days))
        assert e == 0
        got = np.array([float(r["x_km"]), float(r["y_km"]), float(r["z_km"])])
        assert np.linalg.norm(got - np.array(pos)) < 1e-5, r
        ep = parse_utc(r["element_epoch_utc"])
        ep_jd = 2440587.5 + float(ep.astype("datetime64[us]").astype(np.int64)) / 86400e6
        assert abs(ep_jd - epochs[k]) * 86400 < 1e-3
    return len(used)


def test_history_from_files_and_store(shared_data: Path, tmp_path: Path) -> None:
    path = shared_data / HISTORY
    tles = _iss_tles(path)
    assert len(tles) >= 20
    res = CliRunner().invoke(app, [*ARGS, "--catalog", str(path)])
    assert res.exit_code == 0, res.output
    assert _check(res.stdout, tles) > 10  # many sets used over the week, not one
    db = tmp_path / "ow.db"
    with Store.open(db) as store, gzip.open(path, "rt") as f:
        store.ingest([(path.name, f.read().splitlines())], now=parse_utc("2026-06-01T00:00:00Z"))
    from_store = CliRunner().invoke(app, [*ARGS, "--db", str(db)])
    assert from_store.exit_code == 0, from_store.output
    # the store's rows end with the owner column (issue 11), empty: this store holds no SATCAT
    store_lines = from_store.stdout.splitlines()
    assert store_lines[0] == res.stdout.splitlines()[0] + ",owner"
    assert [line.removesuffix(",") for line in store_lines[1:]] == res.stdout.splitlines()[1:]
    # without --history one set (in force at --start) serves the whole week
    single = CliRunner().invoke(app, [a for a in ARGS if a != "--history"] + ["--catalog", str(path)])
    assert single.exit_code == 0 and single.stdout.splitlines()[1:] != res.stdout.splitlines()[1:]


def test_in_force_index_rule() -> None:
    e = np.array(["2022-01-01", "2022-01-10", "2022-03-01", "2022-01-10"], dtype="datetime64[us]")
    n = np.full(4, 15.5)  # LEO: stale after 14 d
    t = np.array(["2021-12-01", "2022-01-05", "2022-01-10", "2022-01-20", "2022-02-20", "2022-04-01"],
                 dtype="datetime64[us]")
    # before all: the earliest after; ties on epoch: the set given last (index 3);
    # 2022-02-20: the 01-10 set is 41 d old (stale) and 03-01 is 9 d away: the later one
    assert in_force_index(e, n, t).tolist() == [0, 0, 3, 3, 2, 2]
