"""The orbitwatch HTTP service (issue 14, "The HTTP API"): a FastAPI shell over the store
and the library, run by ``orbitwatch serve``.

:func:`create_app` builds the application for one store; :mod:`.routes` holds one router
per area (health, objects, conjunctions, events, screenings, watch-lists, subscriptions,
metrics); :mod:`.deps` the per-thread store connections, API-key auth and the rate
limiter; :mod:`.problems` the error mapping (``{code, message, field}`` with the library's
codes); :mod:`.background` the ``--watch`` loop and the screening jobs.  It holds no
science: every figure comes from a library call.
"""

from __future__ import annotations

from orbitwatch.server.app import create_app
from orbitwatch.server.settings import ServerConfig, load_server_config

__all__ = ["ServerConfig", "create_app", "load_server_config"]
