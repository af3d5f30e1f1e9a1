"""The service's routers, one module per area, each defining ``router``
(the list that :mod:`orbitwatch.server.app` mounts is ``ROUTERS`` there)."""
