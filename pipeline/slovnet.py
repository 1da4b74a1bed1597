"""Stages 2, 4 and 5: slovnet morphology, syntax and NER as spaCy components.

natasha runs slovnet one document at a time. These components collect the sentences of a
whole batch of docs, sort them by length (less padding) and feed slovnet in large batches,
which is where the speed-up over natasha's Doc API comes from. Weights are looked up through
`resources.slovnet_model`, cached per process and never stored on the component, so the
component pickles to worker processes as a few plain fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import cast

import numpy as np
from spacy.attrs import DEP, HEAD
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch
from thinc.types import Ints2d

from .resources import slovnet_model
from .schema import NER_SPANS_KEY
from .tokenizer import reading_form

WHITESPACE_DEP = "dep"


@dataclass(frozen=True)
class SentenceItem:
    """The non-whitespace tokens of one sentence: which doc, which token indices, which words."""

    doc_index: int
    token_indices: list[int]
    words: list[str]


def sentence_items(docs: list[Doc]) -> list[SentenceItem]:
    items = []
    for doc_index, doc in enumerate(docs):
        for sent in doc.sents:
            indices = [token.i for token in sent if not token.is_space]
            if indices:
                words = [reading_form(doc[i].text) for i in indices]
                items.append(SentenceItem(doc_index, indices, words))
    return items


def by_length(items: list[SentenceItem]) -> list[int]:
    return sorted(range(len(items)), key=lambda index: len(items[index].words))


class SlovnetComponent:
    """Shared batching: subclasses say which model and how to write one sentence's prediction."""

    kind = ""

    def __init__(self, name: str, batch_size: int):
        self.name = name
        self.batch_size = batch_size

    @property
    def model(self):
        return slovnet_model(self.kind, self.batch_size)

    def __call__(self, doc: Doc) -> Doc:
        self.process([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for chunk in minibatch(docs, size=batch_size):
            self.process(chunk)
            yield from chunk

    def process(self, docs: list[Doc]) -> None:
        items = sentence_items(docs)
        order = by_length(items)
        predictions: list = [None] * len(items)
        for index, prediction in zip(
            order, self.predict([items[i].words for i in order]), strict=True
        ):
            predictions[index] = prediction
        self.set_annotations(docs, items, predictions)

    def predict(self, words: list[list[str]]) -> Iterable:
        """Predictions for sentences given as word lists, in the same order."""
        raise NotImplementedError

    def set_annotations(
        self, docs: list[Doc], items: list[SentenceItem], predictions: list
    ) -> None:
        raise NotImplementedError

    # Nothing to serialise: the weights come from natasha's wheel.
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs):
        return self

    def to_disk(self, path, **kwargs) -> None:
        pass

    def from_disk(self, path, **kwargs):
        return self


class SlovnetMorph(SlovnetComponent):
    """UD part of speech and features on every token (whitespace tokens get SPACE)."""

    kind = "morph"

    def predict(self, words):
        return self.model.infer(words)

    def set_annotations(self, docs, items, predictions):
        for doc in docs:
            for token in doc:
                if token.is_space:
                    token.pos_ = "SPACE"
        for item, prediction in zip(items, predictions, strict=True):
            doc = docs[item.doc_index]
            for index, tag in zip(item.token_indices, prediction.tokens, strict=True):
                token = doc[index]
                token.pos_ = tag.pos
                if tag.feats:
                    token.set_morph(
                        "|".join(f"{key}={tag.feats[key]}" for key in sorted(tag.feats))
                    )


class SlovnetSyntax(SlovnetComponent):
    """UD heads and relations. Repairs slovnet's occasional extra roots and cycles so that each
    sentence stays one tree and spaCy's sentence boundaries stay those of the tokenizer."""

    kind = "syntax"

    def predict(self, words):
        return self.model.infer(words)

    def set_annotations(self, docs, items, predictions):
        heads = [list(range(len(doc))) for doc in docs]
        deps = [[WHITESPACE_DEP] * len(doc) for doc in docs]
        for item, prediction in zip(items, predictions, strict=True):
            local_heads, rels = repair_tree(
                [int(token.head_id) for token in prediction.tokens],
                [token.rel for token in prediction.tokens],
            )
            for position, index in enumerate(item.token_indices):
                head = local_heads[position]
                heads[item.doc_index][index] = index if head == 0 else item.token_indices[head - 1]
                deps[item.doc_index][index] = rels[position]
        for doc, doc_heads, doc_deps in zip(docs, heads, deps, strict=True):
            attach_whitespace(doc, doc_heads)
            set_parse(doc, doc_heads, doc_deps)


def set_parse(doc: Doc, heads: list[int], deps: list[str]) -> None:
    """Write absolute heads and relation labels in one array call (fast, and spaCy derives
    children, edges and sentence starts from it)."""
    relative = np.array([head - index for index, head in enumerate(heads)], dtype="int64")
    dep_ids = np.array([doc.vocab.strings.add(dep) for dep in deps], dtype="uint64")
    columns = np.stack([relative.astype("uint64"), dep_ids], axis=1)
    doc.from_array([HEAD, DEP], cast(Ints2d, columns))


def repair_tree(heads: list[int], rels: list[str]) -> tuple[list[int], list[str]]:
    """Make 1-based `heads` (0 = root) one tree: keep the first root, hang other roots and
    cycle members on it."""
    heads, rels = list(heads), list(rels)
    roots = [i for i, head in enumerate(heads) if head == 0 or head > len(heads)]
    root = roots[0] if roots else 0
    heads[root], rels[root] = 0, "root"
    for i in range(len(heads)):
        if i != root and (heads[i] == 0 or heads[i] > len(heads) or heads[i] == i + 1):
            heads[i] = root + 1
            if rels[i] == "root":
                rels[i] = "parataxis"
    for i in range(len(heads)):
        seen = {i}
        node = i
        while heads[node] != 0:
            node = heads[node] - 1
            if node in seen:  # a cycle: cut it at this token
                heads[i] = root + 1
                break
            seen.add(node)
    return heads, rels


def attach_whitespace(doc: Doc, heads: list[int]) -> None:
    """Whitespace tokens hang on a neighbour in their own sentence (spaCy's convention)."""
    for sent in doc.sents:
        words = [token.i for token in sent if not token.is_space]
        for token in sent:
            if token.is_space and words:
                before = [i for i in words if i < token.i]
                heads[token.i] = before[-1] if before else words[0]


class SlovnetNER(SlovnetComponent):
    """PER / LOC / ORG spans in `doc.spans["slovnet_ner"]`, tagged on our own tokens."""

    kind = "ner"

    def predict(self, words):
        infer = self.model.infer
        return infer.decoder(infer.process(infer.encoder(words)))

    def set_annotations(self, docs, items, predictions):
        spans: list[list[Span]] = [[] for _ in docs]
        for item, tags in zip(items, predictions, strict=True):
            doc = docs[item.doc_index]
            for start, end, label in bio_spans(tags):
                first, last = item.token_indices[start], item.token_indices[end - 1]
                spans[item.doc_index].append(Span(doc, first, last + 1, label=label))
        for doc, doc_spans in zip(docs, spans, strict=True):
            doc.spans[NER_SPANS_KEY] = sorted(doc_spans, key=lambda span: span.start)


def bio_spans(tags: list[str]) -> Iterator[tuple[int, int, str]]:
    """(start, end, label) from BIO tags; an I- without a matching B- opens a span."""
    start, label = 0, None  # label is None outside a span; start is read only inside one
    for index, tag in enumerate([*tags, "O"]):
        prefix, _, kind = tag.partition("-")
        if label is not None and (prefix != "I" or kind != label):
            yield start, index, label
            label = None
        if prefix in {"B", "I"} and label is None:
            start, label = index, kind


@Language.factory(
    "ru_news_slovnet_morph",
    default_config={"batch_size": 64},
    assigns=["token.pos", "token.morph"],
)
def make_morph(nlp: Language, name: str, batch_size: int) -> SlovnetMorph:
    return SlovnetMorph(name, batch_size)


@Language.factory(
    "ru_news_slovnet_syntax",
    default_config={"batch_size": 64},
    assigns=["token.dep", "token.head"],
)
def make_syntax(nlp: Language, name: str, batch_size: int) -> SlovnetSyntax:
    return SlovnetSyntax(name, batch_size)


@Language.factory(
    "ru_news_slovnet_ner",
    default_config={"batch_size": 64},
    assigns=["doc.spans"],
)
def make_ner(nlp: Language, name: str, batch_size: int) -> SlovnetNER:
    return SlovnetNER(name, batch_size)
