"""A deterministic large population for scale tests: real catalog + filed constellations + debris.

``orbitwatch synth population --objects N --seed S --output FILE`` writes, as CCSDS OMM
in CelesTrak's GP CSV form (the only catalog form whose NORAD ids may exceed 99,999),
a population of exactly ``N`` objects, composed in this fixed order:

1. **The base catalog** (optional, e.g. the real 2025-04-15 full public catalog): every
   element set given, unchanged, in NORAD order.
2. **Constellation shells modelled on public filings** (:data:`FILED_SHELLS`, sources in
   ``docs/population.md``): each shell a Walker-delta pattern (``planes`` equally spaced
   in RAAN, ``per_plane`` equally spaced in argument of latitude, the phasing factor that
   keeps the shell's satellites farthest apart), near
   circular (e = 1e-4) at the filed altitude and inclination, all at the population epoch.
3. **Debris clouds** from the NASA Standard Breakup Model
   (:func:`orbitwatch.detection.breakup_model.simulate_breakup`, Johnson et al. 2001):
   catastrophic collisions of parents drawn (by ``seed``) from the LEO payloads and
   rocket bodies of parts 1 and 2, at the population epoch, until ``N`` is reached.

Parts are truncated in that order when ``N`` is smaller than their sum.  The same
``N``, ``seed``, base catalog and epoch always give the same file, byte for byte.
Synthetic objects are numbered from :data:`SHELL_NORAD_BASE` and
:data:`DEBRIS_NORAD_BASE` (nine-digit ids that cannot be mistaken for real ones) and
named ``<CONSTELLATION> S<shell>-P<plane>-<slot>`` and ``<parent> SBM DEB``.

Mean motion of a shell comes from the two-body relation with WGS-72 constants
(:func:`orbitwatch.catalog.synthetic.mean_motion_rev_per_day`); the SBM fragments'
elements are fitted to their SGP4 states (the breakup model's own method).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from orbitwatch.catalog.model import ElementSet, infer_object_type
from orbitwatch.catalog.synthetic import mean_motion_rev_per_day
from orbitwatch.constants import wrap_360_deg
from orbitwatch.errors import InputError
from orbitwatch.times import as_utc, format_utc

__all__ = [
    "DEBRIS_NORAD_BASE",
    "FILED_SHELLS",
    "OMM_CSV_COLUMNS",
    "SHELL_NORAD_BASE",
    "PopulationSummary",
    "Shell",
    "iter_population",
    "shell_element_sets",
    "write_population",
]

SHELL_NORAD_BASE = 700_000_000
DEBRIS_NORAD_BASE = 750_000_000
# Population sizes above this are refused: the file and every consumer are sized for it.
MAX_OBJECTS = 5_000_000


@dataclass(frozen=True, slots=True)
class Shell:
    """One filed shell: ``planes`` x ``per_plane`` satellites at ``altitude_km``, ``inclination_deg``."""

    constellation: str
    filing: str
    altitude_km: float
    inclination_deg: float
    planes: int
    per_plane: int
    #: Walker phasing factor F: the one of 0..planes-1 that maximises the smallest two-body
    #: separation between satellites of the shell (searched on a 4,000-step grid per orbit)
    phasing: int = 1

    @property
    def size(self) -> int:
        return self.planes * self.per_plane


# The filed shells (docs/population.md gives each source and what was simplified).
FILED_SHELLS: tuple[Shell, ...] = (
    # SpaceX Starlink Gen1, FCC 21-48 (modification granted 2021-04-27).
    Shell("STARLINK-G1", "FCC 21-48", 550.0, 53.0, 72, 22, 65),
    Shell("STARLINK-G1", "FCC 21-48", 540.0, 53.2, 72, 22, 65),
    Shell("STARLINK-G1", "FCC 21-48", 570.0, 70.0, 36, 20, 25),
    Shell("STARLINK-G1", "FCC 21-48", 560.0, 97.6, 6, 58, 1),
    Shell("STARLINK-G1", "FCC 21-48", 560.0, 97.6, 4, 43, 2),
    # SpaceX Starlink Gen2, FCC application SAT-AMD-20210818-00105 (29,988 satellites).
    Shell("STARLINK-G2", "SAT-AMD-20210818-00105", 340.0, 53.0, 48, 110, 25),
    Shell("STARLINK-G2", "SAT-AMD-20210818-00105", 345.0, 46.0, 48, 110, 5),
    Shell("STARLINK-G2", "SAT-AMD-20210818-00105", 350.0, 38.0, 48, 110, 23),
    Shell("STARLINK-G2", "SAT-AMD-20210818-00105", 360.0, 96.9, 30, 120, 7),
    Shell("STARLINK-G2", "SAT-AMD-20210818-00105", 525.0, 53.0, 28, 120, 27),
    Shell("STARLINK-G2", "SAT-AMD-20210818-00105", 530.0, 43.0, 28, 120, 11),
    Shell("STARLINK-G2", "SAT-AMD-20210818-00105", 535.0, 33.0, 28, 120, 15),
    Shell("STARLINK-G2", "SAT-AMD-20210818-00105", 604.0, 148.0, 12, 12, 1),
    Shell("STARLINK-G2", "SAT-AMD-20210818-00105", 614.0, 115.7, 18, 18, 1),
    # Amazon Kuiper, FCC 20-102 (authorisation 2020-07-30, 3,236 satellites).
    Shell("KUIPER", "FCC 20-102", 630.0, 51.9, 34, 34, 7),
    Shell("KUIPER", "FCC 20-102", 610.0, 42.0, 36, 36, 29),
    Shell("KUIPER", "FCC 20-102", 590.0, 33.0, 28, 28, 17),
    # OneWeb phase 1, FCC 17-77 (grant 2017-06-23: 720 satellites, 18 planes at 1,200 km).
    Shell("ONEWEB", "FCC 17-77", 1200.0, 87.9, 18, 40, 11),
    # China SatNet Guowang, ITU filings GW-A59 and GW-2 (12,992 satellites).
    Shell("GUOWANG", "ITU GW-A59", 590.0, 85.0, 16, 30, 1),
    Shell("GUOWANG", "ITU GW-A59", 600.0, 50.0, 40, 50, 29),
    Shell("GUOWANG", "ITU GW-A59", 508.0, 55.0, 60, 60, 43),
    Shell("GUOWANG", "ITU GW-2", 1145.0, 30.0, 48, 36, 39),
    Shell("GUOWANG", "ITU GW-2", 1145.0, 40.0, 48, 36, 29),
    Shell("GUOWANG", "ITU GW-2", 1145.0, 50.0, 48, 36, 45),
    Shell("GUOWANG", "ITU GW-2", 1145.0, 60.0, 48, 36, 9),
)

OMM_CSV_COLUMNS = (
    "OBJECT_NAME", "OBJECT_ID", "EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION",
    "RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY", "EPHEMERIS_TYPE", "CLASSIFICATION_TYPE",
    "NORAD_CAT_ID", "ELEMENT_SET_NO", "REV_AT_EPOCH", "BSTAR", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT",
)

# SBM catastrophic collision of a parent with a 10 kg projectile at 10 km/s; fragments
# from 5 cm (a radar fence's threshold) upwards, at most this many per cloud.
_CLOUD_LC_MIN_M = 0.05
_CLOUD_MAX_FRAGMENTS = 20_000
_PARENT_MASS_KG = {"PAYLOAD": 800.0, "ROCKET BODY": 1400.0}
_LEO_MIN_REV_PER_DAY = 11.25


@dataclass(frozen=True, slots=True)
class PopulationSummary:
    """What a population holds: counts per part, per constellation and per debris cloud."""

    objects: int
    base: int
    shells: dict[str, int]
    debris_clouds: tuple[tuple[int, int], ...]  # (parent NORAD id, fragments kept)
    seed: int
    epoch_utc: str

    @property
    def debris(self) -> int:
        return sum(n for _, n in self.debris_clouds)

    def to_dict(self) -> dict[str, object]:
        return {
            "objects": self.objects,
            "base": self.base,
            "shells": dict(self.shells),
            "debris": self.debris,
            "debris_clouds": [{"parent_norad": p, "fragments": n} for p, n in self.debris_clouds],
            "seed": self.seed,
            "epoch_utc": self.epoch_utc,
        }


def shell_element_sets(shell: Shell, index: int, epoch: np.datetime64, first_norad: int) -> list[ElementSet]:
    """The Walker-delta element sets of one filed shell (``index`` numbers it in names)."""
    n_rev = mean_motion_rev_per_day(shell.altitude_km)
    total = shell.size
    out: list[ElementSet] = []
    for p in range(shell.planes):
        raan = 360.0 * p / shell.planes
        for s in range(shell.per_plane):
            # Walker delta T/P/F: in-plane spacing plus a plane-to-plane phase of 360 F/T.
            u = float(wrap_360_deg(360.0 * s / shell.per_plane + 360.0 * shell.phasing * p / total))
            out.append(
                ElementSet(
                    norad_id=first_norad + len(out),
                    epoch=epoch,
                    mean_motion_rev_per_day=n_rev,
                    eccentricity=1e-4,
                    inclination_deg=shell.inclination_deg,
                    raan_deg=raan,
                    arg_perigee_deg=0.0,
                    mean_anomaly_deg=u,
                    bstar_per_earth_radius=1e-5,
                    name=f"{shell.constellation} S{index + 1:02d}-P{p + 1:02d}-{s + 1:03d}",
                    cospar_id=None,
                    source="synth-population",
                )
            )
    return out


def _is_leo_parent(es: ElementSet) -> bool:
    kind = infer_object_type(es.name)
    return kind in _PARENT_MASS_KG and es.mean_motion_rev_per_day > _LEO_MIN_REV_PER_DAY and es.eccentricity < 0.05


def _debris(
    parents: Sequence[ElementSet],
    epoch: np.datetime64,
    wanted: int,
    rng: np.random.Generator,
    clouds: list[tuple[int, int]],
) -> Iterator[ElementSet]:
    """SBM clouds of randomly drawn parents until ``wanted`` fragments have been yielded."""
    from orbitwatch.detection.breakup_model import simulate_breakup

    if wanted > 0 and not parents:
        raise InputError(
            "debris clouds need LEO payload or rocket-body parents: give a base catalog or fewer objects",
            code="INPUT_INVALID",
            field="objects",
        )
    made = 0
    attempts = 0
    while made < wanted:
        attempts += 1
        if attempts > 10_000:
            raise InputError("could not place enough debris (every breakup failed)", code="INPUT_INVALID")
        parent = parents[int(rng.integers(len(parents)))]
        mass = _PARENT_MASS_KG[infer_object_type(parent.name)]
        try:
            cloud = simulate_breakup(
                parent, epoch, mass, "collision",
                seed=int(rng.integers(2**31)), lc_min_m=_CLOUD_LC_MIN_M,
                projectile_mass_kg=10.0, impact_speed_km_s=10.0,
                first_norad=DEBRIS_NORAD_BASE + made, max_fragments=_CLOUD_MAX_FRAGMENTS,
            )
        except InputError:
            continue  # too many fragments for this draw: draw another parent
        table = cloud.elements
        take = min(len(table), wanted - made)
        if take == 0:
            continue
        clouds.append((parent.norad_id, take))
        base = (parent.name or str(parent.norad_id)).strip()
        for i in range(take):
            es = table.element_set(i)
            yield es.replace(norad_id=DEBRIS_NORAD_BASE + made + i, name=f"{base} SBM DEB", source="synth-population")
        made += take


def iter_population(
    n_objects: int,
    *,
    seed: int,
    epoch: np.datetime64,
    base: Sequence[ElementSet] = (),
    summary: list[PopulationSummary] | None = None,
) -> Iterator[ElementSet]:
    """The population's element sets in file order (see the module docstring).

    ``summary``, when given, receives one :class:`PopulationSummary` once the iterator
    is exhausted.  Memory: the base catalog, one shell and one debris cloud at a time.
    """
    if not 1 <= n_objects <= MAX_OBJECTS:
        raise InputError(f"--objects must be 1 .. {MAX_OBJECTS:,}, not {n_objects}", field="objects")
    t0 = as_utc(epoch, what="epoch")
    rng = np.random.default_rng(seed)
    base_sorted = sorted(base, key=lambda e: e.norad_id)[:n_objects]
    yield from base_sorted
    left = n_objects - len(base_sorted)
    parents = [e for e in base_sorted if _is_leo_parent(e)]
    per_constellation: dict[str, int] = {}
    next_id = SHELL_NORAD_BASE
    for k, shell in enumerate(FILED_SHELLS):
        if left <= 0:
            break
        sets = shell_element_sets(shell, k, t0, next_id)[:left]
        next_id += shell.size
        per_constellation[shell.constellation] = per_constellation.get(shell.constellation, 0) + len(sets)
        parents.extend(sets)
        left -= len(sets)
        yield from sets
    clouds: list[tuple[int, int]] = []
    yield from _debris(parents, t0, max(left, 0), rng, clouds)
    if summary is not None:
        summary.append(
            PopulationSummary(
                objects=n_objects,
                base=len(base_sorted),
                shells=per_constellation,
                debris_clouds=tuple(clouds),
                seed=seed,
                epoch_utc=format_utc(t0, digits=0),
            )
        )


def _fmt(x: float) -> str:
    return repr(float(x)) if math.isfinite(x) else "nan"


_EPOCH_TEXT: dict[np.datetime64, str] = {}


def _epoch_text(t: np.datetime64) -> str:
    text = _EPOCH_TEXT.get(t)
    if text is None:
        if len(_EPOCH_TEXT) > 100_000:
            _EPOCH_TEXT.clear()
        text = _EPOCH_TEXT[t] = str(format_utc(t, digits=6)).rstrip("Z")
    return text


def _row(es: ElementSet) -> list[str]:
    return [
        es.name or "",
        es.cospar_id or "",
        _epoch_text(es.epoch),
        _fmt(es.mean_motion_rev_per_day),
        _fmt(es.eccentricity),
        _fmt(es.inclination_deg),
        _fmt(es.raan_deg),
        _fmt(es.arg_perigee_deg),
        _fmt(es.mean_anomaly_deg),
        "0",
        "U",
        str(es.norad_id),
        "999",
        "0",
        _fmt(es.bstar_per_earth_radius),
        _fmt(es.mean_motion_dot_rev_per_day2),
        _fmt(es.mean_motion_ddot_rev_per_day3),
    ]


def write_population(
    path: Path,
    n_objects: int,
    *,
    seed: int,
    epoch: np.datetime64,
    base: Sequence[ElementSet] = (),
) -> PopulationSummary:
    """Write the population to ``path`` as OMM CSV (gzip when the name ends in ``.gz``).

    Written to a temporary file beside ``path`` and renamed at the end, so an
    interrupted run leaves no half-written population under the final name.
    """
    summary: list[PopulationSummary] = []
    tmp = path.with_name(path.name + ".partial")
    raw: IO[bytes]
    try:
        raw = (
            typing.cast(IO[bytes], gzip.open(tmp, "wb", compresslevel=6))  # noqa: SIM115
            if path.suffix == ".gz"
            else open(tmp, "wb")  # noqa: SIM115
        )
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}", code="INPUT_FILE", source=str(path)) from None
    try:
        with raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(OMM_CSV_COLUMNS)
            for es in iter_population(n_objects, seed=seed, epoch=epoch, base=base, summary=summary):
                writer.writerow(_row(es))
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return summary[0]
