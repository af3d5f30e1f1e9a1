"""The public surface of orbitwatch: the names a program, the CLI and the HTTP service use.

Everything a caller needs for the batch loop is importable from here, one name per
capability, the way ``httpx`` or ``skyfield.api`` present theirs::

    from orbitwatch.api import Store, read_catalog_files, screen, conjunction_risk

    table, rejects = read_catalog_files(["catalog.tle.gz"])
    result = screen(table, "2025-04-15T00:00:00Z", "2025-04-22T00:00:00Z", 5.0)

Groups, in the order of the pipeline:

- time: :func:`parse_utc`, :func:`format_utc`, :func:`as_utc`, :func:`now_utc`,
  :func:`time_grid` (one UTC type: ``numpy.datetime64[us]``);
- element sets: :class:`ElementSet`, :class:`ElementTable`, :func:`read_element_sets`,
  :func:`read_catalog_files`, :func:`format_tle`, :func:`format_omm_kvn`,
  :func:`format_omm_xml`, the set in force at a time (:func:`in_force_index`,
  :func:`merge_in_force`);
- the store: :class:`Store`, :func:`check_store`, :func:`default_db_path`;
- sources: :func:`fetch_celestrak_group`, :func:`fetch_spacetrack_gp`;
- propagation: :func:`propagate`, :func:`sgp4_model`, :func:`ephemeris_in_frame`,
  :data:`FRAMES`;
- screening: :func:`screen`, :func:`screen_on_cluster`, :class:`ScreeningResult`,
  :class:`Conjunction`;
- risk: :func:`conjunction_risk`, :func:`pc_from_cdm`, :func:`pc_for_states`,
  :data:`PC_METHODS`, :func:`estimate_tle_uncertainty`, :func:`read_hbr_table`;
- CCSDS messages: :func:`read_cdm`, :func:`build_cdm`, :func:`write_cdm_kvn`,
  :func:`write_cdm_xml`, :func:`read_oem`, :func:`write_oem`;
- monitors: :func:`detect_maneuvers`, :func:`monitor_rpo`; fragmentations through the
  namespace :mod:`breakup` (:mod:`orbitwatch.detection.breakup_workflow`),
  one call per ``orbitwatch breakup`` command (``breakup.detect``, ``breakup.reconstruct``,
  ``breakup.simulate``, ``breakup.gabbard``, ``breakup.risk``) over a ``breakup.ElementSource``;
- access: :func:`load_sites`, :func:`find_passes`, :func:`exposure`,
  :func:`dazzle_exposure`, :func:`contacts`, :func:`resilience_report`;
- findings for others: the namespaces :mod:`evidence` (:mod:`orbitwatch.evidence`, the
  evidence package of one finding per kind), :mod:`czml` (:mod:`orbitwatch.czml`, CesiumJS
  scenes of objects, a stored conjunction or a watch event) and :mod:`plots`
  (:mod:`orbitwatch.plots`, every figure; the only module that imports matplotlib, lazily);
- errors: :class:`OrbitwatchError` and its families.

Names not listed in ``__all__`` are internal and may change without notice;
``tests/test_api.py`` pins this list so that a change to it is deliberate.
"""

from __future__ import annotations

from orbitwatch import czml, evidence, plots
from orbitwatch.access import (
    contacts,
    dazzle_exposure,
    exposure,
    find_passes,
    load_sites,
    resilience_report,
)
from orbitwatch.catalog import ElementSet, ElementTable
from orbitwatch.catalog.history import in_force_index, merge_in_force
from orbitwatch.catalog.omm import format_omm_kvn, format_omm_xml
from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.catalog.tle import format_tle
from orbitwatch.ccsds.cdm import build_cdm, read_cdm, write_cdm_kvn, write_cdm_xml
from orbitwatch.ccsds.oem import read_oem, write_oem
from orbitwatch.detection import breakup_workflow as breakup
from orbitwatch.detection.maneuvers import detect_maneuvers
from orbitwatch.detection.proximity import monitor_rpo
from orbitwatch.errors import (
    DataError,
    InputError,
    OrbitwatchError,
    ParseError,
    PropagationError,
    SourceError,
    StoreError,
)
from orbitwatch.propagation import FRAMES, ephemeris_in_frame, propagate, sgp4_model
from orbitwatch.risk import METHODS as PC_METHODS
from orbitwatch.risk import pc_for_states, pc_from_cdm
from orbitwatch.risk.conjunctions import conjunction_risk
from orbitwatch.risk.covariance import estimate_tle_uncertainty
from orbitwatch.risk.hbr import read_hbr_table
from orbitwatch.screening import Conjunction, ScreeningResult, screen
from orbitwatch.screening.distributed import screen_on_cluster
from orbitwatch.sources.celestrak import fetch_celestrak_group
from orbitwatch.sources.files import read_catalog_files
from orbitwatch.sources.spacetrack import fetch_spacetrack_gp
from orbitwatch.store import Store, check_store, default_db_path
from orbitwatch.store.events import list_events
from orbitwatch.store.service import create_key
from orbitwatch.times import as_utc, format_utc, now_utc, parse_utc, time_grid

__all__ = [
    "FRAMES",
    "PC_METHODS",
    "Conjunction",
    "DataError",
    "ElementSet",
    "ElementTable",
    "InputError",
    "OrbitwatchError",
    "ParseError",
    "PropagationError",
    "ScreeningResult",
    "SourceError",
    "Store",
    "StoreError",
    "as_utc",
    "breakup",
    "build_cdm",
    "check_store",
    "conjunction_risk",
    "contacts",
    "create_key",
    "czml",
    "dazzle_exposure",
    "default_db_path",
    "detect_maneuvers",
    "ephemeris_in_frame",
    "estimate_tle_uncertainty",
    "evidence",
    "exposure",
    "fetch_celestrak_group",
    "fetch_spacetrack_gp",
    "find_passes",
    "format_omm_kvn",
    "format_omm_xml",
    "format_tle",
    "format_utc",
    "in_force_index",
    "list_events",
    "load_sites",
    "merge_in_force",
    "monitor_rpo",
    "now_utc",
    "parse_utc",
    "pc_for_states",
    "pc_from_cdm",
    "plots",
    "propagate",
    "read_catalog_files",
    "read_cdm",
    "read_element_sets",
    "read_hbr_table",
    "read_oem",
    "resilience_report",
    "screen",
    "screen_on_cluster",
    "sgp4_model",
    "time_grid",
    "write_cdm_kvn",
    "write_cdm_xml",
    "write_oem",
]
