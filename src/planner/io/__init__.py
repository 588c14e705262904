"""Writing result files atomically."""
