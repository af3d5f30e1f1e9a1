"""Write element sets back out: TLE/3LE, and CCSDS OMM as KVN, XML, JSON or CSV.

What ``orbitwatch export`` writes, one format per call, for a list of
:class:`~orbitwatch.catalog.model.ElementSet`:

* ``tle``: 3LE (``0 NAME`` line, then lines 1 and 2; :func:`orbitwatch.catalog.tle.format_tle`),
  for the sets whose catalog number fits a TLE (Alpha-5: up to 339999); the others are
  returned as skipped, never silently dropped;
* ``omm-kvn``: the KVN messages of :func:`orbitwatch.catalog.omm.format_omm_kvn`, one
  after the other (CCSDS 502.0-B-3, as Space-Track's ``format/kvn``);
* ``omm-xml``: one ``<ndm>`` holding an ``<omm>`` per set (CCSDS 505.0-B, CelesTrak's
  ``FORMAT=xml`` layout), from :func:`orbitwatch.catalog.omm.format_omm_xml`;
* ``omm-json`` / ``omm-csv``: CelesTrak's GP JSON (an array of flat objects) and CSV
  (header row of OMM keywords), the keyword set of :data:`GP_KEYWORDS`.

Every value is written so that the readers of :mod:`orbitwatch.catalog.reader` read
back the same element set (numbers by ``repr``, epochs to the microsecond); the
tests round-trip each format through them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from orbitwatch.catalog.model import ElementSet
from orbitwatch.catalog.omm import format_omm_kvn, format_omm_xml
from orbitwatch.catalog.tle import format_tle
from orbitwatch.errors import InputError, TLEError
from orbitwatch.times import UTC_DTYPE, format_utc

__all__ = ["EXPORT_FORMATS", "GP_KEYWORDS", "Export", "export_element_sets"]

EXPORT_FORMATS = ("tle", "omm-kvn", "omm-xml", "omm-json", "omm-csv")
#: CelesTrak GP keywords, in CelesTrak's column order
GP_KEYWORDS = (
    "OBJECT_NAME", "OBJECT_ID", "EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE",
    "ARG_OF_PERICENTER", "MEAN_ANOMALY", "EPHEMERIS_TYPE", "CLASSIFICATION_TYPE", "NORAD_CAT_ID",
    "ELEMENT_SET_NO", "REV_AT_EPOCH", "BSTAR", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT",
)


@dataclass(frozen=True)
class Export:
    """The text written, how many sets it holds, and the sets left out with why."""

    text: str
    written: int
    skipped: list[tuple[int, str]] = field(default_factory=list)


def _epoch(es: ElementSet) -> str:
    return str(format_utc(np.asarray(es.epoch, dtype=UTC_DTYPE), digits=6))[:-1]  # no 'Z', as CelesTrak


def _gp(es: ElementSet) -> dict[str, object]:
    return {
        "OBJECT_NAME": es.name or "UNKNOWN", "OBJECT_ID": es.cospar_id or "UNKNOWN", "EPOCH": _epoch(es),
        "MEAN_MOTION": es.mean_motion_rev_per_day, "ECCENTRICITY": es.eccentricity,
        "INCLINATION": es.inclination_deg, "RA_OF_ASC_NODE": es.raan_deg, "ARG_OF_PERICENTER": es.arg_perigee_deg,
        "MEAN_ANOMALY": es.mean_anomaly_deg, "EPHEMERIS_TYPE": es.ephemeris_type,
        "CLASSIFICATION_TYPE": es.classification or "U", "NORAD_CAT_ID": es.norad_id,
        "ELEMENT_SET_NO": es.element_set_no, "REV_AT_EPOCH": es.rev_at_epoch, "BSTAR": es.bstar_per_earth_radius,
        "MEAN_MOTION_DOT": es.mean_motion_dot_rev_per_day2, "MEAN_MOTION_DDOT": es.mean_motion_ddot_rev_per_day3,
    }


def export_element_sets(
    sets: Sequence[ElementSet], fmt: str, *, creation_date: np.datetime64 | None = None,
    originator: str = "orbitwatch",
) -> Export:
    """``sets`` written in ``fmt`` (one of :data:`EXPORT_FORMATS`).

    ``creation_date`` is the OMM ``CREATION_DATE`` (KVN, XML); without it each message
    carries its set's epoch (no hidden clock).  Raises :class:`InputError`
    ``INPUT_FORMAT`` for an unknown format.
    """
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}",
                         code="INPUT_FORMAT", field="format")
    if fmt == "tle":
        lines: list[str] = []
        skipped: list[tuple[int, str]] = []
        for es in sets:
            try:
                l1, l2 = format_tle(es)
            except TLEError as exc:
                skipped.append((es.norad_id, f"{exc.code}: {exc.message}"))
                continue
            lines += [f"0 {es.name}" if es.name else f"0 NORAD {es.norad_id}", l1, l2]
        return Export("".join(f"{line}\n" for line in lines), len(sets) - len(skipped), skipped)
    if fmt == "omm-kvn":
        text = "\n".join(format_omm_kvn(es, creation_date=creation_date, originator=originator) for es in sets)
        return Export(text, len(sets))
    if fmt == "omm-xml":
        body: list[str] = []
        for es in sets:
            doc = format_omm_xml(es, creation_date=creation_date, originator=originator).splitlines()
            body += ["  " + line for line in doc if not line.startswith("<?xml")]
        text = "\n".join(['<?xml version="1.0" encoding="UTF-8"?>', "<ndm>", *body, "</ndm>"]) + "\n"
        return Export(text, len(sets))
    rows = [_gp(es) for es in sets]
    if fmt == "omm-json":
        return Export(json.dumps(rows, indent=1) + "\n", len(sets))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(GP_KEYWORDS)
    for r in rows:
        writer.writerow([repr(v) if isinstance(v, float) else v for v in (r[k] for k in GP_KEYWORDS)])
    return Export(buf.getvalue(), len(sets))
