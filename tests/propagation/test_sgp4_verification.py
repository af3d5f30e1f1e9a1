"""SGP4 verification (acceptance 4): SGP4-VER.TLE through orbitwatch reproduces tcppver.out.

Reference: Vallado, Crawford, Hujsak & Kelso (2006), "Revisiting Spacetrack Report #3",
AIAA 2006-6753: the verification element sets ``SGP4-VER.TLE`` (each line 2 followed by
start / stop / step minutes) and the output of the reference C++ SGP4, ``tcppver.out``
(both as shipped in the ``sgp4`` 2.27 sdist, see shared/data/MANIFEST.md).

Everything goes through orbitwatch's own API and time type: element sets become
:class:`ElementSet` values with ``datetime64[us]`` epochs, the times are
``epoch + tsince`` as ``datetime64[us]`` (every tsince in the file is a whole number of
microseconds, which the test checks), and :func:`orbitwatch.propagation.propagate`
turns them into TEME states.  Tolerance: 1e-8 km in position and 1e-9 km/s in
velocity on every printed row (the printed precision of tcppver.out).

The element sets are read by a small field parser here rather than by the catalog
reader because five of the verification TLEs carry deliberately wrong checksums
(33333, 33334, 33335, 25954, 29141; noted in python-sgp4's ``sgp4/tests.py``), which
orbitwatch's strict reader rightly rejects.

Where the reference stops early (the C++ driver stops printing at the first SGP4
error), the next grid time must give the error code the reference run reported and
NaN states.  The expected codes, in file order, are those of the reference C++ run
as listed in python-sgp4's ``sgp4/tests.py`` (``[1, 1, 6, 6, 4, 3, 6]``: mean
eccentricity out of range twice, decayed twice, semi-latus rectum < 0, perturbed
eccentricity out of range, decayed).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from sgp4.api import Satrec

from orbitwatch.catalog.model import ElementSet
from orbitwatch.catalog.tle import parse_tle
from orbitwatch.propagation import propagate, propagate_tsince, satrec_from_elements

US_PER_MIN = 60_000_000
# The last case (20413, tsince 1,844,000..1,845,100 min, about 3.5 years past epoch,
# e = 0.786) is where the published tcppver.out and the same reference C++ compiled
# today (python-sgp4 2.27's ``Satrec``) differ by up to 1.15e-7 km: a floating-point
# difference of the 2006 build, not of orbitwatch.  Those 70 rows are checked against
# tcppver.out at python-sgp4's own tolerance (2e-7 km, ``sgp4/tests.py``) and against
# today's reference C++ bit for bit; every other row at 1e-8 km and 1e-9 km/s.
LONG_RUN_MIN = 1_000_000.0
EXPECTED_ERROR_CODES = [1, 1, 6, 6, 4, 3, 6]


def _implied(field: str) -> float:
    """TLE implied-decimal exponent field: ' 28098-4' -> 0.28098e-4."""
    s = field.strip().replace(" ", "")
    if not s:
        return 0.0
    sign = -1.0 if s[0] == "-" else 1.0
    s = s.lstrip("+-")
    mant, exp = s[:-2], s[-2:]
    return sign * float(f"0.{mant}e{exp}")


def _element_set(l1: str, l2: str) -> ElementSet:
    """TLE columns (CelesTrak "NORAD Two-Line Element Set Format") -> ElementSet."""
    yy = int(l1[18:20])
    year = 1900 + yy if yy >= 57 else 2000 + yy
    day_text = l1[20:32].strip()
    day = Decimal(day_text)
    us = int((day - 1) * 86_400_000_000)
    assert (day - 1) * 86_400_000_000 == us, "TLE epoch is a whole number of microseconds"
    epoch = np.datetime64(f"{year:04d}-01-01T00:00:00", "us") + np.timedelta64(us, "us")
    return ElementSet(
        norad_id=int(l1[2:7]),
        epoch=epoch,
        mean_motion_dot_rev_per_day2=float(l1[33:43]),
        mean_motion_ddot_rev_per_day3=_implied(l1[44:52]),
        bstar_per_earth_radius=_implied(l1[53:61]),
        inclination_deg=float(l2[8:16]),
        raan_deg=float(l2[17:25]),
        eccentricity=float("0." + l2[26:33].strip()),
        arg_perigee_deg=float(l2[34:42]),
        mean_anomaly_deg=float(l2[43:51]),
        mean_motion_rev_per_day=float(l2[52:63]),
    )


def _read_cases(path: Path) -> list[tuple[str, str, float, float, float]]:
    cases = []
    lines = [ln.rstrip("\n") for ln in path.read_text(encoding="ascii").splitlines()]
    for i, ln in enumerate(lines):
        if ln.startswith("1 "):
            l2 = lines[i + 1]
            start, stop, step = (float(x) for x in l2[69:].split())
            cases.append((ln, l2[:69], start, stop, step))
    return cases


def _read_reference(path: Path) -> list[tuple[int, np.ndarray]]:
    """[(norad, rows (K, 7): tsince_min, x, y, z km, vx, vy, vz km/s)] in file order."""
    out: list[tuple[int, list[list[float]]]] = []
    for ln in path.read_text(encoding="ascii").splitlines():
        f = ln.split()
        if len(f) == 2 and f[1] == "xx":
            out.append((int(f[0]), []))
        elif f:
            out[-1][1].append([float(x) for x in f[:7]])
    return [(n, np.array(rows)) for n, rows in out]


def _grid(start: float, stop: float, step: float) -> list[float]:
    """The tsince sequence testcpp.cpp prints: 0, then start..stop by step, then stop."""
    ts = [0.0]
    t = start
    while t <= stop:
        if not (t == start == 0.0):
            ts.append(t)
        t += step
    if t - stop < step - 1e-6:
        ts.append(stop)
    return ts


Cases = list[tuple[ElementSet, list[float], np.ndarray, str, str]]


@pytest.fixture(scope="module")
def verification(shared_data: Path) -> Cases:
    cases = _read_cases(shared_data / "sgp4-verification" / "SGP4-VER.TLE")
    refs = _read_reference(shared_data / "sgp4-verification" / "tcppver.out")
    assert len(cases) == len(refs) == 33
    out = []
    for (l1, l2, start, stop, step), (norad, rows) in zip(cases, refs, strict=True):
        es = _element_set(l1, l2)
        assert es.norad_id == norad
        out.append((es, _grid(start, stop, step), rows, l1, l2))
    return out


def _whole_us(tsince_min: list[float]) -> np.ndarray:
    """True where the (floating-point) tsince is exactly a whole number of microseconds."""
    return np.array([(Decimal(repr(t)) * US_PER_MIN) % 1 == 0 for t in tsince_min])


def _states(es: ElementSet, grid: list[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """err (T,), r (T,3), v (T,3) over the grid: UTC times where tsince is a whole
    microsecond (``propagate``), ``propagate_tsince`` for the float-accumulated rest."""
    whole = _whole_us(grid)
    err = np.zeros(len(grid), dtype=np.uint8)
    r = np.empty((len(grid), 3))
    v = np.empty((len(grid), 3))
    us = np.array([int(Decimal(repr(t)) * US_PER_MIN) for t, w in zip(grid, whole, strict=True) if w])
    eph = propagate([es], es.epoch + us.astype("timedelta64[us]"))
    err[whole], r[whole], v[whole] = eph.err[0], eph.r_km[0], eph.v_km_s[0]
    if (~whole).any():
        e2, r2, v2 = propagate_tsince([es], np.array(grid)[~whole])
        err[~whole], r[~whole], v[~whole] = e2[0], r2[0], v2[0]
    return err, r, v, int((~whole).sum())


@pytest.mark.filterwarnings("ignore::orbitwatch.errors.ElementAgeWarning")  # runs of up to 3.5 years
@pytest.mark.parametrize("backend", ["compiled", "reference"])
def test_every_row_of_tcppver(verification: Cases, backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both back ends (ORBITWATCH_SGP4) reproduce every row, error code and NaN row."""
    monkeypatch.setenv("ORBITWATCH_SGP4", backend)
    rows_checked = 0
    worst_r = worst_v = 0.0
    errors_seen = []
    n_tsince_rows = 0
    for es, grid, ref, l1, l2 in verification:
        err, r, v, n_float = _states(es, grid)
        n_tsince_rows += n_float
        k = len(ref)
        if np.isnan(r[0, 0]):
            # Fails at epoch (33334): the C++ driver printed the previous satellite's
            # stale state on its t=0 row, so only the code and NaN are checked.
            assert k == 1 and err[0] != 0
            errors_seen.append(int(err[0]))
            assert np.all(np.isnan(r)) and np.all(np.isnan(v))
            continue
        np.testing.assert_allclose(ref[:, 0], np.array(grid[:k]), rtol=0, atol=5e-9)
        assert np.all(err[:k] == 0), es.norad_id
        dr = np.abs(r[:k] - ref[:, 1:4])
        dv = np.abs(v[:k] - ref[:, 4:7])
        if grid[1] >= LONG_RUN_MIN:
            # 20413 at tsince 1,844,000 min: see LONG_RUN_MIN.
            assert dr.max() <= 2e-7 and dv.max() <= 1e-9, (es.norad_id, dr.max(), dv.max())
            sat = Satrec.twoline2rv(l1, l2)
            cpp = np.array([sat.sgp4_tsince(t)[1] for t in grid[:k]])
            if backend == "reference":
                np.testing.assert_array_equal(r[:k], cpp)
            else:  # the compiled kernel: the same statements, rounding apart (seen: 2.6e-8 km)
                np.testing.assert_allclose(r[:k], cpp, rtol=0, atol=1e-7)
        else:
            worst_r, worst_v = max(worst_r, dr.max()), max(worst_v, dv.max())
            assert dr.max() <= 1e-8, (es.norad_id, dr.max())
            assert dv.max() <= 1e-9, (es.norad_id, dv.max())
        rows_checked += k
        if k < len(grid):
            # The reference stopped: the next grid time carries an error code and NaN.
            code = int(err[k])
            assert code != 0, es.norad_id
            errors_seen.append(code)
            assert np.all(np.isnan(r[k])) and np.all(np.isnan(v[k]))
    # 700 lines = 33 headers + 667 rows; all but the stale 33334 row are compared.
    assert rows_checked == 666
    assert errors_seen == EXPECTED_ERROR_CODES
    # Most rows go through UTC datetime64 times; only float-accumulated grids use tsince.
    assert n_tsince_rows < rows_checked // 4
    print(f"worst |dr| = {worst_r:.2e} km, worst |dv| = {worst_v:.2e} km/s over {rows_checked} rows")


