"""orbitwatch.risk (see docs/design.md)."""
