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
from typing import Any

import numpy as np

from orbitwatch.catalog import ElementSet, ElementTable
from orbitwatch.errors import InputError
from orbitwatch.propagation import ephemeris_in_frame
from orbitwatch.times import as_utc, format_utc, time_grid

__all__ = ["CZML_FRAME", "DEFAULT_COLORS", "objects_czml", "scene_packets"]

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
        period_s = 86400.0 / float(table.mean_motion_rev_per_day[k]) if table.mean_motion_rev_per_day[k] > 0 \
            else window_s
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
