"""`assistant face enroll|forget`: a resident's face, enrolled only with their consent, and forgotten on request."""

from __future__ import annotations

from pathlib import Path

import click

from .. import faces, identity, images
from ..faces import enrolment
from .context import Context, fail


@click.group(name="face")
def face_group():
    """Face checks: enrol a resident's face (with consent) or forget it."""


@face_group.command(name="enroll")
@click.option("--id", "id_number", required=True, help="The resident's ID number ('-' reads standard input).")
@click.option("--consent", is_flag=True, help="The resident has agreed to face checks (required).")
@click.option("--consent-by", default="staff (command line)", show_default=True, help="Who recorded consent.")
@click.argument("photo", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def enroll(id_number: str, consent: bool, consent_by: str, photo: Path):
    """Enrol a resident's face from a photo with exactly one face in it."""
    ctx = Context()
    id_number = click.get_text_stream("stdin").readline() if id_number == "-" else id_number
    recogniser = ctx.faces()
    try:
        picture = images.read_file(photo)
        with ctx.db.session() as s:
            resident = enrolment.enroll(
                s,
                recogniser.matcher,
                id_text=id_number,
                photo=picture,
                consent=consent,
                consent_by=consent_by,
                hash_key=ctx.hash_key,
                keep_photo=ctx.config["KEEP_FACE_PHOTOS"],
                today=ctx.now().date(),
            )
            masked = resident.masked_id
    except (identity.IdNumberError, enrolment.EnrolmentError, images.ImageProblem, faces.FaceProblem) as error:
        fail(ctx.texts.error(error.code, "en"), error.code)
    kept = "the photo is kept" if ctx.config["KEEP_FACE_PHOTOS"] else "the photo is not kept"
    click.echo(f"Enrolled the face of {masked} with the {recogniser.matcher.name} matcher; {kept}.")


@face_group.command(name="forget")
@click.option("--id", "id_number", required=True, help="The resident's ID number ('-' reads standard input).")
def forget(id_number: str):
    """Delete a resident's face encoding and photo."""
    ctx = Context()
    id_number = click.get_text_stream("stdin").readline() if id_number == "-" else id_number
    try:
        with ctx.db.session() as s:
            found = enrolment.forget(s, id_text=id_number, hash_key=ctx.hash_key, today=ctx.now().date())
    except (identity.IdNumberError, enrolment.EnrolmentError) as error:
        fail(ctx.texts.error(error.code, "en"), error.code)
    click.echo("Face forgotten: encoding and photo deleted." if found else "No face was enrolled: nothing to delete.")
