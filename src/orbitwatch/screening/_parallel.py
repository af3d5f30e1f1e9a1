"""Process parallelism for the SGP4-bound stages of screening (the ``sgp4`` package holds the GIL).

:func:`fork_map` applies a module-level function to chunks of work in forked worker
processes, which inherit a context (the ``Satrec`` objects, which cannot be shipped
cheaply) instead of receiving it through a pipe.  Results come back in chunk order, so a
caller that splits independent work and concatenates the results gets exactly what one
serial call would give.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["default_workers", "fork_map"]

C = TypeVar("C")
R = TypeVar("R")

_CTX: Any = None


def default_workers() -> int:
    """One worker process per CPU, at most 4."""
    return min(4, os.cpu_count() or 1)


def _call(args: tuple[Callable[[Any, Any], Any], Any]) -> Any:
    fn, chunk = args
    return fn(_CTX, chunk)


def fork_map(fn: Callable[[Any, C], R], ctx: Any, chunks: Sequence[C], workers: int) -> list[R]:
    """``[fn(ctx, c) for c in chunks]``, in ``workers`` forked processes when there are several chunks.

    ``fn`` must be a module-level function (it is pickled by reference); ``ctx`` reaches
    the workers through the fork.  Falls back to this process where ``fork`` is missing.
    """
    global _CTX
    if workers <= 1 or len(chunks) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(ctx, c) for c in chunks]
    _CTX = ctx
    try:
        with multiprocessing.get_context("fork").Pool(min(workers, len(chunks))) as pool:
            return pool.map(_call, [(fn, c) for c in chunks])
    finally:
        _CTX = None
