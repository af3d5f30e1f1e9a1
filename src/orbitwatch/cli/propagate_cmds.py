"""``orbitwatch propagate``: SGP4 ephemerides in TEME, ITRF, GCRS or geodetic form.

Contract (fixed, users' scripts depend on it)::

    orbitwatch propagate NORAD[,NORAD...]... (--db DB | --catalog PATH...) --start ISO
        (--end ISO | --duration-h H) --step-s S
        [--frame teme|itrf|gcrs|geodetic] [--format csv|json|oem] [--json] [--output PATH]

(``--frame`` takes :data:`orbitwatch.propagation.FRAMES`; ``--json`` is ``--format json``.)

* ``json``: a list of ``{norad, time_utc, x_km, y_km, z_km, vx_km_s, vy_km_s, vz_km_s}``
  (geodetic: ``{norad, time_utc, latitude_deg, longitude_deg, altitude_km}``);
* ``csv``: the same column names as the header row;
* ``oem``: a CCSDS OEM (502.0 KVN), one segment per object (Cartesian frames only).

``--history`` (issue 19): at each time, the element set in force *at that time* from the
object's whole history in the store or the files (:func:`orbitwatch.catalog.history.in_force_index`),
instead of the one set in force at ``--start``; rows then carry ``element_epoch_utc``, the
epoch of the set used.

With ``--db`` every row (json and csv) ends with the object's ``owner`` from the store's
SATCAT, then ``operator``, ``users``, ``purpose`` and ``ucs_conflict`` when the store has UCS
rows for the objects asked (issue 11; ``Store.object_fields``); catalog files carry no
metadata, so their rows are as above.  The OEM has no owner field.

Rows are ordered by object (in the order asked) then time.  Object-times where SGP4
fails (decayed, eccentricity out of range) are left out of the output and reported on
stderr with their SGP4 error code.  Times are ISO 8601 UTC with a zone (``...Z``).
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from orbitwatch.api import FRAMES, InputError, format_utc, now_utc, time_grid
from orbitwatch.cli._app import app, dumps_strict, err_console, handle_errors, safe_text
from orbitwatch.cli._common import (
    NORAD_METAVAR,
    AsOfOption,
    CatalogOption,
    DbOption,
    DurationOption,
    choice,
    element_sets_at,
    load_object_fields,
    norad_ids,
    output_format,
    progress_bar,
    time_window,
)

# Refuse outputs larger than this many object-times (a typo in --step-s should not fill a disk).
MAX_ROWS = 20_000_000


#: the output formats of propagate (an ephemeris has no table form; ``--json`` is ``json``)
FORMATS = ("csv", "json", "oem")


CARTESIAN_KEYS: tuple[str, ...] = ("x_km", "y_km", "z_km", "vx_km_s", "vy_km_s", "vz_km_s")
GEODETIC_KEYS: tuple[str, ...] = ("latitude_deg", "longitude_deg", "altitude_km")


def _rows(eph: Any, norad: np.ndarray) -> tuple[list[str], list[list[Any]]]:
    """Header and rows (object-major), failed object-times left out."""
    whole_ms = bool(np.all(eph.times.astype(np.int64) % 1000 == 0))
    times = format_utc(eph.times, digits=3 if whole_ms else 6)
    if eph.frame == "geodetic":
        keys = GEODETIC_KEYS
        values = np.stack([eph.latitude_deg, eph.longitude_deg, eph.altitude_km], axis=-1)
    else:
        keys = CARTESIAN_KEYS
        values = np.concatenate([eph.r_km, eph.v_km_s], axis=-1)
    ok = eph.err == 0
    rows = [
        [int(norad[i]), str(times[j]), *(float(x) for x in values[i, j])]
        for i in range(values.shape[0])
        for j in range(values.shape[1])
        if ok[i, j]
    ]
    return ["norad", "time_utc", *keys], rows


def _csv_text(header: list[str], rows: list[list[Any]], geodetic: bool, n_tail: int = 0) -> str:
    """CSV of ``rows``: NORAD id, time, the state formatted, then ``n_tail`` columns as they are."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    fmt = ["{:.9f}", "{:.9f}", "{:.6f}"] if geodetic else ["{:.6f}"] * 3 + ["{:.9f}"] * 3
    for row in rows:
        state, tail = row[2:len(row) - n_tail], row[len(row) - n_tail:]
        w.writerow([row[0], row[1], *(f.format(x) for f, x in zip(fmt, state, strict=True)),
                    *("" if x is None else str(x).lower() if isinstance(x, bool) else x for x in tail)])
    return buf.getvalue()


