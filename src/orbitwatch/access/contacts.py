"""Ground-station contacts for a fleet: windows, a greedy schedule, and network resilience.

Contact windows are passes (:func:`orbitwatch.access.passes.find_passes`) of each
satellite over each station, above the station's mask.

Schedule (greedy, earliest finish first): windows are taken in order of their end
time and accepted whole when (a) the station has a free antenna for the whole window
(``Site.antennas``, 1 unless given) and (b) the satellite is not already in contact with
another station then (one link per satellite).  With one antenna and no satellite
constraint this is the classic interval-scheduling greedy, optimal in the number of
contacts (Kleinberg & Tardos, *Algorithm Design*, sec. 4.1); with the satellite
constraint it is a heuristic.  Antennas of a station are assigned best-fit (the one
freed latest before the window starts).

Resilience, the well-defined way: :mod:`orbitwatch.access.resilience` (visibility single
points of failure, and capacity loss from an optimal assignment, >= 0 by construction);
:func:`contacts` reports it as :attr:`ContactReport.resilience` and the JSON carries only
that.  The greedy figures below remain for the library: the schedule is recomputed with each
station (or each set of ``k`` stations) removed; reported are the scheduled contact time lost, the contacts lost
and the satellites left without any contact.  Each station's *contribution* is its
scheduled contact time in the full network and the time lost without it (smaller
when other stations can take over its windows).  Because the greedy maximises the number
of contacts, not their duration, the loss can be *negative*: without a station that took
short windows, longer ones elsewhere fit (KSAT less Svalbard and Troll, NOAA 20 and
Suomi NPP, 2025-04-15: dropping Prudhoe Bay adds about 3 minutes).  A negative loss
means "not needed by this schedule".
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from orbitwatch.access.passes import PassTable, Progress, find_passes
from orbitwatch.access.resilience import ResilienceReport, resilience_report
from orbitwatch.access.sites import Site, SiteTable
from orbitwatch.catalog.model import ElementSet, ElementTable
from orbitwatch.errors import InputError
from orbitwatch.times import as_utc, seconds_between

__all__ = [
    "ContactReport",
    "Outage",
    "StationContribution",
    "contacts",
    "greedy_schedule",
    "resilience",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def greedy_schedule(
    sat: npt.ArrayLike,
    station: npt.ArrayLike,
    start_s: npt.ArrayLike,
    end_s: npt.ArrayLike,
    antennas: npt.ArrayLike,
    *,
    one_link_per_satellite: bool = True,
    exclude: Sequence[int] = (),
) -> BoolArray:
    """Which windows the greedy schedule accepts -> ``(W,)`` bool.

    ``sat``, ``station``, ``start_s``, ``end_s`` ``(W,)``; ``antennas`` ``(S,)`` per
    station; ``exclude``: stations treated as lost.
    """
    sat_a = np.asarray(sat, dtype=np.int64)
    st_a = np.asarray(station, dtype=np.int64)
    a = np.asarray(start_s, dtype=np.float64)
    b = np.asarray(end_s, dtype=np.float64)
    ant = np.asarray(antennas, dtype=np.int64)
    accepted = np.zeros(sat_a.shape[0], dtype=bool)
    lost = set(int(x) for x in exclude)
    free_at: list[list[float]] = [[-math.inf] * int(n) for n in ant]  # per station, per antenna
    busy: dict[int, tuple[list[float], list[float]]] = {}  # per satellite: sorted starts, ends
    for w in np.lexsort((a, b)):
        s, k = int(st_a[w]), int(sat_a[w])
        if s in lost:
            continue
        t0, t1 = float(a[w]), float(b[w])
        # best-fit free antenna: the latest-freed one that is free at t0
        best, best_t = -1, -math.inf
        for i, ft in enumerate(free_at[s]):
            if ft <= t0 and (best < 0 or ft > best_t):
                best, best_t = i, ft
        if best < 0:
            continue
        if one_link_per_satellite:
            starts, ends = busy.setdefault(k, ([], []))
            # Accepted contacts of a satellite are disjoint, so sorted by start they are
            # sorted by end too: only the last one starting before t1 can overlap.
            j = bisect.bisect_left(starts, t1)
            if j > 0 and ends[j - 1] > t0:
                continue
            i = bisect.bisect_left(starts, t0)
            starts.insert(i, t0)
            ends.insert(i, t1)
        free_at[s][best] = t1
        accepted[w] = True
    return accepted


@dataclass(frozen=True)
class StationContribution:
    """One station's share: scheduled time and contacts, and what losing it costs."""

    station: str
    contacts: int
    contact_s: float
    satellites: int
    loss_if_dropped_s: float
    contacts_lost_if_dropped: int
    satellites_without_contact_if_dropped: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "station": self.station,
            "contacts": self.contacts,
            "contact_s": round(self.contact_s, 3),
            "satellites": self.satellites,
            "loss_if_dropped_s": round(self.loss_if_dropped_s, 3),
            "contacts_lost_if_dropped": self.contacts_lost_if_dropped,
            "satellites_without_contact_if_dropped": list(self.satellites_without_contact_if_dropped),
        }


