"""orbitwatch.sources: where element sets come from (files and the network; see docs/design.md).

* :mod:`orbitwatch.sources.files` reads catalog files (plain or gzip) for ``--catalog``.
* :mod:`orbitwatch.sources.http` is the only network code: one overall deadline per
  request (300 s by default), a body cap (256 MiB) streamed to disk, same-host redirects
  only, ``Retry-After`` honoured, content validated before anything is cached, every
  failure a coded :class:`~orbitwatch.errors.SourceError`.
* :mod:`orbitwatch.sources.celestrak` (GP groups, cached 2 h as CelesTrak asks) and
  :mod:`orbitwatch.sources.spacetrack` (class ``gp``, cached 1 h, requests spaced 2.5 s
  under the 30/min and 300/h limits, login checked positively).
"""
