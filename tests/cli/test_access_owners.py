"""Pass, exposure, contact (and ``pc --db``) records carry each satellite's owner from the store's SATCAT and
the UCS fields where known (issue 11 acceptance 4).

The store holds the staged Space-Track SATCAT of 2026-01-19, the UCS database of 2023-05-01
and five objects' element sets from the staged 2026-06-10 payload catalog: the ISS (25544;
SATCAT and UCS agree), COSMOS 2416 (28908) and TIANHUI 2-01B (44209), whose UCS row gives
another COSPAR id than the SATCAT (a conflict), CSS Tianhe (48274; no UCS row) and
LEMUR-2-LUCILLE-ROSE (65403; not in this SATCAT, launched after it).  Expected values come
from reading the SATCAT and UCS CSV files with the ``csv`` module, not through orbitwatch:
``owner`` is the SATCAT ``COUNTRY`` of the NORAD id (``None`` when absent); ``operator``,
``users``, ``purpose`` are the UCS ``Operator/Owner``, ``Users``, ``Purpose`` of the NORAD id
(``None`` without a UCS row); ``ucs_conflict`` is whether the UCS ``COSPAR Number`` differs
from the SATCAT ``INTLDES`` (``None`` without both rows).  ``pc --db`` is checked the same
way on a staged CARA CDM of ICESAT-2 (43613) and a COSMOS 1408 fragment (51418).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from orbitwatch.cli import app

SATCAT = "satcat/spacetrack-satcat-2026-01-19.csv.gz"
UCS = "satcat/ucs-satellite-database-2023-05-01.csv.gz"
PAYLOADS = "catalog/spacetrack-3le-payloads-2026-06-10.tle.gz"
OBJECTS = (25544, 28908, 44209, 48274, 65403)
CONFLICTED, NO_UCS, NOT_IN_SATCAT = (28908, 44209), 48274, 65403
NORADS = [a for n in OBJECTS for a in ("--norad", str(n))]
WINDOW = ["--start", "2026-06-10T16:00:00Z", "--end", "2026-06-11T16:00:00Z"]
FIELDS = ("owner", "operator", "users", "purpose", "ucs_conflict")
runner = CliRunner()


def _run(args: list[str]) -> Any:
    res = runner.invoke(app, args, env={"COLUMNS": "250", "TERM": "dumb"})
    assert res.exit_code == 0, res.output
    return res


def satcat_rows(path: Path) -> dict[int, dict[str, str]]:
    with gzip.open(path, "rt", newline="") as f:
        return {int(r["NORAD_CAT_ID"]): r for r in csv.DictReader(f)}


def ucs_rows(path: Path) -> dict[int, list[dict[str, str]]]:
    with gzip.open(path, "rt", newline="", encoding="utf-8", errors="replace") as f:
        reader = csv.reader(f)
        header = [h.strip() for h in next(reader)]
        col = {h: header.index(h) for h in ("NORAD Number", "COSPAR Number", "Operator/Owner", "Users", "Purpose")}
        out: dict[int, list[dict[str, str]]] = {}
        for row in reader:
            text = row[col["NORAD Number"]].strip()
            if text.isdigit():
                out.setdefault(int(text), []).append({k: row[i].strip() for k, i in col.items()})
    return out


@pytest.fixture(scope="module")
def expected(shared_data: Path) -> dict[int, dict[str, Any]]:
    """The five objects' fields from the staged files read with ``csv``."""
    satcat = satcat_rows(shared_data / SATCAT)
    ucs = ucs_rows(shared_data / UCS)
    out: dict[int, dict[str, Any]] = {}
    for n in OBJECTS:
        s, u = satcat.get(n), ucs.get(n, [])
        assert len(u) <= 1  # one UCS row each: no choice among rows to reproduce
        row = u[0] if u else None
        out[n] = {"owner": s["COUNTRY"] if s else None,
                  "operator": row["Operator/Owner"] if row else None,
                  "users": row["Users"] if row else None,
                  "purpose": row["Purpose"] if row else None,
                  "ucs_conflict": (row["COSPAR Number"] != s["INTLDES"]) if row and s else None}
    # what the objects were chosen for, from the files themselves
    assert out[25544]["owner"] == "CIS" and out[25544]["ucs_conflict"] is False
    assert all(out[n]["ucs_conflict"] is True for n in CONFLICTED)
    assert out[NO_UCS]["owner"] == "PRC" and out[NO_UCS]["operator"] is None
    assert all(v is None for v in out[NOT_IN_SATCAT].values())
    return out


