"""Catalog parse rate: orbitwatch's readers against python-sgp4's parsers, measured in the same run.

Run by hand: ``.venv/bin/python bench/catalog_parse.py [SHARED_DATA]``.  Prints element
sets/s for

* TLE: the 27,485-object 2025-04-15 Space-Track catalog, lines already in memory,
  ``read_element_sets`` (full field checks, exact epochs) vs ``sgp4.api.Satrec.twoline2rv``;
* OMM CSV: the 45,563-row CelesTrak GEO history, ``read_element_sets`` vs
  ``csv.DictReader`` + ``sgp4.omm.initialize`` (which also runs ``sgp4init``, so it is a
  loose baseline).

Nothing is asserted; the ratio says how far the pure-Python checked parse is from the
baseline.  Best of 5 runs each, in process CPU time (the development machines are
shared, so wall time mostly measures the neighbours).
"""

from __future__ import annotations

import csv
import gzip
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sgp4 import omm as sgp4_omm
from sgp4.api import Satrec

from orbitwatch.catalog.reader import read_element_sets


def best_of(fn: Callable[[], int], runs: int = 5) -> tuple[int, float]:
    best = float("inf")
    n = 0
    for _ in range(runs):
        t0 = time.process_time()
        n = fn()
        best = min(best, time.process_time() - t0)
    return n, best


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data"
    tle_path = root / "catalog/spacetrack-tle-full-catalog-2025-04-15.tle.gz"
    with gzip.open(tle_path, "rt") as fh:
        lines = fh.read().splitlines()

    def ours_tle() -> int:
        return sum(1 for _ in read_element_sets(lines, source=tle_path.name))

    def sgp4_tle() -> int:
        for i in range(0, len(lines), 2):
            Satrec.twoline2rv(lines[i], lines[i + 1])
        return len(lines) // 2

    n, t_ours = best_of(ours_tle)
    _, t_ref = best_of(sgp4_tle)
    print(f"TLE  {n:>7} sets: orbitwatch {n / t_ours:>9,.0f}/s   sgp4.twoline2rv {n / t_ref:>9,.0f}/s   "
          f"ratio {t_ref / t_ours:.2f}")

    csv_path = root / "history/celestrak-active-omm-2026-07-19_08-22/active-omm-geo-history.csv.gz"
    with gzip.open(csv_path, "rt", newline="") as fh:
        rows = fh.read().splitlines(keepends=True)

    def ours_csv() -> int:
        return sum(1 for _ in read_element_sets(rows, source=csv_path.name))

    def sgp4_csv() -> int:
        k = 0
        for fields in csv.DictReader(rows):
            sgp4_omm.initialize(Satrec(), fields)
            k += 1
        return k

    n, t_ours = best_of(ours_csv)
    _, t_ref = best_of(sgp4_csv)
    print(f"OMM  {n:>7} rows: orbitwatch {n / t_ours:>9,.0f}/s   sgp4.omm        {n / t_ref:>9,.0f}/s   "
          f"ratio {t_ref / t_ours:.2f}")


if __name__ == "__main__":
    main()
