"""`assistant pass ...` and `assistant keys rotate`: issue, revoke and verify printed passes from a terminal."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .. import identity, images, passes
from ..passes import card as pass_card
from ..passes import office as pass_office
from ..texts import LANGUAGES
from .context import Context, fail


def token_from(argument: str) -> str:
    """A token typed or scanned, or the QR code read from an image file. Raises PassError / ImageProblem."""
    path = Path(argument)
    if len(argument) < 1024 and path.is_file():
        text = images.read_qr(images.read_file(path))
        if text is None:
            raise passes.PassError("pass_unreadable")
        return text
    return argument


@click.group(name="pass")
def pass_group():
    """Printed passes: a signed QR card for people without a phone."""


@pass_group.command(name="issue")
@click.option("--id", "id_number", required=True, help="The resident's ID number ('-' reads standard input).")
@click.option("--days", default=180, show_default=True, type=click.IntRange(1, 3650))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Where to write the card (pass.png and pass.pdf).",
)
def issue(id_number: str, days: int, out: Path):
    """Issue a pass (any older pass of the resident stops working), print its token, write the card."""
    ctx = Context()
    id_number = click.get_text_stream("stdin").readline() if id_number == "-" else id_number
    today = ctx.now().date()
    try:
        with ctx.db.session() as s:
            token, record, resident = pass_office.issue(
                s, ctx.keys(), id_text=id_number, days=days, today=today, hash_key=ctx.hash_key
            )
            png, pdf = pass_card.write(token, resident.name, record.expires_on, out)
    except (identity.IdNumberError, pass_office.PassOfficeError) as error:
        fail(ctx.texts.error(error.code, "en"), error.code)
    except pass_card.FontMissing:
        fail("No Chinese font is installed: install fonts-noto-cjk (make run does).", "font_missing")
    click.echo(token)
    click.echo(f"Card written to {png} and {pdf}; valid until {record.expires_on:%Y-%m-%d}.", err=True)


@pass_group.command(name="revoke")
@click.option("--id", "id_number", required=True, help="The resident's ID number.")
def revoke(id_number: str):
    """Stop a resident's live pass working (a lost card)."""
    ctx = Context()
    try:
        with ctx.db.session() as s:
            count = pass_office.revoke(s, id_text=id_number, hash_key=ctx.hash_key, today=ctx.now().date())
    except (identity.IdNumberError, pass_office.PassOfficeError) as error:
        fail(ctx.texts.error(error.code, "en"), error.code)
    click.echo(f"Revoked {count} pass(es).")


@pass_group.command(name="verify")
@click.argument("token_or_image")
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def verify(token_or_image: str, lang: str, as_json: bool):
    """Verify a token or a picture of a card offline: exit 0 for a valid live pass, 2 otherwise."""
    ctx = Context()
    try:
        found = passes.verify(ctx.keys(), token_from(token_or_image), ctx.now().date())
        with ctx.db.session() as s:
            pass_office.live_record(s, found)
    except passes.PassError as error:
        fail(ctx.texts.error(error.code, lang, error.details), error.code, as_json)
    except images.ImageProblem as error:
        fail(ctx.texts.error(error.code, lang), error.code, as_json)
    summary = {
        "valid": True,
        "pass_id": found.pass_id,
        "key_id": found.key_id,
        "issued": found.issued.isoformat(),
        "expires": found.expires.isoformat(),
    }
    click.echo(json.dumps(summary) if as_json else f"Valid pass, until {found.expires:%Y-%m-%d}.")


@click.group()
def keys():
    """Pass signing keys (kept in the instance folder, never committed)."""


@keys.command()
def rotate():
    """Add a new signing key: new passes use it; passes signed with older keys still verify."""
    click.echo(f"New signing key {Context().keys().rotate()}.")
