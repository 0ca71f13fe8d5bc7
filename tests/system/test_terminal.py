"""The spoken terminal mode, driven as a person would: in tmux, typing and reading the screen."""

import shlex
import subprocess
import sys
import time
from pathlib import Path

from assistant.speech.audio import duration


class Tmux:
    def __init__(self, name: str, command: str):
        self.name = name
        subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "160", "-y", "60", command], check=True)

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-S", "-200", "-t", self.name], capture_output=True, text=True
        ).stdout

    def type(self, text: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, text, "Enter"], check=True)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def test_a_whole_check_by_voice_in_the_terminal(cli_env, tmp_path):
    audio = tmp_path / "audio"
    assistant = Path(sys.executable).parent / "assistant"
    env = " ".join(
        f"{k}={shlex.quote(cli_env[k])}" for k in ("ASSISTANT_INSTANCE", "ASSISTANT_AT", "DATABASE_URL") if k in cli_env
    )
    tmux = Tmux(f"assistant-{tmp_path.name}", f"env {env} {assistant} terminal --lang en --audio-dir {audio}; sleep 30")
    try:
        tmux.wait_for("Type the ID number and press Enter.")
        tmux.type("310104195107020316")
        screen = tmux.wait_for("(audio: ")
        screen = tmux.wait_for("002.")
        assert "RED" in screen and "Please wait here." in screen and "3101**********0316" in screen
        tmux.type("why")
        screen = tmux.wait_for("003.")
        assert "1. You are in quarantine" in screen and "What you can do:" in screen
        tmux.type("slower")
        tmux.wait_for("004-slow.")
        tmux.type("language")
        screen = tmux.wait_for("红码")
        tmux.type("quit")
        tmux.wait_for("再见。")
        tmux.wait_for("006.")
    finally:
        tmux.close()
    files = sorted(audio.iterdir())
    assert [f.stem for f in files] == ["001", "002", "003", "004-slow", "005", "006"]
    seconds = {f.stem: duration(f) for f in files}
    assert all(s > 0.5 for s in seconds.values())
    assert seconds["004-slow"] > seconds["003"] * 1.2, "slower repeats the reasons, more slowly"
    assert "\x1b[" not in screen, "plain lines, no colours or cursor tricks"
