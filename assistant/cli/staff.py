"""`assistant staff add|disable|list|demo-logins`: the people who may sign in to the staff console at /staff/."""

from __future__ import annotations

import json
import secrets
import sys

import click

from .. import seeding
from ..config import create_once
from ..staff import accounts, audit
from .context import Context, fail

DEMO_LOGINS = "demo-staff-logins.json"  # in the instance folder: the demo's passwords, made once


def demo_passwords(ctx) -> dict[str, str]:
    """The demo accounts' passwords: random, made once per installation, kept in the instance folder (mode 0600)."""
    made = json.dumps({name: secrets.token_urlsafe(9) for name in seeding.DEMO_STAFF}).encode()
    return json.loads(create_once(ctx.config["INSTANCE_PATH"] / DEMO_LOGINS, made))


@click.group(name="staff")
def staff_group():
    """Staff accounts for the console at /staff/: add one (the password is asked for), disable one, list them."""


@staff_group.command(name="add")
@click.argument("username")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True, help="staff, or admin to manage.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
def add(username: str, role: str, password_stdin: bool):
    """Add an account. The password is never an argument: it would be kept in the shell's history."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    ctx = Context()
    try:
        with ctx.db.session() as s:
            account = accounts.add(s, username, password, role)
            username = account.username
            audit.record(s, "(command line)", "staff_add", detail=f"{username} as {role}")
    except accounts.AccountError as error:
        fail(ctx.texts.error(error.code, "en", error.details), error.code)
    click.echo(f"Staff account {username} added ({role}). Sign in at /staff/login.")


@staff_group.command(name="disable")
@click.argument("username")
def disable(username: str):
    """Disable an account: it cannot sign in, and a session it has open ends at its next page."""
    ctx = Context()
    try:
        with ctx.db.session() as s:
            accounts.disable(s, username)
            audit.record(s, "(command line)", "staff_disable", detail=username.strip().lower())
    except accounts.AccountError as error:
        fail(ctx.texts.error(error.code, "en", error.details), error.code)
    click.echo(f"Staff account {username} disabled.")


@staff_group.command(name="list")
def list_():
    """Every account: username, role, and whether it is disabled."""
    ctx = Context()
    with ctx.db.session() as s:
        lines = [
            f"{a.username}\t{a.role}\t{'disabled' if a.disabled_at else 'active'}{' (demo)' if a.demo else ''}"
            for a in accounts.all_accounts(s)
        ]
    click.echo("\n".join(lines) if lines else "No staff accounts yet. `assistant staff add NAME --role admin`.")


@staff_group.command(name="demo-logins")
def demo_logins():
    """Demo mode only: the demo staff and admin accounts' usernames and passwords (made by `assistant seed`)."""
    ctx = Context()
    if not ctx.config["DEMO"]:
        fail("There are no demo accounts outside demo mode (ASSISTANT_DEMO=1).")
    with ctx.db.session() as s:
        seeding.ensure_demo_staff(s, demo_passwords(ctx))
    for username, password in demo_passwords(ctx).items():
        click.echo(f"Staff console demo login: {username} / {password} ({seeding.DEMO_STAFF[username]})")
