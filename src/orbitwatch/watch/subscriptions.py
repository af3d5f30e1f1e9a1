"""Which subscriptions an event goes to: the filter rule, and the router that the watch
hands to :func:`orbitwatch.store.events.upsert_events`.

A subscription (:mod:`orbitwatch.store.service`: ``kind`` webhook or email, ``target``,
``filter``) is one more sink, ``subscription:<id>``.  Its filter keys all have to hold
(an absent key holds for every event):

* ``types``: the event's type is one of them (a list of :data:`EVENT_TYPES`, or one);
* ``norad``: one of the event's objects is one of these NORAD ids (a list, or one);
* ``watchlist``: one of the event's objects is on this watch-list (its id or name; a
  watch-list that no longer exists matches nothing);
* ``min_pc``: a conjunction whose Pc is known and at least this;
* ``max_miss_km``: a conjunction whose miss distance is at most this.

So ``min_pc`` and ``max_miss_km`` select conjunctions: other events have no Pc or miss
distance and do not pass them.  The router is asked, in the event transaction, about each
event revision that is alerted (an event's creation, or a rise of its severity) and names
the live subscriptions that match it then: a subscription created later is not sent the
events alerted before it, and a deleted one is sent nothing new.  Watch-lists and
subscriptions are read once per router (once per cycle), at its first question.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from orbitwatch.errors import InputError
from orbitwatch.store.events import EVENT_TYPES, Event
from orbitwatch.store.service import SUBSCRIPTION_KINDS, Subscription, list_subscriptions, list_watchlists
from orbitwatch.store.sqlite import Store

__all__ = ["SubscriptionRouter", "check_filter", "check_target", "matches"]

_FILTER_KEYS = ("types", "norad", "watchlist", "min_pc", "max_miss_km")


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def check_filter(flt: Mapping[str, Any] | None) -> dict[str, Any]:
    """A subscription filter with its values checked (``INPUT_INVALID`` naming the field)."""
    out: dict[str, Any] = {}
    for key, value in (flt or {}).items():
        where = f"filter.{key}"
        if key not in _FILTER_KEYS:
            raise InputError(f"unknown filter field {key!r}: expected {', '.join(_FILTER_KEYS)}",
                             code="INPUT_INVALID", field=where)
        if value is None:
            continue
        if key == "types":
            types = _as_list(value)
            bad = [t for t in types if t not in EVENT_TYPES]
            if bad or not types:
                raise InputError(f"event type {bad[0] if bad else None!r} is not one of {', '.join(EVENT_TYPES)}",
                                 code="INPUT_INVALID", field=where)
            out[key] = types
        elif key == "norad":
            ids = _as_list(value)
            if not ids or not all(isinstance(n, int) and not isinstance(n, bool) and 0 < n < 10**9 for n in ids):
                raise InputError(f"filter norad {value!r}: expected NORAD ids", code="INPUT_NORAD", field=where)
            out[key] = sorted(set(ids))
        elif key == "watchlist":
            if not isinstance(value, str) or not value:
                raise InputError("filter watchlist: expected a watch-list id or name", code="INPUT_INVALID",
                                 field=where)
            out[key] = value
        else:
            ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
            if not ok or value < 0 or (key == "min_pc" and value > 1):
                want = "0..1" if key == "min_pc" else ">= 0"
                raise InputError(f"filter {key} {value!r}: expected a number in {want}", code="INPUT_INVALID",
                                 field=where)
            out[key] = float(value)
    return out


def check_target(kind: str, target: str) -> str:
    """``target`` when it suits ``kind``: an http(s) URL for a webhook, one address for e-mail
    (``INPUT_TARGET`` otherwise; ``INPUT_INVALID`` for an unknown kind)."""
    from orbitwatch.watch.email import check_address
    from orbitwatch.watch.webhooks import check_url

    if kind == "webhook":
        return check_url(target)
    if kind == "email":
        return check_address(target)
    raise InputError(f"kind {kind!r}: expected one of {', '.join(SUBSCRIPTION_KINDS)}", code="INPUT_INVALID",
                     field="kind")


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def matches(flt: Mapping[str, Any], event: Event, watchlists: Mapping[str, frozenset[int]]) -> bool:
    """Whether ``event`` passes the filter (module docstring); ``watchlists``: id and name ->
    NORAD ids."""
    norads = {o.norad for o in event.objects}
    if flt.get("types") is not None and event.type not in _as_list(flt["types"]):
        return False
    if flt.get("norad") is not None and not norads & {int(n) for n in _as_list(flt["norad"])}:
        return False
    if flt.get("watchlist") is not None and not norads & watchlists.get(str(flt["watchlist"]), frozenset()):
        return False
    if flt.get("min_pc") is not None:
        pc = _number(event.details.get("pc")) if event.type == "conjunction" else None
        if pc is None or pc < float(flt["min_pc"]):
            return False
    if flt.get("max_miss_km") is not None:
        miss = _number(event.details.get("miss_distance_km")) if event.type == "conjunction" else None
        if miss is None or miss > float(flt["max_miss_km"]):
            return False
    return True


class SubscriptionRouter:
    """``route(event) -> sinks``: the ``subscription:<id>`` sinks of the live subscriptions
    whose filter ``event`` passes, in creation order."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._subs: Sequence[Subscription] | None = None
        self._watchlists: dict[str, frozenset[int]] = {}

    def _load(self) -> Sequence[Subscription]:
        if self._subs is None:
            self._subs = list_subscriptions(self._store)
            lists = list_watchlists(self._store) if self._subs else []
            by_name = {w.name: frozenset(w.norad_ids) for w in lists}
            self._watchlists = {**by_name, **{w.id: frozenset(w.norad_ids) for w in lists}}
        return self._subs

    def __call__(self, event: Event) -> list[str]:
        return [s.sink for s in self._load() if matches(s.filter, event, self._watchlists)]
