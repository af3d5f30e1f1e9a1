"""``orbitwatch watch``: the watch cycle (issue 14), a thin shell over :mod:`orbitwatch.watch`.

    orbitwatch watch --db DB [--config FILE] [--once] [--drop-dir DIR]
        [--replay FILE... --replay-step-h H [--replay-start ISO]] [--interval-s S] [--json]

* ``--replay FILE...``: the files' element sets in epoch order as successive batches (all
  sets with epoch <= t, t advancing by ``--replay-step-h`` hours from ``--replay-start``;
  ``--replay-step-h 0``: one batch per file), each cycle at its replayed time; returns when
  the replay is done.  Cycles already in the store are skipped (a killed replay resumes).
* ``--drop-dir DIR`` (or ``[sources] drop_dir``): every new file of the folder is a batch;
  with ``--once`` one pass, else a pass every ``--interval-s`` seconds until interrupted.

Each cycle prints one line (``--json``: one strict-JSON object per cycle, one per line:
``{batch, t_utc, skipped, events: {created, updated, unchanged, deliveries_queued},
deliveries_sent, stats}``).  Alerts of a cycle are delivered, or queued for retry in the
store, before the next cycle starts.

Registration (in ``orbitwatch.cli``): ``app.command("watch")(watch_command)``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from orbitwatch.api import InputError, now_utc
from orbitwatch.cli._app import console, err_console, handle_errors, safe_text, strict_json_value
from orbitwatch.cli._common import DbOption

__all__ = ["watch_app", "watch_command"]


def _emit(result: object, as_json: bool) -> None:
    from orbitwatch.watch import CycleResult

    assert isinstance(result, CycleResult)
    data = result.to_dict()
    if as_json:
        # One object per line (a stream of cycles), strict JSON.
        typer.echo(json.dumps(strict_json_value(data), allow_nan=False, default=str, separators=(",", ":")))
        return
    if result.skipped:
        console.print(f"{safe_text(data['t_utc'])}  {safe_text(result.batch_key)}: done before, skipped",
                      highlight=False)
        return
    ev = data["events"] or {}
    console.print(
        f"{safe_text(data['t_utc'])}  {safe_text(result.batch_key)}: {ev.get('created', 0)} new, "
        f"{ev.get('updated', 0)} updated events; {data['deliveries_sent']} alerts sent",
        highlight=False,
    )


@handle_errors
def watch_command(
    *,
    db: DbOption = None,
    config: Annotated[Path | None, typer.Option("--config", help="TOML configuration (docs/watch.md).")] = None,
    once: Annotated[bool, typer.Option("--once", help="One pass over the drop folder, then exit.")] = False,
    drop_dir: Annotated[Path | None, typer.Option("--drop-dir", help="Folder whose new files are ingested.")] = None,
    replay: Annotated[
        list[Path] | None, typer.Option("--replay", help="History file to replay as batches; repeat for several.")
    ] = None,
    replay_step_h: Annotated[
        float | None, typer.Option("--replay-step-h", help="Hours between replayed batches (0: one per file).")
    ] = None,
    replay_start: Annotated[
        str | None, typer.Option("--replay-start", help="First replayed time (ISO 8601 UTC).")
    ] = None,
    interval_s: Annotated[float, typer.Option("--interval-s", help="Seconds between drop-folder passes.")] = 60.0,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per cycle on stdout.")] = False,
) -> None:
    """Run the watch: ingest each new batch, run every monitor, store the events, send the alerts."""
    from orbitwatch import watch
    from orbitwatch.api import Store, as_utc

    cfg = watch.load_config(config)
    if replay and drop_dir is not None:
        raise InputError("give either --replay or --drop-dir, not both", code="INPUT_INVALID", field="replay")
    if replay_step_h is not None and not replay:
        raise InputError("--replay-step-h needs --replay", code="INPUT_INVALID", field="replay_step_h")
    if not interval_s > 0:
        raise InputError(f"--interval-s must be > 0, not {interval_s}", code="INPUT_INVALID", field="interval_s")
    start = None if replay_start is None else as_utc(replay_start, what="--replay-start")
    with Store.open(db) as store:
        if replay:
            for result in watch.replay(store, replay, cfg, step_h=replay_step_h, start=start):
                _emit(result, as_json)
            return
        folder = drop_dir if drop_dir is not None else (Path(cfg.sources.drop_dir) if cfg.sources.drop_dir else None)
        if folder is None:
            raise InputError("no source: give --drop-dir DIR, --replay FILE or [sources] drop_dir in the config",
                             code="INPUT_MISSING", field="drop_dir")
        while True:
            for result in watch.drop_once(store, folder, cfg, now=now_utc()):
                _emit(result, as_json)
            if once:
                return
            try:
                time.sleep(interval_s)
            except KeyboardInterrupt:  # pragma: no cover - interactive
                err_console.print("stopped")
                return


#: A one-command app (for running the watch without the full CLI, e.g. in tests).
watch_app = typer.Typer(add_completion=False)
watch_app.command("watch")(watch_command)
