"""The service's background work: ``serve --watch`` (the watch cycle on its drop folder
every ``watch_interval_s``, :func:`orbitwatch.watch.drop_once`, and the alert queue every
``deliver_interval_s``, :func:`orbitwatch.watch.alerts.deliver_due`), each in its own
thread with its own store connection; the screening jobs run in a third (one at a time).

A cycle or delivery pass that raises is logged and tried again at the next tick; a
stop request ends the loops between passes (a cycle is one transaction, so stopping never
leaves half of one in the store).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from orbitwatch.api import InputError, Store, now_utc
from orbitwatch.server.deps import State

__all__ = ["Background"]

log = logging.getLogger("orbitwatch.server")


class Background:
    """The ``--watch`` threads of one app."""

    def __init__(self, st: State) -> None:
        self.st = st
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []

    def check(self) -> Path:
        folder = self.st.config.watch_config.sources.drop_dir
        if not folder:
            raise InputError("serve --watch needs [sources] drop_dir in the --config file", code="INPUT_MISSING",
                             field="drop_dir")
        return Path(folder)

    def start(self) -> None:
        folder = self.check()
        self._spawn("orbitwatch-watch", self.st.config.watch_interval_s, lambda s: self._cycle(s, folder))
        self._spawn("orbitwatch-deliver", self.st.config.deliver_interval_s, self._deliver)

    def _spawn(self, name: str, every_s: float, work: Callable[[Store], None]) -> None:
        def loop() -> None:
            store = Store.open(self.st.db_path, create=False)
            try:
                while not self.stop.is_set():
                    try:
                        work(store)
                    except Exception:
                        log.exception("%s: pass failed; trying again in %g s", name, every_s)
                    self.stop.wait(every_s)
            finally:
                store.close()

        t = threading.Thread(target=loop, name=name, daemon=True)
        t.start()
        self.threads.append(t)

    def _cycle(self, store: Store, folder: Path) -> None:
        from orbitwatch.watch import drop_once

        m = self.st.metrics
        t0 = time.perf_counter()
        for result in drop_once(store, folder, self.st.config.watch_config, now=now_utc()):
            m.inc("orbitwatch_watch_cycles_total", (("skipped", str(result.skipped).lower()),))
            if result.upsert is not None:
                m.inc("orbitwatch_watch_events_created_total", by=len(result.upsert.created))
                m.inc("orbitwatch_watch_events_updated_total", by=len(result.upsert.updated))
            m.inc("orbitwatch_deliveries_sent_total", by=result.delivered)
            m.observe("orbitwatch_watch_cycle_duration_seconds", time.perf_counter() - t0)
            t0 = time.perf_counter()

    def _deliver(self, store: Store) -> None:
        from orbitwatch.watch.alerts import deliver_due

        sent = deliver_due(store, now=now_utc(), config=self.st.config.watch_config.alerts)
        self.st.metrics.inc("orbitwatch_deliveries_sent_total", by=sent)
        self.st.metrics.inc("orbitwatch_delivery_passes_total")

    def shutdown(self, timeout_s: float = 10.0) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout_s)
