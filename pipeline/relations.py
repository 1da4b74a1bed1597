"""Stage 9: who did what with whom — signed agreements, meetings, visits, deals, trade targets,
posts.

spaCy DependencyMatcher patterns (models/relation_patterns.json) find, around each trigger word of
models/relation_cues.tsv, the words that fill its roles (signer, document, partner, visitor,
actor, holder…); the rules below turn those words into entities through entity linking, so
"Токаев и Рахмон подписали договор" and "в ходе его визита в Таджикистан" name entities, not
strings:

- signed_agreement: signers are the subjects of "подписать/заключить" and whoever it is signed
  "с" (or, when fewer than two signers are named, the parties after "между"); the document is
  the object, in the nominative;
- met_with: the subjects of "встретиться" (or "обсудить" with a partner), of the clause holding
  "переговоры/встречу", the genitives of "встреча Путина и Си", and whoever the meeting is "с";
  the place when the trigger has one ("в Пекине");
- visited: the visitor of "визит/посетить/прибыть" (subject, possessive "его визит", genitive
  "визит Путина") and the state or place visited; the kind of visit as attribute;
- deal: who buys, sells, lends, invests in, fines or sanctions whom ("Oracle приобрела Sun",
  "Россия дала Украине кредит", "США ввели санкции против Ирана"), the kind of deal as
  attribute, the amount as value;
- trade_target: a planned volume of trade ("цель доведения объемов торговли до 2 млрд долларов",
  "товарооборот достигнет …"): value and unit parsed, year if stated; the states from the
  sentence, else the document's two main states; past figures ("достиг", "составил") are not
  targets;
- holds_position: every post entity linking gave a person ("Президент Таджикистана Эмомали
  Рахмон", "Дан Меридор, министр по делам разведки") and every post a predicate gives ("стал
  депутатом парламента"); a leader's state the text never names is inferred in an article about
  exactly two states.

Negated or refused events ("не подписали", "отказался от встречи") yield nothing. Symmetric
relations give one row per unordered pair per document.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import cache, lru_cache
from itertools import combinations

import numpy
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, SENT_START
from spacy.language import Language
from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from .entities import MENTIONS_KEY, ORG, PERSON, PLACE, STATE, MentionIndex
from .gazetteer import fold
from .names import phrase_nominative
from .posts import PROFESSION
from .relation_compat import is_cue_verb, phrase_headed_by, post_words
from .resources import read_json, read_tsv
from .tokenizer import sentence_ids
from .ud import SUBJECT_DEPS

if not Doc.has_extension("relations"):
    Doc.set_extension("relations", default=[])

SYMMETRIC = {"signed_agreement", "met_with", "trade_target"}  # "deal" has a direction
PARTICIPANTS = {PERSON, STATE, ORG}
PARTIES = {STATE, ORG, PLACE}  # "между Москвой и Пекином": cities sign too
DEAL_PARTIES = PARTIES | {PERSON}  # "Абрамович купил «Челси»"
DESTINATIONS = {STATE, PLACE}
STATE_POSTS = {"head_of_state", "head_of_government"}
THIRD_PERSON = {"он", "она", "оно", "они"}  # pronoun lemmas
ANAPHOR_WINDOW = 2  # sentences back "компания" may point
SHARED = "_shared"  # pattern names: the subject of the verb a coordinated verb is joined to
MAX_STEPS = 3  # how far up a nominal event's clause subject, how far down a meeting's place
YEAR = re.compile(r"^(19|20)\d\d$")


@dataclass(frozen=True)
class Relation:
    """One row of the relations table."""

    relation_id: int
    relation: str
    subject: str | None
    subject_id: int | None
    subject_type: str | None
    object: str | None
    object_id: int | None
    object_type: str | None
    attribute: str | None
    value: float | None
    unit: str | None
    year: int | None
    sentence_id: int
    start: int
    end: int
    evidence: str


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


@cache
def cues() -> dict[str, str]:
    """Lemma → "relation/role", the value a pattern's `_.relation_cue` names."""
    return {
        row["lemma"]: f"{row['relation']}/{row['role']}" for row in read_tsv("relation_cues.tsv")
    }


