"""Benchmark: the fast 2D kernel against Foster, and Foster vectorised vs a per-conjunction Python loop.

Run by hand: ``.venv/bin/python bench/pc.py [N [N_LOOP]] [--fast-million]``.  First the fast
compiled 2D kernel (``risk.elrod``) and vectorised Foster on the same N conjunctions, three
runs each, with the ratio, and their agreement with the adaptive reference on the first 2,000
(``--fast-million`` times the fast kernel on 1,000,000), then hall3d seconds per conjunction
and SDMC trials/s (``--timing-3d``: only those), so one run prints every figure of issue 13's
acceptance 3.  ``--sdmc-cdms``: SDMC on the CARA CDMs with Pc >= 1e-4 against hall3d.
``--ratios``: 3D/2D on every CARA CDM with CARA's usage-violation indicators
(rectilinear and curvilinear).  ``--realism``: the covariance-realism report of the TLE
error model (chi-square statistics per regime and span).  ``bench/pc.py --tables`` instead
prints the validation tables of docs/risk.md (every method on the Alfano 2009 cases, and
Foster vs CARA's COLLISION_PROBABILITY on each CARA CDM).  Synthetic LEO conjunctions (random
geometry, covariances of 10 m .. 2 km, HBR 1 .. 20 m, seeded).  The loop baseline calls the
same public function one conjunction at a time on a subset (default 2,000) and is scaled to
N; both are timed in the same run.  Also times the Chan and Alfano series, and the
CDM-to-Pc path.  Prints figures only; nothing is asserted.
"""

from __future__ import annotations

import itertools
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


def plane_grid(n: int, seed: int = 11) -> tuple[np.ndarray, ...]:
    """Random encounter-plane geometries with HBR/sigma_minor log-uniform in 1e-3 .. 300 (issue 13's range),
    aspect ratio 1 .. 1e3, miss up to ~8 sigma + 2 HBR, sigma_minor 1 m .. 10 km (as tests/risk/test_elrod.py)."""
    rng = np.random.default_rng(seed)
    ratio = 10 ** rng.uniform(-3, np.log10(300), n)
    aspect = 10 ** rng.uniform(0, 3, n)
    ang = rng.uniform(0, np.pi, n)
    d = rng.uniform(0, 1, n) * (np.sqrt(aspect) * rng.uniform(0, 8, n) + ratio * rng.uniform(0, 2, n))
    phi = rng.uniform(0, 2 * np.pi, n)
    miss = np.stack([d * np.cos(phi), d * np.sin(phi)], 1)
    c, s = np.cos(ang), np.sin(ang)
    rot = np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)
    cov = rot @ (np.stack([aspect**2, np.ones(n)], -1)[:, :, None] * np.swapaxes(rot, 1, 2))
    scale = 10 ** rng.uniform(-3, 1, n)
    return miss * scale[:, None], cov * (scale**2)[:, None, None], ratio * scale, ratio


def _kw(fn: Any, args: Any) -> Any:
    """``fn(r1, v1, c1, r2, v2, c2, hbr_km=hbr)`` from the 7-tuple of :func:`conjunctions`."""
    return fn(*args[:6], hbr_km=args[6])


