"""Valid seed inputs for the parser fuzzers (``fuzz_parsers.py`` and ``tests/fuzz/``).

Each seed is a small, well-formed message of one format, written out by hand (ISS 25544
elements from a CelesTrak GP record; a CDM built with the fields of CCSDS 508.0-B-1
sec. 3; an OEM of CCSDS 502.0-B-2 sec. 5), so that mutations explore the parsers' deep
paths and not only their first syntax check.
"""

from __future__ import annotations

import json

ISS_TLE = (
    "ISS (ZARYA)\n"
    "1 25544U 98067A   26143.80969095  .00007235  00000+0  13771-3 0  9990\n"
    "2 25544  51.6325  60.7811 0007520  90.7634 269.4217 15.49334650567975\n"
    "1 T0000U          25104.90635117  .00000034  00000-0  93085-4 0  9990\n"
    "2 T0000  90.2372 338.7855 0029713 160.7018 199.5234 12.95975626254634\n"
)

_ISS = {
    "OBJECT_NAME": "ISS (ZARYA)", "OBJECT_ID": "1998-067A", "EPOCH": "2026-05-23T19:25:57.298080",
    "MEAN_MOTION": "15.4933465", "ECCENTRICITY": "0.000752", "INCLINATION": "51.6325",
    "RA_OF_ASC_NODE": "60.7811", "ARG_OF_PERICENTER": "90.7634", "MEAN_ANOMALY": "269.4217",
    "EPHEMERIS_TYPE": "0", "CLASSIFICATION_TYPE": "U", "NORAD_CAT_ID": "25544", "ELEMENT_SET_NO": "999",
    "REV_AT_EPOCH": "56797", "BSTAR": "0.00013771", "MEAN_MOTION_DOT": "7.235e-05", "MEAN_MOTION_DDOT": "0.0",
}

OMM_KVN = "\n".join([
    "CCSDS_OMM_VERS = 2.0", "COMMENT seed", "CREATION_DATE = 2026-05-24T00:00:00", "ORIGINATOR = TEST",
    "OBJECT_NAME = ISS (ZARYA)", "OBJECT_ID = 1998-067A", "CENTER_NAME = EARTH", "REF_FRAME = TEME",
    "TIME_SYSTEM = UTC", "MEAN_ELEMENT_THEORY = SGP4",
    *(f"{k} = {v}" for k, v in _ISS.items() if k not in ("OBJECT_NAME", "OBJECT_ID")),
]) + "\n"

OMM_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<ndm>\n<omm id="CCSDS_OMM_VERS" version="2.0">\n'
    "<header><CREATION_DATE>2026-05-24T00:00:00</CREATION_DATE><ORIGINATOR>T</ORIGINATOR></header>\n"
    "<body><segment><metadata><OBJECT_NAME>ISS (ZARYA)</OBJECT_NAME><OBJECT_ID>1998-067A</OBJECT_ID>\n"
    "<CENTER_NAME>EARTH</CENTER_NAME><REF_FRAME>TEME</REF_FRAME><TIME_SYSTEM>UTC</TIME_SYSTEM>\n"
    "<MEAN_ELEMENT_THEORY>SGP4</MEAN_ELEMENT_THEORY></metadata><data><meanElements>\n"
    + "".join(f"<{k}>{_ISS[k]}</{k}>\n" for k in ("EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION",
                                                 "RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY"))
    + "</meanElements><tleParameters>\n"
    + "".join(f"<{k}>{_ISS[k]}</{k}>\n" for k in ("EPHEMERIS_TYPE", "CLASSIFICATION_TYPE", "NORAD_CAT_ID",
                                                 "ELEMENT_SET_NO", "REV_AT_EPOCH", "BSTAR", "MEAN_MOTION_DOT",
                                                 "MEAN_MOTION_DDOT"))
    + "</tleParameters></data></segment></body></omm>\n</ndm>\n"
)

OMM_JSON = json.dumps([_ISS, {**_ISS, "NORAD_CAT_ID": 25545, "MEAN_MOTION": 15.5, "BSTAR": 1e-4}], indent=1)

OMM_CSV = ",".join(_ISS) + "\n" + ",".join(_ISS.values()) + "\n" + ",".join(
    v if k != "NORAD_CAT_ID" else "25545" for k, v in _ISS.items()) + "\n"

_COV = [f"C{a}_{b}" for i, a in enumerate(("R", "T", "N", "RDOT", "TDOT", "NDOT"))
        for b in ("R", "T", "N", "RDOT", "TDOT", "NDOT")[: i + 1]]


