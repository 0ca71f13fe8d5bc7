"""The person's display choices: language, text size and contrast, set on any page with a query
(?lang=en, ?size=150, ?contrast=high) and kept for their visit."""

from __future__ import annotations

from flask import Flask, current_app, g, request, session, url_for
from flask_babel import Babel

from ..texts import LANGUAGES

HTML_LANG = {"zh": "zh-Hans", "en": "en"}
NAMES = {"zh": "中文", "en": "English"}
SIZES = ("100", "150", "200")
CONTRASTS = ("standard", "high")
TOUCH = ("off", "on")  # "Read out what I touch": the first touch on a control speaks it, a second one presses it


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
    when the screen cleared itself (they have gone), the next person starts from the defaults."""
    if person_left or not session.get("lang_chosen"):
        session.pop("lang", None)
        session.pop("lang_chosen", None)
    if person_left:
        session.pop("size", None)
        session.pop("contrast", None)
        session.pop("touch", None)


def _from_query() -> None:
    args = request.args
    if args.get("lang") in LANGUAGES:
        choose_language(args["lang"])
    if args.get("size") in SIZES:
        session["size"] = args["size"]
    if args.get("contrast") in CONTRASTS:
        session["contrast"] = args["contrast"]
    if args.get("touch") in TOUCH:
        session["touch"] = args["touch"]


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
        "display": {
            "size": size,
            "contrast": contrast,
            "touch": session.get("touch", "off"),
            "sizes": SIZES,
            "contrasts": CONTRASTS,
            "touches": TOUCH,
        },
    }


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=language)
    app.before_request(_from_query)
    app.context_processor(_template_globals)
