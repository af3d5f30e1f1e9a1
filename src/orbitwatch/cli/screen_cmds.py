"""``orbitwatch screen``: conjunction screening of a catalog (issue 3's fixed contract).

    orbitwatch screen (--catalog PATH... | --db DB) --start ISO (--end ISO | --duration-h H)
        --threshold-km D [--primary NORAD[,NORAD...]...] [--primaries-file PATH]
        [--exclude-same-constellation] [--format table|json|csv] [--json] [--output PATH]

and, beyond the contract: docked and co-moving pairs (identical element sets, or slower
than ``--min-relative-speed-km-s``, default 10 m/s: :mod:`orbitwatch.screening.exclusions`)
are left out and counted unless ``--include-co-moving``; issue 4's integration
``--pc [--pc-method M] [--hbr-m X | --hbr-table PATH] [--cdm-dir DIR]`` adds the
collision probability to each record (:mod:`orbitwatch.risk.conjunctions`) and writes
one CCSDS CDM per conjunction; ``--sort tca|miss|pc``, ``--top N`` and ``--summary``
(closest approach per pair with its number of encounters) shape the report;
``--satcat FILE`` names the objects (and gives the CDMs their designators) from a SATCAT, for
catalogs without name lines; ``--plot DIR`` draws each listed record (:mod:`orbitwatch.plots`).
Objects that fail to propagate are counted on stderr and the first :data:`FAILURES_LISTED` listed.
Columns and options: ``docs/screening-report.md``.  ``--json`` is ``--format json`` (also for
``screen runs list|show|diff``, which print table or json); ``--pc-method`` takes
:data:`orbitwatch.risk.METHODS`.

The report (issue 19) is SOCRATES-like: the terminal table and the CSV have the same
columns in the same order (:data:`COLUMNS`): both objects (NORAD id, name), TCA,
minimum range, relative speed, RIC miss, Pc (3 significant digits, ``< 1e-10`` below
that) with the HBR and its source, each element set's age at TCA in days with a stale
flag (:func:`orbitwatch.catalog.history.stale_limit_days`), and the approach angle.
JSON carries the same keys with full-precision numbers.

When the catalog comes from the store, the run and its conjunctions are saved there
(:mod:`orbitwatch.store.screening_runs`), and ``orbitwatch screen runs list|show ID|diff
[ID1] ID2`` reads them back: what is new, gone, closer or riskier since the previous run.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich import box
from rich.console import Console
from rich.table import Table

from orbitwatch.api import (
    ElementTable,
    InputError,
    ScreeningResult,
    build_cdm,
    format_utc,
    now_utc,
    read_hbr_table,
    screen,
    screen_on_cluster,
    write_cdm_kvn,
)
from orbitwatch.cli._app import app, console, dumps_strict, err_console, handle_errors, print_json, safe_text
from orbitwatch.cli._common import (
    CO_MOVING_HELP,
    HBR_DEFAULT_HELP,
    NORAD_METAVAR,
    AsOfOption,
    CatalogOption,
    DbOption,
    DurationOption,
    JsonOption,
    SatcatOption,
    TableJsonFormatOption,
    apply_satcat,
    element_sets_at,
    norad_ids,
    output_format,
    progress_bar,
    time_window,
)
from orbitwatch.risk.conjunctions import ConjunctionRisk, conjunction_risk
from orbitwatch.risk.covariance import TLEUncertainty, estimate_tle_uncertainty
from orbitwatch.risk.pc import METHODS
from orbitwatch.screening.exclusions import CO_MOVING_MIN_SPEED_KM_S
from orbitwatch.sources.files import open_lines

__all__ = ["COLUMNS", "format_pc", "ranked_table", "read_primaries_file", "report_csv", "report_table", "screen_app",
           "screen_command"]

FIELDS = (
    "norad_1", "name_1", "norad_2", "name_2", "tca_utc", "miss_distance_km", "relative_speed_km_s",
    "radial_km", "in_track_km", "cross_track_km", "approach_angle_deg", "epoch_age_1_d", "epoch_age_2_d",
)
# Added by --pc (issue 4's screening integration).
PC_FIELDS = ("pc", "pc_method", "hbr_m", "covariance_source_1", "covariance_source_2", "covariance_remediated",
             "usage_violations", "pc_code")
#: The report's columns, in the one order of the terminal table and the CSV (issue 19).
#: (key, table heading); the Pc columns only with --pc, "encounters" only with --summary, the
#: SATCAT owners (issue 11) only where the metadata is known (a store, or --satcat).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("norad_1", "NORAD 1"), ("name_1", "name 1"), ("norad_2", "NORAD 2"), ("name_2", "name 2"),
    ("tca_utc", "TCA (UTC)"), ("miss_distance_km", "range km"), ("relative_speed_km_s", "km/s"),
    ("radial_km", "R km"), ("in_track_km", "I km"), ("cross_track_km", "C km"),
    ("pc", "Pc"), ("hbr_m", "HBR m"), ("hbr_source", "HBR source"),
    ("epoch_age_1_d", "age 1 d"), ("stale_1", "stale 1"), ("epoch_age_2_d", "age 2 d"), ("stale_2", "stale 2"),
    ("approach_angle_deg", "angle deg"), ("encounters", "encounters"), ("owner_1", "owner 1"), ("owner_2", "owner 2"),
)
_PC_KEYS = ("pc", "hbr_m", "hbr_source")
#: --pc columns after the report's own (CSV only; JSON has them all)
_PC_EXTRA = ("pc_method", "covariance_source_1", "covariance_source_2", "covariance_remediated",
             "usage_violations", "pc_code")
SORT_KEYS = ("tca", "miss", "pc")
PC_FLOOR = 1e-10
#: width of a report written to a pipe or file (wide enough for every column on one line)
REPORT_WIDTH = 240
#: most conjunction plots one run writes (--plot)
MAX_PLOTS = 50
#: propagation failures listed one per line on stderr (the rest are counted)
FAILURES_LISTED = 10


def format_pc(pc: float | None) -> str:
    """Pc with 3 significant digits, ``< 1e-10`` below that, ``-`` when not computed."""
    if pc is None or not np.isfinite(pc):
        return "-"
    if pc < PC_FLOOR:
        return "< 1e-10"
    return f"{pc:.3g}" if pc >= 1e-3 else f"{pc:.2e}"


def report_columns(*, with_pc: bool, summary: bool, with_owner: bool = False) -> list[tuple[str, str]]:
    """The report's (key, heading) columns for these options, in :data:`COLUMNS` order (the
    owners only where the objects' metadata is known: a store, or ``--satcat``)."""
    return [(k, h) for k, h in COLUMNS
            if (with_pc or k not in _PC_KEYS) and (summary or k != "encounters")
            and (with_owner or k not in ("owner_1", "owner_2"))]


