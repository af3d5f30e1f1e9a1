"""orbitwatch.access (see docs/design.md)."""