@dataclass(frozen=True)
class Outage:
    """The effect of losing a set of stations."""

    stations: tuple[str, ...]
    contact_s: float
    loss_s: float
    satellites_without_contact: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "stations": list(self.stations),
            "contact_s": round(self.contact_s, 3),
            "loss_s": round(self.loss_s, 3),
            "satellites_without_contact": list(self.satellites_without_contact),
        }


def resilience(
    sat: npt.ArrayLike,
    station: npt.ArrayLike,
    start_s: npt.ArrayLike,
    end_s: npt.ArrayLike,
    antennas: npt.ArrayLike,
    *,
    station_names: Sequence[str],
    sat_ids: Sequence[int],
    k: int = 1,
    one_link_per_satellite: bool = True,
) -> tuple[BoolArray, list[StationContribution], list[Outage]]:
    """Baseline schedule, per-station contributions and the outages of every ``k`` stations.

    Returns ``(accepted (W,), contributions (S,), outages)``; ``sat_ids`` names each
    satellite index (e.g. NORAD ids) in the "without contact" lists.
    """
    sat_a = np.asarray(sat, dtype=np.int64)
    st_a = np.asarray(station, dtype=np.int64)
    a = np.asarray(start_s, dtype=np.float64)
    b = np.asarray(end_s, dtype=np.float64)
    n_st = len(station_names)
    if k < 1 or k > n_st:
        raise InputError(f"k = {k} stations to drop must be between 1 and {n_st}", code="CONTACTS_K",
                         field="k")
    n_sat = len(sat_ids)
    dur = b - a

    def run(exclude: Sequence[int]) -> tuple[BoolArray, float, tuple[int, ...]]:
        acc = greedy_schedule(sat_a, st_a, a, b, antennas, one_link_per_satellite=one_link_per_satellite,
                              exclude=exclude)
        served = np.bincount(sat_a[acc], minlength=n_sat) > 0
        return acc, float(dur[acc].sum()), tuple(int(sat_ids[int(i)]) for i in np.nonzero(~served)[0])

    base, base_s, _ = run(())
    contributions = []
    outages = []
    for s in range(n_st):
        acc, total, unserved = run((s,))
        mine = base & (st_a == s)
        contributions.append(StationContribution(
            station=station_names[s],
            contacts=int(mine.sum()),
            contact_s=float(dur[mine].sum()),
            satellites=int(np.unique(sat_a[mine]).size),
            loss_if_dropped_s=base_s - total,
            contacts_lost_if_dropped=int(base.sum() - acc.sum()),
            satellites_without_contact_if_dropped=unserved,
        ))
        if k == 1:
            outages.append(Outage((station_names[s],), total, base_s - total, unserved))
    if k > 1:
        for combo in itertools.combinations(range(n_st), k):
            _, total, unserved = run(combo)
            outages.append(Outage(tuple(station_names[i] for i in combo), total, base_s - total, unserved))
    outages.sort(key=lambda o: (-len(o.satellites_without_contact), -o.loss_s))
    return base, contributions, outages


