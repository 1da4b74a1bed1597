"""ADAQ (Russian test set) → token-level source / cue / content scores and sentence-level quote
detection, following the dataset authors' evaluation.

Data: `ru_sentences.tsv` (`sentences`, `sentence_id`) and `ru_tokens.tsv` (`lemmas`, `text`,
`sentence_num`, `index_of_token_sent`, `tags`), 208 sentences from SynTagRus, one PARC-style tag per
token: `source`, `cue`, `content` or `None`. Both files are tab-separated with CSV quoting (a
field holding a quote mark is wrapped in quote marks, with the mark doubled inside), so they are
read with the csv module, not split on tabs.
The tokens carry no offsets: each is placed in its sentence's text by sequential search (the next
occurrence after the previous token, with only whitespace in between; after a token that could
not be placed, any gap is allowed). A token that cannot be placed is skipped (counted neither
way) and reported by `summary`; on the shipped files all 4,392 tokens are placed.

What the authors did (`baseline experiments.ipynb` in github.com/pixelmagenta/adaq, thesis
tables 3.5, 3.12, 3.13): for each label separately, every token is a binary decision, labelled
or not, and sklearn's `classification_report` gives precision, recall and F1 of the labelled
class, pooled over all tokens of all sentences (micro). Their tokens were the *system's* spaCy
tokens (4,425 for Russian), a system token being gold-labelled when any aligned gold token is.
We score the *gold* tokens instead (4,392), so that gold counts do not depend on our tokenizer:

- a gold token is predicted X when its character span overlaps one of our X spans;
- content spans: each quote's `start`..`end`; for a direct quote the quote mark immediately
  enclosing the content on either side (only whitespace between) is taken in too, because
  ADAQ labels the quotation marks of direct speech as content (our offsets leave them out);
- source spans: `speaker_start`..`speaker_end` (the words naming the speaker at the cue; the
  entity's other mentions are not used);
- cue spans: `cue_start`..`cue_end` (from the first to the last cue word, so a discontinuous
  cue covers what lies between);
- a token may be predicted under several labels; each label is scored on its own.

Cue conventions: ours (see pipeline.quotes) is PARC's, the cue's words plus a governed
preposition ("указывает на", "заявив о"). ADAQ mostly agrees; a minority of its cue spans also
take punctuation or the complementizer (the colon after "заявил" in 3 of 18 cases, ", что" in 3
of 28, the dashes around "- говорит X, -"), which we do not follow, so those tokens stay cue
misses. Dialogue lines and some one-sentence quotes with no context are unlabelled in ADAQ
("- Вас ждет сюрприз, - предупредил папа"), so finding them counts as false positives.

Rows `source`, `cue`, `content`: tp / fp / fn gold tokens (tp + fn = gold tokens of the label:
198, 126, 1507 on the full set).

Sentence-level quote detection: a sentence has a quote in gold iff any of its tokens is tagged
`content`; it is predicted to have one iff we report any quote in it (each sentence is run as a
document of its own, so any quote of the document is a quote of the sentence). Row
`sentence:quote` scores the positive class, row `sentence:none` the negative class (tp =
sentences without a quote in both). The thesis's sentence-level F1 (baseline 0.72) is the macro
average of the two classes' F1 (`classification_report`'s macro avg: 0.66 for "True", 0.78 for
"False"); `sentence_macro_f1` computes it.

Published Russian figures (thesis): token F1 baseline source 0.30 / cue 0.47 / content 0.69,
ML (PARC3-trained) 0.50 / 0.75 / 0.79; sentence-level 0.72 / 0.94. Comparable in kind, not to
the digit (other tokens, see above). ADAQ content of indirect speech usually includes the
complementizer ("что …"), ours starts after it, so content recall loses those tokens.

    ru-news evaluate quotes --data ../shared/datasets/adaq_ru_quotes [--limit N]
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from .scorer import Report
from .scoring import Score, scores_frame

LABELS = ("source", "cue", "content")
SENTENCE_QUOTE, SENTENCE_NONE = "sentence:quote", "sentence:none"
QUOTE_MARKS = frozenset("\"«»„“”‟‘’‚'")
SENTENCES_FILE, TOKENS_FILE = "ru_sentences.tsv", "ru_tokens.tsv"


@dataclass(frozen=True)
class GoldToken:
    """One row of ru_tokens.tsv, placed in its sentence (start/end None when it could not be)."""

    index: int  # index_of_token_sent, 1-based
    text: str
    tag: str  # source / cue / content / None
    start: int | None
    end: int | None


@dataclass(frozen=True)
class GoldSentence:
    sentence_id: str
    text: str
    tokens: tuple[GoldToken, ...]

    @property
    def aligned(self) -> tuple[GoldToken, ...]:
        return tuple(token for token in self.tokens if token.start is not None)

    @property
    def has_quote(self) -> bool:
        return any(token.tag == "content" for token in self.aligned)


def align_tokens(text: str, words: Sequence[str]) -> list[tuple[int, int] | None]:
    """Character offsets of each word in text, searched left to right: the next occurrence after
    the previous word with only whitespace in between (any gap right after an unplaced word);
    None for a word that cannot be placed."""
    offsets: list[tuple[int, int] | None] = []
    position, lost = 0, False
    for word in words:
        found = text.find(word, position) if word else -1
        if found >= 0 and (lost or not text[position:found].strip()):
            offsets.append((found, found + len(word)))
            position, lost = found + len(word), False
        else:
            offsets.append(None)
            lost = True
    return offsets


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t"))


def read_corpus(folder: str | Path) -> list[GoldSentence]:
    """The sentences of ru_sentences.tsv, in file order, each with its placed gold tokens."""
    folder = Path(folder)
    sentences = _read_tsv(folder / SENTENCES_FILE)
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _read_tsv(folder / TOKENS_FILE):
        rows[row["sentence_num"]].append(row)
    corpus = []
    for sentence in sentences:
        sentence_id, text = sentence["sentence_id"], sentence["sentences"]
        token_rows = sorted(rows.get(sentence_id, []), key=lambda r: int(r["index_of_token_sent"]))
        offsets = align_tokens(text, [row["text"] for row in token_rows])
        tokens = tuple(
            GoldToken(
                int(row["index_of_token_sent"]),
                row["text"],
                row["tags"],
                *(bounds if bounds else (None, None)),
            )
            for row, bounds in zip(token_rows, offsets, strict=True)
        )
        corpus.append(GoldSentence(sentence_id, text, tokens))
    if not corpus:
        raise ValueError(f"no sentences in {folder / SENTENCES_FILE}")
    return corpus


def doc_quotes(doc: Doc) -> list[dict]:
    """`doc._.quotes`, or no quotes when the quotes stage is absent."""
    return list(doc._.quotes or []) if Doc.has_extension("quotes") else []


def _widen_to_quote_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in the quote mark just before start and just after end (whitespace between allowed)."""
    left = start
    while left > 0 and text[left - 1].isspace():
        left -= 1
    if left > 0 and text[left - 1] in QUOTE_MARKS:
        start = left - 1
    right = end
    while right < len(text) and text[right].isspace():
        right += 1
    if right < len(text) and text[right] in QUOTE_MARKS:
        end = right + 1
    return start, end


