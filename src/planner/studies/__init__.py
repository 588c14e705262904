"""Studies over one built model: equity first (lexicographic), the efficiency-equity frontier,
alternative plans, budget sweeps."""
