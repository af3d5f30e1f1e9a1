"""Property tests of the live service against its own OpenAPI document (schemathesis):
for generated requests to every operation (the SSE stream, which never ends, left out),
no 5xx and every response conforms to the schema (status, content type, body).

The schema is the app's own ``openapi()`` (built at collection from an empty store, as
schemathesis parametrizes at collection time; ``from_fixture`` does not run under pytest 9);
``test_served_schema_is_the_same`` pins that the live server serves exactly this document.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from orbitwatch.server import create_app
from orbitwatch.store import Store

from .conftest import Server


def _spec() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as d:
        db = Path(d) / "empty.db"
        Store.open(db).close()
        return create_app(db).openapi()


SPEC = _spec()
schema = schemathesis.openapi.from_dict(SPEC).exclude(path="/v1/events/stream")


def test_served_schema_is_the_same(server: Server) -> None:
    assert httpx.get(server.base + "/openapi.json").json() == SPEC


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms(case: schemathesis.Case, server: Server) -> None:
    case.call_and_validate(
        base_url=server.base, headers={"X-API-Key": server.keys["write"]}, timeout=60,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance])
