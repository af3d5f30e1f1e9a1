"""Conjunction-screening benchmark: the full public catalog, all-vs-all, 5 km, 24 h and 7 days.

Input: ``shared/data/catalog/spacetrack-tle-full-catalog-2025-04-15.tle.gz`` (27,485
objects, 2-line TLEs), windows from 2025-04-15T00:00Z.  Each case runs in its own child
process so that its peak memory (``ru_maxrss``) is its own.  Measured in the same run:

* orbitwatch: :func:`orbitwatch.screening.screen`, all-vs-all, 5 km (numba threads:
  all cores); wall time, peak memory, conjunctions, candidates per stage, SGP4 calls;
* baseline (a), "the straightforward Python stack": ``sgp4.api.SatrecArray`` at 60 s
  steps, ``scipy.spatial.cKDTree.query_pairs`` per step with the radius that makes a
  60 s step complete for 16 km/s (``D + 16 km/s x 30 s + 0.5 x 0.021 km/s^2 x (30 s)^2``),
  the straight-line closest approach of each pair within +-30 s as a filter (vectorised
  numpy), then the same SGP4 refinement as orbitwatch (:func:`orbitwatch.screening.
  refine.refine_sgp4`); it is slow, so by default it runs on ``--baseline-hours`` and
  is scaled linearly (stated in the output);
* baseline (b): ``astroz.screen`` (PyPI ``astroz``, optional extra ``bench``: a compiled
  SIMD SGP4 screener) with its default 1 min grid, on the 24 h window, and on 7 days
  scaled from 24 h unless ``--astroz-week`` is given.

Agreement on the baseline windows: events matched by catalog pair and TCA (1 s).

Run by hand: ``.venv/bin/python bench/screen.py [--hours 24 168] [--baseline-hours 2]``.
Nothing is asserted.  Wall times depend on what else the machine is doing; CPU times
(all threads and worker processes of a case) are printed beside them and are the
fairer comparison on a shared machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
CATALOG = DATA / "catalog" / "spacetrack-tle-full-catalog-2025-04-15.tle.gz"
START = "2025-04-15T00:00:00Z"
THRESHOLD_KM = 5.0


def _peak_mib() -> float:
    """Peak resident memory of this process (the SGP4 worker processes are reported apart)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _children_peak_mib() -> float:
    """Largest peak of a child process (forked SGP4 workers: their resident size counts the
    pages they share with the parent, so this overstates what they add)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0


def _cpu_s() -> float:
    """CPU time of this process and its children (SGP4 workers), all threads."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _table() -> Any:
    from orbitwatch.catalog.model import ElementTable
    from orbitwatch.catalog.reader import read_element_sets

    with gzip.open(CATALOG, "rt") as fh:
        return ElementTable.from_element_sets(read_element_sets(fh, source=CATALOG.name))


def _end(hours: float) -> np.datetime64:
    from orbitwatch.times import parse_utc

    return parse_utc(START) + np.timedelta64(round(hours * 3600e6), "us")


def case_orbitwatch(hours: float) -> dict[str, Any]:
    from orbitwatch.screening import screen
    from orbitwatch.times import parse_utc

    table = _table()
    t = time.perf_counter()
    c = _cpu_s()
    result = screen(table, START, _end(hours), THRESHOLD_KM)
    wall = time.perf_counter() - t
    cpu = _cpu_s() - c
    start = parse_utc(START)
    events = [(c.norad_1, c.norad_2, float((c.tca - start).astype(np.int64)) / 1e6) for c in result.conjunctions]
    return {"wall_s": wall, "cpu_s": cpu, "peak_mib": _peak_mib(), "workers_peak_mib": _children_peak_mib(),
            "conjunctions": len(result.conjunctions),
            "failures": len(result.failures), "stats": result.stats, "events": events}


