"""Stage 6: typed entity mentions — PERSON, STATE, PLACE, ORG.

slovnet says PER / LOC / ORG. Users need to know which locations are states (to join on ISO
codes), and slovnet's known errors must not reach the tables: a title alone ("Президент") is not
a person, "Акорды" is the Kazakh presidential office, not a place. States are also named by
adjectives ("таджикская сторона", "российский президент"); those become STATE mentions of kind
"adjective". All mentions, nested ones included (the state inside "МИД России"), go to
`doc.spans["mentions"]`; `doc.ents` holds the outermost ones. Each mention carries its
nominative name (`span._.norm`), ISO 3166 alpha-3 code (`span._.code`) and kind (`span._.kind`).
"""

from __future__ import annotations

import gettext
import unicodedata
from collections.abc import Iterator
from functools import cache

import pycountry
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .gazetteer import Entry, Gazetteer, word_forms
from .names import person_nominative, phrase_nominative
from .resources import read_tsv
from .slovnet import NER_SPANS_KEY

MENTIONS_KEY = "mentions"
PERSON, STATE, PLACE, ORG = "PERSON", "STATE", "PLACE", "ORG"
SLOVNET_TYPES = {"PER": PERSON, "LOC": PLACE, "ORG": ORG}
EDGE_PUNCT = set(".,;:!?()[]{}—–-…")

