"""The kiosk computer's systemd unit (docs/kiosk/assistant-kiosk.service): systemd's own checker finds nothing wrong
with it, it restarts the launcher whenever it stops, and the command it runs is one `assistant kiosk launch` takes."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

UNIT = Path(__file__).parents[2] / "docs" / "kiosk" / "assistant-kiosk.service"
ASSISTANT = str(Path(sys.executable).parent / "assistant")


def test_the_kiosk_unit_passes_systemds_checker_and_always_restarts(tmp_path):
    analyze = shutil.which("systemd-analyze")
    assert analyze, "the tests need systemd-analyze (make test installs Debian's systemd package)"
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text().replace("/opt/assistant/.venv/bin/assistant", ASSISTANT))
    verified = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True)
    assert verified.returncode == 0 and verified.stderr == "", verified.stderr
    parsed = configparser.ConfigParser(interpolation=None)
    parsed.read_string(UNIT.read_text())
    assert parsed["Service"]["Restart"] == "always" and parsed["Install"]["WantedBy"] == "graphical-session.target"


def test_the_units_command_is_one_the_launcher_takes(tmp_path):
    parsed = configparser.ConfigParser(interpolation=None)
    parsed.read_string(UNIT.read_text())
    server = parsed["Service"]["Environment"].split("=", 1)[1]
    words = parsed["Service"]["ExecStart"].replace("${ASSISTANT_KIOSK_SERVER}", server).replace("%h", str(tmp_path))
    words = words.split()
    assert words[0] == "/opt/assistant/.venv/bin/assistant" and words[1:3] == ["kiosk", "launch"]
    env = dict(os.environ, HOME=str(tmp_path))
    printed = subprocess.run([ASSISTANT, *words[1:], "--print-command"], capture_output=True, text=True, env=env)
    assert printed.returncode == 0, printed.stderr
    assert "--kiosk" in printed.stdout and printed.stdout.split()[-1] == "https://kiosk.example/kiosk/"
