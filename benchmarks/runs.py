"""What the benchmarks share: starting `ru-news` as a fresh process and timing it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path


def ru_news() -> str:
    """The `ru-news` command of this Python environment."""
    return shutil.which("ru-news") or str(Path(sys.executable).with_name("ru-news"))


def run_timed(
    label: str, command: list[str], shown: list[str]
) -> tuple[subprocess.CompletedProcess, float]:
    """Run a command to the end and return it with its wall seconds; exit codes 0 and 3 (some
    documents failed) are results, anything else stops the benchmark with the command's
    stderr."""
    print(f"  {label}: {' '.join(shown)} ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 3):
        raise SystemExit(f"{label} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done, wall
