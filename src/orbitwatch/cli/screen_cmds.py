"""``orbitwatch screen``: conjunction screening of a catalog (issue 3's fixed contract).

    orbitwatch screen (--catalog PATH... | --db DB) --start ISO (--end ISO | --duration-h H)
        --threshold-km D [--primary NORAD...] [--primaries-file PATH]
        [--exclude-same-constellation] [--format json|csv] [--output PATH]

and, beyond the contract, ``--min-relative-speed-km-s V`` (formation-flying exclusion) and
issue 4's integration: ``--pc [--pc-method M] [--hbr-m X | --hbr-table PATH]
[--cdm-dir DIR]`` adds the collision probability to each record
(:mod:`orbitwatch.risk.conjunctions`) and writes one CCSDS CDM per conjunction.
Parse -> :func:`orbitwatch.screening.screen` -> render: a JSON array (or CSV) of the
conjunction records, or, with no ``--format``, a SOCRATES-style table ranked by miss
distance.  A progress bar goes to stderr (on a terminal), and so do the propagation
failures.  When the catalog comes from the store, the run and its conjunctions are
saved there (:mod:`orbitwatch.store.screening_runs`).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from orbitwatch.catalog.model import ElementTable
from orbitwatch.ccsds.cdm import build_cdm, write_cdm_kvn
from orbitwatch.cli._app import app, console, err_console, handle_errors
from orbitwatch.cli._common import AsOfOption, CatalogOption, DbOption, element_sets_at, progress_bar
from orbitwatch.errors import InputError
from orbitwatch.risk.conjunctions import ConjunctionRisk, conjunction_risk
from orbitwatch.risk.covariance import TLEUncertainty, estimate_tle_uncertainty
from orbitwatch.risk.hbr import read_hbr_table
from orbitwatch.screening import ScreeningResult, screen
from orbitwatch.sources.files import open_lines
from orbitwatch.times import format_utc, now_utc, parse_utc

__all__ = ["read_primaries_file", "screen_command"]

FIELDS = (
    "norad_1", "name_1", "norad_2", "name_2", "tca_utc", "miss_distance_km", "relative_speed_km_s",
    "radial_km", "in_track_km", "cross_track_km", "approach_angle_deg", "epoch_age_1_d", "epoch_age_2_d",
)
# Added by --pc (issue 4's screening integration).
PC_FIELDS = ("pc", "pc_method", "hbr_m", "covariance_source_1", "covariance_source_2", "covariance_remediated",
             "usage_violations", "pc_code")


def read_primaries_file(path: Path) -> list[int]:
    """NORAD ids, one per line (blank lines and ``#`` comments ignored)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}", code="INPUT_FILE", source=str(path)) from None
    ids: list[int] = []
    for n, line in enumerate(text.splitlines(), start=1):
        item = line.split("#", 1)[0].strip()
        if not item:
            continue
        if not item.isdigit():
            raise InputError(f"{item!r} is not a NORAD catalog number", code="INPUT_PRIMARIES_FILE",
                             source=str(path), line=n)
        ids.append(int(item))
    return ids


def _csv(rows: list[dict[str, Any]], fields: tuple[str, ...] = FIELDS) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def ranked_table(
    result: ScreeningResult, limit: int | None = None, *, compact: bool = False, pc: list[float] | None = None
) -> Table:
    """A SOCRATES-style table of the conjunctions ranked by miss distance (the first ``limit``).

    ``pc``: collision probabilities aligned with ``result.conjunctions`` (an extra column).
    """
    shown = "" if limit is None or limit >= len(result.conjunctions) else f", closest {limit}"
    table = Table(
        title=f"{len(result.conjunctions):,} conjunctions within {result.threshold_km:g} km, "
        f"{format_utc(result.start, digits=0)} .. {format_utc(result.end, digits=0)} (ranked by miss distance{shown})",
    )
    table.add_column("#", justify="right")
    table.add_column("object 1", overflow="fold")
    table.add_column("object 2", overflow="fold")
    table.add_column("TCA (UTC)", overflow="fold")
    numeric = ("miss km", "km/s") if compact else ("miss km", "km/s", "R km", "I km", "C km")
    for name in numeric:
        table.add_column(name, justify="right")
    if pc is not None:
        table.add_column("Pc", justify="right")
    order = sorted(range(len(result.conjunctions)),
                   key=lambda i: (result.conjunctions[i].miss_distance_km, result.conjunctions[i].tca))[:limit]
    for k, i in enumerate(order, start=1):
        c = result.conjunctions[i]
        cells = [
            str(k), f"{c.norad_1} {c.name_1 or ''}".strip(), f"{c.norad_2} {c.name_2 or ''}".strip(),
            c.tca_utc.replace("T", " ").rstrip("Z"), f"{c.miss_distance_km:.3f}", f"{c.relative_speed_km_s:.2f}",
            f"{c.radial_km:.3f}", f"{c.in_track_km:.3f}", f"{c.cross_track_km:.3f}",
        ]
        cells = cells[: len(numeric) + 4]
        if pc is not None:
            cells.append("-" if not np.isfinite(pc[i]) else f"{pc[i]:.2e}")
        table.add_row(*cells)
    return table


def _risk(
    result: ScreeningResult, table: ElementTable, db: Path | None, catalog: list[Path] | None, method: str,
    hbr_m: float | None, hbr_table_path: Path | None,
) -> ConjunctionRisk:
    """Pc per conjunction; TLE error models fitted from the store's histories when screening from a store."""
    conj = result.conjunctions
    hbr_table = None
    if hbr_table_path is not None:
        with open_lines(hbr_table_path) as lines:
            hbr_table = read_hbr_table(lines, source=str(hbr_table_path))
    models: dict[int, TLEUncertainty] = {}
    if not catalog and conj:
        from orbitwatch.store import Store

        ids = sorted({c.norad_1 for c in conj} | {c.norad_2 for c in conj})
        with Store.open(db, create=False) as store:
            for norad in ids:
                history = store.history(norad)
                if len(history) > 1:
                    models[norad] = estimate_tle_uncertainty(history)
    return conjunction_risk(
        table, [c.norad_1 for c in conj], [c.norad_2 for c in conj],
        np.array([c.tca for c in conj], dtype="datetime64[us]"),
        method=method, hbr_table=hbr_table, combined_hbr_m=hbr_m, uncertainties=models,
    )


def _pc_fields(risk: ConjunctionRisk, k: int) -> dict[str, Any]:
    pc = float(risk.pc.pc[k])
    return {
        "pc": pc if np.isfinite(pc) else None,
        "pc_method": risk.pc.method[k],
        "hbr_m": float(risk.hbr_m[k]),
        "covariance_source_1": risk.covariance_source[k][0],
        "covariance_source_2": risk.covariance_source[k][1],
        "covariance_remediated": bool(risk.pc.covariance_remediated[k]),
        "usage_violations": list(risk.pc.usage_violations[k]),
        "pc_code": str(risk.pc.codes[k]) or None,
    }


def _write_cdms(directory: Path, result: ScreeningResult, risk: ConjunctionRisk) -> None:
    """One CCSDS CDM (KVN) per conjunction, named like CARA's: ``<n1>_conj_<n2>_<TCA>.cdm``."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {directory}: {exc.strerror or exc}", code="INPUT_FILE",
                         source=str(directory)) from None
    created = now_utc()
    for k, c in enumerate(result.conjunctions):
        if not np.isfinite(risk.states_km[k]).all():
            continue
        stamp = str(format_utc(c.tca, digits=0)).replace("-", "").replace(":", "").replace("T", "_").rstrip("Z")
        name = f"{c.norad_1:09d}_conj_{c.norad_2:09d}_{stamp}"
        pc = float(risk.pc.pc[k])
        cdm = build_cdm(
            tca=c.tca, creation_date=created, originator="ORBITWATCH", message_id=name,
            states_km=risk.states_km[k], covariances_km2=risk.covariances_km2[k],
            objects=({"OBJECT_DESIGNATOR": str(c.norad_1), "OBJECT_NAME": c.name_1 or "UNKNOWN"},
                     {"OBJECT_DESIGNATOR": str(c.norad_2), "OBJECT_NAME": c.name_2 or "UNKNOWN"}),
            hbr_m=float(risk.hbr_m[k]), collision_probability=pc if np.isfinite(pc) else None,
            collision_probability_method=risk.pc.method[k].upper(),
            comments=("orbitwatch screen: states from SGP4 (TLE), covariances from a TLE error model "
                      f"({risk.covariance_source[k][0]}/{risk.covariance_source[k][1]})",),
        )
        (directory / f"{name}.cdm").write_text(write_cdm_kvn(cdm), encoding="utf-8")
    err_console.print(f"CDMs written to {directory}", highlight=False)


@app.command("screen")
@handle_errors
def screen_command(
    start: Annotated[str, typer.Option("--start", help="Window start, ISO 8601 UTC (e.g. 2025-04-15T00:00:00Z).")],
    threshold_km: Annotated[float, typer.Option("--threshold-km", help="Report approaches closer than this.")],
    catalog: CatalogOption = None,
    db: DbOption = None,
    end: Annotated[str | None, typer.Option("--end", help="Window end, ISO 8601 UTC.")] = None,
    duration_h: Annotated[float | None, typer.Option("--duration-h", help="Window length in hours.")] = None,
    primary: Annotated[list[int] | None, typer.Option("--primary", help="Primary NORAD id (repeat).")] = None,
    primaries_file: Annotated[
        Path | None, typer.Option("--primaries-file", help="File of primary NORAD ids, one per line.")
    ] = None,
    exclude_same_constellation: Annotated[
        bool, typer.Option("--exclude-same-constellation", help="Skip pairs within one constellation.")
    ] = False,
    min_relative_speed_km_s: Annotated[
        float, typer.Option("--min-relative-speed-km-s",
                            help="Drop approaches slower than this (formation flying, docked vehicles).")
    ] = 0.0,
    fmt: Annotated[str | None, typer.Option("--format", help="json or csv (default: a table).")] = None,
    output: Annotated[Path | None, typer.Option("--output", help="Write the records to this file.")] = None,
    with_pc: Annotated[bool, typer.Option("--pc", help="Add collision probability (TLE covariances) per record.")]
    = False,
    pc_method: Annotated[str, typer.Option("--pc-method", help="foster, chan, alfano, hall3d, montecarlo, max, auto.")]
    = "foster",
    hbr_m: Annotated[float | None, typer.Option("--hbr-m", help="Combined hard-body radius for every pair (m).")]
    = None,
    hbr_table: Annotated[Path | None, typer.Option("--hbr-table", help="NASA CARA HBR/mass CSV (plain or .gz).")]
    = None,
    cdm_dir: Annotated[Path | None, typer.Option("--cdm-dir", help="With --pc: write one CCSDS CDM per conjunction.")]
    = None,
    as_of: AsOfOption = None,
) -> None:
    """Find every pair of objects closer than --threshold-km in the window (all-vs-all or vs primaries)."""
    if (end is None) == (duration_h is None):
        raise InputError("give exactly one of --end and --duration-h", code="INPUT_WINDOW", field="end")
    t0 = parse_utc(start, what="--start")
    if end is not None:
        t1 = parse_utc(end, what="--end")
    else:
        assert duration_h is not None
        if not np.isfinite(duration_h):
            raise InputError(f"--duration-h {duration_h} is not a number", code="INPUT_WINDOW", field="duration_h")
        t1 = t0 + np.timedelta64(round(duration_h * 3600e6), "us")
    if fmt is None and output is not None:
        fmt = "csv" if output.suffix.lower() == ".csv" else "json"
    if fmt is not None and fmt not in ("json", "csv"):
        raise InputError(f"--format must be json or csv, not {fmt!r}", code="INPUT_FORMAT", field="format")
    primaries = list(primary or [])
    if primaries_file is not None:
        primaries += read_primaries_file(primaries_file)
    table = element_sets_at(db, catalog, t0, as_of=as_of, catalog_wide=True, keep=primaries)
    with progress_bar("screening") as progress:
        result = screen(
            table, t0, t1, threshold_km, primaries=primaries or None,
            exclude_same_constellation=exclude_same_constellation,
            min_relative_speed_km_s=min_relative_speed_km_s, progress=progress,
        )
    for f in result.failures:
        err_console.print(
            f"[yellow]warning[/] {f.norad} {f.name or ''}: propagation failed from {f.first_failure_utc} "
            f"(SGP4 code {f.code}: {f.message}); screened up to there", highlight=False, soft_wrap=True,
        )
    if not catalog:
        from orbitwatch.store import Store
        from orbitwatch.store.screening_runs import save_run

        params = {"catalog": "store", "primaries": primaries, "exclude_same_constellation":
                  exclude_same_constellation, "min_relative_speed_km_s": min_relative_speed_km_s,
                  "stats": result.stats}
        with Store.open(db, create=False) as store:
            run_id = save_run(store, result, params, now=now_utc())
        err_console.print(f"stored as screening run {run_id} in {store.path}", highlight=False)
    rows = result.to_dicts()
    pc_values: list[float] | None = None
    if with_pc or cdm_dir is not None:
        risk = _risk(result, table, db, catalog, pc_method, hbr_m, hbr_table)
        pc_values = risk.pc.pc.tolist()
        for k, row in enumerate(rows):
            row.update(_pc_fields(risk, k))
        if cdm_dir is not None:
            _write_cdms(cdm_dir, result, risk)
    if fmt is None:
        console.print(ranked_table(result, pc=pc_values))
        err_console.print(f"{len(rows)} conjunction(s), {len(result.failures)} propagation failure(s)",
                          highlight=False)
        return
    if fmt == "json":
        text = json.dumps(rows, indent=2) + "\n"
    else:
        flat = [{**r, "usage_violations": ";".join(r["usage_violations"])} if "usage_violations" in r else r
                for r in rows]
        text = _csv(flat, FIELDS + (PC_FIELDS if pc_values is not None else ()))
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {output}: {exc.strerror or exc}", code="INPUT_FILE",
                             source=str(output)) from None
        err_console.print(f"{len(rows)} conjunction(s) written to {output}", highlight=False)
    else:
        typer.echo(text, nl=False)
