"""The package's layout holds: no import circle, and the reader bridge starts without the server's libraries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_package_has_no_import_circle_and_keeps_its_layers():
    checked = subprocess.run([sys.executable, str(ROOT / "tools" / "check-imports")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert " 0 problem(s)" in checked.stdout


def test_the_import_check_finds_a_circle(tmp_path):
    package = tmp_path / "assistant"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "one.py").write_text("from . import two\n")
    (package / "two.py").write_text("def later():\n    from .one import thing\n")
    checked = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "check-imports"), str(tmp_path)], capture_output=True, text=True
    )
    assert checked.returncode == 1 and "assistant.one <-> assistant.two" in checked.stderr


def test_the_reader_bridge_loads_nothing_of_the_server():
    probe = (
        "import sys, assistant.reader.bridge, assistant.reader.simulated; "
        "server = ('numpy', 'sqlalchemy', 'cryptography', 'flask', 'assistant.checks'); "
        "print(sorted(m for m in server if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "[]"
