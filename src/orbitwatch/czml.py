"""CZML scenes of catalog objects for CesiumJS: positions over a window, labels, a clock.

CZML is Cesium's JSON scene language (AGI/Cesium, "CZML Guide" and the ``czml-writer``
wiki's packet reference: ``Packet``, ``Position``, ``Clock``); the document is written with
the ``czml3`` package.  Positions come from orbitwatch's own SGP4 (:func:`orbitwatch.
propagation.ephemeris_in_frame`) and are converted from TEME to the ITRF
(:func:`orbitwatch.frames.teme_to_itrf`, Vallado et al. 2006, AIAA 2006-6753, App. C),
written with ``referenceFrame: "FIXED"`` (Cesium's Earth-fixed frame) as time-tagged
Cartesian samples in metres, seconds after the window's start.  The Earth-fixed frame is
chosen because Cesium draws it without the ICRF transform data it would have to fetch
for ``"INERTIAL"`` (its ICRF), so a scene loads offline and lands where Cesium draws the
Earth.  Samples are interpolated by Lagrange polynomials of degree 5 (a 60 s step in LEO
interpolates to well under a metre).

The document packet carries the clock: its interval is the scene's window and its
current time the window's start (or ``current``), so Cesium's timeline opens on the
scene.  Each object is one packet ``norad-<id>`` with its name as label, a point and a
path; object-times SGP4 could not propagate (decayed, error codes) are left out, and an
object with no sample at all keeps its packet (name and description) with no position.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from orbitwatch.catalog import ElementSet, ElementTable
from orbitwatch.constants import period_s as orbital_period_s
from orbitwatch.errors import InputError
from orbitwatch.propagation import ephemeris_in_frame
from orbitwatch.times import as_utc, format_utc, time_grid

if TYPE_CHECKING:
    from orbitwatch.store import Store

__all__ = [
    "CZML_FRAME",
    "DEFAULT_COLORS",
    "Scene",
    "conjunction_scene",
    "event_scene",
    "objects_czml",
    "objects_scene",
    "relative_motion",
    "scene_czml",
    "scene_packets",
]

#: the Cesium reference frame of every position written here (the ITRF)
CZML_FRAME = "FIXED"

#: RGBA colours by SATCAT object type (unknown types use ``"UNKNOWN"``)
DEFAULT_COLORS: Mapping[str, tuple[int, int, int, int]] = {
    "PAYLOAD": (80, 200, 255, 255),
    "ROCKET BODY": (255, 170, 40, 255),
    "DEBRIS": (255, 80, 80, 255),
    "UNKNOWN": (200, 200, 200, 255),
}

_MAX_SAMPLES = 2_000_000


def _table(elements: ElementTable | Sequence[ElementSet]) -> ElementTable:
    return elements if isinstance(elements, ElementTable) else ElementTable.from_element_sets(elements)


def _select(table: ElementTable, norad_ids: Iterable[int] | None) -> ElementTable:
    if norad_ids is None:
        return table
    wanted = [int(n) for n in norad_ids]
    index = {int(n): k for k, n in enumerate(table.norad_id)}
    missing = [n for n in wanted if n not in index]
    if missing:
        raise InputError(f"no element set for NORAD id(s) {', '.join(map(str, missing[:10]))}",
                         code="INPUT_NORAD", field="norad_ids")
    return table.take(np.array([index[n] for n in wanted], dtype=np.int64))


def _text(values: Any, k: int) -> str | None:
    if values is None or len(values) <= k:
        return None
    v = values[k]
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def scene_packets(
    elements: ElementTable | Sequence[ElementSet],
    start: Any,
    end: Any,
    *,
    norad_ids: Iterable[int] | None = None,
    step_s: float = 60.0,
    title: str = "orbitwatch",
    current: Any = None,
    colors: Mapping[int, tuple[int, int, int, int]] | None = None,
    descriptions: Mapping[int, str] | None = None,
    path_s: float | None = None,
) -> list[dict[str, Any]]:
    """The CZML packets (plain dicts, strict JSON) of ``elements`` over ``[start, end]``.

    ``norad_ids`` selects and orders the objects (default: all of ``elements``); every id
    must have an element set (else :class:`InputError` ``INPUT_NORAD``).  Samples every
    ``step_s`` seconds (plus ``end``); ``colors`` overrides the per-type colour of an
    object, ``descriptions`` adds its HTML description, ``path_s`` the lead/trail time of
    its path (default: one orbital period, capped at the window).
    """
    import czml3
    from czml3.enums import ClockRanges, ClockSteps, InterpolationAlgorithms, ReferenceFrames
    from czml3.types import Cartesian2Value

    t0 = as_utc(start, what="start")
    t1 = as_utc(end, what="end")
    if not t1 > t0:
        raise InputError(f"end {format_utc(t1)} is not after start {format_utc(t0)}", field="end")
    table = _select(_table(elements), norad_ids)
    times = time_grid(t0, t1, step_s)
    if times[-1] != t1:
        times = np.append(times, t1)
    if len(table) * len(times) > _MAX_SAMPLES:
        raise InputError(f"{len(table)} objects x {len(times)} times is over {_MAX_SAMPLES:,} samples; "
                         "use a longer step or fewer objects", field="step_s")
    now = t0 if current is None else as_utc(current, what="current")
    interval = czml3.TimeInterval(start=format_utc(t0), end=format_utc(t1))
    doc = czml3.Packet(
        id="document", name=title, version=czml3.CZML_VERSION,
        clock=czml3.Clock(interval=interval, currentTime=format_utc(now), multiplier=60.0,
                          range=ClockRanges.LOOP_STOP, step=ClockSteps.SYSTEM_CLOCK_MULTIPLIER),
    )
    packets: list[dict[str, Any]] = [doc.to_dict()]
    if len(table) == 0:
        return packets
    eph = ephemeris_in_frame(table, times, "itrf")
    assert eph.r_km is not None
    offsets_s = (times - t0).astype("timedelta64[us]").astype(np.int64) / 1e6
    window_s = float(offsets_s[-1])
    for k in range(len(table)):
        norad = int(table.norad_id[k])
        name = _text(table.names, k) or str(norad)
        kind = (_text(table.object_types, k) or "UNKNOWN").upper()
        rgba = (colors or {}).get(norad) or DEFAULT_COLORS.get(kind, DEFAULT_COLORS["UNKNOWN"])
        period_s = float(orbital_period_s(table.mean_motion_rev_per_day[k]))
        period_s = period_s if math.isfinite(period_s) else window_s
        trail = min(window_s, path_s if path_s is not None else period_s)
        r_m = eph.r_km[k] * 1000.0
        ok = np.isfinite(r_m).all(axis=1)
        desc = (descriptions or {}).get(norad)
        fields: dict[str, Any] = {"id": f"norad-{norad}", "name": name}
        if desc is not None:
            fields["description"] = desc
        if ok.any():
            samples = np.column_stack([offsets_s[ok], np.round(r_m[ok], 3)]).ravel().tolist()
            first, last = times[ok][0], times[ok][-1]
            fields.update(
                availability=czml3.TimeInterval(start=format_utc(first), end=format_utc(last)),
                position=czml3.Position(
                    epoch=format_utc(t0), referenceFrame=ReferenceFrames.FIXED, cartesian=samples,
                    interpolationAlgorithm=InterpolationAlgorithms.LAGRANGE, interpolationDegree=5,
                ),
                point=czml3.Point(color=czml3.Color(rgba=list(rgba)), pixelSize=8,
                                  outlineColor=czml3.Color(rgba=[0, 0, 0, 255]), outlineWidth=1),
                label=czml3.Label(text=name, font="12px sans-serif",
                                  pixelOffset=Cartesian2Value(values=[12, -6]),
                                  fillColor=czml3.Color(rgba=list(rgba)), show=True),
                path=czml3.Path(material=czml3.PolylineMaterial(solidColor=czml3.SolidColorMaterial(
                    color=czml3.Color(rgba=[rgba[0], rgba[1], rgba[2], 160]))),
                    width=1.5, leadTime=0.0, trailTime=trail, resolution=max(step_s, 1.0)),
            )
        packets.append(czml3.Packet(**fields).to_dict())
    return packets


def objects_czml(
    elements: ElementTable | Sequence[ElementSet],
    norad_ids: Iterable[int] | None,
    start: Any,
    end: Any,
    *,
    step_s: float = 60.0,
    title: str = "orbitwatch",
    current: Any = None,
    colors: Mapping[int, tuple[int, int, int, int]] | None = None,
    descriptions: Mapping[int, str] | None = None,
) -> str:
    """A CZML document (strict-JSON text) of the objects ``norad_ids`` of ``elements``.

    See :func:`scene_packets` for the content; ``norad_ids=None`` takes every object.
    """
    packets = scene_packets(elements, start, end, norad_ids=norad_ids, step_s=step_s, title=title,
                            current=current, colors=colors, descriptions=descriptions)
    return json.dumps(packets, allow_nan=False, separators=(",", ":"))


#: half-width (s) of the default window around an event's key time, by event type
EVENT_HALF_WINDOW_S: Mapping[str, float] = {
    "conjunction": 1800.0, "maneuver": 6 * 3600.0, "rpo": 12 * 3600.0, "fragmentation": 3 * 3600.0,
    "decay": 3 * 3600.0, "new_object": 3 * 3600.0,
}
#: the primary and secondary object of a conjunction or event scene
PRIMARY_RGBA = (255, 230, 0, 255)
SECONDARY_RGBA = (255, 60, 200, 255)
#: at most this many objects of a fragmentation event are drawn
MAX_SCENE_OBJECTS = 500


@dataclass(frozen=True)
class Scene:
    """What a CZML scene shows: objects, a window, the clock's current time and a title."""

    norad_ids: tuple[int, ...]
    start: np.datetime64
    end: np.datetime64
    current: np.datetime64
    title: str
    colors: Mapping[int, tuple[int, int, int, int]] = field(default_factory=dict)
    step_s: float = 60.0


