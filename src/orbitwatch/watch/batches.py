"""Where a watch's batches come from: a drop folder, or a replayed history.

**Drop folder** (:func:`drop_dir_batches`): every regular file of the folder (names not
starting with ``.`` and not ending ``.part``/``.tmp``, so a writer can move a finished
file in atomically), in name order, is one batch keyed by its name and the SHA-256 of its
bytes: a file already processed is skipped, a file replaced with new content is a new
batch.  Any format ``orbitwatch ingest`` reads (TLE/3LE, OMM KVN/XML/JSON/CSV, SATCAT,
UCS), plain or gzip.

**Replay** (:func:`replay_batches`): the element sets of history files, in epoch order,
as the watch would have seen them live.  With ``step_h > 0`` the batches are all sets
with epoch <= t for t = t0, t0 + H, t0 + 2H, ... (each batch holds the sets new since the
previous t; times whose batch would be empty are skipped), t0 being ``start`` (default
the earliest epoch plus one step).  The first batch is the baseline, so give ``start`` at
the time the history's snapshots begin: before it, objects appear one by one as their
first epochs pass, which a live watch would not have seen.  With ``step_h == 0`` each
file is one batch (a catalog snapshot, e.g. two full catalogs years apart), in the order
given, at the time of its newest epoch.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from orbitwatch.api import ElementSet, InputError, as_utc, format_utc, read_element_sets
from orbitwatch.catalog.model import Reject
from orbitwatch.sources.files import open_lines
from orbitwatch.times import UTC_DTYPE
from orbitwatch.watch.cycle import Batch

__all__ = ["drop_dir_batches", "read_history", "replay_batches"]

_US_HOUR = 3_600_000_000
_SKIP_SUFFIXES = (".part", ".tmp")


def _iso(t: np.datetime64) -> str:
    return str(format_utc(t, digits=3))


def drop_dir_batches(directory: str | Path, *, now: np.datetime64) -> Iterator[Batch]:
    """One batch per file of ``directory`` (see the module docstring), at time ``now``."""
    d = Path(directory)
    if not d.is_dir():
        raise InputError(f"drop folder {d} is not a directory", code="INPUT_FILE", source=str(d))
    for path in sorted(p for p in d.iterdir() if p.is_file() and not p.name.startswith(".")
                       and not p.name.endswith(_SKIP_SUFFIXES)):
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}", code="INPUT_FILE",
                             source=str(path)) from None
        sha = hashlib.sha256(raw).hexdigest()
        if raw[:2] == b"\x1f\x8b":
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError) as exc:
                raise InputError(f"{path} is a damaged gzip file: {exc}", code="INPUT_FILE",
                                 source=str(path)) from None
        lines = tuple(io.StringIO(raw.decode("utf-8-sig", errors="replace")))
        yield Batch(key=f"drop:{path.name}:{sha[:32]}", t=as_utc(now), inputs=((path.name, lines),),
                    source=path.name)


def read_history(paths: Sequence[str | Path]) -> tuple[list[list[ElementSet]], list[Reject]]:
    """The element sets of each file (lenient: bad records are returned as rejects)."""
    out: list[list[ElementSet]] = []
    rejects: list[Reject] = []
    for path in paths:
        with open_lines(path) as lines:
            out.append(list(read_element_sets(lines, source=str(path), lenient=True, rejects=rejects)))
    return out, rejects


def replay_batches(
    paths: Sequence[str | Path], *, step_h: float, start: Any = None, stats: dict[str, Any] | None = None
) -> list[Batch]:
    """The batches of a replay of ``paths`` (module docstring); ``stats`` receives counts."""
    if not paths:
        raise InputError("nothing to replay: give one or more history files", code="INPUT_MISSING",
                         field="replay")
    if not (math.isfinite(step_h) and step_h >= 0):
        raise InputError(f"replay step {step_h!r} h must be >= 0", code="INPUT_INVALID", field="replay_step_h")
    per_file, rejects = read_history(paths)
    names = ",".join(Path(p).name for p in paths)
    if stats is not None:
        stats.update({"files": len(paths), "element_sets": sum(map(len, per_file)), "rejected": len(rejects)})
    if step_h == 0:
        batches = []
        for path, sets in zip(paths, per_file, strict=True):
            if not sets:
                continue
            t = max(s.epoch for s in sets).astype(UTC_DTYPE)
            batches.append(Batch(key=f"replay:{Path(path).name}:{_iso(t)}", t=t, element_sets=tuple(sets),
                                 source=f"replay {Path(path).name} @ {_iso(t)}"))
        return batches
    sets = sorted((s for f in per_file for s in f), key=lambda s: (int(s.epoch.astype(UTC_DTYPE).astype(np.int64)),
                                                                   s.norad_id))
    if not sets:
        raise InputError(f"no element sets in {names}", code="INPUT_EMPTY")
    epochs = np.array([s.epoch for s in sets], dtype=UTC_DTYPE).astype(np.int64)
    step_us = round(step_h * _US_HOUR)
    t0 = int(as_utc(start, what="replay start").astype(np.int64)) if start is not None else int(epochs[0]) + step_us
    last = int(epochs[-1])
    batches = []
    lo = 0
    k = 0
    while True:
        t_us = t0 + k * step_us
        hi = int(np.searchsorted(epochs, t_us, side="right"))
        if hi > lo:
            tt = np.datetime64(t_us, "us")
            batches.append(Batch(key=f"replay:{names}:{step_h:g}h:{_iso(tt)}", t=tt,
                                 element_sets=tuple(sets[lo:hi]), source=f"replay {names} @ {_iso(tt)}"))
            lo = hi
        if t_us >= last:
            break
        # the next time that brings a set (empty steps skipped without iterating them)
        k = max(k + 1, -(-(int(epochs[lo]) - t0) // step_us))
    return batches
