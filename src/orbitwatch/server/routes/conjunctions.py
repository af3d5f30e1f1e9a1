"""``/v1/conjunctions``: the conjunctions of the store's latest screening run
(:mod:`orbitwatch.store.screening_runs`), SOCRATES-like rows with Pc where the run has it,
filtered, sorted (``tca``, ``miss``, ``pc``) and paged by cursor; one conjunction; and its
CCSDS CDM 1.0 (CCSDS 508.0-B-1, KVN or XML) built by the library from SGP4 states at TCA
and TLE error-model covariances (:func:`orbitwatch.api.conjunction_risk`, as
``orbitwatch screen --cdm-dir`` does).

A conjunction's id is ``<run>-<norad_1>-<norad_2>-<tca unix us>``; a run never changes
once stored, so its rows are read once and kept in memory (per run id).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from orbitwatch.api import (
    InputError,
    build_cdm,
    conjunction_risk,
    estimate_tle_uncertainty,
    format_utc,
    now_utc,
    parse_utc,
    write_cdm_kvn,
    write_cdm_xml,
)
from orbitwatch.server.deps import ReadKey, State, decode_cursor, encode_cursor, state_of
from orbitwatch.server.models import Conjunction, ConjunctionPage
from orbitwatch.server.problems import StrictJSONResponse, not_found
from orbitwatch.server.queries import latest_run_id
from orbitwatch.store.screening_runs import get_run, load_conjunctions, pc_of_run

router = APIRouter(prefix="/v1/conjunctions", tags=["conjunctions"])

_SORT_KEYS = {"tca": "tca_utc", "miss": "miss_distance_km", "pc": "pc"}


class RunRows:
    """One stored run's rows, ready to serve."""

    def __init__(self, run: dict[str, Any], rows: list[dict[str, Any]]) -> None:
        self.run = run
        self.rows = rows
        self.by_id = {r["id"]: r for r in rows}
        self.by_norad: dict[int, list[dict[str, Any]]] = {}
        for r in rows:
            self.by_norad.setdefault(r["norad_1"], []).append(r)
            if r["norad_2"] != r["norad_1"]:
                self.by_norad.setdefault(r["norad_2"], []).append(r)


def run_rows(st: State, run_id: int) -> RunRows:
    key = ("run", run_id)
    with st.cache_lock:
        hit = st.cache.get(key)
    if hit is not None:
        return hit
    store = st.store()
    run = get_run(store, run_id)
    pcs = pc_of_run(run)
    conj = load_conjunctions(store, run_id)
    ids = {c.norad_1 for c in conj} | {c.norad_2 for c in conj}
    fields_1, fields_2 = store.object_fields(ids, "_1"), store.object_fields(ids, "_2")
    rows = []
    for c in conj:
        tca_us = int(c.tca.astype(np.int64))
        pc = pcs.get((c.norad_1, c.norad_2, tca_us))
        d = c.to_dict()
        d.update(id=f"{run_id}-{c.norad_1}-{c.norad_2}-{tca_us}", run_id=run_id,
                 pc=None if pc is None or not math.isfinite(pc) else pc,
                 **fields_1[c.norad_1], **fields_2[c.norad_2])
        rows.append(d)
    value = RunRows(run, rows)
    with st.cache_lock:
        st.cache[key] = value
        for k in [k for k in st.cache if isinstance(k, tuple) and k[0] == "run" and k[1] < run_id - 2]:
            del st.cache[k]  # keep the latest few runs only
    return value


def _sort_value(row: dict[str, Any], sort: str) -> Any:
    if sort == "pc":
        pc = row["pc"]
        return -1.0 if pc is None else -float(pc)  # highest first, no Pc last
    return row[_SORT_KEYS[sort]]


@router.get("", response_model=ConjunctionPage, summary="Conjunctions of the latest screening run")
def list_conjunctions(
    *,
    request: Request, _key: ReadKey,
    norad: Annotated[int | None, Query(ge=1, lt=10**9, description="either object of the pair")] = None,
    min_pc: Annotated[float | None, Query(ge=0, le=1)] = None,
    max_miss_km: Annotated[float | None, Query(ge=0, le=1e6)] = None,
    start: Annotated[str | None, Query(max_length=64, description="TCA at or after (ISO 8601 UTC)")] = None,
    end: Annotated[str | None, Query(max_length=64, description="TCA at or before (ISO 8601 UTC)")] = None,
    sort: Literal["tca", "miss", "pc"] = "tca",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
) -> Any:
    st = state_of(request)
    run_id = latest_run_id(st.store())
    t0 = None if start is None else str(format_utc(parse_utc(start, what="start"), digits=3))
    t1 = None if end is None else str(format_utc(parse_utc(end, what="end"), digits=3))
    after = decode_cursor(cursor, 2)
    if run_id is None:
        return StrictJSONResponse({"run_id": None, "run_created_utc": None, "window_start_utc": None,
                                   "window_end_utc": None, "threshold_km": None, "items": [], "next_cursor": None})
    rr = run_rows(st, run_id)
    rows = rr.rows if norad is None else rr.by_norad.get(norad, [])
    if min_pc is not None:
        rows = [r for r in rows if r["pc"] is not None and r["pc"] >= min_pc]
    if max_miss_km is not None:
        rows = [r for r in rows if r["miss_distance_km"] <= max_miss_km]
    if t0 is not None:
        rows = [r for r in rows if r["tca_utc"] >= t0]
    if t1 is not None:
        rows = [r for r in rows if r["tca_utc"] <= t1]
    keyed = sorted((((_sort_value(r, sort), r["id"]), r) for r in rows), key=lambda kr: kr[0])
    if after is not None:
        a = (after[0], after[1])
        try:
            keyed = [kr for kr in keyed if kr[0] > a]
        except TypeError:
            raise InputError("not a cursor of this listing (use next_cursor of the previous page)",
                             code="INPUT_CURSOR", field="cursor") from None
    page = keyed[:limit]
    more = len(keyed) > limit
    run = rr.run
    return StrictJSONResponse({
        "run_id": run_id, "run_created_utc": run["created_utc"], "window_start_utc": run["start_utc"],
        "window_end_utc": run["end_utc"], "threshold_km": run["threshold_km"],
        "items": [r for _, r in page],
        "next_cursor": encode_cursor(list(page[-1][0])) if more and page else None,
    })


