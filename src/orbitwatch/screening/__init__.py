"""orbitwatch.screening (see docs/design.md)."""
