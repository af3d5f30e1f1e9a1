"""Hard-body radius (HBR) per object: NASA CARA's table, or a documented default by object type.

The table is CARA's ``HBR_Mass_Estimates_<date>_ForDistribution.csv`` (columns
``ObjectID, HBR, HBRSigma, HBRSource, Mass, MassSigma, MassSource``; HBR in metres;
rows sourced from "DISCOS DB" are blank for licensing reasons, see CARA's
``01_Distribution_README.txt``).  The core takes the table's *lines* (text); a shell
opens the file (gzip or plain).  Combined HBR of a pair: ``R1 + R2`` when both sigmas
are zero, else Baars & Hall (2022, AAS 22-586, eq. 8)
``sqrt((R1 + R2)^2 + s1^2 + s2^2)``.

Defaults when an object is not in the table (or its HBR is blank), by object type:
payload 5 m, rocket body 5 m, debris 1 m, unknown 2 m.  The combined HBR of a pair is
the sum of the two radii (:func:`pair_hbr_m`); ``orbitwatch screen --pc`` and
``orbitwatch pc`` (for a CDM that states no HBR) use the same rule and report the source
(``CARA table``, ``default``, ``CARA table + default``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from orbitwatch.errors import InputError

__all__ = ["DEFAULT_HBR_M", "HBRTable", "combined_hbr_m", "pair_hbr_m", "read_hbr_table"]

DEFAULT_HBR_M: Mapping[str, float] = {
    "PAYLOAD": 5.0,
    "ROCKET BODY": 5.0,
    "DEBRIS": 1.0,
    "UNKNOWN": 2.0,
}


@dataclass(frozen=True)
class HBRTable:
    """Per-object HBR (m) and its sigma (m), keyed by NORAD id, with the source label."""

    hbr_m: Mapping[int, float]
    sigma_m: Mapping[int, float]
    source: Mapping[int, str]

    def lookup(self, norad_ids: Iterable[int], object_types: Iterable[str] | None = None) -> npt.NDArray[np.float64]:
        """HBR (m) for each id: the table's value, else the default for its object type (else UNKNOWN)."""
        ids = list(norad_ids)
        types = list(object_types) if object_types is not None else ["UNKNOWN"] * len(ids)
        out = np.empty(len(ids))
        for i, (nid, typ) in enumerate(zip(ids, types, strict=True)):
            value = self.hbr_m.get(int(nid))
            out[i] = value if value is not None else DEFAULT_HBR_M.get(typ.upper(), DEFAULT_HBR_M["UNKNOWN"])
        return out


def read_hbr_table(lines: Iterable[str], *, source: str | None = None) -> HBRTable:
    """Parse CARA's HBR/mass CSV lines; blank HBR cells are skipped (defaults apply)."""
    reader = csv.DictReader(lines)
    need = {"ObjectID", "HBR"}
    if reader.fieldnames is None or not need <= set(reader.fieldnames):
        raise InputError(f"HBR table needs columns {sorted(need)}", code="INPUT_HBR_TABLE", source=source)
    hbr: dict[int, float] = {}
    sig: dict[int, float] = {}
    src: dict[int, str] = {}
    for lineno, row in enumerate(reader, start=2):
        text = (row.get("HBR") or "").strip()
        if not text:
            continue
        try:
            nid = int(row["ObjectID"])
            value = float(text)
            sigma = float((row.get("HBRSigma") or "0").strip() or 0.0)
        except ValueError:
            raise InputError(
                f"bad HBR row {row!r}", code="INPUT_HBR_TABLE", source=source, line=lineno
            ) from None
        if not value > 0:
            continue
        hbr[nid] = value
        sig[nid] = sigma
        src[nid] = (row.get("HBRSource") or "").strip()
    return HBRTable(hbr_m=hbr, sigma_m=sig, source=src)


def combined_hbr_m(
    r1_m: npt.ArrayLike, r2_m: npt.ArrayLike, s1_m: npt.ArrayLike = 0.0, s2_m: npt.ArrayLike = 0.0
) -> npt.NDArray[np.float64]:
    """Combined HBR of pairs (Baars & Hall 2022 eq. 8); reduces to ``R1 + R2`` with zero sigmas."""
    r1 = np.asarray(r1_m, dtype=np.float64)
    r2 = np.asarray(r2_m, dtype=np.float64)
    s1 = np.asarray(s1_m, dtype=np.float64)
    s2 = np.asarray(s2_m, dtype=np.float64)
    return np.asarray(np.sqrt((r1 + r2) ** 2 + s1**2 + s2**2), dtype=np.float64)


def pair_hbr_m(
    norad_ids: tuple[int | None, int | None], object_types: tuple[str, str], table: HBRTable | None = None
) -> tuple[float, str, str]:
    """Combined HBR (m) of one pair by the ``screen --pc`` rule, its source and the detail.

    Each object's radius is the CARA table's (when ``table`` is given and holds the id),
    else :data:`DEFAULT_HBR_M` for its object type (unknown types count as UNKNOWN); the
    combined HBR is their sum.  Returns ``(hbr_m, source, detail)`` with ``source`` one of
    ``CARA table``, ``default``, ``CARA table + default`` and ``detail`` e.g.
    ``PAYLOAD 5 m + DEBRIS 1 m``.
    """
    radii: list[float] = []
    parts: list[str] = []
    from_table = 0
    for nid, typ in zip(norad_ids, object_types, strict=True):
        value = table.hbr_m.get(int(nid)) if table is not None and nid is not None else None
        if value is not None:
            from_table += 1
            radii.append(value)
            parts.append(f"{nid} CARA table {value:g} m")
        else:
            key = typ.strip().upper() if typ.strip().upper() in DEFAULT_HBR_M else "UNKNOWN"
            radii.append(DEFAULT_HBR_M[key])
            parts.append(f"{key} {DEFAULT_HBR_M[key]:g} m")
    source = "CARA table" if from_table == 2 else "default" if from_table == 0 else "CARA table + default"
    return float(sum(radii)), source, " + ".join(parts)
