"""``orbitwatch export tle|omm|czml``: element sets from the store, written as TLE or OMM,
and CesiumJS CZML scenes of objects, a stored conjunction or a watch event.

    orbitwatch export tle --db DB [--norad N ...] [--as-of ISO] [--output PATH]
    orbitwatch export omm --db DB [--norad N ...] [--as-of ISO] [--omm-format kvn|xml|json|csv] [--output PATH]
    orbitwatch export czml --db DB (--norad N ... | --conjunction ID | --event ID) [--start ISO --end ISO]
        [--output PATH]

Per object the newest element set, or with ``--as-of`` the set in force at that time
(:func:`orbitwatch.catalog.history.in_force_index`, the rule of every command).  TLE is
written where the catalog number fits one (Alpha-5, up to 339999); the others are
listed on stderr and left out.  OMM is always possible.  Parse -> select ->
:func:`orbitwatch.catalog.export.export_element_sets` -> write.  CZML: the scene
(:mod:`orbitwatch.czml`) from each object's set in force at the scene's key time; each
packet's description holds the object's SATCAT owner and UCS fields from the store.  TLE
and OMM have no owner field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orbitwatch.api import ElementSet, InputError, format_utc, now_utc, parse_utc
from orbitwatch.catalog.export import EXPORT_FORMATS
from orbitwatch.cli._app import app, err_console, handle_errors, safe_text
from orbitwatch.cli._common import NORAD_METAVAR, DbOption, norad_ids

__all__ = ["export_app", "select_element_sets"]

export_app = typer.Typer(help="Write element sets from the store as TLE or CCSDS OMM, or scenes as CZML.",
                         no_args_is_help=True)
app.add_typer(export_app, name="export")

NoradOpt = Annotated[list[str] | None, typer.Option(
    "--norad", metavar=NORAD_METAVAR, help="NORAD id(s): repeat or comma-separate; default: every object.")]
#: the --omm-format values: the library's OMM export formats without their "omm-" prefix
OMM_FORMATS = tuple(f.removeprefix("omm-") for f in EXPORT_FORMATS if f.startswith("omm-"))
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", help="Each object's element set in force at this UTC time (ISO 8601 with a zone), not its newest.")]
OutputOpt = Annotated[Path | None, typer.Option("--output", help="Write here instead of stdout.")]


def select_element_sets(db: Path | None, norad: list[int] | None, as_of: str | None) -> list[ElementSet]:
    """Per object of the store, the newest set or the set in force at ``as_of``."""
    import numpy as np

    from orbitwatch.api import Store, in_force_index

    t = parse_utc(as_of, what="--as-of") if as_of is not None else None
    wanted = list(dict.fromkeys(int(n) for n in norad)) if norad else None
    chosen: dict[int, ElementSet] = {}
    with Store.open(db, create=False) as store:
        for n, sets in store.iter_history(wanted):
            if not sets:
                continue
            if t is None:
                chosen[n] = sets[-1]  # by epoch, ties: the set stored last
            else:
                epochs = np.array([s.epoch for s in sets], dtype="datetime64[us]")
                k = int(in_force_index(epochs, [s.mean_motion_rev_per_day for s in sets], np.array([t]))[0])
                chosen[n] = sets[k]
    if wanted is not None:
        missing = [n for n in wanted if n not in chosen]
        if missing:
            raise InputError(f"unknown NORAD id(s) {', '.join(map(str, missing))}: not in the store",
                             code="INPUT_UNKNOWN_NORAD", record=",".join(map(str, missing)))
        return [chosen[n] for n in wanted]
    return [chosen[n] for n in sorted(chosen)]


def _write(fmt: str, db: Path | None, norad: list[str] | None, as_of: str | None, output: Path | None) -> None:
    from orbitwatch.catalog.export import export_element_sets

    sets = select_element_sets(db, norad_ids(norad) or None, as_of)
    result = export_element_sets(sets, fmt, creation_date=now_utc())
    for n, why in result.skipped:
        err_console.print(f"warning: NORAD {n} left out: {safe_text(why)}", highlight=False, soft_wrap=True)
    if output is None:
        typer.echo(result.text, nl=False)
    else:
        try:
            output.write_text(result.text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {output}: {exc.strerror or exc}", code="INPUT_FILE",
                             source=str(output)) from None
    err_console.print(f"{result.written} element set(s) written"
                      f"{f', {len(result.skipped)} left out' if result.skipped else ''}"
                      f"{f' to {safe_text(output)}' if output else ''}", highlight=False)


@export_app.command("tle")
@handle_errors
def export_tle(db: DbOption = None, norad: NoradOpt = None, as_of: AsOfOpt = None, output: OutputOpt = None) -> None:
    """3LE (name line, line 1, line 2) of each object whose catalog number fits a TLE."""
    _write("tle", db, norad, as_of, output)


@export_app.command("omm")
@handle_errors
def export_omm(
    db: DbOption = None, norad: NoradOpt = None, as_of: AsOfOpt = None, output: OutputOpt = None,
    omm_format: Annotated[str, typer.Option(
        "--omm-format", help=", ".join(OMM_FORMATS) + " (json and csv: CelesTrak GP).")] = "kvn",
) -> None:
    """CCSDS OMM of each object: KVN, XML (one <ndm>), or CelesTrak's GP JSON / CSV."""
    if omm_format not in OMM_FORMATS:
        raise InputError(f"--omm-format must be one of {', '.join(OMM_FORMATS)}, not {omm_format!r}",
                         code="INPUT_FORMAT", field="omm_format")
    _write(f"omm-{omm_format}", db, norad, as_of, output)


