"""Benchmark: the fast 2D kernel against Foster, and Foster vectorised vs a per-conjunction Python loop.

Run by hand: ``.venv/bin/python bench/pc.py [N [N_LOOP]] [--fast-million]``.  First the fast
compiled 2D kernel (``risk.elrod``) and vectorised Foster on the same N conjunctions, three
runs each, with the ratio, and their agreement with the adaptive reference on the first 2,000
(``--fast-million`` times the fast kernel on 1,000,000).  ``--timing-3d``: hall3d seconds per
conjunction and SDMC trials/s.  ``bench/pc.py --tables`` instead
prints the validation tables of docs/risk.md (every method on the Alfano 2009 cases, and
Foster vs CARA's COLLISION_PROBABILITY on each CARA CDM).  Synthetic LEO conjunctions (random
geometry, covariances of 10 m .. 2 km, HBR 1 .. 20 m, seeded).  The loop baseline calls the
same public function one conjunction at a time on a subset (default 2,000) and is scaled to
N; both are timed in the same run.  Also times the Chan and Alfano series, and the
CDM-to-Pc path.  Prints figures only; nothing is asserted.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import numpy as np

from orbitwatch.risk.alfano import pc_alfano
from orbitwatch.risk.chan import pc_chan
from orbitwatch.risk.foster import pc_foster


def conjunctions(n: int, seed: int = 1) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    u = rng.normal(size=(n, 3))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    r1 = u * rng.uniform(6700, 7500, (n, 1))
    t = np.cross(u, rng.normal(size=(n, 3)))
    t /= np.linalg.norm(t, axis=1, keepdims=True)
    v1 = t * 7.5
    r2 = r1 + rng.normal(scale=0.5, size=(n, 3))
    v2 = -v1 * rng.uniform(-1, 1, (n, 1)) + rng.normal(scale=3.0, size=(n, 3))

    def cov() -> np.ndarray:
        a = rng.normal(size=(n, 3, 3)) * rng.uniform(0.01, 2.0, (n, 1, 1))
        return a @ np.swapaxes(a, 1, 2) + 1e-6 * np.eye(3)

    hbr = rng.uniform(0.001, 0.020, n)
    return r1, v1, cov(), r2, v2, cov(), hbr


def timed(fn: Any, *args: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def tables(n_mc: int = 50_000) -> None:
    """Validation tables of docs/risk.md: Alfano (2009) cases through every method, CARA's CDMs 2D vs 3D."""
    from pathlib import Path

    from orbitwatch.ccsds.cdm import read_cdm
    from orbitwatch.risk.elrod import pc_elrod
    from orbitwatch.risk.encounter import encounter_plane
    from orbitwatch.risk.hall3d import pc_hall3d
    from orbitwatch.risk.maxpc import pc_max_scaled
    from orbitwatch.risk.montecarlo import pc_montecarlo
    from orbitwatch.risk.nc3d_cartesian import pc_nc3d_cartesian
    from orbitwatch.risk.pc import _curvature_violation, pc_from_cdm
    from orbitwatch.risk.sdmc import pc_sdmc

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "risk"))
    from _risk_data import CARA_ALFANO_2009, alfano_case

    data = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
    print(f"| case | HBR m | window s | Foster | fast 2D | Chan | Alfano05 | hall3d (CARA 3D-Nc) | Cartesian 3D "
          f"| SDMC {n_mc:.0e} [95 % CI] | Cartesian MC {n_mc:.0e} | max Pc (k) | CARA 2D | CARA 3D | CARA MC |")
    print("|" + "---|" * 16)
    for case in range(1, 13):
        s1, c1, s2, c2, hbr, tl = alfano_case(data, case)
        args = (s1[:3], s1[3:], c1, s2[:3], s2[3:], c2, hbr)
        try:
            fo = f"{pc_foster(*args).pc[0]:.6g}"
            el = f"{pc_elrod(*args).pc[0]:.6g}"
            ch = f"{pc_chan(*args).pc[0]:.4g}"
            al = f"{pc_alfano(*args).pc[0]:.6g}"
            pl = encounter_plane(s1[None, :3], s1[None, 3:], c1[None], s2[None, :3], s2[None, 3:], c2[None])
            mx = pc_max_scaled(pl.miss_km, pl.cov_km2, hbr)
            mxs = f"{mx.pc_max[0]:.4g} ({mx.scale[0]:.3g})"
        except Exception as exc:  # zero relative velocity: no encounter plane
            fo = el = ch = al = mxs = getattr(exc, "code", "error")
        h3 = pc_hall3d(s1, c1, s2, c2, hbr, window_s=tl).pc[0]
        cart = pc_nc3d_cartesian(s1, c1, s2, c2, hbr, window_s=tl).pc[0]
        sd = pc_sdmc(s1, c1, s2, c2, hbr, window_s=tl, n_samples=n_mc, seed=1)
        mc = pc_montecarlo(s1, c1, s2, c2, hbr, window_s=tl, n_samples=n_mc, seed=1)
        ref = CARA_ALFANO_2009[case]
        print(f"| {case} | {hbr * 1e3:g} | {tl:g} | {fo} | {el} | {ch} | {al} | {h3:.6g} | {cart:.4g} | "
              f"{sd.pc[0]:.4g} [{sd.ci_low[0]:.4g}, {sd.ci_high[0]:.4g}] | {mc.pc[0]:.4g} | {mxs} | {ref[0]:.6g} "
              f"| {ref[1]:.6g} | {ref[2]:.6g} |", flush=True)
    print()
    print("| CDM | HBR m | CARA Pc | Foster | rel. diff | hall3d 3D-Nc | 3D/2D | 2D usage flags "
          "| Cartesian curvature |")
    print("|---|---|---|---|---|---|---|---|---|")
    root = data / "cdm"
    ratios = []
    for path in sorted((root / "cara-pc-test-cdms").glob("*.cdm")) + sorted((root / "cara-sample-cdms").glob("*.cdm")):
        cdm = read_cdm(path.read_text(), source=path.name)
        ref = cdm.collision_probability
        rec = pc_from_cdm(cdm)
        h3 = pc_from_cdm(cdm, method="hall3d")
        s1, s2 = cdm.state(1), cdm.state(2)
        c1, c2 = cdm.covariance_inertial_km(1), cdm.covariance_inertial_km(2)
        bent = bool(_curvature_violation(s1[None, :3], c1[None], s2[None, :3], c2[None],
                                         np.array([rec["hbr_m"] / 1e3]))[0])
        f2, f3 = rec["pc"], h3["pc"]
        ratio = f3 / f2 if (f2 and f3 is not None and f2 > 0) else float("nan")
        if np.isfinite(ratio):
            ratios.append(ratio)
        rel = "" if not np.isfinite(ref) or ref == 0 or not f2 else f"{f2 / ref - 1:+.1e}"
        refs = "-" if not np.isfinite(ref) else f"{ref:.4g}"
        hbr_txt = f"{rec['hbr_m']:g}" + ("" if rec["hbr_source"] == "cdm" else f" ({rec['hbr_source']})")
        print(f"| {path.name} | {hbr_txt} | {refs} | {f2 if f2 is not None else float('nan'):.4g} | {rel} | "
              f"{f3 if f3 is not None else float('nan'):.4g} | {ratio:.3g} | "
              f"{','.join(rec['usage_violations']) or '-'} | {'yes' if bent else '-'} |", flush=True)
    r = np.array(ratios)
    q = np.percentile(r, [0, 10, 25, 50, 75, 90, 100])
    print(f"\n3D/2D over {r.size} CDMs with both finite and 2D > 0: min/10/25/50/75/90/max % = "
          + ", ".join(f"{x:.3g}" for x in q)
          + f"; inside 0.5-2: {np.count_nonzero((r >= 0.5) & (r <= 2))}")


