"""Which element set is *in force* at a time, and how old it is there.

An element set is a fit to observations up to its epoch; for a time ``t`` the set an
operator uses is the latest one with ``epoch <= t`` (CelesTrak SOCRATES and Space-Track
screen with the newest set published before the run).  Two cases take a set *after*
``t`` instead, and such a row is *flagged* (a back-propagation, not a prediction):

* the object has no set at or before ``t`` (it was catalogued later);
* its latest set before ``t`` is *stale* there and a later set lies nearer to ``t``
  (a history with a gap: a 2019 set is not what anyone would use on 2022-07-15 when a
  set of 2022-07-15T06:00 exists).

The age of a set at ``t`` is ``t - epoch`` in days (negative for a set after ``t``).  A
set is *stale* when ``|age|`` exceeds :func:`stale_limit_days` of its orbit: 14 days for
low Earth orbit (mean motion above 11.25 rev/day, period under 128 min), 30 days above.
The 14 days follow common practice for TLE-based screening in LEO, where along-track
errors grow to tens of km in two weeks; staleness is a flag, never a filter.  Catalog-wide
commands (screening) leave out objects whose set in force is more than
:data:`MAX_SCREENING_AGE_DAYS` from ``t``: such objects have decayed, were lost, or did
not exist yet, and a count of them is reported.  The same rule serves the store
(:meth:`~orbitwatch.store.Store.in_force`) and the file reader.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from orbitwatch.catalog.model import ElementSet, ElementTable
from orbitwatch.times import US_PER_DAY, as_utc

__all__ = [
    "LEO_MEAN_MOTION_REV_PER_DAY",
    "MAX_SCREENING_AGE_DAYS",
    "STALE_LIMIT_DAYS_LEO",
    "STALE_LIMIT_DAYS_OTHER",
    "InForce",
    "concat_tables",
    "element_age_days",
    "flagged_after",
    "in_force_index",
    "latest_per_object",
    "merge_in_force",
    "stale_limit_days",
]

LEO_MEAN_MOTION_REV_PER_DAY = 11.25
STALE_LIMIT_DAYS_LEO = 14.0
STALE_LIMIT_DAYS_OTHER = 30.0
MAX_SCREENING_AGE_DAYS = 60.0


def stale_limit_days(mean_motion_rev_per_day: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """The stale limit (days) of each orbit: 14 in LEO (n > 11.25 rev/day), else 30."""
    n = np.asarray(mean_motion_rev_per_day, dtype=np.float64)
    return np.where(n > LEO_MEAN_MOTION_REV_PER_DAY, STALE_LIMIT_DAYS_LEO, STALE_LIMIT_DAYS_OTHER)


def element_age_days(epochs: npt.ArrayLike, t: np.datetime64) -> npt.NDArray[np.float64]:
    """``t - epoch`` in days for each epoch (UTC ``datetime64``); negative after ``t``."""
    e = np.asarray(epochs).astype("datetime64[us]")
    return (as_utc(t) - e).astype(np.int64) / US_PER_DAY


def _prefer_after(before: ElementSet | None, after: ElementSet | None, t: np.datetime64) -> bool:
    if after is None:
        return False
    if before is None:
        return True
    age_before = float(element_age_days(np.array([before.epoch]), t)[0])
    if age_before <= float(stale_limit_days(before.mean_motion_rev_per_day)):
        return False
    return -float(element_age_days(np.array([after.epoch]), t)[0]) < age_before


class InForce:
    """Streaming selection of the set in force at ``t`` per object (files, not the store).

    Feed element sets in any order with :meth:`add`; :meth:`chosen` gives, per NORAD
    id, the set the module's rule picks.  Ties on epoch go to the set added last, as in
    the store.  Memory: two sets per object.
    """

    def __init__(self, t: np.datetime64) -> None:
        self.t = as_utc(t)
        self._before: dict[int, ElementSet] = {}
        self._after: dict[int, ElementSet] = {}

    def add(self, es: ElementSet) -> None:
        if es.epoch <= self.t:
            prev = self._before.get(es.norad_id)
            if prev is None or es.epoch >= prev.epoch:
                self._before[es.norad_id] = es
        else:
            prev = self._after.get(es.norad_id)
            if prev is None or es.epoch <= prev.epoch:
                self._after[es.norad_id] = es

    def extend(self, sets: Iterable[ElementSet]) -> None:
        for es in sets:
            self.add(es)

    def chosen(self) -> dict[int, ElementSet]:
        """NORAD id -> the set in force (unsorted)."""
        out: dict[int, ElementSet] = {}
        for k in self._before.keys() | self._after.keys():
            before, after = self._before.get(k), self._after.get(k)
            pick = after if _prefer_after(before, after, self.t) else before
            assert pick is not None
            out[k] = pick
        return out


def concat_tables(tables: Sequence[ElementTable]) -> ElementTable:
    """Row-wise concatenation of element tables (same columns)."""
    first = tables[0]
    return type(first)(
        **{f.name: np.concatenate([getattr(t, f.name) for t in tables]) for f in dataclasses.fields(first)}
    )


def merge_in_force(before: ElementTable, after: ElementTable, t: np.datetime64) -> ElementTable:
    """The rows in force at ``t`` from the latest-at-or-before and earliest-after tables.

    ``before`` and ``after`` hold at most one row per NORAD id each; the result holds one
    per id of either, sorted by NORAD id, chosen by the module's rule.
    """
    t = as_utc(t)
    age_b = element_age_days(before.epoch, t)
    stale_b = age_b > stale_limit_days(before.mean_motion_rev_per_day)
    after_pos = {int(n): i for i, n in enumerate(after.norad_id)}
    keep_b = np.ones(len(before), dtype=bool)
    take_a = np.zeros(len(after), dtype=bool)
    before_ids = set()
    for i, n in enumerate(before.norad_id):
        n = int(n)
        before_ids.add(n)
        j = after_pos.get(n)
        if j is not None and stale_b[i] and -float(element_age_days(after.epoch[j : j + 1], t)[0]) < age_b[i]:
            keep_b[i] = False
            take_a[j] = True
    for j, n in enumerate(after.norad_id):
        if int(n) not in before_ids:
            take_a[j] = True
    merged = concat_tables([before.take(keep_b), after.take(take_a)])
    return merged.take(np.argsort(merged.norad_id, kind="stable"))


def flagged_after(table: ElementTable, t: np.datetime64) -> npt.NDArray[np.bool_]:
    """True for rows whose set lies after ``t`` (the object had none at or before ``t``)."""
    return np.asarray(table.epoch) > as_utc(t)


def in_force_index(
    epochs: npt.ArrayLike, mean_motion_rev_per_day: npt.ArrayLike, times: npt.ArrayLike
) -> npt.NDArray[np.intp]:
    """For each time, the index of the set in force among one object's sets (the module's rule).

    ``epochs (K,)`` and ``mean_motion_rev_per_day (K,)`` describe one object's element
    history in any order; ``times (T,)`` UTC.  Returns ``idx (T,)`` into the K sets: the
    latest with epoch at or before the time, unless it is stale there and a later set lies
    nearer, and the earliest after the time when none precedes it.  Ties on epoch go
    to the later index (the set added last, as :class:`InForce`).
    """
    e = np.asarray(epochs).astype("datetime64[us]")
    if e.size == 0:
        raise ValueError("an empty element history has no set in force")
    n = np.asarray(mean_motion_rev_per_day, dtype=np.float64)
    t = np.atleast_1d(np.asarray(times).astype("datetime64[us]"))
    order = np.lexsort((np.arange(e.size), e))  # by epoch, ties: later index last
    es = e[order]
    # latest at or before t: last position with es <= t
    pos_b = np.searchsorted(es, t, side="right") - 1
    # earliest after t: the first of the run of equal epochs after t, the last index in that run
    pos_a = np.searchsorted(es, t, side="right")
    has_b = pos_b >= 0
    has_a = pos_a < es.size
    pb = np.clip(pos_b, 0, es.size - 1)
    pa = np.clip(pos_a, 0, es.size - 1)
    # the last set of the run of equal epochs starting at pa (ties go to the set added last)
    pa_last = np.searchsorted(es, es[pa], side="right") - 1
    age_b = (t - es[pb]).astype(np.int64) / US_PER_DAY
    age_a = (es[pa] - t).astype(np.int64) / US_PER_DAY
    stale_b = age_b > stale_limit_days(n[order][pb])
    use_a = has_a & (~has_b | (stale_b & (age_a < age_b)))
    return np.asarray(order[np.where(use_a, pa_last, pb)], dtype=np.intp)


def latest_per_object(table: ElementTable) -> ElementTable:
    """One row per NORAD id: the one with the latest epoch, rows kept in their input order.

    Ties on epoch go to the row that comes first.  A table that already holds one row per
    id is returned as it is (the same object, not a copy).
    """
    ids = table.norad_id
    if np.unique(ids).size == ids.size:
        return table
    us = table.epoch.astype("datetime64[us]").astype(np.int64)
    order = np.lexsort((-us, ids))
    first = np.ones(order.size, dtype=bool)
    first[1:] = ids[order][1:] != ids[order][:-1]
    return table.take(np.sort(order[first]))
