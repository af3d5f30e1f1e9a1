"""Catalog formats (TLE/3LE, CCSDS OMM in KVN/XML/JSON/CSV, SATCAT) into one model.

Parsers take text lines or bytes, never paths (opening files is
:mod:`orbitwatch.sources.files`).  Every parser yields :class:`ElementSet` records; in
strict mode the first bad record raises a :class:`~orbitwatch.errors.ParseError`
naming source, line, field and reason; in lenient mode bad records are appended to a
``rejects`` list as :class:`Reject` and reading goes on.
"""

from orbitwatch.catalog.model import (
    OBJECT_TYPES,
    ElementSet,
    ElementTable,
    Reject,
    infer_object_type,
)

__all__ = ["OBJECT_TYPES", "ElementSet", "ElementTable", "Reject", "infer_object_type"]