def _text(header: list[str], rows: list[list[Any]], *, fmt: str, frame: str, db: Path | None,
          tail: tuple[str, ...] = ()) -> str:
    """The csv or json text of ``rows`` (whose last ``len(tail)`` columns are ``tail``); with
    ``--db`` each row also carries its object's owner (and the UCS fields where the store has
    them: ``load_object_fields``), as every result that names an object (issue 11)."""
    fields = load_object_fields(db, None, sorted({int(r[0]) for r in rows})) if db is not None else {}
    keys = list(next(iter(fields.values()), {}))
    header = [*header, *tail, *keys]
    rows = [[*r, *(fields[int(r[0])].get(k) for k in keys)] for r in rows] if keys else rows
    if fmt == "csv":
        return _csv_text(header, rows, frame == "geodetic", len(tail) + len(keys))
    return dumps_strict([dict(zip(header, row, strict=True)) for row in rows], indent=1) + "\n"


def _oem_text(table: Any, eph: Any) -> str:
    from orbitwatch.ccsds.oem import CCSDS_REF_FRAMES, OEMSegment, write_oem

    segments = [
        OEMSegment(
            object_name=table.names[i] or f"NORAD {int(table.norad_id[i])}",
            object_id=table.cospar_ids[i] or "UNKNOWN",
            ref_frame=CCSDS_REF_FRAMES[eph.frame],
            times=eph.times,
            r_km=eph.r_km[i],
            v_km_s=eph.v_km_s[i],
            comments=(f"NORAD {int(table.norad_id[i])}; SGP4 (WGS-72) from element set epoch "
                      f"{format_utc(table.epoch[i], digits=6)}",),
        )
        for i in range(len(table))
    ]
    return write_oem(segments, creation_date=now_utc(), comments=("orbitwatch propagate",))


def _report_failures(norad: np.ndarray, err: np.ndarray) -> None:
    from orbitwatch.propagation import SGP4_ERROR_MESSAGES

    for i in np.flatnonzero(err.any(axis=1)):
        codes = err[i][err[i] != 0]
        first = int(codes[0])
        err_console.print(
            f"[yellow]warning[/] NORAD {int(norad[i])}: {codes.size} of {err.shape[1]} times failed "
            f"(SGP4 error {first}: {SGP4_ERROR_MESSAGES.get(first, 'unknown')}); left out",
            highlight=False,
        )


