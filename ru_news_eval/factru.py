"""factRuEval-2016 → exact-span NER scores in PER / ORG / LOC.

Gold mentions come from the `.objects` layer: an object has a type and a list of `.spans` ids, and
its extent runs from the smallest start to the largest end of its spans (`extent="full"`, so an
Org object "мэрии Москвы" = org_descr "мэрии" + loc_name "Москвы" is one ORG span). With
`extent="name"` only the spans that name the object count (name/surname/patronymic/nickname for
persons, org_name/loc_name for the rest: the spans the official track-1 scorer gives weight 1), so
the ORG span above is just "Москвы"; compare the two to see what descriptors cost. Spans leave
quote marks out, so an extent that opens a quote ("ОАО «Газпром") takes in the closing one.

Types follow the 2016 track-1 `t1-l` view, where LocOrg is merged into loc: Person→PER, Org→ORG,
Location→LOC, LocOrg→LOC. LocOrg marks a place acting as a political body ("Россия ввела
санкции"), Location a place used geographically; our STATE/PLACE split cuts across both, so both
sides are collapsed: PERSON→PER, ORG→ORG, STATE→LOC, PLACE→LOC. Project and Facility objects are
not scored.

Objects without a naming span ("правительство", "компания"; lone geo_adj objects such as
"российский") are not scored, as in the official scorer, which ignores "unnamed" objects. A
prediction whose extent equals such an ignored object's extent (or a Project's) is dropped rather
than counted as a false positive. Predictions are the mentions of kind "name" in
`doc.spans["mentions"]`: state adjectives ("российский") are left out because the corpus marks
them inconsistently (devset: 7 of 34 geo_adj spans form an object of their own; testset: 134 of
186) and the official scorer ignores those objects anyway. Nested gold objects (the LocOrg
"Москвы" inside the Org "мэрии Москвы") are scored, like our nested mentions.

This is exact-span matching (scoring.score_spans), not the official track-1 score, which matches
token sets one-to-one with partial credit, ignores descriptor tokens and embedded objects; expect
lower numbers than the published ones, most of all for ORG.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from spacy.language import Language

from pipeline.schema import MENTIONS_KEY, ORG, PERSON, PLACE, STATE

from .scoring import Score, score_spans

TYPE_MAP = {"Person": "PER", "Org": "ORG", "Location": "LOC", "LocOrg": "LOC"}
LABEL_MAP = {PERSON: "PER", ORG: "ORG", STATE: "LOC", PLACE: "LOC"}
NAME_SPANS = {
    "PER": frozenset({"name", "surname", "patronymic", "nickname"}),
    "ORG": frozenset({"org_name", "loc_name"}),
    "LOC": frozenset({"org_name", "loc_name"}),
}
Extent = Literal["full", "name"]


@dataclass(frozen=True)
class GoldSpan:
    """One line of `.spans`: a typed character range (end exclusive)."""

    span_id: str
    type: str
    start: int
    end: int


@dataclass(frozen=True)
class GoldMention:
    """One object of `.objects` of a scored type."""

    object_id: str
    object_type: str  # Person, Org, Location, LocOrg
    label: str  # PER, ORG, LOC
    spans: tuple[GoldSpan, ...]

    @property
    def start(self) -> int:
        return min(span.start for span in self.spans)

    @property
    def end(self) -> int:
        return max(span.end for span in self.spans)

    @property
    def name_spans(self) -> tuple[GoldSpan, ...]:
        return tuple(span for span in self.spans if span.type in NAME_SPANS[self.label])

    def extent(self, extent: Extent = "full") -> tuple[int, int] | None:
        """(start, end) of all spans or of the naming spans; None when nothing names it."""
        spans = self.spans if extent == "full" else self.name_spans
        if not spans or not self.name_spans:
            return None
        return min(span.start for span in spans), max(span.end for span in spans)


@dataclass(frozen=True)
class GoldDoc:
    doc_id: str
    text: str
    mentions: tuple[GoldMention, ...]
    ignored: frozenset[tuple[int, int]]  # extents of unscored objects (Project, unnamed)
    repaired_spans: int = 0  # offsets that disagreed with the text, fixed from .tokens
    skipped_spans: int = 0  # spans that could not be placed in the text
    skipped_objects: int = 0  # objects left with no span

    def spans(self, extent: Extent = "full") -> frozenset[tuple[int, int, str]]:
        """(start, end, label) of every scored mention, quotes balanced."""
        items = set()
        for mention in self.mentions:
            bounds = mention.extent(extent)
            if bounds is not None:
                items.add((*balance_quotes(self.text, *bounds), mention.label))
        return frozenset(items)


QUOTE_PAIRS = (("«", "»"), ("„", "“"), ("“", "”"))


def balance_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """Spans leave quote marks out, so the extent of "ОАО «Газпром»" (org_descr "ОАО" +
    org_name "Газпром") holds the opening quote but not the closing one: take in the quote
    just outside the extent that closes (or opens) one inside it."""
    segment = text[start:end]
    for opening, closing in QUOTE_PAIRS:
        opened = segment.count(opening) - segment.count(closing)
        if opened > 0 and text[end : end + 1] == closing:
            return start, end + 1
        if opened < 0 and start > 0 and text[start - 1] == opening:
            return start - 1, end
    if segment.count('"') % 2 and text[end : end + 1] == '"':
        return start, end + 1
    return start, end


def _in_order(words: list[str], text: str) -> bool:
    position = 0
    for word in words:
        found = text.find(word, position)
        if found < 0:
            return False
        position = found + len(word)
    return True


def read_tokens(path: Path) -> dict[str, tuple[int, int, str]]:
    """`.tokens`: token id → (start, end, text); blank lines (sentence ends) are skipped."""
    tokens: dict[str, tuple[int, int, str]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            fields = line.split()
            if len(fields) >= 4:
                start = int(fields[1])
                tokens[fields[0]] = (start, start + int(fields[2]), fields[3])
    return tokens


def read_spans(
    path: Path, text: str, tokens: dict[str, tuple[int, int, str]]
) -> tuple[dict[str, GoldSpan], int, int]:
    """`.spans`, each checked against the text: the token words after `#` must appear, in
    order, inside text[start:end]. A span that fails is rebuilt from its tokens' offsets in
    `.tokens` when those match the text, else skipped. Returns (spans, repaired, skipped)."""
    spans: dict[str, GoldSpan] = {}
    repaired = skipped = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        left, _, right = line.partition("#")
        fields = left.split()
        if len(fields) < 6:
            continue
        span_id, span_type, offset, length, _, n_tokens = fields[:6]
        start, end, n = int(offset), int(offset) + int(length), int(n_tokens)
        token_ids, words = right.split()[:n], right.split()[n:]
        if 0 <= start < end <= len(text) and _in_order(words, text[start:end]):
            spans[span_id] = GoldSpan(span_id, span_type, start, end)
            continue
        placed = [tokens[token_id] for token_id in token_ids if token_id in tokens]
        if (
            placed
            and len(placed) == len(token_ids)
            and all(text[tok_start:tok_end] == word for tok_start, tok_end, word in placed)
        ):
            spans[span_id] = GoldSpan(span_id, span_type, placed[0][0], placed[-1][1])
            repaired += 1
        else:
            skipped += 1
    return spans, repaired, skipped


def read_document(folder: str | Path, doc_id: str) -> GoldDoc:
    """One `book_<id>` document: its text and its scored gold mentions."""
    stem = Path(folder) / doc_id
    with open(stem.with_suffix(".txt"), encoding="utf-8", newline="") as file:
        text = file.read()  # offsets count "\r" too, should a file have CRLF line ends
    tokens = read_tokens(stem.with_suffix(".tokens"))
    spans, repaired, skipped = read_spans(stem.with_suffix(".spans"), text, tokens)
    mentions, ignored, skipped_objects = [], set(), 0
    for line in stem.with_suffix(".objects").read_text(encoding="utf-8").splitlines():
        fields = line.partition("#")[0].split()
        if len(fields) < 3:
            continue
        object_id, object_type, *span_ids = fields
        object_spans = tuple(spans[span_id] for span_id in span_ids if span_id in spans)
        if not object_spans:
            skipped_objects += 1
            continue
        start = min(span.start for span in object_spans)
        end = max(span.end for span in object_spans)
        label = TYPE_MAP.get(object_type)
        if label is None:
            ignored.add(balance_quotes(text, start, end))
            continue
        mention = GoldMention(object_id, object_type, label, object_spans)
        if not mention.name_spans:
            ignored.add(balance_quotes(text, start, end))
            continue
        mentions.append(mention)
    return GoldDoc(
        doc_id, text, tuple(mentions), frozenset(ignored), repaired, skipped, skipped_objects
    )


def read_split(folder: str | Path) -> list[GoldDoc]:
    """All documents of a factRuEval-2016 split folder (devset or testset), by numeric id."""
    folder = Path(folder)
    stems = sorted(
        (path.stem for path in folder.glob("book_*.objects")),
        key=lambda stem: int(stem.rpartition("_")[2]) if stem[-1:].isdigit() else -1,
    )
    if not stems:
        raise FileNotFoundError(f"no factRuEval book_<id>.objects files in {folder}")
    return [read_document(folder, stem) for stem in stems]


def gold_items(gold_docs: list[GoldDoc], extent: Extent = "full") -> set[tuple[str, int, int, str]]:
    return {
        (g.doc_id, start, end, label) for g in gold_docs for start, end, label in g.spans(extent)
    }


def predicted_spans(
    nlp: Language, gold_docs: list[GoldDoc], kinds: Collection[str] = ("name",)
) -> Iterator[tuple[str, int, int, str]]:
    """(doc_id, start, end, label) of our mentions of the given kinds, labels mapped."""
    texts = (gold.text for gold in gold_docs)
    for gold, doc in zip(gold_docs, nlp.pipe(texts), strict=True):
        for mention in doc.spans.get(MENTIONS_KEY, []):
            label = LABEL_MAP.get(mention.label_)
            if label is not None and mention._.kind in kinds:
                yield gold.doc_id, mention.start_char, mention.end_char, label


def drop_ignored(
    predicted: Iterable[tuple[str, int, int, str]],
    gold_docs: list[GoldDoc],
    gold: set[tuple[str, int, int, str]],
) -> Iterator[tuple[str, int, int, str]]:
    """Predictions on an unscored object's exact extent count neither way."""
    ignored = {(g.doc_id, *bounds) for g in gold_docs for bounds in g.ignored}
    scored = {item[:3] for item in gold}
    for item in predicted:
        if item[:3] not in ignored or item[:3] in scored:
            yield item


def evaluate(
    nlp: Language,
    folder: str | Path,
    limit: int | None = None,
    extent: Extent = "full",
) -> list[Score]:
    """Exact-span P/R/F1 for PER, ORG, LOC and ALL on a factRuEval-2016 split folder.

    extent="full": a gold mention spans all of its object's spans (descriptors included);
    extent="name": only its naming spans. Not the official (partial-credit) track-1 score."""
    gold_docs = read_split(folder)[:limit]
    gold = gold_items(gold_docs, extent)
    predicted = drop_ignored(predicted_spans(nlp, gold_docs), gold_docs, gold)
    return score_spans(gold, predicted)
