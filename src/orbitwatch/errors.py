"""The one exception hierarchy of orbitwatch.

Every error that orbitwatch raises on purpose is an :class:`OrbitwatchError`.  Each
instance carries a stable machine-readable ``code`` (tests assert on it, the CLI maps
it to an exit status, the HTTP server to a status and ``{"code", "message"}``) and,
where it applies, *where* the problem is: ``source`` (file or stream name), ``line``
(1-based), ``record`` (record index or object id) and ``field`` (the offending field).

The tree::

    OrbitwatchError                 base; code "ERROR"
    ├── InputError                  bad arguments from a caller (INPUT_*; INPUT_NOT_FINITE: a nan/inf
    │   │                           number option, orbitwatch.cli._app)
    │   └── TimeFormatError         unparseable or zone-less time (TIME_*)
    ├── ParseError                  malformed data in a file or message (EMPTY_INPUT, FORMAT_UNKNOWN,
    │   │                           LINE_TOO_LONG: orbitwatch.catalog.reader)
    │   ├── TLEError                TLE_CHECKSUM, TLE_LINE_LENGTH, TLE_TRUNCATED, TLE_LINE_ORDER,
    │   │                           TLE_MISMATCHED_IDS, TLE_NON_ASCII, TLE_FIELD, TLE_ID_RANGE
    │   │                           (meanings: orbitwatch.catalog.tle)
    │   ├── OMMError                OMM_MISSING_KEYWORD, OMM_UNKNOWN_KEYWORD, OMM_DUPLICATE_KEYWORD,
    │   │                           OMM_EMPTY_VALUE, OMM_NUMBER_FORMAT, OMM_TIME_FORMAT, OMM_VALUE_RANGE,
    │   │                           OMM_UNSUPPORTED_THEORY, OMM_UNSUPPORTED_FRAME,
    │   │                           OMM_UNSUPPORTED_TIME_SYSTEM, OMM_SPURIOUS_METADATA, OMM_STRUCTURE,
    │   │                           OMM_KVN_SYNTAX, OMM_XML_MALFORMED, OMM_JSON_MALFORMED,
    │   │                           OMM_CSV_HEADER, OMM_CSV_ROW, OMM_XML_FORBIDDEN
    │   │                           (meanings: orbitwatch.ccsds.omm)
    │   ├── SATCATError             SATCAT_HEADER, SATCAT_ROW, SATCAT_FIELD, SATCAT_NOT_FINITE,
    │   │                           SATCAT_APOGEE_BELOW_PERIGEE, SATCAT_DECAY_BEFORE_LAUNCH,
    │   │                           SATCAT_CELL_SIZE, SATCAT_JSON (orbitwatch.catalog.satcat)
    │   ├── UCSError                UCS_HEADER, UCS_ROW, UCS_FIELD, UCS_CELL_SIZE (orbitwatch.catalog.ucs)
    │   ├── CDMError                CDM_* (meanings: orbitwatch.ccsds.cdm)
    │   └── OEMError                OEM_* (meanings: orbitwatch.ccsds.oem)
    ├── StoreError                  database problems: STORE_NOT_FOUND, STORE_OPEN, STORE_LOCKED (another
    │   │                           writer outlasted ORBITWATCH_STORE_TIMEOUT_S), STORE_CORRUPT,
    │   │                           STORE_NOT_ORBITWATCH, STORE (orbitwatch.store.sqlite)
    │   └── SchemaVersionError      the store's schema is newer than this orbitwatch
    ├── PropagationError            a whole propagation request failed (PROP_*)
    └── SourceError                 a remote source failed: SOURCE_OFFLINE, SOURCE_HTTP_<status>,
                                    SOURCE_DEADLINE, SOURCE_TIMEOUT, SOURCE_TOO_LARGE, SOURCE_REDIRECT,
                                    SOURCE_RATE_LIMITED, SOURCE_PROTOCOL, SOURCE_TRUNCATED,
                                    SOURCE_CONNECTION_RESET, SOURCE_TLS, SOURCE_ENCODING, SOURCE_CONTENT,
                                    SOURCE_REFUSED, SOURCE_CREDENTIALS, SOURCE_LOGIN, SOURCE_CACHE,
                                    SOURCE_URL (meanings: orbitwatch.sources.http, .spacetrack)

Warnings (``warnings.warn``; the CLI renders them on stderr)::

    OrbitwatchWarning               base (UserWarning); code "WARNING"
    └── ElementAgeWarning           propagated beyond an element set's useful life (PROP_BEYOND_USEFUL_LIFE)

Per-object failures inside a batch are *data*, not exceptions: propagation returns
error codes and NaN; lenient ingest returns rejects.  This module imports nothing
from orbitwatch.
"""

