"""Shared fixtures.

Test data is read from ``../shared/data`` (relative to the repository root) or from
the directory named by ``ORBITWATCH_SHARED_DATA``.  Missing data is an error, never
a skip: the tests must fail loudly on a machine without it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def _shared_data_dir() -> Path:
    env = os.environ.get("ORBITWATCH_SHARED_DATA")
    path = Path(env) if env else REPO_ROOT.parent / "shared" / "data"
    if not (path / "MANIFEST.md").is_file():
        raise RuntimeError(
            f"shared test data not found at {path} (no MANIFEST.md); set ORBITWATCH_SHARED_DATA "
            "to the shared/data directory"
        )
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The ``shared/data`` directory (see its MANIFEST.md)."""
    return _shared_data_dir()
