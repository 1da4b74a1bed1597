"""Builds the pipeline's spaCy Language from models/config.cfg."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

from . import entities, lemmas, linking, quotes, relations, slovnet, tokenizer  # noqa: F401  (register the factories)
from .resources import model_path

CONFIG_NAME = "config.cfg"


def build(config_path: str | Path | None = None, **overrides) -> Language:
    """A fresh Language from our config (or another one), with optional config overrides
    such as `{"components.ner.batch_size": 128}`."""
    path = Path(config_path) if config_path else model_path(CONFIG_NAME)
    config = spacy.util.load_config(path, overrides=overrides, interpolate=False)
    return spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
