"""Classic location models (p-median, covering, p-center) on a cost matrix, and running them on a
scenario's regions."""
