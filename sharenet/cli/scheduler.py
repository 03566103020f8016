"""``sharenet scheduler``: the harvest scheduler alone, for a split deployment."""

from __future__ import annotations

import signal
import threading

import click

from sharenet.settings import Settings


@click.command("scheduler")
@click.pass_obj
def scheduler(settings: Settings) -> None:
    """Run every enabled source on its schedule until stopped (SIGINT or SIGTERM).

    Use with ``SHARENET_SCHEDULER=false`` on the ``sharenet serve`` processes and a
    shared PostgreSQL store, so that exactly one process schedules.
    """
    from sharenet.context import open_database
    from sharenet.scheduling import make_scheduler

    db = open_database(settings)
    harvest_scheduler = make_scheduler(settings, db)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    harvest_scheduler.start()
    click.echo("ShareNet scheduler running; Ctrl-C to stop", err=True)
    try:
        while not stop.wait(60):
            harvest_scheduler.sync_jobs()  # schedules edited through the API take effect
    finally:
        harvest_scheduler.shutdown()
        db.dispose()
