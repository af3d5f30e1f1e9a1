"""How ``Store.ingest`` reads its input (issue 18, "Unbounded memory"): the source hash is
exact whatever the line pieces, and blanks before the first record are counted, not kept,
without changing what the parsers see (line numbers, format detection).

Inputs are built here; expectations come from ``hashlib`` on the joined text and from
ingesting the same text as plain lines.  The memory figures themselves are asserted on the
real command line in ``tests/fuzz/test_cli_memory.py``.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np

from orbitwatch.catalog.reader import LinePiece
from orbitwatch.store import Store

NOW = np.datetime64("2026-09-01T00:00:00", "us")
ISS = [
    "ISS (ZARYA)\n",
    "1 25544U 98067A   26143.80969095  .00007235  00000+0  13771-3 0  9990\n",
    "2 25544  51.6325  60.7811 0007520  90.7634 269.4217 15.49334650567975\n",
]
MIB = 1 << 20


def _rows(db: Path) -> tuple[list[tuple[int, int]], list[str]]:
    conn = sqlite3.connect(db)
    try:
        sets = conn.execute("SELECT norad_id, line FROM element_sets ORDER BY id").fetchall()
        shas = [r[0] for r in conn.execute("SELECT sha256 FROM sources ORDER BY source_id")]
    finally:
        conn.close()
    return sets, shas


def test_source_hash_is_the_text_hash_whatever_the_pieces(tmp_path: Path) -> None:
    items = [*ISS, LinePiece("x" * MIB), LinePiece("é" * MIB), "tail\n", *("short line\n" for _ in range(5000)),
             LinePiece(" " * 100), "\n", *ISS]
    with Store.open(tmp_path / "s.db") as store:
        report = store.ingest([("pieces", iter(items))], lenient=True, now=NOW)
    assert (report.element_sets_read, report.stored) == (2, 1)
    _, shas = _rows(tmp_path / "s.db")
    assert shas == [hashlib.sha256("".join(items).encode()).hexdigest()]


def test_leading_blanks_are_given_back_to_the_parsers_as_read(tmp_path: Path) -> None:
    """Two blank lines, a blank line of 3 MiB in pieces and a blank line of 2 MiB + 1 that
    ends with the name line: line numbers as in the plain text, and the too-long first
    record line is LINE_TOO_LONG (line 4), as when the text comes as whole lines."""
    pieces = ["\n", "\n", LinePiece(" " * MIB), LinePiece(" " * MIB), LinePiece(" " * MIB), "  \n",
              LinePiece(" " * MIB), LinePiece(" " * MIB), *ISS, *ISS]
    text = "".join(pieces)
    for name, lines in (("pieces", pieces), ("plain", text.splitlines(keepends=True))):
        db = tmp_path / f"{name}.db"
        with Store.open(db) as store:
            report = store.ingest([(name, iter(lines))], lenient=True, now=NOW)
        assert [(r.code, r.line) for r in report.rejects] == [("LINE_TOO_LONG", 4)], name
        sets, _ = _rows(db)
        assert sets == [(25544, 5)], name  # lines 5-6 read as a 2-line TLE; lines 7-9 are its duplicate


def test_a_satcat_after_many_blank_lines_is_still_recognised(tmp_path: Path) -> None:
    """The sniffer used to look at the first 64 KiB including the blanks (and keep all of them)."""
    header = "OBJECT_NAME,OBJECT_ID,NORAD_CAT_ID,OBJECT_TYPE,OWNER,LAUNCH_DATE,DECAY_DATE\n"
    row = "ISS (ZARYA),1998-067A,25544,PAY,ISS,1998-11-20,\n"
    lines = ["\n"] * 70_000 + [header, row]
    with Store.open(tmp_path / "s.db") as store:
        report = store.ingest([("satcat.csv", iter(lines))], now=NOW)
        info = store.object_info(25544)
    assert (report.satcat_read, report.rejected) == (1, 0)
    assert info is not None and (info.name, info.object_type, info.type_source) == ("ISS (ZARYA)", "PAYLOAD", "SATCAT")