@cache
def deal_kinds() -> dict[str, str]:
    """Lemma → what the deal is ("купить" → "покупка"), the attribute of a deal row."""
    return {row["lemma"]: row["kind"] for row in read_tsv("relation_cues.tsv") if row["kind"]}


@cache
def money_words() -> dict[str, tuple[str, str]]:
    return {row["lemma"]: (row["kind"], row["value"]) for row in read_tsv("money.tsv")}


@lru_cache(maxsize=100_000)
def folded_key(lemma: str) -> str:
    """Cached: every token's lemma is folded for the matcher and the cue look-ups."""
    return fold(lemma)


def cue_of(token: Token) -> tuple[str, str]:
    """(relation, role) of a cue word, else empty strings."""
    relation, _, role = (cues().get(folded_key(token.lemma_)) or "").partition("/")
    return relation, role


@cache
def pattern_table() -> dict[str, list[dict]]:
    """models/relation_patterns.json: name → DependencyMatcher pattern."""
    return read_json("relation_patterns.json")["patterns"]


def steps(token: Token, ancestor: Token) -> int:
    """How many heads up from the token its ancestor is (0 for the token itself)."""
    count = 0
    while token != ancestor and token.head != token:
        token, count = token.head, count + 1
    return count if token == ancestor else len(token.doc)


def by_lemma(attributes: dict) -> dict:
    """The pattern's `_.relation_cue` and `_.is_post` tests (the notation of
    models/relation_patterns.json: a word of relation_cues.tsv with that relation/role, a word of
    posts.tsv) as LEMMA tests, so the matcher checks them itself instead of a Python getter per
    token and pattern (which made this stage cost as much as the parser). Lemmas are matched
    folded (lower case, ё as е: see `sentence_matches`); a LEMMA the pattern names itself
    narrows the set."""
    attributes = dict(attributes)
    extension = attributes.pop("_", {})
    if "relation_cue" in extension:
        wanted = set(extension["relation_cue"]["IN"])
        lemmas = {lemma for lemma, value in cues().items() if value in wanted}
    elif extension.get("is_post"):
        lemmas = set(post_words())
    else:
        return attributes
    named = attributes.get("LEMMA")
    if named is not None:
        lemmas &= {fold(named)} if isinstance(named, str) else {fold(w) for w in named["IN"]}
    attributes["LEMMA"] = {"IN": sorted(lemmas)}
    return attributes


class Roles:
    """What the patterns found around one trigger word: role → tokens (with the number of
    steps between the trigger and the clause a subject was taken from)."""

    def __init__(self, trigger: Token):
        self.trigger = trigger
        self.tokens: dict[str, list[Token]] = defaultdict(list)
        self.subject_depths: dict[int, list[Token]] = defaultdict(list)

    def add(self, role: str, token: Token, depth: int) -> None:
        if role == "clause_subject":
            self.subject_depths[depth].append(token)
        elif token not in self.tokens[role]:
            self.tokens[role].append(token)

    def __getitem__(self, role: str) -> list[Token]:
        return self.tokens.get(role, [])

    def clause_subjects(self) -> list[Token]:
        """The subjects of the nearest clause that has one."""
        return self.subject_depths[min(self.subject_depths)] if self.subject_depths else []

    @property
    def cancelled(self) -> bool:
        """ "не подписали", "отказались от встречи"."""
        return bool(self["negation"] or self["refusal"])


