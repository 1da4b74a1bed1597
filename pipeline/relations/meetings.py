"""met_with, and the visits its talks tell of (the rest of visited is `visits`).

- met_with: every pair of the subjects of "встретиться" (or "обсудить/поговорить" with a
  partner, or two people who "обсудили"), of the clause holding "переговоры/встречу", the
  genitives of "встреча Путина и Си", whoever took part ("в которых участвовали", "во встрече
  принял участие", "с участием"), whoever the meeting is "с", a host's guest, a call's partner
  ("позвонил Трампу"); a delegation, representatives or "сторона" stand for their state or
  organisation ("делегация Ирана", "с сирийской стороной"), or for who leads them ("во главе
  с"), a post for the one person the text gives it ("президенты России и США"); the place ("в
  Пекине", "в Москве прошли переговоры") or "телефон" as attribute;
- visited: a participant of talks or a signing held in a state not his own ("премьер-министр
  Испании" at talks "в Кремле", "премьер-министр Украины подписала в Брюсселе"): the state of his
  post against the state of the place (`Context.state_code`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..gazetteer import fold
from ..posts import ANY_CLASS, CLOSING_QUOTES, PROFESSION
from ..resources import word_parses
from ..schema import ORG, PERSON, PLACE, STATE
from ..ud import NAME_PARTS, preposition
from .context import (
    CLAUSES,
    DONE,
    PARTICIPANTS,
    PLANNED,
    TOPIC_WORDS,
    Context,
    Found,
    led_by,
    pairs,
)
from .matching import Roles

SIDES = {STATE, ORG}  # "с представителями КНР", "руководители Ruhrgas": the side they speak for
VENUES = {PLACE, STATE, ORG}  # "в Кремле", "в штаб-квартире НАТО": where it was held
PHONE = "телефон"  # the attribute of a meeting held by phone
COLLEAGUE = ("parties", "colleague")  # "со своим турецким коллегой"
DELEGATION = ("parties", "delegation")  # "принял делегацию Ирана": a side received as a guest
SIDE_NOUNS = {("parties", "side"), ("parties", "collective"), DELEGATION}  # "с сирийской стороной"
GROUP_PRONOUNS = {"мы", "они"}  # a group that includes the speaker of the clause above
RECIPROCAL_ENDINGS = ("сь", "ся")  # "созвонились", "созвонятся"
FROM = {"из"}  # "делегация из США"
WITH = {"с", "со"}
CONJUNCT_REACH = 6  # how far after "и" a partner the parser did not coordinate may be
NAME_DEPTH = 3  # how far down a person noun's phrase its name may hang
LEADERS = {"head_of_state", "head_of_government"}  # whom "лидер", "глава" of a state names
EVENT_HEADS = {
    "VERB",
    "AUX",
    "ADJ",
}  # what a meeting word that tells when something happened hangs on
PRESS = {"journalist"}  # who interviews, never a meeting's side
CONVERSATIONS = {"беседа", "интервью"}  # with an organisation: an interview given to an outlet
ATTRIBUTION_MARKS = {",", "—", "–", "-"}  # "«…», — заявил"


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
    joins the meeting told of just before. States or organisations whose talks the text tells
    by the people who took part ("переговоры России и ЕС, в которых участвовали Новак и
    Эттингер", or people of their posts who met) met as those people, also where it names the
    talks alone."""
    last: Meeting | None = None
    found: list[Found] = []
    represented: set[frozenset[int]] = set()
    for roles in context.of_relation(events, "met_with"):
        sides = participants(context, roles)
        if sides is None:
            continue
        first, second = sides
        sentence = roles.trigger.sent
        attribute = meeting_attribute(context, roles)
        attendees = participant_ids(context, roles["attendee"])
        if attendees and roles["participant"]:
            sides_named = participant_ids(context, roles["participant"])
            represented.update(frozenset(pair) for pair in pairs(sides_named))
        if attendees and joins(roles) and last and near(context, last, roles):
            # "Во встрече также принял участие X"
            first, second = list(last.participants), attendees
            attribute = attribute or last.attribute
        for a, b in meeting_pairs(context, first, second, bool(attendees)):
            if not own_side(context, a, b):
                found.append(Found("met_with", a, b, sentence, attribute))
                represented.update(sides_met(context, a, b))
        last = Meeting((*first, *second), sentence, attribute) if first or second else last
    yield from (f for f in found if frozenset((f.subject, f.object)) not in represented)


