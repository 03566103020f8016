"""Several processes answering one address: ``sharenet serve --workers N``.

One Python process answers on one core at a time, so a machine's cores are
used by as many worker processes as it has. They share everything that lasts:
the store (SQLite in WAL mode, or PostgreSQL), the index directory (each worker
reads the generation and commit the others see) and the secrets of the data
directory. This process binds the address, starts the workers (fresh
interpreters, so a worker that died can be replaced safely), runs the harvest
scheduler -- in this process only -- and, when stopped, stops the workers
gracefully: each finishes its requests and writes its pending service records.

The workers also share the seed of the daily client key of the service
records (:class:`search_api.service.recorder.ServiceRecorder`): handed to each
through its start-up pipe, never written down, so a client counts once per day
whichever worker answers it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import secrets
import signal
import socket
import threading
import time
from multiprocessing.process import BaseProcess

import uvicorn
from fastapi import FastAPI

from sharenet.settings import Settings

log = logging.getLogger(__name__)

STOP_SECONDS = 30.0
"""How long a stopping worker may take to finish its requests before it is killed."""
SYNC_SECONDS = 60.0
"""How often the scheduler re-reads the sources' schedules edited through the API."""


def default_workers() -> int:
    """One worker per core this process may run on."""
    return max(1, len(os.sched_getaffinity(0)))


def run_worker(settings: Settings, sock: socket.socket | None, seed: bytes, log_level: str) -> None:
    """One API process on ``sock`` (or, without one, on the settings' address) until stopped.

    Without a scheduler of its own, a harvest started through this worker's API runs
    in a thread of it; the sources' schedules belong to the parent's scheduler.
    """
    from search_api.app import create_app
    from search_api.logging_ import configure_logging
    from sharenet.api import api_config
    from sharenet.context import open_backend, open_database

    configure_logging(log_level)
    db = open_database(settings)
    backend = open_backend(settings)
    try:
        backend.check()
        app = create_app(api_config(settings, db, backend, seed=seed))
        server = uvicorn.Server(uvicorn_config(app, settings.host, settings.port, log_level))
        server.run(sockets=[sock] if sock is not None else None)
    finally:
        backend.close()
        db.dispose()


def uvicorn_config(app: FastAPI, host: str, port: int, log_level: str) -> uvicorn.Config:
    """The server options every ``sharenet serve`` process uses."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        proxy_headers=False,  # the app believes only `trusted_proxies`
        log_level=log_level.lower(),
        timeout_graceful_shutdown=int(STOP_SECONDS),
    )


def run_workers(settings: Settings, host: str, port: int, log_level: str, count: int) -> None:
    """Bind ``host:port``, keep ``count`` workers answering on it, schedule harvests here."""
    from search_api.logging_ import configure_logging
    from sharenet.context import open_backend, open_database
    from sharenet.scheduling import make_scheduler

    configure_logging(log_level)
    backend = open_backend(settings)
    try:
        backend.check()  # a clear error here, not workers failing one after another
    finally:
        backend.close()
    db = open_database(settings)  # migrated here once, before any worker opens it
    sock = uvicorn.Config("sharenet", host=host, port=port).bind_socket()
    seed = secrets.token_bytes(32)
    context = multiprocessing.get_context("spawn")
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())

    def start() -> BaseProcess:
        worker = context.Process(
            target=run_worker, args=(settings, sock, seed, log_level), name="sharenet-worker"
        )
        worker.start()
        return worker

    workers = [start() for _ in range(count)]
    harvest_scheduler = make_scheduler(settings, db) if settings.scheduler else None
    if harvest_scheduler is not None:
        harvest_scheduler.start()
    synced = time.monotonic()
    try:
        while not stop.wait(1.0):
            for i, worker in enumerate(workers):
                if not worker.is_alive():
                    log.warning(
                        "worker %s ended with %s; starting another", worker.pid, worker.exitcode
                    )
                    workers[i] = start()
            if harvest_scheduler is not None and time.monotonic() - synced > SYNC_SECONDS:
                harvest_scheduler.sync_jobs()  # schedules edited through the API take effect
                synced = time.monotonic()
    finally:
        _stop(workers)
        if harvest_scheduler is not None:
            harvest_scheduler.shutdown()
        sock.close()
        db.dispose()


def _stop(workers: list[BaseProcess]) -> None:
    """SIGTERM: each worker stops taking connections, finishes, writes what it counted."""
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
    deadline = time.monotonic() + STOP_SECONDS + 5
    for worker in workers:
        worker.join(max(0.0, deadline - time.monotonic()))
        if worker.is_alive():
            log.error("worker %s did not stop in time; killed", worker.pid)
            worker.kill()
            worker.join()
