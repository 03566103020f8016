"""The ``sharenet`` command: a click group whose subcommands live one module each.

Subcommands are imported only when invoked, so ``sharenet sources list`` does not
pay for loading the web stack or a search-cluster client.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import click

from mappings.errors import ShareNetError
from sharenet.settings import Settings

COMMANDS: dict[str, str] = {
    "platforms": "sharenet.cli.platforms:platforms",
    "sources": "sharenet.cli.sources:sources",
    "adapters": "sharenet.cli.adapters:adapters",
    "harvest": "sharenet.cli.harvest:harvest",
    "runs": "sharenet.cli.harvest:runs",
    "records": "sharenet.cli.records:records",
    "demo": "sharenet.cli.demo:demo",
    "tokens": "sharenet.cli.tokens:tokens",
    "serve": "sharenet.cli.serve:serve",
    "scheduler": "sharenet.cli.scheduler:scheduler",
    "report": "sharenet.cli.report:report",
    "links": "sharenet.cli.links:links",
    "index": "sharenet.cli.index:index",
    "rules": "sharenet.cli.rules:rules",
}
"""Command name -> ``module:attribute`` of its click command."""


class LazyGroup(click.Group):
    """Loads a subcommand's module on first use and turns ShareNet errors into one clear line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ShareNetError as exc:
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(1)


@click.group(cls=LazyGroup)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data directory (store, index, scheduler state). Env: SHARENET_DATA_DIR.",
)
@click.option("--database-url", default=None, help="Store URL. Env: SHARENET_DATABASE_URL.")
@click.version_option(package_name="sharenet")
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None, database_url: str | None) -> None:
    """ShareNet: harvest the national platforms' catalogues, index them, serve search."""
    overrides: dict[str, Any] = {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if database_url is not None:
        overrides["database_url"] = database_url
    ctx.obj = Settings(**overrides)
