"""Exposure of a protected satellite set to a set of ground sites.

An *exposure window* is an interval during which a satellite is within line of sight
of a site: above the site's mask and ``min_elevation_deg``, within ``max_range_km`` (and
the site's own range limit), and optionally while the satellite is sunlit and/or the
site is dark (the geometry an optical sensor or a laser dazzler needs).  Windows come
from the same event finder as passes (:func:`orbitwatch.access.passes.find_passes` with
a range limit and :class:`~orbitwatch.access.passes.Conditions`), so they carry the
same geometry: duration, maximum elevation, minimum range.

The per-satellite summary gives the number of windows and of distinct sites, the
exposed time as a union over sites (time seen by at least one site) in total and per
day, the sum over sites (site-seconds), and the longest single window.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from orbitwatch.access.passes import Conditions, PassTable, Progress, find_passes
from orbitwatch.access.sites import Site, SiteTable
from orbitwatch.catalog.model import ElementSet, ElementTable
from orbitwatch.times import as_utc, days_between, format_utc, seconds_between

__all__ = ["ExposureReport", "ExposureSummary", "exposure", "union_seconds"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ExposureSummary:
    """Per satellite, arrays ``(N,)`` in the order of the input elements."""

    norad_id: IntArray
    windows: IntArray
    sites: IntArray
    exposed_s: FloatArray
    exposed_s_per_day: FloatArray
    site_seconds: FloatArray
    longest_s: FloatArray

    def to_records(self) -> list[dict[str, Any]]:
        return [
            {
                "norad": int(self.norad_id[i]),
                "windows": int(self.windows[i]),
                "sites": int(self.sites[i]),
                "exposed_s": round(float(self.exposed_s[i]), 3),
                "exposed_s_per_day": round(float(self.exposed_s_per_day[i]), 3),
                "site_seconds": round(float(self.site_seconds[i]), 3),
                "longest_window_s": round(float(self.longest_s[i]), 3),
            }
            for i in range(self.norad_id.shape[0])
        ]


@dataclass(frozen=True)
class ExposureReport:
    """Exposure windows (a :class:`PassTable`: start = ``rise``, end = ``set``) and the summary."""

    windows: PassTable
    summary: ExposureSummary
    start: np.datetime64
    end: np.datetime64

    def window_records(self) -> list[dict[str, Any]]:
        w = self.windows
        dur = w.duration_s
        return [
            {
                "norad": int(w.norad_id[i]),
                "site": w.site_names[int(w.site[i])],
                "start_utc": str(format_utc(w.rise[i])),
                "end_utc": str(format_utc(w.set[i])),
                "duration_s": round(float(dur[i]), 3),
                "max_elevation_deg": round(float(w.max_elevation_deg[i]), 4),
                "min_range_km": round(float(w.min_range_km[i]), 3),
                "sunlit_fraction": None if math.isnan(w.sunlit_fraction[i]) else
                round(float(w.sunlit_fraction[i]), 4),
                "flags": int(w.flags[i]),
            }
            for i in range(len(w))
        ]


def union_seconds(group: npt.ArrayLike, start_s: npt.ArrayLike, end_s: npt.ArrayLike, n_groups: int
                  ) -> FloatArray:
    """Length of the union of intervals per group -> ``(n_groups,)`` seconds.

    ``group (W,)`` integer keys in ``0..n_groups-1``; intervals ``[start_s, end_s]``.
    """
    g = np.asarray(group, dtype=np.int64)
    a = np.asarray(start_s, dtype=np.float64)
    b = np.asarray(end_s, dtype=np.float64)
    out = np.zeros(n_groups)
    if g.size == 0:
        return out
    order = np.lexsort((a, g))
    g, a, b = g[order], a[order], b[order]
    off = float(np.max(np.abs(np.concatenate([a, b])))) * 2 + 1.0
    # Running maximum of the end within each group (groups offset so they never mix).
    run_end = np.maximum.accumulate(g * off + b) - g * off
    prev_end = np.empty_like(run_end)
    prev_end[0] = -np.inf
    prev_end[1:] = run_end[:-1]
    new_group = np.ones(g.size, bool)
    new_group[1:] = g[1:] != g[:-1]
    prev_end[new_group] = -np.inf
    # Contribution of each interval = part beyond what the group already covers.
    contrib = np.clip(b - np.maximum(a, prev_end), 0.0, None)
    np.add.at(out, g, contrib)
    return out


def exposure(
    elements: ElementTable | Sequence[ElementSet],
    sites: SiteTable | Sequence[Site],
    start: Any,
    end: Any,
    *,
    min_elevation_deg: float = 0.0,
    max_range_km: float = math.nan,
    conditions: Conditions | None = None,
    step_s: float | None = None,
    progress: Progress = None,
) -> ExposureReport:
    """Exposure windows of every satellite to every site and the per-satellite summary."""
    table = elements if isinstance(elements, ElementTable) else ElementTable.from_element_sets(elements)
    t0, t1 = as_utc(start, what="start"), as_utc(end, what="end")
    win = find_passes(table, sites, t0, t1, min_elevation_deg=min_elevation_deg, max_range_km=max_range_km,
                      conditions=conditions, step_s=step_s, progress=progress)
    n = len(table)
    dur = win.duration_s
    a = seconds_between(t0, win.rise)
    b = seconds_between(t0, win.set)
    exposed = union_seconds(win.sat, a, b, n)
    days = float(days_between(t0, t1))
    counts = np.bincount(win.sat, minlength=n)
    site_secs = np.bincount(win.sat, weights=dur, minlength=n)
    longest = np.zeros(n)
    if len(win):
        np.maximum.at(longest, win.sat, dur)
    pairs = np.unique(win.sat * max(1, len(win.site_names)) + win.site)
    n_sites = np.bincount(pairs // max(1, len(win.site_names)), minlength=n)
    summary = ExposureSummary(
        norad_id=table.norad_id.astype(np.int64),
        windows=counts.astype(np.int64),
        sites=n_sites.astype(np.int64),
        exposed_s=exposed,
        exposed_s_per_day=exposed / days,
        site_seconds=np.asarray(site_secs, dtype=np.float64),
        longest_s=longest,
    )
    return ExposureReport(windows=win, summary=summary, start=t0, end=t1)
