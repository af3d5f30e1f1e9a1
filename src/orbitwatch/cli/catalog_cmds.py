"""``orbitwatch ingest`` and ``orbitwatch catalog stats|show``: the element-history store.

Thin shells over :class:`orbitwatch.store.Store`.  Their output is a fixed contract
(users' scripts depend on it):

* ``ingest PATH... [--db DB] [--lenient] [--kind auto|elements|satcat|ucs] [--json]``:
  counts; ``--json`` prints one object with keys ``files, element_sets_read, stored,
  duplicates, rejected, objects, rejects`` (each reject ``{source, line, norad, code,
  message}``), plus ``metadata`` ``{satcat_read, satcat_stored, ucs_read, ucs_stored,
  conflicts}`` when a SATCAT or UCS file was among the inputs.  Strict mode stops
  at the first bad record with one line naming file, line, field and reason, exits
  non-zero and stores nothing.
* ``catalog stats [--db DB] [--json]``: ``objects, element_sets, by_type,
  epoch_min_utc, epoch_max_utc``.
* ``catalog show NORAD [--db DB] [--json]``: the object and its element-set history;
  ``--json`` prints ``{"object": {...}, "element_sets": [...]}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from orbitwatch.api import ElementSet, InputError, OrbitwatchError, format_utc, now_utc
from orbitwatch.cli._app import app, console, handle_errors, print_json, safe_text
from orbitwatch.cli._common import (
    DbOption,
    JsonOption,
    LenientOption,
    TableJsonFormatOption,
    output_format,
    progress_bar,
)

catalog_app = typer.Typer(help="Inspect the element-history store.", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")

_SHOWN_REJECTS = 20


@app.command("ingest")
@handle_errors
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="TLE/3LE/OMM (KVN, XML, JSON, CSV) files, plain or .gz.", show_default=False)
    ],
    db: DbOption = None,
    lenient: LenientOption = False,
    fmt: TableJsonFormatOption = None,
    as_json: JsonOption = False,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="What the files are: auto (detect each), elements (TLE/OMM), satcat (Space-Track JSON/CSV, "
            "CelesTrak CSV) or ucs (UCS Satellite Database CSV).",
        ),
    ] = "auto",
) -> None:
    """Store every element set of the files (idempotent: known element sets are counted, not stored again).

    SATCAT and UCS files (detected, or named by --kind) store object metadata instead; the
    counts then include the metadata stored and the UCS/SATCAT COSPAR conflicts.
    """
    as_json = output_format(fmt, as_json, allowed=("table", "json")) == "json"
    from orbitwatch.api import Store
    from orbitwatch.catalog.model import MAX_REJECTS_KEPT
    from orbitwatch.sources.files import iter_file_inputs

    with progress_bar("ingesting", enabled=not as_json) as progress:
        inputs = iter_file_inputs(paths, progress=progress)  # checks every path before the store is touched
        with Store.open(db) as store:
            report = store.ingest(inputs, lenient=lenient, now=now_utc(), kind=kind.strip().lower())
            where = store.path
    if as_json:
        print_json(report.to_dict())
        return
    table = Table(title=f"ingest into {safe_text(where)}", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, label in (
        ("files", "files"),
        ("element_sets_read", "element sets read"),
        ("stored", "stored (new)"),
        ("duplicates", "already stored"),
        ("rejected", "rejected"),
        ("objects", "objects"),
    ):
        table.add_row(label, f"{getattr(report, key):,}")
    if report.metadata_inputs:
        for key, label in (
            ("satcat_read", "SATCAT records read"),
            ("satcat_stored", "SATCAT records stored (new or changed)"),
            ("ucs_read", "UCS rows read"),
            ("ucs_stored", "UCS rows stored (new)"),
            ("conflicts", "UCS/SATCAT COSPAR conflicts in the store"),
        ):
            table.add_row(label, f"{getattr(report, key):,}")
    console.print(table)
    if report.rejects:
        rej = Table(title="rejected records")
        for col in ("source", "line", "norad", "code", "message"):
            rej.add_column(col, overflow="fold")
        for r in report.rejects[:_SHOWN_REJECTS]:
            rej.add_row(safe_text(r.source), str(r.line or ""), str(r.norad or ""), safe_text(r.code),
                        safe_text(r.message))
        console.print(rej)
        shown = min(len(report.rejects), _SHOWN_REJECTS)
        if report.rejected > shown:
            console.print(f"... and {report.rejected - shown:,} more (--json lists the first {MAX_REJECTS_KEPT:,})")


@catalog_app.command("stats")
@handle_errors
def stats(db: DbOption = None, fmt: TableJsonFormatOption = None, as_json: JsonOption = False) -> None:
    """Objects, element sets, objects by type and the epoch span of the store."""
    as_json = output_format(fmt, as_json, allowed=("table", "json")) == "json"
    from orbitwatch.api import Store

    with Store.open(db, create=False) as store:
        data = store.stats()
        where = store.path
    if as_json:
        print_json(data)
        return
    table = Table(title=f"catalog {safe_text(where)}", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("objects", f"{data['objects']:,}")
    for otype, n in data["by_type"].items():
        table.add_row(f"  {safe_text(otype.lower())}", f"{n:,}")
    table.add_row("element sets", f"{data['element_sets']:,}")
    table.add_row("first epoch", str(data["epoch_min_utc"] or "-"))
    table.add_row("last epoch", str(data["epoch_max_utc"] or "-"))
    console.print(table)


def _norad(text: str) -> int:
    s = text.strip()
    if s.isdigit():
        return int(s)
    from orbitwatch.catalog.tle import alpha5_to_int

    try:
        return alpha5_to_int(s)
    except (OrbitwatchError, ValueError):
        raise InputError(f"{text!r} is not a NORAD catalog number", code="INPUT_INVALID", field="norad") from None


def _element_set_dict(es: ElementSet) -> dict[str, Any]:
    return {
        "norad_id": es.norad_id,
        "epoch_utc": es.epoch_utc,
        "mean_motion_rev_per_day": es.mean_motion_rev_per_day,
        "eccentricity": es.eccentricity,
        "inclination_deg": es.inclination_deg,
        "raan_deg": es.raan_deg,
        "arg_perigee_deg": es.arg_perigee_deg,
        "mean_anomaly_deg": es.mean_anomaly_deg,
        "bstar_per_earth_radius": es.bstar_per_earth_radius,
        "mean_motion_dot_rev_per_day2": es.mean_motion_dot_rev_per_day2,
        "mean_motion_ddot_rev_per_day3": es.mean_motion_ddot_rev_per_day3,
        "name": es.name,
        "cospar_id": es.cospar_id,
        "classification": es.classification,
        "element_set_no": es.element_set_no,
        "rev_at_epoch": es.rev_at_epoch,
        "ephemeris_type": es.ephemeris_type,
        "source": es.source,
        "line": es.line,
    }


@catalog_app.command("show")
@handle_errors
def show(
    norad: Annotated[str, typer.Argument(help="NORAD catalog number (digits or Alpha-5).", show_default=False)],
    db: DbOption = None,
    fmt: TableJsonFormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """One object: its catalog data and every element set stored for it."""
    as_json = output_format(fmt, as_json, allowed=("table", "json")) == "json"
    from orbitwatch.api import Store

    norad_id = _norad(norad)
    with Store.open(db, create=False) as store:
        info = store.object_info(norad_id)
        if info is None:
            raise InputError(
                f"unknown NORAD id {norad_id}: not in the store {store.path}",
                code="INPUT_UNKNOWN_NORAD",
                record=norad_id,
            )
        history = store.history(norad_id)
    if as_json:
        print_json({"object": info.to_dict(), "element_sets": [_element_set_dict(es) for es in history]})
        return
    head = Table(title=f"NORAD {info.norad_id}", show_header=False)  # every data cell through safe_text
    head.add_column("what")
    head.add_column("value")
    for key, value in info.to_dict().items():
        if key != "norad_id":
            head.add_row(key, "-" if value is None else safe_text(value))
    console.print(head)
    table = Table(title=f"{len(history):,} element sets")
    for col in ("epoch (UTC)", "n rev/day", "e", "i deg", "RAAN deg", "argp deg", "M deg", "B* 1/ER"):
        table.add_column(col, justify="left" if col == "epoch (UTC)" else "right", no_wrap=True)
    table.add_column("source", overflow="fold")
    for es in history:
        source = Path(es.source).name if es.source else "-"
        table.add_row(
            format_utc(es.epoch, digits=3),
            f"{es.mean_motion_rev_per_day:.8f}",
            f"{es.eccentricity:.7f}",
            f"{es.inclination_deg:.4f}",
            f"{es.raan_deg:.4f}",
            f"{es.arg_perigee_deg:.4f}",
            f"{es.mean_anomaly_deg:.4f}",
            f"{es.bstar_per_earth_radius:.4e}",
            safe_text(f"{source}:{es.line}" if es.line is not None else source),
        )
    console.print(table)
