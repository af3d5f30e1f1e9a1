"""One streaming entry point for every catalog format: :func:`read_element_sets`.

Formats (detected from the first non-blank content, or named with ``fmt``):

* ``"tle"``       TLE / 3LE text (:mod:`orbitwatch.catalog.tle`);
* ``"omm-kvn"``   CCSDS OMM, keyword = value notation (CCSDS 502.0-B-3 sec. 4);
* ``"omm-xml"``   CCSDS OMM XML (``<omm>`` or an ``<ndm>`` of OMMs; CCSDS 505.0-B);
* ``"omm-json"``  CelesTrak / Space-Track GP JSON (a list of flat OMM objects);
* ``"omm-csv"``   CelesTrak GP CSV (a header row of OMM keywords).

The OMM encodings are read by :mod:`orbitwatch.ccsds.omm`.  Reading is streaming: the
input is consumed line by line and element sets are yielded as soon as each record
is complete, so a 2 GB file never sits in memory.  Strict mode (the default) raises
the first :class:`~orbitwatch.errors.ParseError` (with source, line, record and field);
``lenient=True`` appends a :class:`Reject` for each bad record to ``rejects`` and
goes on.  Input with no content is ``EMPTY_INPUT`` (an error when strict, a reject
when lenient); a ``fmt`` that is not one of the names above is ``FORMAT_UNKNOWN``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

from orbitwatch.catalog.model import ElementSet, Reject
from orbitwatch.catalog.tle import iter_tle
from orbitwatch.errors import ParseError

__all__ = ["FORMATS", "detect_format", "read_element_sets"]

FORMATS = ("tle", "omm-kvn", "omm-xml", "omm-json", "omm-csv")

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
    head: list[str] = []
    for line in it:
        if not head:
            line = line.lstrip("\ufeff")
        head.append(line)
        if line.strip():
            break
    if not head or not head[-1].strip():
        message = "the input holds no data (empty or blank)"
        if not lenient:
            raise ParseError(message, code="EMPTY_INPUT", source=source)
        if rejects is not None:
            rejects.append(Reject(source, None, None, "EMPTY_INPUT", message))
        return
    if fmt == "auto":
        fmt = detect_format(head[-1:])
    stream = itertools.chain(head, it)
    if fmt == "tle":
        yield from iter_tle(stream, source=source, lenient=lenient, rejects=rejects)
        return
    from orbitwatch.ccsds import omm

    reader = {
        "omm-kvn": omm.iter_omm_kvn,
        "omm-xml": omm.iter_omm_xml,
        "omm-json": omm.iter_omm_json,
        "omm-csv": omm.iter_omm_csv,
    }[fmt]
    yield from reader(stream, source=source, lenient=lenient, rejects=rejects)