class RelationFinder:
    """Fills `doc._.relations` from the parse, the linked mentions and the entities."""

    def __init__(self, name: str):
        self.name = name
        # built per process from the patterns: one matcher per set of trigger words, so a
        # sentence is matched only against the patterns its words can start
        self.matchers: dict[frozenset[str], DependencyMatcher] = {}
        self.node_names: dict[int, list[str]] = {}
        self.shared_ids: set[int] = set()  # patterns lending a coordinated verb a subject

    def __getstate__(self) -> dict:
        """Pickled small (for worker processes): the matchers are rebuilt where they are used."""
        return {**self.__dict__, "matchers": {}, "node_names": {}, "shared_ids": set()}

    def build_matchers(self, vocab: Vocab) -> dict[frozenset[str], DependencyMatcher]:
        matchers: dict[frozenset[str], DependencyMatcher] = {}
        for key, pattern in pattern_table().items():
            nodes = [{**node, "RIGHT_ATTRS": by_lemma(node["RIGHT_ATTRS"])} for node in pattern]
            triggers = frozenset(nodes[0]["RIGHT_ATTRS"]["LEMMA"]["IN"])
            matchers.setdefault(triggers, DependencyMatcher(vocab)).add(key, [nodes])
            self.node_names[vocab.strings[key]] = [node["RIGHT_ID"] for node in pattern]
            if key.endswith(SHARED):
                self.shared_ids.add(vocab.strings[key])
        return matchers

    def __call__(self, doc: Doc) -> Doc:
        context = Context(doc)
        events = [roles for roles in self.match(doc) if not roles.cancelled]
        visited = list(visits(context, events))
        found = unique(
            [
                *signed_agreements(context, events),
                *meetings(context, events),
                *trade_targets(context),
                *deals(context, events),
                *visited,
                *positions(context, visited),
                *predicated_posts(context, events),
            ]
        )
        complete_positions(context, found)
        doc._.relations = [asdict(row) for row in rows(doc, found)]
        return doc

    def match(self, doc: Doc) -> list[Roles]:
        """Every trigger word with the roles the patterns filled around it."""
        if not self.matchers:
            self.matchers = self.build_matchers(doc.vocab)
        by_trigger: dict[int, Roles] = {}
        for start, match_id, ids in self.sentence_matches(doc):
            names = self.node_names[match_id]
            nodes = dict(zip(names, (doc[start + i] for i in ids), strict=True))
            trigger = nodes["trigger"]
            if match_id in self.shared_ids and has_subject(trigger):
                continue  # "Путин прилетел, а Си встретился с ним": Си's own subject
            depth = steps(trigger, nodes.get("head", trigger))
            if depth > MAX_STEPS or steps(nodes.get("place", trigger), trigger) > MAX_STEPS:
                continue
            roles = by_trigger.setdefault(trigger.i, Roles(trigger))
            for name, token in nodes.items():
                roles.add(name, token, depth)
        return [by_trigger[i] for i in sorted(by_trigger)]

    def sentence_matches(self, doc: Doc) -> Iterator[tuple[int, int, list[int]]]:
        """(sentence start, pattern, token offsets in the sentence) of every match. Each
        sentence that has a trigger word is matched alone, as a small Doc of its words and
        parse: the matcher's cost grows with the length of what it is given (and `Span.as_doc`
        would copy the whole document's span groups for every sentence)."""
        if not doc.has_annotation("SENT_START"):
            return
        array = doc.to_array(PARSE_ATTRS)
        strings = doc.vocab.strings
        array[:, 0] = [strings.add(folded_key(t.lemma_)) for t in doc]  # "Соглашение", "ё"
        groups = [
            ({strings.add(word) for word in words}, matcher)
            for words, matcher in self.matchers.items()
        ]
        for sentence in doc.sents:
            lemmas = set(array[sentence.start : sentence.end, 0].tolist())
            matchers = [m for words, m in groups if not lemmas.isdisjoint(words)]
            if not matchers:
                continue
            alone = sentence_doc(sentence, array[sentence.start : sentence.end])
            for matcher in matchers:
                for match_id, ids in matcher(alone):
                    yield sentence.start, match_id, ids


