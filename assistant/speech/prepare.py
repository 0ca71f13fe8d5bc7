"""Text preparation for speech: numbers, dates, times and units written the way they are said in each language.

The screen shows "2026年12月3日12:00" and "48 hours"; the voice says 二零二六年十二月三日十二点 and
"forty-eight hours" (espeak says the English numbers well by itself). No ID digits are ever spoken.
"""

from __future__ import annotations

import re

# Bump when the preparation changes, so cached audio of the old wording is not reused.
VERSION = 4

DIGITS = "零一二三四五六七八九"
CLAUSE_END = re.compile(r"(?<=[,，、;；:：])")
SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")


class Unspeakable(ValueError):
    """Text that must not be spoken aloud in a public place (it looks like an ID number)."""


def guard(text: str) -> None:
    # Six or more digits in a row, or a masked number, can only be part of an ID number here.
    if re.search(r"\d{6,}|\d{4}\*{2,}", text):
        raise Unspeakable("speech may not contain an ID number")


def chinese_number(n: int) -> str:
    """0..9999 as said in Mandarin: 14 -> 十四, 48 -> 四十八, 105 -> 一百零五."""
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    parts, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero and parts:
                parts.append("零")
            parts.append(DIGITS[digit] + unit)
            zero = False
        else:
            zero = True
    return "".join(parts)


# The part of the day a time falls in, as people say it: 15:00 is 下午三点, 9:05 上午九点零五分, 12:00 中午十二点.
DAY_PARTS = ((0, "凌晨"), (6, "上午"), (12, "中午"), (13, "下午"), (18, "晚上"))
# A count of two before these measure words is 两, not 二: 两剂, 两天, 两小时 (and two o'clock is 两点).
MEASURES = "剂天个次周位小点"


def _zh_count(n: int) -> str:
    return "两" if n == 2 else chinese_number(n)


def _zh_time(match: re.Match) -> str:
    hour, minute = int(match[1]), int(match[2])
    part = [name for start, name in DAY_PARTS if hour >= start][-1]
    spoken_hour = hour if hour <= 12 else hour - 12
    minutes = "" if not minute else ("零" if minute < 10 else "") + chinese_number(minute) + "分"
    return part + _zh_count(spoken_hour) + "点" + minutes


def _zh_number(match: re.Match) -> str:
    text = match[0]
    return chinese_number(int(text)) if len(text) <= 4 else "".join(DIGITS[int(d)] for d in text)


def prepare_zh(text: str) -> str:
    text = re.sub(r"(\d{4})年", lambda m: "".join(DIGITS[int(d)] for d in m[1]) + "年", text)  # years digit by digit
    text = re.sub(r"(\d{1,2}):(\d{2})", _zh_time, text)
    text = re.sub(rf"(?<!\d)2(?=[{MEASURES}])", "两", text)
    text = re.sub(r"\d+", _zh_number, text)
    return text.replace("×", "乘").replace("X", "叉")


ORDINAL = {
    1: "first",
    2: "second",
    3: "third",
    21: "twenty-first",
    22: "twenty-second",
    23: "twenty-third",
    31: "thirty-first",
}
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


def _en_time(match: re.Match) -> str:
    hour, minute = int(match[1]), int(match[2])
    if (hour, minute) == (12, 0):
        return "noon"
    if (hour, minute) == (0, 0):
        return "midnight"
    half = "in the morning" if hour < 12 else "in the afternoon" if hour < 18 else "in the evening"
    spoken_hour = hour % 12 or 12
    minutes = f" {minute:02d}" if minute else " o'clock"
    return f"{spoken_hour}{minutes} {half}"


def _en_day(day: int) -> str:
    if day in ORDINAL:
        return ORDINAL[day]
    return f"{day}th"


def prepare_en(text: str) -> str:
    text = re.sub(
        rf"\b(\d{{1,2}}) ({MONTHS}) (\d{{4}}),", lambda m: f"the {_en_day(int(m[1]))} of {m[2]} {m[3]}, at", text
    )
    text = re.sub(rf"\b(\d{{1,2}}) ({MONTHS})\b", lambda m: f"the {_en_day(int(m[1]))} of {m[2]}", text)
    text = re.sub(r"\b(\d{1,2}):(\d{2})\b", _en_time, text)
    return text


def prepare(text: str, lang: str) -> str:
    guard(text)
    return prepare_zh(text) if lang == "zh" else prepare_en(text)


def clauses(text: str) -> list[tuple[str, str]]:
    """Split into (piece, pause) pairs: pause is "sentence" or "clause", for the slower pace's pauses."""
    pieces = []
    for sentence in filter(None, (s.strip() for s in SENTENCE_END.split(text))):
        parts = [p.strip() for p in CLAUSE_END.split(sentence) if p.strip()]
        pieces += [(p, "clause") for p in parts[:-1]] + [(parts[-1], "sentence")]
    return pieces


def _sentence(text: str, lang: str) -> str:
    """Headings and button labels get a full stop, so the voice pauses after them as after a sentence."""
    text = text.strip()
    if text and text[-1] not in ".!?。！？:：":
        text += "。" if lang == "zh" else "."
    return text


def join_sentences(pieces: list[str], lang: str) -> str:
    """Whole sentences, one after another, as the screen shows them."""
    return ("" if lang == "zh" else " ").join(_sentence(p, lang) for p in pieces if p)
