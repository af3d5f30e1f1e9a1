"""Synthetic element-set histories with injected manoeuvres of known epoch and delta-v.

Independent of the detector: the truth is built here from a real element set with the
``sgp4`` package's own secular rates, and the noise is resampled from a real object's
element-to-element differences.

How the expected values are derived (stated once, used by tests and bench/maneuvers.py):

* Between burns the mean elements evolve secularly: ``M += mdot dt``, ``w += argpdot dt``,
  ``O += nodedot dt`` with the rates of ``sgp4.api.Satrec`` for that element set, and
  ``n``, ``e``, ``i`` constant (``bstar = 0``, no drag).
* A tangential burn ``dv`` at ``t_b`` changes the semi-major axis by the Gauss
  variational equation for a near-circular orbit, ``da = 2 a dv / v`` with
  ``v = sqrt(mu / a)`` (Vallado 4th ed. sec. 9.6), i.e. the Kozai mean motion by
  ``n' = n (1 + da/a)^(-3/2)``; the mean argument of latitude is continuous at ``t_b``.
  An out-of-plane burn at the node changes the inclination by ``di = dv / v``.
  The expected delta-v is the injected ``dv``; the expected epoch is ``t_b``.
* Noise: each published set gets independent errors resampled (bootstrap) from the real
  Sentinel-3A history's consecutive differences of mean motion and inclination (the
  differences divided by sqrt(2), trimmed at 5 MAD so that its own burns are not drawn),
  and a Gaussian mean-anomaly error of ``sigma_along_km / a``.
"""

from __future__ import annotations

import gzip
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sgp4.api import WGS72, Satrec

from orbitwatch.catalog.model import ElementSet
from orbitwatch.catalog.reader import read_element_sets

MU = 398600.8
RE = 6378.135
XPDOTP = 1440.0 / (2.0 * math.pi)


@dataclass(frozen=True)
class Burn:
    epoch: np.datetime64
    dv_tangential_m_s: float = 0.0
    dv_normal_m_s: float = 0.0


def real_noise(shared_data: Path) -> tuple[np.ndarray, np.ndarray]:
    """Per-set noise samples (mean motion rev/day, inclination deg) from Sentinel-3A."""
    path = shared_data / "history/maneuver-benchmark/Sentinel-3A.tle.gz"
    with gzip.open(path, "rt") as fh:
        sets = list(read_element_sets(fh, source=path.name))
    n = np.array([s.mean_motion_rev_per_day for s in sets])
    inc = np.array([s.inclination_deg for s in sets])
    t = np.array([s.epoch for s in sets]).astype("datetime64[us]").astype(np.int64) / 86_400e6
    dt = np.diff(t)
    ok = (dt > 0.5) & (dt < 1.5)
    out = []
    for x in (n, inc):
        d = np.diff(x)[ok]
        d = d - np.median(d)
        mad = np.median(np.abs(d))
        d = d[np.abs(d) < 5 * 1.4826 * mad + 1e-12]
        out.append(d / math.sqrt(2.0))
    return out[0], out[1]


def _sat(n: float, e: float, i: float, epoch_days_1950: float) -> Satrec:
    s = Satrec()
    s.sgp4init(WGS72, "i", 99999, epoch_days_1950, 0.0, 0.0, 0.0, e, 0.0, math.radians(i), 0.0, n / XPDOTP, 0.0)
    return s


def brouwer_a_km(n_rev_day: float, e: float, i: float) -> float:
    return _sat(n_rev_day, e, i, 20000.0).a * RE


def synthetic_history(
    base: ElementSet,
    burns: list[Burn],
    *,
    n_sets: int,
    mean_gap_day: float,
    noise_n: np.ndarray,
    noise_i: np.ndarray,
    sigma_along_km: float,
    seed: int,
) -> list[ElementSet]:
    """``n_sets`` element sets from ``base.epoch`` every ``mean_gap_day`` (+-30 % jitter)."""
    rng = np.random.default_rng(seed)
    gaps = mean_gap_day * rng.uniform(0.7, 1.3, n_sets - 1)
    t_day = np.concatenate([[0.0], np.cumsum(gaps)])
    t0 = base.epoch.astype("datetime64[us]")
    burn_days = [float((b.epoch.astype("datetime64[us]") - t0).astype(np.int64)) / 86_400e6 for b in burns]
    n, e, inc = base.mean_motion_rev_per_day, base.eccentricity, base.inclination_deg
    M = math.radians(base.mean_anomaly_deg)
    w = math.radians(base.arg_perigee_deg)
    node = math.radians(base.raan_deg)
    # Piecewise-secular truth: walk through the sorted burn and set times.
    events = sorted([(d, k) for k, d in enumerate(burn_days)])
    out: list[ElementSet] = []
    t_now = 0.0
    bi = 0
    for j in range(n_sets):
        while bi < len(events) and events[bi][0] <= t_day[j]:
            tb, k = events[bi]
            s = _sat(n, e, inc, 20000.0)
            dt_min = (tb - t_now) * 1440.0
            M += s.mdot * dt_min
            w += s.argpdot * dt_min
            node += s.nodedot * dt_min
            t_now = tb
            a = s.a * RE
            v = math.sqrt(MU / a) * 1000.0
            if burns[k].dv_tangential_m_s:
                a_new = a * (1.0 + 2.0 * burns[k].dv_tangential_m_s / v)
                n = n * (a_new / a) ** -1.5
            if burns[k].dv_normal_m_s:
                inc = inc + math.degrees(burns[k].dv_normal_m_s / v)
            bi += 1
        s = _sat(n, e, inc, 20000.0)
        dt_min = (t_day[j] - t_now) * 1440.0
        M += s.mdot * dt_min
        w += s.argpdot * dt_min
        node += s.nodedot * dt_min
        t_now = t_day[j]
        a = s.a * RE
        out.append(
            base.replace(
                epoch=t0 + np.timedelta64(round(float(t_day[j]) * 86_400e6), "us"),
                mean_motion_rev_per_day=n + float(rng.choice(noise_n)),
                inclination_deg=inc + float(rng.choice(noise_i)),
                mean_anomaly_deg=math.degrees(M + rng.normal(0.0, sigma_along_km / a)) % 360.0,
                arg_perigee_deg=math.degrees(w) % 360.0,
                raan_deg=math.degrees(node) % 360.0,
                bstar_per_earth_radius=0.0,
                mean_motion_dot_rev_per_day2=0.0,
                mean_motion_ddot_rev_per_day3=0.0,
            )
        )
    return out


def base_set(shared_data: Path) -> ElementSet:
    """The 100th Sentinel-3A element set (an 800 km sun-synchronous orbit)."""
    path = shared_data / "history/maneuver-benchmark/Sentinel-3A.tle.gz"
    with gzip.open(path, "rt") as fh:
        for k, s in enumerate(read_element_sets(fh, source=path.name)):
            if k == 100:
                return s
    raise RuntimeError("short file")