def timed(fn: Any, *args: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def tables(n_mc: int = 50_000) -> None:
    """Validation tables of docs/risk.md: Alfano (2009) cases through every method, CARA's CDMs 2D vs 3D."""
    from pathlib import Path

    from orbitwatch.risk.elrod import pc_elrod
    from orbitwatch.risk.encounter import encounter_plane
    from orbitwatch.risk.hall3d import pc_hall3d
    from orbitwatch.risk.maxpc import pc_max_scaled
    from orbitwatch.risk.montecarlo import pc_montecarlo
    from orbitwatch.risk.nc3d_cartesian import pc_nc3d_cartesian
    from orbitwatch.risk.sdmc import pc_sdmc

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "risk"))
    from _risk_data import CARA_ALFANO_2009, alfano_case

    data = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
    print(f"| case | HBR m | window s | Foster | fast 2D | Chan | Alfano05 | hall3d (CARA 3D-Nc) | Cartesian 3D "
          f"| SDMC {n_mc:.0e} [95 % CI] | Cartesian MC {n_mc:.0e} | max Pc (k) | CARA 2D | CARA 3D | CARA MC |")
    print("|" + "---|" * 16)
    for case in range(1, 13):
        s1, c1, s2, c2, hbr, tl = alfano_case(data, case)
        args = (s1[:3], s1[3:], c1, s2[:3], s2[3:], c2)
        try:
            fo = f"{pc_foster(*args, hbr_km=hbr).pc[0]:.6g}"
            el = f"{pc_elrod(*args, hbr_km=hbr).pc[0]:.6g}"
            ch = f"{pc_chan(*args, hbr_km=hbr).pc[0]:.4g}"
            al = f"{pc_alfano(*args, hbr_km=hbr).pc[0]:.6g}"
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
    cdm_ratios(data)


