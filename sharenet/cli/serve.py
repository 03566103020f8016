"""``sharenet serve``: the search API on one address, answered by one process per core,
and, by default, the harvest scheduler (in one process only)."""

from __future__ import annotations

import click

from sharenet.settings import Settings


@click.command("serve")
@click.option("--host", default=None, help="Address to listen on [default: setting `host`].")
@click.option("--port", type=int, default=None, help="Port [default: setting `port`].")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes answering requests [default: one per core].",
)
@click.option("--log-level", default="info", show_default=True)
@click.pass_obj
def serve(
    settings: Settings, host: str | None, port: int | None, workers: int | None, log_level: str
) -> None:
    """Serve the public search API, the operator and centre APIs, and /metrics.

    With several workers, this process binds the address, runs the harvest
    scheduler and supervises the workers; with one, it does everything itself.
    The scheduler runs unless SHARENET_SCHEDULER=false.

    Logs are JSON lines on stderr; API documentation is at /docs.
    """
    import uvicorn

    from sharenet.workers import default_workers, run_workers, uvicorn_config

    bind_host, bind_port = host or settings.host, port or settings.port
    count = workers or default_workers()
    if count > 1:
        click.echo(
            f"ShareNet API on http://{bind_host}:{bind_port}/ (docs at /docs), {count} workers",
            err=True,
        )
        run_workers(settings, bind_host, bind_port, log_level, count)
        return

    from search_api.app import create_app
    from search_api.logging_ import configure_logging
    from sharenet.api import api_config
    from sharenet.context import open_backend, open_database
    from sharenet.scheduling import make_scheduler

    configure_logging(log_level)
    db = open_database(settings)
    backend = open_backend(settings)
    backend.check()
    harvest_scheduler = make_scheduler(settings, db) if settings.scheduler else None
    app = create_app(api_config(settings, db, backend, scheduler=harvest_scheduler))
    if harvest_scheduler is not None:
        harvest_scheduler.start()
    click.echo(f"ShareNet API on http://{bind_host}:{bind_port}/ (docs at /docs)", err=True)
    try:
        uvicorn.Server(uvicorn_config(app, bind_host, bind_port, log_level)).run()
    finally:
        if harvest_scheduler is not None:
            harvest_scheduler.shutdown()
        backend.close()
        db.dispose()
