"""``orbitwatch fetch celestrak|spacetrack``: download current element sets into the store.

Thin shell: one source call (:mod:`orbitwatch.sources`), one store ingest.  The store
is ``--db``, else ``ORBITWATCH_DB``, else the default store, like every other command.
The download is bounded (``--deadline-s`` for the whole fetch, ``--max-mb`` for the body),
validated before it is cached, and ingested in one strict transaction streamed from
the validated file.  Offline, on any non-200 answer or on any bad content it prints one
coded line, exits 6 (source) or 3 (input) and stores nothing.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from orbitwatch.api import InputError, fetch_celestrak_group, fetch_spacetrack_gp, now_utc
from orbitwatch.cli._app import app, console, handle_errors, print_json, safe_text
from orbitwatch.cli._common import NORAD_METAVAR, DbOption, norad_ids
from orbitwatch.sources.celestrak import CELESTRAK_BASE_URL
from orbitwatch.sources.celestrak import FORMATS as CELESTRAK_FORMATS
from orbitwatch.sources.http import DEFAULT_DEADLINE_S, MAX_BODY_BYTES, Deadline, Fetched, HttpClient
from orbitwatch.sources.spacetrack import MIN_INTERVAL_S, SPACETRACK_BASE_URL

fetch_app = typer.Typer(help="Download current element sets from CelesTrak or Space-Track into the store.",
                        no_args_is_help=True)
app.add_typer(fetch_app, name="fetch")

MAX_BODY_MB = float(MAX_BODY_BYTES >> 20)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the ingest report as JSON.")]
DeadlineOpt = Annotated[float, typer.Option(
    "--deadline-s", help="Give up the whole download (login, redirects and retries included) after this many "
                         "seconds.")]
MaxMbOpt = Annotated[float, typer.Option(
    "--max-mb", help="Refuse a download larger than this many MiB (nothing is cached or stored).")]


def _deadline(deadline_s: float) -> Deadline:
    if not (math.isfinite(deadline_s) and deadline_s > 0):
        raise InputError(f"--deadline-s must be a positive number of seconds, not {deadline_s}",
                         code="INPUT_INVALID", field="deadline-s")
    return Deadline(deadline_s)


def _max_bytes(max_mb: float) -> int:
    if not (math.isfinite(max_mb) and max_mb > 0):
        raise InputError(f"--max-mb must be a positive size in MiB, not {max_mb}", code="INPUT_INVALID",
                         field="max-mb")
    return int(max_mb * (1 << 20))


def _max_age_s(max_age_h: float) -> float:
    if not (math.isfinite(max_age_h) and max_age_h >= 0):
        raise InputError(f"--max-age-h must be zero or a positive number of hours, not {max_age_h}",
                         code="INPUT_INVALID", field="max-age-h")
    return max_age_h * 3600.0


def _ingest(fetched: Fetched, db: Path | None, as_json: bool) -> None:
    from orbitwatch.api import Store

    with Store.open(db) as store:
        report = store.ingest([(fetched.url, fetched.lines())], now=now_utc())
    data = report.to_dict()
    data["url"] = fetched.url
    data["from_cache"] = fetched.from_cache
    if as_json:
        print_json(data)
        return
    cached = f" (cached copy, {fetched.age_s / 60:.0f} min old)" if fetched.from_cache else ""
    console.print(
        f"{safe_text(fetched.url)}{cached}: read {report.element_sets_read:,} element sets, stored "
        f"{report.stored:,} new, {report.duplicates:,} already stored, {report.objects:,} objects",
        highlight=False,
    )


@fetch_app.command("celestrak")
@handle_errors
def fetch_celestrak(
    *,
    group: Annotated[str, typer.Option("--group", help="CelesTrak GP group, e.g. stations, active, geo.")],
    db: DbOption = None,
    fmt: Annotated[str, typer.Option(
        "--format", help="Download format: " + ", ".join(CELESTRAK_FORMATS) + ".")] = "3le",
    max_age_h: Annotated[float, typer.Option("--max-age-h", help="Reuse a cached download this young.")] = 2.0,
    deadline_s: DeadlineOpt = DEFAULT_DEADLINE_S,
    max_mb: MaxMbOpt = MAX_BODY_MB,
    base_url: Annotated[str, typer.Option("--base-url", hidden=True)] = CELESTRAK_BASE_URL,
    as_json: JsonOpt = False,
) -> None:
    """Fetch one CelesTrak GP group (cached for 2 h, as CelesTrak asks) and ingest it."""
    deadline = _deadline(deadline_s)
    client = HttpClient(deadline_s=deadline_s, max_bytes=_max_bytes(max_mb))
    fetched = fetch_celestrak_group(group, fmt=fmt, client=client, max_age_s=_max_age_s(max_age_h),
                                    base_url=base_url, deadline=deadline)
    _ingest(fetched, db, as_json)


@fetch_app.command("spacetrack")
@handle_errors
def fetch_spacetrack(
    *,
    norad: Annotated[list[str] | None, typer.Option(
        "--norad", metavar=NORAD_METAVAR, help="Objects to fetch: repeat or comma-separate (default: all on orbit).")]
    = None,
    db: DbOption = None,
    max_age_h: Annotated[float, typer.Option("--max-age-h", help="Reuse a cached download this young.")] = 1.0,
    deadline_s: DeadlineOpt = DEFAULT_DEADLINE_S,
    max_mb: MaxMbOpt = MAX_BODY_MB,
    base_url: Annotated[str, typer.Option("--base-url", hidden=True)] = SPACETRACK_BASE_URL,
    as_json: JsonOpt = False,
) -> None:
    """Fetch the latest GP element sets from Space-Track (credentials from SPACETRACK_IDENTITY /
    SPACETRACK_PASSWORD) and ingest them."""
    deadline = _deadline(deadline_s)
    client = HttpClient(deadline_s=deadline_s, max_bytes=_max_bytes(max_mb), min_interval_s=MIN_INTERVAL_S)
    fetched = fetch_spacetrack_gp(norad_ids(norad) or None, fmt="json", client=client, max_age_s=_max_age_s(max_age_h),
                                  base_url=base_url, deadline=deadline)
    _ingest(fetched, db, as_json)
