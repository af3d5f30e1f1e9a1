"""Screening on a Dask cluster: the same conjunctions as :func:`~.screen.screen`, over many processes or hosts.

:func:`screen_on_cluster` cuts the window ``[start, end]`` into ``partitions`` time
partitions on whole hours from ``start``, runs :func:`~.screen.screen` on each
partition as one ``dask.distributed`` task, and merges the results.

Why the merge is complete and independent of the partitioning.  ``screen`` reports
every SGP4 range minimum within the threshold whose TCA lies in its window (its
completeness guarantee, docs/screening.md), excluding minima whose true TCA lies
outside; its knots are padded beyond the window so that minima near the edges are
found from either side.  Partition ``k`` *owns* the TCAs in ``[a_k, a_{k+1})`` (the last
one also its end), so every minimum of the whole window is kept by exactly one
partition; a minimum found by two neighbours within 1 s of the boundary (Newton from
both sides converging to the same root) is kept once, the same rule ``screen`` applies
between its own sub-windows.  Partition boundaries are whole hours after ``start``, so
the sub-steps (120 s) and knots (600 s) of every partition lie on the serial run's grid.
Results are sorted as ``screen`` sorts them (TCA, then catalog numbers); failures are
merged per object (earliest first failure).  The tests compare the merged result with
the serial one for several partition counts.

Data movement: the element table is scattered to every worker once (a few MB for the
full catalog); each task computes its own knots and returns only its records, so knots
are never shipped.  Memory per worker is bounded by ``screen``'s own sub-window budget.
Tasks are hours of screening, far above Dask's ~1 ms per-task overhead.

``cluster`` is ``"local"`` (a :class:`distributed.LocalCluster` with one single-threaded
worker process per core), ``"local:N"`` (N workers) or the address of a running
scheduler (``"tcp://host:8786"``: ``dask scheduler`` and ``dask worker`` on each host,
or dask-jobqueue / dask-kubernetes; README gives a two-host recipe).
"""

from __future__ import annotations

import contextlib
import itertools
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from orbitwatch.catalog.model import ElementTable
from orbitwatch.errors import InputError
from orbitwatch.screening.exclusions import Exclusions
from orbitwatch.screening.screen import Conjunction, PropagationFailure, ScreeningResult, screen
from orbitwatch.times import as_utc

__all__ = ["ClusterSpec", "dask_client", "parse_cluster", "screen_on_cluster", "time_partitions"]

_HOUR_US = 3_600_000_000
_SAME_MINIMUM_S = 1.0


@dataclass(frozen=True, slots=True)
class ClusterSpec:
    """Where to run: a local cluster of ``workers`` processes, or a scheduler ``address``."""

    workers: int | None = None
    address: str | None = None

    @property
    def label(self) -> str:
        return self.address if self.address else f"local:{self.workers}"


def parse_cluster(spec: str) -> ClusterSpec:
    """``local``, ``local:N`` or ``tcp://HOST:PORT`` (also ``tls://``) to a :class:`ClusterSpec`."""
    text = spec.strip()
    if text == "local":
        return ClusterSpec(workers=max(1, os.cpu_count() or 1))
    if text.startswith("local:"):
        n = text.split(":", 1)[1]
        if not (n.isascii() and n.isdigit() and 1 <= int(n) <= 1024):
            raise InputError(f"--cluster local:N needs N from 1 to 1024, not {n!r}", code="INPUT_INVALID",
                             field="cluster")
        return ClusterSpec(workers=int(n))
    if text.startswith(("tcp://", "tls://")) and ":" in text.split("://", 1)[1]:
        return ClusterSpec(address=text)
    raise InputError(f"--cluster must be local, local:N or tcp://HOST:PORT, not {spec!r}", code="INPUT_INVALID",
                     field="cluster")


