"""The shared event finder on functions with known roots (independent analytic references).

g(t) = sin(w t + phase) - level has roots t = (asin(level) - phase)/w + 2 pi k / w and
(pi - asin(level) - phase)/w + ...; exact to machine precision.  Tolerance: 1 ms.
"""

from __future__ import annotations

import numpy as np

from orbitwatch.access.events import find_crossings, golden_maximum, intervals_from_crossings


def _sine(w: float, phase: np.ndarray, level: float):  # type: ignore[no-untyped-def]
    def g_at(series: np.ndarray, seg: np.ndarray, t: np.ndarray) -> np.ndarray:
        return np.sin(w * t + phase[series]) - level
    return g_at


def test_crossings_match_analytic_roots() -> None:
    w = 2 * np.pi / 5400.0  # one "orbit" per 90 min
    phase = np.array([0.0, 1.0, 2.5])
    level = 0.3
    t = np.arange(0.0, 86400.0 + 1, 60.0)
    g_at = _sine(w, phase, level)
    g = np.sin(w * t[None] + phase[:, None]) - level
    cr = find_crossings(t, g, g_at, tol_s=1e-4)
    for s in range(3):
        sel = cr.series == s
        k = np.arange(-2, 20)
        up = (np.arcsin(level) - phase[s]) / w + k * 5400.0
        down = (np.pi - np.arcsin(level) - phase[s]) / w + k * 5400.0
        ref = np.sort(np.concatenate([up, down]))
        ref = ref[(ref > 0) & (ref < 86400)]
        assert sel.sum() == ref.size
        assert np.abs(cr.t_s[sel] - ref).max() < 1e-3
        rising_ref = np.isin(np.round(ref, 3), np.round(up, 3))
        assert np.array_equal(cr.rising[sel], rising_ref)


def test_grazing_excursion_between_samples_is_found() -> None:
    """A 40-s excursion above zero, sampled every 60 s: no sampled value is positive."""
    w = 2 * np.pi / 5400.0
    level = np.cos(w * 20.0)  # the peak exceeds the level for 40 s
    t = np.arange(0.0, 5400.0 + 1, 60.0)
    phase = np.array([np.pi / 2 - w * 1350.0])  # peak at t = 1350 s, between samples 1320 and 1380
    g_at = _sine(w, phase, level)
    g = np.sin(w * t[None] + phase[:, None]) - level
    assert not (g > 0).any()
    without = find_crossings(t, g, g_at, graze_margin=0.0)
    assert without.t_s.size == 0
    cr = find_crossings(t, g, g_at, graze_margin=1.0, tol_s=1e-4)
    assert cr.t_s.size == 2
    assert np.allclose(cr.t_s, [1330.0, 1370.0], atol=1e-3)
    _series, start, end, flags = intervals_from_crossings(cr, 1, 0.0, 5400.0, np.array([False]))
    assert np.allclose(end - start, 40.0, atol=2e-3) and flags[0] == 0


def test_intervals_clip_and_always_positive() -> None:
    t = np.arange(0.0, 1000.0 + 1, 10.0)
    g = np.vstack([np.ones_like(t), -np.ones_like(t), 500.0 - t])

    def g_at(series: np.ndarray, seg: np.ndarray, tt: np.ndarray) -> np.ndarray:
        return np.where(series == 0, 1.0, np.where(series == 1, -1.0, 500.0 - tt))

    cr = find_crossings(t, g, g_at)
    s, a, b, f = intervals_from_crossings(cr, 3, 0.0, 1000.0, g[:, 0] > 0)
    assert list(s) == [0, 2]
    assert (a[0], b[0], f[0]) == (0.0, 1000.0, 3)
    assert a[1] == 0.0 and abs(b[1] - 500.0) < 1e-3 and f[1] == 1


def test_golden_maximum() -> None:
    def f(series: np.ndarray, seg: np.ndarray, t: np.ndarray) -> np.ndarray:
        return -((t - 3.3) ** 2)

    t_grid = np.arange(0.0, 11.0)
    tm, _fm = golden_maximum(np.zeros(2, np.int64), np.array([0.0, 5.0]), np.array([10.0, 10.0]), t_grid, f,
                            tol_s=1e-6)
    assert abs(tm[0] - 3.3) < 1e-5 and tm[1] == 5.0


def test_nan_samples_give_no_events() -> None:
    """A series that stops (NaN, e.g. a decayed satellite) ends its interval at the last good sample."""
    t = np.arange(0.0, 100.0 + 1, 10.0)
    g = np.where(t < 45.0, 1.0, np.nan)[None, :]

    def g_at(series: np.ndarray, seg: np.ndarray, tt: np.ndarray) -> np.ndarray:
        return np.where(tt < 45.0, 1.0, np.nan)

    cr = find_crossings(t, g, g_at)
    assert list(cr.t_s) == [40.0] and not cr.rising[0]
    _, a, b, f = intervals_from_crossings(cr, 1, 0.0, 100.0, np.array([True]))
    assert (a[0], b[0], f[0]) == (0.0, 40.0, 1)
