"""Stage 7: doc-level entities — one id per real-world referent, with its canonical name.

This first version links by name: states by ISO code, organisations and places by their
nominative name, persons by name parts ("Токаев" joins "Касым-Жомарт Токаев" when only one
person in the document carries that surname). Titles, nominal anaphora and pronouns come later.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from .entities import MENTIONS_KEY, ORG, PERSON, STATE

if not Span.has_extension("entity_id"):
    Span.set_extension("entity_id", default=None)
if not Doc.has_extension("entities"):
    Doc.set_extension("entities", default=[])


@dataclass
class EntityRecord:
    """A doc-level entity as stored on `doc._.entities` (plain values, msgpack-friendly)."""

    id: int
    type: str
    name: str
    code: str | None = None
    position: str | None = None
    position_of: str | None = None
    mentions: int = 0


def name_parts(name: str) -> tuple[str, ...]:
    return tuple(part.lower().replace("ё", "е") for part in name.replace(".", ". ").split())


def group_key(mention: Span) -> tuple[str, str]:
    if mention.label_ == STATE and mention._.code:
        return STATE, mention._.code
    return mention.label_, " ".join(name_parts(mention._.norm or mention.text))


def enclosing_organization(mention: Span, mentions: list[Span]) -> Span | None:
    """ "МИД" inside "МИД России" names the same organisation."""
    if mention.label_ != ORG:
        return None
    return next(
        (
            m
            for m in mentions
            if m.label_ == ORG and m.start == mention.start and m.end > mention.end
        ),
        None,
    )


def merge_partial_persons(keys: Iterable[tuple[str, str]]) -> dict[tuple, tuple]:
    """Map a partial person name ("токаев") to the one fuller name that contains it
    ("касым-жомарт токаев"); names contained in two different people stay on their own."""
    persons = {key: set(key[1].split()) for key in keys if key[0] == PERSON}
    merged = {}
    for key, parts in persons.items():
        fuller = [other for other, words in persons.items() if parts < words]
        maximal = [k for k in fuller if not any(persons[k] < persons[o] for o in fuller)]
        if len(maximal) == 1:
            merged[key] = maximal[0]
    return merged


class Linker:
    """Assigns `span._.entity_id` to every mention and fills `doc._.entities`."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        groups: dict[tuple[str, str], list[Span]] = {}
        mentions = list(doc.spans.get(MENTIONS_KEY, []))
        for mention in mentions:
            outer = enclosing_organization(mention, mentions)
            groups.setdefault(group_key(outer or mention), []).append(mention)
        merged = merge_partial_persons(groups)
        for key, target in merged.items():
            groups.setdefault(target, []).extend(groups.pop(key))
        entities = []
        for entity_id, (key, members) in enumerate(
            sorted(groups.items(), key=lambda item: min(m.start for m in item[1]))
        ):
            entities.append(asdict(self.entity(entity_id, key, members)))
            for member in members:
                member._.entity_id = entity_id
        doc.spans[MENTIONS_KEY] = mentions
        doc._.entities = entities
        return doc

    @staticmethod
    def entity(entity_id: int, key: tuple[str, str], members: list[Span]) -> EntityRecord:
        names = [m._.norm or m.text for m in members if m._.kind == "name"] or [
            m._.norm or m.text for m in members
        ]
        name = names[0] if key[0] == STATE else max(names, key=len)
        code = next((m._.code for m in members if m._.code), None)
        return EntityRecord(entity_id, key[0], name, code, mentions=len(members))


@Language.factory("ru_news_linking", default_config={})
def make_linker(nlp: Language, name: str) -> Linker:
    return Linker(name)
