"""Screening cost against population size: 30k to 1M objects, 24 h (and 7 days), 5 km, all-vs-all.

Populations come from ``orbitwatch synth population`` (docs/population.md) on the real
2025-04-15 full catalog, written once per size into ``--work`` (default
``/tmp/orbitwatch-scale``) and reused.  Each case runs in its own child process so that
its peak memory (``ru_maxrss``, children included) is its own.  Printed per case: wall
time, CPU time, peak memory, conjunctions and candidates per stage; then the growth
exponent ``b`` of a least-squares fit ``wall = a N^b`` over the sizes run.

Optionally ``--cluster local:2`` runs the same cases on ``dask.distributed``
(:mod:`orbitwatch.screening.distributed`) and prints the ratio to the serial run of
the same size measured in the same run, and whether the conjunction sets are equal.

Run by hand: ``.venv/bin/python bench/scale.py [--sizes 30000 100000 300000 1000000]
[--hours 24] [--cluster local:2]``.  Nothing is asserted; the machine is shared and
noisy, so the CPU times beside the wall times are the fairer figure.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
BASE = DATA / "catalog" / "spacetrack-tle-full-catalog-2025-04-15.tle.gz"
START = "2025-04-15T00:00:00Z"
THRESHOLD_KM = 5.0


def _population(work: Path, n: int, seed: int) -> Path:
    path = work / f"population-{n}-seed{seed}.csv.gz"
    if not path.exists():
        t = time.perf_counter()
        subprocess.run([str(REPO / ".venv" / "bin" / "orbitwatch"), "synth", "population", "--objects", str(n),
                        "--seed", str(seed), "--base", str(BASE), "--output", str(path)], check=True)
        print(f"  wrote {path.name} in {time.perf_counter() - t:.0f} s", flush=True)
    return path


def _case(path: str, hours: float, cluster: str | None) -> dict[str, Any]:
    """Run in a child: read, screen, report (JSON on stdout)."""
    import numpy as np

    from orbitwatch.screening import screen
    from orbitwatch.screening.distributed import screen_on_cluster
    from orbitwatch.sources.files import read_catalog_files

    t0 = np.datetime64(START.rstrip("Z"), "us")
    t1 = t0 + np.timedelta64(round(hours * 3600e6), "us")
    c = time.perf_counter()
    table, _ = read_catalog_files([path])
    read_s = time.perf_counter() - c
    cpu0 = time.process_time()
    c = time.perf_counter()
    if cluster:
        res = screen_on_cluster(table, t0, t1, THRESHOLD_KM, cluster=cluster)
    else:
        res = screen(table, t0, t1, THRESHOLD_KM)
    wall = time.perf_counter() - c
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - cpu0 + usage.ru_utime + usage.ru_stime
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, usage.ru_maxrss) / 1024.0
    pairs = sorted((c.norad_1, c.norad_2, int(c.tca.astype("datetime64[ms]").astype(np.int64)))
                   for c in res.conjunctions)
    return {"objects": len(table), "read_s": read_s, "wall_s": wall, "cpu_s": cpu, "peak_mib": peak,
            "conjunctions": len(res.conjunctions), "failures": len(res.failures),
            "pairs_grid": res.stats.get("pairs_grid"), "pairs_refined": res.stats.get("pairs_refined"),
            "digest": hash(tuple(pairs))}


def _run_child(path: Path, hours: float, cluster: str | None) -> dict[str, Any]:
    here = str(Path(__file__).parent)
    code = (f"import json, sys; sys.path.insert(0, {here!r}); import scale; "
            f"print(json.dumps(scale._case({str(path)!r}, {hours!r}, {cluster!r})))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _fit_exponent(ns: list[int], walls: list[float]) -> float:
    xs = [math.log(n) for n in ns]
    ys = [math.log(w) for w in walls]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[30_000, 100_000, 300_000, 1_000_000])
    ap.add_argument("--hours", type=float, default=24.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cluster", default=None, help="also run on this Dask cluster, e.g. local:2")
    ap.add_argument("--work", type=Path, default=Path("/tmp/orbitwatch-scale"))
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"screening all-vs-all, {THRESHOLD_KM:g} km, {args.hours:g} h from {START}; populations on {BASE.name}")
    print(f"{'N':>9} {'mode':>9} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9} {'conj':>8} {'grid pairs':>11} "
          f"{'vs serial':>9}")
    ns: list[int] = []
    walls: list[float] = []
    for n in args.sizes:
        path = _population(args.work, n, args.seed)
        serial = _run_child(path, args.hours, None)
        ns.append(serial["objects"])
        walls.append(serial["wall_s"])
        print(f"{serial['objects']:>9,} {'serial':>9} {serial['wall_s']:>8.1f} {serial['cpu_s']:>8.1f} "
              f"{serial['peak_mib']:>9.0f} {serial['conjunctions']:>8,} {serial['pairs_grid'] or 0:>11,}", flush=True)
        if args.cluster:
            dist = _run_child(path, args.hours, args.cluster)
            same = "same set" if dist["digest"] == serial["digest"] else "DIFFERENT"
            print(f"{dist['objects']:>9,} {args.cluster:>9} {dist['wall_s']:>8.1f} {dist['cpu_s']:>8.1f} "
                  f"{dist['peak_mib']:>9.0f} {dist['conjunctions']:>8,} {'':>11} "
                  f"{serial['wall_s'] / dist['wall_s']:>8.2f}x {same}", flush=True)
    if len(ns) >= 2:
        print(f"growth exponent of wall time with N (least squares, {len(ns)} sizes): {_fit_exponent(ns, walls):.2f}")


if __name__ == "__main__":
    main()
