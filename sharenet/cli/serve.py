"""``sharenet serve``: the search API and, by default, the harvest scheduler in one process."""

from __future__ import annotations

import click

from sharenet.settings import Settings


@click.command("serve")
@click.option("--host", default=None, help="Address to listen on [default: setting `host`].")
@click.option("--port", type=int, default=None, help="Port [default: setting `port`].")
@click.option("--log-level", default="info", show_default=True)
@click.pass_obj
def serve(settings: Settings, host: str | None, port: int | None, log_level: str) -> None:
    """Serve the public search API, the operator and centre APIs, and /metrics.

    The harvest scheduler runs in the same process unless SHARENET_SCHEDULER=false.

    Logs are JSON lines on stderr; API documentation is at /docs.
    """
    import uvicorn

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
    bind_host, bind_port = host or settings.host, port or settings.port
    click.echo(f"ShareNet API on http://{bind_host}:{bind_port}/ (docs at /docs)", err=True)
    try:
        uvicorn.run(
            app,
            host=bind_host,
            port=bind_port,
            log_config=None,
            access_log=False,
            proxy_headers=False,  # the app believes only `trusted_proxies`
            log_level=log_level.lower(),
        )
    finally:
        if harvest_scheduler is not None:
            harvest_scheduler.shutdown()
        backend.close()
        db.dispose()