def _cdm_object(k: int, designator: str, x_km: float) -> list[str]:
    out = [f"OBJECT = OBJECT{k}", f"OBJECT_DESIGNATOR = {designator}", "CATALOG_NAME = SATCAT",
           f"OBJECT_NAME = OBJ{k}", "INTERNATIONAL_DESIGNATOR = 1998-067A", "EPHEMERIS_NAME = NONE",
           "COVARIANCE_METHOD = CALCULATED", "MANEUVERABLE = N/A", "REF_FRAME = EME2000",
           f"X = {x_km} [km]", "Y = 0.0 [km]", "Z = 0.0 [km]", "X_DOT = 0.0 [km/s]", "Y_DOT = 7.5 [km/s]",
           "Z_DOT = 0.0 [km/s]"]
    out += [f"{c} = {'100.0' if c[1:].split('_')[0] == c.split('_')[1] else '0.0'} [m**2]" for c in _COV]
    return out


CDM_KVN = "\n".join([
    "CCSDS_CDM_VERS = 1.0", "CREATION_DATE = 2025-01-01T00:00:00", "ORIGINATOR = TEST", "MESSAGE_ID = M1",
    "TCA = 2025-01-02T03:04:05.678", "MISS_DISTANCE = 100.0 [m]", "RELATIVE_SPEED = 10600.0 [m/s]",
    "COLLISION_PROBABILITY = 1e-4", "COMMENT HBR = 10 [m]",
    *_cdm_object(1, "25544", 7000.0), *_cdm_object(2, "25545", 7000.1),
]) + "\n"


def _cdm_xml_segment(lines: list[str]) -> str:
    state_keys = ("X", "Y", "Z", "X_DOT", "Y_DOT", "Z_DOT")
    meta = [ln for ln in lines if ln.split(" = ")[0] not in (*state_keys, *_COV)]
    state = [ln for ln in lines if ln.split(" = ")[0] in state_keys]
    cov = [ln for ln in lines if ln.split(" = ")[0] in _COV]

    def leaf(ln: str) -> str:
        k, v = ln.split(" = ", 1)
        v = v.split(" [")[0]
        return f"<{k}>{v}</{k}>"

    return ("<segment><metadata>" + "".join(leaf(x) for x in meta) + "</metadata><data><stateVector>"
            + "".join(leaf(x) for x in state) + "</stateVector><covarianceMatrix>"
            + "".join(leaf(x) for x in cov) + "</covarianceMatrix></data></segment>\n")


CDM_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<cdm id="CCSDS_CDM_VERS" version="1.0">\n'
    "<header><CREATION_DATE>2025-01-01T00:00:00</CREATION_DATE><ORIGINATOR>TEST</ORIGINATOR>"
    "<MESSAGE_ID>M1</MESSAGE_ID></header>\n<body><relativeMetadataData><COMMENT>HBR = 10 [m]</COMMENT>"
    "<TCA>2025-01-02T03:04:05.678</TCA><MISS_DISTANCE>100.0</MISS_DISTANCE>"
    "<RELATIVE_SPEED>10600.0</RELATIVE_SPEED></relativeMetadataData>\n"
    + _cdm_xml_segment(_cdm_object(1, "25544", 7000.0)) + _cdm_xml_segment(_cdm_object(2, "25545", 7000.1))
    + "</body></cdm>\n"
)

OEM_KVN = """CCSDS_OEM_VERS = 2.0
CREATION_DATE = 2025-04-15T00:00:00
ORIGINATOR = TEST

META_START
OBJECT_NAME = ISS
OBJECT_ID = 1998-067A
CENTER_NAME = EARTH
REF_FRAME = TEME
TIME_SYSTEM = UTC
START_TIME = 2025-04-15T00:00:00
STOP_TIME = 2025-04-15T00:02:00
META_STOP

2025-04-15T00:00:00 6778.0 0.0 0.0 0.0 7.67 0.0
2025-04-15T00:01:00 6770.2 460.1 0.0 -0.52 7.65 0.0
COVARIANCE_START
EPOCH = 2025-04-15T00:01:00
COVARIANCE_STOP
2025-04-15T00:02:00 6746.9 918.6 0.0 -1.04 7.60 0.0
"""

SEEDS: dict[str, str] = {
    "tle": ISS_TLE,
    "omm-kvn": OMM_KVN,
    "omm-xml": OMM_XML,
    "omm-json": OMM_JSON,
    "omm-csv": OMM_CSV,
    "cdm-kvn": CDM_KVN,
    "cdm-xml": CDM_XML,
    "oem": OEM_KVN,
}
