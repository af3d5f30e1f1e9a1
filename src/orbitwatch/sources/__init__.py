"""orbitwatch.sources (see docs/design.md)."""