def quote_spans(quotes: Iterable[dict], text: str) -> dict[str, list[tuple[int, int]]]:
    """Our character spans per label: content (direct quotes widened to their quote marks),
    source (speaker_start..speaker_end) and cue (cue_start..cue_end)."""
    spans: dict[str, list[tuple[int, int]]] = {label: [] for label in LABELS}
    for quote in quotes:
        start, end = quote["start"], quote["end"]
        if quote.get("kind") == "direct":
            start, end = _widen_to_quote_marks(text, start, end)
        spans["content"].append((start, end))
        for label, prefix in (("source", "speaker"), ("cue", "cue")):
            bound_start, bound_end = quote.get(f"{prefix}_start"), quote.get(f"{prefix}_end")
            if bound_start is not None and bound_end is not None:
                spans[label].append((bound_start, bound_end))
    return spans


def _overlaps(token: GoldToken, spans: Iterable[tuple[int, int]]) -> bool:
    """An unplaced token (no offsets) overlaps nothing."""
    if token.start is None or token.end is None:
        return False
    return any(token.start < end and start < token.end for start, end in spans)


def token_labels(sentence: GoldSentence, quotes: Iterable[dict]) -> list[set[str]]:
    """For each placed gold token, the labels we predict for it."""
    spans = quote_spans(quotes, sentence.text)
    return [
        {label for label in LABELS if _overlaps(token, spans[label])} for token in sentence.aligned
    ]


