"""Which language a page is in: chosen on any page with ?lang=, kept for the visit, Chinese by default."""

from __future__ import annotations

from flask import Flask, current_app, request, session, url_for
from flask_babel import Babel

from ..texts import LANGUAGES

HTML_LANG = {"zh": "zh-Hans", "en": "en"}
NAMES = {"zh": "中文", "en": "English"}


def current() -> str:
    lang = session.get("lang")
    return lang if lang in LANGUAGES else current_app.config["DEFAULT_LANGUAGE"]


def choose(lang: str, by_person: bool = True) -> None:
    session["lang"] = lang
    if by_person:
        session["lang_chosen"] = True


def _from_query() -> None:
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        choose(lang)


def _template_globals() -> dict:
    lang = current()
    other = "en" if lang == "zh" else "zh"
    # Every page answers GET at its own address, so switching simply reloads it in the other language.
    switch_url = url_for(request.endpoint, **(request.view_args or {}), lang=other) if request.endpoint else None
    return {
        "lang": lang,
        "html_lang": HTML_LANG[lang],
        "other_lang": {"code": other, "html_lang": HTML_LANG[other], "name": NAMES[other], "url": switch_url},
    }


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=current)
    app.before_request(_from_query)
    app.context_processor(_template_globals)
