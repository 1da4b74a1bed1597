"""met_with, and the visits its talks tell of (the rest of visited is `visits`).

- met_with: every pair of the subjects of "встретиться" (or "обсудить/поговорить" with a
  partner), of the clause holding "переговоры/встречу", the genitives of "встреча Путина и Си",
  whoever took part ("в которых участвовали", "во встрече принял участие") and whoever the
  meeting is "с"; the place ("в Пекине", "в Москве прошли переговоры", the place inside a site's
  phrase: "в резиденции Кэмп-Дэвид") or "телефон" as attribute;
- visited: a participant of talks or a signing held in a state not his own ("премьер-министр
  Испании" at talks "в Кремле", "премьер-министр Украины подписала в Брюсселе"): the state of his
  post against the state of the place (`Context.state_code`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from spacy.tokens import Span, Token

from ..schema import ORG, PERSON, PLACE, STATE
from ..ud import preposition
from .context import CLAUSES, DONE, PARTICIPANTS, PLANNED, TOPIC_WORDS, Context, Found, pairs
from .matching import Roles

SIDES = {STATE, ORG}  # "с представителями КНР", "руководители Ruhrgas": the side they speak for
VENUES = {PLACE, STATE, ORG}  # "в Кремле", "в штаб-квартире НАТО": where it was held
PHONE = "телефон"  # the attribute of a meeting held by phone


@dataclass(frozen=True)
class Meeting:
    """Who met, and in which sentence: "Во встрече также принял участие X" adds a participant to
    the meeting the sentences before told of."""

    participants: tuple[int, ...]
    sentence: Span
    attribute: str | None


def meetings(context: Context, events: list[Roles]) -> Iterator[Found]:
    """Every pair of participants of each meeting (`participants`), with its place ("в Пекине",
    "в Москве прошли переговоры") or "телефон" as attribute; who "принял участие во встрече"
    joins the meeting told of just before."""
    last: Meeting | None = None
    for roles in context.of_relation(events, "met_with"):
        found = participants(context, roles)
        if found is None:
            continue
        first, second = found
        sentence = roles.trigger.sent
        attribute = PHONE if roles["phone"] else venue_name(context, meeting_place(context, roles))
        attendees = participant_ids(context, roles["attendee"])
        if attendees and joins(roles) and last and near(context, last, roles):
            # "Во встрече также принял участие X"
            first, second = list(last.participants), attendees
            attribute = attribute or last.attribute
        for a, b in meeting_pairs(context, first, second, bool(attendees)):
            yield Found("met_with", a, b, sentence, attribute)
        last = Meeting((*first, *second), sentence, attribute) if first or second else last


def participants(context: Context, roles: Roles) -> tuple[list[int], list[int]] | None:
    """(the meeting's own side, its partners "с …"): the subjects of "встретиться" (or
    "обсудить" with a partner), of the clause holding "переговоры", the genitives of "встреча
    Путина и Си", whoever "участвовал" in it; None when the trigger names no meeting of them."""
    role = context.cue_of(roles.trigger)[1]
    partners = participant_ids(context, roles["partner"])
    if role == "host":  # "принял премьер-министра Индии": only a person is a guest
        partners = context.entities_of(roles["guest"], {PERSON})
        if not partners:
            return None
    if role == "talk" and not partners:
        return None  # "Россия и Китай обсудили торговлю" is not a meeting
    if role == "noun":
        if not (partners or roles["held"] or roles["participant"] or roles["attendee"]):
            return None  # "к 75-летию встречи на Эльбе" names no meeting of these subjects
        named = roles["attendee"] or roles["participant"]  # people before their states
        if named:  # "встречи американских и советских войск" is not the clause's subjects'
            subjects = participant_ids(context, roles["attendee"]) or participant_ids(
                context, roles["participant"]
            )
        else:
            subjects = participant_ids(context, roles.clause_subjects())
    else:
        subjects = participant_ids(context, roles["subject"])
    return [s for s in subjects if s not in partners], partners


def participant_ids(context: Context, tokens: list[Token]) -> list[int]:
    """The entities the tokens (and their conjuncts) name, a title by its name ("коллегой Юрием
    Проданом"), and an unnamed person by the state or organisation they represent ("с
    представителями КНР, Турции", "руководители германской Ruhrgas")."""
    ids = []
    for token in tokens:
        for each in [token, *token.conjuncts]:
            if each.i in context.titled_groups:  # "Президенты России и Китая Путин и Си"
                ids.extend(context.titled_groups[each.i])
                continue
            named = context.named_party(each, PARTICIPANTS)
            if named is None:  # "Бойко, который приезжал в Сочи"
                named = context.relative_antecedent(each, PARTICIPANTS)
            if named is not None:
                ids.extend([named, *appended_names(context, each)])
            elif each.morph.get("Animacy", []) == ["Anim"]:
                sides = [c for c in each.children if c.dep_ == "nmod" and not has_case(c)]
                ids.extend(context.entities_of(sides, SIDES))
    return list(dict.fromkeys(ids))


