"""Issue 18, acceptance 3: a gzip bomb and a 2 GB file keep peak RSS under 500 MB in
``orbitwatch ingest`` and ``orbitwatch screen --catalog``.

Each case runs the real command line (``python -m orbitwatch ...``, through
:func:`runpy.run_module` so that the child can report its own peak) in a fresh
interpreter, and asserts the exit status, the coded error or reject, what was stored and
the child's peak resident set (``VmHWM`` of ``/proc/self/status``, read at exit;
``ru_maxrss`` would inherit the forking pytest process's).  The command line alone
(numpy, numba, rich) takes about 210 MB of that.

The hostile inputs are generated here: gzip files of repeated 64 MiB members (RFC 1952
sec. 2.2: members are read back to back) that expand to 0.5-2 GiB from about 2 MB, and a
2 GiB sparse file of NUL bytes (no disk blocks).  Before this test, ``ingest`` peaked at
1.0 GB on the 2 GiB line (the source hash buffered 256 pieces of 1 MiB, then joined and
encoded them) and grew without bound on blanks before the first record (the format sniffer
kept every leading item).  Time limits on the children are hang guards only.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest

_RSS_LIMIT_KIB = 500 * 1000  # 500 MB, the bound
_MEMBER_BYTES = 64 << 20
_LINE = 1 << 20  # orbitwatch.catalog.reader.MAX_LINE_CHARS

_ISS = (
    "ISS (ZARYA)\n"
    "1 25544U 98067A   26143.80969095  .00007235  00000+0  13771-3 0  9990\n"
    "2 25544  51.6325  60.7811 0007520  90.7634 269.4217 15.49334650567975\n"
)

# The child: run orbitwatch's own ``__main__`` as ``python -m orbitwatch`` does and write
# its peak RSS (KiB) to $HWM_OUT on the way out (atexit also runs after sys.exit).
_CHILD = r"""
import atexit, os, runpy, sys
def _hwm():
    kib = [int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM:")][0]
    with open(os.environ["HWM_OUT"], "w") as f:
        f.write(str(kib))
atexit.register(_hwm)
sys.argv = ["orbitwatch", *sys.argv[1:]]
runpy.run_module("orbitwatch", run_name="__main__", alter_sys=True)
"""


def _member(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # wbits 16+: one gzip member
    return c.compress(data) + c.flush()


def _bomb(path: Path, head: str, fill: bytes, tail: str, members: int) -> Path:
    body = _member(fill * (_MEMBER_BYTES // len(fill)))
    with open(path, "wb") as fh:
        fh.write(_member(head.encode()))
        for _ in range(members):
            fh.write(body)
        fh.write(_member(tail.encode()))
    assert path.stat().st_size < 8 << 20
    return path


def _run(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], int]:
    hwm = tmp_path / "hwm.txt"
    hwm.unlink(missing_ok=True)
    env = {**os.environ, "HWM_OUT": str(hwm), "COLUMNS": "200"}
    out = subprocess.run([sys.executable, "-c", _CHILD, *args], capture_output=True, text=True,
                         timeout=900, env=env, cwd=tmp_path)
    return out, int(hwm.read_text())


def _strict_json(text: str) -> Any:
    def refuse(name: str) -> None:
        raise ValueError(f"non-strict JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


def _element_sets(db: Path) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(db)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return int(conn.execute("SELECT COUNT(*) FROM element_sets").fetchone()[0]) if "element_sets" in tables else 0
    finally:
        conn.close()


@pytest.fixture(scope="module")
def line_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2 GiB expanded: the ISS, then a line of 2 GiB of 'A' without a newline, then the ISS again."""
    return _bomb(tmp_path_factory.mktemp("bomb") / "line.tle.gz", _ISS + "0 X", b"A", "\n" + _ISS, members=32)


@pytest.fixture(scope="module")
def sparse_2gb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain 2 GiB file of NUL bytes (sparse: no disk blocks)."""
    path = tmp_path_factory.mktemp("sparse") / "zeros.tle"
    with open(path, "wb") as fh:
        fh.truncate(2 << 30)
    return path


@pytest.mark.slow
def test_ingest_lenient_of_a_2gib_line_bomb(line_bomb: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    out, hwm = _run(tmp_path, "ingest", str(line_bomb), "--db", str(db), "--lenient", "--json")
    assert out.returncode == 0, out.stderr
    report = _strict_json(out.stdout)
    assert (report["element_sets_read"], report["stored"], report["rejected"]) == (2, 1, 1)
    assert [(r["code"], r["line"]) for r in report["rejects"]] == [("LINE_TOO_LONG", 4)]
    assert _element_sets(db) == 1
    assert hwm < _RSS_LIMIT_KIB, hwm


@pytest.mark.slow
def test_ingest_strict_of_a_2gib_line_bomb_stores_nothing(line_bomb: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    out, hwm = _run(tmp_path, "ingest", str(line_bomb), "--db", str(db))
    assert out.returncode == 4, out.stderr  # a parse error
    assert "[LINE_TOO_LONG]" in out.stderr and "Traceback" not in out.stderr
    assert _element_sets(db) == 0  # the ISS read before the bad line is not stored either
    assert hwm < _RSS_LIMIT_KIB, hwm


@pytest.mark.slow
def test_ingest_lenient_of_1gib_of_blanks_before_the_first_record(tmp_path: Path) -> None:
    """Blanks without a newline before the data: the format sniffer used to keep them all."""
    bomb = _bomb(tmp_path / "blanks.tle.gz", "", b" ", "\n" + _ISS, members=16)
    db = tmp_path / "s.db"
    out, hwm = _run(tmp_path, "ingest", str(bomb), "--db", str(db), "--lenient", "--json")
    assert out.returncode == 0, out.stderr
    report = _strict_json(out.stdout)
    assert (report["element_sets_read"], report["stored"], report["rejected"]) == (1, 1, 0)
    assert _element_sets(db) == 1
    assert hwm < _RSS_LIMIT_KIB, hwm


@pytest.mark.slow
def test_ingest_lenient_of_512_lines_just_under_the_line_limit(tmp_path: Path) -> None:
    """512 lines of 1 MiB - 1 characters (each a whole line, each rejected): the source hash
    used to hold 256 of them, then a joined and an encoded copy (about 770 MB)."""
    fill = b"A" * (_LINE - 2) + b"\n"
    bomb = _bomb(tmp_path / "long.tle.gz", _ISS, fill, _ISS, members=8)
    db = tmp_path / "s.db"
    out, hwm = _run(tmp_path, "ingest", str(bomb), "--db", str(db), "--lenient", "--json")
    assert out.returncode == 0, out.stderr
    report = _strict_json(out.stdout)
    assert report["stored"] == 1 and report["element_sets_read"] == 2 and report["rejected"] >= 1
    assert all(len(r["message"]) < 1000 for r in report["rejects"])  # rejects keep clipped text
    assert hwm < _RSS_LIMIT_KIB, hwm


@pytest.mark.slow
def test_ingest_lenient_of_a_2gb_plain_file(sparse_2gb: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    out, hwm = _run(tmp_path, "ingest", str(sparse_2gb), "--db", str(db), "--lenient", "--json")
    assert out.returncode == 0, out.stderr
    report = _strict_json(out.stdout)
    assert (report["element_sets_read"], report["stored"]) == (0, 0)
    assert [r["code"] for r in report["rejects"]] == ["LINE_TOO_LONG"]
    assert _element_sets(db) == 0
    assert hwm < _RSS_LIMIT_KIB, hwm


@pytest.mark.slow
@pytest.mark.parametrize("which", ["line_bomb", "sparse_2gb"])
def test_screen_catalog_of_a_hostile_file_is_a_coded_parse_error(
    which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    path: Path = request.getfixturevalue(which)
    out, hwm = _run(tmp_path, "screen", "--catalog", str(path), "--start", "2026-05-24T00:00:00Z",
                    "--duration-h", "1", "--threshold-km", "5", "--format", "json")
    assert out.returncode == 4, out.stderr
    assert "[LINE_TOO_LONG]" in out.stderr and "Traceback" not in out.stderr
    assert out.stdout.strip() == ""
    assert hwm < _RSS_LIMIT_KIB, hwm


@pytest.mark.slow
def test_screen_catalog_of_the_full_2025_catalog_for_an_hour(shared_data: Path, tmp_path: Path) -> None:
    """A big valid input: the full public catalog of 2025-04-15 (27,485 objects, MANIFEST.md),
    all against all for one hour.  Measured: 327 MB peak.  numba's first compilation of the
    screening kernels adds about 200 MB once (536 MB with an empty cache), so a small screen
    fills the cache first: the bound is on what the input costs, not on the one-off JIT."""
    small = shared_data / "history" / "celestrak-groups-2026-05-24_30" / "stations-history-2026-05-24_30.tle.gz"
    warm, _ = _run(tmp_path, "screen", "--catalog", str(small), "--start", "2026-05-28T00:00:00Z",
                   "--duration-h", "1", "--threshold-km", "5", "--format", "json")
    assert warm.returncode == 0, warm.stderr
    catalog = shared_data / "catalog" / "spacetrack-tle-full-catalog-2025-04-15.tle.gz"
    out, hwm = _run(tmp_path, "screen", "--catalog", str(catalog), "--start", "2025-04-15T00:00:00Z",
                    "--duration-h", "1", "--threshold-km", "5", "--format", "json")
    assert out.returncode == 0, out.stderr
    records = _strict_json(out.stdout)
    assert len(records) > 100
    assert all(r["miss_distance_km"] <= 5.0 for r in records)
    assert hwm < _RSS_LIMIT_KIB, hwm
