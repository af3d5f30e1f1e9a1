"""CDM reader/writer on the staged real and broken files (shared/data/cdm, see MANIFEST.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from orbitwatch.ccsds.cdm import (
    CDM,
    parse_ccsds_time,
    read_cdm,
    read_cdm_kvn,
    rtn_to_inertial,
    write_cdm_kvn,
    write_cdm_xml,
)
from orbitwatch.errors import CDMError

BROKEN = {
    "CDM-missing-TCA.txt": "CDM_MISSING_TCA",
    "CDM-missing-object2-state-vector.txt": "CDM_MISSING_STATE_VECTOR",
    "CDM-missing-object1-covariance-block.xml": "CDM_MISSING_COVARIANCE",
    "CDM-wrong-key-word.txt": "CDM_UNKNOWN_KEYWORD",
    "CDM-covariance-wrong-entry-format.txt": "CDM_NUMBER_FORMAT",
    "CDMExample1InvalidTca.txt": "CDM_TIME_FORMAT",
    "CDMExample_issue1319_mandatory_empty_value.xml": "CDM_EMPTY_VALUE",
}


def _all_files(shared_data: Path) -> list[Path]:
    root = shared_data / "cdm"
    files = sorted((root / "cara-sample-cdms").glob("*.cdm")) + sorted((root / "cara-pc-test-cdms").glob("*.cdm"))
    ex = root / "ccsds-cdm-examples"
    files += sorted(p for p in ex.iterdir() if p.suffix in (".txt", ".xml", ".cdm"))
    return files


def _good_files(shared_data: Path) -> list[Path]:
    return [p for p in _all_files(shared_data) if p.name not in BROKEN]


def test_corpus_counts(shared_data) -> None:
    root = shared_data / "cdm"
    assert len(list((root / "cara-sample-cdms").glob("*.cdm"))) == 34
    assert len(list((root / "cara-pc-test-cdms").glob("*.cdm"))) == 53
    assert len(_good_files(shared_data)) == 118


def test_every_good_file_parses_and_round_trips(shared_data) -> None:
    """read -> write (KVN and XML) -> read gives an equal CDM, for all 118 well-formed staged CDMs."""
    for path in _good_files(shared_data):
        cdm = read_cdm(path.read_text(encoding="utf-8"), source=path.name)
        assert read_cdm(write_cdm_kvn(cdm)) == cdm, path.name
        assert read_cdm(write_cdm_xml(cdm)) == cdm, path.name
        # and across syntaxes twice
        assert read_cdm(write_cdm_xml(read_cdm(write_cdm_kvn(cdm)))) == cdm, path.name
        assert np.isfinite(cdm.state(1)).all() and np.isfinite(cdm.state(2)).all(), path.name


@pytest.mark.parametrize(("name", "code"), sorted(BROKEN.items()))
def test_broken_files_raise_their_code(shared_data, name: str, code: str) -> None:
    text = (shared_data / "cdm" / "ccsds-cdm-examples" / name).read_text(encoding="utf-8")
    with pytest.raises(CDMError) as info:
        read_cdm(text, source=name)
    assert info.value.code == code
    assert info.value.source == name


def test_no_orbit_center_is_valid(shared_data) -> None:
    """CDM-no-orbit-center-defined-obj1.txt (brahe copy of Orekit's sample) has no ORBIT_CENTER:
    CCSDS 508.0-B-1 makes it optional (Earth implied), so the file parses."""
    path = shared_data / "cdm" / "ccsds-cdm-examples" / "CDM-no-orbit-center-defined-obj1.txt"
    cdm = read_cdm(path.read_text(encoding="utf-8"))
    assert cdm.get("object1", "ORBIT_CENTER") is None
    assert cdm.message_id == "201113719185"


def test_cdm_example1_values(shared_data) -> None:
    """Values read back as written in CDMExample1.xml (CCSDS 508.0-B-1 annex example)."""
    cdm = read_cdm((shared_data / "cdm" / "ccsds-cdm-examples" / "CDMExample1.xml").read_text())
    assert cdm.version == "1.0"
    assert str(cdm.tca) == "2010-03-13T22:37:52.618000"
    assert cdm.miss_distance_km == pytest.approx(0.715)
    assert cdm.relative_speed_km_s == pytest.approx(14.762)
    assert cdm.collision_probability == pytest.approx(4.835e-05)
    np.testing.assert_allclose(
        cdm.state(1), [2570.097065, 2244.654904, 6281.497978, 4.418769571, 4.833547743, -3.526774282]
    )
    cov = cdm.covariance_rtn(1)
    assert cov.shape == (6, 6)
    assert cov[1, 0] == cov[0, 1] == pytest.approx(-8.579)
    assert cov[5, 5] == pytest.approx(5.529e-05)
    assert cdm.object_name(2) == "FENGYUN 1C DEB"


def test_cara_cdm_hbr_comment_and_covariance_sizes(shared_data) -> None:
    path = shared_data / "cdm" / "cara-pc-test-cdms" / "000020580_conj_000002017_20230613_001923_20230608_063715.cdm"
    cdm = read_cdm(path.read_text())
    assert cdm.hbr_m == 10.0
    assert cdm.norad_id(1) == 20580 and cdm.norad_id(2) == 2017
    assert cdm.covariance_rtn(1).shape == (6, 6)  # these CARA CDMs carry no drag/SRP rows
    assert "HBR = 10 [m]" in cdm.comments()
    omitron = read_cdm((shared_data / "cdm" / "cara-sample-cdms" / "OmitronTestCase_Test01_HighPc.cdm").read_text())
    cov = omitron.covariance_rtn(1)
    assert cov.shape == (8, 8)  # with CDRG_* and CSRP_* rows
    assert cov[6, 6] == pytest.approx(1e-12) and cov[7, 7] == pytest.approx(1e-12)
    assert cov[1, 1] == pytest.approx(1190.0)


def test_day_of_year_times_and_alfano_hbr(shared_data) -> None:
    cdm = read_cdm((shared_data / "cdm" / "cara-sample-cdms" / "SingleCovTestCase1-12.cdm").read_text())
    assert cdm.tca == parse_ccsds_time("2014-01-30T23:59:59.000")
    alf = read_cdm((shared_data / "cdm" / "cara-sample-cdms" / "AlfanoTestCase01.cdm").read_text())
    assert alf.hbr_m == 15.0  # COMMENT HBR = 15 (metres), as in alfano2009-case-parameters.csv


def test_real_cspoc_cdm(shared_data) -> None:
    """The CSpOC emergency CDM (ION SCV-008 vs STARLINK-1233, MANIFEST.md): miss 55 m, Pc 4.45e-3."""
    path = shared_data / "cdm" / "ccsds-cdm-examples" / "ION_SCV8_vs_STARLINK_1233.txt"
    cdm = read_cdm(path.read_text())
    assert cdm.miss_distance_km == pytest.approx(0.055)
    assert cdm.collision_probability == pytest.approx(0.004450713)
    assert cdm.norad_id(1) == 55051 and cdm.norad_id(2) == 45214


def test_rtn_to_inertial_preserves_trace_and_radial_variance() -> None:
    state = np.array([7000.0, 100.0, -50.0, 0.1, 7.5, 0.2])
    cov = np.diag([4.0, 100.0, 9.0, 1e-4, 1e-3, 1e-5])
    eci = rtn_to_inertial(state, cov)
    assert np.trace(eci[:3, :3]) == pytest.approx(113.0)
    rhat = state[:3] / np.linalg.norm(state[:3])
    assert rhat @ eci[:3, :3] @ rhat == pytest.approx(4.0)


def test_syntax_errors() -> None:
    with pytest.raises(CDMError) as info:
        read_cdm_kvn("CCSDS_CDM_VERS = 1.0\nthis is not kvn\n")
    assert info.value.code == "CDM_SYNTAX" and info.value.line == 2
    with pytest.raises(CDMError) as info:
        read_cdm("<cdm><header>")
    assert info.value.code == "CDM_SYNTAX"
    with pytest.raises(CDMError) as info:
        read_cdm_kvn("CCSDS_CDM_VERS = 1.0\nTCA = 2020-01-01T00:00:00\n")
    assert info.value.code == "CDM_OBJECTS"


def test_cdm_is_a_value() -> None:
    assert CDM((), (), ((), ())) == CDM((), (), ((), ()), source="x")


def test_build_cdm_reproduces_cara_relative_state(shared_data) -> None:
    """A CDM built from the HST CDM's own states and (inertial) covariances: the relative position and
    velocity that orbitwatch writes (object 2 - object 1 in object 1's RTN) match what CARA wrote
    (RELATIVE_POSITION_* to its 0.1 m rounding, RELATIVE_VELOCITY_* to 0.1 m/s), covariances round-trip
    to 1e-9 relative, and the HBR comment is read back."""
    from orbitwatch.ccsds.cdm import build_cdm

    path = shared_data / "cdm" / "cara-pc-test-cdms" / "000020580_conj_000002017_20230613_001923_20230608_063715.cdm"
    src = read_cdm(path.read_text())
    states = np.stack([src.state(1), src.state(2)])
    covs = np.stack([src.covariance_inertial_km(1), src.covariance_inertial_km(2)])
    built = build_cdm(
        tca=src.tca,
        creation_date=np.datetime64("2026-01-01T00:00:00", "us"),
        originator="ORBITWATCH",
        message_id="test-1",
        states_km=states,
        covariances_km2=covs,
        objects=({"OBJECT_DESIGNATOR": "20580", "OBJECT_NAME": "HST"}, {"OBJECT_DESIGNATOR": "2017"}),
        hbr_m=10.0,
        collision_probability=1.862e-05,
        collision_probability_method="FOSTER-1992",
    )
    assert built.tca == src.tca and built.hbr_m == 10.0 and built.norad_id(1) == 20580
    for key, tol in (("RELATIVE_POSITION_", 0.05 + 1e-6), ("RELATIVE_VELOCITY_", 0.05 + 1e-6)):
        for axis in "RTN":
            assert built.get_float("relative", key + axis) == pytest.approx(
                src.get_float("relative", key + axis), abs=tol
            )
    np.testing.assert_allclose(built.covariance_rtn(1), src.covariance_rtn(1)[:6, :6], rtol=1e-9, atol=1e-12)
    assert read_cdm(write_cdm_xml(built)) == built
