"""Whole batches: papermill chains, Dask, rendered pages in headless Chromium."""
