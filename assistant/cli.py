"""The `assistant` command: serve the kiosk, load the registry, and run checks from a terminal."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import click

from . import (
    checks,
    cli_db,
    cli_faces,
    cli_kiosks,
    cli_passes,
    cli_reader,
    cli_staff,
    clock,
    faces,
    images,
    passes,
    residents,
    seeding,
    terminal,
)
from . import config as settings
from .db import Database, SchemaNotReady
from .faces.enrolment import Recogniser
from .problems import Problem
from .speech import SpeechService, SpeechUnavailable, Unspeakable
from .speech.player import NoSoundDevice, play
from .speech.prepare import join_sentences
from .texts import LANGUAGES, Texts


class Context:
    """What every command needs: settings, the database and the words, made once per run."""

    def __init__(self, upgrade: bool | None = False):
        self.config = settings.load()
        self.db = Database(self.config["DATABASE_URL"])
        try:
            # `seed` and `db upgrade` bring the schema up to date; every other command needs it to be so already
            # (on SQLite, the embedded default, it is brought up to date on the spot). None: leave it as it is.
            if upgrade:
                self.db.upgrade()
            elif upgrade is not None:
                self.db.prepare()
        except SchemaNotReady as e:
            _fail(str(e), "schema_not_ready")
        self.texts = Texts.load(self.config["SEEDS_DIR"])
        self.hash_key = self.config["ID_HASH_KEY"].encode()

    def now(self):
        return clock.now(self.config["VALIDATION_AT"])

    def clock_kind(self) -> str:
        return "demo" if self.config["VALIDATION_AT"] else "real"

    def keys(self) -> passes.Keys:
        return passes.Keys(self.config["PASS_KEYS"])

    def speech(self) -> SpeechService:
        return SpeechService(
            self.config["SPEECH_CACHE"], self.config["SPEECH_ENGINE"], max_bytes=self.config["SPEECH_CACHE_MB"] << 20
        )

    def faces(self) -> Recogniser:
        return Recogniser(faces.choose(self.config["FACE_MATCHER"]), self.config["FACE_THRESHOLD"])


def _fail(message: str, code: str | None = None, as_json: bool = False) -> None:
    if as_json:
        click.echo(json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False))
    click.echo(f"Error{f' ({code})' if code else ''}: {message}", err=True)
    sys.exit(2)


@click.group()
def main():
    """Health-code assistant: a kiosk for people without smartphones (the health registry is simulated)."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=4, show_default=True, type=int, help="Threads a worker (4 measured best).")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes sharing the socket (Linux, macOS): one a core for a busy entrance's API.",
)
@click.option(
    "--server",
    type=click.Choice(["granian", "waitress"]),
    default="granian",
    show_default=True,
    help="The HTTP server: Granian (faster, measured) or waitress (pure Python, runs anywhere).",
)
def serve(host: str, port: int, threads: int, workers: int, server: str):
    """Serve the kiosk web app on a production WSGI server (waitress). Production unless ASSISTANT_DEMO=1."""
    import os

    from . import logs, serving

    ctx = Context()
    if not ctx.config["DEMO"]:
        if os.environ.get("ASSISTANT_AT"):
            _fail("ASSISTANT_AT moves the clock, which only the demo may do. Unset it, or set ASSISTANT_DEMO=1.")
        with ctx.db.session() as s:
            demo_data = seeding.demo_data_present(s, ctx.config["SEEDS_DIR"], ctx.hash_key)
        if demo_data:
            _fail(
                "This database holds demo residents, kiosks or staff accounts, so a production server will not start "
                "on it. Use a new database (DATABASE_URL or ASSISTANT_INSTANCE) and `assistant seed` there, "
                "or run the demo with ASSISTANT_DEMO=1."
            )
    logs.configure()
    if workers > 1 and not serving.can_share_socket():
        click.echo("This system cannot share a socket between processes; serving with one worker.", err=True)
    mode = "demo" if ctx.config["DEMO"] else "production: bind each kiosk at /kiosk/setup"
    click.echo(f"The kiosk is at http://{host}:{port}/kiosk/  (start page: http://{host}:{port}/; {mode})")
    serving.serve(host, port, threads, workers, server)