@dataclass(frozen=True)
class ContactReport:
    """Contact windows (a :class:`PassTable`), the greedy schedule and resilience."""

    windows: PassTable
    scheduled: BoolArray
    contributions: list[StationContribution]
    outages: list[Outage]
    total_contact_s: float
    satellites_without_contact: tuple[int, ...]
    dropped: tuple[str, ...]
    resilience: ResilienceReport | None = None
    min_elevation_deg: float = math.nan

    def to_dict(self) -> dict[str, Any]:
        from orbitwatch.times import format_utc

        w = self.windows
        return {
            "dropped": list(self.dropped),
            "min_elevation_deg": self.min_elevation_deg,
            "total_scheduled_contact_s": round(self.total_contact_s, 3),
            "satellites_without_contact": list(self.satellites_without_contact),
            # the greedy schedule's use of each station (no loss figures: see resilience)
            "stations": [{"station": c.station, "contacts": c.contacts, "contact_s": round(c.contact_s, 3),
                          "satellites": c.satellites} for c in self.contributions],
            "resilience": None if self.resilience is None else self.resilience.to_dict(),
            "windows": [
                {
                    "norad": int(w.norad_id[i]),
                    "station": w.site_names[int(w.site[i])],
                    "start_utc": str(format_utc(w.rise[i])),
                    "end_utc": str(format_utc(w.set[i])),
                    "duration_s": round(float(w.duration_s[i]), 3),
                    "max_elevation_deg": round(float(w.max_elevation_deg[i]), 4),
                    "scheduled": bool(self.scheduled[i]),
                }
                for i in range(len(w))
            ],
        }


def contacts(
    elements: ElementTable | Sequence[ElementSet],
    stations: SiteTable | Sequence[Site],
    start: Any,
    end: Any,
    *,
    drop: Sequence[str] = (),
    k: int = 1,
    min_elevation_deg: float = -90.0,
    one_link_per_satellite: bool = True,
    step_s: float | None = None,
    progress: Progress = None,
    antennas: dict[str, int] | None = None,
) -> ContactReport:
    """Contact windows, greedy schedule and resilience of a fleet on a station network.

    ``drop``: station names removed from the network before anything else (unknown
    names raise ``CONTACTS_UNKNOWN_STATION``); ``k``: how many stations each outage
    removes (the optimal resilience evaluates every combination of 1..k); ``antennas``:
    per-station antenna counts overriding the file's (``Site.antennas``, 1 by default).
    """
    table = elements if isinstance(elements, ElementTable) else ElementTable.from_element_sets(elements)
    site_list = list(stations.sites) if isinstance(stations, SiteTable) else list(stations)
    names = [s.name for s in site_list]
    for d in drop:
        if d not in names:
            raise InputError(f"station {d!r} is not in the network ({', '.join(names)})",
                             code="CONTACTS_UNKNOWN_STATION", field="drop")
    kept = [s for s in site_list if s.name not in set(drop)]
    if not kept:
        raise InputError("every station was dropped", code="CONTACTS_NO_STATION", field="drop")
    t0, t1 = as_utc(start, what="start"), as_utc(end, what="end")
    win = find_passes(table, kept, t0, t1, min_elevation_deg=min_elevation_deg, step_s=step_s,
                      sunlit_fraction=False, progress=progress)
    a = seconds_between(t0, win.rise)
    b = seconds_between(t0, win.set)
    per = antennas or {}
    for name, n in per.items():
        if name not in names:
            raise InputError(f"station {name!r} is not in the network", code="CONTACTS_UNKNOWN_STATION",
                             field="antennas")
        if n < 1:
            raise InputError(f"station {name!r}: {n} antennas (need >= 1)", code="INPUT_INVALID", field="antennas")
    ant = [int(per.get(s.name, s.antennas)) for s in kept]
    res = resilience_report(win.sat, win.site, a, b, ant, station_names=[s.name for s in kept],
                            sat_ids=[int(x) for x in table.norad_id], k=min(k, len(kept)))
    # greedy per-station bookkeeping (k = 1 only; the k-outages are the optimal report's)
    base, contrib, outages = resilience(win.sat, win.site, a, b, ant, station_names=[s.name for s in kept],
                                        sat_ids=[int(x) for x in table.norad_id], k=1,
                                        one_link_per_satellite=one_link_per_satellite)
    served = np.bincount(win.sat[base], minlength=len(table)) > 0
    return ContactReport(
        windows=win,
        scheduled=base,
        contributions=contrib,
        outages=outages,
        total_contact_s=float((b - a)[base].sum()),
        satellites_without_contact=tuple(int(table.norad_id[i]) for i in np.nonzero(~served)[0]),
        dropped=tuple(drop),
        resilience=res,
        min_elevation_deg=float(min_elevation_deg),
    )