def object_metadata(db: Path | None, catalog: list[Path] | None, table: ElementTable,
                    norad: list[int]) -> dict[int, dict[str, Any]] | None:
    """NORAD id -> the result fields of :func:`orbitwatch.store.metadata.object_fields` (SATCAT
    owner; UCS operator, users, purpose; ``ucs_conflict``) from the store, or only the owner
    from ``--satcat`` (in ``table.owners``); ``None`` when the catalog files carry no metadata."""
    if not catalog:
        from orbitwatch.api import Store

        with Store.open(db, create=False) as store:
            return store.object_fields(norad)
    owners = dict(zip(table.norad_id.tolist(), table.owners.tolist(), strict=True))
    if not any(owners.values()):
        return None
    return {n: {"owner": owners.get(n)} for n in norad}


def add_object_fields(rows: list[dict[str, Any]], fields: dict[int, dict[str, Any]] | None) -> None:
    """Add each object's metadata fields (``owner_1``, ``operator_1``, ... ``owner_2``, ...) to each record."""
    if fields is None:
        return
    for r in rows:
        for k in ("1", "2"):
            r.update({f"{key}_{k}": v for key, v in fields.get(int(r[f"norad_{k}"]), {}).items()})


def add_age_flags(rows: list[dict[str, Any]], table: ElementTable) -> None:
    """Add ``stale_1``/``stale_2`` (|age at TCA| beyond the orbit's stale limit) to each record."""
    from orbitwatch.catalog.history import stale_limit_days

    limit = dict(zip(table.norad_id.tolist(), stale_limit_days(table.mean_motion_rev_per_day).tolist(),
                     strict=True))
    for r in rows:
        for k in ("1", "2"):
            lim = limit.get(int(r[f"norad_{k}"]))
            r[f"stale_{k}"] = None if lim is None else bool(abs(float(r[f"epoch_age_{k}_d"])) > lim)


