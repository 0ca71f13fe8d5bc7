"""The neural voice (Kokoro-82M): its checked files, clips composed without the model, the slower pace, the
background clips of a new sentence, the fallback when the model is gone, and our own polyphonic characters.

This file runs after test_speech.py (by name): kokoro-onnx loads its own libespeak-ng 1.52 into the process, and
pyttsx3's driver, loading Debian's 1.51 beside it in the same process, then crashes it. The kiosk never has both in
one process on Linux, where the fallback is espeak-ng's command line."""

from __future__ import annotations

import shutil
import time

import pytest

from assistant.cli.speech import fixed_sentences
from assistant.config import PROJECT_ROOT
from assistant.speech import SpeechService, audio, voice_files
from assistant.speech.neural import MODEL, NeuralVoice
from tests.support.app import cli_environment, run_cli

MODELS = PROJECT_ROOT / "voice-models"
CLIPS = PROJECT_ROOT / "speech-clips"


@pytest.fixture(scope="module", autouse=True)
def _installed():
    problem = voice_files.check_voice(MODELS).problem
    assert problem is None, f"the neural voice's files: {problem} (make test installs them)"


def service(tmp_path, models=MODELS, wait=False) -> SpeechService:
    return SpeechService(tmp_path / "cache", "kokoro", voice_models=models, shipped_clips=CLIPS, wait=wait)


def test_every_fixed_clause_has_a_shipped_clip(tmp_path):
    # A sentence changed without `assistant speech clips` would be said in the fallback voice until made.
    speech = service(tmp_path)
    missing = [
        piece
        for text, lang in fixed_sentences()
        for piece, _pause in speech.pieces(text, lang)
        if not (CLIPS / speech.clips.name(piece, lang)).exists()
    ]
    assert missing == []


def test_a_fixed_sentence_is_composed_from_clips_without_loading_the_model(tmp_path):
    speech = service(tmp_path)
    text = "Please wait here. A staff member will come and help you."
    normal, slow = speech.audio(text, "en"), speech.audio(text, "en", slow=True)
    assert speech.neural._kokoro is None and speech.clips.made == 0  # nothing was spoken by the model
    assert normal.name.startswith(speech.neural_key(text, "en", False))
    # Slower is slower: longer pauses between clauses and a gentler tempo (the listening test hears it).
    assert audio.duration(slow) > 1.2 * audio.duration(normal) > 2.0


def test_a_new_sentence_is_said_by_the_fallback_at_once_and_by_the_neural_voice_soon(tmp_path):
    speech = service(tmp_path)
    text = "Your test on 26 November 2026, 09:05 was positive."
    first = speech.audio(text, "en")
    assert first == speech.path(speech.key(text, "en"))  # espeak-ng, now: no screen waits
    deadline = time.monotonic() + 90
    while speech.clips.pending() and time.monotonic() < deadline:
        time.sleep(0.5)
    later = speech.audio(text, "en")
    assert later != first and later.name.startswith(speech.neural_key(text, "en", False))
    assert speech.clips.made >= 1 and audio.duration(later) > 2.0


def test_the_neural_voice_speaks_mandarin_from_its_phonemes(tmp_path):
    voice = NeuralVoice(MODELS, threads=2)
    out = tmp_path / "zh.wav"
    voice.speak("您在二零二六年十二月十四日下午三点去过高风险地区。", "zh", out)
    assert audio.duration(out) > 2.0


def test_our_polyphonic_characters_are_read_as_meant():
    voice = NeuralVoice(MODELS)
    # 行 in 通行卡 and 不行 is xíng, not háng (as in 银行); 重 in 重新 is chóng (aspirated, rising), not zhòng
    # (as in 重要); 还 in 还没有 and 还有 is hái, not huán. Tones are the arrows: ↗ rising, ↘ falling.
    assert "ɕi↗ŋ" in voice.phonemes("通行卡") and "ɕi↗ŋ" in voice.phonemes("如果不行")
    assert "xa↗ŋ" in voice.phonemes("银行")
    assert voice.phonemes("重新").startswith("ꭧʰʊ↗ŋ") and voice.phonemes("重要").startswith("ꭧʊ↘ŋ")
    assert voice.phonemes("还没有").startswith("xai↗") and voice.phonemes("下面还有").find("xai↗") > 0


def test_the_fallback_speaks_when_the_model_is_removed(tmp_path):
    models = tmp_path / "models"
    shutil.copytree(MODELS, models, ignore=shutil.ignore_patterns(MODEL, "whisper-base"))
    speech = service(tmp_path, models)
    assert not speech.neural_available and speech.available
    assert speech.speaking() == ("espeak", f"the neural voice is off here: {MODEL} is missing")
    text = "Please wait here. A staff member will come and help you."
    assert speech.audio(text, "en") == speech.path(speech.key(text, "en"))
    # An altered file is refused too: the sums are checked, not only the names.
    (models / MODEL).write_bytes(b"not a model")
    assert "checksum differs" in service(tmp_path, models).speaking()[1]


def test_speech_engines_says_which_voice_speaks_and_why(tmp_path):
    env = dict(cli_environment(tmp_path / "instance"), ASSISTANT_SPEECH_ENGINE="kokoro")
    ready = run_cli(["speech", "engines"], env)
    assert ready.returncode == 0 and "Speaking with: kokoro" in ready.stdout and "Fallback: espeak" in ready.stdout
    env["ASSISTANT_VOICE_MODELS"] = str(tmp_path / "empty")
    off = run_cli(["speech", "engines"], env)
    assert "Speaking with: espeak (the neural voice is off here: kokoro-v1.0.int8.onnx is missing)" in off.stdout
