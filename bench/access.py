"""Pass-prediction benchmark: N satellites x 138 sites x 24 h, against a Skyfield loop.

Input: the first N (default 10,000) payloads of the 2026-06-10 Space-Track payload
catalog (``shared/data/catalog/spacetrack-3le-payloads-2026-06-10.tle.gz``; LEO
mega-constellations, EO satellites, MEO and GEO) and the 138 sites of
``ground-stations/ground-stations-all.csv`` (their own masks), 24 h from
2026-06-10T00:00Z.  Measured in the same run:

* orbitwatch: :func:`orbitwatch.access.passes.find_passes` for all N x 138 pairs (SGP4
  on a grid, TEME->ITRF once per time, grid elevations, event refinement,
  culminations, sunlit fractions), wall time, passes found;
* baseline: Skyfield's ``EarthSatellite.find_events`` in a loop over satellites and
  sites, as one would write it per satellite.  It is far too slow for the full set,
  so it runs on a subset (``--baseline-sats`` satellites x ``--baseline-sites``
  sites) and is scaled linearly to N x 138 pairs (stated in the output);
* agreement on the subset: passes matched and the largest rise/set difference.

Run by hand: ``.venv/bin/python bench/access.py [--n-sats N] [--baseline-sats K]``.
Prints wall and CPU (process) times; nothing is asserted.

``--dazzle`` (issue 12 part 1) instead times :func:`orbitwatch.access.isr.dazzle_exposure`:
the first ``--n-sats`` (default 1,000) low-orbit payloads of the same catalog (sensor
class from the UCS 2023-05-01 database where it classifies them, else the optical
default), 10 sites (every 13th of ground-stations-all.csv), ``--days`` (default 30) from
2026-06-10, against a per-pair Skyfield loop measured in the same run: for each of
``--baseline-pairs`` random pairs, Skyfield positions of satellite and site every 10 s over
the whole span, the off-nadir angle and elevation from them, windows counted where both
limits hold (no daylight test: that favours the baseline); scaled linearly to all pairs.
"""

from __future__ import annotations

import argparse
import gzip
import time
from pathlib import Path

import numpy as np
from skyfield.api import EarthSatellite, load, wgs84

from orbitwatch.access.passes import find_passes
from orbitwatch.access.sites import load_sites
from orbitwatch.catalog.reader import read_element_sets

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
CATALOG = DATA / "catalog" / "spacetrack-3le-payloads-2026-06-10.tle.gz"
SITES = DATA / "ground-stations" / "ground-stations-all.csv"
START, END = "2026-06-10T00:00:00Z", "2026-06-11T00:00:00Z"