def _window(key: np.datetime64, half_s: float, start: Any, end: Any) -> tuple[np.datetime64, np.datetime64]:
    half = np.timedelta64(int(half_s * 1e6), "us")
    t0 = key - half if start is None else as_utc(start, what="start")
    t1 = key + half if end is None else as_utc(end, what="end")
    return t0, t1


def _step(t0: np.datetime64, t1: np.datetime64, n_objects: int) -> float:
    """60 s, longer where the window and the objects would pass 200,000 samples."""
    span_s = float((t1 - t0) / np.timedelta64(1, "s"))
    return max(60.0, math.ceil(span_s * max(n_objects, 1) / 200_000 / 60.0) * 60.0)


def objects_scene(norad_ids: Iterable[int], start: Any, end: Any, *, step_s: float | None = None) -> Scene:
    """A scene of ``norad_ids`` over ``[start, end]`` (both required)."""
    ids = tuple(dict.fromkeys(int(n) for n in norad_ids))
    if not ids:
        raise InputError("a scene needs at least one NORAD id", code="INPUT_NORAD", field="norad")
    t0, t1 = as_utc(start, what="start"), as_utc(end, what="end")
    return Scene(ids, t0, t1, t0, "objects " + ", ".join(map(str, ids[:5])) + (" ..." if len(ids) > 5 else ""),
                 step_s=step_s or _step(t0, t1, len(ids)))


