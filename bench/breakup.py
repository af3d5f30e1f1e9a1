"""Fragmentation benchmark: breakup reconstruction and synthetic-cloud generation.

Run by hand (not a test)::

    .venv/bin/python bench/breakup.py [--repeat R]

Workloads (shared/data/fragmentation):

* ``reconstruct 103``: COSMOS 1408's 103 early fragments with the pre-event parent set
  (``orbitwatch.detection.fragmentation.reconstruct_event``, both stages);
* ``reconstruct 1214``: the 1,214 pieces of the 2022-01-22 subset, same parent;
* ``stage-1 vectorised`` vs ``stage-1 loop``: the coarse grid of stage 1 on the 1,214
  pieces (300-fragment subsample, 2-day window every 30 s) as one
  ``orbitwatch.propagation.propagate`` call, against a baseline that propagates one
  fragment at a time (``Satrec.sgp4_array`` per fragment, the loop one would write
  first); the ratio is loop / vectorised wall time;
* ``simulate 1750 kg``: ``simulate_breakup`` of COSMOS 1408 (1,387 fragments, sampling
  plus the 10-iteration mean-element fit).

Best of ``--repeat`` wall times (``time.perf_counter``) in one process.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.detection import breakup_model as bm
from orbitwatch.detection import fragmentation as fr
from orbitwatch.propagation import propagate, satrecs
from orbitwatch.sources.files import read_catalog_files
from orbitwatch.times import jd_utc, parse_utc

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "fragmentation"


def best(fn: Callable[[], object], repeat: int) -> float:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    path = DATA / "parent-objects-pre-event.tle"
    with path.open() as fh:
        parent = [s for s in read_element_sets(fh, source=str(path)) if s.norad_id == 13552][-1]
    early, _ = read_catalog_files([DATA / "cosmos-1408-debris-early-2021-11-30.tle"])
    early = early.take(~np.isin(early.norad_id, [13552, 13553]))
    late, _ = read_catalog_files([DATA / "cosmos-1408-debris-2022-01-22.tle.gz"])
    late = fr.select_launch(late, "1982-092")
    late = late.take(np.array(["DEB" in (n or "") for n in late.names]))

    rows = []
    rows.append(("reconstruct 103", best(lambda: fr.reconstruct_event(early, parent), args.repeat)))
    rows.append(("reconstruct 1214", best(lambda: fr.reconstruct_event(late, parent), args.repeat)))

    sub = late.take(np.sort(np.random.default_rng(0).choice(len(late), 300, replace=False)))
    t0 = parse_utc("2021-11-15T00:55:00Z")
    times = t0 + (np.arange(0, 2 * 86400, 30) * 1_000_000).astype("timedelta64[us]")

    def vectorised() -> None:
        propagate(sub, times)

    def loop() -> None:
        jd, frac = jd_utc(times)
        for sat in satrecs(sub):
            sat.sgp4_array(np.asarray(jd, dtype=np.float64), np.asarray(frac, dtype=np.float64))

    tv, tl = best(vectorised, args.repeat), best(loop, args.repeat)
    rows.append(("stage-1 vectorised (300 x 5760)", tv))
    rows.append(("stage-1 loop baseline", tl))
    rows.append(("simulate 1750 kg", best(
        lambda: bm.simulate_breakup(parent, "2021-11-15T02:47:00Z", 1750.0, "collision", seed=0), args.repeat)))
    for name, s in rows:
        print(f"{name:34s} {s * 1000:9.1f} ms")
    print(f"stage-1 loop / vectorised: {tl / tv:.2f}x")


if __name__ == "__main__":
    main()
