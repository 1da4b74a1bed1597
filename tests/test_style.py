"""The code keeps ruff's lint rules and format and type-checks under mypy (pyproject.toml), so a
change that breaks them fails here, not in review."""

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


@pytest.mark.parametrize("package", ["pipeline", "ru_news_eval"])
def test_mypy(package, tmp_path_factory):
    """mypy with pyproject's [tool.mypy], one package at a time: imports into the other package
    are followed silently, so each package answers only for its own errors. The cache is shared
    by both runs of a session (the second reuses what the first parsed)."""
    cache = tmp_path_factory.getbasetemp() / "mypy_cache"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--follow-imports=silent",
            "--cache-dir",
            str(cache),
            "--package",
            package,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
