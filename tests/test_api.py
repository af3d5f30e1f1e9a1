"""The public surface ``orbitwatch.api`` is pinned (httpx style): changing it is a deliberate edit here.

Issue 10: about 40-60 curated names; every one importable, documented, and not a
private module's leading-underscore name.
"""

from __future__ import annotations

import importlib
import inspect

import orbitwatch
from orbitwatch import api

PUBLIC = [
    "FRAMES", "PC_METHODS",
    "Conjunction", "DataError", "ElementSet", "ElementTable", "InputError", "OrbitwatchError", "ParseError",
    "PropagationError", "ScreeningResult", "SourceError", "Store", "StoreError",
    "as_utc", "breakup", "build_cdm", "check_store", "conjunction_risk", "contacts", "create_key", "czml",
    "dazzle_exposure", "default_db_path", "detect_maneuvers", "ephemeris_in_frame",
    "estimate_tle_uncertainty", "evidence", "exposure", "fetch_celestrak_group", "fetch_spacetrack_gp",
    "find_passes", "format_omm_kvn", "format_omm_xml", "format_tle", "format_utc", "in_force_index", "list_events",
    "load_sites", "merge_in_force", "monitor_rpo", "now_utc", "parse_utc", "pc_for_states",
    "pc_from_cdm", "plots", "propagate", "read_catalog_files", "read_cdm", "read_element_sets",
    "read_hbr_table", "read_oem", "resilience_report", "screen",
    "screen_on_cluster", "sgp4_model", "time_grid", "write_cdm_kvn", "write_cdm_xml", "write_oem",
]


def test_the_public_list_is_pinned() -> None:
    assert sorted(api.__all__) == sorted(PUBLIC)
    assert len(set(api.__all__)) == len(api.__all__)
    assert 40 <= len(api.__all__) <= 60


def test_every_public_name_resolves_and_is_documented() -> None:
    for name in api.__all__:
        obj = getattr(api, name)
        assert not name.startswith("_")
        if inspect.ismodule(obj):  # a namespace (breakup, czml, evidence, plots): a documented module with its own list
            assert obj.__name__.startswith("orbitwatch.") and inspect.getdoc(obj), name
            assert obj.__all__ and all(getattr(obj, n, None) is not None for n in obj.__all__), name
            continue
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert inspect.getdoc(obj), f"{name} has no docstring"
            assert obj.__module__.startswith("orbitwatch."), name
            module = importlib.import_module(obj.__module__)
            assert getattr(module, obj.__name__) is obj  # defined where it says, not a copy


def test_the_package_docstring_points_at_the_surface() -> None:
    assert "orbitwatch.api" in (orbitwatch.__doc__ or "")
    assert api.__doc__ and "__all__" in api.__doc__
