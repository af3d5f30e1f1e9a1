"""Pydantic models of the service's requests and responses (what ``/openapi.json``
describes).  Field names carry their units as the CLI's JSON does (``_km``, ``_km_s``,
``_deg``, ``_utc``, ``_rev_per_day``); times are ISO 8601 UTC strings with ``Z``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Conjunction",
    "ConjunctionPage",
    "ElementSetOut",
    "ElementsPage",
    "Error",
    "Event",
    "EventPage",
    "Health",
    "Job",
    "ObjectDetail",
    "ObjectMeta",
    "ObjectPage",
    "ScreeningRequest",
    "Subscription",
    "SubscriptionCreated",
    "SubscriptionFilter",
    "SubscriptionRequest",
    "Watchlist",
    "WatchlistRequest",
]


class Error(BaseModel):
    """Every error response: the library's code, a message for people, the field at fault."""

    code: str
    message: str
    field: str | None = None


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    schema_version: int
    time_utc: str
    last_cycle_utc: str | None
    watch: bool


class ObjectMeta(BaseModel):
    """What the store knows about an object (SATCAT, element sets, UCS)."""

    norad_id: int
    name: str | None = None
    cospar_id: str | None = None
    object_type: str | None = None
    owner: str | None = None
    launch_date: str | None = None
    decay_date: str | None = None
    type_source: str | None = None
    launch_site: str | None = None
    rcs_size: str | None = None
    satcat_source: str | None = None
    operator: str | None = None
    operator_country: str | None = None
    users: str | None = None
    purpose: str | None = None
    detailed_purpose: str | None = None
    class_of_orbit: str | None = None
    ucs_name: str | None = None
    ucs_cospar_id: str | None = None
    ucs_source: str | None = None
    ucs_conflict: bool | None = None


class ObjectPage(BaseModel):
    items: list[ObjectMeta]
    next_cursor: str | None


class ElementSetOut(BaseModel):
    """One element set (SGP4 mean elements, TEME) with its TLE lines where a TLE can hold it."""

    norad_id: int
    name: str | None
    cospar_id: str | None
    epoch_utc: str
    mean_motion_rev_per_day: float
    eccentricity: float
    inclination_deg: float
    raan_deg: float
    arg_perigee_deg: float
    mean_anomaly_deg: float
    bstar_per_earth_radius: float
    mean_motion_dot_rev_per_day2: float
    mean_motion_ddot_rev_per_day3: float
    element_set_no: int
    rev_at_epoch: int
    source: str | None
    tle_line1: str | None
    tle_line2: str | None


class ObjectDetail(BaseModel):
    norad_id: int
    metadata: ObjectMeta | None
    element_sets: int
    first_epoch_utc: str | None
    last_epoch_utc: str | None
    latest: ElementSetOut | None


class ElementsPage(BaseModel):
    norad_id: int
    items: list[ElementSetOut]
    next_cursor: str | None


class EphemerisPoint(BaseModel):
    """One state: Cartesian (``x_km`` ... ``vz_km_s``) or geodetic (``latitude_deg`` ...)."""

    norad: int
    time_utc: str
    x_km: float | None = None
    y_km: float | None = None
    z_km: float | None = None
    vx_km_s: float | None = None
    vy_km_s: float | None = None
    vz_km_s: float | None = None
    latitude_deg: float | None = None
    longitude_deg: float | None = None
    altitude_km: float | None = None


class Ephemeris(BaseModel):
    norad_id: int
    frame: str
    element_set_epoch_utc: str
    points: list[EphemerisPoint]


class Conjunction(BaseModel):
    """One conjunction of a stored screening run (SOCRATES-like), with its Pc when the run has one."""

    id: str
    run_id: int
    norad_1: int
    name_1: str | None
    norad_2: int
    name_2: str | None
    tca_utc: str
    miss_distance_km: float
    relative_speed_km_s: float
    radial_km: float
    in_track_km: float
    cross_track_km: float
    approach_angle_deg: float
    epoch_age_1_d: float
    epoch_age_2_d: float
    pc: float | None
    owner_1: str | None = None
    owner_2: str | None = None
    operator_1: str | None = None
    operator_2: str | None = None
    users_1: str | None = None
    users_2: str | None = None
    purpose_1: str | None = None
    purpose_2: str | None = None
    ucs_conflict_1: bool | None = None
    ucs_conflict_2: bool | None = None


class ConjunctionPage(BaseModel):
    run_id: int | None
    run_created_utc: str | None
    window_start_utc: str | None
    window_end_utc: str | None
    threshold_km: float | None
    items: list[Conjunction]
    next_cursor: str | None


class EventObject(BaseModel):
    """An event's object: SATCAT owner and UCS operator/users/purpose (``ucs_conflict``: the UCS
    row's COSPAR id differs from the SATCAT's), ``null`` where the store does not know them."""

    norad: int
    name: str | None
    owner: str | None
    operator: str | None = None
    users: str | None = None
    purpose: str | None = None
    ucs_conflict: bool | None = None


class Event(BaseModel):
    """One watch event (issue-14 event model)."""

    id: str
    type: str
    severity: str
    created_utc: str
    updated_utc: str
    time_utc: str
    objects: list[EventObject]
    summary: str
    details: dict[str, Any]
    evidence: dict[str, Any]
    revision: int


class EventPage(BaseModel):
    items: list[Event]
    next_cursor: str | None


class ScreeningRequest(BaseModel):
    """An uploaded screening: element sets (TLE, 3LE, OMM KVN/XML/JSON/CSV) of one or more
    objects, screened against the store's catalog over ``[start_utc, start_utc + duration_h]``."""

    model_config = ConfigDict(extra="forbid")

    elements: str = Field(min_length=1, description="the element-set text (TLE, 3LE or OMM)")
    format: Literal["auto", "tle", "omm-kvn", "omm-xml", "omm-json", "omm-csv"] = "auto"
    start_utc: str | None = Field(default=None, description="window start (default: now)")
    duration_h: float = Field(default=168.0, gt=0, le=24 * 14)
    threshold_km: float = Field(default=5.0, gt=0, le=100)


class Job(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    created_utc: str
    updated_utc: str
    request: dict[str, Any]
    result: dict[str, Any] | None
    error: Error | None


class WatchlistRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    norad_ids: list[int] = Field(max_length=100_000)


class Watchlist(BaseModel):
    id: str
    name: str
    norad_ids: list[int]
    created_utc: str


class SubscriptionFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    types: list[Literal["conjunction", "maneuver", "rpo", "fragmentation", "decay", "new_object"]] | None = None
    norad: list[int] | None = None
    watchlist: str | None = None
    min_pc: float | None = Field(default=None, ge=0, le=1)
    max_miss_km: float | None = Field(default=None, ge=0)


class SubscriptionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["webhook", "email"]
    target: str = Field(min_length=1, max_length=2000)
    filter: SubscriptionFilter = Field(default_factory=SubscriptionFilter)


class Subscription(BaseModel):
    id: str
    kind: str
    target: str
    filter: dict[str, Any]
    created_utc: str
    deleted_utc: str | None


class SubscriptionCreated(Subscription):
    """The creation response: a webhook's signing secret (``whsec_...``), shown this once."""

    secret: str | None
