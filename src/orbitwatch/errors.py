"""The one exception hierarchy of orbitwatch.

Every error that orbitwatch raises on purpose is an :class:`OrbitwatchError`.  Each
instance carries a stable machine-readable ``code`` (tests assert on it, the CLI maps
it to an exit status, the HTTP server to a status and ``{"code", "message"}``) and,
where it applies, *where* the problem is: ``source`` (file or stream name), ``line``
(1-based), ``record`` (record index or object id) and ``field`` (the offending field).

The tree::

    OrbitwatchError                 base; code "ERROR"
    ├── InputError                  bad arguments from a caller (INPUT_*; INPUT_NOT_FINITE: a nan/inf
    │   │                           number option, orbitwatch.cli._app; INPUT_TARGET: an alert target that
    │   │                           is not an http(s) URL or one e-mail address, orbitwatch.watch.webhooks)
    │   └── TimeFormatError         unparseable or zone-less time (TIME_*)
    ├── ParseError                  malformed data in a file or message (EMPTY_INPUT, FORMAT_UNKNOWN,
    │   │                           LINE_TOO_LONG: orbitwatch.catalog.reader; MANLOG_FORMAT, MANLOG_TIME:
    │   │                           operators' manoeuvre logs, orbitwatch.detection.maneuver_logs)
    │   ├── TLEError                TLE_CHECKSUM, TLE_LINE_LENGTH, TLE_TRUNCATED, TLE_LINE_ORDER,
    │   │                           TLE_MISMATCHED_IDS, TLE_NON_ASCII, TLE_FIELD, TLE_ID_RANGE
    │   │                           (meanings: orbitwatch.catalog.tle)
    │   ├── OMMError                OMM_MISSING_KEYWORD, OMM_UNKNOWN_KEYWORD, OMM_DUPLICATE_KEYWORD,
    │   │                           OMM_EMPTY_VALUE, OMM_NUMBER_FORMAT, OMM_TIME_FORMAT, OMM_VALUE_RANGE,
    │   │                           OMM_UNSUPPORTED_THEORY, OMM_UNSUPPORTED_FRAME,
    │   │                           OMM_UNSUPPORTED_TIME_SYSTEM, OMM_SPURIOUS_METADATA, OMM_STRUCTURE,
    │   │                           OMM_KVN_SYNTAX, OMM_XML_MALFORMED, OMM_JSON_MALFORMED,
    │   │                           OMM_CSV_HEADER, OMM_CSV_ROW, OMM_XML_FORBIDDEN
    │   │                           (meanings: orbitwatch.catalog.omm)
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
    ├── DataError                   a data file that orbitwatch installs is missing (DATA_MISSING,
    │                               DATA_EPHEMERIS: the DE421 kernel, orbitwatch.access.sun)
    └── SourceError                 a remote source failed: SOURCE_OFFLINE, SOURCE_HTTP_<status>,
                                    SOURCE_DEADLINE, SOURCE_TIMEOUT, SOURCE_TOO_LARGE, SOURCE_REDIRECT,
                                    SOURCE_RATE_LIMITED, SOURCE_PROTOCOL, SOURCE_TRUNCATED,
                                    SOURCE_CONNECTION_RESET, SOURCE_TLS, SOURCE_ENCODING, SOURCE_CONTENT,
                                    SOURCE_REFUSED, SOURCE_CREDENTIALS, SOURCE_LOGIN, SOURCE_CACHE,
                                    SOURCE_URL (meanings: orbitwatch.sources.http, .spacetrack)

Codes of the HTTP service (orbitwatch.server.problems; HTTP status in brackets)::

    InputError codes                NOT_FOUND (404: no such object, event, conjunction, job, watch-list,
                                    subscription or key), INPUT_TOO_LARGE (413: request body, or a
                                    response over its size bound), INPUT_CURSOR (400: not a cursor of
                                    that listing), INPUT_INVALID (422: request validation)
    ServiceError (orbitwatch.server) AUTH_MISSING (401: no X-API-Key), AUTH_INVALID (401: unknown or
                                    revoked key), AUTH_SCOPE (403: the key's scope is too small),
                                    RATE_LIMITED (429, with Retry-After)

Warnings (``warnings.warn``; the CLI renders them on stderr)::

    OrbitwatchWarning               base (UserWarning); code "WARNING"
    └── ElementAgeWarning           propagated beyond an element set's useful life (PROP_BEYOND_USEFUL_LIFE)

Every code, with its class and meaning, is in :data:`CODES` (the catalogue a test checks
against every code in ``src/``); the class decides the CLI's exit status
(``orbitwatch.cli._app.EXIT_CODES``: input 3, parse 4, store 5, source 6, propagation 7,
data 8, other 1).

Per-object failures inside a batch are *data*, not exceptions: propagation returns
error codes and NaN; lenient ingest returns rejects.  This module imports nothing
from orbitwatch.
"""