def parse_conjunction_id(text: str) -> tuple[int, int, int, np.datetime64]:
    """``<run>-<norad_1>-<norad_2>-<tca unix us>`` (the service's conjunction id) -> parts."""
    parts = str(text).strip().split("-")
    try:
        if len(parts) != 4:
            raise ValueError
        run, n1, n2, us = (int(p) for p in parts)
    except ValueError:
        raise InputError(f"conjunction id {text!r} is not <run>-<norad_1>-<norad_2>-<tca unix us>",
                         code="INPUT_INVALID", field="conjunction") from None
    return run, n1, n2, np.datetime64(us, "us")


def conjunction_scene(store: Store, conjunction_id: str, start: Any = None, end: Any = None) -> Scene:
    """The two objects of a stored conjunction, around its TCA (default TCA +- 30 min).

    The conjunction must be in its screening run (else :class:`InputError` ``NOT_FOUND``).
    """
    from orbitwatch.store.screening_runs import load_conjunctions

    run, n1, n2, tca = parse_conjunction_id(conjunction_id)
    match = [c for c in load_conjunctions(store, run) if c.norad_1 == n1 and c.norad_2 == n2 and c.tca == tca]
    if not match:
        raise InputError(f"no conjunction {conjunction_id!r}", code="NOT_FOUND", field="conjunction")
    c = match[0]
    t0, t1 = _window(tca, EVENT_HALF_WINDOW_S["conjunction"], start, end)
    title = f"conjunction {c.name_1 or n1} - {c.name_2 or n2}, TCA {format_utc(tca)}, " \
            f"miss {c.miss_distance_km * 1000.0:.0f} m"
    return Scene((n1, n2), t0, t1, tca if t0 <= tca <= t1 else t0, title,
                 {n1: PRIMARY_RGBA, n2: SECONDARY_RGBA}, step_s=10.0 if (t1 - t0) <= np.timedelta64(7200, "s")
                 else _step(t0, t1, 2))


def event_scene(store: Store, event_id: str, start: Any = None, end: Any = None) -> Scene:
    """The objects of a stored watch event around its time (window by type,
    :data:`EVENT_HALF_WINDOW_S`); at most :data:`MAX_SCENE_OBJECTS` objects."""
    from orbitwatch.store.events import get_event

    ev = get_event(store, event_id)
    if ev is None:
        raise InputError(f"no event {event_id!r}", code="NOT_FOUND", field="event")
    key = as_utc(ev.time_utc, what="event time")
    ids = tuple(dict.fromkeys(o.norad for o in ev.objects))[:MAX_SCENE_OBJECTS]
    t0, t1 = _window(key, EVENT_HALF_WINDOW_S.get(ev.type, 3600.0), start, end)
    colors = {ids[0]: PRIMARY_RGBA}
    if len(ids) == 2:
        colors[ids[1]] = SECONDARY_RGBA
    step = 10.0 if ev.type == "conjunction" and (t1 - t0) <= np.timedelta64(7200, "s") else _step(t0, t1, len(ids))
    return Scene(ids, t0, t1, key if t0 <= key <= t1 else t0, f"{ev.type}: {ev.summary}", colors, step_s=step)


