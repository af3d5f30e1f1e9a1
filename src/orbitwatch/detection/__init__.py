"""orbitwatch.detection (see docs/design.md)."""
