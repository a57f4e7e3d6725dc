"""Run ``rarevoices`` with a folder mounted read-only, in a private mount namespace (no root needed).

``chmod`` does not stop root, which CI runs as; a read-only bind mount in a
user and mount namespace of our own (``unshare``) gives the real ``EROFS``
a read-only disk or share gives.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

RAREVOICES = Path(sys.executable).parent / "rarevoices"


def _namespace(script: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
                          capture_output=True, text=True, timeout=timeout)


def can_mount_read_only(scratch: Path) -> bool:
    """Whether this machine lets a test mount a folder read-only (creates ``scratch/probe``)."""
    if shutil.which("unshare") is None:
        return False
    probe = scratch / "probe"
    probe.mkdir(exist_ok=True)
    done = _namespace(f'mount --bind "{probe}" "{probe}" && mount -o remount,bind,ro "{probe}"')
    return done.returncode == 0


def read_only_run(folder: Path, *command: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """``rarevoices COMMAND...`` with ``folder`` read-only; its exit status, stdout and stderr."""
    quoted = " ".join(f'"{part}"' for part in (str(RAREVOICES), *command))
    return _namespace(f'mount --bind "{folder}" "{folder}" && mount -o remount,bind,ro "{folder}" && '
                      + quoted, timeout)
