"""``/v1/subscriptions``: where alerts go (a webhook URL or an e-mail address) and for
which events (``filter``: types, norad, watchlist, min_pc, max_miss_km), kept by
:mod:`orbitwatch.store.service` and read by the watch's router
(:mod:`orbitwatch.watch.subscriptions`).  A webhook subscription's creation response
carries its Standard Webhooks signing secret (``whsec_...``) once; later reads never do.
Creating and deleting need the ``write`` scope."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from orbitwatch.server.deps import ReadKey, WriteKey, state_of
from orbitwatch.server.models import Subscription, SubscriptionCreated, SubscriptionRequest
from orbitwatch.server.problems import StrictJSONResponse, not_found
from orbitwatch.store.service import create_subscription, delete_subscription, get_subscription, list_subscriptions
from orbitwatch.watch.subscriptions import check_filter, check_target

router = APIRouter(prefix="/v1/subscriptions", tags=["subscriptions"])


@router.post("", response_model=SubscriptionCreated, status_code=201,
             summary="Create a subscription (write scope); a webhook's secret is returned once")
def create(request: Request, body: SubscriptionRequest, key: WriteKey) -> Any:
    flt = check_filter(body.filter.model_dump(exclude_none=True))
    target = check_target(body.kind, body.target)
    sub = create_subscription(state_of(request).store(), body.kind, target, flt, key_id=key.id)
    return StrictJSONResponse(sub.to_dict(with_secret=True), status_code=201)


@router.get("", response_model=list[Subscription], summary="Live subscriptions")
def all_subscriptions(request: Request, _key: ReadKey) -> Any:
    return StrictJSONResponse([s.to_dict() for s in list_subscriptions(state_of(request).store())])


@router.get("/{subscription_id}", response_model=Subscription, summary="One subscription")
def one(request: Request, subscription_id: str, _key: ReadKey) -> Any:
    sub = get_subscription(state_of(request).store(), subscription_id[:100])
    if sub is None:
        raise not_found("subscription", subscription_id[:100])
    return StrictJSONResponse(sub.to_dict())


@router.delete("/{subscription_id}", status_code=204, summary="Delete a subscription (write scope)")
def delete(request: Request, subscription_id: str, _key: WriteKey) -> Response:
    if not delete_subscription(state_of(request).store(), subscription_id[:100]):
        raise not_found("subscription", subscription_id[:100])
    return Response(status_code=204)
