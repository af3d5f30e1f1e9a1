"""Fixtures for the frame tests: a few real catalog objects and Skyfield's offline timescale."""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path
from typing import Any

import pytest

from orbitwatch.catalog.model import ElementSet
from orbitwatch.catalog.reader import read_element_sets

# Objects of the 2025-04-15 full catalog used against Skyfield: LEO, sun-synchronous,
# Starlink-era, MEO/HEO and GEO (picked by their place in the file, stable data).
SAMPLE_INDEXES = (0, 5000, 14000, 20000, 24000, 27000)


@pytest.fixture(scope="session")
def catalog_2025_lines(shared_data: Path) -> list[tuple[str, str]]:
    path = shared_data / "catalog" / "spacetrack-tle-full-catalog-2025-04-15.tle.gz"
    with gzip.open(path, "rt", encoding="ascii") as fh:
        lines = [ln.rstrip("\n") for ln in itertools.islice(fh, 2 * 27485)]
    return [(lines[i], lines[i + 1]) for i in range(0, len(lines), 2)]


@pytest.fixture(scope="session")
def sample_tles(catalog_2025_lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [catalog_2025_lines[i] for i in SAMPLE_INDEXES]


@pytest.fixture(scope="session")
def sample_elements(sample_tles: list[tuple[str, str]]) -> list[ElementSet]:
    lines = [ln for pair in sample_tles for ln in pair]
    return list(read_element_sets(lines, source="sample"))


@pytest.fixture(scope="session")
def skyfield_ts() -> Any:
    """Skyfield's builtin timescale (no download) with polar motion from the installed
    IERS Bulletin A file, parsed by Skyfield's own reader."""
    from astropy_iers_data import IERS_A_FILE
    from skyfield.api import load
    from skyfield.data import iers

    ts = load.timescale(builtin=True)
    with open(IERS_A_FILE, "rb") as fh:
        iers.install_polar_motion_table(ts, iers.parse_x_y_dut1_from_finals_all(fh))
    return ts
