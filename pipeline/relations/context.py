"""What every relation family reads: the doc with its linked mentions and entities, the stage's
lexicons (read from its own rule files), and the look-ups from words to entities — "Токаев и
Рахмон" to two people, "компания" or "она" to the organisation named before."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import combinations

from spacy.tokens import Doc, Span, Token

from ..entities import MentionIndex
from ..gazetteer import fold
from ..posts import PostLexicon
from ..quotes import CueLexicon, is_cue_verb
from ..rules import tsv_rows
from ..schema import MENTIONS_KEY, ORG, PERSON, PLACE, STATE
from ..ud import ABOUT, MODIFIERS, NAME_PARTS, in_subject, phrase_head, preposition
from .matching import Roles, folded_key

PARTICIPANTS = {PERSON, STATE, ORG}
PARTIES = {STATE, ORG, PLACE}  # "между Москвой и Пекином": cities sign too
DEAL_PARTIES = PARTIES | {PERSON}  # "Абрамович купил «Челси»"
THIRD_PERSON = {"он", "она", "оно", "они"}  # pronoun lemmas
DEMONSTRATIVES = {"этот", "данный", "тот"}  # "эта компания" still points back
DONE, PLANNED = "done", "planned"  # a relation row's status
# how an event word hangs under a head that makes it announced: "намерены подписать",
# "провести переговоры", "визит запланирован"
PLANNED_ARGUMENTS = {"xcomp", "obj", "nsubj", "nsubj:pass", "csubj", "csubj:pass"}
# an event word after these prepositions is what its head calls for: "высказался за
# подписание", "призвал к переговорам"
CALLED_FOR = {"за", "к"}
# an event word after "на" is when its head happens: "решить на переговорах", "заявил на встрече"
HELD_AT = {"на"}
DESCRIBING = {"amod", "acl"}  # "предстоящий визит", "встреча, назначенная на воскресенье"
RELATIVES = {"который"}  # "Бойко, который приезжал": the entity before it
RELATIVE_WORDS = RELATIVES | {"где", "куда", "откуда"}  # "посёлок, где жили его предки"
POSTED_ABROAD = {"ambassador", "envoy"}  # post classes (posts.tsv) of who lives where he serves
HELD = ("event", "held")  # "проходит", "состоялся": where an event is held (relation_cues.tsv)
PLACE_KIND = ("place", "kind")  # "остров", "город": a place named before (relation_cues.tsv)
LOCATED = {"в", "во", "на"}  # "завод в Туле": where a site is
CLAUSES = {"acl", "acl:relcl"}  # a clause on a noun: "Чавушоглу, который побывал в Париже"
CLAUSE_DEPS = CLAUSES | {"advcl", "ccomp", "parataxis"}
TOPIC_WORDS = ABOUT | {"по", "насчет"}  # what talks are about: "о вступлении в ЕС", "по Сирии"
WITHIN_STEPS = 3  # how deep in a site's phrase its place may be
LED_BY = ("во", "главе", "с")  # "делегация во главе с министром X"
LED_BY_GAP = 4  # how far after "делегация" its "во главе с" may start ("делегация Китая во …")
LED_BY_WORDS = 5  # how far after "во главе с" the leader's name may end


@dataclass(frozen=True)
class Lexicons:
    """The stage's word lists, built from its rule files."""

    cues: dict[str, str]  # lemma → "relation/role" (relation_cues.tsv)
    deal_kinds: dict[str, str]  # lemma → what a deal is: "купить" → "покупка"
    money: dict[str, tuple[str, str]]  # lemma → (multiplier or currency, value) (money.tsv)
    org_anaphors: frozenset[str]  # "компания", "банк" (org_anaphors.tsv)
    posts: PostLexicon  # posts.tsv, as the linking stage reads it
    speech_cues: CueLexicon  # speech_cues.tsv, as the quote stage reads it
    plans: dict[str, str]  # lemma → "governor"/"modifier" of an announced event (plan_cues.tsv)
    city_states: dict[str, str]  # folded city name → alpha-3 of its state (city_states.tsv)
    landmark_states: dict[str, str]  # "кремль" → RUS, "европейская комиссия" → BEL
    capitals: dict[str, str]  # folded name of a state's capital → its alpha-3 (capitals.tsv)
    state_adjectives: dict[str, str]  # "российский" → RUS (state_adjectives.tsv)


