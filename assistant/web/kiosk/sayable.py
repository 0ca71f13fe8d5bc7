"""The short phrases a kiosk may speak for a control (keypad mode, "Read out what I touch", counts of typed
characters): only the product's own words, in the screen's language. A request names a phrase; it cannot make the
server say anything else, so the speech cache stays bounded and no typed number is ever spoken in public."""

from __future__ import annotations

from functools import lru_cache

from babel.support import Translations
from flask_babel import gettext as _

from ... import identity
from ...config import PROJECT_ROOT
from ..preferences import NAMES

ID_LENGTH = identity.LENGTH


def count_phrase(count: int) -> str:
    """How many characters of the ID number are typed, said instead of the characters themselves."""
    return _("%(count)s of %(total)s entered", count=count, total=ID_LENGTH)


def numbered(demo_cards: int, demo_faces: int, reasons: int = 7) -> list[str]:
    """The phrases with a number in them that kiosk controls and announcements use."""
    phrases = [count_phrase(n) for n in range(ID_LENGTH + 1)]
    phrases += [_("Demo card %(number)s", number=n) for n in range(1, demo_cards + 1)]
    phrases += [_("Demo face %(number)s", number=n) for n in range(1, demo_faces + 1)]
    phrases += [
        _("Reason %(number)s of %(total)s", number=n, total=total)
        for total in range(2, reasons + 1)
        for n in range(1, total + 1)
    ]
    return phrases


def phrases(lang: str, demo_cards: int, demo_faces: int, private: bool) -> frozenset[str]:
    """Every phrase a control may speak in this language. With private listening (a headset) the characters of
    the ID number may be read back too; in public they never are."""
    characters = tuple("0123456789X") if private else ()
    languages = tuple(NAMES.values())  # the language switch names the other language in that language
    return _catalogue(lang) | frozenset(numbered(demo_cards, demo_faces)) | frozenset(characters + languages)


@lru_cache(maxsize=2)
def _catalogue(lang: str) -> frozenset[str]:
    """The interface's own words in this language: the Chinese catalogue's translations, or its msgids (English)."""
    catalogue = Translations.load(str(PROJECT_ROOT / "assistant" / "translations"), ["zh"])._catalog
    pairs = [(english, chinese) for english, chinese in catalogue.items() if isinstance(english, str)]
    texts = {chinese if lang == "zh" else english for english, chinese in pairs}
    return frozenset(t for t in texts if t and "%(" not in t and len(t) <= 200)
