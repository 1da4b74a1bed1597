"""ru-news-pipeline: Russian news → tables of entities, quotes and relations.

import pipeline
nlp = pipeline.load()
docs = list(nlp.pipe(texts))
tables = pipeline.to_tables(docs)   # dict of pandas DataFrames
result = pipeline.run(["news/"], "out")   # a resumable batch run into out/
entities = pipeline.corpus(tables)   # one row per entity key across the documents
"""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language

from .corpus import corpus
from .language import build
from .runner import RunResult, run
from .tables import COLUMNS, TABLES, to_tables

__version__ = "0.1.0"
__all__ = ["COLUMNS", "TABLES", "RunResult", "__version__", "corpus", "load", "run", "to_tables"]


def load(path: str | Path | None = None) -> Language:
    """The pipeline: built from our config, or loaded from a directory saved with `to_disk`."""
    if path is not None and Path(path).is_dir():
        import spacy

        return spacy.load(path)
    return build(path)
