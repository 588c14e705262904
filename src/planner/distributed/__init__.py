"""Many solves: batch and sweep grids on local processes or Dask, the run store, and the province
decomposition of the national county model."""