for _name in ("norm", "code", "kind"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


def strip_accents(text: str) -> str:
    """pycountry's Russian names carry stress marks ("Респу́блика")."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", decomposed.replace("\u0301", ""))


@cache
def state_names() -> tuple[tuple[str, Entry], ...]:
    """ISO 3166 countries with pycountry's Russian names, plus models/country_aliases.tsv."""
    russian = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    aliases: dict[str, list[dict[str, str]]] = {}
    for row in read_tsv("country_aliases.tsv"):
        aliases.setdefault(row["code"], []).append(row)
    names: list[tuple[str, Entry]] = []
    for country in pycountry.countries:
        code = country.alpha_3
        iso_names = [
            strip_accents(russian.gettext(value))
            for value in (country.name, getattr(country, "official_name", None))
            if value
        ]
        rows = aliases.pop(code, [])
        canonical = (rows[0]["name"] if rows and rows[0]["name"] else None) or iso_names[0]
        names += _alias_names(rows, code, canonical)
        names += [(name, Entry(STATE, canonical, code)) for name in iso_names if _is_russian(name)]
    for code, rows in aliases.items():  # codes pycountry does not list (former, disputed states)
        names += _alias_names(rows, code, rows[0]["name"])
    return tuple(names)


@cache
def state_gazetteer() -> Gazetteer:
    return Gazetteer(state_names())


@cache
def state_names_by_code() -> dict[str, str]:
    """Canonical short name of each state code (the first row of the alias file wins)."""
    names: dict[str, str] = {}
    for _, entry in state_names():
        names.setdefault(entry.code, entry.name)
    return names


def _alias_names(rows: list[dict[str, str]], code: str, canonical: str) -> list[tuple[str, Entry]]:
    names = []
    for index, row in enumerate(rows):
        name = row["name"] or canonical
        entry = Entry(STATE, name if index else canonical, code)
        names.append((name, entry))
        names += [(alias, entry) for alias in row["aliases"].split("|") if alias]
    return names


def _is_russian(name: str) -> bool:
    return any("а" <= char.lower() <= "я" for char in name)


@cache
def organization_gazetteer() -> Gazetteer:
    names = []
    for row in read_tsv("organizations.tsv"):
        entry = Entry(ORG, row["name"])
        names += [(name, entry) for name in [row["name"], *row["aliases"].split("|")] if name]
    return Gazetteer(names)


@cache
def state_adjectives() -> dict[str, str]:
    return {row["lemma"]: row["code"] for row in read_tsv("state_adjectives.tsv")}


@cache
def post_lemmas() -> frozenset[str]:
    return frozenset(row["lemma"] for row in read_tsv("posts.tsv"))


class EntityTyper:
    """Turns slovnet's PER/LOC/ORG spans into typed mentions with nominative names."""

    def __init__(self, name: str, state_adjectives: bool):
        self.name = name
        self.with_adjectives = state_adjectives

    def __call__(self, doc: Doc) -> Doc:
        mentions = list(self.typed_ner_spans(doc))
        mentions += self.gazetteer_mentions(doc, mentions)
        if self.with_adjectives:
            mentions += list(self.adjective_mentions(doc, mentions))
        mentions.sort(key=lambda span: (span.start, -span.end))
        doc.spans[MENTIONS_KEY] = mentions
        doc.ents = filter_spans(mentions)
        return doc

    def typed_ner_spans(self, doc: Doc) -> Iterator[Span]:
        for raw in doc.spans.get(NER_SPANS_KEY, []):
            span = trim(raw)
            if span is None:
                continue
            label = SLOVNET_TYPES.get(raw.label_, ORG)
            if label == PERSON:
                span = strip_posts(span)
                if span is None:
                    continue
            words = [token.text for token in span if not token.is_space]
            entry = organization_gazetteer().lookup(words) or state_gazetteer().lookup(words)
            if entry:
                yield make_mention(span, entry.label, entry.name, entry.code, "name")
            else:
                yield make_mention(span, label, None, None, "name")

    def gazetteer_mentions(self, doc: Doc, found: list[Span]) -> list[Span]:
        """States and organisations slovnet missed; states nested in organisation names."""
        added = []
        for gazetteer in (state_gazetteer(), organization_gazetteer()):
            for match in gazetteer.find(doc):
                span = Span(doc, match.start, match.end)
                overlapping = [m for m in found + added if overlaps(m, span)]
                nested_state = match.entry.label == STATE and all(
                    m.label_ in {ORG, PLACE} and contains(m, span) and m != span
                    for m in overlapping
                )
                if overlapping and not nested_state:
                    continue
                added.append(
                    make_mention(
                        span, match.entry.label, match.entry.name, match.entry.code, "name"
                    )
                )
        return added

    def adjective_mentions(self, doc: Doc, found: list[Span]) -> Iterator[Span]:
        """ "российский", "таджикская сторона": a STATE mention of kind adjective."""
        adjectives = state_adjectives()
        for token in doc:
            if token.pos_ not in {"ADJ", "PROPN", "NOUN"} or not token.is_alpha:
                continue
            code = adjectives.get(token.lemma_.lower().replace("ё", "е"))
            if code is None and token.pos_ == "ADJ":
                code = next(
                    (adjectives[f] for f in word_forms(token.text) if f in adjectives), None
                )
            if code is None:
                continue
            span = Span(doc, token.i, token.i + 1)
            if any(overlaps(m, span) and m.label_ in {PERSON, STATE, PLACE} for m in found):
                continue
            yield make_mention(
                span, STATE, state_names_by_code().get(code, code), code, "adjective"
            )


def make_mention(span: Span, label: str, norm: str | None, code: str | None, kind: str) -> Span:
    mention = Span(span.doc, span.start, span.end, label=label)
    if norm is None:
        norm = person_nominative(mention) if label == PERSON else phrase_nominative(mention)
    mention._.norm = norm
    mention._.code = code
    mention._.kind = kind
    return mention


def trim(span: Span) -> Span | None:
    """Drop punctuation and whitespace at the edges of a span (never inside)."""
    start, end = span.start, span.end
    while start < end and _is_edge(span.doc[start]):
        start += 1
    while end > start and _is_edge(span.doc[end - 1]):
        end -= 1
    return Span(span.doc, start, end, label=span.label) if end > start else None


def _is_edge(token) -> bool:
    return token.is_space or token.text in EDGE_PUNCT


def strip_posts(span: Span) -> Span | None:
    """ "Президент Токаев" → "Токаев"; "Президент" alone → None."""
    posts = post_lemmas()
    start = span.start
    while start < span.end and span.doc[start].lemma_.lower() in posts:
        start += 1
    rest = span.doc[start : span.end]
    if not any(token.text[:1].isupper() for token in rest):
        return None
    return Span(span.doc, start, span.end, label=span.label)


def overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def contains(outer: Span, inner: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


@Language.factory("ru_news_entities", default_config={"state_adjectives": True})
def make_entity_typer(nlp: Language, name: str, state_adjectives: bool) -> EntityTyper:
    return EntityTyper(name, state_adjectives)