def _find(st: State, conj_id: str) -> tuple[RunRows, dict[str, Any]]:
    parts = conj_id.split("-")
    if len(parts) != 4 or not all(p.isdigit() for p in parts) or len(conj_id) > 80:
        raise not_found("conjunction", conj_id)
    try:
        rr = run_rows(st, int(parts[0]))
    except InputError:
        raise not_found("conjunction", conj_id) from None
    row = rr.by_id.get(conj_id)
    if row is None:
        raise not_found("conjunction", conj_id)
    return rr, row


@router.get("/{conj_id}", response_model=Conjunction, summary="One conjunction")
def get_conjunction(request: Request, conj_id: str, _key: ReadKey) -> Any:
    _, row = _find(state_of(request), conj_id)
    return StrictJSONResponse(row)


def _cospar_text(cospar: Any) -> str:
    if not cospar or not str(cospar).strip():
        return "UNKNOWN"
    text = str(cospar).strip()
    if "-" in text or not (len(text) >= 5 and text[:5].isdigit()):
        return text
    yy = int(text[:2])
    return f"{1900 + yy if yy >= 57 else 2000 + yy}-{text[2:5]}{text[5:]}"


@router.get("/{conj_id}/cdm", summary="The conjunction as a CCSDS CDM (KVN or XML)",
            responses={200: {"content": {"text/plain": {}, "application/xml": {}}}})
def get_cdm(request: Request, conj_id: str, _key: ReadKey, format: Literal["kvn", "xml"] = "kvn") -> Response:
    st = state_of(request)
    rr, row = _find(st, conj_id)
    store = st.store()
    n1, n2 = row["norad_1"], row["norad_2"]
    tca = parse_utc(row["tca_utc"])
    tca_us = np.datetime64(int(conj_id.split("-")[3]), "us")
    table = store.in_force(parse_utc(rr.run["start_utc"]), [n1, n2])
    models = {}
    for n in (n1, n2):
        history = store.history(n)
        if len(history) > 1:
            models[n] = estimate_tle_uncertainty(history)
    method = rr.run["params"].get("pc_method") or "foster"
    risk = conjunction_risk(table, [n1], [n2], np.array([tca_us]), method=method, uncertainties=models)
    if not np.isfinite(risk.states_km[0]).all():
        raise InputError("SGP4 fails at this TCA for one of the objects: no CDM", code="PROP_FAILED", field="tca")
    cospar = {int(n): c for n, c in zip(table.norad_id.tolist(), table.cospar_ids, strict=True)}
    pc = float(risk.pc.pc[0])
    cdm = build_cdm(
        tca=tca_us, creation_date=now_utc(), originator="ORBITWATCH", message_id=conj_id,
        states_km=risk.states_km[0], covariances_km2=risk.covariances_km2[0],
        objects=tuple({"OBJECT_DESIGNATOR": str(n), "OBJECT_NAME": nm or "UNKNOWN",
                       "INTERNATIONAL_DESIGNATOR": _cospar_text(cospar.get(n))}
                      for n, nm in ((n1, row["name_1"]), (n2, row["name_2"]))),
        hbr_m=float(risk.hbr_m[0]), collision_probability=pc if np.isfinite(pc) else None,
        collision_probability_method=risk.pc.method[0].upper(),
        comments=(f"orbitwatch serve: screening run {rr.run['id']}, TCA {format_utc(tca, digits=3)}; "
                  "states from SGP4 (TLE), covariances from a TLE error model "
                  f"({risk.covariance_source[0][0]}/{risk.covariance_source[0][1]})",),
    )
    if format == "xml":
        return Response(write_cdm_xml(cdm), media_type="application/xml")
    return Response(write_cdm_kvn(cdm), media_type="text/plain; charset=utf-8")
