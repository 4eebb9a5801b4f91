"""What the browser tests share: serving ``run.py viz`` on a free port, a headless chromium,
and waits on what the page or the server shows, never on the clock.

Every wait has one generous overall timeout (:data:`TIMEOUT_MS`), so a loaded machine makes a
test slower, not red. Playwright's ``expect`` retries its assertion until the page shows the
expected text (it polls the page, not a fixed delay); :func:`wait_until` does the same for
conditions outside the page (a port that answers or is freed).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
TIMEOUT_MS = 180_000  # the longest any one thing the page shows may take, under load
POLL_S = 0.05  # how often wait_until looks again (a poll, not a wait for time to pass)
# On every browser test: skipped without chromium, except under CI, where that is a failure.
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason="needs Debian's chromium at /usr/bin/chromium (make browser installs it); under "
    "CI its absence fails the test instead")


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_answers(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:``port``."""
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_until(condition: Callable[[], bool], what: str,
               timeout_s: float = TIMEOUT_MS / 1000) -> None:
    """Return as soon as ``condition()`` holds; fail naming ``what`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout_s:.0f} s")
        time.sleep(POLL_S)


def _answers_200(url: str, process: subprocess.Popen, log: Path) -> bool:
    if process.poll() is not None:
        pytest.fail(f"the app exited: {log.read_text()}")
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def serve(tmp_path: Path, *args: str) -> Iterator[tuple[subprocess.Popen, str, Path]]:
    """``run.py viz ARGS`` on a free port, once it answers; yields its process, URL and log
    file; stops the whole process group afterwards."""
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "run.py", "viz", *args, "--port", str(port)],
                                   cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until(lambda: _answers_200(url, process, log), f"the app at {url}")
        yield process, url, log
    finally:
        with contextlib.suppress(ProcessLookupError):  # a test may have stopped it already
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_quiet(page, pattern: str, quiet_ms: int) -> None:
    """Wait until the text of the page's element matching the regular expression
    ``pattern`` has not changed for ``quiet_ms`` (after a pause, Mesa's play loop may still
    finish one step, which the page shows within one play interval)."""
    page.wait_for_function(
        """([pattern, quiet]) => {
            const re = new RegExp(pattern);
            const el = [...document.querySelectorAll('*')].find(
                e => e.children.length === 0 && re.test(e.textContent));
            const text = el ? el.textContent : null, now = performance.now();
            if (window.__quiet === undefined || window.__quiet.text !== text) {
                window.__quiet = {text: text, since: now};
            }
            return text !== null && now - window.__quiet.since >= quiet;
        }""", arg=[pattern, quiet_ms], polling=100)


@contextlib.contextmanager
def page_of(url: str, errors: list[str], height: int = 1400) -> Iterator:
    """A headless chromium page at ``url`` whose page errors and console errors go to
    ``errors``; every ``expect`` on it waits up to :data:`TIMEOUT_MS`."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": height})
            page.set_default_timeout(TIMEOUT_MS)
            page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
            page.on("console",
                    lambda m: m.type == "error" and errors.append(f"console: {m.text}"))
            page.goto(url)
            yield page
        finally:
            browser.close()