# the parse a sentence is matched on; LEMMA first: `sentence_matches` reads it as the words
PARSE_ATTRS = [LEMMA, POS, MORPH, HEAD, DEP, SENT_START]


def sentence_doc(sentence: Span, parse: numpy.ndarray) -> Doc:
    """A Doc of the sentence's words with their parse (heads are relative, so they stay valid:
    a parse never crosses a sentence)."""
    alone = Doc(
        sentence.doc.vocab,
        words=[t.text for t in sentence],
        spaces=[bool(t.whitespace_) for t in sentence],
    )
    alone.from_array(PARSE_ATTRS, parse)
    return alone


class Context:
    """What every rule needs: the doc, its linked mentions by token, its entities by id."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.mentions = MentionIndex(
            m for m in doc.spans.get(MENTIONS_KEY, []) if m._.entity_id is not None
        )
        self.entities = {entity["id"]: entity for entity in doc._.entities}

    def entity_at(self, token: Token, types: set[str]) -> int | None:
        """The entity a token names (its longest linked mention of these types)."""
        found = [m for m in self.mentions.covering(token.i) if m.label_ in types]
        return max(found, key=len)._.entity_id if found else None

    def entities_of(self, tokens: list[Token], types: set[str]) -> list[int]:
        """Entities named by tokens and the tokens coordinated with them ("Токаев и Рахмон")."""
        return named_by(tokens, lambda t: self.entity_at(t, types))

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
        candidates = [*names, token] if is_org_noun(token) else [token, *names]
        found = (self.entity_at(t, types) for t in candidates)
        return next((i for i in found if i is not None), None)

    def party_antecedent(self, token: Token) -> int | None:
        """What a bare "компания" or "она" points back to: the nearest subject before it, in
        its sentence or the two before, that names an entity — when that entity is an
        organisation (or, for a pronoun, a state: "Россия заявила, что она введёт санкции").
        A nearer subject naming anything else (a person, a state for "компания") ends the
        search with nothing: the text has moved on."""
        if not is_org_anaphor(token):
            return None
        wanted = {ORG, STATE} if token.pos_ == "PRON" else {ORG}
        for candidate in reversed(self.doc[self.window_start(token) : token.i]):
            if not in_subject(candidate) or is_inverted_source(candidate):
                continue
            mentions = self.mentions.covering(candidate.i)
            if mentions:
                nearest = max(mentions, key=len)
                return nearest._.entity_id if nearest.label_ in wanted else None
        return None

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
        """First token of the sentence ANAPHOR_WINDOW sentences before the token's."""
        start = token.sent.start
        for _ in range(ANAPHOR_WINDOW):
            if start == 0:
                break
            start = self.doc[start - 1].sent.start
        return start


def named_by(tokens: list[Token], find) -> list[int]:
    """Distinct ids `find` gives for the tokens and their conjuncts, in order."""
    ids = [find(t) for token in tokens for t in [token, *token.conjuncts]]
    return list(dict.fromkeys(i for i in ids if i is not None))


def phrase_head(token: Token) -> Token:
    """The word a name part or conjunct belongs to ("Компания Google": Компания)."""
    while token.dep_ in NAME_PARTS | {"conj"} and token.head != token:
        token = token.head
    return token


def in_subject(token: Token) -> bool:
    """The subject, or its name ("Компания Google открыла": Google)."""
    return phrase_head(token).dep_ in SUBJECT_DEPS


def is_inverted_source(subject: Token) -> bool:
    """ "Об этом сообщает Reuters", "пишет «Коммерсант»": the outlet after its speech verb
    reports the news; it is nobody the next sentence goes on about."""
    verb = phrase_head(subject).head
    return verb.i < subject.i and is_cue_verb(verb)


NAME_PARTS = {"appos", "flat", "flat:foreign", "flat:name"}
MODIFIERS = NAME_PARTS | {"amod", "nmod", "nummod", "det"}
DEMONSTRATIVES = {"этот", "данный", "тот"}  # "эта компания" still points back


