"""Many requests at once: streamed through worker processes, locally or on a Dask cluster."""
