"""RuOpinionNE-2024 → a proxy check of speaker attribution: do our quotes' speakers agree with the
gold opinion holders of sentences with a speech verb?

RuOpinionNE labels sentiment tuples (holder, target, polar expression, polarity) in single news
sentences, not quotes. Its `Source` (the holder) is a character span, `NULL` (no explicit holder)
or `AUTHOR` (the writer); targets and expressions are spans too. Each field is
`[[texts...], ["start:end"...]]`, end exclusive. Neutral speech is not labelled at all, and a
holder is whoever holds the opinion, which in a speech sentence is usually, not always, the
speaker. So the figures below say how often our speaker agrees with the holder of an evaluative
statement inside what we took as quoted content; they are not quote-attribution accuracy.

Protocol:
1. Gold: `train.jsonl` then `validation_labeled.jsonl` (`validation.jsonl` and `test.jsonl` carry
   no labels), in file order. Opinions whose holder is `NULL`, `AUTHOR` or an empty span are
   dropped; sentences left with no opinion are dropped.
2. Each remaining sentence is run through the pipeline as a document of its own. It is selected
   when one of its tokens has a `lemma_` in SPEECH_LEMMAS (заявить, сказать, сообщить, ...;
   "по словам" is not a cue here). `limit` counts selected sentences.
3. Holders: the opinions of a sentence are grouped by holder span; one group is one gold holder
   (so two opinions of "Маттео Ренци" in one sentence are one holder).
4. Matching (content spans are comparable: both sides are character offsets into the same
   sentence): a holder's quotes are our quotes whose content (`start`..`end`) overlaps the
   polar expression of one of its opinions, or, for an opinion whose expression lies in no
   quote, its target. Quotes whose content contains the holder span, while their speaker words
   do not overlap it, are dropped: there the holder is a participant of the reported speech
   ("Как сообщил глава пресс-службы, вчера Рахимов подписал указ об отставке"), not its
   speaker. A holder whose quotes were all dropped this way is `embedded` and not scored.
5. A scored holder is `no_quote` (no quote matched), `unattributed` (quotes matched, none has
   a speaker) or `attributed`. Our speaker of a quote is its `speaker_start`..`speaker_end`
   words plus every mention (`doc.spans["mentions"]`) of its `speaker_id` entity in the
   sentence; it is correct when any of these overlaps the gold holder span.

Figures:
- precision: correct / all (holder, statement) pairs where the statement has a speaker: of the
  speakers we attributed to quotes carrying a gold holder's opinion, the share that is that
  holder. A statement made jointly (the rows of one `quote_group`) is one pair, correct when
  any of its speakers is the holder.
- coverage: attributed / scored holders: how often we attribute some speaker at all.
- holder recall: holders with a correct pair / scored holders; a lower bound on speaker
  recall, since many holders are not speakers.
Missing holders are not errors of attribution as such (neutral quotes are unlabelled; opinions
outside any quote have nobody to attribute), so precision is the headline.

    ru-news evaluate opinion --data ../shared/datasets/ruopinionne2024 [--limit N]
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.schema import MENTIONS_KEY

from .adaq import doc_quotes
from .scorer import Report

SPLITS = ("train.jsonl", "validation_labeled.jsonl")
SPEECH_LEMMAS = frozenset(
    {
        "заявить",
        "сказать",
        "сообщить",
        "отметить",
        "подчеркнуть",
        "считать",
        "говорить",
        "пояснить",
        "добавить",
        "указать",
        "признать",
        "рассказать",
        "написать",
        "заметить",
        "уверить",
        "объявить",
        "предупредить",
        "призвать",
        "назвать",
        "выразить",
    }
)
NO_HOLDER = frozenset({"NULL", "AUTHOR"})
CHUNK = 128  # sentences run per nlp.pipe call, so that a small limit stops early
STATUSES = ("embedded", "no_quote", "unattributed", "attributed")

Bounds = tuple[int, int]


@dataclass(frozen=True)
class Opinion:
    holder: tuple[Bounds, ...]
    holder_text: str
    targets: tuple[Bounds, ...]
    expressions: tuple[Bounds, ...]
    polarity: str


@dataclass(frozen=True)
class GoldSentence:
    split: str
    sent_id: int
    text: str
    opinions: tuple[Opinion, ...]  # only those with an explicit holder span


def parse_spans(value: Sequence[Sequence[str]]) -> tuple[Bounds, ...]:
    """`[[texts], ["start:end", ...]]` → (start, end) pairs, NULL / AUTHOR / empty ones left out."""
    texts, offsets = value
    spans = []
    for text, offset in zip(texts, offsets, strict=False):
        start, _, end = offset.partition(":")
        if text not in NO_HOLDER and int(start) < int(end):
            spans.append((int(start), int(end)))
    return tuple(spans)


def read_split(path: str | Path) -> list[GoldSentence]:
    """The sentences of one JSONL file that keep an opinion with an explicit holder span."""
    path = Path(path)
    sentences = []
    with open(path, encoding="utf-8-sig") as file:
        for line in file:
            if not line.strip():
                continue
            record = json.loads(line)
            opinions = []
            for item in record.get("opinions", []):
                holder = parse_spans(item["Source"])
                if holder:
                    opinions.append(
                        Opinion(
                            holder,
                            " ".join(item["Source"][0]),
                            parse_spans(item["Target"]),
                            parse_spans(item["Polar_expression"]),
                            item.get("Polarity", ""),
                        )
                    )
            if opinions:
                sentences.append(
                    GoldSentence(path.stem, record["sent_id"], record["text"], tuple(opinions))
                )
    return sentences


def read_corpus(folder: str | Path, splits: Sequence[str] = SPLITS) -> list[GoldSentence]:
    folder = Path(folder)
    missing = [name for name in splits if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(f"no {', '.join(missing)} in {folder}")
    return [sentence for name in splits for sentence in read_split(folder / name)]


def has_speech_verb(doc: Doc) -> bool:
    return any(token.lemma_.lower() in SPEECH_LEMMAS for token in doc)


def select(
    gold: Iterable[GoldSentence], docs: Iterable[Doc], limit: int | None = None
) -> Iterator[tuple[GoldSentence, Doc]]:
    """(gold, doc) pairs whose doc has a speech verb, the first `limit` of them."""
    pairs = ((g, doc) for g, doc in zip(gold, docs, strict=True) if has_speech_verb(doc))
    return islice(pairs, limit)


def _chunked_pipe(nlp: Language, gold: Sequence[GoldSentence]) -> Iterator[Doc]:
    for start in range(0, len(gold), CHUNK):
        yield from nlp.pipe(sentence.text for sentence in gold[start : start + CHUNK])


def _overlap(a: Bounds, b: Bounds) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _any_overlap(spans: Iterable[Bounds], others: Iterable[Bounds]) -> bool:
    others = list(others)
    return any(_overlap(a, b) for a in spans for b in others)


def speaker_spans(quote: dict, doc: Doc) -> list[Bounds]:
    """Our speaker of a quote: its speaker words and the mentions of its speaker entity."""
    spans = []
    if quote.get("speaker_start") is not None and quote.get("speaker_end") is not None:
        spans.append((quote["speaker_start"], quote["speaker_end"]))
    entity = quote.get("speaker_id")
    if entity is not None and Span.has_extension("entity_id"):
        spans.extend(
            (mention.start_char, mention.end_char)
            for mention in doc.spans.get(MENTIONS_KEY, [])
            if mention._.entity_id == entity
        )
    return spans


@dataclass
class OpinionScores:
    """Counts over the selected sentences; precision, coverage and holder recall from them."""

    sentences: int = 0  # gold sentences with an explicit holder that were run
    selected: int = 0  # of them, with a speech verb
    holders: int = 0  # gold holders in the selected sentences
    status: Counter = field(default_factory=Counter)  # holders by STATUSES
    correct_holders: int = 0
    pairs: int = 0  # (holder, quote with a speaker) pairs
    correct_pairs: int = 0

    @property
    def scored(self) -> int:
        return self.holders - self.status["embedded"]

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.pairs if self.pairs else 0.0

    @property
    def coverage(self) -> float:
        return self.status["attributed"] / self.scored if self.scored else 0.0

    @property
    def holder_recall(self) -> float:
        return self.correct_holders / self.scored if self.scored else 0.0

    def add(self, other: OpinionScores) -> None:
        self.sentences += other.sentences
        self.selected += other.selected
        self.holders += other.holders
        self.status.update(other.status)
        self.correct_holders += other.correct_holders
        self.pairs += other.pairs
        self.correct_pairs += other.correct_pairs


def score_sentence(sentence: GoldSentence, doc: Doc) -> OpinionScores:
    """Counts for one selected sentence (see the module docstring, steps 3-5)."""
    scores = OpinionScores(selected=1)
    quotes = doc_quotes(doc)
    holders: dict[tuple[Bounds, ...], list[Opinion]] = {}
    for opinion in sentence.opinions:
        holders.setdefault(opinion.holder, []).append(opinion)
    for holder, opinions in holders.items():
        scores.holders += 1
        matched: dict[int, dict] = {}
        for opinion in opinions:
            found = _quotes_over(quotes, opinion.expressions) or _quotes_over(
                quotes, opinion.targets
            )
            matched.update((id(q), q) for q in found)
        kept = [
            (quote, spans)
            for quote in matched.values()
            for spans in [speaker_spans(quote, doc)]
            if not _embedded(holder, quote, spans)
        ]
        if matched and not kept:
            scores.status["embedded"] += 1
            continue
        attributed = [(quote, spans) for quote, spans in kept if spans]
        if not kept:
            scores.status["no_quote"] += 1
        elif not attributed:
            scores.status["unattributed"] += 1
        else:
            scores.status["attributed"] += 1
            statements = by_statement(attributed)
            correct = sum(_any_overlap(spans, holder) for spans in statements)
            scores.pairs += len(statements)
            scores.correct_pairs += correct
            scores.correct_holders += bool(correct)
    return scores


def by_statement(attributed: list[tuple[dict, list[Bounds]]]) -> list[list[Bounds]]:
    """The speakers of each statement: the rows of one `quote_group` ("Саудовская Аравия,
    Египет и ОАЭ объявили") are one statement made jointly, one prediction whose speakers are
    all of theirs, as the devgold scorer counts them."""
    groups: dict[object, list[Bounds]] = {}
    for quote, spans in attributed:
        group = quote.get("quote_group")
        groups.setdefault(id(quote) if group is None else group, []).extend(spans)
    return list(groups.values())


def _quotes_over(quotes: Iterable[dict], spans: Sequence[Bounds]) -> list[dict]:
    """The quotes whose content overlaps one of the spans."""
    return [quote for quote in quotes if _any_overlap([(quote["start"], quote["end"])], spans)]


def _embedded(holder: tuple[Bounds, ...], quote: dict, speaker: list[Bounds]) -> bool:
    """The holder lies inside the quote's content and is not its speaker."""
    inside = all(quote["start"] <= start and end <= quote["end"] for start, end in holder)
    return inside and not _any_overlap(speaker, holder)


def score_documents(
    gold: Sequence[GoldSentence], docs: Iterable[Doc], limit: int | None = None
) -> OpinionScores:
    """Select the speech-verb sentences among (gold, doc) pairs and add up their counts."""
    total = OpinionScores()
    for sentence, doc in select(gold, _counted(docs, total), limit):
        if doc.text != sentence.text:
            raise ValueError(f"{sentence.split} {sentence.sent_id}: document text differs")
        total.add(score_sentence(sentence, doc))
    return total


def _counted(docs: Iterable[Doc], total: OpinionScores) -> Iterator[Doc]:
    for doc in docs:
        total.sentences += 1
        yield doc


def evaluate(nlp: Language, folder: str | Path, limit: int | None = None) -> OpinionScores:
    """Speaker-vs-holder precision, coverage and holder recall on RuOpinionNE-2024 train and
    validation sentences with a speech verb (the first `limit` such sentences if given)."""
    gold = read_corpus(folder)
    return score_documents(gold, _chunked_pipe(nlp, gold), limit)


def scores_frame(scores: OpinionScores) -> pd.DataFrame:
    """The figures and the counts behind them: metric, value, numerator, denominator."""
    rows = [
        ("precision", scores.correct_pairs, scores.pairs),
        ("coverage", scores.status["attributed"], scores.scored),
        ("holder_recall", scores.correct_holders, scores.scored),
    ]
    counts = [
        ("sentences_run", scores.sentences),
        ("sentences_selected", scores.selected),
        ("holders", scores.holders),
        *((f"holders_{status}", scores.status[status]) for status in STATUSES),
    ]
    return pd.DataFrame(
        [
            {"metric": name, "value": round(num / den, 3) if den else 0.0, "num": num, "den": den}
            for name, num, den in rows
        ]
        + [{"metric": name, "value": None, "num": count, "den": None} for name, count in counts],
        columns=["metric", "value", "num", "den"],
        dtype=object,
    )


def report(nlp: Language, folder: str | Path, limit: int | None = None) -> Report:
    return Report("ruopinionne2024", scores_frame(evaluate(nlp, folder, limit)))
