"""Look-up of multi-word names (states, organisations, posts) in a Doc by word forms.

Keys are built from every normal form pymorphy3 knows for a word, not from one lemma, so a
gazetteer entry matches whatever case, number or part of speech the tagger chose
("Соединённых Штатов", "Республикой Казахстан", "РФ").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from razdel import tokenize
from spacy.tokens import Doc

from .resources import word_parses


def fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def lemmas_match(doc: Doc, index: int, lemmas: tuple[str, ...]) -> bool:
    """The doc's tokens from `index` on have these (folded) lemmas."""
    end = index + len(lemmas)
    return end <= len(doc) and all(
        fold(doc[i].lemma_) == lemma for i, lemma in zip(range(index, end), lemmas, strict=True)
    )


@lru_cache(maxsize=200_000)
def word_forms(word: str) -> frozenset[str]:
    """The lowercased word and all its pymorphy3 normal forms, with ё read as е."""
    lower = fold(word)
    if not any(char.isalpha() for char in lower):
        return frozenset({lower})
    normal = {fold(parse.normal_form) for parse in word_parses(lower)}
    return frozenset({lower, *normal})


@lru_cache(maxsize=50_000)
def inflected_forms(written: str) -> frozenset[str]:
    """Every form of a gazetteer word, read as a nominative: "Штаты" → "штатов", "штатам"…
    Only nominative readings count, so "Того" (Togo) does not pull in the forms of "тот"."""
    lower = fold(written)
    forms = {lower}
    for parse in word_parses(lower):
        if parse.tag.case in {None, "nomn"}:
            forms.update(fold(form.word) for form in parse.lexeme)
    return frozenset(forms)


def name_words(name: str) -> tuple[str, ...]:
    """The words of a gazetteer name, as written (nominative by convention)."""
    return tuple(token.text for token in tokenize(name))


def word_matches(written: str, word: str) -> bool:
    """A text word matches a gazetteer word in any of its forms; capitalised gazetteer words
    need a capitalised text word, abbreviations ("РК", "МИД") an exact one."""
    if len(written) > 1 and written.isupper():
        return word == written
    if written[:1].isupper() and not word[:1].isupper():
        return False
    return fold(word) in inflected_forms(written)


@dataclass(frozen=True)
class Entry:
    """What a gazetteer name stands for."""

    label: str
    name: str
    code: str | None = None


@dataclass(frozen=True)
class Match:
    start: int  # token index in the doc
    end: int
    entry: Entry


class Gazetteer:
    """Longest-match look-up of names, each word matched through its normal forms."""

    def __init__(self, names: Iterable[tuple[str, Entry]]):
        self._by_form: dict[str, list[tuple[tuple[str, ...], Entry]]] = defaultdict(list)
        for name, entry in names:
            words = name_words(name)
            if words:
                for form in inflected_forms(words[0]):
                    self._by_form[form].append((words, entry))

    def lookup(self, words: list[str]) -> Entry | None:
        """The entry whose name is exactly these words, if any."""
        for key, entry in self._candidates(words[0]) if words else []:
            if len(key) == len(words) and self._matches(key, words):
                return entry
        return None

    def find(self, doc: Doc) -> Iterator[Match]:
        """Longest non-overlapping matches, left to right, within sentences."""
        for sent in doc.sents:
            tokens = [token for token in sent if not token.is_space]
            position = 0
            while position < len(tokens):
                match = self._match_at(tokens, position)
                position += (match.end - match.start) if match else 1
                if match:
                    yield match

    def _match_at(self, tokens, position: int) -> Match | None:
        for key, entry in self._candidates(tokens[position].text):
            window = tokens[position : position + len(key)]
            if len(window) == len(key) and self._matches(key, [token.text for token in window]):
                return Match(window[0].i, window[-1].i + 1, entry)
        return None

    def _candidates(self, word: str) -> list[tuple[tuple[str, ...], Entry]]:
        """Entries whose first word has `word` among its forms, longest first."""
        return sorted(self._by_form.get(fold(word), []), key=lambda item: -len(item[0]))

    @staticmethod
    def _matches(key: tuple[str, ...], words: list[str]) -> bool:
        """The first word must match in case too; later ones may differ ("Чешской
        республики" for "Чешская Республика")."""
        return word_matches(key[0], words[0]) and all(
            word_matches(part, word) if part.isupper() else fold(word) in inflected_forms(part)
            for part, word in zip(key[1:], words[1:], strict=True)
        )
