"""A listener for the speech tests: Whisper base (through faster-whisper) transcribes a clip, offline, and the
transcript is scored against the words the kiosk meant to say.

- Mandarin: the error rate over toned pinyin syllables (tones 1-4, neutral 5), and over characters. Whisper writes
  traditional characters about half the time and Arabic digits now and then: both are turned back first.
- English: the word error rate, with numbers spelled out and "center" read as "centre".
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path


class Listener:
    def __init__(self, folder: Path, threads: int = 2):
        from faster_whisper import WhisperModel

        self.model = WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=threads)

    def hear(self, clip: Path, lang: str) -> str:
        segments, _info = self.model.transcribe(
            str(clip),
            language=lang,
            beam_size=1,
            temperature=0.0,
            condition_on_previous_text=False,
            without_timestamps=True,
            vad_filter=False,
        )
        return "".join(segment.text for segment in segments).strip()


@lru_cache(maxsize=1)
def _simplified():
    import opencc

    return opencc.OpenCC("t2s")


def zh_characters(text: str) -> str:
    import cn2an

    text = _simplified().convert(text).replace(":", "点").replace("：", "点")
    try:
        text = cn2an.transform(text, "an2cn")
    except (ValueError, KeyError):
        pass
    return "".join(re.findall(r"[\u4e00-\u9fff]", text))


def toned_pinyin(text: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)


def en_words(text: str) -> list[str]:
    from num2words import num2words

    text = text.lower().replace("-", " ").replace("center", "centre")

    def spelled(match: re.Match) -> str:
        number, ordinal = int(match[1]), match[2]
        if ordinal:
            return num2words(number, to="ordinal")
        if 1100 <= number <= 2099 and len(match[1]) == 4:
            return num2words(number, to="year")
        return num2words(number)

    text = re.sub(r"(\d+)(st|nd|rd|th)?\b", spelled, text).replace("-", " ")
    return re.sub(r"[^a-z' ]", " ", text).split()


def edit_rate(reference: list[str], heard: list[str]) -> float:
    """Edits (substitutions, insertions, deletions) per reference unit, capped at 1 (a recogniser may loop)."""
    import jiwer

    if not heard:
        return 1.0
    return min(1.0, jiwer.wer(" ".join(reference), " ".join(heard)))


def score(said: str, heard: str, lang: str) -> dict:
    """The error rates of one sentence: `said` is the text as the voice was given it (after prepare)."""
    if lang == "zh":
        reference, got = zh_characters(said), zh_characters(heard)
        return {
            "pinyin": edit_rate(toned_pinyin(reference), toned_pinyin(got)),
            "characters": edit_rate(list(reference), list(got)),
        }
    return {"words": edit_rate(en_words(said), en_words(heard))}