def sides_met(context: Context, a: int, b: int) -> Iterator[frozenset[int]]:
    """The pairs two people who met stand for (the states or organisations of their posts):
    "Россия договорилась с Испанией" is the talks of Путин and Аснар the text names."""
    if not both_people(context, a, b):
        return
    for side_a in [a, *post_sides(context, a)]:
        for side_b in [b, *post_sides(context, b)]:
            if (side_a, side_b) != (a, b) and side_a != side_b:
                yield frozenset((side_a, side_b))


def post_sides(context: Context, person: int) -> list[int]:
    """The state or organisation whose post a person holds ("премьер-министр Испании")."""
    of = context.entities[person].get("position_of")
    return [i for i, e in context.entities.items() if e["name"] == of and e["type"] in SIDES]


def meeting_attribute(context: Context, roles: Roles) -> str | None:
    """ "телефон" for a call ("позвонил", "по телефону", "телефонный разговор"), else the
    place."""
    if roles["phone"] or context.cue_of(roles.trigger)[1] == "call":
        return PHONE
    return venue_name(context, meeting_place(context, roles))


def own_side(context: Context, a: int, b: int) -> bool:
    """A person and the state or organisation of his own post ("глава фонда Кристина Лагард"
    and the fund) are one side, not a meeting; nor is anyone with himself."""
    if a == b:
        return True
    first, second = context.entities[a], context.entities[b]
    return second["name"] == first.get("position_of") or first["name"] == second.get("position_of")


def participants(context: Context, roles: Roles) -> tuple[list[int], list[int]] | None:
    """(the meeting's own side, its partners "с …"): the subjects of "встретиться" (or
    "обсудить" with a partner, or two people who "обсудили"), of the clause holding
    "переговоры", the genitives of "встреча Путина и Си", whoever "участвовал" in it; None when
    the trigger names no meeting of them."""
    role = context.cue_of(roles.trigger)[1]
    partners = participant_ids(
        context, [*roles["partner"], *stray_conjuncts(context, roles["partner"])]
    )
    if fold(roles.trigger.lemma_) in CONVERSATIONS:  # "в беседе с «Лентой.ру»" is an interview
        partners = [i for i in partners if context.entities[i]["type"] != ORG]
    if role == "host":  # "принял премьер-министра Индии": only a person (or delegation) is a guest
        partners = guests(context, roles)
        if not partners or greeted_with(roles.trigger):
            return None
    if role == "noun" and not partners:  # "переговоры о покупке акций компании Corus"
        partners = context.entities_of(roles["company"], {ORG})
    if role == "noun" and not partners and roles["phone"]:  # "в телефонном разговоре поздравил"
        partners = [
            i for i in participant_ids(context, roles["addressee"]) if is_person(context, i)
        ]
    if role == "noun":
        paired = context.adjective_parties([roles.trigger])  # "российско-китайские переговоры"
        if not (partners or held(roles) or roles["participant"] or roles["attendee"] or paired):
            return None  # "к 75-летию встречи на Эльбе" names no meeting of these subjects
        named = roles["attendee"] or roles["participant"]  # people before their states
        if paired and not named:
            subjects = paired
        elif named:  # "встречи американских и советских войск" is not the clause's subjects'
            subjects = participant_ids(context, roles["attendee"]) or participant_ids(
                context, roles["participant"]
            )
        else:
            subjects = participant_ids(context, clause_subjects(roles))
    else:
        subjects = participant_ids(context, roles["subject"])
    if role in {"talk", "call"} and not partners:
        people = [s for s in subjects if context.entities[s]["type"] == PERSON]
        if len(people) < 2 or (role == "call" and not is_reciprocal(roles.trigger)):
            return None  # "Россия и Китай обсудили торговлю" is not a meeting; "A и B позвонили"
    return [s for s in subjects if s not in partners], partners


def stray_conjuncts(context: Context, tokens: list[Token]) -> list[Token]:
    """A partner coordinated after "и" that the parser hung elsewhere, read by position and case:
    "с Дмитрием Медведевым и вызванным из отпуска главой «Газпрома» Алексеем Миллером" (after
    the coordination's "и", or after a conjunct that names nobody: a participle taken for a
    noun)."""
    found = []
    for token in tokens:
        conjuncts = [token, *token.conjuncts]
        last = max(conjuncts, key=lambda t: t.i).right_edge.i
        doc = token.doc
        starts = [last + 2] if last + 1 < token.sent.end and doc[last + 1].lower_ == "и" else []
        starts += [c.right_edge.i + 1 for c in token.conjuncts if not participant(context, c)]
        for start in starts:
            found += same_case_noun(token, start)
    return found