@app.command("propagate")
@handle_errors
def propagate_command(
    *,
    norad: Annotated[list[str], typer.Argument(metavar=NORAD_METAVAR + "...", show_default=False,
                                               help="NORAD catalog numbers (separate or comma-separated).")],
    start: Annotated[str, typer.Option("--start", help="First time, ISO 8601 UTC (e.g. 2025-04-15T00:00:00Z).",
                                       show_default=False)],
    step_s: Annotated[float, typer.Option("--step-s", help="Step in seconds.", show_default=False)],
    end: Annotated[str | None, typer.Option("--end", help="Last time, ISO 8601 UTC (or --duration-h).",
                                            show_default=False)] = None,
    duration_h: DurationOption = None,
    db: DbOption = None,
    catalog: CatalogOption = None,
    frame: Annotated[str, typer.Option("--frame", **choice(FRAMES), help="Output frame.")] = "teme",
    fmt: Annotated[str | None, typer.Option("--format", **choice(FORMATS), show_default=False,
                                            help="Output format (default csv).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="= --format json.")] = False,
    output: Annotated[Path | None, typer.Option("--output", help="Write here instead of stdout.")] = None,
    as_of: AsOfOption = None,
    history: Annotated[bool, typer.Option(
        "--history", help="At each time use the element set in force at that time (from the whole history in "
                          "--db or the --catalog files), not the one in force at --start.")] = False,
) -> None:
    """SGP4 ephemeris of the given objects (TEME, ITRF, GCRS or geodetic WGS-84)."""
    from orbitwatch.api import ephemeris_in_frame

    fmt = output_format(fmt, as_json, default="csv", allowed=FORMATS)
    ids = norad_ids(norad, "NORAD")
    t0, t1 = time_window(start, end, duration_h)
    assert t0 is not None and t1 is not None
    times = time_grid(t0, t1, step_s)
    if fmt == "oem" and frame == "geodetic":
        raise InputError("an OEM holds Cartesian states: use --frame teme, itrf or gcrs", field="frame")
    if history:
        if as_of is not None:
            raise InputError("--history picks the set in force at each time: it takes no --as-of",
                             code="INPUT_INVALID", field="as_of")
        if fmt == "oem":
            raise InputError("--history writes csv or json (an OEM segment holds one element set)",
                             code="INPUT_INVALID", field="format")
        if len(ids) * len(times) > MAX_ROWS:
            raise InputError(f"{len(ids)} objects x {len(times)} times is more than {MAX_ROWS:,} rows; "
                             "use a larger --step-s", field="step_s")
        text = _history_text(db, catalog, ids, times, frame, fmt)
        _write(text, output)
        return
    table = element_sets_at(db, catalog, t0, norad=ids, as_of=as_of)
    if len(table) * len(times) > MAX_ROWS:
        raise InputError(
            f"{len(table)} objects x {len(times)} times is more than {MAX_ROWS:,} rows; use a larger --step-s",
            field="step_s",
        )
    with progress_bar("propagating", enabled=output is not None) as progress:
        eph = ephemeris_in_frame(table, times, frame, progress=progress)
    _report_failures(table.norad_id, eph.err)
    if fmt == "oem":
        text = _oem_text(table, eph)
    else:
        header, rows = _rows(eph, table.norad_id)
        text = _text(header, rows, fmt=fmt, frame=frame, db=db)
    _write(text, output)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {output}: {exc.strerror or exc}", code="INPUT_FILE",
                             source=str(output)) from None
        err_console.print(f"wrote {safe_text(output)}", highlight=False)


def _histories(db: Path | None, catalog: list[Path] | None, norad: list[int]) -> dict[int, list[Any]]:
    """Every element set of the objects asked, from the store or the files."""
    wanted = list(dict.fromkeys(int(n) for n in norad))
    out: dict[int, list[Any]] = {n: [] for n in wanted}
    if db is not None and catalog:
        raise InputError("give either --db or --catalog, not both", code="INPUT_INVALID", field="catalog")
    if catalog:
        from orbitwatch.api import read_element_sets
        from orbitwatch.sources.files import iter_file_inputs

        for source, lines in iter_file_inputs(list(catalog)):
            for es in read_element_sets(lines, source=source):
                if es.norad_id in out:
                    out[es.norad_id].append(es)
    else:
        from orbitwatch.api import Store

        with Store.open(db, create=False) as store:
            for n in wanted:
                out[n] = store.history(n)
    missing = [n for n, sets in out.items() if not sets]
    if missing:
        raise InputError(f"unknown NORAD id(s) {', '.join(map(str, missing))}: no element set",
                         code="INPUT_UNKNOWN_NORAD", record=",".join(map(str, missing)))
    return out


def _history_text(db: Path | None, catalog: list[Path] | None, norad: list[int], times: np.ndarray,
                  frame: str, fmt: str) -> str:
    from orbitwatch.catalog.history import stale_limit_days
    from orbitwatch.ephemeris import ephemeris_over_history
    from orbitwatch.times import days_between

    header: list[str] = []
    rows: list[list[Any]] = []
    for n, sets in _histories(db, catalog, norad).items():
        eph, idx = ephemeris_over_history(sets, times, frame)
        _report_failures(np.array([n]), eph.err)
        epochs = np.array([sets[k].epoch for k in idx.tolist()], dtype="datetime64[us]")
        age = np.abs(days_between(epochs, times))
        stale = age > stale_limit_days(np.array([sets[k].mean_motion_rev_per_day for k in idx.tolist()]))
        if stale.any():
            err_console.print(f"warning: NORAD {n}: {int(stale.sum())} of {len(times)} times have only a stale "
                              f"element set in force (up to {float(age.max()):.1f} d from its epoch)",
                              markup=False, highlight=False)
        err_console.print(f"NORAD {n}: {np.unique(idx).size} element set(s) of {len(sets)} used", highlight=False)
        header, part = _rows(eph, np.array([n]))
        ok = np.flatnonzero(eph.err[0] == 0)
        stamps = format_utc(epochs[ok], digits=6)
        rows += [[*row, str(e)] for row, e in zip(part, stamps, strict=True)]
    return _text(header, rows, fmt=fmt, frame=frame, db=db, tail=("element_epoch_utc",))
