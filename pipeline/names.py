"""Nominative (canonical) forms of names, by pymorphy3 with agreement.

"Республикой Казахстан" is looked up in the gazetteer; everything else is inflected here:
"Межправительственной комиссии" → "Межправительственная комиссия" (the adjective agrees with its
noun), "Министерства иностранных дел России" → "Министерство иностранных дел России" (genitive
dependents after the head stay as they are), "Абая Кунанбаева" → "Абай Кунанбаев" (name parts
agree in gender).
"""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Span, Token

from .lemmas import UD_CASE_TO_OC, UD_TO_OC, restore_case
from .resources import word_parses

PERSON_TAGS = {"Name", "Surn", "Patr"}
UD_GENDER_TO_OC = {"Masc": "masc", "Fem": "femn", "Neut": "neut"}
UD_NUMBER_TO_OC = {"Sing": "sing", "Plur": "plur"}
AGREEING_POS = {"ADJ", "NOUN", "PROPN", "DET", "NUM"}


def feature(token: Token, name: str) -> str:
    values = token.morph.get(name)
    return values[0] if values else ""


@lru_cache(maxsize=100_000)
def inflect_word(text: str, pos: str, case: str, gender: str, number: str, person: bool) -> str:
    """`text` put in the nominative, keeping its number and gender; the text itself if unsure."""
    if case not in UD_CASE_TO_OC or case == "Nom" or not text[:1].isalpha():
        return text
    parses = word_parses(text)
    wanted_case = UD_CASE_TO_OC[case]
    candidates = [parse for parse in parses if parse.tag.case in wanted_case]
    if person:
        candidates = person_readings(candidates)
    else:
        candidates = [p for p in candidates if p.tag.POS in UD_TO_OC.get(pos, {"NOUN"})]
    if gender in UD_GENDER_TO_OC:
        candidates = [p for p in candidates if p.tag.gender in {UD_GENDER_TO_OC[gender], None}] or (
            candidates
        )
    if number in UD_NUMBER_TO_OC:
        candidates = [p for p in candidates if p.tag.number in {UD_NUMBER_TO_OC[number], None}] or (
            candidates
        )
    for parse in candidates:
        inflected = parse.inflect({"nomn"})
        if inflected:
            return restore_case(inflected.word, text) if text[:1].isupper() else inflected.word
    return text


def person_readings(parses: list) -> list:
    """Readings of a name part, best first: a known name, an adjective-like surname
    ("Долгорукому", "Толстого"), pymorphy3's guess for an unknown surname."""
    for accept in (
        lambda p: p.tag.POS == "NOUN" and PERSON_TAGS & p.tag.grammemes,
        lambda p: p.tag.POS == "ADJF",
        lambda p: p.tag.POS == "NOUN" and not p.is_known,
    ):
        found = [p for p in parses if accept(p)]
        if found:
            return found
    return []


def words_text(tokens: list[Token], words: list[str]) -> str:
    """Join replacement words with the original whitespace between the tokens."""
    parts = []
    for index, (token, word) in enumerate(zip(tokens, words, strict=True)):
        parts.append(word)
        if index < len(tokens) - 1:
            parts.append(token.whitespace_)
    return "".join(parts)


def person_nominative(span: Span) -> str:
    """Every name part to the nominative, in the gender the tagger saw."""
    tokens = [token for token in span if not token.is_space]
    gender = next((feature(t, "Gender") for t in tokens if feature(t, "Gender")), "")
    words = [
        inflect_word(t.text, "PROPN", feature(t, "Case"), gender, "Sing", True)
        if t.text[:1].isupper() and len(t.text) > 2
        else t.text
        for t in tokens
    ]
    return words_text(tokens, words)


def phrase_nominative(span: Span) -> str:
    """Words before and at the head noun agree in the nominative; dependents after it stay."""
    tokens = [token for token in span if not token.is_space]
    if not tokens or span.text[:1] in "«\"„“'":
        return span.text
    case = feature(tokens[0], "Case")
    if not case or case == "Nom":
        return span.text
    head = next(
        (
            i
            for i, t in enumerate(tokens)
            if t.pos_ in {"NOUN", "PROPN"} and feature(t, "Case") == case
        ),
        None,
    )
    if head is None:
        return span.text
    words = []
    for index, token in enumerate(tokens):
        agrees = index <= head and token.pos_ in AGREEING_POS and feature(token, "Case") == case
        words.append(
            inflect_word(
                token.text,
                token.pos_,
                case,
                feature(token, "Gender"),
                feature(token, "Number"),
                False,
            )
            if agrees
            else token.text
        )
    return words_text(tokens, words)
