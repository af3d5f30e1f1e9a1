"""One streaming entry point for every catalog format: :func:`read_element_sets`.

Formats (detected from the first non-blank content, or named with ``fmt``):

* ``"tle"``       TLE / 3LE text (:mod:`orbitwatch.catalog.tle`);
* ``"omm-kvn"``   CCSDS OMM, keyword = value notation (CCSDS 502.0-B-3 sec. 4);
* ``"omm-xml"``   CCSDS OMM XML (``<omm>`` or an ``<ndm>`` of OMMs; CCSDS 505.0-B);
* ``"omm-json"``  CelesTrak / Space-Track GP JSON (a list of flat OMM objects);
* ``"omm-csv"``   CelesTrak GP CSV (a header row of OMM keywords).

The OMM encodings are read by :mod:`orbitwatch.catalog.omm`.  Reading is streaming: the
input is consumed line by line and element sets are yielded as soon as each record
is complete, so a 2 GB file never sits in memory.  Strict mode (the default) raises
the first :class:`~orbitwatch.errors.ParseError` (with source, line, record and field);
``lenient=True`` appends a :class:`Reject` for each bad record to ``rejects`` and
goes on.  Input with no content is ``EMPTY_INPUT`` (an error when strict, a reject
when lenient); a ``fmt`` that is not one of the names above is ``FORMAT_UNKNOWN``.

Bounded memory.  A line of the line-oriented formats (TLE, OMM KVN, OMM CSV) longer
than :data:`MAX_LINE_CHARS` (1 MiB; a TLE line has 69 characters, a CelesTrak CSV row
about 300) is ``LINE_TOO_LONG`` (strict: raised with source and line; lenient: a reject,
and the line is read as blank).  Readers of files hand lines over in bounded pieces
(:class:`LinePiece`, e.g. :class:`orbitwatch.sources.files.TextLines`), so an
over-long line, even 10 GB without a newline inside a gzip bomb, is never built as one
string: its pieces are counted and dropped.  JSON and XML are not line-oriented (a
Space-Track JSON file is one line of tens of MB): their pieces go to the incremental
decoders in :mod:`orbitwatch.catalog.omm`, which bound each record instead.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

from orbitwatch.catalog import omm
from orbitwatch.catalog.model import ElementSet, LinePiece, Reject
from orbitwatch.catalog.tle import iter_tle
from orbitwatch.errors import ParseError

__all__ = ["FORMATS", "MAX_LINE_CHARS", "LinePiece", "detect_format", "read_element_sets"]

FORMATS = ("tle", "omm-kvn", "omm-xml", "omm-json", "omm-csv")
_LINE_FORMATS = frozenset({"tle", "omm-kvn", "omm-csv"})

MAX_LINE_CHARS = 1 << 20
"""Longest line (characters, line end included) of a line-oriented format; longer is ``LINE_TOO_LONG``."""


_KVN_START = ("CCSDS_OMM_VERS", "COMMENT", "CREATION_DATE", "ORIGINATOR", "OBJECT_NAME")


def detect_format(first_lines: Iterable[str]) -> str:
    """The format name of a stream from its first lines (blank lines are skipped).

    Only the first non-blank line is needed.  Raises ``EMPTY_INPUT`` when there is none.
    """
    for line in first_lines:
        s = line.lstrip("\ufeff").strip()
        if not s:
            continue
        if s[0] == "<":
            return "omm-xml"
        if s[0] in "[{":
            return "omm-json"
        key = s.split("=", 1)[0].strip() if "=" in s else s.split(" ", 1)[0]
        if key in _KVN_START:
            return "omm-kvn"
        if "," in s and "NORAD_CAT_ID" in s.upper():
            return "omm-csv"
        return "tle"
    raise ParseError("the input holds no data", code="EMPTY_INPUT")


def _text_lines(lines: Iterable[str | bytes]) -> Iterator[str]:
    for line in lines:
        yield line.decode("utf-8", "replace") if isinstance(line, bytes) else line


def _bounded_lines(
    items: Iterable[str], source: str, lenient: bool, rejects: list[Reject] | None, max_chars: int
) -> Iterator[str]:
    """Whole lines from ``items`` (joining :class:`LinePiece` runs); an over-long line is ``LINE_TOO_LONG``.

    In lenient mode the over-long line is reported once and handed on as ``""`` so the
    parsers' line numbers stay right.  At most ``max_chars`` characters are held.
    """
    ln = 0
    buf: list[str] = []
    size = 0
    too_long = False

    def report(n: int) -> str:
        message = f"line {n} is longer than {max_chars} characters (binary data, or not a line-oriented format?)"
        if not lenient:
            raise ParseError(message, code="LINE_TOO_LONG", source=source, line=n)
        if rejects is not None:
            rejects.append(Reject(source, n, None, "LINE_TOO_LONG", message))
        return ""

    for item in items:
        if type(item) is LinePiece:
            if not too_long:
                size += len(item)
                if size > max_chars:
                    too_long, buf = True, []
                else:
                    buf.append(item)
            continue
        ln += 1
        if buf or too_long:
            over = too_long or size + len(item) > max_chars
            line = "" if over else "".join(buf) + item
            buf, size, too_long = [], 0, False
            yield report(ln) if over else line
        elif len(item) > max_chars:
            yield report(ln)
        else:
            yield item
    if buf or too_long:
        yield report(ln + 1)


def _blank_pieces(n_chars: int) -> Iterator[str]:
    """``n_chars`` blanks as :class:`LinePiece` items of at most :data:`MAX_LINE_CHARS`."""
    while n_chars > 0:
        k = min(n_chars, MAX_LINE_CHARS)
        yield LinePiece(" " * k)
        n_chars -= k


def read_element_sets(
    lines: Iterable[str],
    *,
    source: str,
    fmt: str = "auto",
    lenient: bool = False,
    rejects: list[Reject] | None = None,
) -> Iterator[ElementSet]:
    """Stream :class:`ElementSet` records from catalog text lines (any format above).

    ``source`` names the input in errors, rejects and on each element set (with
    ``line``).  ``lines`` may be any iterable of ``str`` (or ``bytes``, decoded as
    UTF-8), e.g. an open text file or ``gzip.open(path, "rt")``.
    """
    if fmt != "auto" and fmt not in FORMATS:
        raise ParseError(f"unknown catalog format {fmt!r}; use one of {', '.join(FORMATS)} or 'auto'",
                         code="FORMAT_UNKNOWN", source=source)
    it = _text_lines(lines)
    # Leading blank lines are counted, not kept (a stream of a billion newlines, or gigabytes
    # of blanks without one, is not held); the first non-blank item decides the format.
    n_blank = 0
    pending = 0  # characters of blank pieces of the line that the first non-blank item ends
    first: str | None = None
    for k, line in enumerate(it):
        if k == 0:
            line = LinePiece(line.lstrip("\ufeff")) if type(line) is LinePiece else line.lstrip("\ufeff")
        if line.strip():
            first = line
            break
        if type(line) is LinePiece:  # a blank piece is part of the blank line that ends later
            pending += len(line)
        else:
            n_blank += 1
            pending = 0
    if first is None:
        message = "the input holds no data (empty or blank)"
        if not lenient:
            raise ParseError(message, code="EMPTY_INPUT", source=source)
        if rejects is not None:
            rejects.append(Reject(source, None, None, "EMPTY_INPUT", message))
        return
    if fmt == "auto":
        fmt = detect_format([first])
    # The blanks go back as read: blank lines as "\n", the blank start of the first line as
    # pieces of its length (so a too-long first line is still LINE_TOO_LONG).
    stream: Iterator[str] = itertools.chain(itertools.repeat("\n", n_blank), _blank_pieces(pending), (first,), it)
    if fmt in _LINE_FORMATS:
        stream = _bounded_lines(stream, source, lenient, rejects, MAX_LINE_CHARS)
    if fmt == "tle":
        yield from iter_tle(stream, source=source, lenient=lenient, rejects=rejects)
        return
    reader = {
        "omm-kvn": omm.iter_omm_kvn,
        "omm-xml": omm.iter_omm_xml,
        "omm-json": omm.iter_omm_json,
        "omm-csv": omm.iter_omm_csv,
    }[fmt]
    yield from reader(stream, source=source, lenient=lenient, rejects=rejects)
