"""Matching screening results against the brute-force reference (shared by the tests)."""

from __future__ import annotations

import math

# SGP4 positions carry ~1e-10 km of rounding noise (measured: the range of a pair
# evaluated every 0.1 ms scatters by that much), so the time of a minimum is only defined
# to within the time over which the range changes by 1e-9 km (10x the noise):
# tau = sqrt(2 * miss / 1e-9 ...) / v.  For all but the slowest encounters this is < 1 ms.
RANGE_NOISE_KM = 1e-9


def tca_tolerance_s(miss_km: float, speed_km_s: float) -> float:
    return max(1e-3, math.sqrt(2.0 * max(miss_km, 1e-3) * RANGE_NOISE_KM) / max(speed_km_s, 1e-6))


def compare(
    found: list[tuple[int, int, float, float, float]],
    ref: list[tuple[int, int, float, float]],
    threshold_km: float,
    span_s: float,
) -> tuple[list[str], list[float]]:
    """Problems (missed, spurious, TCA / miss differences) and the TCA differences of the matches.

    ``found``: ``(i, j, tca_s, miss_km, speed_km_s)`` from orbitwatch; ``ref``:
    ``(i, j, tca_s, miss_km)`` from the reference; ``i < j`` in both.  Minima within
    1e-6 km of the threshold, or within 2 ms of the window edges, may be in either list.
    """

    def ambiguous(tca: float, miss: float) -> bool:
        return miss > threshold_km - 1e-6 or tca < 2e-3 or tca > span_s - 2e-3

    problems: list[str] = []
    used = [False] * len(found)
    dts: list[float] = []
    for i, j, t_ref, d_ref in ref:
        best = None
        for k, (a, b, t, _d, _v) in enumerate(found):
            if (a, b) == (i, j) and not used[k] and abs(t - t_ref) < 5.0 and (
                best is None or abs(t - t_ref) < abs(found[best][2] - t_ref)
            ):
                best = k
        if best is None:
            if not ambiguous(t_ref, d_ref):
                problems.append(f"missed ({i}, {j}) at {t_ref:.4f} s, {d_ref:.6f} km")
            continue
        used[best] = True
        _, _, t, d, v = found[best]
        dts.append(abs(t - t_ref))
        if abs(t - t_ref) > tca_tolerance_s(d_ref, v):
            problems.append(f"TCA ({i}, {j}) {t:.6f} vs reference {t_ref:.6f} s (v {v:.4f} km/s)")
        if abs(d - d_ref) > 1e-3:
            problems.append(f"miss ({i}, {j}) {d:.6f} vs reference {d_ref:.6f} km")
    for k, (a, b, t, d, _v) in enumerate(found):
        if not used[k] and not ambiguous(t, d):
            problems.append(f"spurious ({a}, {b}) at {t:.4f} s, {d:.6f} km")
    return problems, dts
