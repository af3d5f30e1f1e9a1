"""Screening rows carry each object's owner from the store's SATCAT and UCS fields where known
(issue 11 acceptance 4).

The store holds the staged Space-Track SATCAT of 2026-01-19 and the UCS database of
2023-05-01; the screened objects are the 2009 collision pair's last pre-event element sets.
Expected owners come from reading the SATCAT CSV with the ``csv`` module (``COUNTRY`` of the
NORAD id), expected UCS fields from reading the UCS CSV the same way (``Operator/Owner``,
``Users``, ``Purpose`` of the NORAD id; ``None`` where UCS has no row).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orbitwatch.cli import app

SATCAT = "satcat/spacetrack-satcat-2026-01-19.csv.gz"
UCS = "satcat/ucs-satellite-database-2023-05-01.csv.gz"
PARENTS = "fragmentation/parent-objects-pre-event.tle"
WINDOW = ["--start", "2009-02-10T16:00:00Z", "--duration-h", "2", "--threshold-km", "5"]
runner = CliRunner()


def satcat_owners(path: Path) -> dict[int, str]:
    with gzip.open(path, "rt", newline="") as f:
        return {int(r["NORAD_CAT_ID"]): r["COUNTRY"] for r in csv.DictReader(f)}


def ucs_rows(path: Path) -> dict[int, list[dict[str, str]]]:
    with gzip.open(path, "rt", newline="", encoding="utf-8", errors="replace") as f:
        reader = csv.reader(f)
        header = [h.strip() for h in next(reader)]
        col = {h: header.index(h) for h in ("NORAD Number", "Operator/Owner", "Users", "Purpose")}
        out: dict[int, list[dict[str, str]]] = {}
        for row in reader:
            text = row[col["NORAD Number"]].strip() if len(row) > col["NORAD Number"] else ""
            if text.isdigit():
                out.setdefault(int(text), []).append({k: row[i].strip() for k, i in col.items()})
    return out


@pytest.fixture(scope="module")
def store(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("owners") / "ow.db"
    for path, kind in ((SATCAT, "satcat"), (UCS, "ucs"), (PARENTS, None)):
        args = ["ingest", str(shared_data / path), "--db", str(db)] + (["--kind", kind] if kind else [])
        res = runner.invoke(app, args)
        assert res.exit_code == 0, res.output
    return db


def _check_objects(row: dict[str, object], owners: dict[int, str], ucs: dict[int, list[dict[str, str]]]) -> None:
    for k in ("1", "2"):
        n = int(row[f"norad_{k}"])  # type: ignore[call-overload]
        assert row[f"owner_{k}"] == owners[n]
        rows = ucs.get(n, [])
        if len(rows) == 1:
            assert row[f"operator_{k}"] == rows[0]["Operator/Owner"]
            assert row[f"users_{k}"] == rows[0]["Users"]
        elif not rows:
            assert row[f"operator_{k}"] is None and row[f"users_{k}"] is None and row[f"purpose_{k}"] is None


def test_screen_rows_carry_owners(store: Path, shared_data: Path) -> None:
    owners = satcat_owners(shared_data / SATCAT)
    ucs = ucs_rows(shared_data / UCS)
    assert owners[24946] == "US" and owners[22675] == "CIS"  # Iridium 33, Cosmos 2251 (public record)
    res = runner.invoke(app, ["screen", "--db", str(store), *WINDOW, "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    pair = [r for r in rows if {r["norad_1"], r["norad_2"]} == {24946, 22675}]
    assert len(pair) == 1
    _check_objects(pair[0], owners, ucs)
    for r in rows:
        _check_objects(r, owners, ucs)

    csv_res = runner.invoke(app, ["screen", "--db", str(store), *WINDOW, "--format", "csv"])
    assert csv_res.exit_code == 0, csv_res.output
    got = list(csv.DictReader(io.StringIO(csv_res.stdout)))
    assert {(int(r["norad_1"]), r["owner_1"], int(r["norad_2"]), r["owner_2"]) for r in got} == {
        (r["norad_1"], r["owner_1"], r["norad_2"], r["owner_2"]) for r in rows}

    table = runner.invoke(app, ["screen", "--db", str(store), *WINDOW])
    assert table.exit_code == 0 and "owner 1" in table.stdout and " CIS " in table.stdout

    show = runner.invoke(app, ["screen", "runs", "show", "1", "--db", str(store), "--format", "json"])
    assert show.exit_code == 0, show.output
    for r in json.loads(show.stdout)["conjunctions"]:
        _check_objects(r, owners, ucs)


def test_files_without_metadata_have_no_owner_keys(shared_data: Path) -> None:
    res = runner.invoke(app, ["screen", "--catalog", str(shared_data / PARENTS), *WINDOW, "--format", "json"])
    assert res.exit_code == 0, res.output
    assert all("owner_1" not in r for r in json.loads(res.stdout))
    named = runner.invoke(app, ["screen", "--catalog", str(shared_data / PARENTS), *WINDOW, "--format", "json",
                                "--satcat", str(shared_data / SATCAT)])
    assert named.exit_code == 0, named.output
    owners = satcat_owners(shared_data / SATCAT)
    for r in json.loads(named.stdout):
        assert r["owner_1"] == owners[r["norad_1"]] and r["owner_2"] == owners[r["norad_2"]]
