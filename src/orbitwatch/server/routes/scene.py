"""The dashboard's scene routes: CZML scenes (:mod:`orbitwatch.czml`, Cesium's CZML packet
reference), the relative motion of a conjunction or two-object event, and the whole
catalog's mean elements in one columnar document for client-side SGP4 (satellite.js's
``json2satrec`` takes CelesTrak OMM JSON field names, CCSDS 502.0-B-3 OMM).

* ``GET /v1/conjunctions/{id}/czml``, ``GET /v1/events/{id}/czml``,
  ``GET /v1/objects/{norad}/czml?start=&end=``: ``application/json`` CZML documents
  whose clock interval is the scene's window.
* ``GET /v1/conjunctions/{id}/relative``, ``GET /v1/events/{id}/relative``: range and
  RIC offsets over the scene's window.
* ``GET /v1/catalog/elements``: per object of the store its latest element set, as
  columns (``norad_id``, ``name``, ``object_type``, ``owner``, ``epoch_unix_ms`` and the
  OMM mean elements), built once per store state (element-set watermark) and sent gzip
  -compressed when the client accepts it (the 27,485-object catalog: about 1 MB).
"""

from __future__ import annotations

import gzip
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from orbitwatch.api import format_utc, now_utc, parse_utc
from orbitwatch.czml import (
    conjunction_scene,
    event_scene,
    objects_scene,
    relative_motion,
    scene_czml,
)
from orbitwatch.server.deps import ReadKey, state_of
from orbitwatch.server.problems import strict_json
from orbitwatch.store.events import element_watermark

router = APIRouter(tags=["scene"])

CZML_MEDIA = "application/json"
TimeQuery = Annotated[str | None, Query(max_length=64, description="ISO 8601 UTC")]


def _t(text: str | None, what: str) -> Any:
    return None if not text else parse_utc(text, what=what)


@router.get("/v1/conjunctions/{conj_id}/czml", summary="A conjunction's CZML scene (TCA +- 30 min)")
def conjunction_czml(request: Request, conj_id: str, _key: ReadKey, start: TimeQuery = None,
                     end: TimeQuery = None) -> Any:
    store = state_of(request).store()
    scene = conjunction_scene(store, conj_id, _t(start, "start"), _t(end, "end"))
    return Response(scene_czml(store, scene), media_type=CZML_MEDIA)


@router.get("/v1/events/{event_id}/czml", summary="An event's CZML scene (around its time)")
def event_czml(request: Request, event_id: str, _key: ReadKey, start: TimeQuery = None,
               end: TimeQuery = None) -> Any:
    store = state_of(request).store()
    scene = event_scene(store, event_id, _t(start, "start"), _t(end, "end"))
    return Response(scene_czml(store, scene), media_type=CZML_MEDIA)


@router.get("/v1/objects/{norad}/czml", summary="An object's CZML scene (default: now + 3 h)")
def object_czml(request: Request, norad: int, _key: ReadKey, start: TimeQuery = None,
                end: TimeQuery = None) -> Any:
    store = state_of(request).store()
    t0 = _t(start, "start")
    if t0 is None:
        t0 = now_utc().astype("datetime64[s]").astype("datetime64[us]")
    t1 = _t(end, "end")
    if t1 is None:
        t1 = t0 + np.timedelta64(3, "h")
    return Response(scene_czml(store, objects_scene([norad], t0, t1)), media_type=CZML_MEDIA)


@router.get("/v1/conjunctions/{conj_id}/relative", summary="A conjunction's range and RIC offsets over time")
def conjunction_relative(request: Request, conj_id: str, _key: ReadKey, start: TimeQuery = None,
                         end: TimeQuery = None) -> Any:
    store = state_of(request).store()
    scene = conjunction_scene(store, conj_id, _t(start, "start"), _t(end, "end"))
    return Response(strict_json(relative_motion(store, scene)), media_type="application/json")


@router.get("/v1/events/{event_id}/relative", summary="A two-object event's range and RIC offsets over time")
def event_relative(request: Request, event_id: str, _key: ReadKey, start: TimeQuery = None,
                   end: TimeQuery = None) -> Any:
    store = state_of(request).store()
    scene = event_scene(store, event_id, _t(start, "start"), _t(end, "end"))
    return Response(strict_json(relative_motion(store, scene)), media_type="application/json")


def _column(values: Any) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if v is None or (isinstance(v, float) and not np.isfinite(v)):
            out.append(None)
        else:
            out.append(v.item() if hasattr(v, "item") else v)
    return out


def catalog_document(store: Any) -> bytes:
    """The store's latest element set per object as one columnar strict-JSON document."""
    table = store.latest()
    ids = [int(n) for n in table.norad_id]
    meta = store.metadata_for(ids)
    types = [(meta[n].object_type if n in meta else None) or (table.object_types[k] if len(table.object_types) > k
                                                                else None) for k, n in enumerate(ids)]
    owners = [(meta[n].owner if n in meta else None) or (table.owners[k] if len(table.owners) > k else None)
              for k, n in enumerate(ids)]
    doc = {
        "count": len(ids),
        "generated_utc": str(format_utc(now_utc())),
        "columns": {
            "norad_id": ids,
            "name": _column(table.names),
            "cospar_id": _column(table.cospar_ids),
            "object_type": _column(types),
            "owner": _column(owners),
            "epoch_unix_ms": [round(float(u) / 1000.0, 3) for u in table.epoch.astype(np.int64)],
            "MEAN_MOTION": np.round(table.mean_motion_rev_per_day, 10).tolist(),
            "ECCENTRICITY": np.round(table.eccentricity, 9).tolist(),
            "INCLINATION": np.round(table.inclination_deg, 8).tolist(),
            "RA_OF_ASC_NODE": np.round(table.raan_deg, 8).tolist(),
            "ARG_OF_PERICENTER": np.round(table.arg_perigee_deg, 8).tolist(),
            "MEAN_ANOMALY": np.round(table.mean_anomaly_deg, 8).tolist(),
            "BSTAR": table.bstar_per_earth_radius.tolist(),
            "MEAN_MOTION_DOT": table.mean_motion_dot_rev_per_day2.tolist(),
            "MEAN_MOTION_DDOT": table.mean_motion_ddot_rev_per_day3.tolist(),
        },
    }
    return strict_json(doc)


@router.get("/v1/catalog/elements", summary="Every object's latest mean elements, columnar (for client SGP4)")
def catalog_elements(request: Request, _key: ReadKey) -> Any:
    st = state_of(request)
    store = st.store()
    mark = element_watermark(store)
    key = ("catalog-elements", str(st.db_path), mark)
    with st.cache_lock:
        hit = st.cache.get(key)
    if hit is None:
        body = catalog_document(store)
        hit = (body, gzip.compress(body, compresslevel=5, mtime=0))
        with st.cache_lock:
            for k in [k for k in st.cache if isinstance(k, tuple) and k and k[0] == "catalog-elements"]:
                del st.cache[k]
            st.cache[key] = hit
    plain, packed = hit
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(packed, media_type="application/json",
                        headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
    return Response(plain, media_type="application/json", headers={"Vary": "Accept-Encoding"})