def cue_table(text: str) -> dict[str, str]:
    """relation_cues.tsv: lemma → "relation/role", the value a pattern's `_.relation_cue`
    names."""
    return {row["lemma"]: f"{row['relation']}/{row['role']}" for row in tsv_rows(text)}


def deal_kind_table(text: str) -> dict[str, str]:
    """relation_cues.tsv: lemma → what the deal is ("купить" → "покупка"), a deal row's
    attribute."""
    return {row["lemma"]: row["kind"] for row in tsv_rows(text) if row["kind"]}


def plan_table(text: str) -> dict[str, str]:
    """plan_cues.tsv: folded lemma → how it makes an event announced ("governor", "modifier")."""
    return {fold(row["lemma"]): row["role"] for row in tsv_rows(text)}


def state_table(text: str) -> dict[str, str]:
    """city_states.tsv, landmark_states.tsv, capitals.tsv: folded name → ISO alpha-3 of the
    state it is in."""
    return {fold(row["name"]): row["code"] for row in tsv_rows(text)}


def adjective_table(text: str) -> dict[str, str]:
    """state_adjectives.tsv: folded adjective lemma → ISO alpha-3 of its state."""
    return {fold(row["lemma"]): row["code"] for row in tsv_rows(text)}


def money_table(text: str) -> dict[str, tuple[str, str]]:
    return {row["lemma"]: (row["kind"], row["value"]) for row in tsv_rows(text)}


def org_anaphor_set(text: str) -> frozenset[str]:
    return frozenset(fold(row["lemma"]) for row in tsv_rows(text))


@dataclass(frozen=True)
class Found:
    """A relation before numbering: entity ids and the sentence it was read from."""

    relation: str
    subject: int | None
    object: int | None
    sentence: Span
    attribute: str | None = None
    value: float | None = None
    unit: str | None = None
    year: int | None = None
    status: str | None = None  # DONE/PLANNED; None: the stage reads it from the sentence's events


