"""trade_target: a planned volume of trade ("цель доведения объемов торговли до 2 млрд
долларов", "товарооборот достигнет …"): value and unit parsed, year if stated; the states from
the sentence, else the document's two main states; past figures ("достиг", "составил") are not
targets. The money parsing (models/money.tsv) serves deals too."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping

from spacy.tokens import Span, Token

from ..gazetteer import fold
from ..schema import STATE
from .context import Context, Found, pairs

YEAR = re.compile(r"^(19|20)\d\d$")


def trade_targets(context: Context) -> Iterator[Found]:
    main_states = document_states(context)
    for sentence in context.doc.sents:
        trade = [t for t in sentence if context.cue_of(t)[0] == "trade"]
        if not trade:
            continue
        targets = [t for t in sentence if context.cue_of(t)[1] == "target" and is_ahead(t)]
        money = parse_money(sentence, context.lexicons.money)
        if not targets or money is None:
            continue
        states = list(
            dict.fromkeys(
                i for t in sentence for i in [context.entity_at(t, {STATE})] if i is not None
            )
        )
        states = states if len(states) >= 2 else main_states
        value, unit = money
        for a, b in pairs(states[:2]):
            yield Found(
                "trade_target",
                a,
                b,
                sentence,
                trade_metric(trade[0]),
                value,
                unit,
                target_year(sentence),
            )


def is_ahead(token: Token) -> bool:
    """A target, not a report: no past-tense verb ("достиг", "составил")."""
    return "Past" not in token.morph.get("Tense")


def document_states(context: Context) -> list[int]:
    """The two states a bilateral article is about: the most mentioned ones."""
    counts = Counter(
        e["id"]
        for e in context.entities.values()
        if e["type"] == STATE
        for _ in range(e["mentions"])
    )
    return [state for state, _ in counts.most_common(2)] if len(counts) >= 2 else []


def trade_metric(noun: Token) -> str:
    """ "объём взаимной торговли": the head the trade noun depends on, as a lemma, with it."""
    head = noun.head if noun.dep_ == "nmod" and noun.head.pos_ == "NOUN" else noun
    tokens = sorted({head, *[t for t in noun.subtree if not t.is_punct]}, key=lambda t: t.i)
    tokens = [t for t in tokens if t.dep_ != "case" and t.i >= head.i]
    words = [fold(head.lemma_)] + [t.text for t in tokens if t.i != head.i]
    return " ".join(words)


def parse_money(sentence: Span, words: Mapping[str, tuple[str, str]]) -> tuple[float, str] | None:
    """The first amount with a currency: "2 миллиардов долларов" → (2e9, "USD"); `words` are
    the money words of models/money.tsv."""
    tokens = list(sentence)
    for index, token in enumerate(tokens):
        number = to_number(token.text)
        if number is None or YEAR.match(token.text):
            continue
        value, unit = number, None
        for follower in tokens[index + 1 : index + 4]:
            kind, amount = words.get(fold(follower.lemma_).rstrip("."), (None, None))
            if kind is None:
                kind, amount = words.get(fold(follower.text).rstrip("."), (None, None))
            if kind == "multiplier":
                value *= float(amount)
            elif kind == "currency":
                unit = amount
                break
            else:
                break
        if unit is not None:
            return value, unit
    return None


def to_number(text: str) -> float | None:
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


def target_year(sentence: Span) -> int | None:
    """ "к 2030 году", "в 2025 году"."""
    for token in sentence:
        if (
            YEAR.match(token.text)
            and token.i + 1 < sentence.end
            and fold(token.doc[token.i + 1].lemma_) == "год"
        ):
            return int(token.text)
    return None
