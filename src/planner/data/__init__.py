"""Region tables: reading and validating them, travel times, and the resolved input arrays."""
