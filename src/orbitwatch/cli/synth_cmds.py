"""``orbitwatch synth population``: write the deterministic large population for scale tests.

Thin shell over :func:`orbitwatch.population.write_population`: the base catalog files
are read (any catalog format; the set in force at the epoch per object), the population
is written as OMM CSV, and a summary (counts per part and constellation, debris clouds)
is printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orbitwatch.api import InputError, parse_utc
from orbitwatch.cli._app import app, console, handle_errors, print_json, safe_text
from orbitwatch.cli._common import TableJsonFormatOption, output_format

synth_app = typer.Typer(help="Synthetic data for scale tests.", no_args_is_help=True)
app.add_typer(synth_app, name="synth")


@synth_app.command("population")
@handle_errors
def population(
    *,
    objects: Annotated[int, typer.Option("--objects", help="Total number of objects to write.", show_default=False)],
    output: Annotated[Path, typer.Option("--output", help="OMM CSV file to write (.gz compresses).",
                                         show_default=False)],
    seed: Annotated[int, typer.Option("--seed", help="Seed of the debris draws.")] = 0,
    base: Annotated[list[Path] | None, typer.Option(
        "--base", help="Catalog file(s) whose objects come first (e.g. the real 2025-04-15 full catalog).")] = None,
    epoch: Annotated[str, typer.Option(
        "--epoch", help="Epoch of the synthetic objects, ISO 8601 UTC.")] = "2025-04-15T00:00:00Z",
    fmt: TableJsonFormatOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON (= --format json).")] = False,
) -> None:
    """Real catalog + constellation shells from public filings + NASA SBM debris, as OMM CSV (docs/population.md)."""
    from orbitwatch.api import read_catalog_files
    from orbitwatch.population import write_population

    as_json = output_format(fmt, as_json, allowed=("table", "json")) == "json"
    t0 = parse_utc(epoch, what="--epoch")
    if output.exists() and output.is_dir():
        raise InputError(f"--output {output} is a directory", code="INPUT_FILE", field="output")
    sets = []
    if base:
        table, _ = read_catalog_files(list(base), at=t0)
        sets = [table.element_set(i) for i in range(len(table))]
    summary = write_population(output, objects, seed=seed, epoch=t0, base=sets)
    if as_json:
        print_json(summary.to_dict())
        return
    console.print(f"wrote {summary.objects:,} objects to {safe_text(output)}", highlight=False)
    console.print(f"  base catalog: {summary.base:,}", markup=False, highlight=False)
    for name, n in summary.shells.items():
        console.print(f"  {safe_text(name)}: {n:,}", highlight=False)
    console.print(f"  debris: {summary.debris:,} in {len(summary.debris_clouds)} SBM clouds",
                  markup=False, highlight=False)