def order_rows(rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    """Rows by TCA, by miss distance, or by Pc (highest first, uncomputed last)."""
    if sort not in SORT_KEYS:
        raise InputError(f"--sort must be one of {', '.join(SORT_KEYS)}, not {sort!r}", code="INPUT_INVALID",
                         field="sort")
    if sort == "tca":
        return sorted(rows, key=lambda r: (r["tca_utc"], r["norad_1"], r["norad_2"]))
    if sort == "miss":
        return sorted(rows, key=lambda r: (r["miss_distance_km"], r["tca_utc"]))
    if not rows or "pc" not in rows[0]:
        raise InputError("--sort pc needs --pc", code="INPUT_INVALID", field="sort")

    def pc_key(r: dict[str, Any]) -> tuple[float, float, str]:
        pc = r.get("pc")
        return (-(pc if pc is not None and np.isfinite(pc) else -1.0), r["miss_distance_km"], r["tca_utc"])

    return sorted(rows, key=pc_key)


def summarise_pairs(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per object pair: its closest approach, with ``encounters`` (records of the pair)."""
    best: dict[tuple[int, int], dict[str, Any]] = {}
    count: dict[tuple[int, int], int] = {}
    for r in rows:
        key = (int(r["norad_1"]), int(r["norad_2"]))
        count[key] = count.get(key, 0) + 1
        if key not in best or (r["miss_distance_km"], r["tca_utc"]) < (best[key]["miss_distance_km"],
                                                                       best[key]["tca_utc"]):
            best[key] = r
    return [{**r, "encounters": count[k]} for k, r in best.items()]


def _cell(key: str, value: Any) -> str:
    if value is None:
        return "" if key.startswith("name") else "-"
    if key == "pc":
        return format_pc(value)
    if key.startswith("stale"):
        return "STALE" if value else ""
    if key == "tca_utc":
        return str(value).replace("T", " ").rstrip("Z")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if key == "relative_speed_km_s":
            return f"{value:.3f}"
        if key.startswith("epoch_age") or key == "approach_angle_deg":
            return f"{value:.1f}"
        if key == "hbr_m":
            return f"{value:g}"
        return f"{value:.3f}"
    return str(value)


def report_table(
    rows: list[dict[str, Any]], columns: list[tuple[str, str]], title: str, limit: int | None = None
) -> Table:
    """The SOCRATES-style terminal table of ``rows`` (already ordered) in ``columns``."""
    table = Table(title=safe_text(title), box=box.SIMPLE_HEAD, padding=(0, 1))
    table.add_column("#", justify="right", no_wrap=True)
    for key, heading in columns:
        left = key.startswith(("name", "hbr_source", "stale")) or key == "tca_utc"
        table.add_column(heading, justify="left" if left else "right", no_wrap=True,
                         max_width=24 if key.startswith("name") else None, overflow="ellipsis")
    for k, r in enumerate(rows[:limit], start=1):
        table.add_row(str(k), *(safe_text(_cell(key, r.get(key))) for key, _ in columns))
    return table


def print_report(table: Table) -> None:
    """Print a report table: at the terminal's width, or unwrapped (one line per record) into a pipe."""
    if console.is_terminal:
        console.print(table)
    else:
        Console(file=sys.stdout, width=max(console.width, REPORT_WIDTH)).print(table)


def report_csv(rows: list[dict[str, Any]], columns: list[tuple[str, str]], extra: tuple[str, ...] = ()) -> str:
    """The CSV of ``rows``: the table's columns (same order, Pc formatted the same), then ``extra``."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    keys = [k for k, _ in columns] + list(extra)
    writer.writerow(keys)
    for r in rows:
        out = []
        for k in keys:
            v = r.get(k)
            if k == "pc":
                out.append("" if v is None else format_pc(v))
            elif k == "usage_violations" and isinstance(v, list):
                out.append(";".join(v))
            else:
                out.append("" if v is None else v)
        writer.writerow(out)
    return buf.getvalue()


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


def ranked_table(
    result: ScreeningResult, limit: int | None = None, *, compact: bool = False, pc: list[float] | None = None,
    table: ElementTable | None = None,
) -> Table:
    """The report table of ``result`` ranked by miss distance (the first ``limit``).

    ``compact`` keeps the identification, TCA, range and speed columns (the demo);
    ``pc``: probabilities aligned with ``result.conjunctions``; ``table``: the screened
    element sets, for the stale flags.
    """
    rows = result.to_dicts()
    if pc is not None:
        for r, value in zip(rows, pc, strict=True):
            r["pc"] = value
    if table is not None:
        add_age_flags(rows, table)
    rows = order_rows(rows, "miss")
    columns = report_columns(with_pc=pc is not None, summary=False)
    if compact:
        columns = [c for c in columns if c[0] in ("norad_1", "name_1", "norad_2", "name_2", "tca_utc",
                                                  "miss_distance_km", "relative_speed_km_s", "pc")]
    shown = "" if limit is None or limit >= len(rows) else f", closest {limit}"
    title = (f"{len(rows):,} conjunctions within {result.threshold_km:g} km, "
             f"{format_utc(result.start, digits=0)} .. {format_utc(result.end, digits=0)} "
             f"(ranked by miss distance{shown})")
    return report_table(rows, columns, title, limit)


def report_failures(result: ScreeningResult, listed: int = FAILURES_LISTED) -> None:
    """The objects that failed to propagate, on stderr: one count line, then the first ``listed``.

    A catalog-wide screen meets a few hundred decayed or hyperbolic element sets; the count
    says how many failed at the window's start and how many during it, and each listed line
    names the object, the time and the SGP4 code (a store run keeps the count).
    """
    failures = result.failures
    if not failures:
        return
    at_start = sum(1 for f in failures if f.first_failure <= result.start)
    more = f", the first {listed} listed" if len(failures) > listed else ""
    err_console.print(
        f"[yellow]warning[/] {len(failures):,} object(s) failed to propagate ({at_start:,} from the window's "
        f"start, {len(failures) - at_start:,} during it) and are screened up to their failure{more}:",
        highlight=False, soft_wrap=True,
    )
    for f in failures[:listed]:
        name = f" {safe_text(f.name)}" if f.name else ""
        err_console.print(
            f"  {safe_text(f.norad)}{name}: from {safe_text(f.first_failure_utc)} "
            f"(SGP4 code {f.code}: {safe_text(f.message)})",
            highlight=False, soft_wrap=True,
        )


def _risk(
    result: ScreeningResult, table: ElementTable, *, db: Path | None, catalog: list[Path] | None, method: str,
    hbr_m: float | None, hbr_table_path: Path | None,
) -> tuple[ConjunctionRisk, list[str]]:
    """Pc per conjunction; TLE error models fitted from the store's histories when screening from a store."""
    conj = result.conjunctions
    hbr_table = None
    if hbr_table_path is not None:
        with open_lines(hbr_table_path) as lines:
            hbr_table = read_hbr_table(lines, source=str(hbr_table_path))
    models: dict[int, TLEUncertainty] = {}
    if not catalog and conj:
        from orbitwatch.api import Store

        ids = sorted({c.norad_1 for c in conj} | {c.norad_2 for c in conj})
        with Store.open(db, create=False) as store:
            for norad in ids:
                history = store.history(norad)
                if len(history) > 1:
                    models[norad] = estimate_tle_uncertainty(history)
    n1, n2 = [c.norad_1 for c in conj], [c.norad_2 for c in conj]
    risk = conjunction_risk(
        table, n1, n2, np.array([c.tca for c in conj], dtype="datetime64[us]"),
        method=method, hbr_table=hbr_table, combined_hbr_m=hbr_m, uncertainties=models,
    )
    return risk, hbr_sources(risk, table, n1, n2, hbr_m, hbr_table)


def _cospar_text(cospar: Any) -> str | None:
    """``98067A`` (TLE form) or ``1998-067A`` as the CDM's ``YYYY-NNNP{PP}``; None when absent."""
    if not cospar or not str(cospar).strip():
        return None
    text = str(cospar).strip()
    if "-" in text:
        return text
    if len(text) >= 5 and text[:5].isdigit():
        yy = int(text[:2])
        return f"{1900 + yy if yy >= 57 else 2000 + yy}-{text[2:5]}{text[5:]}"
    return text


def hbr_sources(risk: ConjunctionRisk, table: ElementTable, norad_1: list[int], norad_2: list[int],
                hbr_m: float | None, hbr_table: Any) -> list[str]:
    """Where each conjunction's HBR came from: ``--hbr-m``, ``CARA table``, ``default`` (or mixed)."""
    if hbr_m is not None:
        return ["--hbr-m"] * len(norad_1)
    if hbr_table is None:
        return ["default"] * len(norad_1)
    known = set(hbr_table.hbr_m)
    out = []
    for a, b in zip(norad_1, norad_2, strict=True):
        n = (a in known) + (b in known)
        out.append("CARA table" if n == 2 else "default" if n == 0 else "CARA table + default")
    return out


def _write_cdms(directory: Path, result: ScreeningResult, risk: ConjunctionRisk, table: ElementTable) -> None:
    """One CCSDS CDM (KVN) per conjunction, named like CARA's: ``<n1>_conj_<n2>_<TCA>.cdm``.

    Each object carries its international designator (COSPAR id, e.g. ``1998-067A``)
    when its element set has one, else ``UNKNOWN``.
    """
    cospar = {int(n): _cospar_text(c) for n, c in zip(table.norad_id.tolist(), table.cospar_ids, strict=True)}
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
            objects=tuple({"OBJECT_DESIGNATOR": str(n), "OBJECT_NAME": nm or "UNKNOWN",
                           "INTERNATIONAL_DESIGNATOR": cospar.get(n) or "UNKNOWN"}
                          for n, nm in ((c.norad_1, c.name_1), (c.norad_2, c.name_2))),
            hbr_m=float(risk.hbr_m[k]), collision_probability=pc if np.isfinite(pc) else None,
            collision_probability_method=risk.pc.method[k].upper(),
            comments=("orbitwatch screen: states from SGP4 (TLE), covariances from a TLE error model "
                      f"({risk.covariance_source[k][0]}/{risk.covariance_source[k][1]})",),
        )
        (directory / f"{name}.cdm").write_text(write_cdm_kvn(cdm), encoding="utf-8")
    err_console.print(f"CDMs written to {safe_text(directory)}", highlight=False)


screen_app = typer.Typer(
    help="Conjunction screening (all-vs-all or vs primaries); 'screen runs' reads the runs saved in the store.",
    invoke_without_command=True,
)
app.add_typer(screen_app, name="screen")
runs_app = typer.Typer(help="Screening runs saved by 'screen --db': list, show, diff.", no_args_is_help=True)
screen_app.add_typer(runs_app, name="runs")



@screen_app.callback()
@handle_errors
def screen_command(  # noqa: C901 - one typer command: its options are validated in turn
    *,
    ctx: typer.Context,
    start: Annotated[
        str | None, typer.Option("--start", help="Window start, ISO 8601 UTC (e.g. 2025-04-15T00:00:00Z).")
    ] = None,
    threshold_km: Annotated[float | None, typer.Option("--threshold-km", help="Report approaches closer than this.")]
    = None,
    catalog: CatalogOption = None,
    db: DbOption = None,
    end: Annotated[str | None, typer.Option("--end", help="Window end, ISO 8601 UTC.")] = None,
    duration_h: DurationOption = None,
    primary: Annotated[list[str] | None, typer.Option(
        "--primary", metavar=NORAD_METAVAR, help="Primary NORAD id(s): repeat or comma-separate.")] = None,
    primaries_file: Annotated[
        Path | None, typer.Option("--primaries-file", help="File of primary NORAD ids, one per line.")
    ] = None,
    exclude_same_constellation: Annotated[
        bool, typer.Option("--exclude-same-constellation", help="Skip pairs within one constellation.")
    ] = False,
    min_relative_speed_km_s: Annotated[
        float, typer.Option("--min-relative-speed-km-s", help=CO_MOVING_HELP)
    ] = CO_MOVING_MIN_SPEED_KM_S,
    include_co_moving: Annotated[
        bool, typer.Option("--include-co-moving",
                           help="Keep docked and co-moving pairs (identical element sets, or slower than "
                                "--min-relative-speed-km-s), which are excluded and counted by default.")
    ] = False,
    fmt: Annotated[str | None, typer.Option(
        "--format", help="table, json or csv (default: a table; with --output, by its suffix).")] = None,
    as_json: JsonOption = False,
    output: Annotated[Path | None, typer.Option("--output", help="Write the records to this file.")] = None,
    sort: Annotated[str, typer.Option("--sort", help="Order of the records: tca, miss or pc (needs --pc).")]
    = "miss",
    top: Annotated[int | None, typer.Option("--top", help="Only the first N records (after --sort).", min=1)]
    = None,
    summary: Annotated[bool, typer.Option("--summary", help="One row per pair: its closest approach and its "
                                                            "number of encounters.")] = False,
    with_pc: Annotated[bool, typer.Option("--pc", help="Add collision probability (TLE covariances) per record.")]
    = False,
    pc_method: Annotated[str, typer.Option("--pc-method", help=", ".join(METHODS) + ".")] = "foster",
    hbr_m: Annotated[float | None, typer.Option(
        "--hbr-m", help=f"Combined hard-body radius for every pair (m). {HBR_DEFAULT_HELP}")] = None,
    hbr_table: Annotated[Path | None, typer.Option("--hbr-table", help="NASA CARA HBR/mass CSV (plain or .gz).")]
    = None,
    cdm_dir: Annotated[Path | None, typer.Option("--cdm-dir", help="With --pc: write one CCSDS CDM per conjunction.")]
    = None,
    as_of: AsOfOption = None,
    satcat: SatcatOption = None,
    plot: Annotated[Path | None, typer.Option(
        "--plot", help=f"Write one PNG per listed record (at most {MAX_PLOTS}, after --sort/--top) to this "
                       "directory: range and RIC over +-10 min around TCA.")] = None,
    cluster: Annotated[str | None, typer.Option(
        "--cluster", help="Run on Dask: local (one worker per core), local:N, or a scheduler address "
                          "tcp://HOST:PORT. The same conjunctions as without it.")] = None,
    partitions: Annotated[int | None, typer.Option(
        "--partitions", help="With --cluster: time partitions (default two per worker).", min=1)] = None,
) -> None:
    """Find every pair of objects closer than --threshold-km in the window (all-vs-all or vs primaries).

    Docked and co-moving pairs are left out and counted (--include-co-moving keeps them).
    """
    if ctx.invoked_subcommand is not None:
        return
    if start is None or threshold_km is None:
        missing = " and ".join(o for o, v in (("--start", start), ("--threshold-km", threshold_km)) if v is None)
        raise InputError(f"screen needs {missing} (or a subcommand: screen runs ...)", code="INPUT_MISSING",
                         field="start" if start is None else "threshold_km")
    t0, t1 = time_window(start, end, duration_h)
    assert t0 is not None and t1 is not None
    if fmt is None and not as_json and output is not None:
        fmt = "csv" if output.suffix.lower() == ".csv" else "json"
    fmt = output_format(fmt, as_json)
    if fmt == "table" and output is not None:
        raise InputError("--output writes json or csv, not a table", code="INPUT_FORMAT", field="format")
    if sort not in SORT_KEYS:
        raise InputError(f"--sort must be one of {', '.join(SORT_KEYS)}, not {sort!r}", code="INPUT_INVALID",
                         field="sort")
    if sort == "pc" and not (with_pc or cdm_dir is not None):
        raise InputError("--sort pc needs --pc", code="INPUT_INVALID", field="sort")
    primaries = norad_ids(primary, "--primary")
    if primaries_file is not None:
        primaries += read_primaries_file(primaries_file)
    table = element_sets_at(db, catalog, t0, as_of=as_of, catalog_wide=True, keep=primaries)
    if satcat is not None:
        table = apply_satcat(table, satcat)
    options: dict[str, Any] = {
        "primaries": primaries or None, "exclude_same_constellation": exclude_same_constellation,
        "exclude_co_moving": not include_co_moving, "co_moving_min_speed_km_s": min_relative_speed_km_s,
    }
    if cluster is not None:
        err_console.print(f"screening on the Dask cluster {safe_text(cluster)}", highlight=False)
        result = screen_on_cluster(table, t0, t1, threshold_km, cluster=cluster, partitions=partitions, **options)
    else:
        if partitions is not None:
            raise InputError("--partitions needs --cluster", code="INPUT_INVALID", field="partitions")
        with progress_bar("screening") as progress:
            result = screen(table, t0, t1, threshold_km, progress=progress, **options)
    report_failures(result)
    if include_co_moving:
        err_console.print("docked and co-moving pairs kept (--include-co-moving)", highlight=False)
    else:
        err_console.print(result.excluded.summary(), highlight=False, soft_wrap=True)
    rows = result.to_dicts()
    add_age_flags(rows, table)
    pair_ids = {c.norad_1 for c in result.conjunctions} | {c.norad_2 for c in result.conjunctions}
    fields = object_metadata(db, catalog, table, sorted(pair_ids))
    add_object_fields(rows, fields)
    ucs_extra = tuple(f"{k}_{i}" for i in "12" for k in ("operator", "users", "purpose", "ucs_conflict")
                      if fields and any(k in f for f in fields.values()))
    pc_on = with_pc or cdm_dir is not None
    pc_rows: list[list[Any]] = []
    if pc_on:
        risk, sources = _risk(result, table, db=db, catalog=catalog, method=pc_method, hbr_m=hbr_m,
                                hbr_table_path=hbr_table)
        for k, row in enumerate(rows):
            row.update(risk.row(k))
            row["hbr_source"] = sources[k]
        pc_rows = [[c.norad_1, c.norad_2, int(c.tca.astype(np.int64)), rows[k]["pc"]]
                   for k, c in enumerate(result.conjunctions)]
        if cdm_dir is not None:
            _write_cdms(cdm_dir, result, risk, table)
    if not catalog:
        from orbitwatch.api import Store
        from orbitwatch.store.screening_runs import save_run

        params: dict[str, Any] = {
            "catalog": "store", "primaries": primaries, "exclude_same_constellation": exclude_same_constellation,
            "min_relative_speed_km_s": min_relative_speed_km_s, "include_co_moving": include_co_moving,
            "excluded": result.excluded.to_dict(), "stats": result.stats,
        }
        if pc_on:
            params["pc"] = pc_rows
            params["pc_method"] = pc_method
        with Store.open(db, create=False) as store:
            run_id = save_run(store, result, params, now=now_utc())
        err_console.print(f"stored as screening run {run_id} in {safe_text(store.path)}", highlight=False)
    n_records = len(rows)
    if summary:
        rows = summarise_pairs(rows)
    n_listed = len(rows)
    rows = order_rows(rows, sort)
    if top is not None:
        rows = rows[:top]
    columns = report_columns(with_pc=pc_on, summary=summary, with_owner=fields is not None)
    if plot is not None:
        from orbitwatch.api import plots

        written = plots.plot_conjunctions(plot, table, rows[:MAX_PLOTS])
        err_console.print(f"{len(written)} plot(s) written to {safe_text(plot)}", highlight=False)
    if fmt == "table":
        what = "pairs" if summary else "conjunctions"
        shown = f", first {len(rows)}" if len(rows) < n_listed else ""
        title = (f"{n_records:,} conjunctions within {result.threshold_km:g} km"
                 f"{f' ({n_listed:,} pairs)' if summary else ''}, "
                 f"{format_utc(result.start, digits=0)} .. {format_utc(result.end, digits=0)} "
                 f"({what} by {sort}{shown})")
        print_report(report_table(rows, columns, title))
        err_console.print(f"{n_records} conjunction(s), {len(result.failures)} propagation failure(s)",
                          highlight=False)
        return
    text = dumps_strict(rows) + "\n" if fmt == "json" else report_csv(rows, columns,
                                                                         (_PC_EXTRA if pc_on else ()) + ucs_extra)
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {output}: {exc.strerror or exc}", code="INPUT_FILE",
                             source=str(output)) from None
        err_console.print(f"{len(rows)} record(s) written to {safe_text(output)}", highlight=False)
    else:
        typer.echo(text, nl=False)


