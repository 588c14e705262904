"""The planning model: index tables and row blocks, pre-solve checks, the solve, the independent
verifier and the result tables."""
