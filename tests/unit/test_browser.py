"""Talking to headless Chromium (helpers.browser)."""

from __future__ import annotations


def test_the_devtools_port_is_read_once_chromium_has_written_it(tmp_path) -> None:
    """Chromium creates DevToolsActivePort before writing its first line; an empty file is not a port."""
    import threading
    import time

    from helpers.browser import _devtools_port

    port_file = tmp_path / "DevToolsActivePort"
    port_file.write_text("")
    threading.Timer(0.3, lambda: port_file.write_text("40123\n/devtools/browser/x\n")).start()
    assert _devtools_port(port_file, time.monotonic() + 5) == "40123"
    empty = tmp_path / "never"
    empty.write_text("")
    try:
        _devtools_port(empty, time.monotonic() + 0.3)
    except TimeoutError:
        pass
    else:
        raise AssertionError("an empty port file never gives a port")