# -- screen runs ---------------------------------------------------------------------


RunDb = Annotated[Path | None, typer.Option("--db", envvar="ORBITWATCH_DB", help="Element-history store.")]
RunJson = JsonOption


@runs_app.command("list")
@handle_errors
def runs_list(db: RunDb = None, fmt: TableJsonFormatOption = None, as_json: RunJson = False) -> None:
    """The screening runs saved in the store, oldest first."""
    as_json = output_format(fmt, as_json, allowed=("table", "json")) == "json"
    from orbitwatch.api import Store
    from orbitwatch.store.screening_runs import list_runs

    with Store.open(db, create=False) as store:
        runs = list_runs(store)
    if as_json:
        print_json([{k: v for k, v in r.items() if k != "params"} for r in runs])
        return
    table = Table(title=f"{len(runs)} screening run(s)")
    for heading in ("id", "created (UTC)", "window start", "window end", "threshold km", "objects",
                    "conjunctions", "excluded", "failures"):
        table.add_column(heading, justify="right" if heading not in ("created (UTC)",) else "left")
    for r in runs:
        excluded = r["params"].get("excluded", {}).get("records", "-")
        cells = (r["id"], str(r["created_utc"])[:19], str(r["start_utc"])[:19], str(r["end_utc"])[:19],
                 f"{r['threshold_km']:g}", r["objects"], r["conjunctions"], excluded, r["failures"])
        table.add_row(*(safe_text(c) for c in cells))
    console.print(table)


