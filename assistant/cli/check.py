"""`assistant check`, `say` and `policy`: a check from a terminal, and the kiosk's voice."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .. import checks, clock, images
from ..problems import Problem
from ..speech.prepare import join_sentences
from ..texts import LANGUAGES
from . import passes as pass_commands
from . import terminal
from .context import Context, Unheard, fail, speak

NO_SOUND_HINT = "Use --audio-out FILE to save the speech instead."


@click.command()
@click.option("--id", "id_number", help="The ID number; '-' reads it from standard input (keeps it out of history).")
@click.option("--pass", "pass_token", help="A printed pass: its token, or a picture of the card.")
@click.option("--face", "face_photo", type=click.Path(dir_okay=False, path_type=Path), help="A photo of the face.")
@click.option("--venue", default=None, help="Venue slug (default: the kiosk's venue).")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None, help="Language (default: the resident's own).")
@click.option("--at", "at_text", default=None, help="The validation clock, ISO 8601 (default: now).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--speak", is_flag=True, help="Say the decision and what to do next.")
@click.option("--slow", is_flag=True, help="Speak at the slower pace.")
@click.option("--audio-out", type=click.Path(dir_okay=False, path_type=Path), help="Write the speech to FILE.")
def check(
    id_number: str | None,
    pass_token: str | None,
    face_photo: Path | None,
    venue: str | None,
    lang: str | None,
    at_text: str | None,
    as_json: bool,
    speak: bool,
    slow: bool,
    audio_out: Path | None,
):
    """Check one person at a venue, as the kiosk does, and log the check."""
    ctx = Context()
    if [id_number, pass_token, face_photo].count(None) != 2:
        fail("Give one of --id NUMBER, --pass TOKEN|IMAGE or --face IMAGE.", "request_invalid", as_json)
    if id_number == "-":
        id_number = sys.stdin.readline()
    try:
        at = clock.parse_time(at_text) if at_text else ctx.now()
    except ValueError:
        fail(ctx.texts.error("at_invalid", lang or "en"), "at_invalid", as_json)
    venue = venue or ctx.config["KIOSK_VENUE"]
    # An operator on the server may check at another time; the log says so.
    source = checks.Source("cli", clock=ctx.clock_kind("operator" if at_text else None))
    try:
        with ctx.db.session() as s:
            if pass_token is not None:
                token = pass_commands.token_from(pass_token)
                result = checks.run_pass(s, token=token, venue=venue, at=at, keys=ctx.keys(), source=source)
            elif face_photo is not None:
                frame = images.read_file(face_photo)
                result = checks.run_face(s, frame=frame, venue=venue, at=at, recogniser=ctx.faces(), source=source)
            else:
                result = checks.run(s, id_text=id_number, venue=venue, at=at, hash_key=ctx.hash_key, source=source)
    except Problem as error:  # one type for every code a check can answer with (problems.CODES)
        fail(ctx.texts.error(error.code, lang or "en", getattr(error, "details", None)), error.code, as_json)
    lang = lang or result.language or ctx.config["DEFAULT_LANGUAGE"]
    described = checks.describe(result, ctx.texts, lang)
    if speak or audio_out:
        described["speech"]["audio"] = str(_speak(ctx, described["speech"]["text"], lang, slow, audio_out, as_json))
    if as_json:
        click.echo(json.dumps(described, ensure_ascii=False, indent=2))
    else:
        click.echo(terminal.render_plain(described, lang))


def _speak(ctx: Context, text: str, lang: str, slow: bool, audio_out: Path | None, as_json: bool = False) -> Path:
    """Write the speech to --audio-out, or play it on the sound device; say plainly when neither can be done."""
    try:
        return speak(ctx.speech(), text, lang, slow, audio_out)
    except Unheard as problem:
        hint = f" {NO_SOUND_HINT}" if problem.code == "no_sound_device" else ""
        fail(problem.message + hint, problem.code, as_json)


@click.command()
@click.argument("text")
@click.option("--lang", type=click.Choice(LANGUAGES), default="zh", show_default=True)
@click.option("--slow", is_flag=True, help="The slower pace: longer pauses, a slower voice.")
@click.option("--audio-out", type=click.Path(dir_okay=False, path_type=Path), help="Write the speech to FILE.")
def say(text: str, lang: str, slow: bool, audio_out: Path | None):
    """Say TEXT aloud (or into --audio-out) in the kiosk's voice."""
    path = _speak(Context(), text, lang, slow, audio_out)
    if audio_out:
        click.echo(f"Speech written to {path}")


@click.command()
@click.argument("topic", required=False)
@click.option("--lang", type=click.Choice(LANGUAGES), default="zh", show_default=True)
@click.option("--speak", is_flag=True, help="Read the topic aloud.")
@click.option("--slow", is_flag=True)
@click.option("--audio-out", type=click.Path(dir_okay=False, path_type=Path), help="Write the speech to FILE.")
def policy(topic: str | None, lang: str, speak: bool, slow: bool, audio_out: Path | None):
    """Print (and speak) an explanation topic; without TOPIC, list them."""
    ctx = Context()
    topics = ctx.texts.topics
    if topic is None:
        for name, entry in topics.items():
            click.echo(f"{name}: {entry['title'][lang]}")
        return
    if topic not in topics:
        fail(f"No topic {topic!r}. Topics: {', '.join(topics)}", "topic_unknown")
    entry = topics[topic]
    click.echo("\n\n".join([entry["title"][lang], *entry["paragraphs"][lang]]))
    if speak or audio_out:
        _speak(ctx, join_sentences([entry["title"][lang], *entry["paragraphs"][lang]], lang), lang, slow, audio_out)