def same_case_noun(token: Token, start: int) -> list[Token]:
    """The first noun from `start` on (within `CONJUNCT_REACH` words, not past punctuation) with
    no preposition of its own, when it is in the token's case and not hung on it."""
    doc, case = token.doc, token.morph.get("Case", [])
    for each in doc[start : min(start + CONJUNCT_REACH, token.sent.end)]:
        if each.is_punct:
            break
        if each.pos_ in {"NOUN", "PROPN"} and not has_case(each) and each.head != token:
            return [each] if each.morph.get("Case", []) == case else []
    return []


def held(roles: Roles) -> bool:
    """The meeting word names talks held: by a verb ("провели переговоры"), or a clause's time
    ("заявил на переговорах", "в ходе встречи"); not a title's phrase ("глава делегации на
    переговорах")."""
    return any(t.dep_ != "case" or roles.trigger.head.pos_ in EVENT_HEADS for t in roles["held"])


def greeted_with(trigger: Token) -> bool:
    """ "встретили его аплодисментами": a greeting, not a meeting (an instrumental of manner;
    not one of time, which reads as an adverb too: "Вечером Путин принял Моди")."""
    return any(
        c.dep_ == "obl"
        and "Ins" in c.morph.get("Case", [])
        and not has_case(c)
        and not any(parse.tag.POS == "ADVB" for parse in word_parses(c.text))
        for c in trigger.children
    )


def is_reciprocal(verb: Token) -> bool:
    """ "созвонились": a call of its subjects with each other (a reflexive verb)."""
    return fold(verb.text).endswith(RECIPROCAL_ENDINGS)


def guests(context: Context, roles: Roles) -> list[int]:
    """Whom a host received: a person, or a delegation by its side ("принял делегацию Ирана");
    a guest hung on the host's subject only after the verb ("Ван И принял своего коллегу")."""
    trigger = roles.trigger
    found = []
    for token in roles["guest"]:
        if token.dep_ == "nmod" and token.i < trigger.i:
            continue
        for each in [token, *token.conjuncts]:
            types = {PERSON, *SIDES} if context.cue_of(each) == DELEGATION else {PERSON}
            found += [i for i in participant(context, each) if context.entities[i]["type"] in types]
    return list(dict.fromkeys(found))


def clause_subjects(roles: Roles) -> list[Token]:
    """The subjects of the nearest clause that has one other than the meeting word itself ("Он
    рассказал, что переговоры с сирийской стороной завершились": "Он", for talks told as done,
    not "идут переговоры", which the speaker may only report), and not across a quote ("«МВФ
    настроен», — заявил X после встречи": not "МВФ")."""
    trigger = roles.trigger
    for depth in sorted(roles.subject_depths):
        tokens = roles.subject_depths[depth]
        if trigger in tokens and "Past" not in trigger.head.morph.get("Tense", []):
            return []
        found = [
            t
            for t in tokens
            if t != trigger and not across_quote(t.doc, t.i, trigger.i) and not is_we(t)
        ]
        if found:
            return found
    return []


def is_we(token: Token) -> bool:
    """ "мы", "они" of "во время встречи с X они договорились": the speaker and X, whom the
    clause the speaker reports it in names."""
    return token.pos_ == "PRON" and fold(token.lemma_) in GROUP_PRONOUNS


def is_person(context: Context, entity: int) -> bool:
    return context.entities[entity]["type"] == PERSON


def across_quote(doc: Doc, a: int, b: int) -> bool:
    """A quote closed and attributed between two tokens ("«…», — заявил"): one is in the quote,
    the other in its attribution."""
    low, high = sorted((a, b))
    return any(
        doc[i].text in CLOSING_QUOTES and doc[i + 1].text in ATTRIBUTION_MARKS
        for i in range(low + 1, high - 1)
    )


def participant_ids(context: Context, tokens: list[Token]) -> list[int]:
    """The entities the tokens (and their conjuncts) name (`participant`)."""
    ids = []
    for token in tokens:
        for each in [token, *token.conjuncts]:
            if each.i in context.titled_groups:  # "Президенты России и Китая Путин и Си"
                ids.extend(context.titled_groups[each.i])
                continue
            ids.extend(participant(context, each))
    return list(dict.fromkeys(ids))


