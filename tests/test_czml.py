"""orbitwatch.czml: CZML scenes against an independent SGP4 + frame conversion.

Reference: the ``sgp4`` package (Vallado's SGP4, WGS-72) run on the TLE lines read
directly from the staged 2025-04-15 Space-Track catalog, and Skyfield's TEME -> ITRS
(``skyfield.sgp4lib.TEME``, ``skyfield.framelib.itrs``) with polar motion and UT1 from
the IERS Bulletin A file installed by ``astropy-iers-data``.  Cesium's ``FIXED`` frame is
the ITRF; positions are in metres.  Tolerance 1 m (the two frame routes differ by the
TEME convention at the centimetre level and by C04 vs Bulletin A polar motion at the
millimetre level).
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sgp4.api import Satrec

from orbitwatch.api import InputError, read_element_sets
from orbitwatch.czml import objects_czml

#: ISS (LEO), a GPS satellite (MEO), a GEO payload, a Molniya-type HEO
SAMPLE = (25544, 28874, 41866, 40296)
START = "2025-04-15T00:00:00Z"
END = "2025-04-15T03:00:00Z"


@pytest.fixture(scope="module")
def tle_lines(shared_data: Path) -> dict[int, tuple[str, str]]:
    path = shared_data / "catalog" / "spacetrack-tle-full-catalog-2025-04-15.tle.gz"
    out: dict[int, tuple[str, str]] = {}
    with gzip.open(path, "rt") as f:
        lines = [ln.rstrip("\n") for ln in f if ln.strip()]
    for l1, l2 in zip(lines[0::2], lines[1::2], strict=True):
        try:
            norad = int(l1[2:7])
        except ValueError:
            continue  # Alpha-5
        if norad in SAMPLE:
            out[norad] = (l1, l2)
    assert set(out) == set(SAMPLE)
    return out


def _skyfield_itrs_m(l1: str, l2: str, when: list[datetime]) -> np.ndarray:
    from astropy_iers_data import IERS_A_FILE
    from skyfield.api import load
    from skyfield.data import iers
    from skyfield.framelib import itrs
    from skyfield.sgp4lib import TEME

    ts = load.timescale(builtin=True)
    with open(IERS_A_FILE, "rb") as f:
        finals = iers.parse_x_y_dut1_from_finals_all(f)
    iers.install_polar_motion_table(ts, finals)
    sat = Satrec.twoline2rv(l1, l2)
    out = []
    for w in when:
        t = ts.from_datetime(w)
        e, r, _v = sat.sgp4(*_jd_utc(w))
        assert e == 0
        rot = itrs.rotation_at(t) @ TEME.rotation_at(t).T
        out.append(rot @ np.array(r) * 1000.0)
    return np.array(out)


def _jd_utc(w: datetime) -> tuple[float, float]:
    from sgp4.api import jday

    jd, fr = jday(w.year, w.month, w.day, w.hour, w.minute, w.second + w.microsecond / 1e6)
    return jd, fr


def _samples(packet: dict) -> tuple[np.ndarray, np.ndarray]:
    c = np.array(packet["position"]["cartesian"], dtype=float).reshape(-1, 4)
    return c[:, 0], c[:, 1:]


def test_positions_equal_sgp4_and_skyfield_itrs(tle_lines: dict[int, tuple[str, str]]) -> None:
    sets = list(read_element_sets([ln for n in SAMPLE for ln in tle_lines[n]], source="test"))
    doc = json.loads(objects_czml(sets, list(SAMPLE), START, END, step_s=600.0, title="t"))
    by_id = {p["id"]: p for p in doc}
    t0 = datetime(2025, 4, 15, tzinfo=UTC)
    for norad in SAMPLE:
        p = by_id[f"norad-{norad}"]
        assert p["position"]["referenceFrame"] == "FIXED"
        assert p["position"]["epoch"].startswith("2025-04-15T00:00:00")
        t_s, r_m = _samples(p)
        assert t_s[0] == 0.0 and t_s[-1] == 3 * 3600.0 and len(t_s) == 19
        ref = _skyfield_itrs_m(*tle_lines[norad], [t0 + timedelta(seconds=float(s)) for s in t_s])
        err_m = np.linalg.norm(r_m - ref, axis=1)
        assert err_m.max() < 1.0, (norad, err_m.max())


def test_document_clock_interval_and_labels(tle_lines: dict[int, tuple[str, str]]) -> None:
    sets = list(read_element_sets(list(tle_lines[25544]), source="test"))
    text = objects_czml(sets, None, START, "2025-04-15T00:10:30Z", step_s=60.0, title="ISS scene")
    doc = json.loads(text)
    head = doc[0]
    assert head["id"] == "document" and head["version"] == "1.0" and head["name"] == "ISS scene"
    assert head["clock"]["interval"] == "2025-04-15T00:00:00.000Z/2025-04-15T00:10:30.000Z"
    assert head["clock"]["currentTime"] == "2025-04-15T00:00:00.000Z"
    iss = doc[1]
    assert iss["label"]["text"] == iss["name"]
    t_s, _ = _samples(iss)
    assert t_s[-1] == 630.0 and t_s[-2] == 600.0  # the end is always a sample
    assert iss["availability"] == head["clock"]["interval"]


def test_unknown_norad_and_empty_window_are_input_errors(tle_lines: dict[int, tuple[str, str]]) -> None:
    sets = list(read_element_sets(list(tle_lines[25544]), source="test"))
    with pytest.raises(InputError) as e:
        objects_czml(sets, [99999], START, END)
    assert e.value.code == "INPUT_NORAD"
    with pytest.raises(InputError):
        objects_czml(sets, None, END, START)


def test_cli_export_czml_of_norad_ids_from_a_store(tle_lines: dict[int, tuple[str, str]], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from orbitwatch.cli import app
    from orbitwatch.store import Store

    db = tmp_path / "s.db"
    with Store.open(db) as store:
        store.ingest([("sample.tle", [ln + "\n" for n in SAMPLE for ln in tle_lines[n]])],
                     now=np.datetime64("2025-04-16T00:00:00", "us"))
    out = tmp_path / "scene.czml"
    res = CliRunner().invoke(app, ["export", "czml", "--db", str(db), "--norad", "25544,41866",
                                   "--start", START, "--end", "2025-04-15T01:00:00Z", "--output", str(out)])
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc[0]["clock"]["interval"] == "2025-04-15T00:00:00.000Z/2025-04-15T01:00:00.000Z"
    assert [p["id"] for p in doc[1:]] == ["norad-25544", "norad-41866"]
    t0 = datetime(2025, 4, 15, tzinfo=UTC)
    for p, norad in zip(doc[1:], (25544, 41866), strict=True):
        t_s, r_m = _samples(p)
        ref = _skyfield_itrs_m(*tle_lines[norad], [t0 + timedelta(seconds=float(s)) for s in t_s])
        assert np.linalg.norm(r_m - ref, axis=1).max() < 1.0
    bad = CliRunner().invoke(app, ["export", "czml", "--db", str(db), "--norad", "25544"])
    assert bad.exit_code != 0  # --norad needs a window
