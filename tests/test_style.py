"""The code keeps ruff's lint rules and format (pyproject.toml), so a change that breaks them
fails here, not in review."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOURCES = ["pipeline", "ru_news_eval", "tests", "benchmarks", "scripts"]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff(command):
    """ruff from this interpreter's environment (a test dependency: pip install -e '.[test]'),
    so the suite needs no activated venv."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, *SOURCES],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