class Context:
    """What every rule needs: the doc, its linked mentions by token, its entities by id, and
    the stage's lexicons."""

    def __init__(self, doc: Doc, lexicons: Lexicons, anaphor_window: int):
        self.doc = doc
        self.lexicons = lexicons
        self.anaphor_window = anaphor_window  # sentences back "компания" may point
        self.mentions = MentionIndex(
            m for m in doc.spans.get(MENTIONS_KEY, []) if m._.entity_id is not None
        )
        self.entities = {entity["id"]: entity for entity in doc._.entities}
        self.titled_groups = titled_groups(doc._.posts)

    def cue_of(self, token: Token) -> tuple[str, str]:
        """(relation, role) of a cue word, else empty strings."""
        relation, _, role = (self.lexicons.cues.get(folded_key(token.lemma_)) or "").partition("/")
        return relation, role

    def of_relation(self, events: list[Roles], relation: str) -> Iterator[Roles]:
        return (roles for roles in events if self.cue_of(roles.trigger)[0] == relation)

    def status_of(self, trigger: Token) -> str:
        """PLANNED for an event announced, not yet done: a future form ("подпишут", "будут
        подписаны", "встреча пройдёт"), a plan word over it ("намерены подписать", "визит
        запланирован", "планируют провести переговоры") or on it ("предстоящий визит");
        else DONE."""
        if any(c.dep_ in DESCRIBING and self.plan_role(c) == "modifier" for c in trigger.children):
            return PLANNED
        if trigger.dep_ == "obl" and preposition(trigger, HELD_AT) and trigger.head is not trigger:
            return self.status_of(trigger.head)  # "должны будут решить на переговорах"
        token = trigger
        for _ in range(3):  # the event word, then up to two heads it is the argument of
            if is_future(token) or (token is not trigger and self.plan_role(token) == "governor"):
                return PLANNED
            if token.dep_ == "nmod" and self.plan_role(token.head) == "governor":
                return PLANNED  # "подготовка визита", "приглашение к переговорам"
            if not (is_argument(token) or self.is_support_noun_of(token)) or token.head is token:
                break
            token = token.head
        return DONE

    def is_support_noun_of(self, token: Token) -> bool:
        """ "призвала к возобновлению переговоров", "выступил за проведение встречи": the event
        word is what a support noun's head calls for."""
        return token.dep_ == "nmod" and self.cue_of(token.head)[1] == "support"

    def plan_role(self, token: Token) -> str:
        return self.lexicons.plans.get(folded_key(token.lemma_), "")

    def article_parties(self) -> list[int]:
        """The two states the article is about, for "стороны", "страны" or a document signed
        with nobody named: the two the text says most of (`state_weights`), when a third is
        clearly said less of (else nothing: the text does not say which two)."""
        weights = self.state_weights()
        states = sorted(weights, key=lambda state: -weights[state])
        if len(states) < 2 or weights[states[1]] < 2:
            return []
        if len(states) > 2 and weights[states[2]] >= weights[states[1]]:
            return []
        return states[:2]

    def state_weights(self) -> dict[int, int]:
        """How much the text says of each state it names: its own mentions, those of the
        people whose post is of it ("Президент Узбекистана Шавкат Мирзиёев … Мирзиёев") and
        those of its cities ("прибыл в Душанбе")."""
        weights = {i: e["mentions"] for i, e in self.entities.items() if e["type"] == STATE}
        by_name = {self.entities[i]["name"]: i for i in weights}
        by_code = {self.entities[i].get("code"): i for i in weights}
        for entity in self.entities.values():
            if entity["type"] == PERSON and entity.get("position_of") in by_name:
                weights[by_name[entity["position_of"]]] += entity["mentions"]
            elif entity["type"] == PLACE:
                state = by_code.get(self.code_of_name(entity["name"]))
                if state is not None:
                    weights[state] += entity["mentions"]
        return weights

    def is_collective(self, token: Token) -> bool:
        """ "стороны", "страны": a plural standing for the parties the article is about."""
        plural = "Plur" in token.morph.get("Number", [])
        return plural and self.cue_of(token) == ("parties", "collective")

    def state_referred(self, token: Token, skip: set[int]) -> int | None:
        """The state a singular "страна", "республика" stands for ("прибыл в страну", "по итогам
        визита в ближневосточную республику"): the state named last before it, in its sentence
        or the `anaphor_window` before, other than those in `skip` (the visitor's own)."""
        singular = "Sing" in token.morph.get("Number", [])
        if not (singular and self.cue_of(token) == ("parties", "collective")):
            return None
        return self.named_before(token, {STATE}, skip)

    def place_referred(self, token: Token) -> int | None:
        """The place a bare kind noun stands for ("визит на острова" after "Южные Курилы",
        "в городе" after "прилетел в Тулу"): in its sentence or the `anaphor_window` before, the
        last place whose name is made with that noun ("Курильские острова"), else the last
        place named, a subject aside ("Токио осудил поездку на острова": a government speaking).
        A kind noun that says which one it is ("город, где жили его предки", "город детства") is
        a new place."""
        if self.cue_of(token) != PLACE_KIND:
            return None
        if any(c.dep_ in CLAUSES or is_qualifier(c) for c in token.children):
            return None
        after = [t for t in self.doc[token.i + 1 : token.i + 3] if not t.is_punct]
        if after and fold(after[0].lemma_) in RELATIVE_WORDS:  # the parser missed the clause
            return None
        start = self.window_start(token)
        before = [t for t in reversed(self.doc[start : token.i]) if not in_subject(t)]
        places = [(t, self.entity_at(t, {PLACE})) for t in before]
        named = [(t, i) for t, i in places if i is not None]
        same_kind = (i for t, i in named if self.names_kind(t, token.lemma_))
        return next(same_kind, named[0][1] if named else None)

    def names_kind(self, token: Token, lemma: str) -> bool:
        """ "Курильские острова" for "острова": a name made with the kind noun."""
        mentions = self.mentions.covering(token.i)
        return any(t.lemma_ == lemma for m in mentions for t in m)

    def location_before(self, token: Token) -> int | None:
        """What "там" points back to: the last place or state named after "в"/"на" ("прибыл в
        Вашингтон"), in its sentence or the `anaphor_window` before."""
        for candidate in reversed(self.doc[self.window_start(token) : token.i]):
            if preposition(candidate, LOCATED) is None:
                continue
            found = self.entity_at(candidate, {PLACE, STATE})
            if found is not None:
                return found
        return None

    def named_before(self, token: Token, types: set[str], skip: set[int]) -> int | None:
        for candidate in reversed(self.doc[self.window_start(token) : token.i]):
            found = self.entity_at(candidate, types)
            if found is not None and found not in skip:
                return found
        return None

    def place_within(self, token: Token) -> int | None:
        """The place named inside the phrase of a site, building or event ("завод в
        Вольфсбурге", "резиденции президента США Кэмп-Дэвид", "мэрии Москвы"): the first place
        below it with "в"/"на" or no preposition, or state with "в"/"на" (a bare genitive state
        owns the site: "посольство России"), outside clauses and topics ("по ситуации в
        Сирии")."""
        for candidate in token.subtree:
            if candidate == token or not self.is_within(candidate, token):
                continue
            found = self.entity_at(candidate, {PLACE, STATE})
            if found is None:
                continue
            marker = next((fold(c.text) for c in candidate.children if c.dep_ == "case"), None)
            located = marker in LOCATED
            if located or (marker is None and self.entities[found]["type"] == PLACE):
                return found
        return None

    def is_within(self, candidate: Token, phrase: Token) -> bool:
        """The candidate hangs on the phrase's word within `WITHIN_STEPS`, through no topic and
        no clause but one that says where it is held ("выставку, проходящую в Абу-Даби")."""
        token = candidate
        for _ in range(WITHIN_STEPS):
            if preposition(token, TOPIC_WORDS) is not None:
                return False
            if token.dep_ in CLAUSE_DEPS and self.cue_of(token) != HELD:
                return False
            token = token.head
            if token == phrase:
                return True
        return False

    def own_states(self, person: int) -> set[int]:
        """The state whose post the person holds ("президент Франции"), as the linking stage
        read it."""
        of = self.entities[person].get("position_of")
        return {i for i, e in self.entities.items() if e["type"] == STATE and e["name"] == of}

    def state_code(self, entity: int) -> str | None:
        """ISO alpha-3 of the state an entity is or is in: a state's own, a city's
        ("Брюссель" → BEL), a seat's ("Кремль" → RUS, "Еврокомиссия" → BEL)."""
        found = self.entities[entity]
        if found["type"] == STATE:
            return found.get("code")
        return self.code_of_name(found["name"])

    def code_of_name(self, name: str) -> str | None:
        """The state of a seat or a city by its name (models/landmark_states.tsv first: a seat
        is no city of that name elsewhere), or by the gazetteer name of the organisation the
        text calls so ("ЕК" → "Еврокомиссия")."""
        canonical = [e.get("canonical") for e in self.entities.values() if e["name"] == name]
        for key in map(fold, [name, *filter(None, canonical)]):
            code = self.lexicons.landmark_states.get(key) or self.lexicons.city_states.get(key)
            if code:
                return code
        return None

    def home_state(self, person: int) -> str | None:
        """The state a person is at home in: that of his post ("премьер-министр Испании" →
        ESP), the one his organisation sits in ("глава Еврокомиссии" → BEL) or names ("глава
        МИД России" → RUS); None when the text gives him no such post, or he serves abroad."""
        of = self.entities[person].get("position_of")
        if not of or self.is_posted_abroad(person):
            return None
        states = [self.entities[i].get("code") for i in self.own_states(person)]
        found = next((code for code in states if code), None) or self.code_of_name(of)
        return found or self.state_named_in(of)

    def post_seat(self, person: int) -> str | None:
        """The state a post with no state of its own sits in ("еврокомиссар" → BEL, by
        models/landmark_states.tsv): the home of someone the text gives no "of" for the post."""
        post = fold(self.entities[person].get("position") or "")
        return self.lexicons.landmark_states.get(post) if post else None

    def state_of_adjective(self, lemma: str) -> int | None:
        """The state entity a state adjective names ("украинский" → Украина), when the text
        names that state."""
        return self.state_entity(self.lexicons.state_adjectives.get(fold(lemma)))

    def state_entity(self, code: str | None) -> int | None:
        """The state entity of an alpha-3 code, when the text names that state."""
        states = (i for i, e in self.entities.items() if e["type"] == STATE)
        return next((i for i in states if code and self.entities[i].get("code") == code), None)

    def state_of_capital(self, entity: int) -> int:
        """A capital that signs or is a party stands for its state ("Москва и Пекин подписали",
        "декларация, подписанная Киевом и Еврокомиссией"), when the text names that state;
        else (a city as itself: "контракт между ФИДЕ и Мехико") the entity."""
        found = self.entities[entity]
        if found["type"] != PLACE:
            return entity
        state = self.state_entity(self.lexicons.capitals.get(fold(found["name"])))
        return entity if state is None else state

    def adjective_parties(self, documents: list[Token]) -> list[int]:
        """ "российско-украинское соглашение": a hyphenated pair of state adjectives names both
        parties, as the states the text names ("российско" read as "российский")."""
        for document in documents:
            for child in document.children:
                parts = child.lemma_.split("-") if child.dep_ == "amod" else []
                if len(parts) < 2 or not all(p.endswith("о") for p in parts[:-1]):
                    continue
                lemmas = [*(p[:-1] + "ий" for p in parts[:-1]), parts[-1]]
                found = [self.state_of_adjective(lemma) for lemma in lemmas]
                if None not in found:
                    return list(dict.fromkeys(i for i in found if i is not None))
        return []

    def state_named_in(self, name: str) -> str | None:
        """The state an organisation's name names ("МИД России" → RUS), from the state
        mentions inside its mentions."""
        ids = {i for i, e in self.entities.items() if e["name"] == name and e["type"] == ORG}
        for mention in self.doc.spans.get(MENTIONS_KEY, []):
            if mention._.entity_id in ids:
                for inner in self.mentions.overlapping(mention):
                    if inner.label_ == STATE and inner._.entity_id is not None:
                        return self.entities[inner._.entity_id].get("code")
        return None

    def is_posted_abroad(self, person: int) -> bool:
        """ "посол США в России", "постпред": the post's state is not where he lives."""
        post = tuple(fold(self.entities[person].get("position") or "").split())
        if not post:
            return False
        return any(
            lemmas == post and entry.post_class in POSTED_ABROAD
            for lemmas, entry in self.lexicons.posts.starting_with(post[0])
        )

    def entity_at(self, token: Token, types: set[str]) -> int | None:
        """The entity a token names (its longest linked mention of these types)."""
        found = [m for m in self.mentions.covering(token.i) if m.label_ in types]
        return max(found, key=len)._.entity_id if found else None

    def entities_of(self, tokens: list[Token], types: set[str]) -> list[int]:
        """Entities named by tokens and the tokens coordinated with them ("Токаев и Рахмон"),
        and the persons a plural title names ("Президенты России и Китая Владимир Путин и Си
        Цзиньпин", however the parser hung the names)."""
        found = named_by(tokens, lambda t: self.entity_at(t, types))
        if PERSON in types:
            found += [
                person
                for token in tokens
                if self.entity_at(token, types) is None
                for person in self.titled_groups.get(token.i, [])
            ]
        return list(dict.fromkeys(found))

    def parties_of(self, tokens: list[Token], types: set[str]) -> list[int]:
        """A deal's parties: the entities the tokens name ("компания Google": its name), or
        for "компания"/"она" alone what it points back to."""
        return named_by(tokens, lambda t: self.party_at(t, types))

    def party_at(self, token: Token, types: set[str]) -> int | None:
        found = self.named_party(token, types)
        return found if found is not None else self.party_antecedent(token)

    def named_party(self, token: Token, types: set[str]) -> int | None:
        """The entity the token names, or its name ("компания Google", "Банк ICBC": the name
        even when the tagger took the capitalised noun for one)."""
        names = [c for c in token.children if c.dep_ in NAME_PARTS]
        candidates = [*names, token] if self.is_org_noun(token) else [token, *names]
        found = (self.entity_at(t, types) for t in candidates)
        return next((i for i in found if i is not None), None)

    def party_antecedent(self, token: Token) -> int | None:
        """What a bare "компания" or "она" points back to: the nearest subject before it, in
        its sentence or the `anaphor_window` before, that names an entity — when that entity
        is an organisation (or, for a pronoun, a state: "Россия заявила, что она введёт
        санкции"). A nearer subject naming anything else (a person, a state for "компания")
        ends the search with nothing: the text has moved on."""
        if not self.is_org_anaphor(token):
            return None
        wanted = {ORG, STATE} if token.pos_ == "PRON" else {ORG}
        for candidate in reversed(self.doc[self.window_start(token) : token.i]):
            if not in_subject(candidate) or self.is_inverted_source(candidate):
                continue
            mentions = self.mentions.covering(candidate.i)
            if mentions:
                nearest = max(mentions, key=len)
                return nearest._.entity_id if nearest.label_ in wanted else None
        return None

    def is_inverted_source(self, subject: Token) -> bool:
        """ "Об этом сообщает Reuters", "пишет «Коммерсант»": the outlet after its speech verb
        reports the news; it is nobody the next sentence goes on about."""
        verb = phrase_head(subject).head
        return verb.i < subject.i and is_cue_verb(verb, self.lexicons.speech_cues)

    def relative_antecedent(self, token: Token, types: set[str]) -> int | None:
        """What "который" stands for: the entity named just before it ("министру Юрию Бойко,
        который приезжал в Сочи"), read by position, as the parser often hangs the relative
        clause on the main verb."""
        if fold(token.lemma_) not in RELATIVES:
            return None
        before = [t for t in self.doc[token.sent.start : token.i] if not t.is_punct]
        return self.entity_at(before[-1], types) if before else None

    def named_inside(self, tokens: list[Token]) -> set[int]:
        """Entities named inside the mentions of these tokens ("Россия" in "Правительство
        РФ")."""
        return {
            inner._.entity_id
            for token in tokens
            for mention in self.mentions.covering(token.i)
            for inner in self.mentions.overlapping(mention)
        }

    def window_start(self, token: Token) -> int:
        """First token of the sentence `anaphor_window` sentences before the token's."""
        start = token.sent.start
        for _ in range(self.anaphor_window):
            if start == 0:
                break
            start = self.doc[start - 1].sent.start
        return start

    def is_org_noun(self, token: Token) -> bool:
        """ "компания", "банк", "концерн": a word for an organisation
        (models/org_anaphors.tsv)."""
        return token.pos_ in {"NOUN", "PROPN"} and fold(token.lemma_) in self.lexicons.org_anaphors

    def is_org_anaphor(self, token: Token) -> bool:
        """A third-person pronoun, or an organisation word with nothing that makes it a new one
        ("Китайская компания", "компания Газпрома", "компания Google" are not the one
        before)."""
        if token.pos_ == "PRON":
            return fold(token.lemma_) in THIRD_PERSON
        return self.is_org_noun(token) and not any(
            c.dep_ in MODIFIERS and fold(c.lemma_) not in DEMONSTRATIVES for c in token.children
        )


