"""The spoken terminal mode (`assistant terminal`): for a desk without a browser, or a blind user.

Plain lines only (no colours, no cursor tricks), so a screen reader reads it as it comes; each result is
printed large and spoken. Words: an ID number, "why", "repeat", "slower", "language", "quit".
"""

from __future__ import annotations

from pathlib import Path

import click
from babel.support import Translations

from .. import checks, identity
from ..speech.prepare import join_sentences
from ..texts import LANGUAGES
from .context import Context, Unheard, speak

TRANSLATIONS = Path(__file__).parent.parent / "translations"
RULE = "=" * 40


def translator(lang: str):
    return Translations.load(str(TRANSLATIONS), [lang]).gettext


def prompts(lang: str) -> list[str]:
    """Every fixed sentence the terminal speaks, for prerendering."""
    _ = translator(lang)
    return [
        _("Type the ID number and press Enter. Or type why, repeat, slower, language or quit."),
        _("Goodbye."),
        _("There are no reasons to tell."),
    ]


def large(result: dict, lang: str) -> str:
    """The result in large print for a terminal: the status on its own, between rules, then the details."""
    _ = translator(lang)
    word = result["status_text"].upper() if lang == "en" else result["status_text"]
    lines = [RULE, f"   {word}", f"   {result['decision_text']}", f"   {result['next_step']}", RULE]
    if result["subject"]:
        lines.insert(4, f"   {_('Card holder:')} {result['subject']['name']} {result['subject']['id']}")
    return "\n".join(lines)


def reasons_text(result: dict, lang: str) -> tuple[str, str]:
    """The reasons as printed lines and as one spoken text (the same words)."""
    _ = translator(lang)
    printed, spoken = [], []
    for number, reason in enumerate(result["reasons"], 1):
        next_step = f"{_('What you can do:')} {reason['next_step']}"
        printed += [f"{number}. {reason['title']}", f"   {reason['text']}", f"   {next_step}"]
        spoken += [reason["title"], reason["text"], next_step]
    return "\n".join(printed), join_sentences(spoken, lang)


class Session:
    """One desk session: checks at one venue, speaking through the sound device or into a folder."""

    def __init__(self, ctx, venue: str, lang: str, audio_dir: Path | None):
        self.ctx, self.venue, self.lang, self.audio_dir = ctx, venue, lang, audio_dir
        self.speech = ctx.speech()
        self.last_spoken: str | None = None
        self.result_record = None
        self.count = 0
        self.sound = True

    def say(self, text: str, slow: bool = False) -> None:
        self.last_spoken = text
        kept = None
        if self.audio_dir:
            self.count += 1
            kept = self.audio_dir / f"{self.count:03d}{'-slow' if slow else ''}.wav"
        try:
            speak(self.speech, text, self.lang, slow, kept)
        except Unheard as problem:
            hint = " Start with --audio-dir DIR to keep the audio." if problem.code == "no_sound_device" else ""
            self._quiet(f"Speech is off. {problem.message}{hint}")
            return
        if kept:
            click.echo(f"(audio: {kept})")

    def _quiet(self, message: str) -> None:
        if self.sound:  # said once, then the session goes on in text
            click.echo(message, err=True)
            self.sound = False

    def described(self) -> dict | None:
        if self.result_record is None:
            return None
        with self.ctx.db.session() as s:
            shown = checks.load(s, self.result_record)
        return checks.describe(shown, self.ctx.texts, self.lang) if shown else None

    def check(self, text: str) -> None:
        try:
            with self.ctx.db.session() as s:
                source = checks.Source("terminal", clock=self.ctx.clock_kind())
                result = checks.run(
                    s, id_text=text, venue=self.venue, at=self.ctx.now(), hash_key=self.ctx.hash_key, source=source
                )
        except (identity.IdNumberError, checks.CheckError) as error:
            message = self.ctx.texts.error(error.code, self.lang)
            click.echo(message)
            self.say(message)
            return
        self.result_record = result.record_id
        described = self.described()
        click.echo(large(described, self.lang))
        self.say(described["speech"]["text"])

    def why(self) -> None:
        described = self.described()
        if not described or not described["reasons"]:
            message = translator(self.lang)("There are no reasons to tell.")
            click.echo(message)
            self.say(message)
            return
        printed, spoken = reasons_text(described, self.lang)
        click.echo(printed)
        self.say(spoken)

    def run(self) -> None:
        _ = translator(self.lang)
        intro = _("Type the ID number and press Enter. Or type why, repeat, slower, language or quit.")
        click.echo(intro)
        self.say(intro)
        while True:
            try:
                line = input("> ").strip()
            except EOFError:
                line = "quit"
            word = line.lower()
            if word in ("quit", "q", "exit", "退出"):
                goodbye = translator(self.lang)("Goodbye.")
                click.echo(goodbye)
                self.say(goodbye)
                return
            if word in ("why", "为什么"):
                self.why()
            elif word in ("repeat", "r", "重复") and self.last_spoken:
                self.say(self.last_spoken)
            elif word in ("slower", "slow", "慢") and self.last_spoken:
                self.say(self.last_spoken, slow=True)
            elif word in ("language", "lang", "语言"):
                self.lang = "en" if self.lang == "zh" else "zh"
                described = self.described()
                if described:
                    click.echo(large(described, self.lang))
                    self.say(described["speech"]["text"])
                else:
                    intro = translator(self.lang)(
                        "Type the ID number and press Enter. Or type why, repeat, slower, language or quit."
                    )
                    click.echo(intro)
                    self.say(intro)
            elif line:
                self.check(line)


@click.command(name="terminal")
@click.option("--venue", default=None, help="Venue slug (default: the kiosk's venue).")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None)
@click.option("--audio-dir", type=click.Path(file_okay=False, path_type=Path), help="Keep each spoken audio file here.")
def terminal_mode(venue: str | None, lang: str | None, audio_dir: Path | None):
    """An interactive, spoken check desk: type an ID number; then why, repeat, slower, language or quit."""
    ctx = Context()
    if audio_dir:
        audio_dir.mkdir(parents=True, exist_ok=True)
    venue = venue or ctx.config["KIOSK_VENUE"]
    Session(ctx, venue, lang or ctx.config["DEFAULT_LANGUAGE"], audio_dir).run()


def render_plain(result: dict, lang: str) -> str:
    """The result as plain lines for a terminal or a screen reader: no colours, no cursor tricks."""
    _ = translator(lang)
    word = result["status_text"].upper() if lang == "en" else result["status_text"]
    lines = [word, result["decision_text"], result["next_step"]]
    if result["subject"]:
        lines.append(f"{_('Card holder:')} {result['subject']['name']} {result['subject']['id']}")
    if result["reasons"]:
        lines += ["", _("Why"), reasons_text(result, lang)[0]]
    return "\n".join(lines)
