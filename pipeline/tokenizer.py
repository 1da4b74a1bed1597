"""Stage 1: razdel tokens and sentences with exact character offsets.

natasha's Doc API lets razdel join a headline with its lead and a photo caption with the next
line. News text uses line breaks as hard boundaries, so every line is sentenized on its own.
Whitespace between tokens other than a single space becomes a whitespace token (as spaCy does),
which keeps `doc.text` identical to the input and every offset exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from razdel import sentenize, tokenize
from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

# Latin letters that look like Cyrillic ones, typed into Russian words by mistake or by scrapers
LOOKALIKES = str.maketrans("aceopxyABCEHKMOPTX", "асеорхуАВСЕНКМОРТХ")
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
LATIN = re.compile("[a-z]", re.IGNORECASE)
LINE = re.compile(r"[^\n\r\u2028\u2029\x0b\x0c\x85]+")
MAX_SENTENCE_CHARS = 5000  # razdel and slovnet are quadratic-ish on giant unbroken runs


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every sentence: razdel per line, never across a line break."""
    for line in LINE.finditer(text):
        base = line.start()
        for sentence in sentenize(line.group()):
            if not sentence.text.strip():
                continue
            start, stop = base + sentence.start, base + sentence.stop
            for piece_start in range(start, stop, MAX_SENTENCE_CHARS):
                yield piece_start, min(piece_start + MAX_SENTENCE_CHARS, stop)


@lru_cache(maxsize=200_000)
def reading_form(word: str) -> str:
    """The word as the taggers should read it: a Russian word typed with Latin look-alike
    letters ("Католичеcкой" with a Latin "c") in Cyrillic; a word that mixes scripts on
    purpose ("Telegram-канале") as written. The Doc keeps the original text and offsets; only
    slovnet and pymorphy3 see this form."""
    if not CYRILLIC.search(word) or word.isascii():
        return word
    cyrillic = word.translate(LOOKALIKES)
    return word if LATIN.search(cyrillic) else cyrillic


def token_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """razdel's tokens, except that it splits a word where a Latin look-alike letter changes
    the script ("Католиче" + "c" + "кой"): such pieces are one word again."""
    pending: tuple[int, int] | None = None
    for token in tokenize(text[start:end]):
        span = (start + token.start, start + token.stop)
        if pending and pending[1] == span[0] and is_one_word(text[pending[0] : span[1]]):
            pending = (pending[0], span[1])
            continue
        if pending:
            yield pending
        pending = span
    if pending:
        yield pending


def is_one_word(text: str) -> bool:
    return text.isalpha() and reading_form(text) != text


def sentence_ids(doc: Doc) -> dict[int, int]:
    """Token index → sentence number, counting only sentences with words (the numbering of
    every table's sentence_id)."""
    ids, number = {}, -1
    for sent in doc.sents:
        if any(not token.is_space for token in sent) or number < 0:
            number += 1
        for token in sent:
            ids[token.i] = max(number, 0)
    return ids


class RazdelTokenizer:
    """Callable tokenizer for `nlp.tokenizer`: text → Doc with words, spaces and sentence starts."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        sent_starts: list[bool | int | None] = []  # the type Doc takes: None is 'unknown'
        cursor = 0
        for sent_start, sent_end in sentence_spans(text):
            first = True
            for start, end in token_spans(text, sent_start, sent_end):
                self._add_gap(text[cursor:start], words, spaces, sent_starts)
                words.append(text[start:end])
                spaces.append(False)
                sent_starts.append(first)
                first = False
                cursor = end
        self._add_gap(text[cursor:], words, spaces, sent_starts)
        if len(words) > 1 and not words[0].strip():
            sent_starts[1] = False  # leading whitespace belongs to the first sentence
        return Doc(self.vocab, words=words, spaces=spaces, sent_starts=sent_starts)

    @staticmethod
    def _add_gap(
        gap: str, words: list[str], spaces: list[bool], sent_starts: list[bool | int | None]
    ) -> None:
        """A single space marks the previous token; any other gap becomes a whitespace token."""
        if not gap:
            return
        if gap == " " and words:
            spaces[-1] = True
            return
        words.append(gap)
        spaces.append(False)
        sent_starts.append(not words[:-1])  # leading whitespace opens the first sentence

    # spaCy calls these when the pipeline is saved and loaded; there is no state to keep.
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> RazdelTokenizer:
        return self

    def to_disk(self, path, **kwargs) -> None:
        pass

    def from_disk(self, path, **kwargs) -> RazdelTokenizer:
        return self


@registry.tokenizers("ru_news.RazdelTokenizer.v1")
def create_tokenizer():
    def make(nlp) -> RazdelTokenizer:
        return RazdelTokenizer(nlp.vocab)

    return make