@export_app.command("czml")
@handle_errors
def export_czml(
    *,
    db: DbOption = None, norad: NoradOpt = None,
    conjunction: Annotated[str | None, typer.Option(
        "--conjunction", help="A stored conjunction's id (<run>-<norad_1>-<norad_2>-<tca unix us>): its pair.")] = None,
    event: Annotated[str | None, typer.Option("--event", help="A stored watch event's id: its objects.")] = None,
    start: Annotated[str | None, typer.Option(
        "--start", help="Scene start (ISO 8601 UTC); required with --norad, default: before the key time.")] = None,
    end: Annotated[str | None, typer.Option(
        "--end", help="Scene end (ISO 8601 UTC); required with --norad, default: after the key time.")] = None,
    output: OutputOpt = None,
) -> None:
    """A CesiumJS CZML scene (Earth-fixed positions from SGP4, clock on the window)."""
    from orbitwatch.api import Store, czml

    given = [name for name, v in (("--norad", norad), ("--conjunction", conjunction), ("--event", event)) if v]
    if len(given) != 1:
        raise InputError("give exactly one of --norad, --conjunction, --event", code="INPUT_INVALID",
                         field="norad")
    with Store.open(db, create=False) as store:
        if norad:
            if start is None or end is None:
                raise InputError("--norad needs --start and --end", code="INPUT_INVALID", field="start")
            scene = czml.objects_scene(norad_ids(norad), parse_utc(start, what="--start"), parse_utc(end, what="--end"))
        elif conjunction:
            scene = czml.conjunction_scene(store, conjunction, start and parse_utc(start, what="--start"),
                                      end and parse_utc(end, what="--end"))
        else:
            assert event is not None
            scene = czml.event_scene(store, event, start and parse_utc(start, what="--start"),
                                end and parse_utc(end, what="--end"))
        text = czml.scene_czml(store, scene)
    if output is None:
        typer.echo(text)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {output}: {exc.strerror or exc}", code="INPUT_FILE",
                             source=str(output)) from None
        err_console.print(f"CZML scene of {len(scene.norad_ids)} object(s), {format_utc(scene.start)} .. "
                          f"{format_utc(scene.end)}, written to {safe_text(output)}", highlight=False)
