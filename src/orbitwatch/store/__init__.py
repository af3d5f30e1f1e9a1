"""orbitwatch.store (see docs/design.md)."""
