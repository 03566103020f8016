"""``sharenet tokens``: create, list and revoke the API tokens of operators and admins.

``create`` prints the token alone on its last line (scripts take ``| tail -1``);
it is shown this once and stored only as a hash.
"""

from __future__ import annotations

from datetime import datetime

import click

from sharenet.context import open_database
from sharenet.settings import Settings


@click.group("tokens")
def tokens() -> None:
    """API tokens: admin (the centre) or operator (one platform)."""


@tokens.command("create")
@click.option("--role", type=click.Choice(["admin", "operator"]), required=True)
@click.option("--platform", default=None, help="The operator's platform id (operators only).")
@click.option("--label", default="", help="Who or what holds the token, for the listing.")
@click.pass_obj
def create(settings: Settings, role: str, platform: str | None, label: str) -> None:
    """Create a token; it is printed once, alone on the last line."""
    from search_api.auth import create_token

    with open_database(settings) as db, db.session() as session:
        info, token = create_token(session, role=role, platform=platform, label=label)
    scope = f"platform {info.platform}" if info.platform else "every platform"
    click.echo(f"created {info.role} token {info.id} for {scope}; store it now, it is not kept:")
    click.echo(token)


@tokens.command("list")
@click.pass_obj
def list_(settings: Settings) -> None:
    """Every token's public id, role, platform and use (never the token itself)."""
    from search_api.auth import list_tokens

    with open_database(settings) as db, db.session() as session:
        infos = list_tokens(session)
    if not infos:
        click.echo("no tokens yet: sharenet tokens create --role admin")
        return
    click.echo(f"{'id':<10} {'role':<9} {'platform':<16} {'created':<17} {'last used':<17} status")
    for t in infos:
        state = f"revoked {_when(t.revoked_at)}" if t.revoked_at else "active"
        click.echo(
            f"{t.id:<10} {t.role:<9} {t.platform or '-':<16} {_when(t.created_at):<17} "
            f"{_when(t.last_used_at):<17} {state}{'  ' + t.label if t.label else ''}"
        )


@tokens.command("revoke")
@click.argument("token_id")
@click.pass_obj
def revoke(settings: Settings, token_id: str) -> None:
    """Revoke a token by its id (the part after ``snt_``); it stops working at once."""
    from search_api.auth import revoke_token

    with open_database(settings) as db, db.session() as session:
        info = revoke_token(session, token_id)
    click.echo(f"token {info.id} revoked")


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"