def cdm_ratios(data: Any = None) -> None:
    """3D (hall3d) vs 2D (Foster) on each staged CARA CDM with CARA's usage-violation
    indicators: the rectilinear ones and the curvilinear "inaccurate" one with its
    estimate of Nc2D / Pc2D (risk.usage2d); every ratio outside 0.5-2 is listed with them."""
    from pathlib import Path

    from orbitwatch.ccsds.cdm import read_cdm
    from orbitwatch.risk.pc import _curvature_violation, pc_from_cdm
    from orbitwatch.risk.usage2d import INACCURATE_CUTOFF, curvilinear_usage

    if data is None:
        data = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
    print("| CDM | HBR m | CARA Pc | Foster | rel. diff | hall3d 3D-Nc | 3D/2D | CARA estimate Nc2D/Pc2D "
          "| inaccurate (limit 0.02) | rectilinear flags | Cartesian curvature |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    root = data / "cdm"
    ratios, outside = [], []
    for path in sorted((root / "cara-pc-test-cdms").glob("*.cdm")) + sorted((root / "cara-sample-cdms").glob("*.cdm")):
        cdm = read_cdm(path.read_text(), source=path.name)
        ref = cdm.collision_probability
        rec = pc_from_cdm(cdm)
        h3 = pc_from_cdm(cdm, method="hall3d")
        s1, s2 = cdm.state(1), cdm.state(2)
        c1, c2 = cdm.covariance_inertial_km(1), cdm.covariance_inertial_km(2)
        hbr_km = rec["hbr_m"] / 1e3
        bent = bool(_curvature_violation(s1[None, :3], c1[None], s2[None, :3], c2[None], np.array([hbr_km]))[0])
        try:
            cu = curvilinear_usage(s1, c1[:6, :6], s2, c2[:6, :6], hbr_km)
            est, ind = float(np.exp(cu.log_pc_correction[0])), float(cu.inaccurate[0])
        except (ValueError, np.linalg.LinAlgError):
            est, ind = float("nan"), float("nan")
        f2, f3 = rec["pc"], h3["pc"]
        ratio = f3 / f2 if (f2 and f3 is not None and f2 > 0) else float("nan")
        flags = [f for f in rec["usage_violations"] if f != "LOW_RELATIVE_VELOCITY"] or ["-"]
        if np.isfinite(ratio):
            ratios.append(ratio)
            if not 0.5 <= ratio <= 2:
                outside.append((path.name, ratio, est, ind, flags))
        rel = "" if not np.isfinite(ref) or ref == 0 or not f2 else f"{f2 / ref - 1:+.1e}"
        refs = "-" if not np.isfinite(ref) else f"{ref:.4g}"
        hbr_txt = f"{rec['hbr_m']:g}" + ("" if rec["hbr_source"] == "cdm" else f" ({rec['hbr_source']})")
        print(f"| {path.name} | {hbr_txt} | {refs} | {f2 if f2 is not None else float('nan'):.4g} | {rel} | "
              f"{f3 if f3 is not None else float('nan'):.4g} | {ratio:.3g} | {est:.3g} | {ind:.3g} | "
              f"{','.join(flags)} | {'yes' if bent else '-'} |", flush=True)
    r = np.array(ratios)
    q = np.percentile(r, [0, 10, 25, 50, 75, 90, 100])
    print(f"\n3D/2D over {r.size} CDMs with both finite and 2D > 0: min/10/25/50/75/90/max % = "
          + ", ".join(f"{x:.3g}" for x in q)
          + f"; inside 0.5-2: {np.count_nonzero((r >= 0.5) & (r <= 2))}")
    rect = [o for o in outside if o[4] != ["-"]]
    inacc = [o for o in outside if o[4] == ["-"] and np.isfinite(o[3]) and o[3] > INACCURATE_CUTOFF]
    unconv = [o for o in outside if o[4] == ["-"] and not np.isfinite(o[3])]
    rest = [o for o in outside if o not in rect and o not in inacc and o not in unconv]
    print(f"outside 0.5-2: {len(outside)}; with a rectilinear CARA violation {len(rect)}; with CARA's curvilinear "
          f"'inaccurate' violation only {len(inacc)}; curvilinear analysis not converged (a violation for "
          f"PcMultiStep) {len(unconv)}: {[o[0] for o in unconv]}; with none {len(rest)}:")
    for name, ratio, est, ind, flags in rest:
        print(f"  {name}: 3D/2D {ratio:.3g}, CARA estimate {est:.3g}, inaccurate {ind:.3g}, flags {flags}")
    same_side = [o for o in inacc if np.isfinite(o[2]) and (o[2] > 1) == (o[1] > 1)]
    print(f"of the {len(inacc)} 'inaccurate' ones, CARA's Nc2D/Pc2D estimate is on the same side of 1 as 3D/2D "
          f"for {len(same_side)}; median |log10(3D/2D) - log10(estimate)| = "
          f"{np.median([abs(np.log10(o[1]) - np.log10(o[2])) for o in inacc if np.isfinite(o[2])]):.2f}")


def sdmc_cdms(n_trials: int = 100_000, min_pc: float = 1e-4) -> None:
    """SDMC on every staged CARA CDM whose Foster Pc is >= ``min_pc`` (enough hits in
    ``n_trials``): hits, Clopper-Pearson 95 % interval, against hall3d and Foster."""
    from pathlib import Path

    from orbitwatch.ccsds.cdm import read_cdm
    from orbitwatch.risk.pc import pc_from_cdm

    root = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "cdm"
    print(f"| CDM | Foster | hall3d | SDMC {n_trials:.0e} hits | SDMC Pc [95 % CI] | hall3d in CI | Foster in CI |")
    print("|---|---|---|---|---|---|---|")
    inside = total = 0
    for path in sorted((root / "cara-pc-test-cdms").glob("*.cdm")) + sorted((root / "cara-sample-cdms").glob("*.cdm")):
        cdm = read_cdm(path.read_text(), source=path.name)
        f2 = pc_from_cdm(cdm)["pc"]
        if f2 is None or f2 < min_pc or not np.isfinite(cdm.hbr_m):
            continue
        h3 = pc_from_cdm(cdm, method="hall3d")["pc"]
        sd = pc_from_cdm(cdm, method="sdmc", n_samples=n_trials, seed=1)
        lo, hi = sd["ci_low"], sd["ci_high"]
        total += 1
        inside += int(lo <= h3 <= hi)
        print(f"| {path.name} | {f2:.4g} | {h3:.4g} | {round(sd['pc'] * n_trials)} | {sd['pc']:.4g} "
              f"[{lo:.3g}, {hi:.3g}] | {'yes' if lo <= h3 <= hi else 'no'} | {'yes' if lo <= f2 <= hi else 'no'} |",
              flush=True)
    print(f"\nhall3d inside the SDMC 95 % interval on {inside} of {total}")


def _spread(times_s: list[float]) -> str:
    return f"{min(times_s):.3f}-{max(times_s):.3f} s (median {float(np.median(times_s)):.3f})"


def timing_3d(runs: int = 3, n_trials: int = 100_000) -> None:
    """hall3d seconds per conjunction and SDMC trials per second, each against the Cartesian
    variant it replaces, measured in the same run (three runs each, spread printed)."""
    from pathlib import Path

    from orbitwatch.ccsds.cdm import read_cdm
    from orbitwatch.risk.hall3d import pc_hall3d
    from orbitwatch.risk.montecarlo import pc_montecarlo
    from orbitwatch.risk.nc3d_cartesian import pc_nc3d_cartesian
    from orbitwatch.risk.sdmc import pc_sdmc

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "risk"))
    from _risk_data import alfano_case

    data = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
    files = sorted((data / "cdm" / "cara-pc-test-cdms").glob("*.cdm"))[:10]
    cdms = [read_cdm(p.read_text()) for p in files]
    args = [(c.state(1), c.covariance_inertial_km(1)[:6, :6], c.state(2), c.covariance_inertial_km(2)[:6, :6],
             c.hbr_m / 1e3) for c in cdms]
    pc_hall3d(*args[0])  # compile
    pc_nc3d_cartesian(*args[0])
    t_h, t_c = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        for a in args:
            pc_hall3d(*a)
        t_h.append((time.perf_counter() - t0) / len(args))
        t0 = time.perf_counter()
        for a in args:
            pc_nc3d_cartesian(*a)
        t_c.append((time.perf_counter() - t0) / len(args))
    print(f"3D-Nc per conjunction, CARA default windows, mean over {len(args)} CARA CDMs, {runs} runs:")
    print(f"  hall3d (CARA Pc3D_Hall)   {_spread(t_h)}")
    ratio = np.median(t_h) / np.median(t_c)
    print(f"  Cartesian 3D (baseline)   {_spread(t_c)}   hall3d / Cartesian time {ratio:.2f} x")
    cases = [("Alfano case 5 (LEO, +-1419 s)", alfano_case(data, 5)[:5], alfano_case(data, 5)[5])]
    c0 = cdms[0]
    cases.append((f"CARA CDM {files[0].name[:30]}... (default window P/4)",
                  (c0.state(1), c0.covariance_inertial_km(1)[:6, :6], c0.state(2),
                   c0.covariance_inertial_km(2)[:6, :6], c0.hbr_m / 1e3), None))
    print(f"Monte Carlo, {n_trials:,} trials, one core, {runs} runs:")
    for label, (s1, c1, s2, c2, hbr), tl in cases:
        win = tl if tl is not None else 0.25 * 2 * np.pi * np.sqrt(
            (1 / (2 / np.linalg.norm(s1[:3]) - (s1[3:] @ s1[3:]) / 398600.4418)) ** 3 / 398600.4418)
        pc_sdmc(s1, c1, s2, c2, hbr, window_s=tl, n_samples=200, seed=1)  # compile
        pc_montecarlo(s1, c1, s2, c2, hbr, window_s=win, n_samples=200, seed=1)
        t_s, t_m = [], []
        for run in range(runs):
            t0 = time.perf_counter()
            pc_sdmc(s1, c1, s2, c2, hbr, window_s=tl, n_samples=n_trials, seed=run)
            t_s.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            pc_montecarlo(s1, c1, s2, c2, hbr, window_s=win, n_samples=n_trials, seed=run)
            t_m.append(time.perf_counter() - t0)
        rate_s = [n_trials / t for t in t_s]
        rate_m = [n_trials / t for t in t_m]
        print(f"  {label}:")
        print(f"    SDMC (equinoctial)      {min(rate_s):10,.0f} - {max(rate_s):10,.0f} trials/s   ({_spread(t_s)})")
        print(f"    Cartesian MC (baseline) {min(rate_m):10,.0f} - {max(rate_m):10,.0f} trials/s   ({_spread(t_m)})"
              f"   SDMC / Cartesian time {np.median(t_s) / np.median(t_m):.2f} x")


