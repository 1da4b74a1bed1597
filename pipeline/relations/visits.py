"""visited: who travelled where.

- the visitor of "визит/посетить/прибыть/побывать" (subject, "который", the person a participle
  describes, possessive "его визит", genitive "визит Путина", also when the parser hung it on the
  place: "визит в Москву президента Франции"; the speaker of "заявил, что прибыл в Анкару"; the
  people at the head of a delegation) and the state or place visited ("страна" for the state
  named before, "острова" for the place named before, the city of "посетил завод в Туле"), the
  kind of visit as attribute;
- who is staying somewhere ("находящийся в Париже") when his post's state is another;
- a host's guest visited where he was received;
- who spoke or took part at an event held somewhere ("выступил на форуме в Давосе"), or was
  among its guests ("в числе гостей форума — …"), was there, the place told with the event or
  in a sentence before ("Форум проходит во Владивостоке. В форуме участвует …"), unless the
  place is in the state of his own post (a leader at a forum at home travelled nowhere);
- a participant of talks or a signing held in a state not his own (`meetings.visits_abroad`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Token

from ..gazetteer import fold
from ..schema import PERSON, PLACE, STATE
from ..ud import SUBJECT_DEPS
from .context import CLAUSES, PARTICIPANTS, PLANNED, RELATIVES, Context, Found, led_by
from .matching import Roles
from .meetings import DELEGATION, SIDES, VENUES, has_case, participant_ids, visits_abroad

DESTINATIONS = {STATE, PLACE}
REFLEXIVE = "свой"  # "своего визита": the visit of the clause's subject
OWN_VISITOR = {"verb", "event", "stay"}  # roles whose visitor is the subject, not the clause's
AWAY = {"stay", "event", "guest"}  # a stay or an event is a visit only away from home
HOST_EVENT = {"visited/event", "met_with/noun"}  # what is "held" somewhere: форум, саммит


@dataclass(frozen=True)
class Held:
    """ "ВЭФ проходит во Владивостоке": an event held in a place, for the sentences after it
    that name the event without its place ("В форуме принимает участие …")."""

    token: int  # the verb's position in the doc
    place: int
    event: str | None  # the event word's folded lemma ("форум"), None for a name ("ВЭФ-2017")


def visits(context: Context, events: list[Roles]) -> Iterator[Found]:
    """Every visit the sentences tell of (see the module's docstring)."""
    held = held_events(context, events)
    for roles in context.of_relation(events, "visited"):
        role = context.cue_of(roles.trigger)[1]
        visitors = visitors_of(context, roles, role)
        places = roles["destination"]
        kind = visit_kind(roles["kind"])
        status = visit_status(context, roles, role)
        for visitor in visitors:
            targets = destinations(context, places, visitor)
            if not targets and (role in {"event", "guest"} or to_event(context, places)):
                targets = held_before(context, held, roles.trigger, event_word(context, roles))
            for target in targets:
                if role in AWAY and not away(context, visitor, target, role):
                    continue
                yield Found("visited", visitor, target, roles.trigger.sent, kind, status=status)
    yield from guest_visits(context, events)
    yield from visits_abroad(
        context, events, lambda t: next(iter(held_before(context, held, t, fold(t.lemma_))), None)
    )


def visitors_of(context: Context, roles: Roles, role: str) -> list[int]:
    """The subject of a visit verb (or of what took part in an event), else the owner of a
    visit noun ("его визит", "визит Путина"), else its clause's subject."""
    if role == "guest":  # "в числе гостей — A, B и C": each a subject, as the parser may have it
        found = visitor_ids(context, roles["visitor"])
    elif roles["visitor"] or role in OWN_VISITOR:
        found = visitor_ids(context, first_subjects(roles["visitor"]))
    else:
        found = visit_owner(context, roles)
    return list(dict.fromkeys(found))


def visitor_ids(context: Context, tokens: list[Token]) -> list[int]:
    """The people the tokens name (`participant_ids`); a delegation by the people named in its
    phrase ("делегация во главе с премьер-министром X"), else by the state or organisation it
    comes from ("делегация Казахстана")."""
    found = []
    for token in tokens:
        if context.cue_of(token) == DELEGATION:
            found.extend(delegation(context, token))
        else:  # "президент США" named by nobody stands for no visiting state
            # a journalist is no side of talks, but travels like anyone ("Журналист Иван Сидоров")
            ids = participant_ids(context, [token]) or context.entities_of([token], {PERSON})
            found.extend(i for i in ids if context.entities[i]["type"] != STATE)
    return found


def delegation(context: Context, token: Token) -> list[int]:
    """Who a delegation is: the people named in its phrase (who lead or make it up), else the
    side of its genitive or adjective ("делегация Казахстана", "китайская делегация")."""
    phrase = [t for t in token.subtree if t != token and t.dep_ != "conj" and own(t, token)]
    people = context.entities_of([*phrase, *led_by(token)], {PERSON})
    if people:
        return people
    sides = [c for c in token.children if c.dep_ in {"nmod", "amod"} and not has_case(c)]
    return context.entities_of(sides, SIDES)


def own(word: Token, group: Token) -> bool:
    """A word of the delegation's own phrase ("возглавляемая министром X"), not of a relative
    clause about it ("делегация, которую принял президент Y")."""
    while word != group:
        if word.dep_ == "acl:relcl":
            return False
        word = word.head
    return True


def first_subjects(tokens: list[Token]) -> list[Token]:
    """One subject per verb, the first: a second "nsubj" is the parser's error ("посетил остров,
    где находился в заключении борец Нельсон Мандела"), coordinated visitors are conjuncts."""
    first: dict[int, Token] = {}
    for token in sorted(tokens, key=lambda t: t.i):
        key = token.head.i if token.dep_ == "nsubj" else -1 - token.i
        first.setdefault(key, token)
    return list(first.values())


def destinations(context: Context, tokens: list[Token], visitor: int) -> list[int]:
    """The states and places the tokens name ("в Пекин", "остров Роббенэйланд"), the state a
    bare "страна" stands for ("прибыл в страну"), the place a bare "острова"/"город" stands for,
    or the place named inside a site's phrase ("посетил завод в Вольфсбурге"); never the
    visitor's own state."""
    own = {visitor, *context.own_states(visitor)}
    found = []
    for token in tokens:
        named = context.named_party(token, DESTINATIONS)
        if named is None:
            named = context.state_referred(token, own)
        if named is None:
            named = context.place_referred(token)
        if named is None:
            named = context.place_within(token)
        found.append(named)
    return [i for i in dict.fromkeys(found) if i is not None and i != visitor and i not in own]


def visit_status(context: Context, roles: Roles, role: str) -> str | None:
    """A visit verb's own tense and plan words ("посетит", "должен прибыть"), those of the verb
    of who attended or stayed ("примет участие в форуме"), a clause on a visit noun ("поездка,
    которую он совершит"); else None, and the visit's sentence tells (`stage.with_status`:
    "визит запланирован")."""
    if role == "verb":  # a gerund is as done as its verb: "побывав на могиле, он покинет город"
        gerund = "Conv" in roles.trigger.morph.get("VerbForm", [])
        return context.status_of(roles.trigger.head if gerund else roles.trigger)
    if role == "noun":  # "о поездке в Индию, которую он совершит в мае"
        planned = any(context.status_of(c) == PLANNED for c in visit_clauses(roles))
        return PLANNED if planned else None
    verb = attendance_verb(roles) if role in AWAY else None
    return context.status_of(verb) if verb is not None else None


def visit_clauses(roles: Roles) -> list[Token]:
    """The clauses on a visit noun, or "который" clauses the parser hung on its place
    ("поездка в Индию, которую он совершит")."""
    own = [c for c in roles.trigger.children if c.dep_ in CLAUSES]
    on_place = [
        c
        for place in roles["destination"]
        for c in place.children
        if c.dep_ == "acl:relcl" and any(fold(w.lemma_) in RELATIVES for w in c.children)
    ]
    return [*own, *on_place]


def attendance_verb(roles: Roles) -> Token | None:
    """The verb whose subject attended or stayed ("принимает участие", "находится"): its tense
    says whether the visit is done."""
    for token in roles["visitor"]:
        head = token
        while head.dep_ in {"conj", "appos", "flat:name"} and head.head is not head:
            head = head.head
        if head.dep_ in SUBJECT_DEPS:
            return head.head
    return roles.trigger if roles.trigger.pos_ == "VERB" else None


def away(context: Context, visitor: int, place: int, role: str) -> bool:
    """A stay, or being among an event's guests or participants, is a visit only for a person
    whose post's state the text gives and who is out of it ("премьер-министр Армении,
    находящийся в Париже", "в числе гостей — премьер-министр Японии"); speaking at an event only
    for whom the place is not home ("президент России" at a forum in Moscow travelled
    nowhere)."""
    home = context.home_state(visitor) or context.post_seat(visitor)
    there = context.state_code(place)
    if role in {"stay", "guest"}:
        is_person = context.entities[visitor]["type"] == PERSON
        return is_person and home is not None and there is not None and home != there
    return home is None or there is None or home != there


def held_events(context: Context, events: list[Roles]) -> list[Held]:
    """ "Форум проходит во Владивостоке", "Саммит прошёл в Казани": an event word (or a name
    of nothing else: "ВЭФ-2017") held in a place."""
    found = []
    for roles in context.of_relation(events, "event"):
        places = context.entities_of(roles["destination"], DESTINATIONS)
        named = [s for s in roles["subject"] if is_event_name(context, s)]
        if places and named:
            word = named[0]
            event = fold(word.lemma_) if is_event_word(context, word) else None
            found.append(Held(roles.trigger.i, places[0], event))
    return found


def is_event_name(context: Context, subject: Token) -> bool:
    """ "форум", "саммит", or a name that is no person, state or place ("ВЭФ-2017")."""
    if is_event_word(context, subject):
        return True
    return subject.pos_ == "PROPN" and context.entity_at(subject, {PERSON, STATE, PLACE}) is None


def to_event(context: Context, places: list[Token]) -> bool:
    """ "приехал на форум": the visit went to an event, wherever it is held."""
    return any(is_event_word(context, t) for t in places)


def is_event_word(context: Context, token: Token) -> bool:
    return "/".join(context.cue_of(token)) in HOST_EVENT


def held_before(context: Context, held: list[Held], trigger: Token, event: str | None) -> list[int]:
    """The place of the event held last before the trigger, in its sentence or the
    `anaphor_window` before: an event of that word ("Саммит прошёл в Астане. На саммит …"),
    or one told by its name ("ВЭФ проходит во Владивостоке. В форуме …"); any event when the
    trigger names none ("Среди гостей — …")."""
    start = context.window_start(trigger)
    places = [
        h.place
        for h in held
        if start <= h.token < trigger.i and (event is None or h.event in {None, event})
    ]
    return places[-1:]


def event_word(context: Context, roles: Roles) -> str | None:
    """The event a visit or a guest list is about: the trigger ("в форуме"), the event a visit
    went to ("приехал на форум") or whose guests these are ("гостей форума"); None when the
    guests' event is unnamed."""
    if context.cue_of(roles.trigger)[1] == "event":
        return fold(roles.trigger.lemma_)
    candidates = [*roles["destination"], *roles.trigger.children]
    events = [t for t in candidates if is_event_word(context, t)]
    return fold(events[0].lemma_) if events else None


def guest_visits(context: Context, events: list[Roles]) -> Iterator[Found]:
    """ "Путин принял в Кремле Чавушоглу": the host is at home, so the guest came to the
    place where he was received (a meeting "held there while travelling")."""
    for roles in context.of_relation(events, "met_with"):
        if context.cue_of(roles.trigger)[1] != "host":
            continue
        places = context.entities_of(roles["venue"], VENUES)
        for guest in context.entities_of(roles["guest"], {PERSON}):
            for place in places:
                yield Found("visited", guest, place, roles.trigger.sent)


def visit_owner(context: Context, roles: Roles) -> list[int]:
    """ "его визит", "визит Путина", "визит в Москву президента Франции" (the genitive the
    parser hung on the place), else the subject of the clause."""
    possessive = [t for t in roles["owner"] if t.i < roles.trigger.i]
    for token in possessive:
        found = context.entity_at(token, {PERSON})
        if found is None and fold(token.lemma_) == REFLEXIVE:
            found = reflexive_owner(context, token)
        if found is not None:
            return [found]
    after = [t for t in roles["owner"] if t.i > roles.trigger.i and not has_case(t)]
    for token in after:
        found = context.entity_at(token, PARTICIPANTS)
        if found is None and context.cue_of(token) == DELEGATION:  # "визит делегации Китая"
            found = next(iter(delegation(context, token)), None)
        if found is not None:
            return [found]
    if any(t.morph.get("Animacy", []) == ["Anim"] for t in after):
        return []  # "визит главы японского МИДа": someone the text does not name
    for token in roles["place_owner"]:
        if is_named_place(context, token.head):
            found = context.named_party(token, {PERSON})
            if found is not None:
                return [found]
    return context.entities_of(roles.clause_subjects(), {PERSON})


def is_named_place(context: Context, token: Token) -> bool:
    """ "в Москву", "на острова" (a place named before): a place the visit went to, not a
    building whose owner the genitive names ("в резиденцию президента")."""
    if context.named_party(token, DESTINATIONS) is not None:
        return True
    return context.place_referred(token) is not None


def reflexive_owner(context: Context, token: Token) -> int | None:
    """Whom "свой" points to: the subject nearest before it, read by position, as the parser
    may hang the visit on another verb; a pronoun subject is the person named last before it
    in the sentence ("по решению Владимира Путина, о чем он заявил во время своего визита")."""
    before = context.doc[token.sent.start : token.i]
    subjects = [t for t in before if t.dep_ in SUBJECT_DEPS]
    if not subjects:
        return None
    subject = subjects[-1]
    if subject.pos_ == "PRON":
        earlier = reversed(context.doc[token.sent.start : subject.i])
        named = (context.entity_at(t, {PERSON}) for t in earlier)
        found = next((i for i in named if i is not None), None)
        if found is not None:
            return found
    return context.entity_at(subject, {PERSON})


def visit_kind(adjectives: list[Token]) -> str | None:
    """ "государственный визит", "официальный визит"."""
    before = sorted((a for a in adjectives if a.i < a.head.i), key=lambda a: a.i)
    return " ".join([*(fold(a.lemma_) for a in before), "визит"]) if before else None