def is_qualifier(token: Token) -> bool:
    """ "город детства": a genitive that says which place, unlike a person the parser hung there
    ("поездка на острова премьер-министра")."""
    return token.dep_ == "nmod" and token.morph.get("Animacy", []) != ["Anim"]


def is_argument(token: Token) -> bool:
    """What its head is about: "намерены подписать", "высказался за подписание"."""
    called_for = token.dep_ == "obl" and preposition(token, CALLED_FOR) is not None
    return token.dep_ in PLANNED_ARGUMENTS or called_for


def is_future(token: Token) -> bool:
    """ "подпишут", "будут подписаны", "будет встречаться"."""
    return "Fut" in token.morph.get("Tense", []) or any(
        c.dep_ in {"aux", "aux:pass"} and fold(c.text).startswith("буд") for c in token.children
    )


def led_by(token: Token) -> list[Token]:
    """The words after "во главе с" soon after a delegation ("делегация Китая во главе с
    вице-премьером X"), read by position, as the parser often hangs the phrase on the verb."""
    doc, end = token.doc, token.sent.end
    for start in range(token.i + 1, min(token.i + 1 + LED_BY_GAP, end)):
        if doc[start].pos_ == "VERB":
            break
        if [fold(t.text) for t in doc[start : start + len(LED_BY)]] == list(LED_BY):
            start += len(LED_BY)
            return list(doc[start : min(start + LED_BY_WORDS, end)])
    return []


def titled_groups(posts: list[dict]) -> dict[int, list[int]]:
    """Token → the persons one plural title gives a post to, for each token of that title."""
    holders: dict[tuple[int, int], list[int]] = {}
    for post in posts:
        holders.setdefault((post["start"], post["end"]), []).append(post["entity_id"])
    return {
        token: persons
        for (start, end), persons in holders.items()
        if len(set(persons)) > 1
        for token in range(start, end)
    }


def named_by(tokens: list[Token], find: Callable[[Token], int | None]) -> list[int]:
    """Distinct ids `find` gives for the tokens and their conjuncts, in order."""
    ids = [find(t) for token in tokens for t in [token, *token.conjuncts]]
    return list(dict.fromkeys(i for i in ids if i is not None))


def pairs(ids: list[int]) -> Iterator[tuple[int, int]]:
    yield from combinations(ids, 2)
