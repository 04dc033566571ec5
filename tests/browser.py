"""Headless Chromium driven over the DevTools protocol: every request a page makes, and axe-core's
WCAG audit of it. Needs Debian's ``chromium``; axe-core comes from npm into a cache
(``SEND_WAREHOUSE_TEST_CACHE``, default ``~/.cache/send-warehouse-tests``), and is found there
offline once fetched (``.ci/run`` fetches it)."""
from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import shutil
import subprocess
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = shutil.which("chromium")
AXE_VERSION = "4.11.0"
AXE_DIR = (Path(os.environ.get("SEND_WAREHOUSE_TEST_CACHE", Path.home() / ".cache" / "send-warehouse-tests"))
           / f"axe-core-{AXE_VERSION}")
# WCAG 2.0, 2.1 and 2.2, levels A and AA: the rules axe-core tags with these.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
LOCAL_SCHEMES = ("file:", "data:")
SETTLE_SECONDS = 1.0  # after the load event, how long a page must stay quiet


def axe_script() -> str | None:
    """axe-core's ``axe.min.js``, fetched once with ``npm pack`` (None when it cannot be had)."""
    script = AXE_DIR / "package" / "axe.min.js"
    npm = shutil.which("npm")
    if not script.is_file() and npm is not None:
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", str(AXE_DIR)],
                       capture_output=True, timeout=300, check=False)
        tarball = AXE_DIR / f"axe-core-{AXE_VERSION}.tgz"
        if tarball.is_file():
            with tarfile.open(tarball) as archive:
                archive.extractall(AXE_DIR, filter="data")
    return script.read_text(encoding="utf-8") if script.is_file() else None


@dataclass
class Visit:
    url: str
    requests: list[str] = field(default_factory=list)  # every URL the page asked for, itself included
    violations: list[dict] = field(default_factory=list)  # axe-core's, when audited

    @property
    def non_local_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(LOCAL_SCHEMES)]


class Chromium:
    """One headless Chromium with the network cut (a proxy that refuses, names that never resolve)."""

    def __init__(self, profile: Path):
        from websockets.sync.client import connect

        self._stack = contextlib.ExitStack()
        log = self._stack.enter_context((profile.parent / f"{profile.name}.log").open("w+"))
        self._process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
             "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=log)
        self._stack.callback(self._stop)
        deadline = time.monotonic() + 60
        while not (found := re.search(r"DevTools listening on (ws://\S+)", Path(log.name).read_text())):
            if time.monotonic() > deadline or self._process.poll() is not None:
                raise RuntimeError(f"chromium did not start its DevTools server (log: {log.name})")
            time.sleep(0.1)
        self._socket = self._stack.enter_context(connect(found.group(1), max_size=None, open_timeout=30,
                                                         proxy=None))
        self._ids = itertools.count(1)
        self._events: list[dict] = []

    def _stop(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=30)

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _send(self, method: str, session: str | None = None, **params) -> dict:
        message_id = next(self._ids)
        message = {"id": message_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self._socket.send(json.dumps(message))
        while True:
            reply = json.loads(self._socket.recv(timeout=120))
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self._events.append(reply)

    def _drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self._events.append(json.loads(self._socket.recv(timeout=left)))
            except TimeoutError:
                return

    def visit(self, url: str, axe: str | None = None) -> Visit:
        """Load ``url`` in a new tab, record every request it makes, and audit it with ``axe``."""
        target = self._send("Target.createTarget", url="about:blank")["targetId"]
        session = self._send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self._events.clear()
        self._send("Network.enable", session)
        self._send("Page.enable", session)
        self._send("Page.navigate", session, url=url)
        deadline = time.monotonic() + 60
        while not any(e.get("method") == "Page.loadEventFired" and e.get("sessionId") == session
                      for e in self._events) and time.monotonic() < deadline:
            self._drain(0.2)
        self._drain(SETTLE_SECONDS)
        visit = Visit(url, [e["params"]["request"]["url"] for e in self._events
                            if e.get("method") == "Network.requestWillBeSent" and e.get("sessionId") == session])
        if axe is not None:
            self._send("Runtime.evaluate", session, expression=axe)
            result = self._send("Runtime.evaluate", session, awaitPromise=True, returnByValue=True, expression=(
                f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(WCAG_22_AA)}}}}})"
                ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                " nodes: v.nodes.map(n => n.target.join(' '))})))"))
            visit.violations = result["result"]["value"]
        self._send("Target.closeTarget", targetId=target)
        return visit
