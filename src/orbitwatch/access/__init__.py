"""Access: who can see whom, when — passes, illumination, exposure, ground-station contacts.

Modules (one concept each):

* :mod:`~orbitwatch.access.sites` — ground sites (WGS-84), masks, CSV/GeoJSON readers;
* :mod:`~orbitwatch.access.events` — the one event finder (sign changes + grazing
  extrema, refined), in the manner of Skyfield's ``searchlib``;
* :mod:`~orbitwatch.access.sun` — the Sun from JPL DE421 and the conical shadow model;
* :mod:`~orbitwatch.access.passes` — vectorised passes over N satellites x M sites;
* :mod:`~orbitwatch.access.exposure` — line-of-sight exposure of a fleet to sites;
* :mod:`~orbitwatch.access.contacts` — contact windows, a greedy schedule, resilience.

Pass times are checked against Skyfield's ``find_events`` and eclipse times against its
``is_sunlit`` in ``tests/access``.
"""

from orbitwatch.access.contacts import ContactReport, contacts, greedy_schedule, resilience
from orbitwatch.access.exposure import ExposureReport, exposure
from orbitwatch.access.passes import Conditions, PassTable, find_passes
from orbitwatch.access.sites import Site, SiteTable, load_sites, parse_site_arg

__all__ = [
    "Conditions",
    "ContactReport",
    "ExposureReport",
    "PassTable",
    "Site",
    "SiteTable",
    "contacts",
    "exposure",
    "find_passes",
    "greedy_schedule",
    "load_sites",
    "parse_site_arg",
    "resilience",
]
