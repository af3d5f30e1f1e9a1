"""Access: who can see whom, when — passes, illumination, exposure, ground-station contacts.

Modules (one concept each):

* :mod:`~orbitwatch.access.sites` — ground sites (WGS-84), masks, CSV/GeoJSON readers;
* :mod:`~orbitwatch.access.events` — the one event finder (sign changes + grazing
  extrema, refined), in the manner of Skyfield's ``searchlib``;
* :mod:`~orbitwatch.access.sun` — the Sun from JPL DE421 and the conical shadow model;
* :mod:`~orbitwatch.access.passes` — vectorised passes over N satellites x M sites;
* :mod:`~orbitwatch.access.exposure` — line-of-sight exposure of a fleet to sites;
* :mod:`~orbitwatch.access.contacts` — contact windows, a greedy schedule, resilience;
* :mod:`~orbitwatch.access.resilience` — visibility single points of failure and optimal
  (max-flow) capacity loss for every outage of 1..k stations;
* :mod:`~orbitwatch.access.isr` — dazzling exposure of UCS-selected imaging satellites
  (off-nadir angle vs field of regard, daylight for optical sensors).

Pass times are checked against Skyfield's ``find_events`` and eclipse times against its
``is_sunlit`` in ``tests/access``.
"""

from orbitwatch.access.contacts import ContactReport, contacts, greedy_schedule, resilience
from orbitwatch.access.exposure import ExposureReport, exposure
from orbitwatch.access.isr import DazzleReport, IsrSatellite, dazzle_exposure, select_isr
from orbitwatch.access.passes import DEFAULT_MIN_ELEVATION_DEG, Conditions, PassTable, find_passes
from orbitwatch.access.resilience import ResilienceReport, optimal_capacity, resilience_report
from orbitwatch.access.sites import Site, SiteTable, load_sites, parse_site_arg

__all__ = [
    "DEFAULT_MIN_ELEVATION_DEG",
    "Conditions",
    "ContactReport",
    "DazzleReport",
    "ExposureReport",
    "IsrSatellite",
    "PassTable",
    "ResilienceReport",
    "Site",
    "SiteTable",
    "contacts",
    "dazzle_exposure",
    "exposure",
    "find_passes",
    "greedy_schedule",
    "load_sites",
    "optimal_capacity",
    "parse_site_arg",
    "resilience",
    "resilience_report",
    "select_isr",
]