def is_org_noun(token: Token) -> bool:
    """ "компания", "банк", "концерн": a word for an organisation (models/org_anaphors.tsv)."""
    return token.pos_ in {"NOUN", "PROPN"} and fold(token.lemma_) in org_anaphors()


def is_org_anaphor(token: Token) -> bool:
    """A third-person pronoun, or an organisation word with nothing that makes it a new one
    ("Китайская компания", "компания Газпрома", "компания Google" are not the one before)."""
    if token.pos_ == "PRON":
        return fold(token.lemma_) in THIRD_PERSON
    return is_org_noun(token) and not any(
        c.dep_ in MODIFIERS and fold(c.lemma_) not in DEMONSTRATIVES for c in token.children
    )


@cache
def org_anaphors() -> frozenset[str]:
    return frozenset(fold(row["lemma"]) for row in read_tsv("org_anaphors.tsv"))


def pairs(ids: list[int]) -> Iterator[tuple[int, int]]:
    yield from combinations(ids, 2)


def of_relation(events: list[Roles], relation: str) -> Iterator[Roles]:
    return (roles for roles in events if cue_of(roles.trigger)[0] == relation)


# ---------------------------------------------------------------------------------------------
# signed_agreement
# ---------------------------------------------------------------------------------------------


def signed_agreements(context: Context, events: list[Roles]) -> Iterator[Found]:
    """Signers are the subjects of "подписать/заключить" and whoever it is signed "с"; when
    fewer than two are named, the parties "между" become the pair."""
    for roles in of_relation(events, "signed_agreement"):
        if not roles["document"]:
            continue
        signers = context.entities_of(roles["signer"], PARTICIPANTS)
        parties = context.entities_of(roles["party"], PARTIES)
        group = signers if len(signers) >= 2 else parties
        title = document_title(roles["document"][0])
        for a, b in pairs(group):
            yield Found("signed_agreement", a, b, roles.trigger.sent, title)


def document_title(document: Token) -> str:
    """ "договор о союзнических отношениях": the document noun and its о-phrase, nominative."""
    tokens = [document]
    for child in document.children:
        if (
            child.i > document.i
            and child.dep_ == "nmod"
            and any(fold(g.text) in {"о", "об"} for g in child.children)
        ):
            tokens += [t for t in child.subtree if not t.is_punct]
    tokens.sort(key=lambda t: t.i)
    cut = next((t.i for t in tokens if fold(t.text) == "между"), tokens[-1].i + 1)
    tokens = [t for t in tokens if t.i < cut]
    noun = document.doc[document.i : document.i + 1]
    about = document.doc[tokens[1].i : tokens[-1].i + 1] if len(tokens) > 1 else None
    if about is not None and about.start == noun.end:  # contiguous: inflect it as one phrase
        noun, about = document.doc[noun.start : about.end], None
    title = phrase_nominative(noun)
    title = title.lower() if noun.text[:1].isupper() else title
    return f"{title} {about.text}" if about is not None else title


# ---------------------------------------------------------------------------------------------
# met_with
# ---------------------------------------------------------------------------------------------


def meetings(context: Context, events: list[Roles]) -> Iterator[Found]:
    """Participants: the subjects of "встретиться" (or "обсудить" with a partner), of the
    clause holding "переговоры", the genitives of "встреча Путина и Си", and whoever the
    meeting is "с"; the place as attribute."""
    for roles in of_relation(events, "met_with"):
        role = cue_of(roles.trigger)[1]
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


# ---------------------------------------------------------------------------------------------
# visited
# ---------------------------------------------------------------------------------------------