@main.command()
@click.option("--if-empty", is_flag=True, help="Only seed a database that has no venues yet.")
def seed(if_empty: bool):
    """Load seeds/: the venues; in demo mode (ASSISTANT_DEMO=1) also the demo residents, faces and kiosks."""
    ctx = Context(upgrade=True)
    demo = ctx.config["DEMO"]
    matcher = ctx.faces().matcher if demo else None
    with ctx.db.session() as s:
        if if_empty and not seeding.is_empty(s):
            click.echo("The database already has data; nothing seeded.")
            return
        # Seeded against the validation clock, so a demo clock (ASSISTANT_AT) sees the scenarios as written.
        now = clock.now(ctx.config["VALIDATION_AT"])
        counts = seeding.seed(s, ctx.config["SEEDS_DIR"], ctx.hash_key, now, matcher, demo=demo)
    if not demo:
        click.echo(f"Seeded {counts['venues']} venues (production: no demo residents). Register kiosks next.")
        return
    total = counts["residents_added"] + counts["residents_updated"]
    click.echo(
        f"Seeded {counts['venues']} venues and {total} demo residents ({counts['residents_added']} new); "
        f"{counts['faces_enrolled']} demo face(s) enrolled with the {matcher.name} matcher."
    )
    for name, token in counts["kiosks"].items():
        click.echo(f"Demo kiosk {name}: device token {token}")
    with ctx.db.session() as s:
        made = seeding.ensure_demo_staff(s, cli_staff.demo_passwords(ctx))
    if made:
        click.echo(f"Demo staff accounts: {', '.join(made)} (`assistant staff demo-logins` shows their passwords).")


@main.group(name="import")
def import_():
    """Import data into the registry."""


@import_.command(name="residents")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--quiet", is_flag=True, help="No progress bar.")
def import_residents(file: Path, quiet: bool):
    """Import residents from a CSV file (DESIGN.md's columns), of any size. Any bad row: nothing is imported."""
    from tqdm import tqdm

    from . import importing

    ctx = Context()
    bars: dict[str, tqdm] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if quiet:
            return
        if stage not in bars:
            for bar in bars.values():
                bar.close()
            scale = {"unit": "B", "unit_scale": True} if stage == "checking" else {"unit": " rows"}
            bars[stage] = tqdm(total=total, desc=stage.capitalize(), file=sys.stderr, **scale)
        bars[stage].update(done - bars[stage].n)

    try:
        added, updated = importing.import_file(ctx.db, file, ctx.hash_key, progress)
    except residents.ImportRejected as rejected:
        for bar in bars.values():
            bar.close()
        for problem in rejected.problems:
            click.echo(f"{file.name}: {problem}", err=True)
        if rejected.unlisted:
            click.echo(f"{file.name}: and {rejected.unlisted} more", err=True)
        _fail(f"{len(rejected.problems) + rejected.unlisted} problem(s) found; nothing was imported")
    for bar in bars.values():
        bar.close()
    click.echo(f"Imported {added + updated} residents ({added} new, {updated} updated).")


@main.command()
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
        _fail("Give one of --id NUMBER, --pass TOKEN|IMAGE or --face IMAGE.", "request_invalid", as_json)
    if id_number == "-":
        id_number = sys.stdin.readline()
    try:
        at = clock.parse_time(at_text) if at_text else ctx.now()
    except ValueError:
        _fail(ctx.texts.error("at_invalid", lang or "en"), "at_invalid", as_json)
    venue = venue or ctx.config["KIOSK_VENUE"]
    # An operator on the server may check at another time; the log says so.
    source = checks.Source("cli", clock="operator" if at_text else ctx.clock_kind())
    try:
        with ctx.db.session() as s:
            if pass_token is not None:
                token = cli_passes.token_from(pass_token)
                result = checks.run_pass(s, token=token, venue=venue, at=at, keys=ctx.keys(), source=source)
            elif face_photo is not None:
                frame = images.read_file(face_photo)
                result = checks.run_face(s, frame=frame, venue=venue, at=at, recogniser=ctx.faces(), source=source)
            else:
                result = checks.run(s, id_text=id_number, venue=venue, at=at, hash_key=ctx.hash_key, source=source)
    except Problem as error:  # one type for every code a check can answer with (problems.CODES)
        _fail(ctx.texts.error(error.code, lang or "en", getattr(error, "details", None)), error.code, as_json)
    lang = lang or result.language or ctx.config["DEFAULT_LANGUAGE"]
    described = checks.describe(result, ctx.texts, lang)
    if speak or audio_out:
        described["speech"]["audio"] = str(_speak(ctx, described["speech"]["text"], lang, slow, audio_out, as_json))
    if as_json:
        click.echo(json.dumps(described, ensure_ascii=False, indent=2))
    else:
        click.echo(render_plain(described, lang))


