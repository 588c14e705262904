"""Many solves: batch and sweep grids on local processes or Dask, and the province
decomposition of the national county model."""
