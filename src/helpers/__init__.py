"""rarevoices: research notebooks on how rare-disease communities share health knowledge online.

The importable package is ``helpers``; notebooks call its functions and show
their results.  See README.md and docs/ for the method and the data model.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rarevoices")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"
