"""Flask commands: ``flask --app server <command>``."""

from __future__ import annotations

import base64
import sys

import click
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask, current_app
from flask.cli import with_appcontext

from .domain.errors import InvalidInput, RuleBroken
from .domain.roles import Role
from .extensions import db
from .persistence import User
from .services import accounts


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option("--team", default=None, help="Team name; created if new.")
@click.option("--display-name", default=None)
def create_user_command(
    username: str, role: str, team: str | None, display_name: str | None
) -> None:
    """Create a user. The password is read from stdin, or asked for at a prompt."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        user = accounts.create_user(
            username,
            password,
            role=role,
            display_name=display_name,
            team=accounts.get_or_create_team(team) if team else None,
        )
    except InvalidInput as error:
        db.session.rollback()
        for field, messages in error.errors.items():
            for message in messages if isinstance(messages, list) else [messages]:
                click.echo(f"{field}: {message}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"Created {user.role} {user.username}.")


@click.command("demo-data")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Load only into a database with no users.")
@click.option("--families", default=200, show_default=True)
@click.option("--seed", default=2026, show_default=True)
def demo_data_command(if_empty: bool, families: int, seed: int) -> None:
    """Load a realistic synthetic council (never real people) and print the demo sign-ins."""
    if current_app.config["PRODUCTION"]:
        raise click.ClickException("Demo data is never loaded in production.")
    # The demo council lives beside the service, not in it: a checkout has it, the
    # image does not (.dockerignore), so a real council's server cannot load it.
    try:
        import demo
    except ModuleNotFoundError as error:
        if error.name != "demo":
            raise
        raise click.ClickException(
            "The demo council is not installed here: load it from a checkout of the code."
        ) from None
    has_users = db.session.scalar(sa.select(sa.func.count(User.id))) or 0
    if if_empty and has_users:
        click.echo("The database already has data; demo data not loaded.")
    else:
        counts = demo.load_demo_data(families=families, seed=seed)
        click.echo("Loaded demo data: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
        # What the schedule would have made on the 1st, so analysts have a summary to open.
        from .jobs.reports import produce_monthly_summary

        produce_monthly_summary()
        click.echo("Last month's service summary is on its way (made in the background).")
    click.echo(demo.sign_in_help())


@click.command("vapid-keys")
def vapid_keys_command() -> None:
    """Print a new VAPID key pair for Web Push, as environment variables."""
    private_key = ec.generate_private_key(ec.SECP256R1())
    private_number = private_key.private_numbers().private_value.to_bytes(32, "big")
    public_bytes = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    click.echo(f"VAPID_PUBLIC_KEY={b64(public_bytes)}")
    click.echo(f"VAPID_PRIVATE_KEY={b64(private_number)}")


@click.command("sync-new-epoch")
@with_appcontext
def sync_new_epoch_command() -> None:
    """Start a new sync epoch after restoring a backup: every device re-pulls its caseload."""
    from .services.sync import start_new_epoch

    start_new_epoch()
    db.session.commit()
    click.echo("New sync epoch started. Devices will download their caseloads again.")


@click.command("enrolment-code")
@with_appcontext
@click.argument("username")
def enrolment_code_command(username: str) -> None:
    """Issue a one-time code for a user's first authenticator app (the first admin's too)."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        click.echo(f"No user {username}.", err=True)
        raise SystemExit(1)
    try:
        code, expires_at = accounts.issue_enrolment_code(user)
    except RuleBroken as error:
        click.echo(error.message, err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"Enrolment code for {user.username}: {code}")
    click.echo(f"It works once, until {expires_at:%H:%M} UTC. Give it to them directly.")


def init_app(app: Flask) -> None:
    for command in (
        create_user_command,
        demo_data_command,
        vapid_keys_command,
        sync_new_epoch_command,
        enrolment_code_command,
    ):
        app.cli.add_command(command)
