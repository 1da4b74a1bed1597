"""met_with and visited.

- met_with: the subjects of "встретиться" (or "обсудить" with a partner), of the clause holding
  "переговоры/встречу", the genitives of "встреча Путина и Си", and whoever the meeting is "с";
  the place when the trigger has one ("в Пекине");
- visited: the visitor of "визит/посетить/прибыть" (subject, possessive "его визит", genitive
  "визит Путина") and the state or place visited; the kind of visit as attribute.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from ..gazetteer import fold
from ..schema import PERSON, PLACE, STATE
from .context import PARTICIPANTS, Context, Found, pairs
from .matching import Roles

DESTINATIONS = {STATE, PLACE}


def meetings(context: Context, events: list[Roles]) -> Iterator[Found]:
    """Participants: the subjects of "встретиться" (or "обсудить" with a partner), of the
    clause holding "переговоры", the genitives of "встреча Путина и Си", and whoever the
    meeting is "с"; the place as attribute."""
    for roles in context.of_relation(events, "met_with"):
        role = context.cue_of(roles.trigger)[1]
        if role == "noun":  # "встреча Путина и Си", else the clause's: "Путин провёл встречу"
            subjects = context.entities_of(roles["participant"], PARTICIPANTS) or (
                context.entities_of(roles.clause_subjects(), PARTICIPANTS)
            )
        else:
            subjects = context.entities_of(roles["subject"], PARTICIPANTS)
        partners = context.entities_of(roles["partner"], PARTICIPANTS)
        if role == "host":  # "принял премьер-министра Индии": only a person is a guest
            partners = context.entities_of(roles["guest"], {PERSON})
            if not partners:
                continue
        if role == "talk" and not partners:
            continue  # "Россия и Китай обсудили торговлю" is not a meeting
        if role == "noun" and not partners and not roles["held"] and not roles["participant"]:
            continue  # "к 75-летию встречи на Эльбе" names no meeting of these subjects
        place = first_name(context, roles["place"], {PLACE, STATE})
        subjects = [s for s in subjects if s not in partners]
        sentence = roles.trigger.sent
        for a in subjects:
            for b in partners:
                yield Found("met_with", a, b, sentence, place)
        if not partners:
            for a, b in pairs(subjects):
                yield Found("met_with", a, b, sentence, place)


def first_name(context: Context, tokens: list[Token], types: set[str]) -> str | None:
    """The name of the first entity of these types the tokens name."""
    ids = context.entities_of(tokens, types)
    return context.entities[ids[0]]["name"] if ids else None


def visits(context: Context, events: list[Roles]) -> Iterator[Found]:
    """The visitor (subject, "его визит", "визит Путина", else the clause's subject) and the
    state or place visited; the kind of visit as attribute."""
    for roles in context.of_relation(events, "visited"):
        targets = [
            i
            for t in roles["destination"]
            for i in [context.entity_at(t, DESTINATIONS)]
            if i is not None
        ]
        if not targets:
            continue
        if context.cue_of(roles.trigger)[1] == "verb":
            visitors = context.entities_of(roles["visitor"], PARTICIPANTS)
        else:
            visitors = visit_owner(context, roles)
        kind = visit_kind(roles["kind"])
        for visitor in dict.fromkeys(visitors):
            for target in dict.fromkeys(targets):
                if visitor != target:
                    yield Found("visited", visitor, target, roles.trigger.sent, kind)


def visit_owner(context: Context, roles: Roles) -> list[int]:
    """ "его визит", "визит Путина", else the subject of the clause."""
    possessive = [t for t in roles["owner"] if t.i < roles.trigger.i]
    for token in possessive:
        found = context.entity_at(token, {PERSON})
        if found is not None:
            return [found]
    for token in roles["owner"]:
        found = context.entity_at(token, PARTICIPANTS) if token.i > roles.trigger.i else None
        if found is not None:
            return [found]
    return context.entities_of(roles.clause_subjects(), {PERSON})


def visit_kind(adjectives: list[Token]) -> str | None:
    """ "государственный визит", "официальный визит"."""
    before = sorted((a for a in adjectives if a.i < a.head.i), key=lambda a: a.i)
    return " ".join([*(fold(a.lemma_) for a in before), "визит"]) if before else None
