"""Lexicons of lemma sequences: "по словам", "министр иностранных дел", "коалиционное
правительство". Quote cues, posts and organisation nouns are all looked up the same way: by the
first lemma, then the longest sequence that the doc's lemmas continue."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

from spacy.tokens import Doc

from .gazetteer import fold, lemmas_match

V = TypeVar("V")


class LemmaSequences(Generic[V]):
    """First lemma → (lemma sequence, value), longest first; lemmas folded (lower case, ё → е)."""

    def __init__(self, entries: Iterable[tuple[str, V]]):
        by_first: dict[str, list[tuple[tuple[str, ...], V]]] = defaultdict(list)
        for written, value in entries:
            lemmas = tuple(fold(word) for word in written.split())
            by_first[lemmas[0]].append((lemmas, value))
        for sequences in by_first.values():
            sequences.sort(key=lambda entry: -len(entry[0]))
        self.by_first = dict(by_first)

    def starting_with(self, lemma: str) -> list[tuple[tuple[str, ...], V]]:
        """Every sequence whose first lemma is this one, longest first."""
        return self.by_first.get(fold(lemma), [])

    def matches_at(self, doc: Doc, index: int) -> Iterator[tuple[tuple[str, ...], V]]:
        """The sequences the doc's lemmas spell from token `index` on, longest first."""
        for lemmas, value in self.starting_with(doc[index].lemma_):
            if lemmas_match(doc, index, lemmas):
                yield lemmas, value

    def longest_at(self, doc: Doc, index: int) -> tuple[tuple[str, ...], V] | None:
        return next(self.matches_at(doc, index), None)

    def __iter__(self) -> Iterator[tuple[tuple[str, ...], V]]:
        for sequences in self.by_first.values():
            yield from sequences
