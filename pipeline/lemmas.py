"""Stage 3: lemmas from pymorphy3, chosen by the POS and features slovnet predicted.

pymorphy3's first parse is often wrong in context ("стали" → "стать" or "сталь"); filtering its
parses by the UD part of speech and case picks the right one. Proper nouns keep their case and,
when pymorphy3 does not know them in the predicted case ("Токаев" is only the plural genitive of
"токай" to it), keep their text: a wrong lemma is worse than none.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from .resources import word_parses
from .tokenizer import reading_form

# UD part of speech → OpenCorpora POS tags that may stand for it.
UD_TO_OC = {
    "NOUN": {"NOUN"},
    "PROPN": {"NOUN"},
    "ADJ": {"ADJF", "ADJS", "COMP"},
    "VERB": {"VERB", "INFN", "PRTF", "PRTS", "GRND"},
    "AUX": {"VERB", "INFN"},
    "ADV": {"ADVB", "COMP", "PRED"},
    "NUM": {"NUMR", "ADJF"},
    "PRON": {"NPRO", "ADJF"},
    "DET": {"ADJF", "NPRO"},
    "ADP": {"PREP"},
    "CCONJ": {"CONJ"},
    "SCONJ": {"CONJ"},
    "PART": {"PRCL"},
    "INTJ": {"INTJ"},
}
UD_CASE_TO_OC = {
    "Nom": {"nomn"},
    "Gen": {"gent", "gen2"},
    "Dat": {"datv"},
    "Acc": {"accs"},
    "Ins": {"ablt"},
    "Loc": {"loct", "loc2"},
    "Voc": {"voct"},
    "Par": {"gen2", "gent"},
}
NAME_TAGS = {"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"}
UNCHANGED_POS = {"PUNCT", "SYM", "X", "SPACE", "NUM"}


def restore_case(lemma: str, text: str) -> str:
    """Give a lemma the capitalisation of its word: "российская" for "Российской", "МИД"."""
    if text.isupper() and len(text) > 1:
        return lemma.upper()
    if text[:1].isupper():
        return "-".join(part[:1].upper() + part[1:] for part in lemma.split("-"))
    return lemma


@lru_cache(maxsize=200_000)
def lemmatize(text: str, pos: str, case: str = "") -> str:
    """Lemma of one word given its UD POS and case (the cache makes repeated words free)."""
    if pos in UNCHANGED_POS or not any(char.isalpha() for char in text):
        return text
    parses = word_parses(text)
    allowed_pos = UD_TO_OC.get(pos, set())
    candidates = [parse for parse in parses if parse.tag.POS in allowed_pos] or parses
    if case in UD_CASE_TO_OC:
        by_case = [parse for parse in candidates if parse.tag.case in UD_CASE_TO_OC[case]]
        if by_case:
            candidates = by_case
        elif pos == "PROPN" and not is_person_noun(candidates):
            return text  # a name in a form the dictionary lacks stays as written
    if pos == "PROPN":
        named = [parse for parse in candidates if NAME_TAGS & parse.tag.grammemes]
        candidates = named or candidates
        return restore_case(candidates[0].normal_form, text)
    lemma = candidates[0].normal_form
    return restore_case(lemma, text) if text.isupper() and len(text) > 1 else lemma


def is_person_noun(parses: Sequence) -> bool:
    """A common noun for people ("Президенты", "Министры") that the tagger took for a name at
    the start of a sentence: animate, and no name reading ("Токаев" reads only as "токай")."""
    return not any(NAME_TAGS & p.tag.grammemes for p in parses) and any(
        "anim" in p.tag for p in parses
    )


class Lemmatizer:
    """Sets `token.lemma_` for every token of the doc."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            case = token.morph.get("Case", [])
            token.lemma_ = lemmatize(reading_form(token.text), token.pos_, case[0] if case else "")
        return doc


@Language.factory(
    "ru_news_lemmas",
    default_config={},
    assigns=["token.lemma"],
    requires=["token.pos", "token.morph"],
)
def make_lemmatizer(nlp: Language, name: str) -> Lemmatizer:
    return Lemmatizer(name)