def dazzle(n_sats: int, days: int, baseline_pairs: int) -> None:
    from orbitwatch.access.isr import SENSOR_CLASSES, IsrSatellite, dazzle_exposure, read_ucs, select_isr

    with gzip.open(CATALOG, "rt") as f:
        lines = f.read().splitlines()
    tle = {int(line[2:7]): (line, lines[i + 1]) for i, line in enumerate(lines) if line.startswith("1 ")}
    leo = [e for e in read_element_sets(lines, source=CATALOG.name) if e.mean_motion_rev_per_day > 11.0]
    elements = leo[:n_sats]
    ucs = {s.norad_id: s for s in select_isr(read_ucs(DATA / "satcat" / "ucs-satellite-database-2023-05-01.csv.gz"),
                                             users=None)}
    opt = SENSOR_CLASSES["optical"]
    sats = [ucs.get(e.norad_id) or IsrSatellite(e.norad_id, e.name or str(e.norad_id), "optical",
                                                opt.field_of_regard_deg, False) for e in elements]
    sites = load_sites(SITES)[::13][:10]
    start = np.datetime64("2026-06-10T00:00:00", "us")
    end = start + np.timedelta64(days, "D")
    n, m = len(elements), len(sites)
    print(f"dazzle: {n} LEO satellites ({sum(s.norad_id in ucs for s in sats)} classified by UCS) x {m} sites x "
          f"{days} days")
    t, c = time.perf_counter(), time.process_time()
    rep = dazzle_exposure(elements, sats, sites, start, end)
    ow_s, ow_cpu = time.perf_counter() - t, time.process_time() - c
    print(f"orbitwatch dazzle_exposure: {ow_s:.1f} s wall ({ow_cpu:.1f} s CPU), {len(rep.windows):,} windows")
    ts = load.timescale(builtin=True)
    grid = np.arange(0, days * 86400, 10.0)
    tt = ts.utc(2026, 6, 10, 0, 0, grid)
    rng = np.random.default_rng(11)
    t, c = time.perf_counter(), time.process_time()
    counted = 0
    for _ in range(baseline_pairs):
        i, j = int(rng.integers(n)), int(rng.integers(m))
        sat = EarthSatellite(*tle[elements[i].norad_id], ts=ts)
        site = wgs84.latlon(sites[j].lat_deg, sites[j].lon_deg)
        r = sat.at(tt).position.km
        d = site.at(tt).position.km - r
        eta = np.degrees(np.arccos(-np.einsum("it,it->t", r, d) / (np.linalg.norm(r, axis=0) *
                                                                   np.linalg.norm(d, axis=0))))
        el = (sat - site).at(tt).altaz()[0].degrees
        ok = (eta <= sats[i].field_of_regard_deg) & (el >= 10.0)
        counted += int(np.count_nonzero(np.diff(ok.astype(np.int8)) == 1))
    sf_s, sf_cpu = time.perf_counter() - t, time.process_time() - c
    scaled, scaled_cpu = sf_s / baseline_pairs * n * m, sf_cpu / baseline_pairs * n * m
    print(f"Skyfield per-pair loop (10 s grid): {sf_s:.1f} s for {baseline_pairs} pairs ({counted} windows), "
          f"scaled to {n * m:,} pairs: {scaled:,.0f} s")
    print(f"ratio (Skyfield scaled / orbitwatch): {scaled / ow_s:,.1f}x wall, {scaled_cpu / ow_cpu:,.1f}x CPU")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-sats", type=int, default=None)
    ap.add_argument("--baseline-sats", type=int, default=4)
    ap.add_argument("--baseline-sites", type=int, default=10)
    ap.add_argument("--dazzle", action="store_true", help="time the dazzling exposure (issue 12) instead")
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--baseline-pairs", type=int, default=3)
    args = ap.parse_args()
    if args.dazzle:
        dazzle(args.n_sats or 1_000, args.days, args.baseline_pairs)
        return
    args.n_sats = args.n_sats or 10_000

    with gzip.open(CATALOG, "rt") as f:
        lines = f.read().splitlines()
    elements = list(read_element_sets(lines, source=CATALOG.name))[: args.n_sats]
    tle = {}
    for i, line in enumerate(lines):
        if line.startswith("1 "):
            tle[int(line[2:7])] = (line, lines[i + 1])
    sites = load_sites(SITES)
    n, m = len(elements), len(sites)
    print(f"{n} satellites x {m} sites x 24 h ({START} .. {END})")

    t, c = time.perf_counter(), time.process_time()
    done = []
    passes = find_passes(elements, sites, START, END, progress=lambda d, tot: done.append(d))
    ow_s = time.perf_counter() - t
    ow_cpu = time.process_time() - c
    print(f"orbitwatch find_passes: {ow_s:.1f} s wall ({ow_cpu:.1f} s CPU), {len(passes):,} passes "
          f"({len(passes) / n:.1f} per satellite), {n * m / ow_s:,.0f} satellite-site pairs/s")

    # Baseline: Skyfield find_events, one satellite and one site at a time.
    ts = load.timescale(builtin=True)
    t0, t1 = ts.utc(2026, 6, 10), ts.utc(2026, 6, 11)
    rng = np.random.default_rng(7)
    sub_sats = rng.choice(n, size=min(args.baseline_sats, n), replace=False)
    sub_sites = rng.choice(m, size=min(args.baseline_sites, m), replace=False)
    t, c = time.perf_counter(), time.process_time()
    worst = 0.0
    matched = 0
    for i in sub_sats:
        e = elements[int(i)]
        sat = EarthSatellite(*tle[e.norad_id], ts=ts)
        for j in sub_sites:
            s = sites[int(j)]
            tt, ev = sat.find_events(wgs84.latlon(s.lat_deg, s.lon_deg, elevation_m=s.alt_m), t0, t1,
                                     altitude_degrees=s.min_elevation_deg)
            sf_rise = np.array([x.replace(tzinfo=None) for x in tt[ev == 0].utc_datetime()],
                               dtype="datetime64[us]")
            mine = passes.rise[(passes.sat == i) & (passes.site == j) & ((passes.flags & 1) == 0)]
            if sf_rise.size == mine.size and sf_rise.size:
                worst = max(worst, float(np.abs((mine - sf_rise).astype(np.int64)).max()) / 1e6)
                matched += sf_rise.size
    sf_s = time.perf_counter() - t
    sf_cpu = time.process_time() - c
    pairs = len(sub_sats) * len(sub_sites)
    scaled = sf_s / pairs * n * m
    scaled_cpu = sf_cpu / pairs * n * m
    print(f"Skyfield find_events loop: {sf_s:.1f} s for {len(sub_sats)} satellites x {len(sub_sites)} sites "
          f"= {pairs} pairs ({sf_s / pairs * 1000:.0f} ms/pair); scaled linearly to {n} x {m}: "
          f"{scaled:,.0f} s = {scaled / 3600:.1f} h")
    print(f"ratio (Skyfield scaled / orbitwatch): {scaled / ow_s:,.0f}x wall, {scaled_cpu / ow_cpu:,.0f}x CPU "
          "(CPU time is the fairer figure on a shared machine)")
    print(f"agreement on the subset: {matched} rises matched, largest |rise difference| {worst:.3f} s "
          "(Skyfield's own event resolution is ~0.5 s)")


if __name__ == "__main__":
    main()
