"""The person's choices: language, text size, contrast, speech pace, volume and "read out what I touch", set on any
page with a query (?lang=en, ?size=150, ?contrast=high, ?pace=slow, ?volume=2, ?touch=on) and kept for their visit;
or arriving with their card, pass or face when they keep saved settings (residents/settings.py), which end with them."""

from __future__ import annotations

from flask import Flask, current_app, g, request, session, url_for
from flask_babel import Babel
from flask_babel import gettext as _

from ..residents import settings as saved
from ..texts import LANGUAGES

HTML_LANG = {"zh": "zh-Hans", "en": "en"}
NAMES = {"zh": "中文", "en": "English"}
SIZES = saved.CHOICES["size"]
CONTRASTS = saved.CHOICES["contrast"]
TOUCH = saved.CHOICES["touch"]  # "Read out what I touch": the first touch on a control speaks it, a second presses it
PACES = saved.CHOICES["pace"]
VOLUMES = saved.CHOICES["volume"]


def choice_names() -> dict[str, str]:
    """The name of each choice, by the query that chooses it: on the settings screen, in "Your settings: ...", and
    on the staff's resident page."""
    return {
        "size=100": _("Standard text"),
        "size=150": _("Large text"),
        "size=200": _("Largest text"),
        "contrast=standard": _("Standard colours"),
        "contrast=high": _("Light on black"),
        "pace=standard": _("Standard speech"),
        "pace=slow": _("Slower speech"),
        **{f"volume={v}": _("Volume %(level)s of 3", level=v) for v in VOLUMES},
        "touch=off": _("Off"),
        "touch=on": _("On"),
    }


def choice_options() -> dict[str, list[tuple[str, str]]]:
    """Each setting's choices as (value, name), the standard one first: the staff's form."""
    names = choice_names()
    return {key: [(v, names[f"{key}={v}"]) for v in values] for key, values in saved.CHOICES.items()}


def summary(values: dict) -> str:
    """The non-standard choices by name: "Largest text, Slower speech"."""
    names = choice_names()
    shown = [_("Read out what I touch") if key == "touch" else names[f"{key}={value}"] for key, value in values.items()]
    return ("、" if language() == "zh" else ", ").join(shown)


def language() -> str:
    shown = g.get("shown_lang")  # a page made in a language of its own (the offline screen, kept in both)
    if shown:
        return shown
    lang = session.get("lang")
    return lang if lang in LANGUAGES else current_app.config["DEFAULT_LANGUAGE"]


def language_chosen() -> bool:
    """Whether the person chose the language themselves (a result then does not change it)."""
    return bool(session.get("lang_chosen"))


def choose_language(lang: str, by_person: bool = True) -> None:
    session["lang"] = lang
    if by_person:
        session["lang_chosen"] = True


def forget(person_left: bool) -> None:
    """Between people. When the person pressed Start again, their own choices stay for their next try;
    when the screen cleared itself (they have gone), the next person starts from the defaults. Settings that
    came with a card end with the person either way."""
    if person_left or session.get("saved"):
        use_standard()
    if person_left or not session.get("lang_chosen"):
        session.pop("lang", None)
        session.pop("lang_chosen", None)


def use_standard() -> None:
    """Back to the standard settings for this visit ("Use standard settings", or the person has gone)."""
    for key in (*saved.CHOICES, "saved", "volume_new"):
        session.pop(key, None)


def arrive(kept: str | None) -> None:
    """A result is shown: a resident's saved settings (a stored text, or None) take over the screen; a person
    without any gets the standard settings if the last person's saved ones were still on it."""
    values = saved.parse(kept)
    if values:
        use_standard()
        session.update(values)
        session["saved"] = saved.encode(values)
        session["volume_new"] = True  # speech.js takes the volume from this page, not the last person's
    elif session.get("saved"):
        use_standard()


def kept(text: str | None) -> None:
    """The person kept this visit's settings with their card (a stored text), or forgot them (None): what the
    screen is in stays; whether they end with the person follows."""
    if text:
        session.update(saved.parse(text))
        session["saved"] = text
    else:
        session.pop("saved", None)


def current() -> dict[str, str]:
    """This visit's choices that differ from the standard ones."""
    return saved.chosen(session)


def _from_query() -> None:
    if not request.query_string:  # most requests (every API call): nothing to parse
        return
    args = request.args
    if args.get("lang") in LANGUAGES:
        choose_language(args["lang"])
    if args.get("size") in SIZES:
        session["size"] = args["size"]
    if args.get("contrast") in CONTRASTS:
        session["contrast"] = args["contrast"]
    if args.get("touch") in TOUCH:
        session["touch"] = args["touch"]
    if args.get("pace") in PACES:
        session["pace"] = args["pace"]
    if args.get("volume") in VOLUMES:
        session["volume"] = args["volume"]
        session["volume_new"] = True


def _here(**choice) -> str | None:
    # Every page answers GET at its own address, so a choice simply reloads it.
    return url_for(request.endpoint, **(request.view_args or {}), **choice) if request.endpoint else None


def _template_globals() -> dict:
    lang = language()
    other = "en" if lang == "zh" else "zh"
    size = session.get("size", "100")
    contrast = session.get("contrast", "standard")
    return {
        "demo_mode": current_app.config["DEMO"],
        "lang": lang,
        "html_lang": HTML_LANG[lang],
        "other_lang": {"code": other, "html_lang": HTML_LANG[other], "name": NAMES[other], "url": _here(lang=other)},
        "saved_summary": lambda text: summary(saved.parse(text)),
        "display": {
            "size": size,
            "contrast": contrast,
            "touch": session.get("touch", "off"),
            "pace": session.get("pace", "standard"),
            "volume": session.get("volume", "3"),
            "volume_given": "volume" in session,  # chosen on the settings screen or kept with a card
            "volume_new": bool(session.pop("volume_new", False)),
            "saved": summary(saved.parse(session["saved"])) if session.get("saved") else None,
            "sizes": SIZES,
            "contrasts": CONTRASTS,
            "touches": TOUCH,
            "paces": PACES,
            "volumes": VOLUMES,
        },
    }


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=language)
    app.before_request(_from_query)
    app.context_processor(_template_globals)
