"""holds_position: every post entity linking gave a person ("Президент Таджикистана Эмомали
Рахмон", "Дан Меридор, министр по делам разведки") and every post a predicate gives ("стал
депутатом парламента"); a leader's state the text never names is inferred in an article about
exactly two states, and given back as the entity's `position_of` (`inferred_positions`)."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from ..posts import ANY_CLASS, PROFESSION, phrase_headed_by
from ..schema import MENTIONS_KEY, ORG, PERSON, STATE
from ..ud import SUBJECT_DEPS
from .context import Context, Found
from .matching import Roles

STATE_POSTS = {"head_of_state", "head_of_government"}
LEAD_POST = "глава"  # the post of whoever "возглавляет" a body


def positions(context: Context, visited: list[Found]) -> Iterator[Found]:
    """Every post entity linking gave a person, read where the text gives it. A head of state
    or government whose state the text never names may get it from `home_state`."""
    posts = context.doc._.posts
    stated = {(p["entity_id"], p["post"]) for p in posts if p["of_id"] is not None}
    seen = set()
    for post in posts:
        key = (post["entity_id"], post["post"], post["of_id"])
        if (
            key in seen
            or (post["of_id"] is None and key[:2] in stated)
            or is_short_form(post, posts)
        ):
            continue
        seen.add(key)
        owner = post["of_id"]
        if owner is None and post["post_class"] in STATE_POSTS:
            owner = home_state(context, post, visited)
        if owner is None and post["post_class"].startswith(PROFESSION):
            continue  # "певица Алла Пугачёва": what she is (the entity's position), no post held
        if owner is None and post["post_class"] == ANY_CLASS:
            continue  # "его глава Арсений Яценюк": a head of nobody named
        sentence = context.doc[post["start"]].sent
        yield Found("holds_position", post["entity_id"], owner, sentence, post["post"])


def is_short_form(post: dict, posts: list[dict]) -> bool:
    """ "индийского премьера" after "Премьер-министр Индии Нарендра Моди", "Министр" after
    "Министр иностранных дел России Сергей Лавров": a shorter name of a post the person is
    given, with the same owner or none, is no post of its own."""
    return any(
        other["entity_id"] == post["entity_id"]
        and post["of_id"] in (other["of_id"], None)
        and other["post"] != post["post"]
        and other["post"].startswith(post["post"])
        for other in posts
    )


def inferred_positions(context: Context, found: list[Found]) -> list[dict]:
    """The position_of that linking left empty, from the post's state found here ({"entity_id",
    "position_of"}), so that the entities table says what the relations table says: Токаев,
    president of the state the seed article never names, is president of Казахстан."""
    inferred: dict[int, str] = {}
    for item in found:
        if item.relation != "holds_position" or item.subject is None or item.object is None:
            continue
        entity = context.entities.get(item.subject)
        if (
            entity is not None
            and entity["position"] == item.attribute
            and entity["position_of"] is None
            and item.subject not in inferred
        ):
            inferred[item.subject] = context.entities[item.object]["name"]
    return [{"entity_id": entity, "position_of": name} for entity, name in inferred.items()]


def predicated_posts(context: Context, events: list[Roles]) -> Iterator[Found]:
    """ "Леван Гачечиладзе стал депутатом парламента", "Мишустин назначен премьер-министром
    России", "Оливер Кан был капитаном сборной": the post and its owner from the post phrase."""
    mentions = list(context.doc.spans.get(MENTIONS_KEY, []))
    for roles in events:
        holders = (
            context.entities_of(appointed(roles.trigger), {PERSON})
            or context.entities_of(roles["holder"], {PERSON})
            or [h for verb in roles["verb"] for h in seat_holders(context, verb)]
        )
        if not holders:
            continue
        phrase = phrase_headed_by(roles.trigger, mentions, context.lexicons.posts)
        if phrase is None:
            continue
        owner = (
            context.entity_at(context.doc[phrase.of_start], {phrase.of_label})
            if phrase.of_start is not None and phrase.of_label is not None
            else None
        )
        if owner is None and phrase.post_class.startswith(PROFESSION):
            continue
        for holder in holders:
            yield Found("holds_position", holder, owner, roles.trigger.sent, phrase.post)


def led_bodies(context: Context, events: list[Roles]) -> Iterator[Found]:
    """ "Компанию возглавляет Андрей Костин", "Миллер, возглавляющий «Газпром»": the holder is
    the head ("глава") of what the verb's object names, or of the organisation the parser took
    for a second subject ("концерн «Укроборонпром» возглавил Айварас Абромавичус")."""
    for roles in events:
        if context.cue_of(roles.trigger) != ("holds_position", "lead"):
            continue
        bodies = context.parties_of(roles["owned"], {ORG, STATE})
        if not roles["owned"] and len(roles["subject"]) > 1:
            bodies = context.parties_of(roles["subject"], {ORG})
        for holder in seat_holders(context, roles.trigger) if bodies else []:
            for body in bodies:
                yield Found("holds_position", holder, body, roles.trigger.sent, LEAD_POST)


def appointed(post: Token) -> list[Token]:
    """ "Путин назначил Иванова министром": the object of the verb holds the post, not its
    subject."""
    return [c for c in post.head.children if c.dep_ == "obj"]


def seat_holders(context: Context, verb: Token) -> list[int]:
    """Who holds the post a clause names by its seat ("на посту", "с поста", "в должность",
    "обязанности"): the one appointed ("назначил Иванова на пост"), else the subject ("Орлов
    остался на посту"), what "который" stands for, the noun a participle hangs on ("Сидоров,
    сменивший Кузнецова на посту") or the subject of the verb the clause completes
    ("Исполняющим обязанности министра назначена Петрова")."""
    if context.cue_of(verb) == ("holds_position", "predicate"):
        appointees = context.entities_of([c for c in verb.children if c.dep_ == "obj"], {PERSON})
        if appointees:
            return appointees
    subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
    named = context.entities_of(subjects, {PERSON})
    if named or subjects:
        relative = (context.relative_antecedent(s, {PERSON}) for s in subjects)
        return named or [i for i in relative if i is not None]
    if verb.dep_ == "acl":
        return context.entities_of([verb.head], {PERSON})
    if verb.dep_ == "xcomp" and verb.head != verb:
        return seat_holders(context, verb.head)
    return []


def home_state(context: Context, post: dict, visited: list[Found]) -> int | None:
    """The state of a head of state or government whose state the text never names: in an
    article about two states, a leader who visits one of them, or whose counterpart holds
    the same post of one of them ("Президент Таджикистана Эмомали Рахмон"), leads the other."""
    states = [e["id"] for e in context.entities.values() if e["type"] == STATE]
    if len(states) != 2:  # only an article about exactly two states leaves one answer
        return None
    person = post["entity_id"]
    elsewhere = {f.object for f in visited if f.subject == person}
    elsewhere |= {
        p["of_id"]
        for p in context.doc._.posts
        if p["entity_id"] != person and p["post_class"] == post["post_class"]
    }
    others = [s for s in states if s not in elsewhere]
    return others[0] if len(others) == 1 else None