def _history(path: Any) -> list[Any]:
    import gzip

    from orbitwatch.catalog.reader import read_element_sets

    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return list(read_element_sets(fh, source=path.name, lenient=True))


def realism() -> None:
    """Covariance realism of the TLE error model (docs/risk.md): chi-square statistics per
    regime and span on the staged histories, before and after the realism factors; the
    factors are fitted on the 2026 CelesTrak active OMM histories and printed in the form
    of ``risk.covariance.REALISM_SCALE``, the other histories are held out."""
    from pathlib import Path

    from orbitwatch.risk.covariance import REALISM_SCALE, REGIMES, SPAN_EDGES_DAYS
    from orbitwatch.risk.realism import RealismSamples, fit_realism_scale, realism_samples_many, realism_summary

    hist = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "history"
    train_files = sorted((hist / "celestrak-active-omm-2026-07-19_08-22").glob("*.csv.gz"))
    held = {
        "maneuver benchmark (15 objects, 1992-2022)": sorted((hist / "maneuver-benchmark").glob("*.tle.gz")),
        "CelesTrak groups 2026-05 (geo, stations, military; starlink first 1500)":
            sorted((hist / "celestrak-groups-2026-05-24_30").glob("*.tle.gz")),
        "CelesTrak active 2023 (7 snapshots)": [*sorted((hist / "celestrak-active-2023").glob("*.tle.gz")),
                                                hist.parent / "catalog" / "celestrak-active-2023-08-20.tle.gz"],
    }
    t0 = time.perf_counter()
    train = realism_samples_many(e for f in train_files for e in _history(f))
    print(f"training: {', '.join(f.name for f in train_files)}: {train.span_days.size:,} samples "
          f"({time.perf_counter() - t0:.0f} s)")
    sets: dict[str, RealismSamples] = {"training (2026 active OMM)": train}
    for label, files in held.items():
        elements = []
        for f in files:
            es = _history(f)
            if "starlink" in f.name:
                keep = sorted({e.norad_id for e in es})[:1500]
                es = [e for e in es if e.norad_id in set(keep)]
            elements += es
        sets[label] = realism_samples_many(elements)
    print("\nREALISM_SCALE fitted on the training set (k per age bin, edges "
          f"{SPAN_EDGES_DAYS} d; 'after' below uses these):")
    fitted = {}
    for model in ("history", "default"):
        for regime in REGIMES:
            fitted[(model, regime)] = tuple(round(k, 2) for k in fit_realism_scale(train, model, regime))
            print(f"    ({model!r}, {regime!r}): {fitted[(model, regime)]},")
    print(f"\nin risk.covariance.REALISM_SCALE now: {'the same' if fitted == REALISM_SCALE else REALISM_SCALE}")
    edges = (0.0, *SPAN_EDGES_DAYS, np.inf)
    print("\n| data | model | regime | span d | n | median m^2 before / after (chi2_3: 2.37) | inside 1 sigma "
          "(19.9 %) | 2 sigma (73.9 %) | 3 sigma before / after (97.1 %) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, smp in sets.items():
        for model in ("history", "default"):
            before, after = smp.mahalanobis2(model), smp.mahalanobis2(model, realism=True, table=fitted)
            for regime in REGIMES:
                for lo, hi in itertools.pairwise(edges):
                    sel = (smp.regime == regime) & (smp.span_days > lo) & (smp.span_days <= hi)
                    b, a = realism_summary(before[sel]), realism_summary(after[sel])
                    if b["n"] < 30:
                        continue
                    span = f"{lo:g}-{hi:g}" if np.isfinite(hi) else f"> {lo:g}"
                    print(f"| {label} | {model} | {regime} | {span} | {b['n']:,} | {b['median_m2']:.3g} / "
                          f"{a['median_m2']:.3g} | {a['in1']:.1%} | {a['in2']:.1%} | {b['in3']:.1%} / "
                          f"{a['in3']:.1%} |")


def fast_2d(n: int, runs: int = 3) -> None:
    """Fast kernel (risk.elrod) vs vectorised Foster, same inputs, same run; agreement vs adaptive."""
    from orbitwatch.risk.elrod import pc_elrod, pc_elrod_plane
    from orbitwatch.risk.encounter import encounter_plane
    from orbitwatch.risk.foster import pc_circle_adaptive

    args = conjunctions(n)
    _kw(pc_elrod, [a[:10] for a in args])  # compile / load the numba cache
    _kw(pc_foster, [a[:10] for a in args])
    print(f"2D Pc, {n:,} conjunctions from 3x3 ECI covariances, one core (numba kernel is single-threaded):")
    for run in range(1, runs + 1):
        fast, t_fast = timed(_kw, pc_elrod, args)
        fos, t_fos = timed(_kw, pc_foster, args)
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
    miss, cov, hbr, ratio = plane_grid(2000)
    ref = pc_circle_adaptive(miss, cov, hbr)
    got = pc_elrod_plane(miss, cov, hbr).pc
    ok = ref > 1e-290
    worst = np.max(np.abs(got[ok] / ref[ok] - 1))
    print(f"  vs adaptive quad on {ok.sum():,} random plane geometries, HBR/sigma_minor {ratio.min():.1e} .. "
          f"{ratio.max():.0f}, aspect 1 .. 1e3: max relative difference fast {worst:.1e}")
    nodes = fast.nodes
    print(f"  fast kernel integrand evaluations: median {np.median(nodes):.0f}, 99th percentile "
          f"{np.percentile(nodes, 99):.0f}, max {nodes.max()}; largest error estimate / Pc "
          f"{np.max(fast.error_estimate[fast.pc > 0] / fast.pc[fast.pc > 0]):.1e}")


def main() -> None:
    if "--tables" in sys.argv:
        tables()
        return
    if "--sdmc-cdms" in sys.argv:
        sdmc_cdms()
        return
    if "--ratios" in sys.argv:
        cdm_ratios()
        return
    if "--realism" in sys.argv:
        realism()
        return
    if "--timing-3d" in sys.argv:
        timing_3d()
        return
    pos = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(pos[0]) if pos else 100_000
    n_loop = min(n, int(pos[1]) if len(pos) > 1 else 2_000)
    fast_2d(max(n, 1_000_000) if "--fast-million" in sys.argv else n)
    timing_3d()
    args = conjunctions(n)
    _kw(pc_foster, [a[:10] for a in args])  # warm-up (imports, caches)
    res, t_vec = timed(_kw, pc_foster, args)
    sub = [a[:n_loop] for a in args]
    t0 = time.perf_counter()
    loop = np.array([_kw(pc_foster, [a[i] for a in sub]).pc[0] for i in range(n_loop)])
    t_loop = (time.perf_counter() - t0) * n / n_loop
    diff = np.max(np.abs(loop - res.pc[:n_loop]) / np.maximum(np.abs(res.pc[:n_loop]), 1e-300))
    print(f"Foster circle, {n:,} conjunctions (3x3 ECI covariances -> encounter plane -> 128-node GL):")
    print(f"  vectorised      {t_vec:8.3f} s   {n / t_vec:12,.0f} conjunctions/s")
    print(f"  Python loop     {t_loop:8.3f} s   {n / t_loop:12,.0f} conjunctions/s"
          f"   (timed on {n_loop:,}, scaled to {n:,})")
    print(f"  speed-up        {t_loop / t_vec:8.1f} x   (max relative difference loop vs batch {diff:.1e})")
    print(f"  Pc > 1e-4: {np.count_nonzero(res.pc > 1e-4):,}; remediated: {np.count_nonzero(res.remediated):,}")
    for name, fn in (("Chan series", pc_chan), ("Alfano 2005 series", pc_alfano)):
        _, t = timed(_kw, fn, args)
        print(f"{name:<19} vectorised {t:8.3f} s   {n / t:12,.0f} conjunctions/s")


if __name__ == "__main__":
    main()
