"""The one element-set model that every catalog format parses into.

An :class:`ElementSet` is one set of SGP4 *mean* elements (Kozai mean motion, TEME
of epoch) as published in a TLE or a CCSDS OMM (CCSDS 502.0-B-3, sec. 4, with
``MEAN_ELEMENT_THEORY = SGP4``).  They are never osculating elements and must only
be fed to SGP4 (STYLE.md habit 6).

:class:`ElementTable` is the same data as a struct of numpy arrays, the form the
array core (propagation, screening) consumes.  :class:`Reject` describes one record
that a lenient reader skipped.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from orbitwatch.times import UTC_DTYPE, format_utc

__all__ = [
    "MAX_REJECTS_KEPT",
    "MAX_REJECT_TEXT",
    "OBJECT_TYPES",
    "ElementSet",
    "ElementTable",
    "LinePiece",
    "Reject",
    "RejectList",
    "infer_object_type",
]

OBJECT_TYPES = ("PAYLOAD", "ROCKET BODY", "DEBRIS", "UNKNOWN")

# Space-Track / CelesTrak naming (CelesTrak "SATCAT Format Documentation": R/B(n) = rocket body,
# n-th stage; DEB = debris; AKM/PKM = apogee/perigee kick motor; upper stages named as such).
_DEB_RE = re.compile(r"\bDEB\b|\bDEBRIS\b|\bCOOLANT\b|\bSHROUD\b|\bFRAG\b|\bFRAGMENT\b")
_RB_RE = re.compile(r"\bR/B\b|\bAKM\b|\bPKM\b|ROCKET BODY|\bCENTAUR\b|\bFREGAT\b|\bBREEZE-M\b")
_UNKNOWN_RE = re.compile(r"TBA - TO BE ASSIGNED|OBJECT [A-Z]{1,3}|UNKNOWN")


def infer_object_type(name: str | None) -> str:
    """PAYLOAD / ROCKET BODY / DEBRIS / UNKNOWN from a catalog name (Space-Track naming).

    Used only when no SATCAT is available.  Debris is tested first, so pieces of a rocket
    body (``USA 180 R/B DEB``, ``FREGAT DEB``, ``ATLAS 5 CENTAUR DEB``) are DEBRIS.
    ``OBJECT D``-style names are not-yet-identified pieces and ``TBA - TO BE ASSIGNED``
    analyst objects: UNKNOWN.  Everything else is PAYLOAD (``DEBUT`` is a satellite:
    whole words only).
    """
    if not name:
        return "UNKNOWN"
    upper = name.upper().strip()
    if _DEB_RE.search(upper):
        return "DEBRIS"
    if _RB_RE.search(upper):
        return "ROCKET BODY"
    if _UNKNOWN_RE.fullmatch(upper):
        return "UNKNOWN"
    return "PAYLOAD"


@dataclass(frozen=True, slots=True)
class ElementSet:
    """One SGP4 mean element set (TEME of epoch, Kozai mean motion).

    Units are in the names.  ``epoch`` is a UTC ``datetime64[us]``.  ``source`` and
    ``line`` record where it was read (file name, 1-based line or record number).
    """

    norad_id: int
    epoch: np.datetime64
    mean_motion_rev_per_day: float
    eccentricity: float
    inclination_deg: float
    raan_deg: float
    arg_perigee_deg: float
    mean_anomaly_deg: float
    bstar_per_earth_radius: float = 0.0
    mean_motion_dot_rev_per_day2: float = 0.0
    mean_motion_ddot_rev_per_day3: float = 0.0
    name: str | None = None
    cospar_id: str | None = None
    classification: str = "U"
    element_set_no: int = 0
    rev_at_epoch: int = 0
    ephemeris_type: int = 0
    source: str | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)

    @property
    def epoch_utc(self) -> str:
        return str(format_utc(self.epoch, digits=6))

    def elements_key(self) -> tuple[Any, ...]:
        """What makes two element sets the same set (epoch and the mean elements)."""
        return (
            self.norad_id,
            int(self.epoch.astype(UTC_DTYPE).astype(np.int64)),
            self.mean_motion_rev_per_day,
            self.eccentricity,
            self.inclination_deg,
            self.raan_deg,
            self.arg_perigee_deg,
            self.mean_anomaly_deg,
            self.bstar_per_earth_radius,
            self.mean_motion_dot_rev_per_day2,
            self.mean_motion_ddot_rev_per_day3,
        )

    def replace(self, **changes: Any) -> ElementSet:
        return dataclasses.replace(self, **changes)


class LinePiece(str):
    """A leading piece of a line too long to hand over at once: the line goes on in the next item.

    A reader of files yields a long line as ``LinePiece, LinePiece, ..., str`` (the last
    piece, with the line end, is a plain ``str``).  Concatenated, the pieces are the line.
    """

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Reject:
    """A record a lenient reader skipped: where, which object (if known), why."""

    source: str
    line: int | None
    norad: int | None
    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "line": self.line,
            "norad": self.norad,
            "code": self.code,
            "message": self.message,
        }


#: Rejects kept with full detail by a :class:`RejectList`; every reject is counted in
#: ``total``, so ``total - len(rejects)`` were counted but not kept.
MAX_REJECTS_KEPT = 1_000

#: Characters of a kept reject's message and source (a rejected 50 kB line is not kept
#: whole); longer ones end with "... [N more characters]".
MAX_REJECT_TEXT = 300


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... [{len(text) - limit:,} more characters]"


class RejectList(list[Reject]):
    """The reject list handed to the lenient readers: counts every reject in :attr:`total`,
    keeps the first :data:`MAX_REJECTS_KEPT` with message and source clipped to
    :data:`MAX_REJECT_TEXT` characters, so a lenient read of a huge garbage file (long
    lines, millions of bad records) stays bounded in memory.  The one capped list of the
    package: ``sources.files.read_catalog_files`` and ``Store.ingest`` both use it."""

    def __init__(self) -> None:
        super().__init__()
        self.total = 0

    def append(self, item: Reject) -> None:
        self.total += 1
        if len(self) < MAX_REJECTS_KEPT:
            if len(item.message) > MAX_REJECT_TEXT or len(item.source) > MAX_REJECT_TEXT:
                item = dataclasses.replace(
                    item, message=_clip(item.message, MAX_REJECT_TEXT), source=_clip(item.source, MAX_REJECT_TEXT)
                )
            super().append(item)

    def extend(self, items: Iterable[Reject]) -> None:
        for item in items:
            self.append(item)

    def __iadd__(self, items: Iterable[Reject]) -> RejectList:  # type: ignore[override,misc]
        self.extend(items)
        return self

    def insert(self, index: Any, item: Reject) -> None:
        self.append(item)


# Default of the optional object columns of ElementTable (replaced by N ``None`` values).
_NO_OBJECTS: npt.NDArray[np.object_] = np.empty(0, dtype=object)
_NO_OBJECTS.setflags(write=False)

_FLOAT_FIELDS = (
    "mean_motion_rev_per_day",
    "eccentricity",
    "inclination_deg",
    "raan_deg",
    "arg_perigee_deg",
    "mean_anomaly_deg",
    "bstar_per_earth_radius",
    "mean_motion_dot_rev_per_day2",
    "mean_motion_ddot_rev_per_day3",
)


@dataclass(frozen=True)
class ElementTable:
    """N element sets as arrays (shape ``(N,)`` each); the array core's input.

    ``names`` and ``cospar_ids`` are object arrays (``None`` where unknown).
    ``object_types`` (one of :data:`OBJECT_TYPES`) and ``owners`` (SATCAT owner code) are
    object arrays filled by the store from its object metadata (a SATCAT when one was
    ingested; the type otherwise inferred from the name); they are optional, and all
    ``None`` when built from element sets (files carry neither).  Display and grouping only.
    """

    norad_id: npt.NDArray[np.int64]
    epoch: npt.NDArray[np.datetime64]
    mean_motion_rev_per_day: npt.NDArray[np.float64]
    eccentricity: npt.NDArray[np.float64]
    inclination_deg: npt.NDArray[np.float64]
    raan_deg: npt.NDArray[np.float64]
    arg_perigee_deg: npt.NDArray[np.float64]
    mean_anomaly_deg: npt.NDArray[np.float64]
    bstar_per_earth_radius: npt.NDArray[np.float64]
    mean_motion_dot_rev_per_day2: npt.NDArray[np.float64]
    mean_motion_ddot_rev_per_day3: npt.NDArray[np.float64]
    names: npt.NDArray[np.object_]
    cospar_ids: npt.NDArray[np.object_]
    object_types: npt.NDArray[np.object_] = field(default_factory=lambda: _NO_OBJECTS)
    owners: npt.NDArray[np.object_] = field(default_factory=lambda: _NO_OBJECTS)

    def __post_init__(self) -> None:
        n = len(self.norad_id)
        for name in ("object_types", "owners"):
            if getattr(self, name) is _NO_OBJECTS:
                object.__setattr__(self, name, np.full(n, None, dtype=object))

    def __len__(self) -> int:
        return int(self.norad_id.shape[0])

    @classmethod
    def from_element_sets(cls, sets: Iterable[ElementSet]) -> ElementTable:
        items: Sequence[ElementSet] = list(sets)
        n = len(items)
        floats = {
            name: np.fromiter((getattr(e, name) for e in items), dtype=np.float64, count=n)
            for name in _FLOAT_FIELDS
        }
        return cls(
            norad_id=np.fromiter((e.norad_id for e in items), dtype=np.int64, count=n),
            epoch=np.array([e.epoch for e in items], dtype=UTC_DTYPE).reshape(n),
            names=np.array([e.name for e in items], dtype=object).reshape(n),
            cospar_ids=np.array([e.cospar_id for e in items], dtype=object).reshape(n),
            object_types=np.full(n, None, dtype=object),
            owners=np.full(n, None, dtype=object),
            **floats,
        )

    def take(self, index: Any) -> ElementTable:
        """A sub-table (``index``: integer array, slice or boolean mask)."""
        return ElementTable(
            **{f.name: getattr(self, f.name)[index] for f in dataclasses.fields(self)}
        )

    def element_set(self, i: int) -> ElementSet:
        floats: dict[str, Any] = {name: float(getattr(self, name)[i]) for name in _FLOAT_FIELDS}
        return ElementSet(
            norad_id=int(self.norad_id[i]),
            epoch=self.epoch[i],
            name=self.names[i],
            cospar_id=self.cospar_ids[i],
            **floats,
        )