def score_documents(gold: Sequence[GoldSentence], docs: Iterable[Doc]) -> list[Score]:
    """Token-level rows per label, then the two sentence-level rows; docs are the gold
    sentences' texts run through the pipeline, in the same order."""
    counts: dict[str, Counter[str]] = {
        label: Counter() for label in (*LABELS, SENTENCE_QUOTE, SENTENCE_NONE)
    }
    for sentence, doc in zip(gold, docs, strict=True):
        if doc.text != sentence.text:
            raise ValueError(f"{sentence.sentence_id}: the document's text is not the sentence's")
        quotes = doc_quotes(doc)
        for token, predicted in zip(sentence.aligned, token_labels(sentence, quotes), strict=True):
            for label in LABELS:
                _count(counts[label], token.tag == label, label in predicted)
        predicted_quote = any(quote["end"] > quote["start"] for quote in quotes)
        _count(counts[SENTENCE_QUOTE], sentence.has_quote, predicted_quote)
        _count(counts[SENTENCE_NONE], not sentence.has_quote, not predicted_quote)
    return [Score(label, c["tp"], c["fp"], c["fn"]) for label, c in counts.items()]


def _count(counter: Counter[str], gold: bool, predicted: bool) -> None:
    if gold and predicted:
        counter["tp"] += 1
    elif predicted:
        counter["fp"] += 1
    elif gold:
        counter["fn"] += 1


def sentence_macro_f1(scores: Iterable[Score]) -> float:
    """The thesis's sentence-level figure: the mean F1 of the quote and no-quote classes."""
    by_type = {score.type: score for score in scores}
    return (by_type[SENTENCE_QUOTE].f1 + by_type[SENTENCE_NONE].f1) / 2


def summary(gold: Sequence[GoldSentence]) -> dict[str, int]:
    """Counts behind the scores: sentences, tokens, tokens that could not be placed, gold tokens
    per label, sentences with a quote."""
    tokens = [token for sentence in gold for token in sentence.tokens]
    placed = Counter(token.tag for sentence in gold for token in sentence.aligned)
    return {
        "sentences": len(gold),
        "tokens": len(tokens),
        "unaligned_tokens": sum(token.start is None for token in tokens),
        **{f"gold_{label}": placed[label] for label in LABELS},
        "quote_sentences": sum(sentence.has_quote for sentence in gold),
    }


def evaluate(nlp: Language, folder: str | Path, limit: int | None = None) -> list[Score]:
    """Token-level P/R/F1 for source, cue and content and sentence-level quote detection on the
    ADAQ Russian test set (the first `limit` sentences if given); see the module docstring."""
    gold = read_corpus(folder)[:limit]
    return score_documents(gold, nlp.pipe(sentence.text for sentence in gold))


def report(nlp: Language, folder: str | Path, limit: int | None = None) -> Report:
    """The scores, the sentence-level macro F1 and the counts behind them (`summary`)."""
    scores = evaluate(nlp, folder, limit)
    macro, counts = sentence_macro_f1(scores), summary(read_corpus(folder)[:limit])
    lines = (
        f"sentence-level macro F1 {macro:.3f}",
        ", ".join(f"{key} {value}" for key, value in counts.items()),
    )
    fields = {"counts": counts, "sentence_macro_f1": round(macro, 3)}
    return Report("adaq-ru", scores_frame(scores), lines, fields)