def case_python(hours: float) -> dict[str, Any]:
    """Baseline (a): SatrecArray every 60 s + cKDTree.query_pairs + the same refinement."""
    from scipy.spatial import cKDTree
    from sgp4.api import SatrecArray

    from orbitwatch.propagation import satrecs
    from orbitwatch.screening.refine import refine_sgp4
    from orbitwatch.times import jd_utc, parse_utc

    table = _table()
    t = time.perf_counter()
    c = _cpu_s()
    sats = satrecs(table)
    arr = SatrecArray(sats)
    step, w = 60.0, 30.0
    radius = THRESHOLD_KM + 16.0 * w + 0.5 * 0.021 * w * w
    start = parse_utc(START)
    n_steps = math.ceil(hours * 3600.0 / step) + 1
    cand_i: list[np.ndarray] = []
    cand_j: list[np.ndarray] = []
    cand_t: list[np.ndarray] = []
    pairs_total = 0
    chunk = 60
    for c0 in range(0, n_steps, chunk):
        ks = np.arange(c0, min(n_steps, c0 + chunk))
        times = start + (ks * step * 1e6).astype("timedelta64[us]")
        jd, fr = jd_utc(times)
        e, r, v = arr.sgp4(np.ascontiguousarray(jd, dtype=float), np.ascontiguousarray(fr))
        for m, k in enumerate(ks):
            good = np.flatnonzero(e[:, m] == 0)
            p = r[good, m]
            pairs = cKDTree(p).query_pairs(radius, output_type="ndarray")
            pairs_total += len(pairs)
            if len(pairs) == 0:
                continue
            a, b = good[pairs[:, 0]], good[pairs[:, 1]]
            dp = r[b, m] - r[a, m]
            dv = v[b, m] - v[a, m]
            dv2 = np.einsum("ij,ij->i", dv, dv)
            tau = np.clip(-np.einsum("ij,ij->i", dp, dv) / np.where(dv2 > 0, dv2, 1.0), -w, w)
            dlin = np.linalg.norm(dp + dv * tau[:, None], axis=1)
            keep = dlin <= THRESHOLD_KM + 0.5 * 0.021 * w * w
            cand_i.append(a[keep])
            cand_j.append(b[keep])
            cand_t.append(k * step + tau[keep])
    ci = np.concatenate(cand_i) if cand_i else np.empty(0, dtype=np.int64)
    cj = np.concatenate(cand_j) if cand_j else np.empty(0, dtype=np.int64)
    ct = np.concatenate(cand_t) if cand_t else np.empty(0)
    res = refine_sgp4(sats, start, ci.astype(np.int64), cj.astype(np.int64), ct, max_step_s=step)
    miss = np.linalg.norm(res["r2"] - res["r1"], axis=1)
    ok = res["converged"] & (miss <= THRESHOLD_KM) & (res["t_s"] >= 0) & (res["t_s"] <= hours * 3600.0)
    ok &= res["range_accel"] > 0
    found = sorted({(int(min(table.norad_id[i], table.norad_id[j])), int(max(table.norad_id[i], table.norad_id[j])),
                     round(float(tt), 3)) for i, j, tt in zip(ci[ok], cj[ok], res["t_s"][ok], strict=True)})
    events: list[tuple[int, int, float]] = []
    for ev in found:
        if events and events[-1][:2] == ev[:2] and abs(events[-1][2] - ev[2]) < 1e-2:
            continue
        events.append(ev)
    wall = time.perf_counter() - t
    return {"wall_s": wall, "cpu_s": _cpu_s() - c, "peak_mib": _peak_mib(), "conjunctions": len(events),
            "pairs_kdtree": pairs_total,
            "pairs_refined": int(ci.size), "events": events}


def case_astroz(hours: float) -> dict[str, Any]:
    import datetime as dt

    import astroz

    with gzip.open(CATALOG, "rt") as fh:
        text = fh.read()
    t = time.perf_counter()
    c = _cpu_s()
    const = astroz.Constellation(text)
    res = astroz.screen(const, hours * 60.0, threshold=THRESHOLD_KM,
                        start_time=dt.datetime(2025, 4, 15, tzinfo=dt.UTC))
    wall = time.perf_counter() - t
    cpu = _cpu_s() - c
    # satellite indices are in astroz's own order (near-earth first): ``satnums`` maps them
    norads = [int(n) for n in const.satnums]
    events = sorted((min(norads[i], norads[j]), max(norads[i], norads[j]), float(tm) * 60.0)
                    for i, j, tm in zip(res.i, res.j, res.time, strict=True))
    return {"wall_s": wall, "cpu_s": cpu, "peak_mib": _peak_mib(), "conjunctions": len(events), "events": events}


CASES = {"orbitwatch": case_orbitwatch, "python": case_python, "astroz": case_astroz}