def scene_czml(store: Store, scene: Scene) -> str:
    """The CZML document of ``scene``, from each object's element set in force at the
    scene's current time (:meth:`orbitwatch.store.Store.in_force`)."""
    if not scene.end > scene.start:
        raise InputError(f"end {format_utc(scene.end)} is not after start {format_utc(scene.start)}", field="end")
    store.require_objects(scene.norad_ids)
    table = store.in_force(scene.current, scene.norad_ids)
    present = {int(n) for n in table.norad_id}
    ids = [n for n in scene.norad_ids if n in present]
    if len(ids) < len(scene.norad_ids):
        missing = sorted(set(scene.norad_ids) - present)
        raise InputError(f"no element set for NORAD id(s) {', '.join(map(str, missing[:10]))}",
                         code="INPUT_NORAD", field="norad")
    meta = store.metadata_for(ids)
    names = {n: m.name for n, m in meta.items() if m.name}
    if names:
        table = _with_names(table, names)
    return objects_czml(table, ids, scene.start, scene.end, step_s=scene.step_s, title=scene.title,
                        current=scene.current, colors=scene.colors,
                        descriptions={n: object_description(n, f) for n, f in store.object_fields(ids).items()})


#: the labels of :func:`object_description`'s rows, in order
_DESCRIPTION_ROWS = (("owner", "Owner (SATCAT)"), ("operator", "Operator (UCS)"), ("users", "Users (UCS)"),
                     ("purpose", "Purpose (UCS)"))


def object_description(norad: int, fields: Mapping[str, Any]) -> str:
    """The HTML description of an object's packet: NORAD id, SATCAT owner and the UCS
    operator, users and purpose where known (``Store.object_fields``), and a note when the
    UCS row's COSPAR id disagrees with the SATCAT's.  Every value is HTML-escaped: the text
    comes from data files."""
    from html import escape

    rows = [("NORAD id", str(int(norad)))]
    rows += [(label, str(fields[k])) for k, label in _DESCRIPTION_ROWS if fields.get(k) is not None]
    body = "".join(f"<tr><th>{escape(a)}</th><td>{escape(b)}</td></tr>" for a, b in rows)
    note = "<p>The UCS row's COSPAR id differs from the SATCAT's.</p>" if fields.get("ucs_conflict") else ""
    return f"<table>{body}</table>{note}"


def _with_names(table: ElementTable, names: Mapping[int, str]) -> ElementTable:
    import dataclasses

    merged = np.array([names.get(int(n)) or (table.names[k] if k < len(table.names) else None)
                       for k, n in enumerate(table.norad_id)], dtype=object)
    return dataclasses.replace(table, names=merged)


def relative_motion(store: Store, scene: Scene, *, step_s: float | None = None) -> dict[str, Any]:
    """Range and RIC offset of the second object of ``scene`` from the first over its window.

    SGP4 (TEME) of both objects' element sets in force at the scene's current time; the
    offset ``r2 - r1`` on the first object's RIC axes (:func:`orbitwatch.frames.to_ric`,
    Vallado 4th ed. sec. 3.3).  Returns strict-JSON-ready lists: ``times_utc``,
    ``range_km``, ``radial_km``, ``in_track_km``, ``cross_track_km`` (``None`` where SGP4
    failed).
    """
    from orbitwatch.frames import to_ric
    from orbitwatch.propagation import propagate

    if len(scene.norad_ids) < 2:
        raise InputError("relative motion needs two objects", code="INPUT_INVALID", field="norad")
    n1, n2 = scene.norad_ids[:2]
    table = store.in_force(scene.current, (n1, n2))
    index = {int(n): k for k, n in enumerate(table.norad_id)}
    if n1 not in index or n2 not in index:
        raise InputError(f"no element set for NORAD {n1 if n1 not in index else n2}", code="INPUT_NORAD",
                         field="norad")
    times = time_grid(scene.start, scene.end, step_s or scene.step_s)
    eph = propagate(table.take(np.array([index[n1], index[n2]])), times)
    d = eph.r_km[1] - eph.r_km[0]
    ric = to_ric(d, eph.r_km[0], eph.v_km_s[0])

    def col(x: Any) -> list[float | None]:
        return [float(v) if math.isfinite(v) else None for v in np.asarray(x, dtype=float)]

    return {"norad_1": n1, "norad_2": n2, "times_utc": [str(s) for s in format_utc(times)],
            "range_km": col(np.linalg.norm(d, axis=-1)), "radial_km": col(ric[:, 0]),
            "in_track_km": col(ric[:, 1]), "cross_track_km": col(ric[:, 2])}
