"""Catalog files on disk: open plain or gzip text as a stream of lines, read catalogs.

The parsers take lines, never paths (``orbitwatch.catalog``); this shell module opens
files for them.  Gzip is recognised by its magic bytes (RFC 1952 sec. 2.3.1: ``1f 8b``),
not by the file name.  Text is decoded as UTF-8 with undecodable bytes replaced by
U+FFFD, so a non-ASCII or binary line reaches the parser, which rejects it with a
:class:`~orbitwatch.errors.ParseError` naming source and line (strict) or a
:class:`~orbitwatch.catalog.model.Reject` (lenient) instead of a ``UnicodeDecodeError``.
Files are streamed line by line: a 2 GB file is never read into memory at once.

Errors: a missing, unreadable or corrupt (truncated gzip) file raises
:class:`~orbitwatch.errors.InputError` with code ``INPUT_FILE``.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

import numpy as np

from orbitwatch.catalog.model import MAX_REJECTS_KEPT, ElementSet, ElementTable, Reject, RejectList
from orbitwatch.errors import InputError
from orbitwatch.times import as_utc

__all__ = ["MAX_REJECTS_KEPT", "RejectList", "TextLines", "iter_file_inputs", "open_lines", "read_catalog_files"]

_GZIP_MAGIC = b"\x1f\x8b"

#: Rejects a lenient :func:`read_catalog_files` keeps (every one is counted in ``total``).
_PROGRESS_EVERY = 4096  # lines between progress reports


class TextLines:
    """Iterator over the text lines of one open file (line ends kept), in bounded pieces.

    Lines are read with a bounded ``readline``: a line longer than :attr:`piece_chars`
    (1 MiB) comes as :class:`~orbitwatch.catalog.reader.LinePiece` items followed by its
    last piece, so a 10 GB line with no newline (a gzip bomb) never becomes one string;
    :func:`~orbitwatch.catalog.reader.read_element_sets` joins the pieces of
    line-oriented formats up to its line limit and streams them to the JSON and XML
    decoders.  Memory while reading stays a few MiB whatever the input.

    ``bytes_read`` / ``bytes_total`` count bytes of the file on disk (compressed bytes
    for gzip), for progress bars.
    """

    piece_chars = 1 << 20
    """Most characters handed over at once (a longer line comes in pieces)."""

    def __init__(self, text: IO[str], raw: IO[bytes], source: str, size: int) -> None:
        self._text = text
        self._raw = raw
        self.source = source
        self.bytes_total = size
        self._lines = self._iterate()

    @property
    def bytes_read(self) -> int:
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return 0

    def _iterate(self) -> Iterator[str]:
        from orbitwatch.catalog.reader import LinePiece

        readline, limit = self._text.readline, self.piece_chars
        try:
            while True:
                line = readline(limit)
                if not line:
                    return
                if len(line) == limit and line[-1] != "\n":
                    yield LinePiece(line)
                else:
                    yield line
        except (EOFError, OSError, zlib.error) as exc:
            raise InputError(
                f"cannot read {self.source}: {exc} (truncated or corrupt file?)",
                code="INPUT_FILE",
                source=self.source,
            ) from None

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        return next(self._lines)


def _input_error(path: Path, exc: OSError) -> InputError:
    why = exc.strerror or str(exc)
    return InputError(f"cannot read {path}: {why}", code="INPUT_FILE", source=str(path))


@contextlib.contextmanager
def open_lines(path: str | os.PathLike[str]) -> Iterator[TextLines]:
    """Open a plain or gzip text file; yields an iterator of its lines.

    Raises :class:`InputError` ``INPUT_FILE`` for a missing or unreadable file (or a
    directory), and, while iterating, for a truncated or corrupt gzip stream.
    """
    p = Path(path)
    try:
        raw = open(p, "rb")  # noqa: SIM115 (closed in the finally below)
    except OSError as exc:
        raise _input_error(p, exc) from None
    try:
        try:
            size = os.fstat(raw.fileno()).st_size
            magic = raw.peek(2)[:2]
        except OSError as exc:
            raise _input_error(p, exc) from None
        stream: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb") if magic == _GZIP_MAGIC else raw  # type: ignore[assignment]
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline=None)
        yield TextLines(text, raw, str(path), size)
    finally:
        raw.close()


def iter_file_inputs(
    paths: Sequence[str | os.PathLike[str]],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[str, Iterator[str]]]:
    """``(source name, lines)`` for each file, one open file at a time (for ``Store.ingest``).

    Every path is checked now, before anything is read, so a typo fails before any work
    (:class:`InputError` ``INPUT_FILE``).  ``progress(done, total)`` reports bytes of the
    files on disk.
    """
    sizes = []
    for path in paths:
        p = Path(path)
        try:
            st = p.stat()
        except OSError as exc:
            raise _input_error(p, exc) from None
        if not p.is_file():
            raise InputError(f"cannot read {p}: not a regular file", code="INPUT_FILE", source=str(p))
        sizes.append(st.st_size)
    return _iter_inputs(list(paths), sizes, progress)


def _iter_inputs(
    paths: list[str | os.PathLike[str]], sizes: list[int], progress: Callable[[int, int], None] | None
) -> Iterator[tuple[str, Iterator[str]]]:
    total = sum(sizes)
    base = 0
    for path, size in zip(paths, sizes, strict=True):
        with open_lines(path) as lines:
            yield str(path), (lines if progress is None else _reporting(lines, base, total, progress))
        base += size
        if progress is not None:
            progress(base, total)


def _reporting(
    lines: TextLines, base: int, total: int, progress: Callable[[int, int], None]
) -> Iterator[str]:
    for i, line in enumerate(lines, 1):
        if i % _PROGRESS_EVERY == 0:
            progress(base + lines.bytes_read, total)
        yield line


def read_catalog_files(
    paths: Sequence[str | os.PathLike[str]],
    *,
    lenient: bool = False,
    as_of: np.datetime64 | None = None,
    at: np.datetime64 | None = None,
) -> tuple[ElementTable, list[Reject]]:
    """The latest element set per NORAD id across catalog files, without a store.

    Any format :func:`orbitwatch.catalog.reader.read_element_sets` detects (TLE, 3LE,
    OMM), plain or gzip.  With ``as_of``, only sets with ``epoch <= as_of`` count.  With
    ``at`` (exclusive of ``as_of``), each object's set *in force* at ``at`` is chosen: the
    latest at or before it, else the earliest after it (as
    :meth:`orbitwatch.store.Store.in_force`).  Ties on epoch go to the set read last.
    An object whose latest set has no name (2-line TLE) takes the newest name another
    file gives it, as the store does.  Rows are sorted by NORAD id.  Strict by default
    (the first bad record raises); ``lenient`` returns the rejects as a :class:`RejectList`
    (the first :data:`MAX_REJECTS_KEPT`; ``.total`` counts them all).  Memory: one element
    set per object (two with ``at``).
    """
    from orbitwatch.catalog.history import InForce
    from orbitwatch.catalog.reader import read_element_sets

    if as_of is not None and at is not None:
        raise InputError("give either as_of or at, not both", code="INPUT_INVALID", field="as_of")
    cutoff = None if as_of is None else as_utc(as_of)
    in_force = None if at is None else InForce(as_utc(at))
    best: dict[int, ElementSet] = {}
    names: dict[int, tuple[np.datetime64, str]] = {}
    rejects = RejectList()
    for source, lines in iter_file_inputs(paths):
        for es in read_element_sets(lines, source=source, lenient=lenient, rejects=rejects):
            if cutoff is not None and es.epoch > cutoff:
                continue
            if in_force is not None:
                in_force.add(es)
            else:
                prev = best.get(es.norad_id)
                if prev is None or es.epoch >= prev.epoch:
                    best[es.norad_id] = es
            if es.name:
                named = names.get(es.norad_id)
                if named is None or es.epoch >= named[0]:
                    names[es.norad_id] = (es.epoch, es.name)
    if in_force is not None:
        best = in_force.chosen()
    chosen: Iterable[ElementSet] = (
        best[k] if best[k].name or k not in names else best[k].replace(name=names[k][1]) for k in sorted(best)
    )
    return ElementTable.from_element_sets(chosen), rejects