def visits(context: Context, events: list[Roles]) -> Iterator[Found]:
    """The visitor (subject, "его визит", "визит Путина", else the clause's subject) and the
    state or place visited; the kind of visit as attribute."""
    for roles in of_relation(events, "visited"):
        targets = [
            i
            for t in roles["destination"]
            for i in [context.entity_at(t, DESTINATIONS)]
            if i is not None
        ]
        if not targets:
            continue
        if cue_of(roles.trigger)[1] == "verb":
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


# ---------------------------------------------------------------------------------------------
# deal
# ---------------------------------------------------------------------------------------------


def deals(context: Context, events: list[Roles]) -> Iterator[Found]:
    """Who buys, sells, lends, invests, fines or sanctions (the actor: subject, "компанией
    Oracle", the subject of "объявила о покупке", "санкции США") and whom (the counterpart:
    object, "акций Facebook", "у Sun", "Украине", "на «Майкрософт»", "покупка 3Com", "против
    Ирана", "запрет на ввоз вина из Грузии"); a merger pairs its companies. The amount, when the
    sentence gives one, is the value."""
    for roles in of_relation(events, "deal"):
        actors = deal_actors(context, roles)
        counterparts = deal_counterparts(context, roles, actors)
        kind = deal_kind(roles)
        pairs_found = [(a, c) for a in actors for c in counterparts]
        if not actors and kind == "слияние":
            pairs_found = list(pairs(counterparts))
        if not pairs_found:
            continue
        money = parse_money(roles.trigger.sent) or (None, None)
        for actor, counterpart in pairs_found:
            yield Found("deal", actor, counterpart, roles.trigger.sent, kind, *money)


def deal_actors(context: Context, roles: Roles) -> list[int]:
    """The subject ("компания" pointing back too), else a bare genitive ("санкции США",
    "инвестиции Philips"), else the subject of "объявила о покупке" (no person: who
    announced; no outlet: "пишет о покупке"), else a long subject the parser lost."""
    actors = context.parties_of(roles["actor"], DEAL_PARTIES)
    if not actors:
        actors = context.parties_of([t for t in roles["owner"] if not has_case(t)], PARTIES)
    if not actors and roles["held"] and not is_reported(roles):
        actors = context.parties_of(roles.clause_subjects(), PARTIES)
    if (
        not actors
        and cue_of(roles.trigger)[1] in {"verb", "supply", "ban"}
        and not has_subject(roles.trigger)
    ):
        actors = unparsed_subject(context, roles.trigger)
    return actors


def deal_counterparts(context: Context, roles: Roles, actors: list[int]) -> list[int]:
    """Whom: the parties the patterns found, but not where ("здание в Москве"; "долю в Bank of
    East Asia" names a party), only a company or person inside the object ("купила 5% акций
    Facebook", not "выкупил газовую компанию Украины"), never the actor or what its own name
    holds ("Правительство РФ … из России")."""
    where = [
        t for t in roles["counterpart"] if is_location(t) and context.named_party(t, {ORG}) is None
    ]
    named = context.parties_of([t for t in roles["counterpart"] if t not in where], DEAL_PARTIES)
    named += context.parties_of(roles["company"], {ORG, PERSON})
    own = context.named_inside(roles["actor"])
    return [c for c in dict.fromkeys(named) if c not in actors and c not in own]


def is_reported(roles: Roles) -> bool:
    """ "«Коммерсант» пишет о покупке": the clause whose subject would be the actor only
    reports the deal."""
    subjects = roles.clause_subjects()
    return bool(subjects) and cue_of(subjects[0].head) == ("deal", "report")


def is_location(token: Token) -> bool:
    """ "в Москве", "на заводе": where something is (the locative), not a party."""
    return "Loc" in token.morph.get("Case")


def has_case(token: Token) -> bool:
    """Governed by a preposition ("против Ирана")."""
    return any(child.dep_ == "case" for child in token.children)


def has_subject(verb: Token) -> bool:
    return any(child.dep_ in SUBJECT_DEPS for child in verb.children)


