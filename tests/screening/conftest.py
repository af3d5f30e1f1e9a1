"""Helpers for the screening tests: reading staged TLE files two ways.

``element_sets`` goes through orbitwatch's reader (what the screener consumes);
``tle_records`` keeps the raw line pairs for the independent reference, which hands
them to ``sgp4.api.Satrec.twoline2rv``.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pytest

from orbitwatch.catalog.model import ElementSet
from orbitwatch.catalog.reader import read_element_sets


def _lines(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as fh:  # type: ignore[operator]
        return [line.rstrip("\n") for line in fh]


def three_line_records(path: Path) -> list[tuple[str | None, str, str]]:
    """(name or None, line 1, line 2) of every record of a TLE/3LE file."""
    lines = [ln for ln in _lines(path) if ln.strip()]
    out: list[tuple[str | None, str, str]] = []
    k = 0
    while k < len(lines) - 1:
        if lines[k].startswith("1 ") and lines[k + 1].startswith("2 "):
            name = lines[k - 1] if k > 0 and not lines[k - 1].startswith(("1 ", "2 ")) else None
            out.append((name, lines[k], lines[k + 1]))
            k += 2
        else:
            k += 1
    return out


def sets_from_records(records: list[tuple[str | None, str, str]]) -> list[ElementSet]:
    lines: list[str] = []
    for name, l1, l2 in records:
        if name is not None:
            lines.append(name)
        lines += [l1, l2]
    return list(read_element_sets(lines, source="test"))


@pytest.fixture(scope="session")
def records() -> Callable[[Path], list[tuple[str | None, str, str]]]:
    return three_line_records