def run_case(name: str, hours: float) -> dict[str, Any]:
    """Run one case in a child process (its own peak memory); returns its JSON report."""
    out = subprocess.run([sys.executable, __file__, "--case", name, "--case-hours", str(hours)],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}"}
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def agreement(a: list[list[Any]], b: list[list[Any]]) -> tuple[int, int, int]:
    """(matched, only in a, only in b): events by catalog pair and TCA within 1 s."""
    index: dict[tuple[int, int], list[float]] = {}
    for n1, n2, t in b:
        index.setdefault((n1, n2), []).append(t)
    matched = 0
    for n1, n2, t in a:
        ts = index.get((n1, n2), [])
        hit = next((k for k, tb in enumerate(ts) if abs(tb - t) <= 1.0), None)
        if hit is not None:
            ts.pop(hit)
            matched += 1
    return matched, len(a) - matched, sum(len(v) for v in index.values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hours", type=float, nargs="+", default=[24.0, 168.0])
    ap.add_argument("--baseline-hours", type=float, default=2.0, help="window of baseline (a), then scaled")
    ap.add_argument("--astroz-week", action="store_true", help="run astroz on the 7-day window too")
    ap.add_argument("--skip-python", action="store_true")
    ap.add_argument("--skip-astroz", action="store_true")
    ap.add_argument("--case", choices=sorted(CASES), help=argparse.SUPPRESS)
    ap.add_argument("--case-hours", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case:
        print(json.dumps(CASES[args.case](args.case_hours)))
        return

    print(f"catalog {CATALOG.name}, all-vs-all, {THRESHOLD_KM:g} km, from {START}; {os.cpu_count()} CPUs")
    base: dict[str, Any] = {}
    if not args.skip_python:
        bh = args.baseline_hours
        base["python"] = run_case("python", bh)
        base["python_ow"] = run_case("orbitwatch", bh)
        p = base["python"]
        if "error" not in p:
            m = agreement(base["python_ow"]["events"], p["events"])
            print(f"baseline (a) python stack on {bh:g} h: {p['wall_s']:.1f} s wall, {p['cpu_s']:.1f} s CPU "
                  f"({p['wall_s'] * 24 / bh:.0f} s per simulated day, scaled), peak {p['peak_mib']:.0f} MiB, "
                  f"{p['conjunctions']} conjunctions, {p['pairs_kdtree']} KD-tree pairs, "
                  f"{p['pairs_refined']} refined; vs orbitwatch on the same {bh:g} h: "
                  f"{m[0]} matched, {m[1]} only orbitwatch, {m[2]} only baseline")
        else:
            print(f"baseline (a) failed: {p['error']}")
    for hours in args.hours:
        ow = run_case("orbitwatch", hours)
        if "error" in ow:
            print(f"orbitwatch {hours:g} h failed: {ow['error']}")
            continue
        st = ow["stats"]
        sec = st["seconds"]
        print(f"\n== {hours:g} h ==")
        print(f"orbitwatch: {ow['wall_s']:.1f} s wall, {ow['cpu_s']:.1f} s CPU, peak {ow['peak_mib']:.0f} MiB "
              f"(SGP4 worker processes: {ow['workers_peak_mib']:.0f} MiB, mostly pages shared with the parent), "
              f"{ow['conjunctions']} conjunctions, {ow['failures']} propagation failures")
        cpu = st.get("cpu_seconds", {})
        stage = {k: f"{sec[k]:.1f} s" + (f" ({cpu[k]:.1f} s CPU)" if k in cpu else "")
                 for k in ("sampling", "grid", "model", "sgp4_refine")}
        print(f"  stages (wall, CPU incl. workers): sampling {stage['sampling']}, grid {stage['grid']}, "
              f"model {stage['model']}, SGP4 refinement {stage['sgp4_refine']}, "
              f"records {sec.get('records', 0.0):.1f} s; {st['sub_windows']} sub-window(s), "
              f"cell {st['cell_km']:.0f} km, sub-step {st['sub_step_s']:g} s, knots {st['knot_step_s']:g} s")
        print(f"  candidates: grid {st['pairs_grid']} -> model minima {st['pairs_model']} -> "
              f"refined {st['pairs_refined']} -> conjunctions {st['conjunctions']}; SGP4 calls {st['sgp4_calls']}")
        if "python" in base and "error" not in base["python"]:
            scaled = base["python"]["wall_s"] * hours / args.baseline_hours
            scaled_cpu = base["python"]["cpu_s"] * hours / args.baseline_hours
            print(f"  vs (a) python stack: {scaled:.0f} s wall, {scaled_cpu:.0f} s CPU (scaled from "
                  f"{args.baseline_hours:g} h) -> {scaled / ow['wall_s']:.1f}x wall, "
                  f"{scaled_cpu / ow['cpu_s']:.1f}x CPU")
        if not args.skip_astroz:
            week_scaled = hours > 24 and not args.astroz_week
            az_hours = 24.0 if week_scaled else hours
            key = f"astroz_{az_hours:g}"
            if key not in base:
                base[key] = run_case("astroz", az_hours)
            az = base[key]
            if "error" in az:
                print(f"  vs (b) astroz.screen: failed ({az['error']})")
            else:
                az_wall = az["wall_s"] * (hours / az_hours)
                az_cpu = az["cpu_s"] * (hours / az_hours)
                note = f" (scaled from {az_hours:g} h)" if week_scaled else ""
                print(f"  vs (b) astroz.screen: {az_wall:.1f} s wall, {az_cpu:.1f} s CPU{note}, peak "
                      f"{az['peak_mib']:.0f} MiB, {az['conjunctions']} events -> {az_wall / ow['wall_s']:.2f}x wall, "
                      f"{az_cpu / ow['cpu_s']:.2f}x CPU")
                if not week_scaled:
                    m = agreement(ow["events"], az["events"])
                    print(f"  agreement with astroz: {m[0]} matched, {m[1]} only orbitwatch, {m[2]} only astroz")


if __name__ == "__main__":
    main()