def unparsed_subject(context: Context, verb: Token) -> list[int]:
    """When the parser lost a long subject ("DST, принадлежащая Мильнеру, Фингеру и Усманову,
    купила …"): the nearest named party before the verb that could be a subject — in the
    nominative (or undeclined: "Digital Sky Technologies") and governed by no preposition."""
    for token in reversed(verb.doc[verb.sent.start : verb.i]):
        found = context.entity_at(token, PARTIES)
        cases = token.morph.get("Case")
        if found is not None and cases in ([], ["Nom"]) and not has_case(token):
            return [found]
    return []


def deal_kind(roles: Roles) -> str | None:
    return deal_kinds().get(fold(roles.trigger.lemma_))


# ---------------------------------------------------------------------------------------------
# trade_target
# ---------------------------------------------------------------------------------------------


def trade_targets(context: Context) -> Iterator[Found]:
    main_states = document_states(context)
    for sentence in context.doc.sents:
        trade = [t for t in sentence if cue_of(t)[0] == "trade"]
        if not trade:
            continue
        targets = [t for t in sentence if cue_of(t)[1] == "target" and is_ahead(t)]
        money = parse_money(sentence)
        if not targets or money is None:
            continue
        states = list(
            dict.fromkeys(
                i for t in sentence for i in [context.entity_at(t, {STATE})] if i is not None
            )
        )
        states = states if len(states) >= 2 else main_states
        value, unit = money
        for a, b in pairs(states[:2]):
            yield Found(
                "trade_target",
                a,
                b,
                sentence,
                trade_metric(trade[0]),
                value,
                unit,
                target_year(sentence),
            )


def is_ahead(token: Token) -> bool:
    """A target, not a report: no past-tense verb ("достиг", "составил")."""
    return "Past" not in token.morph.get("Tense")


def document_states(context: Context) -> list[int]:
    """The two states a bilateral article is about: the most mentioned ones."""
    counts = Counter(
        e["id"]
        for e in context.entities.values()
        if e["type"] == STATE
        for _ in range(e["mentions"])
    )
    return [state for state, _ in counts.most_common(2)] if len(counts) >= 2 else []


def trade_metric(noun: Token) -> str:
    """ "объём взаимной торговли": the head the trade noun depends on, as a lemma, with it."""
    head = noun.head if noun.dep_ == "nmod" and noun.head.pos_ == "NOUN" else noun
    tokens = sorted({head, *[t for t in noun.subtree if not t.is_punct]}, key=lambda t: t.i)
    tokens = [t for t in tokens if t.dep_ != "case" and t.i >= head.i]
    words = [fold(head.lemma_)] + [t.text for t in tokens if t.i != head.i]
    return " ".join(words)


def parse_money(sentence: Span) -> tuple[float, str] | None:
    """The first amount with a currency: "2 миллиардов долларов" → (2e9, "USD")."""
    words = money_words()
    tokens = list(sentence)
    for index, token in enumerate(tokens):
        number = to_number(token.text)
        if number is None or YEAR.match(token.text):
            continue
        value, unit = number, None
        for follower in tokens[index + 1 : index + 4]:
            kind, amount = words.get(fold(follower.lemma_).rstrip("."), (None, None))
            if kind is None:
                kind, amount = words.get(fold(follower.text).rstrip("."), (None, None))
            if kind == "multiplier":
                value *= float(amount)
            elif kind == "currency":
                unit = amount
                break
            else:
                break
        if unit is not None:
            return value, unit
    return None


def to_number(text: str) -> float | None:
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


def target_year(sentence: Span) -> int | None:
    """ "к 2030 году", "в 2025 году"."""
    for token in sentence:
        if (
            YEAR.match(token.text)
            and token.i + 1 < sentence.end
            and fold(token.doc[token.i + 1].lemma_) == "год"
        ):
            return int(token.text)
    return None


# ---------------------------------------------------------------------------------------------
# holds_position
# ---------------------------------------------------------------------------------------------


