"""Helpers every test that talks to a real local server shares.

Kept in one place so the tests agree on how a port is picked, how long a
server may take to come up and how a wait that never ends is reported.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


def free_port() -> int:
    """A 127.0.0.1 port nothing listens on right now: to bind, or to find closed."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll ``condition``: a test waits for a state, never for a fixed time."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(0.05)


@contextmanager
def serve_app(app: Any, *, timeout: float = 30.0, **config: Any) -> Iterator[str]:
    """The ASGI app under uvicorn in a thread on a free port; yields its base URL.

    A real socket, as a browser or a downstream harvester meets it, yet cheap
    enough for a module-scoped fixture.
    """
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **config)
    )
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
