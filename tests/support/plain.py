"""ACCESSIBILITY.md's plain-language limits, as a check the tests share: short sentences in both languages."""

import re

EN_WORDS = 20
ZH_CHARACTERS = 30


def sentences(text: str, lang: str) -> list[str]:
    pattern = r"(?<=[.!?])\s+" if lang == "en" else r"(?<=[。！？])"
    return [s.strip() for s in re.split(pattern, text) if s.strip()]


def too_long(text: str, lang: str) -> list[str]:
    """The sentences over the limit: English under 20 words, Chinese under 30 characters."""
    if lang == "en":
        return [s for s in sentences(text, lang) if len(s.split()) >= EN_WORDS]
    # A placeholder, a number, a date or a Latin word reads as one unit, like one character.
    units = r"%\(\w+\)s|\{\w+\}|[\x21-\x7e]+"
    return [s for s in sentences(text, lang) if len(re.sub(units, "某", s)) >= ZH_CHARACTERS]
