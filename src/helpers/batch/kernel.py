"""The kernel a chain of notebooks shares: started once, cleared between notebooks, imports frozen."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager

logger = logging.getLogger(__name__)


KERNEL_NAME = "python3"
KERNEL_TIMEOUT = 120  # seconds for a kernel to start or to clear its variables
FIGURES_SETUP = """
import matplotlib
import matplotlib.pyplot
matplotlib.pyplot.switch_backend(matplotlib.get_backend())
matplotlib.pyplot.uninstall_repl_displayhook()
"""
"""Run once in each notebook kernel: draw every figure once, when it is shown.

With the inline backend, pyplot also redraws every changed figure after each
cell (its REPL hook, meant for figure windows); Agg has no idle drawing, so
that is a whole extra draw of every figure, right before the inline backend
draws it again for the notebook, which doubled the time spent drawing
figures in every notebook.  The hook is installed when the backend is loaded, so the
backend is loaded first and the hook removed; figures are still shown (and
closed) after each cell by the inline backend's own hook.
"""
KERNEL_MODULES = (
    "pandas", "matplotlib.pyplot", "networkx", "helpers.config", "helpers.plots", "helpers.ingest.report",
    "helpers.classify.report", "helpers.topics", "helpers.networks", "helpers.summaries",
)
"""What the notebooks import; the kernel imports them at start (see :data:`IMPORTS_SETUP`)."""
IMPORTS_SETUP = f"""
def _rarevoices_imports():
    import gc
    import importlib
    for name in {KERNEL_MODULES!r}:
        try:
            importlib.import_module(name)
        except ImportError:  # the notebook that imports it shows the error
            pass
    gc.freeze()
_rarevoices_imports()
del _rarevoices_imports
"""
"""Run once in each notebook kernel after :data:`FIGURES_SETUP`: import the libraries, then
exclude what importing made from the garbage collector's passes.

The imported modules' objects (about 160,000) live as long as the kernel,
yet every full garbage collection (``%reset`` between notebooks runs one, and
pandas' allocations trigger more) walked through all of them again.
``gc.freeze()`` sets them aside; they are still freed by reference counting.
Only what exists at the kernel's start is frozen (no notebook's data), so no
data can outlive its notebook.  Every notebook of a chain gains from it, since
each runs several full collections.
The names are not left in the notebooks' namespace.
"""


class _ChainKernelManager(AsyncKernelManager):
    """A kernel manager that stops every client it handed out.

    papermill opens a new client for every notebook and leaves it running when
    the kernel is not its own; each would keep a zmq context, a heartbeat
    thread and about 20 file descriptors for the life of the worker process.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.handed_out: list[AsyncKernelClient] = []

    def client(self, **kwargs: Any) -> AsyncKernelClient:
        """A client of this kernel, remembered so that :meth:`stop_clients` can stop it."""
        client = super().client(**kwargs)
        self.handed_out.append(client)
        return client

    def stop_clients(self) -> None:
        """Stop every client's channels (their zmq contexts then close with them)."""
        for client in self.handed_out:
            client.stop_channels()
        self.handed_out = []


class ChainKernel:
    """One Jupyter kernel for an organisation's notebooks, its variables cleared before each.

    Starting a kernel and importing pandas, matplotlib, scikit-learn and the
    helpers costs 2 to 5 s; an organisation's five notebooks pay it once.
    Before each notebook every name the previous one defined is deleted
    (IPython's ``%reset -f``), so a notebook that uses a variable it did not
    define fails here as it would alone.  Imported modules stay loaded.

    On POSIX systems the kernel talks to papermill through Unix sockets in a
    private temporary folder instead of unencrypted TCP on localhost: the
    notebooks' outputs hold health posts, and other users of a shared server
    cannot reach such sockets.
    """

    def __init__(self, cwd: str) -> None:
        self.cwd = cwd
        self._sockets: str | None = None
        if os.name == "posix":
            self._sockets = tempfile.mkdtemp(prefix="rarevoices-kernel-")  # mode 0700
            self.manager = _ChainKernelManager(kernel_name=KERNEL_NAME, transport="ipc",
                                               ip=os.path.join(self._sockets, "kernel"))
        else:
            self.manager = _ChainKernelManager(kernel_name=KERNEL_NAME)

    def start(self) -> None:
        """Start the kernel in ``cwd`` and set it up (:data:`FIGURES_SETUP`, :data:`IMPORTS_SETUP`)."""
        from jupyter_core.utils import run_sync

        # No input history: IPython would keep every executed cell (and so what it shows) in
        # ~/.ipython/profile_default/history.sqlite, outside the study's folders.
        run_sync(self.manager.start_kernel)(cwd=self.cwd, extra_arguments=["--HistoryManager.enabled=False"])
        self.run_silently(FIGURES_SETUP)
        self.run_silently(IMPORTS_SETUP)

    def clear(self) -> None:
        """Delete every variable of the kernel's namespace (the kernel keeps running)."""
        self.run_silently("get_ipython().run_line_magic('reset', '-f')")

    def run_silently(self, code: str) -> None:
        """Execute ``code`` in the kernel without output or history.

        Raises
        ------
        RuntimeError
            When the code fails in the kernel.
        """
        from jupyter_core.utils import run_sync

        run_sync(self._run_silently)(code)

    async def _run_silently(self, code: str) -> None:
        client = self.manager.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=KERNEL_TIMEOUT)
            reply = await client.execute_interactive(code, silent=True, store_history=False,
                                                     timeout=KERNEL_TIMEOUT)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"could not run {code!r} in the notebook kernel: {reply['content']}")
        finally:
            client.stop_channels()

    def shutdown(self) -> None:
        """Stop the kernel and remove its sockets."""
        from jupyter_core.utils import run_sync

        try:
            if self.manager.has_kernel:
                run_sync(self.manager.shutdown_kernel)(now=True)
        finally:
            self.manager.stop_clients()
            if self._sockets is not None:
                shutil.rmtree(self._sockets, ignore_errors=True)


@contextmanager
def chain_kernel(cwd: str) -> Iterator[ChainKernel]:
    """A started :class:`ChainKernel`, shut down afterwards."""
    kernel = ChainKernel(cwd)
    kernel.start()
    try:
        yield kernel
    finally:
        try:
            kernel.shutdown()
        except Exception:  # the notebooks' outcome stands; the kernel process ends with its parent
            logger.warning("Could not shut the notebook kernel down cleanly", exc_info=True)
