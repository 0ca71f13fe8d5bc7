"""The `assistant` command: serve the kiosk, load the registry, and run checks from a terminal.

Each group of commands is a module of this package; they are added to `main` here, the one place that lists them.
"""

from __future__ import annotations

import click

from . import check, db, faces, kiosks, passes, reader, serve, speech, staff, terminal


@click.group()
def main():
    """Health-code assistant: a kiosk for people without smartphones (the health registry is simulated)."""


COMMANDS = (
    serve.serve,
    db.seed,
    db.import_,
    check.check,
    check.say,
    check.policy,
    speech.speech,
    terminal.terminal_mode,
    passes.pass_group,
    passes.keys,
    kiosks.kiosk_group,
    faces.face_group,
    db.db_group,
    db.log_group,
    staff.staff_group,
    reader.reader_group,
)
for command in COMMANDS:
    main.add_command(command)
