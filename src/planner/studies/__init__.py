"""Studies over one built model: the efficiency-equity frontier, alternative plans, budget sweeps
(equity first, one solve, is planning.lexicographic)."""