from __future__ import annotations

__all__ = [
    "CODES",
    "CDMError",
    "DataError",
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

#: The catalogue: every code orbitwatch raises (or records in a reject), its exception class
#: (the family; the CLI's exit status follows from it, ``orbitwatch.cli._app.EXIT_CODES``) and
#: its meaning.  ``tests/test_error_catalogue.py`` checks that every code in ``src/`` is here.
#: A code ending in ``_*`` stands for a pattern (``SOURCE_HTTP_*``: ``SOURCE_HTTP_<status>``).
CODES: dict[str, tuple[str, str]] = {
    # -- the base and each class's default
    "ERROR": ("OrbitwatchError", "an orbitwatch error without a more precise code"),
    "INPUT_INVALID": ("InputError", "an invalid argument (a value out of its allowed set or range)"),
    "TIME_FORMAT": ("TimeFormatError", "a time that does not parse, or carries no time zone"),
    "PARSE": ("ParseError", "malformed data"),
    "TLE_FORMAT": ("TLEError", "a malformed TLE"),
    "OMM_FORMAT": ("OMMError", "a malformed OMM"),
    "SATCAT_FORMAT": ("SATCATError", "a malformed SATCAT"),
    "UCS_FORMAT": ("UCSError", "a malformed UCS database row"),
    "CDM_FORMAT": ("CDMError", "a malformed CDM"),
    "OEM_FORMAT": ("OEMError", "an OEM line that is not a keyword, data line or block marker"),
    "STORE": ("StoreError", "a database error without a more precise code"),
    "STORE_SCHEMA_VERSION": ("SchemaVersionError", "the store's schema is newer than this orbitwatch"),
    "PROP": ("PropagationError", "a propagation request failed"),
    "SOURCE": ("SourceError", "a remote source failed"),
    "DATA_MISSING": ("DataError", "a data file that orbitwatch installs is missing"),
    "DATA_EPHEMERIS": ("DataError", "the JPL DE421 kernel of the skyfield-data package is missing"),
    # -- InputError: bad arguments from a caller
    "INPUT_CONFIG": ("InputError", "a configuration file (TOML) that does not parse or holds a bad value"),
    "INPUT_COVARIANCE_SHAPE": ("InputError", "a covariance that is not (N, 3, 3) / (N, 6, 6) as required"),
    "INPUT_CURSOR": ("InputError", "a listing cursor that is not a cursor of that listing (HTTP 400)"),
    "INPUT_EMPTY": ("InputError", "nothing to work on (no element set, record or window)"),
    "INPUT_EMPTY_CATALOG": ("InputError", "a screening catalog with no element sets"),
    "INPUT_FILE": ("InputError", "a file or directory that cannot be read or created"),
    "INPUT_FORMAT": ("InputError", "an unknown format name"),
    "INPUT_FRAME": ("InputError", "an unknown reference frame name"),
    "INPUT_GROUP": ("InputError", "an unknown CelesTrak group"),
    "INPUT_HBR": ("InputError", "a hard-body radius that is not positive and finite"),
    "INPUT_HBR_SHAPE": ("InputError", "hard-body radii that do not broadcast to the conjunctions"),
    "INPUT_HBR_TABLE": ("InputError", "a hard-body-radius table that does not parse"),
    "INPUT_METHOD": ("InputError", "an unknown Pc method"),
    "INPUT_MISSING": ("InputError", "a required argument or setting is absent"),
    "INPUT_NEGATIVE_VARIANCE": ("InputError", "a covariance with a negative variance"),
    "INPUT_NORAD": ("InputError", "a NORAD id that is not a positive integer"),
    "INPUT_NOT_FINITE": ("InputError", "a NaN or infinite number (option, state, covariance or HBR)"),
    "INPUT_PRIMARIES_FILE": ("InputError", "a primaries file line that is not a NORAD catalog number"),
    "INPUT_SGP4_BACKEND": ("InputError", "ORBITWATCH_SGP4 names no SGP4 backend"),
    "INPUT_STEP": ("InputError", "a time step that is not positive or too fine for the window"),
    "INPUT_TARGET": ("InputError", "an alert target that is not an http(s) URL or one e-mail address"),
    "INPUT_THRESHOLD": ("InputError", "a screening threshold out of range"),
    "INPUT_TOO_LARGE": ("InputError", "a request, body or result over its size bound (HTTP 413)"),
    "INPUT_TOO_MANY_FRAGMENTS": ("InputError", "a breakup simulation asked for more fragments than allowed"),
    "INPUT_UNBOUND_ORBIT": ("InputError", "a state on an unbound (hyperbolic) orbit"),
    "INPUT_UNKNOWN_NORAD": ("InputError", "a NORAD id with no element set in the catalog, store or history"),
    "INPUT_UNKNOWN_RUN": ("InputError", "a screening-run id the store does not hold"),
    "INPUT_WINDOW": ("InputError", "a time window that is empty, reversed or too long"),
    "INPUT_ZERO_RELATIVE_VELOCITY": ("InputError", "a conjunction with zero relative velocity"),
    "NOT_FOUND": ("InputError", "no such object, event, conjunction, job, watch-list, subscription or key (HTTP 404)"),
    "ACCESS_EMPTY_WINDOW": ("InputError", "an access window of zero length"),
    "ACCESS_NO_OBJECTS": ("InputError", "no satellite to compute access for"),
    "CONTACTS_K": ("InputError", "a number of stations to drop outside 1..stations"),
    "CONTACTS_NO_STATION": ("InputError", "a contact plan without ground stations"),
    "CONTACTS_TOO_MANY_COMBINATIONS": ("InputError", "too many station combinations to drop"),
    "CONTACTS_UNKNOWN_STATION": ("InputError", "a station name not among the sites"),
    "ISR_NO_SENSOR": ("InputError", "no satellite of the asked sensor class"),
    "ISR_OVERRIDE": ("InputError", "a sensor-class override file that does not parse"),
    "ISR_UNKNOWN_CLASS": ("InputError", "an unknown sensor class"),
    "SITE_ALTITUDE": ("InputError", "a site altitude out of range"),
    "SITE_ARG": ("InputError", "a --site / --sites argument that is missing, doubled or malformed"),
    "SITE_EMPTY": ("InputError", "a sites file with no site"),
    "SITE_FIELD": ("InputError", "a site field that does not parse"),
    "SITE_FILE": ("InputError", "a sites file that cannot be read"),
    "SITE_GEOMETRY": ("InputError", "a GeoJSON feature that is not a Point"),
    "SITE_HEADER": ("InputError", "a sites CSV without the needed columns"),
    "SITE_JSON": ("InputError", "a sites JSON/GeoJSON file that does not decode"),
    "SITE_LATITUDE": ("InputError", "a site latitude outside -90..90 deg"),
    "SITE_LONGITUDE": ("InputError", "a site longitude outside -180..360 deg"),
    "SITE_MASK": ("InputError", "a horizon mask that is malformed"),
    "SITE_MISSING_FIELD": ("InputError", "a site without a mandatory field"),
    "SITE_RANGE": ("InputError", "a site value out of range"),
    "SITE_ROW": ("InputError", "a sites CSV row with the wrong number of cells"),
    "SUN_RANGE": ("InputError", "a time outside the Sun ephemeris (DE421: 1900-2050)"),
    # -- ParseError and its classes: malformed data in a file or message
    "EMPTY_INPUT": ("ParseError", "a stream with no record"),
    "FORMAT_UNKNOWN": ("ParseError", "a stream whose format is not recognised"),
    "LINE_TOO_LONG": ("ParseError", "a line over the reader's bound (orbitwatch.catalog.reader)"),
    "MANLOG_FORMAT": ("ParseError", "an operator's manoeuvre log that does not parse"),
    "MANLOG_TIME": ("ParseError", "an operator's manoeuvre log time that does not parse"),
    "TLE_CHECKSUM": ("TLEError", "the modulo-10 checksum disagrees with column 69"),
    "TLE_LINE_LENGTH": ("TLEError", "a line longer than 69 characters"),
    "TLE_TRUNCATED": ("TLEError", "a line shorter than 69 characters, or a record without line 2"),
    "TLE_LINE_ORDER": ("TLEError", "a line 2 without a line 1 before it"),
    "TLE_MISMATCHED_IDS": ("TLEError", "the catalog numbers of line 1 and line 2 differ"),
    "TLE_NON_ASCII": ("TLEError", "a non-ASCII or control character"),
    "TLE_FIELD": ("TLEError", "a field that is unreadable or out of range"),
    "TLE_ID_RANGE": ("TLEError", "(writer) a catalog number above 339999"),
    "OMM_MISSING_KEYWORD": ("OMMError", "a mandatory keyword is absent"),
    "OMM_UNKNOWN_KEYWORD": ("OMMError", "a keyword the standard does not define"),
    "OMM_DUPLICATE_KEYWORD": ("OMMError", "a keyword given twice in one message"),
    "OMM_EMPTY_VALUE": ("OMMError", "a keyword with no value"),
    "OMM_NUMBER_FORMAT": ("OMMError", "a number that does not parse or is not finite"),
    "OMM_TIME_FORMAT": ("OMMError", "an EPOCH that is not an ISO 8601 / day-of-year time"),
    "OMM_VALUE_RANGE": ("OMMError", "a value out of range"),
    "OMM_UNSUPPORTED_THEORY": ("OMMError", "MEAN_ELEMENT_THEORY other than SGP4"),
    "OMM_UNSUPPORTED_FRAME": ("OMMError", "REF_FRAME other than TEME or CENTER_NAME other than EARTH"),
    "OMM_UNSUPPORTED_TIME_SYSTEM": ("OMMError", "TIME_SYSTEM other than UTC"),
    "OMM_SPURIOUS_METADATA": ("OMMError", "a second metadata block in one message"),
    "OMM_STRUCTURE": ("OMMError", "XML structure other than omm/header/body/segment/..."),
    "OMM_KVN_SYNTAX": ("OMMError", "a KVN line that is not KEYWORD = value or COMMENT"),
    "OMM_XML_MALFORMED": ("OMMError", "XML that is not well formed"),
    "OMM_JSON_MALFORMED": ("OMMError", "JSON that does not decode, or a record that is not an object"),
    "OMM_CSV_HEADER": ("OMMError", "a CSV header lacking a mandatory column"),
    "OMM_CSV_ROW": ("OMMError", "a CSV row of the wrong length, or one the reader cannot split"),
    "OMM_XML_FORBIDDEN": ("OMMError", "XML with a DTD, an entity declaration or an external reference"),
    "SATCAT_HEADER": ("SATCATError", "a SATCAT header without the needed columns"),
    "SATCAT_ROW": ("SATCATError", "a SATCAT row of the wrong length"),
    "SATCAT_FIELD": ("SATCATError", "a SATCAT field that does not parse"),
    "SATCAT_NOT_FINITE": ("SATCATError", "a SATCAT number that is NaN or infinite"),
    "SATCAT_APOGEE_BELOW_PERIGEE": ("SATCATError", "a SATCAT apogee below its perigee"),
    "SATCAT_DECAY_BEFORE_LAUNCH": ("SATCATError", "a SATCAT decay date before the launch date"),
    "SATCAT_CELL_SIZE": ("SATCATError", "a SATCAT cell over the reader's bound"),
    "SATCAT_JSON": ("SATCATError", "SATCAT JSON that does not decode"),
    "UCS_HEADER": ("UCSError", "a UCS header without the needed columns"),
    "UCS_ROW": ("UCSError", "a UCS row of the wrong length"),
    "UCS_FIELD": ("UCSError", "a UCS field that does not parse"),
    "UCS_CELL_SIZE": ("UCSError", "a UCS cell over the reader's bound"),
    "CDM_EMPTY_VALUE": ("CDMError", "a keyword with no value"),
    "CDM_MISSING_COVARIANCE": ("CDMError", "an object without its RTN covariance"),
    "CDM_MISSING_KEYWORD": ("CDMError", "a mandatory keyword is absent"),
    "CDM_MISSING_STATE_VECTOR": ("CDMError", "an object without its state vector"),
    "CDM_MISSING_TCA": ("CDMError", "no TCA"),
    "CDM_NUMBER_FORMAT": ("CDMError", "a number that does not parse or is not finite"),
    "CDM_OBJECTS": ("CDMError", "not exactly OBJECT1 and OBJECT2"),
    "CDM_SYNTAX": ("CDMError", "a KVN line or XML structure the standard does not allow"),
    "CDM_TIME_FORMAT": ("CDMError", "a time that does not parse"),
    "CDM_UNKNOWN_KEYWORD": ("CDMError", "a keyword the standard does not define"),
    "CDM_VALUE_RANGE": ("CDMError", "a value out of range"),
    "CDM_XML_FORBIDDEN": ("CDMError", "XML with a DTD, an entity declaration or an external reference"),
    "OEM_MISSING_KEYWORD": ("OEMError", "a mandatory header or metadata keyword is absent"),
    "OEM_NUMBER_FORMAT": ("OEMError", "a state component that is not a finite number"),
    "OEM_TIME_FORMAT": ("OEMError", "an epoch that is not a CCSDS / ISO 8601 time"),
    "OEM_TIME_ORDER": ("OEMError", "data-line epochs of a segment that do not increase"),
    # -- StoreError: the database
    "STORE_NOT_FOUND": ("StoreError", "no store at that path"),
    "STORE_OPEN": ("StoreError", "the store cannot be opened"),
    "STORE_LOCKED": ("StoreError", "another writer outlasted ORBITWATCH_STORE_TIMEOUT_S"),
    "STORE_CORRUPT": ("StoreError", "the store is damaged"),
    "STORE_NOT_ORBITWATCH": ("StoreError", "an SQLite file that is not an orbitwatch store"),
    # -- PropagationError
    "PROP_PARENT": ("PropagationError", "the parent of a breakup cannot be propagated to the event"),
    "PROP_FAILED": ("PropagationError", "SGP4 fails for an object at the asked time"),
    # -- SourceError: remote sources
    "SOURCE_OFFLINE": ("SourceError", "no connection (DNS, refused, unreachable, connect timeout)"),
    "SOURCE_HTTP_*": ("SourceError", "an HTTP error status (SOURCE_HTTP_<status>)"),
    "SOURCE_DEADLINE": ("SourceError", "the request outlasted its overall deadline"),
    "SOURCE_TIMEOUT": ("SourceError", "the server was silent for the read timeout"),
    "SOURCE_TOO_LARGE": ("SourceError", "a body over the size bound"),
    "SOURCE_REDIRECT": ("SourceError", "a redirect to another host, or too many"),
    "SOURCE_RATE_LIMITED": ("SourceError", "the source asks to retry later"),
    "SOURCE_PROTOCOL": ("SourceError", "a malformed status line or header"),
    "SOURCE_TRUNCATED": ("SourceError", "a body shorter than announced"),
    "SOURCE_CONNECTION_RESET": ("SourceError", "the connection closed before a complete answer"),
    "SOURCE_TLS": ("SourceError", "a TLS failure"),
    "SOURCE_ENCODING": ("SourceError", "data that is not UTF-8"),
    "SOURCE_CONTENT": ("SourceError", "a body that is not the data asked for"),
    "SOURCE_REFUSED": ("SourceError", "an error reply where data was expected"),
    "SOURCE_CREDENTIALS": ("SourceError", "Space-Track credentials are missing"),
    "SOURCE_LOGIN": ("SourceError", "the Space-Track login failed"),
    "SOURCE_CACHE": ("SourceError", "an unusable cache directory"),
    "SOURCE_URL": ("SourceError", "a URL that is not http(s) or has no host"),
    # -- ServiceError (orbitwatch.server.problems): HTTP only
    "AUTH_MISSING": ("ServiceError", "no X-API-Key (HTTP 401)"),
    "AUTH_INVALID": ("ServiceError", "an unknown or revoked key (HTTP 401)"),
    "AUTH_SCOPE": ("ServiceError", "the key's scope is too small (HTTP 403)"),
    "RATE_LIMITED": ("ServiceError", "too many requests (HTTP 429, with Retry-After)"),
    # -- warnings (warnings.warn; the CLI renders them on stderr, the exit status is unchanged)
    "WARNING": ("OrbitwatchWarning", "an orbitwatch warning without a more precise code"),
    "PROP_BEYOND_USEFUL_LIFE": ("ElementAgeWarning", "propagated beyond an element set's useful life"),
}


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


class DataError(OrbitwatchError):
    """A data file that orbitwatch installs (e.g. the DE421 kernel) is missing: a broken installation."""

    default_code = "DATA_MISSING"


class OrbitwatchWarning(UserWarning):
    """Base of orbitwatch's warnings; ``code`` is stable like an error's."""

    code = "WARNING"


class ElementAgeWarning(OrbitwatchWarning):
    """Element sets propagated further from their epoch than their useful life (orbitwatch.propagation)."""

    code = "PROP_BEYOND_USEFUL_LIFE"
