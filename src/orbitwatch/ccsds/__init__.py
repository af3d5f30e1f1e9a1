"""orbitwatch.ccsds: CCSDS messages (OMM, CDM, OEM); see docs/design.md.

This package module also holds the one KVN tokenizer (:func:`split_kvn`) and the
one safe way the CCSDS readers parse XML:
:func:`xml_pull_parser` is ``xml.etree.ElementTree.XMLPullParser`` driven by
``defusedxml``'s parser with DTDs, entity declarations and external references all
forbidden (defusedxml documentation, "defusedxml.ElementTree"; the attacks are the
billion-laughs / quadratic-blowup entity expansions and external-entity fetches
listed there).  A document that tries any of them raises
``defusedxml.DefusedXmlException`` (a ``ValueError``), which each reader turns into
its own coded error.  :data:`MAX_XML_DEPTH` bounds element nesting (no CCSDS
message nests deeper than 8) and :func:`xml_declared_encoding_error` rejects an XML
declaration naming an encoding Python does not know (``encoding="UTF-36"``): the
readers are given text that is already decoded, so the declared encoding is only
checked, never used.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET

from defusedxml.ElementTree import DefusedXMLParser

__all__ = ["MAX_XML_DEPTH", "split_kvn", "xml_declared_encoding_error", "xml_pull_parser"]

MAX_XML_DEPTH = 32
"""Deepest element nesting the XML readers accept (CCSDS messages nest at most 8 deep)."""

_DECL_RE = re.compile(r"""^\s*<\?xml\b[^>]{0,200}?\bencoding\s*=\s*["']([^"']{0,64})["']""")


def xml_pull_parser() -> ET.XMLPullParser:
    """A pull parser (``start`` and ``end`` events) that refuses DTDs, entities and external references."""
    parser = DefusedXMLParser(target=ET.TreeBuilder(), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    return ET.XMLPullParser(events=("start", "end"), _parser=parser)


def xml_declared_encoding_error(head: str) -> str | None:
    """A message if the XML declaration at the start of ``head`` names an unknown encoding, else None."""
    m = _DECL_RE.match(head[:400])
    if m is None:
        return None
    name = m.group(1)
    try:
        codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: a NUL in the name (found by fuzz/fuzz_parsers.py)
        return f"the XML declaration names the unknown encoding {name[:64]!r}"
    return None


_KEY_RE = re.compile(r"[A-Za-z0-9_]+")


def split_kvn(line: str) -> tuple[str, str, str | None] | None:
    """``(key, value, units)`` of a stripped KVN ``KEY = value [units]`` line, None if it is not one.

    The one KVN tokenizer of the CCSDS readers (CCSDS 502.0-B-3 sec. 7.4, 508.0-B-1 sec. 6.2).

    String operations only (linear time).  The units are the bracketed text at the end
    of the value that holds no ``]``; the value is what precedes them, stripped.
    """
    key, eq, rest = line.partition("=")
    key = key.strip()
    if not eq or not _KEY_RE.fullmatch(key):
        return None
    rest = rest.strip()
    n = len(rest)
    if n >= 2 and rest[-1] == "]":
        inner_close = rest.rfind("]", 0, n - 1)
        open_at = rest.find("[", inner_close + 1, n - 1)
        if open_at != -1:
            return key, rest[:open_at].rstrip(), rest[open_at + 1 : n - 1]
    return key, rest, None
