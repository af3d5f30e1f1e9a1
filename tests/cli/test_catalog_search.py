"""``orbitwatch catalog search`` on a store of the early COSMOS 1408 debris file (105 3LE).

Expected answers come from the file's text: names from the ``0``-less name lines, launch
pieces from line 1 columns 10-17 (``82092`` = 1982-092).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orbitwatch.cli import app
from orbitwatch.store import Store
from orbitwatch.times import parse_utc

FILE = "fragmentation/cosmos-1408-debris-early-2021-11-30.tle"
runner = CliRunner()


@pytest.fixture(scope="module")
def db(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search") / "ow.db"
    with Store.open(path) as store:
        store.ingest([(FILE, (shared_data / FILE).read_text().splitlines())], now=parse_utc("2026-01-01T00:00:00Z"))
    return path


def _search(db: Path, *args: str) -> list[dict]:
    res = runner.invoke(app, ["catalog", "search", *args, "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert isinstance(out, list)
    return out


def test_search_by_name_cospar_and_norad(db: Path, shared_data: Path) -> None:
    lines = (shared_data / FILE).read_text().splitlines()
    names = {int(lines[i + 1][2:7]): lines[i].strip() for i in range(0, len(lines) - 2, 3)}
    launch = sorted(int(lines[i + 1][2:7]) for i in range(0, len(lines) - 2, 3) if lines[i + 1][9:14] == "82092")
    assert [r["norad_id"] for r in _search(db, "cosmos 1408")] == [13552]
    assert [r["norad_id"] for r in _search(db, "1982-092", "--limit", "500")] == launch
    objects = sorted(n for n, name in names.items() if "OBJECT" in name)
    assert [r["norad_id"] for r in _search(db, "object", "--limit", "500")] == objects
    assert len(_search(db, "object", "--limit", "5")) == 5
    (rocket_body,) = _search(db, "13553")
    assert rocket_body["name"] == names[13553]
    assert _search(db, "no such thing") == []
    table = runner.invoke(app, ["catalog", "search", "COSMOS", "--db", str(db)])
    assert table.exit_code == 0 and "13552" in table.stdout and "1982-092A" in table.stdout
