"""Shared fixtures: one pipeline per test session, paths to bundled and shared data."""

from __future__ import annotations

from pathlib import Path

import pytest

import pipeline

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
SHARED = REPO.parent / "shared"
DATASETS = SHARED / "datasets"
SEED_TEXT = DATA / "seed_tokayev_rahmon.txt"
SEED_GOLD = DATA / "gold" / "seed_tokayev_rahmon.gold.json"


@pytest.fixture(scope="session")
def nlp():
    return pipeline.load()


@pytest.fixture(scope="session")
def seed_doc(nlp):
    return nlp(SEED_TEXT.read_text(encoding="utf-8"))


def dataset(name: str) -> Path:
    """A gold corpus under ../shared/datasets, or skip the test (a user's clone has none)."""
    path = DATASETS / name
    if not path.is_dir():
        pytest.skip(f"{path} is absent (gold data lives beside the repo, not in it)")
    return path