@contextlib.contextmanager
def dask_client(spec: ClusterSpec) -> Iterator[Any]:
    """A ``distributed.Client`` for ``spec``; a local cluster is started and stopped here."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - distributed is a dependency
        raise InputError("--cluster needs the 'distributed' package", code="INPUT_INVALID", field="cluster") from None
    if spec.address is not None:
        try:
            client = Client(spec.address, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise InputError(f"cannot reach the Dask scheduler at {spec.address}: {exc}", code="INPUT_INVALID",
                             field="cluster") from None
        with client:
            yield client
        return
    with (
        LocalCluster(n_workers=spec.workers, threads_per_worker=1, processes=True, dashboard_address=None,
                     silence_logs=50) as cluster,
        Client(cluster) as client,
    ):
        yield client


def time_partitions(
    start: np.datetime64, end: np.datetime64, partitions: int
) -> list[tuple[np.datetime64, np.datetime64]]:
    """``partitions`` consecutive windows covering ``[start, end]``, cut on whole hours after ``start``.

    Fewer are returned when the window has fewer whole hours than ``partitions``.
    """
    t0, t1 = as_utc(start), as_utc(end)
    span_us = int((t1 - t0).astype(np.int64))
    hours = max(1, math.ceil(span_us / _HOUR_US))
    k = max(1, min(int(partitions), hours))
    cuts = [t0 + np.timedelta64(round(hours * q / k) * _HOUR_US, "us") for q in range(1, k)]
    edges = [t0, *[c for c in cuts if c < t1], t1]
    return list(itertools.pairwise(edges))


def _screen_part(elements: ElementTable, a: np.datetime64, b: np.datetime64, threshold_km: float,
                 kwargs: dict[str, Any]) -> ScreeningResult:
    """One task: ``screen`` on one partition, single-process inside the worker."""
    import numba

    numba.set_num_threads(max(1, int(kwargs.pop("_numba_threads", 1))))
    return screen(elements, a, b, threshold_km, sgp4_workers=1, **kwargs)


def _merge(parts: Sequence[tuple[np.datetime64, np.datetime64]], results: Sequence[ScreeningResult],
           start: np.datetime64, end: np.datetime64, threshold_km: float) -> ScreeningResult:
    last = len(parts) - 1
    kept: list[Conjunction] = []
    excluded: list[Conjunction] = []
    reasons: list[str] = []
    for k, ((a, b), res) in enumerate(zip(parts, results, strict=True)):
        kept.extend(c for c in res.conjunctions if a <= c.tca and (c.tca < b or k == last))
        for c, why in zip(res.excluded.conjunctions, res.excluded.reasons, strict=True):
            if a <= c.tca and (c.tca < b or k == last):
                excluded.append(c)
                reasons.append(why)
    kept.sort(key=lambda c: (c.tca, c.norad_1, c.norad_2))
    out: list[Conjunction] = []
    last_seen: dict[tuple[int, int], np.datetime64] = {}
    for c in kept:
        key = (c.norad_1, c.norad_2)
        prev = last_seen.get(key)
        if prev is not None and float((c.tca - prev).astype(np.int64)) / 1e6 < _SAME_MINIMUM_S:
            continue
        last_seen[key] = c.tca
        out.append(c)
    first: dict[int, PropagationFailure] = {}
    for res in results:
        for f in res.failures:
            if f.norad not in first or f.first_failure < first[f.norad].first_failure:
                first[f.norad] = f
    failures = sorted(first.values(), key=lambda f: (f.first_failure, f.norad))
    stats: dict[str, Any] = {"partitions": len(parts), "conjunctions": len(out)}
    for name in ("pairs_grid", "pairs_model", "pairs_refined", "sgp4_calls"):
        stats[name] = sum(int(r.stats.get(name, 0)) for r in results)
    stats["objects"] = max(int(r.stats.get("objects", 0)) for r in results)
    min_speed = results[0].excluded.min_speed_km_s if results else 0.0
    return ScreeningResult(conjunctions=out, failures=failures, start=start, end=end, threshold_km=threshold_km,
                           stats=stats,
                           excluded=Exclusions(conjunctions=excluded, reasons=reasons, min_speed_km_s=min_speed))


def screen_on_cluster(
    elements: ElementTable,
    start: Any,
    end: Any,
    threshold_km: float,
    *,
    cluster: str | ClusterSpec,
    partitions: int | None = None,
    client: Any = None,
    **screen_kwargs: Any,
) -> ScreeningResult:
    """:func:`~.screen.screen` run as time partitions on a Dask cluster; the same result.

    ``cluster``: see the module docstring (ignored when an open ``client`` is given).
    ``partitions``: how many time partitions (default: two per worker, at most one per
    hour of window).  Other keyword arguments go to ``screen`` unchanged, except
    ``sgp4_workers`` and ``progress``, which do not apply inside a worker.
    """
    t0, t1 = as_utc(start, what="start"), as_utc(end, what="end")
    if t1 <= t0:
        raise InputError("the window has zero or negative length", code="INPUT_WINDOW", field="end")
    if len(elements) == 0:
        raise InputError("the catalog holds no element sets", code="INPUT_EMPTY_CATALOG")
    screen_kwargs.pop("sgp4_workers", None)
    screen_kwargs.pop("progress", None)
    spec = cluster if isinstance(cluster, ClusterSpec) else parse_cluster(cluster)
    with contextlib.ExitStack() as stack:
        if client is None:
            client = stack.enter_context(dask_client(spec))
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or (spec.workers or 1))
        k = 2 * n_workers if partitions is None else int(partitions)
        if k < 1:
            raise InputError(f"partitions must be >= 1, not {partitions}", code="INPUT_INVALID", field="partitions")
        parts = time_partitions(t0, t1, k)
        # hash=False: a key of its own per call.  With the default content hash, a second
        # call on the same client and table reuses the key that the first call's future is
        # releasing, and the scheduler may forget the data under the new tasks ("lost
        # dependencies", or tasks that wait for ever): seen with the test's three calls.
        table = client.scatter(elements, broadcast=True, hash=False)
        futures = [client.submit(_screen_part, table, a, b, threshold_km, dict(screen_kwargs), pure=False)
                   for a, b in parts]
        try:
            results = client.gather(futures)
        finally:
            client.cancel([*futures, table])
    merged = _merge(parts, results, t0, t1, float(threshold_km))
    merged.stats["cluster"] = spec.label if client is None or spec.address else f"local:{n_workers}"
    return merged