def timing_3d() -> None:
    """hall3d seconds per conjunction and SDMC trials per second (Alfano case 5, CARA CDMs)."""
    from pathlib import Path

    from orbitwatch.ccsds.cdm import read_cdm
    from orbitwatch.risk.hall3d import pc_hall3d
    from orbitwatch.risk.sdmc import pc_sdmc

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "risk"))
    from _risk_data import alfano_case

    data = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
    files = sorted((data / "cdm" / "cara-pc-test-cdms").glob("*.cdm"))[:10]
    cdms = [read_cdm(p.read_text()) for p in files]
    args = [(c.state(1), c.covariance_inertial_km(1)[:6, :6], c.state(2), c.covariance_inertial_km(2)[:6, :6],
             c.hbr_m / 1e3) for c in cdms]
    pc_hall3d(*args[0])  # compile
    t0 = time.perf_counter()
    for a in args:
        pc_hall3d(*a)
    print(f"hall3d (CARA default windows): {(time.perf_counter() - t0) / len(args):.2f} s per conjunction "
          f"(mean of {len(args)} CARA CDMs)")
    s1, c1, s2, c2, hbr, tl = alfano_case(data, 5)
    pc_sdmc(s1, c1, s2, c2, hbr, window_s=tl, n_samples=100, seed=1)
    n = 100_000
    if True:
        _, t = timed(lambda: pc_sdmc(s1, c1, s2, c2, hbr, window_s=tl, n_samples=n, seed=1))
        print(f"SDMC Alfano case 5 (+-{tl:g} s, LEO, {int(np.ceil(2 * tl / (5677 / 200))) + 1}-point grid): "
              f"{n:,} trials in {t:.2f} s = {n / t:,.0f} trials/s")