def participant(context: Context, token: Token) -> list[int]:
    """Who one word names: an entity, a title by its name ("коллегой Юрием Проданом", with the
    names coordinated beside it), "который" by the name before it; else a post by whoever the
    text gives that post of that state ("президенты России и США"); else those who speak for a
    state or organisation by it ("с представителями КНР", "делегация Ирана", "руководители
    германской Ruhrgas", "с сирийской стороной")."""
    if single_post_class(context, token.lemma_) in PRESS:
        return []  # "в беседе с корреспондентом ТАСС" is an interview
    led = led_by(token)
    if led:  # "делегация во главе с министром Сергеем Цивилевым"
        return participant_ids(context, [led[0].nbor(-1).head])  # what "с" governs
    named = context.named_party(token, PARTICIPANTS)
    if named is None:  # "Бойко, который приезжал в Сочи"
        named = context.relative_antecedent(token, PARTICIPANTS)
    if named is None and is_person_noun(context, token):
        named = nested_name(context, token)
    if named is not None:  # a name beside a title is its holder, whoever the title was linked to
        return appended_names(context, token) or [named]
    if not is_person_noun(context, token):
        return []
    holders = post_holders(context, token)
    if holders:
        return holders
    if context.cue_of(token) == COLLEAGUE:  # "со своим турецким коллегой": the Turk named
        return colleagues(context, token)
    if not speaks_for_side(context, token):
        return []  # "форвард «Реала»" is a player, no side of a meeting
    sides = [c for c in token.children if c.dep_ == "nmod" and side_preposition(c)]
    found = context.entities_of(sides, SIDES)
    if not found and context.cue_of(token) in SIDE_NOUNS:
        found = state_adjectives(context, token)
    return found


def is_person_noun(context: Context, token: Token) -> bool:
    """A noun for people: animate ("министр", "представители") or one that speaks for a side
    ("делегация", "руководство", "сторона")."""
    if token.pos_ not in {"NOUN", "PROPN"}:
        return False
    return token.morph.get("Animacy", []) == ["Anim"] or context.cue_of(token) in SIDE_NOUNS


def nested_name(context: Context, token: Token) -> int | None:
    """The name of a person noun the parser hung lower in its phrase ("замначальника управления
    надзора Максима Гниненко": on "управления"; "с матерью девушки Яффой Иссахар": on
    "девушки", but in the case of "матерью"), or right after its phrase ("с послом США на
    Украине Джеффри Пайеттом", hung on another word)."""
    case = token.morph.get("Case", [])
    frontier = [c for c in token.children if c.dep_ == "nmod"]
    for _ in range(NAME_DEPTH):
        below = []
        for noun in frontier:
            animate = noun.morph.get("Animacy", []) == ["Anim"]
            for child in noun.children:
                if child.dep_ in NAME_PARTS and child.i > noun.i:
                    found = context.entity_at(child, {PERSON})
                    if found is not None and (not animate or child.morph.get("Case", []) == case):
                        return found
                if child.dep_ == "nmod" and not animate:
                    below.append(child)
        frontier = below
    after = token.right_edge.i + 1
    if after < token.sent.end and context.lexicons.posts.starting_with(token.lemma_):
        return context.entity_at(context.doc[after], {PERSON})
    return None


def post_holders(context: Context, token: Token) -> list[int]:
    """ "президенты России и США", "глава российского МИДа", "лидеры двух стран" named
    elsewhere: for each state or organisation the post is of, the one person the text gives
    that post of it ("президент России Владимир Путин"); nothing unless every one is found."""
    post_class = single_post_class(context, token.lemma_)
    if post_class is None:
        return []
    owners = named_by_owner(context, token)
    holders = [holder(context, post_class, token.lemma_, owner) for owner in owners]
    return [h for h in holders if h is not None] if owners and None not in holders else []


def colleagues(context: Context, token: Token) -> list[int]:
    """For "коллега" of a state ("турецкий коллега"), the one person the text gives a post of
    that state."""
    found = []
    for owner in named_by_owner(context, token):
        name = context.entities[owner]["name"]
        people = [
            i
            for i, e in context.entities.items()
            if e["type"] == PERSON and e.get("position_of") == name
        ]
        if len(people) == 1:
            found.append(people[0])
    return found


def single_post_class(context: Context, lemma: str) -> str | None:
    """The class of a one-word post ("президент" → head_of_state), None for no post or a
    profession."""
    for lemmas, entry in context.lexicons.posts.starting_with(lemma):
        if len(lemmas) == 1 and not entry.post_class.startswith(PROFESSION):
            return entry.post_class
    return None


