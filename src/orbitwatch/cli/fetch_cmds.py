"""``orbitwatch fetch celestrak|spacetrack``: download current element sets into the store.

Thin shell: one source call (:mod:`orbitwatch.sources`), one store ingest.  Offline,
or on any non-200 answer, it prints one line, exits non-zero and stores nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orbitwatch.cli._app import app, console, handle_errors, print_json
from orbitwatch.sources.celestrak import CELESTRAK_BASE_URL, fetch_celestrak_group
from orbitwatch.sources.http import Fetched
from orbitwatch.sources.spacetrack import SPACETRACK_BASE_URL, fetch_spacetrack_gp
from orbitwatch.times import now_utc

fetch_app = typer.Typer(help="Download current element sets from CelesTrak or Space-Track into the store.",
                        no_args_is_help=True)
app.add_typer(fetch_app, name="fetch")

DbOpt = Annotated[Path | None, typer.Option("--db", help="Store path (default: the user data dir).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the ingest report as JSON.")]


def _ingest(fetched: Fetched, db: Path | None, as_json: bool) -> None:
    from orbitwatch.store import Store

    with Store.open(db) as store:
        report = store.ingest([(fetched.url, iter(fetched.text.splitlines()))], now=now_utc())
    data = report.to_dict()
    data["url"] = fetched.url
    data["from_cache"] = fetched.from_cache
    if as_json:
        print_json(data)
        return
    cached = f" (cached copy, {fetched.age_s / 60:.0f} min old)" if fetched.from_cache else ""
    console.print(
        f"{fetched.url}{cached}: read {report.element_sets_read:,} element sets, stored {report.stored:,} new, "
        f"{report.duplicates:,} already stored, {report.objects:,} objects"
    )


@fetch_app.command("celestrak")
@handle_errors
def fetch_celestrak(
    group: Annotated[str, typer.Option("--group", help="CelesTrak GP group, e.g. stations, active, geo.")],
    db: DbOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="Download format: 3le, tle, csv, json, xml, kvn.")] = "3le",
    max_age_h: Annotated[float, typer.Option("--max-age-h", help="Reuse a cached download this young.")] = 2.0,
    base_url: Annotated[str, typer.Option("--base-url", hidden=True)] = CELESTRAK_BASE_URL,
    as_json: JsonOpt = False,
) -> None:
    """Fetch one CelesTrak GP group (cached for 2 h, as CelesTrak asks) and ingest it."""
    fetched = fetch_celestrak_group(group, fmt=fmt, max_age_s=max_age_h * 3600.0, base_url=base_url)
    _ingest(fetched, db, as_json)


@fetch_app.command("spacetrack")
@handle_errors
def fetch_spacetrack(
    norad: Annotated[list[int] | None, typer.Option("--norad", help="Objects to fetch (default: all on orbit).")]
    = None,
    db: DbOpt = None,
    max_age_h: Annotated[float, typer.Option("--max-age-h", help="Reuse a cached download this young.")] = 1.0,
    base_url: Annotated[str, typer.Option("--base-url", hidden=True)] = SPACETRACK_BASE_URL,
    as_json: JsonOpt = False,
) -> None:
    """Fetch the latest GP element sets from Space-Track (credentials from SPACETRACK_IDENTITY /
    SPACETRACK_PASSWORD) and ingest them."""
    fetched = fetch_spacetrack_gp(norad, fmt="json", max_age_s=max_age_h * 3600.0, base_url=base_url)
    _ingest(fetched, db, as_json)
