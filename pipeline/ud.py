"""Universal Dependencies helpers shared by the stages that read slovnet's parse (linking,
quotes, relations, posts): which relations name a subject, which join the parts of a name, and
how to climb from a word to the head of its phrase."""

from __future__ import annotations

from spacy.tokens import Token

from .gazetteer import fold

SUBJECT_DEPS = {"nsubj", "nsubj:pass"}
NAME_PARTS = {"appos", "flat", "flat:foreign", "flat:name"}  # "Касым-Жомарт Токаев", "X, глава Y"
MODIFIERS = NAME_PARTS | {"amod", "nmod", "nummod", "det"}
ABOUT = {"о", "об", "обо"}  # "заявил о планах", "соглашение о сотрудничестве"


def phrase_head(token: Token) -> Token:
    """The head of the phrase a name part or conjunct belongs to: "Рахмон" in "Президент
    Таджикистана Эмомали Рахмон" climbs to "Президент"; "Рахмон" in "Токаев и Рахмон" to
    "Токаев"."""
    while token.dep_ in NAME_PARTS | {"conj"} and token.head != token:
        token = token.head
    return token


def in_subject(token: Token) -> bool:
    """The token belongs to a subject: "Рахмон" in "Токаев и Рахмон подписали"."""
    return phrase_head(token).dep_ in SUBJECT_DEPS


def has_subject(verb: Token) -> bool:
    return any(child.dep_ in SUBJECT_DEPS for child in verb.children)


def preposition(noun: Token, words: set[str]) -> Token | None:
    """The preposition (case marker) of a noun, when it is one of `words`: "с" of "с Си"."""
    return next(
        (c for c in noun.children if c.dep_ == "case" and fold(c.text) in words and c.i < noun.i),
        None,
    )
