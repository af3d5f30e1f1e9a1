"""``GET /v1/health``: liveness and the store's schema, no key needed."""

from __future__ import annotations

import numpy as np
from fastapi import APIRouter, Request

from orbitwatch import __version__
from orbitwatch.api import format_utc, now_utc
from orbitwatch.server.deps import state_of
from orbitwatch.server.models import Health
from orbitwatch.server.queries import last_cycle_us

router = APIRouter(prefix="/v1", tags=["health"])


@router.get("/health", response_model=Health, summary="Service health (no key)")
def health(request: Request) -> Health:
    st = state_of(request)
    store = st.store()
    last = last_cycle_us(store)
    return Health(
        status="ok", version=__version__, schema_version=store.schema_version,
        time_utc=str(format_utc(now_utc(), digits=3)),
        last_cycle_utc=None if last is None else str(format_utc(np.datetime64(last, "us"), digits=3)),
        watch=st.config.watch,
    )