from __future__ import annotations

__all__ = [
    "CDMError",
    "ElementAgeWarning",
    "InputError",
    "OEMError",
    "OMMError",
    "OrbitwatchError",
    "OrbitwatchWarning",
    "ParseError",
    "PropagationError",
    "SATCATError",
    "SchemaVersionError",
    "SourceError",
    "StoreError",
    "TLEError",
    "TimeFormatError",
    "UCSError",
]


class OrbitwatchError(Exception):
    """Base class; ``code`` is stable, the message is for people."""

    default_code = "ERROR"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        source: str | None = None,
        line: int | None = None,
        record: str | int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.code = code or self.default_code
        self.source = source
        self.line = line
        self.record = record
        self.field = field
        super().__init__(str(self))

    def where(self) -> str:
        """``source:line (record r, field f)`` for what is known, '' if nothing is."""
        parts = []
        if self.source is not None:
            parts.append(self.source + (f":{self.line}" if self.line is not None else ""))
        elif self.line is not None:
            parts.append(f"line {self.line}")
        extra = []
        if self.record is not None:
            extra.append(f"record {self.record}")
        if self.field is not None:
            extra.append(f"field {self.field}")
        if extra:
            parts.append("(" + ", ".join(extra) + ")")
        return " ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"[{self.code}] {where + ': ' if where else ''}{self.message}"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form used by the CLI and the server."""
        return {
            "code": self.code,
            "message": self.message,
            "source": self.source,
            "line": self.line,
            "record": self.record,
            "field": self.field,
        }


class InputError(OrbitwatchError):
    """A caller passed an invalid argument (window, threshold, id ...)."""

    default_code = "INPUT_INVALID"


class TimeFormatError(InputError):
    """A time could not be parsed, or carried no time zone."""

    default_code = "TIME_FORMAT"


class ParseError(OrbitwatchError):
    """Malformed data in a file or message."""

    default_code = "PARSE"


class TLEError(ParseError):
    default_code = "TLE_FORMAT"


class OMMError(ParseError):
    default_code = "OMM_FORMAT"


class SATCATError(ParseError):
    default_code = "SATCAT_FORMAT"


class UCSError(ParseError):
    default_code = "UCS_FORMAT"


class CDMError(ParseError):
    default_code = "CDM_FORMAT"


class OEMError(ParseError):
    default_code = "OEM_FORMAT"


class StoreError(OrbitwatchError):
    default_code = "STORE"


class SchemaVersionError(StoreError):
    default_code = "STORE_SCHEMA_VERSION"


class PropagationError(OrbitwatchError):
    default_code = "PROP"


class SourceError(OrbitwatchError):
    default_code = "SOURCE"


class OrbitwatchWarning(UserWarning):
    """Base of orbitwatch's warnings; ``code`` is stable like an error's."""

    code = "WARNING"


class ElementAgeWarning(OrbitwatchWarning):
    """Element sets propagated further from their epoch than their useful life (orbitwatch.propagation)."""

    code = "PROP_BEYOND_USEFUL_LIFE"
