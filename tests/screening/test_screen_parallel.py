"""The worker processes of the SGP4 stages do not change the result.

Screening splits its SGP4 work (knot sampling, slow-pair scans, Newton refinement) into
independent chunks for forked worker processes and puts the results back together in
order.  On a real catalog subset (the one of ``test_screen_completeness.py``: COSMOS 1408
debris, GEO clusters, MEO; 24 h, 25 km) the thresholds that keep small jobs in-process
are lowered so that every stage really runs in workers, and the records and failures
must equal those of a run without workers exactly (same floats, same order).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from test_screen_completeness import END, START, THRESHOLD_KM, _subset

from conftest import sets_from_records
from orbitwatch.catalog.model import ElementTable
from orbitwatch.screening import screen

screen_module = importlib.import_module("orbitwatch.screening.screen")
sampling_module = importlib.import_module("orbitwatch.screening.sampling")


def test_every_sgp4_stage_in_workers_gives_the_serial_result(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = ElementTable.from_element_sets(sets_from_records(_subset(shared_data)[1::2]))
    serial = screen(table, START, END, THRESHOLD_KM, sgp4_workers=1)
    monkeypatch.setattr(screen_module, "_PARALLEL_MIN_PAIRS", 1)
    monkeypatch.setattr(screen_module, "_PARALLEL_MIN_SLOW_PAIRS", 1)
    monkeypatch.setattr(sampling_module, "_PARALLEL_MIN_EVALS", 1)
    parallel = screen(table, START, END, THRESHOLD_KM, sgp4_workers=2)
    assert len(serial.conjunctions) > 20
    assert parallel.conjunctions == serial.conjunctions
    assert parallel.failures == serial.failures
    assert parallel.stats["sgp4_calls"] == serial.stats["sgp4_calls"]
