"""Issue 18: reading a gzip bomb (2 GiB that expand from a few MB, no newline) keeps memory bounded.

The bomb is generated here: one gzip member of 64 MiB of one character, written 32 times
(RFC 1952 sec. 2.2: a gzip file is a series of members, read back to back), so it expands
to 2 GiB while the file holds about 2 MB.  Each case runs in a fresh interpreter that opens
the file with :func:`orbitwatch.sources.files.open_lines`, reads it with
:func:`orbitwatch.catalog.reader.read_element_sets` (lenient) and reports its peak RSS
from ``/proc/self/status`` (``VmHWM``, KiB; ``ru_maxrss`` would inherit the parent's).  Before issue 18 the first
case grew one 2 GiB string (then a ``MemoryError``).  The JSON case (blanks between two
records) uses 512 MiB: its path is the same per piece and it is the slower one to decode.
The subprocess has a time limit only as a hang guard.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest

_MEMBER_BYTES = 64 << 20
_MEMBERS = 32  # 2 GiB expanded
_RSS_LIMIT_KIB = 500 << 10

_ISS = (
    "ISS (ZARYA)\n"
    "1 25544U 98067A   26143.80969095  .00007235  00000+0  13771-3 0  9990\n"
    "2 25544  51.6325  60.7811 0007520  90.7634 269.4217 15.49334650567975\n"
)

_READER = r"""
import json, sys
from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.sources.files import open_lines
rejects = []
with open_lines(sys.argv[1]) as lines:
    got = [es.norad_id for es in read_element_sets(lines, source="bomb", lenient=True, rejects=rejects)]
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent (a large pytest
# process) across exec, while VmHWM belongs to this process's own address space.
hwm = [int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM:")][0]
print(json.dumps({"maxrss_kib": hwm, "norad": got,
                  "rejects": [(r.code, r.line, len(r.message)) for r in rejects]}))
"""


def _gzip_member(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # wbits 16+: a gzip member
    return c.compress(data) + c.flush()


def _bomb(path: Path, head: str, fill: bytes, tail: str, members: int = _MEMBERS) -> Path:
    body = _gzip_member(fill * (_MEMBER_BYTES // len(fill)))
    with open(path, "wb") as fh:
        fh.write(_gzip_member(head.encode()))
        for _ in range(members):
            fh.write(body)
        fh.write(_gzip_member(tail.encode()))
    return path


def _read(path: Path) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", _READER, str(path)], capture_output=True, text=True,
                         timeout=600, check=True)
    result: dict[str, Any] = json.loads(out.stdout)
    return result


@pytest.mark.slow
def test_gzip_bomb_line_without_newline_is_rejected_in_bounded_memory(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "bomb.tle.gz", _ISS + "0 X", b"A", "\n" + _ISS)
    assert path.stat().st_size < 8 << 20
    got = _read(path)
    assert got["norad"] == [25544, 25544]
    assert got["rejects"] == [["LINE_TOO_LONG", 4, got["rejects"][0][2]]]
    assert got["maxrss_kib"] < _RSS_LIMIT_KIB, got["maxrss_kib"]


@pytest.mark.slow
def test_gzip_bomb_of_json_whitespace_streams_in_bounded_memory(tmp_path: Path) -> None:
    record = json.dumps({"OBJECT_NAME": "ISS (ZARYA)", "OBJECT_ID": "1998-067A",
                         "EPOCH": "2026-05-23T19:25:57.298080", "MEAN_MOTION": 15.4933465,
                         "ECCENTRICITY": 0.000752, "INCLINATION": 51.6325, "RA_OF_ASC_NODE": 60.7811,
                         "ARG_OF_PERICENTER": 90.7634, "MEAN_ANOMALY": 269.4217, "NORAD_CAT_ID": 25544,
                         "BSTAR": 0.00013771, "MEAN_MOTION_DOT": 7.235e-05, "MEAN_MOTION_DDOT": 0})
    path = _bomb(tmp_path / "bomb.json.gz", "[" + record + ",", b" ", record + "]", members=8)  # 512 MiB
    got = _read(path)
    assert got["norad"] == [25544, 25544] and got["rejects"] == []
    assert got["maxrss_kib"] < _RSS_LIMIT_KIB, got["maxrss_kib"]
