"""``orbitwatch pc`` and ``orbitwatch cdm show|convert``: collision probability from CCSDS CDMs.

Contract (fixed)::

    orbitwatch pc CDM_PATH... [--method foster|elrod|chan|alfano|hall3d|sdmc|montecarlo|max|auto]
        [--hbr-m X | --hbr-table PATH] [--samples N] [--db DB] [--format table|json|csv] [--json]
    orbitwatch cdm show PATH
    orbitwatch cdm convert PATH --to xml|kvn [--output PATH]

``pc`` prints per CDM: TCA, miss distance, relative speed, Pc, method, whether the
covariance was remediated, and CARA-style usage-violation flags; ``--json`` prints a
list of ``{file, norad_1, norad_2, tca_utc, miss_distance_km, relative_speed_km_s,
hbr_m, method, pc, covariance_remediated, usage_violations}`` (plus ``hbr_source``,
``hbr_defaulted``, ``hbr_detail``, ``cdm_pc`` and method extras such as
``ci_low``/``ci_high``).  HBR: ``--hbr-m``, else the CDM's ``COMMENT HBR`` / ``HBR``, else
the rule of ``screen --pc`` (:func:`orbitwatch.risk.hbr.pair_hbr_m`: CARA table radii with
``--hbr-table``, else the default by object type, summed), shown as defaulted with its
source.  A file that cannot be read, parsed or computed (any orbitwatch error) is one error
row (``{file, error_code, error, pc: null}`` in JSON, a row with the code in the table, and
a line on stderr); the other files are still computed and the exit status is that of the
worst error (4 for a parse error, 3 for bad input).

``--db DB`` (issue 11): each record also carries, per object of the CDM (``_1``, ``_2``), the
store's ``owner`` (SATCAT), ``operator``, ``users``, ``purpose`` (UCS) and ``ucs_conflict``
(:func:`orbitwatch.store.metadata.object_fields`, the fields of ``screen``; ``null`` where
unknown, or where the CDM's designator is not a NORAD id); the table adds an owners column.
Without ``--db`` no store is read (nor the ``ORBITWATCH_DB`` default).

``--method`` takes :data:`orbitwatch.risk.METHODS`; ``--json`` is ``--format json``;
``--format csv`` writes the JSON keys as columns (``usage_violations`` as compact JSON).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from orbitwatch.api import (
    InputError,
    OrbitwatchError,
    Store,
    pc_from_cdm,
    read_cdm,
    read_hbr_table,
    write_cdm_kvn,
    write_cdm_xml,
)
from orbitwatch.ccsds.cdm import CDM
from orbitwatch.cli._app import (
    app,
    console,
    err_console,
    exit_code_for,
    handle_errors,
    print_error,
    print_json,
    safe_text,
)
from orbitwatch.cli._common import HBR_DEFAULT_HELP, FormatOption, choice, output_format, print_csv
from orbitwatch.cli.screen_cmds import print_report
from orbitwatch.risk.hbr import HBRTable
from orbitwatch.risk.pc import METHODS

#: the CDM syntaxes of ``cdm convert --to``
SYNTAXES = ("xml", "kvn")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"no such file: {path}", code="INPUT_FILE", source=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}", code="INPUT_FILE", source=str(path)) from None


def _load(path: Path) -> CDM:
    return read_cdm(_read_text(path), source=str(path))


def _hbr_table(path: Path) -> HBRTable:
    import gzip

    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                return read_hbr_table(fh, source=str(path))
        with path.open(encoding="utf-8") as fh:
            return read_hbr_table(fh, source=str(path))
    except FileNotFoundError:
        raise InputError(f"no such file: {path}", code="INPUT_FILE", source=str(path)) from None
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise InputError(f"cannot read {path}: {exc}", code="INPUT_FILE", source=str(path)) from None


def _fmt_pc(pc: Any) -> str:
    return "n/a" if pc is None else f"{pc:.4e}"


def _add_owners(records: list[dict[str, Any]], db: Path) -> None:
    """Each CDM record's objects' metadata fields from the store (``owner_1``, ... ``ucs_conflict_2``);
    ``None`` values where the store knows nothing or the CDM names no catalog number."""
    ok = [r for r in records if "error_code" not in r]
    with Store.open(db, create=False) as store:
        for k in "12":
            ids = [r.get(f"norad_{k}") for r in ok]
            # NORAD id 0 is never catalogued: its fields are the all-None row for a CDM without a number
            fields = store.object_fields({n for n in ids if isinstance(n, int)} | {0}, f"_{k}")
            for r, n in zip(ok, ids, strict=True):
                r.update(fields[n if isinstance(n, int) else 0])


def _owners_cell(r: dict[str, Any]) -> str:
    return safe_text(" / ".join(r.get(f"owner_{k}") or "?" for k in "12")) if "owner_1" in r else ""


@app.command("pc")
@handle_errors
def pc_command(
    *,
    cdm_paths: Annotated[list[Path], typer.Argument(metavar="CDM_PATH...", help="CDM files (KVN or XML)")],
    method: Annotated[str, typer.Option("--method", **choice(METHODS), help="Pc method")] = "foster",
    hbr_m: Annotated[float | None, typer.Option(
        "--hbr-m", help=f"Combined hard-body radius (m). {HBR_DEFAULT_HELP}")] = None,
    hbr_table: Annotated[
        Path | None, typer.Option("--hbr-table", help="NASA CARA HBR/mass CSV (plain or .gz) for CDMs without an HBR")
    ] = None,
    samples: Annotated[int, typer.Option("--samples", help="Monte Carlo trials per CDM")] = 100_000,
    db: Annotated[Path | None, typer.Option("--db", help="Store whose SATCAT/UCS name each object's owner, "
                                            "operator, users and purpose (issue 11); none read without it.")] = None,
    fmt: FormatOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output (= --format json)")] = False,
) -> None:
    """Collision probability of each conjunction in CDM files.

    HBR: --hbr-m, else the CDM's own, else the screen --pc rule (CARA table radii with
    --hbr-table, else payload 5 m, rocket body 5 m, debris 1 m, unknown 2 m, summed), shown
    as defaulted.
    """
    out_fmt = output_format(fmt, as_json)
    if hbr_m is not None and not hbr_m > 0:
        raise InputError(f"--hbr-m must be > 0, not {hbr_m}", code="INPUT_HBR", field="hbr_m")
    table = _hbr_table(hbr_table) if hbr_table is not None else None
    records: list[dict[str, Any]] = []
    worst = 0
    for path in cdm_paths:
        try:
            records.append(
                pc_from_cdm(_load(path), method=method, hbr_m=hbr_m, hbr_table=table, n_samples=samples)
            )
        except OrbitwatchError as exc:
            print_error(exc)
            worst = max(worst, exit_code_for(exc))
            records.append({"file": str(path), "error_code": exc.code, "error": exc.message, "pc": None})
    if db is not None:
        _add_owners(records, db)
    if out_fmt == "json":
        print_json(records)
    elif out_fmt == "csv":
        print_csv(records)
    elif records:
        out = Table(title="Collision probability")
        owners = () if db is None else ("owners",)
        for col in ("file", *owners, "TCA (UTC)", "miss km", "speed km/s", "HBR m", "Pc", "CDM Pc", "method",
                    "remediated", "flags"):
            out.add_column(col, overflow="fold", no_wrap=col != "file")
        for r in records:
            if "error_code" in r:
                blank = ("",) * (4 + len(owners))
                out.add_row(safe_text(Path(r["file"]).name), *blank, "n/a", "", "", "",
                            safe_text(f"error {r['error_code']}"))
                continue
            hbr_text = f"{r['hbr_m']:g}" + (" default" if r["hbr_defaulted"] else "")
            out.add_row(
                safe_text(Path(r["file"]).name),
                *((_owners_cell(r),) if owners else ()),
                r["tca_utc"],
                f"{r['miss_distance_km']:.4f}",
                f"{r['relative_speed_km_s']:.4f}",
                safe_text(hbr_text),
                _fmt_pc(r["pc"]),
                _fmt_pc(r.get("cdm_pc")),
                safe_text(r["method"]),
                "yes" if r["covariance_remediated"] else "no",
                safe_text(",".join(r["usage_violations"]) or "-"),
            )
        print_report(out)
        if any(r.get("hbr_defaulted") for r in records):
            err_console.print("HBR 'default': the CDM states none; the screen --pc rule was used (CARA table radius "
                              "with --hbr-table, else payload 5 m, rocket body 5 m, debris 1 m, unknown 2 m per "
                              "object, summed); --hbr-m sets it", highlight=False, soft_wrap=True)
    if worst:
        raise typer.Exit(worst)


cdm_app = typer.Typer(help="Read, show and convert CCSDS Conjunction Data Messages.", no_args_is_help=True)
app.add_typer(cdm_app, name="cdm")


@cdm_app.command("show")
@handle_errors
def cdm_show(path: Annotated[Path, typer.Argument(help="CDM file (KVN or XML)")]) -> None:
    """Pretty-print a CDM: header, relative data, and the two objects side by side."""
    cdm = _load(path)
    head = Table(title=f"CDM {cdm.message_id}", show_header=False)
    head.add_column("keyword", style="bold")
    head.add_column("value", overflow="fold")
    for it in (*cdm.header, *cdm.relative):
        head.add_row(it.key, safe_text(f"{it.value} [{it.units}]" if it.units else it.value))
    console.print(head)
    objs = Table(title="Objects")
    objs.add_column("keyword", style="bold")
    objs.add_column("OBJECT1", overflow="fold")
    objs.add_column("OBJECT2", overflow="fold")
    keys: list[str] = []
    for section in cdm.objects:
        for it in section:
            if it.key != "COMMENT" and it.key not in keys:
                keys.append(it.key)
    for key in keys:
        cells = []
        for k in (1, 2):
            item = next((it for it in cdm.objects[k - 1] if it.key == key), None)
            if item is None:
                cells.append("")
            else:
                cells.append(safe_text(f"{item.value} [{item.units}]" if item.units else item.value))
        objs.add_row(key, *cells)
    console.print(objs)
    comments = cdm.comments()
    if comments:
        console.print(safe_text("Comments: " + " | ".join(comments)), highlight=False, soft_wrap=True)


@cdm_app.command("convert")
@handle_errors
def cdm_convert(
    path: Annotated[Path, typer.Argument(help="CDM file (KVN or XML)")],
    to: Annotated[str, typer.Option("--to", **choice(SYNTAXES), help="output syntax", show_default=False)],
    output: Annotated[Path | None, typer.Option("--output", help="write here instead of stdout")] = None,
) -> None:
    """Convert a CDM between KVN and XML (lossless: reading the output gives the same CDM)."""
    cdm = _load(path)
    text = write_cdm_xml(cdm) if to == "xml" else write_cdm_kvn(cdm)
    if output is None:
        typer.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {output}: {exc}", code="INPUT_FILE", source=str(output)) from None
        err_console.print(f"wrote {safe_text(output)}", highlight=False)
