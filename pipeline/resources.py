"""One loader for everything the stages read from models/ and from natasha's wheel.

Model weights are loaded lazily and cached per process, so a component can be pickled
to a worker (spawn/forkserver) without its weights and reload them there.
"""

from __future__ import annotations

import hashlib
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

MODELS_PACKAGE = "pipeline.models"


def models_dir() -> Path:
    """Folder of the versioned resources (models/ in the repo, pipeline/models in a wheel)."""
    return Path(str(resources.files(MODELS_PACKAGE)))


def models_digest() -> str:
    """SHA-256 over every file under models/ (names and bytes, in name order; caches of
    Python bytecode left out): what a run records to tell rows made by other rules."""
    root = models_dir()
    files = sorted(
        path for path in root.rglob("*") if path.is_file() and "__pycache__" not in path.parts
    )
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def model_path(name: str) -> Path:
    path = models_dir() / name
    if not path.is_file():
        raise FileNotFoundError(f"resource {name!r} is missing from {models_dir()}")
    return path


@cache
def morph_analyzer():
    """pymorphy3 analyzer, one per process (never pymorphy2: it breaks on Python 3.11+). With
    the `fast` extra it reads its dictionaries through the DAWG2 C extension, 4× faster."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@lru_cache(maxsize=300_000)
def word_parses(word: str) -> tuple:
    """pymorphy3's parses of a word, cached once for every stage that looks words up."""
    return tuple(morph_analyzer().parse(word))


@cache
def navec_embedding():
    """natasha's news embedding, shared by the three slovnet models of one process."""
    from natasha.data import NEWS_EMBEDDING
    from navec import Navec

    return Navec.load(NEWS_EMBEDDING)


@cache
def slovnet_model(kind: str, batch_size: int):
    """A slovnet model ('morph', 'syntax' or 'ner') from natasha's wheel, with navec injected."""
    from natasha import data
    from slovnet import NER, Morph, Syntax

    classes = {
        "morph": (Morph, data.NEWS_MORPH),
        "syntax": (Syntax, data.NEWS_SYNTAX),
        "ner": (NER, data.NEWS_NER),
    }
    if kind not in classes:
        raise ValueError(f"unknown slovnet model {kind!r}; expected one of {sorted(classes)}")
    api_class, path = classes[kind]
    return api_class.load(path, batch_size=batch_size).navec(navec_embedding())
