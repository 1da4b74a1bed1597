"""trade_target: a planned volume of trade ("цель доведения объемов торговли до 2 млрд
долларов", "товарооборот достигнет …", "задача — выйти на $200 млрд"): value and unit parsed,
year if stated; the parties from the sentence, else the sentence before, else the document's two
main states; past figures ("достиг", "составил") are not targets. Two amounts for one pair ("до
200 млрд долларов к 2024 году, а к 2030 году — до 300") are two targets. The money parsing
(models/money.tsv) serves deals too."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import takewhile

from spacy.tokens import Doc, Span, Token

from ..gazetteer import fold
from ..resources import word_parses
from ..schema import ORG, STATE
from .context import Context, Found, pairs

YEAR = re.compile(r"^(19|20)\d\d$")
BASELINE = {"с", "со", "против"}  # "с 270 до 500 миллионов", "до 3 млрд против 1,5 млрд"

MoneyWords = Mapping[str, tuple[str, str]]  # lemma → (number, multiplier or currency; value)


@dataclass(frozen=True)
class Amount:
    """A sum of money in a doc: tokens start:end, the number it comes to and its currency."""

    start: int
    end: int
    value: float
    unit: str


def trade_targets(context: Context) -> Iterator[Found]:
    main_states = document_states(context)
    for sentence in context.doc.sents:
        trade = [t for t in sentence if is_trade_word(context, t)]
        if not trade or not any(is_target_word(context, t) for t in sentence):
            continue
        money = amounts(sentence, context.lexicons.money)
        targets = [a for a in money if is_planned(context, a, sentence)]
        if not targets:
            continue
        parties = trade_parties(context, sentence, trade[0], main_states)
        for amount in targets:
            year = target_year(sentence, amount)
            for a, b in pairs(parties[:2]):
                yield Found(
                    "trade_target",
                    a,
                    b,
                    sentence,
                    trade_metric(context, trade[0]),
                    amount.value,
                    amount.unit,
                    year,
                )


def is_trade_word(context: Context, token: Token) -> bool:
    """ "товарооборот", "торговля", or "торговый" of a noun ("торговый оборот")."""
    relation, role = context.cue_of(token)
    if relation != "trade":
        return False
    return role == "noun" or (role == "modifier" and token.dep_ == "amod")


def is_target_word(context: Context, token: Token) -> bool:
    """A word that makes a figure a goal ("довести", "задача", "вырастет"), not a report: no
    past tense ("достиг", "составил")."""
    return context.cue_of(token)[1] == "target" and "Past" not in token.morph.get("Tense", [])


def is_planned(context: Context, amount: Amount, sentence: Span) -> bool:
    """A goal: a target word above the amount ("довести … до", "задача выйти на", "составит")
    or a "до" before it or its noun ("а к 2030 году — до 300 млрд", "до уровня десяти
    миллиардов"); not the figure a range starts from
    or a goal is set against ("с 270 до 500", "против 1,5 млрд"), a current one ("составляет 3
    млрд") or one a past verb reports ("в прошлом году составил 190 млрд", "был 190 млрд")."""
    doc = sentence.doc
    before = fold(doc[amount.start - 1].text) if amount.start > sentence.start else ""
    if before in BASELINE:
        return False
    above = ancestors_in(doc[amount.start : amount.end], sentence)
    verb = next((t for t in above if t.pos_ in {"VERB", "AUX"}), None)
    if verb is not None and reports_past(context, verb):
        return False
    nouns = [*doc[amount.start : amount.end], *takewhile(lambda t: t.pos_ == "NOUN", above)]
    up_to = before == "до" or any(
        c.dep_ == "case" and fold(c.text) == "до" for t in nouns for c in t.children
    )
    return up_to or any(is_target_word(context, t) for t in above)


def reports_past(context: Context, verb: Token) -> bool:
    """ "составил", "вырос", "был": a past figure; "договорились довести" keeps its goal."""
    past = "Past" in verb.morph.get("Tense", [])
    return past and (verb.pos_ == "AUX" or context.cue_of(verb)[1] == "target")


def ancestors_in(tokens: Span, sentence: Span) -> list[Token]:
    """The words above a phrase inside its sentence, nearest first."""
    inside = {t.i for t in tokens}
    found = []
    for token in tokens:
        for ancestor in token.ancestors:
            if ancestor.i not in inside and sentence.start <= ancestor.i < sentence.end:
                inside.add(ancestor.i)
                found.append(ancestor)
    return found


def trade_parties(
    context: Context, sentence: Span, trade: Token, main_states: list[int]
) -> list[int]:
    """The states (or unions, "ЕС", "ЕАЭС") whose trade it is: those named with the trade word
    ("товарооборот между ЕС и Китаем"), else the states of the sentence, else of the sentence
    before, else the two the article is about."""
    phrase = trade.head if trade.dep_ in {"nmod", "amod"} else trade
    named = context.entities_of(
        [t for t in phrase.subtree if t.i != phrase.i and t.i != trade.i], {STATE, ORG}
    )
    if len(named) >= 2:
        return named
    for span in (sentence, previous_sentence(sentence)):
        states = states_in(context, span) if span is not None else []
        if len(states) >= 2:
            return states
    return main_states


def states_in(context: Context, span: Span) -> list[int]:
    found = (context.entity_at(t, {STATE}) for t in span)
    return list(dict.fromkeys(i for i in found if i is not None))


def previous_sentence(sentence: Span) -> Span | None:
    return sentence.doc[sentence.start - 1].sent if sentence.start > 0 else None


def next_sentence(sentence: Span) -> Span | None:
    doc = sentence.doc
    return doc[sentence.end].sent if sentence.end < len(doc) else None


def document_states(context: Context) -> list[int]:
    """The two states a bilateral article is about: the most mentioned ones."""
    counts = Counter(
        e["id"]
        for e in context.entities.values()
        if e["type"] == STATE
        for _ in range(e["mentions"])
    )
    return [state for state, _ in counts.most_common(2)] if len(counts) >= 2 else []


def trade_metric(context: Context, word: Token) -> str:
    """ "объём взаимной торговли" (the measure the trade word depends on, as a lemma, and the
    trade word with its adjectives), "торговый оборот", "товарооборот"."""
    if word.dep_ == "amod":
        return f"{fold(word.lemma_)} {fold(word.head.lemma_)}"
    if word.dep_ == "nmod" and context.cue_of(word.head) == ("trade", "measure"):
        adjectives = [c.text for c in word.children if c.dep_ == "amod" and c.i < word.i]
        return " ".join([fold(word.head.lemma_), *adjectives, word.text])
    return fold(word.lemma_)


def parse_money(sentence: Span, words: MoneyWords) -> tuple[float, str] | None:
    """The first amount of a sentence: "2 миллиардов долларов" → (2e9, "USD")."""
    found = amounts(sentence, words)
    return (found[0].value, found[0].unit) if found else None


def amounts(sentence: Span, words: MoneyWords) -> list[Amount]:
    """Every amount with a currency, left to right: "200 млрд долл.", "$40 млрд", "USD 5 bn",
    "двух миллиардов долларов", "миллиарда долларов" (a scale word alone is one of it)."""
    found = []
    index = sentence.start
    while index < sentence.end:
        amount = amount_at(sentence.doc, index, sentence.end, words)
        found += [amount] if amount is not None else []
        index = amount.end if amount is not None else index + 1
    return found


def amount_at(doc: Doc, start: int, limit: int, words: MoneyWords) -> Amount | None:
    kind, value = money_word(doc[start], words)
    index = start + 1 if kind == "currency" else start  # "$200 млрд", "USD 5 bn"
    unit = value if kind == "currency" else None
    number, index = number_at(doc, index, limit, words)
    if number is None:
        return None
    while index < limit:
        kind, value = money_word(doc[index], words)
        if kind == "multiplier":
            number *= float(value)
        elif kind == "currency" and unit is None:
            unit = value
        else:
            break
        index += 1
    return Amount(start, index, number, unit) if unit is not None else None


def number_at(doc: Doc, index: int, limit: int, words: MoneyWords) -> tuple[float | None, int]:
    """The number at a token and the index after it: digits ("1,5"), number words ("двести
    пятьдесят"), or nothing before a scale word ("миллиарда долларов": one)."""
    if index >= limit:
        return None, index
    digits = to_number(doc[index].text)
    if digits is not None:
        return (None, index) if YEAR.match(doc[index].text) else (digits, index + 1)
    total, end = 0.0, index
    while end < limit and money_word(doc[end], words)[0] == "number":
        total += float(money_word(doc[end], words)[1])
        end += 1
    if end > index:
        return total, end
    return (1.0, index) if money_word(doc[index], words)[0] == "multiplier" else (None, index)


def money_word(token: Token, words: MoneyWords) -> tuple[str, str]:
    """What a word is to money, by its lemma, its text ("долл.", "$") or, for numerals the
    lemmatiser leaves as they are ("двух"), pymorphy3's lemma; ("", "") for other words."""
    text = fold(token.text).rstrip(".")
    for key in (fold(token.lemma_).rstrip("."), text):
        if key in words:
            return words[key]
    if token.pos_ == "NUM" and text.isalpha():
        parses = word_parses(text)
        if parses and parses[0].normal_form in words:
            return words[parses[0].normal_form]
    return "", ""


def to_number(text: str) -> float | None:
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


def target_year(sentence: Span, amount: Amount) -> int | None:
    """ "к 2030 году", "в 2025 году", "до 2020 года": the year nearest the amount in its
    sentence, else the first of the next sentence."""
    near = years_in(sentence)
    if near:
        return min(near, key=lambda item: abs(item[0] - amount.start))[1]
    following = next_sentence(sentence)
    later = years_in(following) if following is not None else []
    return later[0][1] if later else None


def years_in(span: Span) -> list[tuple[int, int]]:
    """(token index, year) of every "2030 год" of a span."""
    doc = span.doc
    return [
        (token.i, int(token.text))
        for token in span
        if YEAR.match(token.text)
        and token.i + 1 < len(doc)
        and fold(doc[token.i + 1].lemma_) == "год"
    ]