@runs_app.command("show")
@handle_errors
def runs_show(
    run_id: Annotated[int, typer.Argument(help="Run id (see 'screen runs list').")],
    db: RunDb = None,
    fmt: TableJsonFormatOption = None,
    as_json: RunJson = False,
    sort: Annotated[str, typer.Option("--sort", help="tca, miss or pc.")] = "miss",
    top: Annotated[int | None, typer.Option("--top", help="Only the first N records.", min=1)] = None,
) -> None:
    """The conjunctions of one saved run."""
    as_json = output_format(fmt, as_json, allowed=("table", "json")) == "json"
    from orbitwatch.api import Store
    from orbitwatch.store.screening_runs import get_run, load_conjunctions, pc_of_run

    with Store.open(db, create=False) as store:
        run = get_run(store, run_id)
        conj = load_conjunctions(store, run_id)
        fields = store.object_fields({c.norad_1 for c in conj} | {c.norad_2 for c in conj})
    pcs = pc_of_run(run)
    rows = [c.to_dict() for c in conj]
    add_object_fields(rows, fields)
    if pcs:
        for c, r in zip(conj, rows, strict=True):
            value = pcs.get((c.norad_1, c.norad_2, int(c.tca.astype(np.int64))))
            r["pc"] = None if value is None or not np.isfinite(value) else value
    if sort == "pc" and not pcs:
        raise InputError(f"run {run_id} was screened without --pc", code="INPUT_INVALID", field="sort")
    rows = order_rows(rows, sort)[:top]
    if as_json:
        print_json({"run": {k: v for k, v in run.items() if k != "params"}, "conjunctions": rows})
        return
    columns = [c for c in report_columns(with_pc=bool(pcs), summary=False, with_owner=True)
               if c[0] not in ("stale_1", "stale_2", "hbr_m", "hbr_source")]
    print_report(report_table(rows, columns, f"screening run {run_id}: {run['conjunctions']} conjunction(s) "
                                              f"within {run['threshold_km']:g} km, {run['start_utc'][:19]} .. "
                                              f"{run['end_utc'][:19]}"))


