"""Headless Chromium for the reports: check that a page works, and take screenshots of it.

Talks to Chromium over the DevTools protocol (websocket-client), so nothing
needs Selenium or Playwright.  Chromium is Debian's package, which
``make setup`` installs where it can; nothing here installs it.  Used by the
tests (every page of a batch must load without errors) and by ``make demo``
(screenshots of the first screens under ``reports/screenshots/``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websocket

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
]


def find_chromium() -> str | None:
    """Path of Chromium, or None.  ``make setup`` installs Debian's package where it can (never a test)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageCheck:
    """What the browser saw."""

    console_errors: list[str] = field(default_factory=list)
    images: int = 0
    broken_images: list[str] = field(default_factory=list)
    title: str = ""
    external_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)  # anything not in the page's own folder
    empty_figures: int = 0


class Browser:
    """One headless Chromium for many pages: ``with Browser(chromium) as browser: browser.check(path)``.

    Starting Chromium costs about a second; a session opens each page in the
    same tab, so checking every page of a batch takes a fraction of that.
    """

    def __init__(self, chromium: str, timeout: float = 60.0) -> None:
        self.chromium = chromium
        self.timeout = timeout

    def __enter__(self) -> Browser:
        self._profile = tempfile.TemporaryDirectory(ignore_cleanup_errors=True)
        self._process = subprocess.Popen(
            [self.chromium, *CHROMIUM_FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self._socket = _connect(Path(self._profile.name), self.timeout)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._socket.close()
        finally:
            _stop_process_group(self._process)
            self._profile.cleanup()

    def check(self, path: Path) -> PageCheck:
        """Load ``path`` in the session's tab (see :func:`check_page` for what is collected)."""
        return _inspect(self._socket, path.resolve().as_uri(), self.timeout)

    def screenshot(self, path: Path, out: Path, width: int, height: int = 900,
                   full_page: bool = False) -> Path:
        """A PNG of ``path`` at ``width`` CSS pixels (the first screen, or the whole page)."""
        return _screenshot(self._socket, path.resolve().as_uri(), out, width, height, full_page, self.timeout)


SCREEN_WIDTHS = {"1400": (1400, 900), "a4": (794, 1123)}
"""Widths the screenshots are taken at: a laptop screen, and A4 paper at 96 dpi (210 mm)."""


def save_screenshots(chromium: str, pages: dict[str, Path], folder: Path) -> list[Path]:
    """The first screen of each page at 1400 px and at A4 width, as ``<folder>/<name>_<width>.png``.

    Parameters
    ----------
    pages : dict
        A short name for each page (``"index"``, ``"compare"``, an
        organisation id) and its HTML file; missing files are skipped.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with Browser(chromium) as browser:
        for name, page in pages.items():
            if not page.is_file():
                continue
            for label, (width, height) in SCREEN_WIDTHS.items():
                written.append(browser.screenshot(page, folder / f"{name}_{label}.png", width, height))
    return written


def check_page(chromium: str, path: Path, timeout: float = 60.0) -> PageCheck:
    """Load ``path`` and collect console errors, exceptions, broken images and network requests."""
    # Chromium's helper processes (renderer, crashpad) can still write into the profile for a
    # moment after the browser process has ended; a late file must not fail the check.
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        process = subprocess.Popen(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so that the helpers end with it
        )
        try:
            socket = _connect(Path(profile), timeout)
            try:
                return _inspect(socket, path.resolve().as_uri(), timeout)
            finally:
                socket.close()
        finally:
            _stop_process_group(process)


def _stop_process_group(process: subprocess.Popen) -> None:
    """Terminate a process started with ``start_new_session`` and every process of its group."""
    with contextlib.suppress(ProcessLookupError):  # the whole group has already ended
        os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def _devtools_port(port_file: Path, deadline: float) -> str:
    """The port Chromium writes to its profile's ``DevToolsActivePort`` once it listens.

    The file can exist before its first line is written: it is read again until it has one.
    """
    while True:
        lines = port_file.read_text().splitlines() if port_file.exists() else []
        if lines and lines[0].strip():
            return lines[0].strip()
        if time.monotonic() > deadline:
            raise TimeoutError("Chromium did not open its DevTools port")
        time.sleep(0.1)


def _connect(profile: Path, timeout: float) -> websocket.WebSocket:
    deadline = time.monotonic() + timeout
    port = _devtools_port(profile / "DevToolsActivePort", deadline)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json") as response:
        targets = json.load(response)
    page = next(t for t in targets if t.get("type") == "page")
    return websocket.create_connection(page["webSocketDebuggerUrl"], timeout=timeout)


def _inspect(socket: websocket.WebSocket, url: str, timeout: float) -> PageCheck:
    check = PageCheck()
    counter = iter(range(1, 10_000))

    def send(method: str, **params: object) -> int:
        message_id = next(counter)
        socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        return message_id

    for domain in ("Runtime.enable", "Log.enable", "Page.enable", "Network.enable"):
        send(domain)
    send("Page.navigate", url=url)
    deadline = time.monotonic() + timeout
    loaded = False
    ready_query = -1
    socket.settimeout(1.0)
    while time.monotonic() < deadline and not loaded:
        try:
            event = json.loads(socket.recv())
        except websocket.WebSocketTimeoutException:  # no event for a while: ask whether the page is done
            ready_query = send("Runtime.evaluate", expression="document.readyState", returnByValue=True)
            continue
        if event.get("id") == ready_query:
            loaded = event.get("result", {}).get("result", {}).get("value") == "complete"
            continue
        method = event.get("method", "")
        params = event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            check.console_errors.append(
                " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
            )
        elif method == "Runtime.exceptionThrown":
            check.console_errors.append(params["exceptionDetails"].get("text", "exception"))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            check.console_errors.append(params["entry"].get("text", ""))
        elif method == "Network.requestWillBeSent":
            request_url = params["request"]["url"]
            check.requests.append(request_url)
            if request_url.startswith(("http://", "https://")):
                check.external_requests.append(request_url)
        elif method == "Page.loadEventFired":
            loaded = True
    if not loaded:
        raise TimeoutError(f"{url} did not finish loading")
    script = (
        "JSON.stringify({title: document.title, images: Array.from(document.images).map("
        "i => [i.src.slice(0, 80), i.complete && i.naturalWidth > 0])})"
    )
    socket.settimeout(timeout)
    wanted = send("Runtime.evaluate", expression=script, returnByValue=True)
    while True:
        reply = json.loads(socket.recv())
        if reply.get("id") == wanted:
            break
    result = json.loads(reply["result"]["result"]["value"])
    check.title = result["title"]
    check.images = len(result["images"])
    check.broken_images = [src for src, ok in result["images"] if not ok]
    check.empty_figures = _empty_figures(socket, send)
    folder = url.rsplit("/", 1)[0] + "/"
    check.outside_requests = [u for u in check.requests if not u.startswith(folder) and u != url
                              and not u.startswith("data:")]
    return check


def _evaluate(socket: websocket.WebSocket, send, expression: str) -> object:
    wanted = send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
    while True:
        reply = json.loads(socket.recv())
        if reply.get("id") == wanted:
            return reply["result"]["result"].get("value")


def _empty_figures(socket: websocket.WebSocket, send) -> int:
    """Plotly figure containers that hold no drawn figure (checked after plotly has had time to draw)."""
    script = ("new Promise(done => setTimeout(() => done(Array.from(document.querySelectorAll("
              "'.plotly-graph-div')).filter(d => !d.querySelector('.main-svg')).length), 500))")
    return int(_evaluate(socket, send, script) or 0)


def _screenshot(socket: websocket.WebSocket, url: str, out: Path, width: int, height: int, full_page: bool,
                timeout: float) -> Path:
    """Navigate to ``url`` at a given window width and save a PNG screenshot to ``out``."""
    import base64

    counter = iter(range(100_000, 200_000))

    def send(method: str, **params: object) -> int:
        message_id = next(counter)
        socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        return message_id

    def wait(message_id: int) -> dict:
        while True:
            reply = json.loads(socket.recv())
            if reply.get("id") == message_id:
                return reply.get("result", {})

    socket.settimeout(timeout)
    wait(send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
              mobile=False))
    wait(send("Page.navigate", url=url))
    _evaluate(socket, send, "new Promise(done => { const ready = () => setTimeout(done, 800); "
                            "document.readyState === 'complete' ? ready() : "
                            "addEventListener('load', ready); })")
    params: dict[str, object] = {"format": "png"}
    if full_page:
        metrics = wait(send("Page.getLayoutMetrics"))
        size = metrics.get("cssContentSize") or metrics.get("contentSize")
        params["clip"] = {"x": 0, "y": 0, "width": width, "height": min(size["height"], 20_000), "scale": 1}
        params["captureBeyondViewport"] = True
    data = wait(send("Page.captureScreenshot", **params))["data"]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(base64.b64decode(data))
    return out