def positions(context: Context, visited: list[Found]) -> Iterator[Found]:
    """Every post entity linking gave a person ("Президент Таджикистана Эмомали Рахмон",
    "Дан Меридор, министр по делам разведки"), read where the text gives it. A head of state
    or government whose state the text never names may get it from `home_state`."""
    posts = context.doc._.posts
    stated = {(p["entity_id"], p["post"]) for p in posts if p["of_id"] is not None}
    seen = set()
    for post in posts:
        key = (post["entity_id"], post["post"], post["of_id"])
        if key in seen or (post["of_id"] is None and key[:2] in stated):
            continue
        seen.add(key)
        owner = post["of_id"]
        if owner is None and post["post_class"] in STATE_POSTS:
            owner = home_state(context, post, visited)
        if owner is None and post["post_class"].startswith(PROFESSION):
            continue  # "певица Алла Пугачёва": what she is (the entity's position), no post held
        sentence = context.doc[post["start"]].sent
        yield Found("holds_position", post["entity_id"], owner, sentence, post["post"])


def complete_positions(context: Context, found: list[Found]) -> None:
    """An entity's position_of, left empty by linking, from the post's inferred state, so
    that the entities table says what the relations table says."""
    for item in found:
        entity = context.entities.get(item.subject)
        if (
            item.relation == "holds_position"
            and item.object is not None
            and entity is not None
            and entity["position"] == item.attribute
            and entity["position_of"] is None
        ):
            entity["position_of"] = context.entities[item.object]["name"]


def predicated_posts(context: Context, events: list[Roles]) -> Iterator[Found]:
    """ "Леван Гачечиладзе стал депутатом парламента", "Мишустин назначен премьер-министром
    России", "Оливер Кан был капитаном сборной": the post and its owner from the post phrase."""
    mentions = list(context.doc.spans.get(MENTIONS_KEY, []))
    for roles in events:
        holders = context.entities_of(roles["holder"], {PERSON})
        phrase = phrase_headed_by(roles.trigger, mentions) if holders else None
        if phrase is None:
            continue
        owner = (
            context.entity_at(context.doc[phrase.of_start], {phrase.of_label})
            if phrase.of_start is not None
            else None
        )
        if owner is None and phrase.post_class.startswith(PROFESSION):
            continue
        for holder in holders:
            yield Found("holds_position", holder, owner, roles.trigger.sent, phrase.post)


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


# ---------------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------------


def unique(found: list[Found]) -> list[Found]:
    """One row per relation and (unordered, for symmetric relations) pair of entities; a
    person's posts and a pair's deals are told apart by what they are (the attribute)."""
    seen, kept = set(), []
    for item in found:
        pair = (
            frozenset((item.subject, item.object))
            if item.relation in SYMMETRIC
            else (item.subject, item.object)
        )
        kind = item.attribute if item.relation in {"holds_position", "deal"} else None
        key = (item.relation, pair, kind)
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def rows(doc: Doc, found: list[Found]) -> Iterator[Relation]:
    entities = {entity["id"]: entity for entity in doc._.entities}
    sentence_of = sentence_ids(doc)
    for number, item in enumerate(sorted(found, key=lambda f: f.sentence.start)):
        subject, obj = entities.get(item.subject), entities.get(item.object)
        sentence = item.sentence
        text = sentence.text.strip()
        start = sentence.start_char + (len(sentence.text) - len(sentence.text.lstrip()))
        yield Relation(
            number,
            item.relation,
            subject["name"] if subject else None,
            item.subject,
            subject["type"] if subject else None,
            obj["name"] if obj else None,
            item.object,
            obj["type"] if obj else None,
            item.attribute,
            item.value,
            item.unit,
            item.year,
            sentence_of[sentence.start],
            start,
            start + len(text),
            text,
        )


@Language.factory("ru_news_relations", default_config={})
def make_relation_finder(nlp: Language, name: str) -> RelationFinder:
    return RelationFinder(name)
