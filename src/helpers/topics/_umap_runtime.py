"""Patches to UMAP's and pynndescent's numba functions, fenced in one place.

:func:`enable_numba_cache` turns numba's on-disk cache on for UMAP's and
pynndescent's compiled functions; :func:`release_gil_in_umap_layout` puts a
copy of UMAP's layout function compiled without the global interpreter lock
where UMAP looks it up, so that layouts in threads overlap.  The state of
both (``_NUMBA_CACHE_ENABLED``, ``_NOGIL_LAYOUTS``) lives here and only here.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from typing import Any

logger = logging.getLogger(__name__)


_NUMBA_MODULES = (
    "umap.umap_", "umap.layouts", "umap.spectral", "umap.distances", "umap.sparse", "umap.utils",
    "pynndescent.pynndescent_", "pynndescent.distances", "pynndescent.sparse", "pynndescent.utils",
    "pynndescent.rp_trees", "pynndescent.graph_utils", "pynndescent.sparse_nndescent",
)
# Parameters through which UMAP's and pynndescent's numba functions receive other compiled functions.
_FUNCTION_ARGUMENTS = frozenset({"dist", "kernel", "deheap_sort_function", "distance_func", "metric"})


_NUMBA_CACHE_ENABLED = False
_NOGIL_LAYOUTS: list[Any] = []  # the layout functions compiled by release_gil_in_umap_layout


def enable_numba_cache() -> int:
    """Let numba cache UMAP's and pynndescent's compiled functions on disk.

    UMAP compiles its numba functions in every new process (about 15-30 s);
    most are not marked ``cache=True``.  Enabling numba's on-disk cache for
    them (in ``NUMBA_CACHE_DIR`` when set, otherwise next to the package or in
    the user's cache folder) lets later processes skip most of that compilation.
    Functions that take another compiled function as an argument (a distance,
    a kernel; see ``_FUNCTION_ARGUMENTS``) are left alone: numba cannot find
    their cached code in a new process, so it would only add an entry to the
    cache on every run.
    Returns the number of functions switched to caching (0 after the first call).
    """
    global _NUMBA_CACHE_ENABLED
    if _NUMBA_CACHE_ENABLED:
        return 0
    _NUMBA_CACHE_ENABLED = True
    try:
        from numba.core.caching import NullCache
        from numba.core.dispatcher import Dispatcher
    except ImportError:  # pragma: no cover
        return 0
    enabled = 0
    for name in _NUMBA_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for value in vars(module).values():
            if not isinstance(value, Dispatcher) or not isinstance(value._cache, NullCache):
                continue
            if _FUNCTION_ARGUMENTS & set(inspect.signature(value.py_func).parameters):
                continue
            if any(value is ours for ours in _NOGIL_LAYOUTS):  # see release_gil_in_umap_layout
                continue
            try:
                value.enable_caching()
                enabled += 1
            except Exception:  # e.g. no writable cache location
                continue
    logger.debug("numba on-disk cache enabled for %d functions", enabled)
    return enabled


def release_gil_in_umap_layout() -> bool:
    """Let UMAP's seeded layout run without Python's global interpreter lock, so threads overlap it.

    A seeded UMAP improves its layout one epoch at a time with a numba
    function compiled without ``nogil``: the lock is held for the whole
    epoch, and two UMAPs in two threads would take turns instead of using two
    CPUs.  This puts the same Python function, compiled with the same options
    plus ``nogil=True``, where UMAP looks it up.  The computation is unchanged
    (same code, same random states, one thread per layout), so a layout is the
    same to the bit.  The new function is not cached on disk: it would share
    its cache entry with UMAP's own compilation, which holds the lock
    (compiling it takes about half a second).

    Returns
    -------
    bool
        True when the layout runs without the lock (now or already), False when
        this version of UMAP has no such function (nothing is changed then).
    """
    import numba
    from numba.core.dispatcher import Dispatcher

    try:
        from umap import layouts
    except ImportError:  # pragma: no cover - umap is a dependency
        return False
    epoch = getattr(layouts, "_nb_optimize_layout_euclidean_single_epoch", None)
    if not isinstance(epoch, Dispatcher):
        return False
    if epoch.targetoptions.get("nogil"):
        return True
    options = {key: value for key, value in epoch.targetoptions.items() if key != "nopython"}
    without_lock = numba.njit(epoch.py_func, **options, nogil=True)
    _NOGIL_LAYOUTS.append(without_lock)
    layouts._nb_optimize_layout_euclidean_single_epoch = without_lock
    return True
