"""A Dagster UI (webserver) started by a test: a free loopback port, waiting for it, its GraphQL."""
from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_answering(url: str, server: subprocess.Popen, seconds: float,
                         why_it_exited: Callable[[], str] = lambda: "") -> None:
    """Until ``url/server_info`` answers; fails at once if ``server`` exits, or after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{url}/server_info", timeout=5)
            return
        except OSError:
            assert server.poll() is None, f"the Dagster UI exited: {why_it_exited()}"
            assert time.monotonic() < deadline, f"the Dagster UI did not answer within {seconds:.0f} s"
            time.sleep(1)


def graphql(url: str, query: str) -> dict:
    """The whole GraphQL answer (``data``, and ``errors`` when there are any)."""
    request = urllib.request.Request(f"{url}/graphql", data=json.dumps({"query": query}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)
