"""Evidence packages (issue 11 acceptance 6): one finding of each kind from real staged data.

Each package is written by :mod:`orbitwatch.evidence` into a temporary folder and checked
independently of the code that wrote it:

* ``finding.json`` is strict JSON; each input file's SHA-256 is recomputed with ``hashlib``;
* ``index.html`` is parsed with :mod:`html.parser`: every value cell (``data-key``) equals
  the value at that path in ``finding.json``, and every number anywhere in the page's text is
  a number of ``finding.json`` or part of one of its strings (timestamps, commands, names);
  the page loads nothing from outside (no ``http``, no script);
* headline numbers are checked against public references where one exists: the Iridium
  33 / Cosmos 2251 miss (0.699 km at 2009-02-10T16:55:59.8Z from the last public TLEs,
  as in ``tests/cli/test_screen_cmds.py``), the COSMOS 1408 test at about 02:47 UTC on
  2021-11-15 (public analyses of the early debris TLEs), and for the RPO episode the
  range recomputed here with the ``sgp4`` package from the two element sets that
  ``finding.json`` lists as in force at the minimum-range time.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import math
from pathlib import Path

import numpy as np
import pytest
from sgp4.api import Satrec, jday

from cli.evidence_check import GEO_HISTORY, PAIR, check_package  # tests/cli (tests/ is on sys.path)
from orbitwatch.evidence import (
    Inputs,
    conjunction_package,
    exposure_package,
    fragmentation_package,
    maneuver_package,
    rpo_package,
)


@pytest.fixture(scope="module")
def geo_pair(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two objects' rows of the GEO OMM history (csv module)."""
    out = tmp_path_factory.mktemp("geo") / "pair-omm.csv"
    with gzip.open(shared_data / GEO_HISTORY, "rt", newline="") as f, out.open("w", newline="") as g:
        reader = csv.DictReader(f)
        assert reader.fieldnames is not None
        writer = csv.DictWriter(g, fieldnames=reader.fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(r for r in reader if int(r["NORAD_CAT_ID"]) in PAIR)
    return out


def test_conjunction_package(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "fragmentation" / "parent-objects-pre-event.tle"
    folder = conjunction_package(Inputs(catalog=(src,)), 24946, 22675, "2009-02-10T16:00:00Z",
                                 "2009-02-10T18:00:00Z", threshold_km=5.0, out_dir=tmp_path / "conj")
    doc = check_package(folder)
    f = doc["finding"]
    assert abs(f["miss_distance_km"] - 0.699) <= 0.005 and f["tca_utc"].startswith("2009-02-10T16:55:59")
    assert f["pc"] is not None and 0 <= f["pc"] <= 1
    assert "range-ric.png" in doc["plots"] and doc["czml"] == "scene.czml"
    scene = json.loads((folder / "scene.czml").read_text())
    assert {p["id"] for p in scene} >= {"norad-24946", "norad-22675"}


def test_rpo_package(geo_pair: Path, tmp_path: Path) -> None:
    folder = rpo_package(Inputs(catalog=(geo_pair,)), 55841, 44476, tmp_path / "rpo")
    doc = check_package(folder)
    f = doc["finding"]
    assert (f["norad_1"], f["norad_2"]) == PAIR and f["evidence"]["min_range_uncertainty_km"] > 0
    assert {"range.png", "longitude-difference.png"} <= set(doc["plots"])
    # independently: the sets in force at the minimum-range time, propagated with sgp4
    t = np.datetime64(f["min_range_utc"].rstrip("Z"), "us")
    pos = []
    for n in PAIR:
        sets = [e for e in doc["element_sets"] if e["norad"] == n and np.datetime64(e["epoch_utc"].rstrip("Z")) <= t]
        best = max(sets, key=lambda e: e["epoch_utc"])
        with geo_pair.open(newline="") as g:
            row = next(r for r in csv.DictReader(g) if int(r["NORAD_CAT_ID"]) == n
                       and np.datetime64(r["EPOCH"], "us") == np.datetime64(best["epoch_utc"].rstrip("Z"), "us"))
        sat = Satrec()
        ep = np.datetime64(row["EPOCH"], "us")
        epoch_days = float((ep - np.datetime64("1949-12-31T00:00:00", "us")).astype(np.int64)) / 86400e6
        ndot = float(row["MEAN_MOTION_DOT"]) / (1440 ** 2 / (2 * math.pi))  # rev/day^2 -> rad/min^2
        nddot = float(row["MEAN_MOTION_DDOT"]) / (1440 ** 3 / (2 * math.pi))
        sat.sgp4init(0, "i", n, epoch_days, float(row["BSTAR"]), ndot, nddot, float(row["ECCENTRICITY"]),
                     math.radians(float(row["ARG_OF_PERICENTER"])), math.radians(float(row["INCLINATION"])),
                     math.radians(float(row["MEAN_ANOMALY"])), float(row["MEAN_MOTION"]) * 2 * math.pi / 1440,
                     math.radians(float(row["RA_OF_ASC_NODE"])))
        text = str(t)
        jd, fr = jday(int(text[:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), int(text[14:16]),
                      float(text[17:]))
        e, r, _ = sat.sgp4(jd, fr)
        assert e == 0
        pos.append(np.array(r))
    rng = float(np.linalg.norm(pos[0] - pos[1]))
    assert abs(rng - f["min_range_km"]) <= 1e-3 and abs(rng - f["range_from_propagate_km"]) <= 1e-3


def test_maneuver_package(shared_data: Path, tmp_path: Path) -> None:
    # Fengyun-2H (GEO): its first 150 TLEs (2019), enough for the detector's noise model
    with gzip.open(shared_data / "history" / "maneuver-benchmark" / "Fengyun-2H.tle.gz", "rt") as f:
        lines = f.read().splitlines()[:300]
    src = tmp_path / "fy2h.tle"
    src.write_text("\n".join(lines) + "\n")
    folder = maneuver_package(Inputs(catalog=(src,)), 43491, tmp_path / "man")
    doc = check_package(folder)
    f = doc["finding"]
    assert f["norad"] == 43491 and f["delta_v_m_s"] > 0 and f["kind"]
    assert "element-history.png" in doc["plots"]


def test_fragmentation_package(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "fragmentation" / "cosmos-1408-debris-early-2021-11-30.tle"
    folder = fragmentation_package(Inputs(catalog=(src,)), 13552, tmp_path / "frag")
    doc = check_package(folder)
    f = doc["finding"]
    assert f["verdict"] == "reconstructed"
    t = np.datetime64(f["event_epoch_utc"].rstrip("Z"), "s")
    assert abs(int((t - np.datetime64("2021-11-15T02:47:00", "s")).astype(np.int64))) <= 180
    assert {"gabbard.png", "convergence.png"} <= set(doc["plots"])
    assert doc["parameters"]["fragments"] == 103  # the 103 "OBJECT x" fragments (MANIFEST)


def test_exposure_package(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "history" / "celestrak-groups-2026-05-24_30" / "stations-history-2026-05-24_30.tle.gz"
    sites = shared_data / "ground-stations" / "ksat.geojson"
    folder = exposure_package(Inputs(catalog=(src,)), 25544, sites, "2026-05-25T00:00:00Z", "2026-05-25T06:00:00Z",
                              tmp_path / "exp")
    doc = check_package(folder)
    w = doc["finding"]["window"]
    assert w["norad"] == 25544 and w["duration_s"] == doc["finding"]["summary"]["longest_window_s"]
    assert doc["parameters"]["sites_sha256"] == hashlib.sha256(sites.read_bytes()).hexdigest()
    assert "timeline.png" in doc["plots"]
