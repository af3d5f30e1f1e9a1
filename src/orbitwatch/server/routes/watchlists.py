"""``/v1/watchlists``: named sets of NORAD ids (:mod:`orbitwatch.store.service`) that
subscriptions and the watch's screening can refer to.  Creating and deleting need the
``write`` scope."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from orbitwatch.server.deps import ReadKey, WriteKey, state_of
from orbitwatch.server.models import Watchlist, WatchlistRequest
from orbitwatch.server.problems import StrictJSONResponse, not_found
from orbitwatch.store.service import create_watchlist, delete_watchlist, get_watchlist, list_watchlists

router = APIRouter(prefix="/v1/watchlists", tags=["watchlists"])


@router.post("", response_model=Watchlist, status_code=201, summary="Create a watch-list (write scope)")
def create(request: Request, body: WatchlistRequest, key: WriteKey) -> Any:
    wl = create_watchlist(state_of(request).store(), body.name, body.norad_ids, key_id=key.id)
    return StrictJSONResponse(wl.to_dict(), status_code=201)


@router.get("", response_model=list[Watchlist], summary="All watch-lists")
def all_watchlists(request: Request, _key: ReadKey) -> Any:
    return StrictJSONResponse([w.to_dict() for w in list_watchlists(state_of(request).store())])


@router.get("/{watchlist_id}", response_model=Watchlist, summary="One watch-list (by id or name)")
def one(request: Request, watchlist_id: str, _key: ReadKey) -> Any:
    wl = get_watchlist(state_of(request).store(), watchlist_id[:200])
    if wl is None:
        raise not_found("watch-list", watchlist_id[:200])
    return StrictJSONResponse(wl.to_dict())


@router.delete("/{watchlist_id}", status_code=204, summary="Delete a watch-list (write scope)")
def delete(request: Request, watchlist_id: str, _key: WriteKey) -> Response:
    if not delete_watchlist(state_of(request).store(), watchlist_id[:200]):
        raise not_found("watch-list", watchlist_id[:200])
    return Response(status_code=204)
