"""``sharenet demo``: the README's main command."""

from __future__ import annotations

from pathlib import Path

import click

from sharenet.settings import Settings


@click.command("demo")
@click.option("--port", type=int, default=8000, show_default=True, help="Port of the search API.")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Store and index of the demo (default: <data dir>/demo). Re-runs are incremental.",
)
@click.option("--no-serve", is_flag=True, help="Harvest and index, then exit.")
@click.pass_obj
def demo(settings: Settings, port: int, data_dir: Path | None, no_serve: bool) -> None:
    """Start the demo platforms on 127.0.0.1, harvest and index them, serve search."""
    from sharenet.demo.run import run_demo

    chosen = data_dir if data_dir is not None else settings.data_dir / "demo"
    demo_settings = settings.model_copy(update={"data_dir": chosen})
    click.echo(f"ShareNet demo: data in {chosen.resolve()}")
    outcome = run_demo(demo_settings, port=port, serve=not no_serve, echo=click.echo)
    if not outcome.ok:
        failed = ", ".join(r.source for r in outcome.reports if not r.ok)
        raise click.ClickException(f"harvest failed for {failed}")