def named_by_owner(context: Context, token: Token) -> list[int]:
    """The states and organisations a post is of: "России и США", "российского"."""
    nmods = [c for c in token.children if c.dep_ == "nmod" and not has_case(c)]
    owners = context.entities_of(nmods, SIDES)
    return list(dict.fromkeys([*owners, *state_adjectives(context, token)]))


def holder(context: Context, post_class: str, lemma: str, owner: int) -> int | None:
    """The one person whose post (the same word, or for "лидер", "глава" one of a head of state
    or government) the text gives of `owner`."""
    name = context.entities[owner]["name"]
    wanted = fold(lemma)
    found = []
    for i, entity in context.entities.items():
        if entity["type"] != PERSON or entity.get("position_of") != name:
            continue
        post = fold(entity.get("position") or "").split()
        if not post:
            continue
        same = post[0] == wanted
        if post_class == ANY_CLASS:
            same = same or single_post_class(context, post[0]) in LEADERS
        if same:
            found.append(i)
    return found[0] if len(found) == 1 else None


def side_preposition(token: Token) -> bool:
    """ "представители КНР", "делегация из США": the side a noun speaks for."""
    return not has_case(token) or preposition(token, FROM) is not None


def speaks_for_side(context: Context, token: Token) -> bool:
    """ "делегация", "представители", or an office ("руководители Ruhrgas", "посол США"): who
    stands for a state or organisation; not a journalist who interviews, nor a profession."""
    if context.cue_of(token) in SIDE_NOUNS:
        return True
    post_class = single_post_class(context, token.lemma_)
    return post_class is not None and post_class not in PRESS


def appended_names(context: Context, token: Token) -> list[int]:
    """People named beside a title the parser hung them on: in "министр Александр Новак,
    еврокомиссар Гюнтер Эттингер" both names may be the first title's, in "главы России и
    Украины Владимир Путин и Петр Порошенко" the names are coordinated. A name before the title
    is not its own ("с послом Джеффри Пайеттом сказал глава Владимир Демчишин")."""
    names = [c for c in token.children if c.dep_ == "appos" and c.i > token.i]
    names = [each for name in names for each in [name, *name.conjuncts]]
    if names and "Plur" in token.morph.get("Number", []):  # "лидеров России и Китая Владимира
        first = names[0].i  # Путина и Си": Си hung on "России"
        names += [t for t in token.subtree if t.dep_ == "conj" and t.i > first]
    return [i for i in (context.entity_at(n, {PERSON}) for n in names) if i is not None]


def state_adjectives(context: Context, token: Token) -> list[int]:
    """The states a noun's adjectives name ("с сирийской стороной", "российской и украинской
    делегаций")."""
    adjectives = [a for c in token.children if c.dep_ == "amod" for a in [c, *c.conjuncts]]
    found = (context.state_of_adjective(a.lemma_) for a in adjectives)
    return [i for i in found if i is not None]


def has_case(token: Token) -> bool:
    """A preposition of its own: "руководители Ruhrgas" is theirs, "с Россией" is not."""
    return any(c.dep_ == "case" for c in token.children)


def meeting_pairs(
    context: Context, first: list[int], second: list[int], attended: bool
) -> Iterator[tuple[int, int]]:
    """Each side with the other; people on one side met each other too ("с Саркози и
    Баррозу"), and so did all who took part ("в которых участвовали A, B и C"), while states and
    organisations met "с" are separate talks ("с представителями КНР, Турции"), and states or
    organisations that met others together are one side ("представители Роспотребнадзора и
    Россельхознадзора провели переговоры с представителями США")."""
    for a, b in pairs(first):
        if not second or attended or both_people(context, a, b):
            yield a, b
    for a in first:
        for b in second:
            yield a, b
    for a, b in pairs(second):
        if attended or both_people(context, a, b):
            yield a, b


def both_people(context: Context, a: int, b: int) -> bool:
    return context.entities[a]["type"] == context.entities[b]["type"] == PERSON


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
    Кэмп-Дэвиде"); nor is one in what was discussed ("обсудил ситуацию в Сирии")."""
    token = place
    while token != trigger and token.head != token:
        if token.dep_ in CLAUSES and token.head != trigger:
            return True
        if token is not place and preposition(token, TOPIC_WORDS) is not None:
            return True
        if token.dep_ == "obj" and token.head == trigger:  # "обсудил ситуацию в Сирии"
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