@runs_app.command("diff")
@handle_errors
def runs_diff(
    ids: Annotated[list[int], typer.Argument(help="ID2 (against the run before it) or ID1 ID2.")],
    db: RunDb = None,
    fmt: TableJsonFormatOption = None,
    as_json: RunJson = False,
    all_changes: Annotated[bool, typer.Option("--all", help="Also list unchanged and past encounters.")] = False,
) -> None:
    """What is new, gone, closer or riskier in a run than in an earlier one (default: the previous)."""
    as_json = output_format(fmt, as_json, allowed=("table", "json")) == "json"
    from orbitwatch.api import Store
    from orbitwatch.store.screening_runs import diff_runs, previous_run_id

    if len(ids) not in (1, 2):
        raise InputError("give one run id (compared with the run before it) or two", code="INPUT_INVALID",
                         field="ids")
    with Store.open(db, create=False) as store:
        before, after = (previous_run_id(store, ids[0]), ids[0]) if len(ids) == 1 else (ids[0], ids[1])
        diff = diff_runs(store, before, after)
    if as_json:
        print_json(diff.to_dict())
        return
    counts = diff.counts
    line = f"run {after} against run {before}: " + ", ".join(f"{v} {k}" for k, v in counts.items())
    console.print(safe_text(line), highlight=False)
    shown = [i for i in diff.items if all_changes or i["change"] not in ("unchanged", "past")]
    table = Table(title=f"changes from run {before} to run {after}")
    for heading in ("change", "NORAD 1", "name 1", "NORAD 2", "name 2", "TCA (UTC)", "range km", "was km",
                    "Pc", "was Pc"):
        table.add_column(heading, justify="left" if heading in ("change", "name 1", "name 2", "TCA (UTC)")
                         else "right")
    rank = {"riskier": 0, "new": 1, "closer": 2, "gone": 3, "unchanged": 4, "past": 5}
    for i in sorted(shown, key=lambda i: (rank[i["change"]], (i["after"] or i["before"])["miss_distance_km"])):
        now, was = i["after"], i["before"]
        ref = now or was
        table.add_row(
            i["change"], str(i["norad_1"]), safe_text(ref["name_1"] or ""), str(i["norad_2"]),
            safe_text(ref["name_2"] or ""), _cell("tca_utc", ref["tca_utc"]),
            "-" if now is None else f"{now['miss_distance_km']:.3f}",
            "-" if was is None else f"{was['miss_distance_km']:.3f}",
            "-" if now is None else format_pc(now.get("pc")), "-" if was is None else format_pc(was.get("pc")),
        )
    console.print(table)
