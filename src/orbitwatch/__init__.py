"""orbitwatch: open space-domain awareness.

Catalog ingest (TLE/3LE, CCSDS OMM, SATCAT) into an element-history store, SGP4
propagation of whole catalogs, conjunction screening, collision probability and CDMs,
and threat monitors.  The public surface is re-exported from :mod:`orbitwatch.api`.
"""

__version__ = "0.1.0"
