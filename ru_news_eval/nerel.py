"""NEREL (brat standoff) → exact-span NER scores in our four types.

NEREL's types map to ours: PERSON→PERSON, COUNTRY→STATE, CITY / STATE_OR_PROVINCE / DISTRICT /
LOCATION→PLACE, ORGANIZATION→ORG. Every gold span of those types counts, nested ones too, so
our nested mentions (the state inside an organisation's name) are scored as well.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

from pipeline.schema import MENTIONS_KEY

from .scoring import Score, score_spans

# Titles and pronouns are mentions of a person for linking, not named entities for NER.
REFERENCE_KINDS = {"title", "pronoun"}
TYPE_MAP = {
    "PERSON": "PERSON",
    "COUNTRY": "STATE",
    "CITY": "PLACE",
    "STATE_OR_PROVINCE": "PLACE",
    "DISTRICT": "PLACE",
    "LOCATION": "PLACE",
    "ORGANIZATION": "ORG",
}


@dataclass(frozen=True)
class GoldDoc:
    doc_id: str
    text: str
    spans: frozenset[tuple[int, int, str]]  # (start, end, our type)


def read_ann(path: Path) -> Iterator[tuple[int, int, str]]:
    """Contiguous entity spans of mapped types; discontinuous spans and stray lines are skipped."""
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if not line.startswith("T") or len(fields) < 2:
            continue
        label, _, ranges = fields[1].partition(" ")
        if label in TYPE_MAP and ";" not in ranges:
            start, end = ranges.split()
            yield int(start), int(end), TYPE_MAP[label]


def read_split(folder: str | Path) -> list[GoldDoc]:
    """All documents of a NEREL split folder (NNN.txt + NNN.ann)."""
    folder = Path(folder)
    docs = []
    for ann in sorted(folder.glob("*.ann")):
        text = ann.with_suffix(".txt").read_text(encoding="utf-8")
        docs.append(GoldDoc(ann.stem, text, frozenset(read_ann(ann))))
    if not docs:
        raise FileNotFoundError(f"no NEREL .ann/.txt pairs in {folder}")
    return docs


def predicted_spans(nlp: Language, gold_docs: list[GoldDoc]) -> Iterator[tuple[str, int, int, str]]:
    texts = (gold.text for gold in gold_docs)
    for gold, doc in zip(gold_docs, nlp.pipe(texts), strict=True):
        for mention in doc.spans.get(MENTIONS_KEY, []):
            if mention._.kind not in REFERENCE_KINDS:
                yield gold.doc_id, mention.start_char, mention.end_char, mention.label_


def evaluate(nlp: Language, folder: str | Path, limit: int | None = None) -> list[Score]:
    """Exact-span P/R/F1 per type on a NEREL split folder."""
    gold_docs = read_split(folder)[:limit]
    gold = [(g.doc_id, start, end, label) for g in gold_docs for start, end, label in g.spans]
    return score_spans(gold, predicted_spans(nlp, gold_docs))