def fast_2d(n: int, runs: int = 3) -> None:
    """Fast kernel (risk.elrod) vs vectorised Foster, same inputs, same run; agreement vs adaptive."""
    from orbitwatch.risk.elrod import pc_elrod
    from orbitwatch.risk.encounter import encounter_plane
    from orbitwatch.risk.foster import pc_circle_adaptive

    args = conjunctions(n)
    pc_elrod(*(a[:10] for a in args))  # compile / load the numba cache
    pc_foster(*(a[:10] for a in args))
    print(f"2D Pc, {n:,} conjunctions from 3x3 ECI covariances, one core (numba kernel is single-threaded):")
    for run in range(1, runs + 1):
        fast, t_fast = timed(pc_elrod, *args)
        fos, t_fos = timed(pc_foster, *args)
        print(f"  run {run}: fast {n / t_fast:12,.0f} /s ({t_fast:.3f} s)   Foster {n / t_fos:10,.0f} /s "
              f"({t_fos:.3f} s)   ratio {t_fos / t_fast:6.1f} x")
    k = min(n, 2000)
    sub = [a[:k] for a in args]
    pl = encounter_plane(*sub[:6])
    ref = pc_circle_adaptive(pl.miss_km, pl.cov_km2, sub[6])
    ok = ref > 1e-290
    rel_fast = np.abs(fast.pc[:k][ok] / ref[ok] - 1)
    rel_fos = np.abs(fos.pc[:k][ok] / ref[ok] - 1)
    print(f"  vs adaptive quad on {ok.sum():,} of the first {k:,} (Pc > 1e-290): max relative difference fast "
          f"{rel_fast.max():.1e}, Foster {rel_fos.max():.1e}")
    nodes = fast.nodes
    print(f"  fast kernel integrand evaluations: median {np.median(nodes):.0f}, 99th percentile "
          f"{np.percentile(nodes, 99):.0f}, max {nodes.max()}; largest error estimate / Pc "
          f"{np.max(fast.error_estimate[fast.pc > 0] / fast.pc[fast.pc > 0]):.1e}")


def main() -> None:
    if "--tables" in sys.argv:
        tables()
        return
    if "--timing-3d" in sys.argv:
        timing_3d()
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    n_loop = min(n, int(sys.argv[2]) if len(sys.argv) > 2 else 2_000)
    fast_2d(max(n, 1_000_000) if "--fast-million" in sys.argv else n)
    args = conjunctions(n)
    pc_foster(*(a[:10] for a in args))  # warm-up (imports, caches)
    res, t_vec = timed(pc_foster, *args)
    sub = [a[:n_loop] for a in args]
    t0 = time.perf_counter()
    loop = np.array([pc_foster(*(a[i] for a in sub)).pc[0] for i in range(n_loop)])
    t_loop = (time.perf_counter() - t0) * n / n_loop
    diff = np.max(np.abs(loop - res.pc[:n_loop]) / np.maximum(np.abs(res.pc[:n_loop]), 1e-300))
    print(f"Foster circle, {n:,} conjunctions (3x3 ECI covariances -> encounter plane -> 128-node GL):")
    print(f"  vectorised      {t_vec:8.3f} s   {n / t_vec:12,.0f} conjunctions/s")
    print(f"  Python loop     {t_loop:8.3f} s   {n / t_loop:12,.0f} conjunctions/s"
          f"   (timed on {n_loop:,}, scaled to {n:,})")
    print(f"  speed-up        {t_loop / t_vec:8.1f} x   (max relative difference loop vs batch {diff:.1e})")
    print(f"  Pc > 1e-4: {np.count_nonzero(res.pc > 1e-4):,}; remediated: {np.count_nonzero(res.remediated):,}")
    for name, fn in (("Chan series", pc_chan), ("Alfano 2005 series", pc_alfano)):
        _, t = timed(fn, *args)
        print(f"{name:<19} vectorised {t:8.3f} s   {n / t:12,.0f} conjunctions/s")


if __name__ == "__main__":
    main()
