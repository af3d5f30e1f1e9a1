"""``/v1/objects``: the store's objects (search, owner/type filters, cursor pages), one
object's metadata and latest element set, its element-set history, and its SGP4 ephemeris
(JSON, CSV or a CCSDS OEM 2.0 via the library's writer, CCSDS 502.0-B-2)."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from orbitwatch.api import InputError, ephemeris_in_frame, format_utc, now_utc, parse_utc, time_grid, write_oem
from orbitwatch.ccsds.oem import CCSDS_REF_FRAMES, OEMSegment
from orbitwatch.server.deps import ReadKey, decode_cursor, encode_cursor, state_of
from orbitwatch.server.models import ElementsPage, Ephemeris, ObjectDetail, ObjectPage
from orbitwatch.server.problems import StrictJSONResponse, not_found, strict_json
from orbitwatch.server.queries import object_ids
from orbitwatch.server.views import element_set_dict

router = APIRouter(prefix="/v1/objects", tags=["objects"])

#: the most object-times one ephemeris request may return
MAX_POINTS = 100_000


def _norad(norad: int) -> int:
    if not 0 < norad < 10**9:
        raise InputError(f"NORAD id {norad} is not a positive integer below 10^9", code="INPUT_NORAD",
                         field="norad")
    return norad


@router.get("", response_model=ObjectPage, summary="Objects: search, filter, page")
def list_objects(
    request: Request, _key: ReadKey,
    q: Annotated[str | None, Query(max_length=200, description="NORAD id, COSPAR prefix or name substring")] = None,
    owner: Annotated[str | None, Query(max_length=50, description="SATCAT owner code, e.g. US, PRC, CIS")] = None,
    type: Annotated[str | None, Query(max_length=50, description="PAYLOAD, ROCKET BODY, DEBRIS, UNKNOWN")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Any:
    store = state_of(request).store()
    after_v = decode_cursor(cursor, 1)
    after = int(after_v[0]) if after_v and isinstance(after_v[0], int) else 0
    if q is not None and q.strip():
        found = [m for m in store.search_objects(q, limit=10**7) if m.norad_id > after]
        if owner is not None:
            found = [m for m in found if (m.owner or "").upper() == owner.upper()]
        if type is not None:
            found = [m for m in found if (m.object_type or "").upper() == type.upper()]
        page = found[: limit + 1]
    else:
        ids = object_ids(store, after=after, limit=limit + 1, owner=owner, object_type=type)
        meta = store.metadata_for(ids)
        page = [meta[i] for i in ids if i in meta]
    more = len(page) > limit
    page = page[:limit]
    return StrictJSONResponse({"items": [m.to_dict() for m in page],
                               "next_cursor": encode_cursor([page[-1].norad_id]) if more and page else None})


@router.get("/{norad}", response_model=ObjectDetail, summary="One object: metadata and latest element set")
def get_object(request: Request, norad: int, _key: ReadKey) -> Any:
    store = state_of(request).store()
    info = store.object_info(_norad(norad))
    if info is None:
        raise not_found("object", norad, "norad")
    meta = store.metadata(norad)
    latest = store.latest(norad_ids=[norad])
    d = info.to_dict()
    return StrictJSONResponse({
        "norad_id": norad, "metadata": None if meta is None else meta.to_dict(),
        "element_sets": d["element_sets"], "first_epoch_utc": d["first_epoch_utc"],
        "last_epoch_utc": d["last_epoch_utc"],
        "latest": element_set_dict(latest.element_set(0)) if len(latest) else None,
    })


@router.get("/{norad}/elements", response_model=ElementsPage, summary="An object's element-set history")
def get_elements(
    request: Request, norad: int, _key: ReadKey,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Any:
    store = state_of(request).store()
    history = store.history(_norad(norad))
    if not history:
        raise not_found("object", norad, "norad")
    after = decode_cursor(cursor, 1)
    start = 0 if after is None else int(after[0]) if isinstance(after[0], int) else 0
    page = history[start:start + limit]
    more = start + limit < len(history)
    return StrictJSONResponse({"norad_id": norad, "items": [element_set_dict(es) for es in page],
                               "next_cursor": encode_cursor([start + limit]) if more else None})


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


@router.get(
    "/{norad}/ephemeris", response_model=Ephemeris, summary="SGP4 ephemeris (json, csv or CCSDS OEM)",
    responses={200: {"content": {"text/csv": {}, "text/plain": {}}}},
)
def get_ephemeris(
    *,
    request: Request, norad: int, _key: ReadKey,
    start: Annotated[str | None, Query(max_length=64, description="ISO 8601 UTC (default: now)")] = None,
    end: Annotated[str | None, Query(max_length=64, description="ISO 8601 UTC (default: start + 1 day)")] = None,
    step_s: Annotated[float, Query(gt=0, le=86400)] = 60.0,
    frame: Literal["teme", "itrf", "gcrs", "geodetic"] = "teme",
    format: Literal["json", "csv", "oem"] = "json",
) -> Any:
    store = state_of(request).store()
    _norad(norad)
    t0 = parse_utc(start, what="start") if start else now_utc().astype("datetime64[s]").astype("datetime64[us]")
    t1 = parse_utc(end, what="end") if end else t0 + np.timedelta64(1, "D")
    if not t1 >= t0:
        raise InputError("end is before start", code="INPUT_WINDOW", field="end")
    if (t1 - t0) / np.timedelta64(1, "s") / step_s + 1 > MAX_POINTS:
        raise InputError(f"more than {MAX_POINTS:,} points: use a larger step_s or a shorter window",
                         code="INPUT_TOO_LARGE", field="step_s")
    if format == "oem" and frame == "geodetic":
        raise InputError("an OEM holds Cartesian states: use frame teme, itrf or gcrs", field="frame")
    table = store.in_force(t0, [norad])
    if not len(table):
        raise not_found("object", norad, "norad")
    times = time_grid(t0, t1, step_s)
    eph = ephemeris_in_frame(table, times, frame)
    stamps = format_utc(eph.times, digits=3 if bool(np.all(eph.times.astype(np.int64) % 1000 == 0)) else 6)
    ok = eph.err[0] == 0
    if frame == "geodetic":
        assert eph.latitude_deg is not None and eph.longitude_deg is not None and eph.altitude_km is not None
        keys = ["latitude_deg", "longitude_deg", "altitude_km"]
        values = np.stack([eph.latitude_deg[0], eph.longitude_deg[0], eph.altitude_km[0]], axis=-1)
    else:
        assert eph.r_km is not None and eph.v_km_s is not None
        keys = ["x_km", "y_km", "z_km", "vx_km_s", "vy_km_s", "vz_km_s"]
        values = np.concatenate([eph.r_km[0], eph.v_km_s[0]], axis=-1)
    if format == "oem":
        assert eph.r_km is not None and eph.v_km_s is not None
        seg = OEMSegment(
            object_name=table.names[0] or f"NORAD {norad}", object_id=table.cospar_ids[0] or "UNKNOWN",
            ref_frame=CCSDS_REF_FRAMES[frame], times=eph.times[ok], r_km=eph.r_km[0][ok], v_km_s=eph.v_km_s[0][ok],
            comments=(f"NORAD {norad}; SGP4 (WGS-72) from element set epoch {format_utc(table.epoch[0], digits=6)}",))
        return Response(write_oem([seg], creation_date=now_utc(), comments=("orbitwatch serve",)),
                        media_type="text/plain; charset=utf-8")
    rows = [[norad, str(stamps[j]), *(float(x) for x in values[j])] for j in range(len(stamps)) if ok[j]]
    if format == "csv":
        return Response(_csv(["norad", "time_utc", *keys], rows), media_type="text/csv; charset=utf-8")
    points = [dict(zip(["norad", "time_utc", *keys], r, strict=True)) for r in rows]
    return Response(strict_json({"norad_id": norad, "frame": frame,
                                 "element_set_epoch_utc": str(format_utc(table.epoch[0], digits=6)),
                                 "points": points}), media_type="application/json")