@pytest.fixture(scope="module")
def sets_file(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five objects' 3LE entries from the staged payload catalog (plain text slicing)."""
    with gzip.open(shared_data / PAYLOADS, "rt") as f:
        lines = f.read().splitlines()
    keep: list[str] = []
    for i, line in enumerate(lines):
        if line.startswith("1 ") and line[2:7].strip().isdigit() and int(line[2:7]) in OBJECTS:
            keep += lines[i - 1:i + 2]
    assert len(keep) == 3 * len(OBJECTS)
    path = tmp_path_factory.mktemp("access_owners") / "five.tle"
    path.write_text("\n".join(keep) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def store(shared_data: Path, sets_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("access_owners_db") / "ow.db"
    for path, kind in ((shared_data / SATCAT, "satcat"), (shared_data / UCS, "ucs"), (sets_file, None)):
        _run(["ingest", str(path), "--db", str(db)] + (["--kind", kind] if kind else []))
    return db


def _check_json(records: list[dict[str, Any]], expected: dict[int, dict[str, Any]], *, own: tuple[str, ...] = ()
                ) -> set[int]:
    """Every record's metadata fields equal the expected ones (``own``: keys the record sets itself)."""
    for r in records:
        want = expected[r["norad"]]
        assert {k: r[k] for k in FIELDS if k not in own} == {k: v for k, v in want.items() if k not in own}, r
    return {r["norad"] for r in records}


def _csv_cell(value: Any) -> str:
    return "" if value is None else ("true" if value else "false") if isinstance(value, bool) else str(value)


def _check_csv(text: str, expected: dict[int, dict[str, Any]]) -> set[int]:
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows
    for r in rows:
        want = expected[int(r["norad"])]
        assert {k: r[k] for k in FIELDS} == {k: _csv_cell(v) for k, v in want.items()}, r
    return {int(r["norad"]) for r in rows}


def test_passes_carry_owners(store: Path, expected: dict[int, dict[str, Any]]) -> None:
    args = ["passes", "--db", str(store), *NORADS, "--site", "56.4,-3.18", "--site", "10,10", *WINDOW]
    seen = _check_json(json.loads(_run([*args, "--format", "json"]).stdout), expected)
    assert seen == set(OBJECTS)
    assert _check_csv(_run([*args, "--format", "csv"]).stdout, expected) == set(OBJECTS)
    table = _run(args)
    assert "owner" in table.stdout and " PRC " in table.stdout and " CIS " in table.stdout
    assert "ucs_conflict" in table.stderr and all(str(n) in table.stderr for n in CONFLICTED)


def test_exposure_carries_owners(store: Path, expected: dict[int, dict[str, Any]], shared_data: Path) -> None:
    args = ["exposure", "--db", str(store), *NORADS, "--sites", str(shared_data / "ground-stations" / "dsn.geojson"),
            *WINDOW]
    doc = json.loads(_run([*args, "--format", "json"]).stdout)
    assert _check_json(doc["windows"], expected) == set(OBJECTS)
    assert _check_json(doc["summary"], expected) == set(OBJECTS)
    assert _check_csv(_run([*args, "--format", "csv"]).stdout, expected) == set(OBJECTS)
    assert " owner " in _run(args).stdout


def test_exposure_isr_carries_owners(store: Path, expected: dict[int, dict[str, Any]], shared_data: Path) -> None:
    args = ["exposure", "--db", str(store), *NORADS, "--isr", "--ucs", str(shared_data / UCS), "--isr-users", "all",
            "--sites", str(shared_data / "ground-stations" / "atlas.geojson"), *WINDOW]
    doc = json.loads(_run([*args, "--format", "json"]).stdout)
    seen = _check_json(doc["windows"], expected)
    assert {NOT_IN_SATCAT, *CONFLICTED} <= seen
    # the summary's users are the ISR selection's own (from --ucs, the same UCS file)
    assert _check_json(doc["summary"], expected, own=("users",)) == set(OBJECTS)
    for s in doc["summary"]:
        assert s["users"] in (expected[s["norad"]]["users"], None)
    assert _check_csv(_run([*args, "--format", "csv"]).stdout, expected) == seen


def test_contacts_carry_owners(store: Path, expected: dict[int, dict[str, Any]], shared_data: Path) -> None:
    args = ["contacts", "--db", str(store), *NORADS,
            "--stations", str(shared_data / "ground-stations" / "ksat.geojson"), *WINDOW]
    doc = json.loads(_run([*args, "--format", "json"]).stdout)
    assert _check_json(doc["windows"], expected) == set(OBJECTS)
    assert _check_json(doc["resilience"]["visibility"], expected) == set(OBJECTS)
    assert _check_csv(_run([*args, "--format", "csv"]).stdout, expected) == set(OBJECTS)
    assert all(str(n) in _run(args).stderr for n in CONFLICTED)


def test_files_without_metadata_add_no_keys(sets_file: Path) -> None:
    res = _run(["passes", "--catalog", str(sets_file), *NORADS, "--site", "10,10", *WINDOW, "--format", "json"])
    rows = json.loads(res.stdout)
    assert rows and all(not set(FIELDS) & set(r) for r in rows)


def test_pc_records_carry_owners(store: Path, shared_data: Path) -> None:
    """``pc --db``: a CARA CDM of ICESAT-2 (43613) and a COSMOS 1408 fragment (51418), owners from the SATCAT."""
    cdm = shared_data / "cdm/cara-pc-test-cdms/000043613_conj_000051418_20220204_181230_20220129_152147.cdm"
    satcat, ucs = satcat_rows(shared_data / SATCAT), ucs_rows(shared_data / UCS)
    want: dict[str, Any] = {}
    for k, n in (("1", 43613), ("2", 51418)):
        row = ucs[n][0] if n in ucs else None
        want |= {f"owner_{k}": satcat[n]["COUNTRY"], f"operator_{k}": row["Operator/Owner"] if row else None,
                 f"users_{k}": row["Users"] if row else None, f"purpose_{k}": row["Purpose"] if row else None,
                 f"ucs_conflict_{k}": (row["COSPAR Number"] != satcat[n]["INTLDES"]) if row else None}
    assert want["owner_1"] == "US" and want["owner_2"] == "CIS" and want["operator_2"] is None
    (rec,) = json.loads(_run(["pc", str(cdm), "--db", str(store), "--format", "json"]).stdout)
    assert (rec["norad_1"], rec["norad_2"]) == (43613, 51418)
    assert {k: rec[k] for k in want} == want
    (row,) = list(csv.DictReader(io.StringIO(_run(["pc", str(cdm), "--db", str(store), "--format", "csv"]).stdout)))
    assert {k: row[k] for k in want} == {k: _csv_cell(v) for k, v in want.items()}
    assert "US / CIS" in _run(["pc", str(cdm), "--db", str(store)]).stdout
    (plain,) = json.loads(_run(["pc", str(cdm), "--format", "json"]).stdout)
    assert "owner_1" not in plain  # no store read without --db


def test_propagate_rows(store: Path, expected: dict[int, dict[str, Any]]) -> None:
    """``propagate --db`` rows (json and csv) end with each object's fields."""
    args = ["propagate", *map(str, OBJECTS), "--db", str(store), "--start", "2026-06-10T16:00:00Z",
            "--duration-h", "1", "--step-s", "1800"]
    rows = json.loads(_run([*args, "--format", "json"]).stdout)
    assert all(list(r)[-len(FIELDS):] == list(FIELDS) for r in rows)
    assert _check_json(rows, expected) == set(OBJECTS)
    assert _check_csv(_run([*args, "--format", "csv"]).stdout, expected) == set(OBJECTS)


def test_czml_descriptions(store: Path, expected: dict[int, dict[str, Any]]) -> None:
    """``export czml --db`` packets describe each object: owner and UCS fields, a conflict note (HTML-escaped)."""
    import html
    import re

    doc = json.loads(_run(["export", "czml", "--db", str(store), "--norad", ",".join(map(str, OBJECTS)),
                           "--start", "2026-06-10T16:00:00Z", "--end", "2026-06-10T17:00:00Z"]).stdout)
    packets = {int(p["id"].removeprefix("norad-")): p for p in doc if str(p.get("id", "")).startswith("norad-")}
    assert set(packets) == set(OBJECTS)
    labels = {"Owner (SATCAT)": "owner", "Operator (UCS)": "operator", "Users (UCS)": "users",
              "Purpose (UCS)": "purpose"}
    for n, p in packets.items():
        cells = dict(re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", p["description"]))
        assert cells.pop("NORAD id") == str(n)
        want = {k: v for k, v in expected[n].items() if k in labels.values() and v is not None}
        assert {labels[k]: html.unescape(v) for k, v in cells.items()} == want
        assert ("COSPAR id differs" in p["description"]) == bool(expected[n]["ucs_conflict"])
