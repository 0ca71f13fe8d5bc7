"""The words of a result, in both languages, read from seeds/texts.toml: one source for screen and speech."""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from .clock import SHANGHAI

LANGUAGES = ("zh", "en")
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class Texts:
    """Looks up a status, decision, reason or error text and fills in its details."""

    def __init__(self, data: dict, topics: dict | None = None):
        self.data = data
        self.topics = topics or {}  # explanation topics from seeds/policy.toml, in file order

    @classmethod
    def load(cls, seeds_dir: Path) -> Texts:
        return _load(str(seeds_dir))

    def status(self, code: str, lang: str) -> str:
        return self.data["status"][code][lang]

    def status_means(self, code: str, lang: str) -> str:
        return self.data["status"][code]["means"][lang]

    def decision(self, code: str, lang: str) -> str:
        return self.data["decision"][code][lang]

    def decision_next(self, code: str, lang: str) -> str:
        return self.data["decision"][code]["next"][lang]

    def error(self, code: str, lang: str, details: dict | None = None) -> str:
        text = self.data["error"][code][lang]
        return text.format(**{k: format_value(v, lang) for k, v in details.items()}) if details else text

    def reason_title(self, code: str, lang: str) -> str:
        return self.data["reason"][code]["title"][lang]

    def reason_next(self, code: str, lang: str) -> str:
        return self.data["reason"][code]["next"][lang]

    def reason(self, code: str, lang: str, details: dict) -> dict:
        """Title, explanation ("what this means") and next step ("what you can do") of one reason."""
        values = {k: format_value(v, lang) for k, v in details.items()}
        return {
            "title": self.reason_title(code, lang),
            "text": self.data["reason"][code]["text"][lang].format(**values),
            "next_step": self.reason_next(code, lang),
        }

    def codes(self, kind: str) -> list[str]:
        return list(self.data[kind])


@lru_cache(maxsize=4)
def _load(seeds_dir: str) -> Texts:
    with open(Path(seeds_dir) / "texts.toml", "rb") as f:
        data = tomllib.load(f)
    with open(Path(seeds_dir) / "policy.toml", "rb") as f:
        topics = tomllib.load(f)
    return Texts(data, topics)


def format_value(value, lang: str) -> str:
    if isinstance(value, datetime):
        return format_moment(value, lang)
    if isinstance(value, date):
        return (
            f"{value.year}年{value.month}月{value.day}日"
            if lang == "zh"
            else f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"
        )
    if isinstance(value, dict):  # a name in both languages, such as a venue's
        return value[lang]
    return str(value)


def format_moment(moment: datetime, lang: str) -> str:
    """A date and time as people say it: "3 December 2026, 12:00" / "2026年12月3日12:00", Shanghai time."""
    local = moment.astimezone(SHANGHAI)
    if lang == "zh":
        return f"{local.year}年{local.month}月{local.day}日{local:%H:%M}"
    return f"{local.day} {MONTHS_EN[local.month - 1]} {local.year}, {local:%H:%M}"