def _speak(ctx: Context, text: str, lang: str, slow: bool, audio_out: Path | None, as_json: bool = False) -> Path:
    """Write the speech to --audio-out, or play it on the sound device; say plainly when neither can be done."""
    try:
        path = ctx.speech().audio(text, lang, slow)
    except SpeechUnavailable:
        _fail("There is no speech engine here. Install espeak-ng (make run does).", "speech_unavailable", as_json)
    except Unspeakable:
        _fail("That text looks like an ID number, so it is not spoken aloud.", "speech_refused", as_json)
    if audio_out:
        if audio_out.suffix.lower() not in ("", path.suffix) and shutil.which("sox"):
            subprocess.run(["sox", str(path), str(audio_out)], check=True, capture_output=True, timeout=60)
        else:
            shutil.copyfile(path, audio_out)
        return audio_out
    try:
        play(path)
    except NoSoundDevice:
        _fail(
            "There is no sound device here. Use --audio-out FILE to save the speech instead.",
            "no_sound_device",
            as_json,
        )
    return path


@main.command()
@click.argument("text")
@click.option("--lang", type=click.Choice(LANGUAGES), default="zh", show_default=True)
@click.option("--slow", is_flag=True, help="The slower pace: longer pauses, a slower voice.")
@click.option("--audio-out", type=click.Path(dir_okay=False, path_type=Path), help="Write the speech to FILE.")
def say(text: str, lang: str, slow: bool, audio_out: Path | None):
    """Say TEXT aloud (or into --audio-out) in the kiosk's voice."""
    path = _speak(Context(), text, lang, slow, audio_out)
    if audio_out:
        click.echo(f"Speech written to {path}")


@main.command()
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
        _fail(f"No topic {topic!r}. Topics: {', '.join(topics)}", "topic_unknown")
    entry = topics[topic]
    click.echo("\n\n".join([entry["title"][lang], *entry["paragraphs"][lang]]))
    if speak or audio_out:
        _speak(ctx, join_sentences([entry["title"][lang], *entry["paragraphs"][lang]], lang), lang, slow, audio_out)


@main.group()
def speech():
    """The kiosk's speech."""


@speech.command()
def prerender():
    """Make the audio for every fixed prompt, in both languages and both paces, so nothing waits for it."""
    from flask_babel import force_locale

    from . import create_app
    from .web.spoken import fixed_prompts

    app = create_app()
    service = app.extensions["assistant"]["speech"]
    if not service.available:
        click.echo("No speech engine here: nothing to prerender (the kiosk will show text only).", err=True)
        return
    jobs = []
    with app.test_request_context():
        for lang in LANGUAGES:
            with force_locale(lang):
                jobs += [(text, lang) for text in fixed_prompts(app.extensions["assistant"]["texts"], lang)]
            jobs += [(text, lang) for text in terminal.prompts(lang)]
    jobs = [(text, lang, slow) for text, lang in dict.fromkeys(jobs) for slow in (False, True)]
    before = service.synthesised
    with click.progressbar(jobs, label="Speech prompts", show_pos=True) as bar:
        for text, lang, slow in bar:
            service.audio(text, lang, slow)
    click.echo(f"{len(jobs)} prompts ready ({service.synthesised - before} made now, the rest already cached).")


@main.command(name="terminal")
@click.option("--venue", default=None, help="Venue slug (default: the kiosk's venue).")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None)
@click.option("--audio-dir", type=click.Path(file_okay=False, path_type=Path), help="Keep each spoken audio file here.")
def terminal_mode(venue: str | None, lang: str | None, audio_dir: Path | None):
    """An interactive, spoken check desk: type an ID number; then why, repeat, slower, language or quit."""
    ctx = Context()
    if audio_dir:
        audio_dir.mkdir(parents=True, exist_ok=True)
    venue = venue or ctx.config["KIOSK_VENUE"]
    terminal.Session(ctx, venue, lang or ctx.config["DEFAULT_LANGUAGE"], audio_dir).run()


def render_plain(result: dict, lang: str) -> str:
    """The result as plain lines for a terminal or a screen reader: no colours, no cursor tricks."""
    _ = terminal.translator(lang)
    word = result["status_text"].upper() if lang == "en" else result["status_text"]
    lines = [word, result["decision_text"], result["next_step"]]
    if result["subject"]:
        lines.append(f"{_('Card holder:')} {result['subject']['name']} {result['subject']['id']}")
    if result["reasons"]:
        lines += ["", _("Why"), terminal.reasons_text(result, lang)[0]]
    return "\n".join(lines)


cli_passes.register(main, Context, _fail)
cli_kiosks.register(main, Context, _fail)
cli_faces.register(main, Context, _fail)
cli_db.register(main, Context, _fail)
cli_staff.register(main, Context, _fail)
cli_reader.register(main, Context, _fail)