def appended_names(context: Context, token: Token) -> list[int]:
    """People named beside a title the parser hung them on: in "министр Александр Новак,
    еврокомиссар Гюнтер Эттингер" both names may be the first title's."""
    names = [c for c in token.children if c.dep_ == "appos"]
    return [i for i in (context.entity_at(n, {PERSON}) for n in names) if i is not None]


def has_case(token: Token) -> bool:
    """A preposition of its own: "руководители Ruhrgas" is theirs, "с Россией" is not."""
    return any(c.dep_ == "case" for c in token.children)


def meeting_pairs(
    context: Context, first: list[int], second: list[int], attended: bool
) -> Iterator[tuple[int, int]]:
    """Each side with the other; people on one side met each other too ("с Саркози и
    Баррозу"), and so did all who took part ("в которых участвовали A, B и C"), while states and
    organisations met "с" are separate talks ("с представителями КНР, Турции")."""
    yield from pairs(first)
    for a in first:
        for b in second:
            yield a, b
    for a, b in pairs(second):
        if attended or context.entities[a]["type"] == context.entities[b]["type"] == PERSON:
            yield a, b


def joins(roles: Roles) -> bool:
    """ "Во встрече приняли участие A и B": the meeting itself names nobody, so it is one told
    of before."""
    return not (roles["participant"] or roles["partner"] or roles["held"])


def near(context: Context, meeting: Meeting, roles: Roles) -> bool:
    """The meeting told of at most `anaphor_window` sentences before this trigger."""
    return meeting.sentence.start >= context.window_start(roles.trigger)


def meeting_place(context: Context, roles: Roles) -> int | None:
    """ "встретился в Пекине", "переговоры в Брюсселе", "в Москве прошли переговоры", "прибыл в
    Баку, где встретился": the first place, state or organisation named; "там": the place told
    before."""
    own = [t for t in roles["place"] if not in_other_clause(t, roles.trigger)]
    ids = context.entities_of(own, VENUES) or context.entities_of(roles["venue"], VENUES)
    if not ids:  # "в резиденции президента США Кэмп-Дэвид": the place inside the site's phrase
        ids = [i for i in map(context.place_within, [*own, *roles["venue"]]) if i is not None]
    if not ids and roles["there"]:  # "прибыл в Вашингтон. Там он провёл переговоры"
        ids = [i for i in [context.location_before(roles.trigger)] if i is not None]
    return ids[0] if ids else None


def in_other_clause(place: Token, trigger: Token) -> bool:
    """ "встретился с Чавушоглу, который ранее побывал в Париже", "переговоры о вступлении в
    ЕС", "по ситуации в Сирии": the place is in a clause about a participant or in the topic,
    not the meeting's (a clause on the meeting word itself is: "встречи, состоявшейся в
    Кэмп-Дэвиде")."""
    token = place
    while token != trigger and token.head != token:
        if token.dep_ in CLAUSES and token.head != trigger:
            return True
        if token is not place and preposition(token, TOPIC_WORDS) is not None:
            return True
        token = token.head
    return False


def venue_name(context: Context, venue: int | None) -> str | None:
    return None if venue is None else context.entities[venue]["name"]


def visits_abroad(
    context: Context, events: list[Roles], held_at: Callable[[Token], int | None]
) -> Iterator[Found]:
    """Who took part in talks or a signing held in a state not his own travelled there: "открывая
    в Кремле переговоры с премьер-министром Испании" (the Spaniard visited the Kremlin, the
    Russian host did not), "премьер-министр Украины подписала в Брюсселе декларацию". Nothing
    for a person whose state the text does not give, a place in no known state, an announced
    event; a host receiving his guest is `guest_visits`. `held_at`: the place of the event a
    trigger with no place of its own belongs to ("Саммит проходит в Казани. В саммите
    принимают участие …")."""
    for roles in events:
        relation, role = context.cue_of(roles.trigger)
        if relation not in {"met_with", "signed_agreement"} or role == "host":
            continue
        if context.status_of(roles.trigger) == PLANNED:
            continue
        place = meeting_place(context, roles)
        if place is None:  # "Саммит проходит в Казани. В саммите принимают участие …"
            place = held_at(roles.trigger)
        place_state = None if place is None else context.state_code(place)
        if place_state is None:
            continue
        for person in event_people(context, roles):
            home = context.home_state(person) or context.post_seat(person)
            if home is not None and home != place_state:
                yield Found("visited", person, place, roles.trigger.sent, status=DONE)


def event_people(context: Context, roles: Roles) -> list[int]:
    """The people of a meeting of two or more (`participants`; "заявил, что в ходе переговоров
    в Берлине …" does not say the speaker took part) or the signers of a document."""
    if context.cue_of(roles.trigger)[0] == "signed_agreement":
        found = participant_ids(context, roles["signer"])
    else:
        sides = participants(context, roles)
        if sides is None:
            return []
        found = [*sides[0], *sides[1], *participant_ids(context, roles["attendee"])]
        if len(set(found)) < 2:
            return []
    return [i for i in dict.fromkeys(found) if context.entities[i]["type"] == PERSON]
