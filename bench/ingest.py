"""Ingest benchmark: element sets per second into a fresh element-history store.

Input: the 27,485-object Space-Track full catalog of 2025-04-15 (plain 2-line TLE,
gzip; shared/data/catalog, MANIFEST.md).  Measured in the same run:

* orbitwatch: ``Store.ingest`` of the file into a fresh store (open + gunzip + strict
  TLE parsing with checksums and range checks + one transaction of INSERT OR IGNORE on
  the identity index + object upserts), and its parts: parsing alone
  (``read_element_sets``) and a re-ingest of the same file (all duplicates);
* baseline: the same file parsed with ``sgp4.api.Satrec.twoline2rv`` per line pair
  (the reference parser) and the raw lines stored with a plain ``sqlite3``
  ``executemany`` into a one-table WAL database in one transaction;
* ``latest()``: the catalog snapshot as arrays, one SQL statement.

Run by hand: ``.venv/bin/python bench/ingest.py [--repeat N] [PATH]``.  Prints the
best of N runs (default 3) and the ratio orbitwatch / baseline.  Nothing is asserted.
"""

from __future__ import annotations

import argparse
import gzip
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sgp4.api import Satrec

from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.sources.files import iter_file_inputs, open_lines
from orbitwatch.store import Store

REPO = Path(__file__).resolve().parent.parent
DEFAULT = REPO.parent / "shared" / "data" / "catalog" / "spacetrack-tle-full-catalog-2025-04-15.tle.gz"
NOW = np.datetime64("2025-05-01T00:00:00", "us")


def best_of(repeat: int, fn: Callable[[Path], int]) -> tuple[float, int]:
    times = []
    n = 0
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            n = fn(Path(tmp))
            times.append(time.perf_counter() - t0)
    return min(times), n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    path: Path = args.path

    def orbitwatch_ingest(tmp: Path) -> int:
        with Store.open(tmp / "bench.db") as store:
            report = store.ingest(iter_file_inputs([path]), now=NOW)
        assert report.rejected == 0
        return report.stored

    def orbitwatch_parse(tmp: Path) -> int:
        with open_lines(path) as lines:
            return sum(1 for _ in read_element_sets(lines, source=str(path)))

    def orbitwatch_reingest(tmp: Path) -> int:
        db = tmp / "bench.db"
        with Store.open(db) as store:
            store.ingest(iter_file_inputs([path]), now=NOW)
        t0 = time.perf_counter()
        with Store.open(db) as store:
            report = store.ingest(iter_file_inputs([path]), now=NOW)
        reingest_s.append(time.perf_counter() - t0)
        return report.duplicates

    def latest_query(tmp: Path) -> int:
        db = tmp / "bench.db"
        with Store.open(db) as store:
            store.ingest(iter_file_inputs([path]), now=NOW)
            t0 = time.perf_counter()
            table = store.latest()
            latest_s.append(time.perf_counter() - t0)
        return len(table)

    def baseline(tmp: Path) -> int:
        with gzip.open(path, "rt") as fh:
            lines = [ln.rstrip("\n") for ln in fh if ln.strip()]
        rows = []
        for l1, l2 in zip(lines[0::2], lines[1::2], strict=True):
            sat = Satrec.twoline2rv(l1, l2)
            rows.append((sat.satnum, sat.jdsatepoch + sat.jdsatepochF, l1, l2))
        conn = sqlite3.connect(tmp / "baseline.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("CREATE TABLE tle (norad INTEGER, epoch_jd REAL, line1 TEXT, line2 TEXT)")
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO tle VALUES (?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
        conn.close()
        return len(rows)

    reingest_s: list[float] = []
    latest_s: list[float] = []
    t_ow, n_ow = best_of(args.repeat, orbitwatch_ingest)
    t_parse, n_parse = best_of(args.repeat, orbitwatch_parse)
    best_of(args.repeat, orbitwatch_reingest)
    best_of(args.repeat, latest_query)
    t_base, n_base = best_of(args.repeat, baseline)
    assert n_ow == n_parse == n_base, (n_ow, n_parse, n_base)

    rate_ow, rate_base = n_ow / t_ow, n_base / t_base
    print(f"input: {path.name}: {n_ow:,} element sets (best of {args.repeat}; python {sys.version.split()[0]})")
    print(f"orbitwatch ingest (fresh store) : {t_ow:7.3f} s  {rate_ow:10,.0f} element sets/s")
    print(f"  of which parsing (TLE strict) : {t_parse:7.3f} s  {n_parse / t_parse:10,.0f} element sets/s")
    print(f"  re-ingest (all duplicates)    : {min(reingest_s):7.3f} s  {n_ow / min(reingest_s):10,.0f} element sets/s")
    print(f"  latest() snapshot, {n_ow:,} obj: {min(latest_s):7.3f} s")
    print(f"baseline twoline2rv + executemany: {t_base:7.3f} s  {rate_base:10,.0f} element sets/s")
    print(f"ratio orbitwatch / baseline      : {rate_ow / rate_base:7.2f}")


if __name__ == "__main__":
    main()