def test_satrec_matches_twoline2rv(verification: Cases) -> None:
    """satrec_from_elements builds the record twoline2rv builds (exact two-part epoch)."""
    for es, _, _, l1, l2 in verification:
        ours = satrec_from_elements(
            es.norad_id, es.epoch, es.mean_motion_rev_per_day, es.eccentricity, es.inclination_deg,
            es.raan_deg, es.arg_perigee_deg, es.mean_anomaly_deg, es.bstar_per_earth_radius,
            es.mean_motion_dot_rev_per_day2, es.mean_motion_ddot_rev_per_day3,
        )
        ref = Satrec.twoline2rv(l1, l2)
        assert ours.jdsatepoch + ours.jdsatepochF == pytest.approx(ref.jdsatepoch + ref.jdsatepochF, abs=1e-11)
        for name in ("no_kozai", "ecco", "inclo", "nodeo", "argpo", "mo", "bstar", "ndot", "nddot"):
            assert getattr(ours, name) == pytest.approx(getattr(ref, name), rel=1e-15, abs=1e-300), name
        assert ours.method == ref.method


def test_field_helper_agrees_with_catalog_reader(verification: Cases) -> None:
    """Where the checksums are valid, orbitwatch's TLE reader gives the same element sets."""
    from orbitwatch.errors import TLEError

    same = 0
    for es, _, _, l1, l2 in verification:
        try:
            parsed = parse_tle(l1, l2)
        except TLEError as exc:
            assert exc.code == "TLE_CHECKSUM", exc
            continue
        assert parsed.elements_key() == es.elements_key()
        same += 1
    assert same >= 28
