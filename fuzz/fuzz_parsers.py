"""Coverage-guided fuzzing of every orbitwatch parser entry point (issue 18), run by hand.

    .venv/bin/python fuzz/fuzz_parsers.py --target cdm-kvn -atheris_runs=125000
    .venv/bin/python fuzz/fuzz_parsers.py --list

One target per parser (``TARGETS``): the catalog formats through
:func:`orbitwatch.catalog.reader.read_element_sets` (``tle``, ``omm-kvn``, ``omm-xml``,
``omm-json``, ``omm-csv`` and ``auto``, which fuzzes format detection too), the CDM
readers (``cdm-kvn``, ``cdm-xml``) and the OEM reader (``oem``).  Each target reads the
input strictly, where only an :class:`~orbitwatch.errors.OrbitwatchError` may escape, and
(catalog formats) leniently, where nothing may escape; what it accepts must satisfy the
model's invariants (:func:`check_element_set`, finite CDM numbers, increasing OEM epochs).
Anything else is a finding: atheris stops and writes the input as ``crash-*``.

The harness is atheris (libFuzzer for Python; ``pip install atheris``, the ``fuzz``
extra).  Seeds (``seeds.py``) go into a fresh corpus directory, so mutations start from
valid messages.  Every 1,000 inputs and at each new slowest input the harness writes
``stats-<target>.json`` (runs; slowest input: wall seconds, its size, and the most CPU
seconds any input took, which the load of a shared machine does not inflate) in ``$ORBITWATCH_FUZZ_STATS_DIR``
(default: the temporary directory).
The same targets run under hypothesis in the normal test suite (``tests/fuzz/``).
Budget and the last campaign: ``fuzz/README.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from orbitwatch.catalog.model import Reject
    from orbitwatch.catalog.reader import read_element_sets
    from orbitwatch.ccsds.cdm import read_cdm_kvn, read_cdm_xml, write_cdm_kvn, write_cdm_xml
    from orbitwatch.ccsds.oem import read_oem
    from orbitwatch.errors import OrbitwatchError

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from seeds import SEEDS  # noqa: E402

CATALOG_FORMATS = ("tle", "omm-kvn", "omm-xml", "omm-json", "omm-csv", "auto")


def _imports() -> None:
    """Import the parsers (inside ``atheris.instrument_imports()`` when fuzzing)."""
    import orbitwatch.catalog.model
    import orbitwatch.catalog.reader
    import orbitwatch.ccsds.cdm
    import orbitwatch.ccsds.oem
    import orbitwatch.errors

    g = globals()
    g["Reject"] = orbitwatch.catalog.model.Reject
    g["read_element_sets"] = orbitwatch.catalog.reader.read_element_sets
    for name in ("read_cdm_kvn", "read_cdm_xml", "write_cdm_kvn", "write_cdm_xml"):
        g[name] = getattr(orbitwatch.ccsds.cdm, name)
    g["read_oem"] = orbitwatch.ccsds.oem.read_oem
    g["OrbitwatchError"] = orbitwatch.errors.OrbitwatchError


class FindingError(AssertionError):
    """An accepted input that breaks an invariant of the model."""


def check_element_set(es: object, fmt: str) -> None:
    """The invariants every parsed element set satisfies (the readers' documented ranges)."""
    from orbitwatch.catalog.model import ElementSet

    assert isinstance(es, ElementSet)
    ok = (
        0 < es.norad_id <= 999_999_999
        and math.isfinite(es.mean_motion_rev_per_day) and es.mean_motion_rev_per_day > 0
        and 0.0 <= es.eccentricity < 1.0
        and 0.0 <= es.inclination_deg <= 180.0
        and all(0.0 <= a <= 360.0 for a in (es.raan_deg, es.arg_perigee_deg, es.mean_anomaly_deg))
        and all(math.isfinite(x) for x in (es.bstar_per_earth_radius, es.mean_motion_dot_rev_per_day2,
                                           es.mean_motion_ddot_rev_per_day3))
        and np.datetime64("1957-01-01") <= es.epoch < np.datetime64("2100-01-01")
        and es.classification in ("U", "C", "S")
        and min(es.element_set_no, es.rev_at_epoch, es.ephemeris_type) >= 0
    )
    if not ok:
        raise FindingError(f"{fmt}: implausible element set accepted: {es!r}"[:2000])
    if es.name is not None and any(ord(c) < 32 for c in es.name) and fmt == "tle":
        raise FindingError(f"tle: control character in a name: {es.name!r}"[:2000])


def _catalog_target(fmt: str) -> Callable[[str], None]:
    def run(text: str) -> None:
        lines = text.splitlines(keepends=True)
        try:
            for es in read_element_sets(lines, source="fuzz", fmt=fmt):
                check_element_set(es, fmt)
        except OrbitwatchError:
            pass
        rejects: list[Reject] = []
        for es in read_element_sets(lines, source="fuzz", fmt=fmt, lenient=True, rejects=rejects):
            check_element_set(es, fmt)
        for r in rejects:
            if len(r.message) > 2000:
                raise FindingError(f"{fmt}: a reject keeps {len(r.message)} characters")

    return run


def _cdm_target(xml: bool) -> Callable[[str], None]:
    def run(text: str) -> None:
        try:
            cdm = read_cdm_xml(text, source="fuzz") if xml else read_cdm_kvn(text, source="fuzz")
        except OrbitwatchError:
            return
        with np.errstate(all="ignore"):
            _ = cdm.tca
            values = [cdm.miss_distance_km, cdm.relative_speed_km_s, cdm.collision_probability, cdm.hbr_m]
            values += [*cdm.state(1), *cdm.state(2), *cdm.covariance_rtn(1).ravel(), *cdm.covariance_rtn(2).ravel()]
            cdm.norad_id(1)
            cdm.norad_id(2)
        if any(math.isinf(v) for v in values):
            raise FindingError("cdm: an infinite value was accepted")
        pc = cdm.collision_probability
        if not (math.isnan(pc) or 0.0 <= pc <= 1.0):
            raise FindingError(f"cdm: Pc {pc} accepted")
        write_cdm_kvn(cdm)
        write_cdm_xml(cdm)

    return run


def _oem_target(text: str) -> None:
    try:
        _, segments = read_oem(text, source="fuzz")
    except OrbitwatchError:
        return
    for seg in segments:
        t = seg.times.astype(np.int64)
        if t.size > 1 and not (np.diff(t) > 0).all():
            raise FindingError("oem: epochs that do not increase were accepted")
        if not (np.isfinite(seg.r_km).all() and np.isfinite(seg.v_km_s).all()):
            raise FindingError("oem: a non-finite state was accepted")


TARGETS: dict[str, Callable[[str], None]] = {
    **{fmt: _catalog_target(fmt) for fmt in CATALOG_FORMATS},
    "cdm-kvn": _cdm_target(xml=False),
    "cdm-xml": _cdm_target(xml=True),
    "oem": _oem_target,
}
SEED_OF = {**SEEDS, "auto": SEEDS["tle"]}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], add_help=True)
    parser.add_argument("--target", choices=sorted(TARGETS))
    parser.add_argument("--list", action="store_true", help="list the targets and exit")
    args, rest = parser.parse_known_args(argv[1:])
    if args.list or args.target is None:
        print("\n".join(sorted(TARGETS)))
        return
    import atheris

    with atheris.instrument_imports(include=["orbitwatch"]):
        _imports()
    target = TARGETS[args.target]
    corpus = Path(tempfile.mkdtemp(prefix=f"orbitwatch-fuzz-{args.target}-"))
    (corpus / "seed").write_text(SEED_OF[args.target], encoding="utf-8")
    if args.target in ("omm-kvn", "omm-xml", "omm-json", "omm-csv"):
        (corpus / "seed-tle").write_text(SEEDS["tle"], encoding="utf-8")
    stats_path = Path(os.environ.get("ORBITWATCH_FUZZ_STATS_DIR", tempfile.gettempdir())) / f"stats-{args.target}.json"
    stats = {"target": args.target, "runs": 0, "slowest_s": 0.0, "slowest_bytes": 0, "slowest_cpu_s": 0.0}

    def write_stats() -> None:
        stats_path.write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")

    def one_input(data: bytes) -> None:
        text = data.decode("utf-8", "replace")
        t0, c0 = time.perf_counter(), time.process_time()
        target(text)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        stats["runs"] += 1
        if dc > stats["slowest_cpu_s"]:
            stats["slowest_cpu_s"] = dc
        if dt > stats["slowest_s"]:
            stats["slowest_s"], stats["slowest_bytes"] = dt, len(data)
            if stats["runs"] > 100:
                write_stats()
        if stats["runs"] % 1000 == 0:
            write_stats()

    warnings.simplefilter("ignore")
    replay = any(not a.startswith("-") for a in rest)  # crash files given: run them, no corpus
    atheris.Setup([argv[0], *rest] + ([] if replay else [str(corpus)]), one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
