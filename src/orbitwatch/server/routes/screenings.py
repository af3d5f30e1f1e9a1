"""``/v1/screenings``: uploaded element sets (TLE/3LE or OMM, one or more objects)
screened against the store's catalog by :func:`orbitwatch.api.screen` in a spawned
process (one job at a time); the job record (:mod:`orbitwatch.store.service`) holds status and results.

The uploaded objects are the primaries; their uploaded element sets replace the store's
for the same NORAD ids; the rest of the catalog is each object's latest element set.
An OEM upload is refused (``INPUT_FORMAT``): the library screens element sets, not
ephemerides, yet.
"""

from __future__ import annotations

import logging
import multiprocessing
from typing import Any

import numpy as np
from fastapi import APIRouter, Request

from orbitwatch.api import (
    ElementTable,
    InputError,
    OrbitwatchError,
    format_utc,
    now_utc,
    parse_utc,
    read_element_sets,
    screen,
)
from orbitwatch.server.deps import ReadKey, State, WriteKey, state_of
from orbitwatch.server.models import Job, ScreeningRequest
from orbitwatch.server.problems import StrictJSONResponse, not_found
from orbitwatch.store.service import create_job, get_job, update_job

router = APIRouter(prefix="/v1/screenings", tags=["screenings"])

#: the most objects one upload may hold
MAX_UPLOADED_OBJECTS = 100


def parse_upload(text: str, fmt: str) -> list[Any]:
    if "CCSDS_OEM_VERS" in text[:2000]:
        raise InputError("OEM uploads are not screened yet (the library screens element sets): upload TLE or OMM",
                         code="INPUT_FORMAT", field="elements")
    sets = list(read_element_sets(text.splitlines(keepends=True), source="upload", fmt=fmt))
    if not sets:
        raise InputError("no element sets in the upload", code="INPUT_EMPTY_CATALOG", field="elements")
    if len({s.norad_id for s in sets}) > MAX_UPLOADED_OBJECTS:
        raise InputError(f"more than {MAX_UPLOADED_OBJECTS} objects in one upload", code="INPUT_TOO_LARGE",
                         field="elements")
    return sets


def catalog_with(catalog: ElementTable, uploaded: list[Any]) -> ElementTable:
    """The store's catalog with the uploaded objects' element sets in place of its own."""
    ids = {s.norad_id for s in uploaded}
    keep = [catalog.element_set(i) for i in range(len(catalog)) if int(catalog.norad_id[i]) not in ids]
    return ElementTable.from_element_sets(keep + list(uploaded))


def _job_main(db_path: str, job_id: str, req: dict[str, Any]) -> None:
    """The job, in its own (spawned) process with its own store connection."""
    from orbitwatch.api import Store

    with Store.open(db_path, create=False) as store:
        update_job(store, job_id, "running")
        try:
            uploaded = parse_upload(req["elements"], req["format"])
            start = parse_utc(req["start_utc"], what="start_utc")
            end = start + np.timedelta64(round(req["duration_h"] * 3_600_000_000), "us")
            table = catalog_with(store.latest(), uploaded)
            primaries = sorted({s.norad_id for s in uploaded})
            result = screen(table, start, end, req["threshold_km"], primaries=primaries, exclude_co_moving=True)
            update_job(store, job_id, "done", result={
                "primaries": primaries, "start_utc": str(format_utc(result.start, digits=3)),
                "end_utc": str(format_utc(result.end, digits=3)), "threshold_km": result.threshold_km,
                "objects": len(table), "conjunctions": [c.to_dict() for c in result.conjunctions],
                "failures": len(result.failures)})
        except Exception as exc:  # the job fails, the service goes on
            if not isinstance(exc, OrbitwatchError):
                logging.getLogger("orbitwatch.server").exception("screening job %s failed", job_id)
            code = getattr(exc, "code", "INTERNAL")
            message = getattr(exc, "message", None) or "internal error"
            update_job(store, job_id, "failed", error={"code": code, "message": message,
                                                       "field": getattr(exc, "field", None)})


def run_job(st: State, job_id: str, req: dict[str, Any]) -> None:
    """Run one job in a spawned process and wait for it (in the service's job thread).

    A process of its own, not a thread: the screening forks SGP4 workers, which must not
    happen in a process running the server's threads, and a job must not slow the API."""
    proc = multiprocessing.get_context("spawn").Process(
        target=_job_main, args=(str(st.db_path), job_id, req), name=f"orbitwatch-{job_id}")
    proc.start()  # not a daemon: the screening starts worker processes of its own
    st.job_processes.add(proc)
    try:
        proc.join()
    finally:
        st.job_processes.discard(proc)
    if proc.exitcode != 0:
        job = get_job(st.store(), job_id)
        if job is not None and job.status in ("queued", "running"):
            update_job(st.store(), job_id, "failed", error={
                "code": "INTERNAL", "message": f"the screening process ended with status {proc.exitcode}",
                "field": None})


@router.post("", response_model=Job, status_code=202, summary="Screen uploaded element sets (write scope)")
def create(request: Request, body: ScreeningRequest, key: WriteKey) -> Any:
    st = state_of(request)
    parse_upload(body.elements, body.format)  # refuse bad uploads now, not in the job
    start = parse_utc(body.start_utc, what="start_utc") if body.start_utc else now_utc()
    req = body.model_dump()
    req["start_utc"] = str(format_utc(start, digits=6))
    job = create_job(st.store(), req, key_id=key.id)
    st.jobs.submit(run_job, st, job.id, req)
    return StrictJSONResponse(job.to_dict(), status_code=202)


@router.get("/{job_id}", response_model=Job, summary="A screening job: status and results")
def get(request: Request, job_id: str, _key: ReadKey) -> Any:
    job = get_job(state_of(request).store(), job_id[:100])
    if job is None:
        raise not_found("screening job", job_id[:100])
    return StrictJSONResponse(job.to_dict())
