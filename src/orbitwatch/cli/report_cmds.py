"""``orbitwatch report``: an evidence package for one finding (issue 11), a shell over :mod:`orbitwatch.evidence`.

    orbitwatch report conjunction NORAD1 NORAD2 (--db DB | --catalog PATH...) --start ISO
        (--end ISO | --duration-h H) --threshold-km D --output DIR [--pc-method M]
    orbitwatch report maneuver NORAD (--db | --catalog) [--near ISO] --output DIR
    orbitwatch report rpo NORAD1 NORAD2 (--db | --catalog) --output DIR
    orbitwatch report fragmentation PARENT (--db | --catalog) [--fragments-designator YYYY-NNN]
        [--include-all] --output DIR
    orbitwatch report exposure NORAD (--db | --catalog) --sites PATH --start ISO (--end | --duration-h)
        [--min-el-deg E] [--site NAME] --output DIR

The folder holds ``finding.json``, the plots, a CZML scene, ``README.md`` and
``index.html``; the README lists the commands that reproduce every headline number.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orbitwatch.api import InputError, evidence
from orbitwatch.cli._app import app, err_console, handle_errors, safe_text
from orbitwatch.cli._common import NORAD_METAVAR, CatalogOption, DbOption, DurationOption, norad_ids, time_window

__all__ = ["report_command"]

#: NORAD ids each kind takes
_IDS = {"conjunction": 2, "maneuver": 1, "rpo": 2, "fragmentation": 1, "exposure": 1}


def _inputs(db: Path | None, catalog: list[Path] | None) -> evidence.Inputs:
    if db is not None and catalog:
        raise InputError("give either --db or --catalog, not both", code="INPUT_INVALID", field="catalog")
    if catalog:
        return evidence.Inputs(catalog=tuple(p.resolve() for p in catalog))
    if db is None:
        from orbitwatch.api import default_db_path

        db = default_db_path()
    return evidence.Inputs(db=db.resolve())


@app.command("report")
@handle_errors
def report_command(
    *,
    kind: Annotated[str, typer.Argument(help=f"Finding kind: {', '.join(evidence.KINDS)}.", show_default=False)],
    ids: Annotated[list[str], typer.Argument(metavar=NORAD_METAVAR + "...", show_default=False,
                                             help="NORAD id(s): two for conjunction and rpo, the parent for "
                                                  "fragmentation, one otherwise.")],
    output: Annotated[Path, typer.Option("--output", help="Folder to write the package into.", show_default=False)],
    db: DbOption = None,
    catalog: CatalogOption = None,
    start: Annotated[str | None, typer.Option("--start", help="Window start, ISO 8601 UTC (conjunction, "
                                                              "exposure).")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Window end, ISO 8601 UTC.")] = None,
    duration_h: DurationOption = None,
    threshold_km: Annotated[float, typer.Option("--threshold-km", help="Conjunction: screening threshold.")] = 5.0,
    pc_method: Annotated[str, typer.Option("--pc-method", help="Conjunction: Pc method.")] = "foster",
    near: Annotated[str | None, typer.Option("--near", help="Maneuver: the one nearest this UTC time (default: "
                                                            "the largest delta-v).")] = None,
    fragments_designator: Annotated[str | None, typer.Option(
        "--fragments-designator", help="Fragmentation: launch of the fragments, e.g. 1982-092.")] = None,
    include_all: Annotated[bool, typer.Option("--include-all", help="Fragmentation: keep payloads and rocket "
                                                                    "bodies of the launch as fragments.")] = False,
    sites: Annotated[Path | None, typer.Option("--sites", help="Exposure: sites file (.csv or .geojson).")] = None,
    site: Annotated[str | None, typer.Option("--site", help="Exposure: only windows to this site.")] = None,
    min_el_deg: Annotated[float, typer.Option("--min-el-deg", help="Exposure: minimum elevation (deg).")] = 10.0,
) -> None:
    """Write an evidence package (finding.json, plots, CZML, README.md, index.html) for one finding."""
    if kind not in evidence.KINDS:
        raise InputError(f"KIND must be one of {', '.join(evidence.KINDS)}, not {kind!r}", code="INPUT_INVALID",
                         field="kind")
    norad = norad_ids(ids, "NORAD")
    if len(norad) != _IDS[kind]:
        raise InputError(f"report {kind} takes {_IDS[kind]} NORAD id(s), not {len(norad)}", code="INPUT_INVALID",
                         field="ids")
    inputs = _inputs(db, catalog)
    if kind in ("conjunction", "exposure"):
        if start is None:
            raise InputError(f"report {kind} needs --start", code="INPUT_MISSING", field="start")
        t0, t1 = time_window(start, end, duration_h)
    if kind == "conjunction":
        path = evidence.conjunction_package(inputs, norad[0], norad[1], t0, t1, threshold_km=threshold_km,
                                            out_dir=output, pc_method=pc_method)
    elif kind == "maneuver":
        path = evidence.maneuver_package(inputs, norad[0], output, near=near)
    elif kind == "rpo":
        path = evidence.rpo_package(inputs, norad[0], norad[1], output)
    elif kind == "fragmentation":
        path = evidence.fragmentation_package(inputs, norad[0], output, designator=fragments_designator,
                                     include_all=include_all)
    else:
        if sites is None:
            raise InputError("report exposure needs --sites", code="INPUT_MISSING", field="sites")
        path = evidence.exposure_package(inputs, norad[0], sites.resolve(), t0, t1, output,
                                         min_elevation_deg=min_el_deg, site=site)
    err_console.print(f"evidence package written to {safe_text(path)} (open index.html)", highlight=False)
