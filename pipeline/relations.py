"""Stage 9: who did what with whom — signed agreements, meetings, visits, trade targets, posts.

Rules read the dependency parse around trigger words from models/relation_cues.tsv and take the
participants from entity linking, so "Токаев и Рахмон подписали договор" and "в ходе его визита в
Таджикистан" name entities, not strings:

- signed_agreement: signers are the subjects of "подписать/заключить" (or, when no signer is
  named, the parties after "между"); the document is the object, in the nominative;
- met_with: the subjects of "встретиться" or "провести переговоры/встречу", and whoever the
  meeting is "с"; the place when the trigger has one ("в Пекине");
- visited: the visitor of "визит/посетить/прибыть" (subject, possessive "его визит", genitive
  "визит Путина") and the state or place visited; the kind of visit as attribute;
- trade_target: a planned volume of trade ("цель доведения объемов торговли до 2 млрд долларов",
  "товарооборот достигнет …"): value and unit parsed, year if stated; the states from the
  sentence, else the document's two main states; past figures ("достиг", "составил") are not
  targets;
- holds_position: the post entity linking gave a person ("Президент Таджикистана Эмомали Рахмон").

Negated or refused events ("не подписали", "отказался от встречи") yield nothing. Symmetric
relations give one row per unordered pair per document.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import cache
from itertools import combinations

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .entities import MENTIONS_KEY, ORG, PERSON, PLACE, STATE, MentionIndex
from .gazetteer import fold
from .names import phrase_nominative
from .resources import read_tsv
from .tokenizer import sentence_ids

if not Doc.has_extension("relations"):
    Doc.set_extension("relations", default=[])

SYMMETRIC = {"signed_agreement", "met_with", "trade_target"}
SUBJECT_DEPS = {"nsubj", "nsubj:pass"}
NEGATIONS = {"не", "ни"}
PARTICIPANTS = {PERSON, STATE, ORG}
DESTINATIONS = {STATE, PLACE}
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
def cues() -> dict[str, tuple[str, str]]:
    """Lemma → (relation, role)."""
    return {row["lemma"]: (row["relation"], row["role"]) for row in read_tsv("relation_cues.tsv")}


@cache
def money_words() -> dict[str, tuple[str, str]]:
    return {row["lemma"]: (row["kind"], row["value"]) for row in read_tsv("money.tsv")}


def cue(token: Token) -> tuple[str, str] | None:
    return cues().get(fold(token.lemma_))


class RelationFinder:
    """Fills `doc._.relations` from the parse, the linked mentions and the entities."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        context = Context(doc)
        found = [
            *signed_agreements(context),
            *meetings(context),
            *visits(context),
            *trade_targets(context),
            *positions(context),
        ]
        doc._.relations = [asdict(row) for row in rows(doc, unique(found))]
        return doc


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

    def entities_of(self, token: Token, types: set[str]) -> list[int]:
        """Entities named by a token and the tokens coordinated with it ("Токаев и Рахмон")."""
        ids = [self.entity_at(t, types) for t in [token, *token.conjuncts]]
        return list(dict.fromkeys(i for i in ids if i is not None))

    def type_of(self, entity_id: int | None) -> str | None:
        return self.entities[entity_id]["type"] if entity_id in self.entities else None


def negated(token: Token) -> bool:
    """ "не подписали", "отказались от встречи"."""
    if any(fold(child.text) in NEGATIONS for child in token.children):
        return True
    return any((cue(a) or ("", ""))[1] == "refusal" for a in list(token.ancestors)[:2])


def children(token: Token, deps: set[str], case: set[str] | None = None) -> Iterator[Token]:
    """Children with these relations (and one of these prepositions, if given)."""
    for child in token.children:
        if child.dep_ in deps and (
            case is None or any(fold(g.text) in case for g in child.children if g.dep_ == "case")
        ):
            yield child


def clause_subjects(token: Token) -> list[Token]:
    """Subjects of the token's clause: its own, else those of the verb it hangs on."""
    for head in [token, *list(token.ancestors)[:3]]:
        subjects = list(children(head, SUBJECT_DEPS))
        if subjects:
            return subjects
    return []


def pairs(ids: list[int]) -> Iterator[tuple[int, int]]:
    yield from combinations(ids, 2)


# ---------------------------------------------------------------------------------------------
# signed_agreement
# ---------------------------------------------------------------------------------------------


def signed_agreements(context: Context) -> Iterator[Found]:
    for token in context.doc:
        relation, role = cue(token) or ("", "")
        if relation != "signed_agreement" or role not in {"verb", "noun"} or negated(token):
            continue
        document = agreement_document(token)
        if document is None:
            continue
        title = document_title(document)
        if role == "verb" and token.pos_ == "VERB" and "Part" not in token.morph.get("VerbForm"):
            signers = [
                i for s in children(token, {"nsubj"}) for i in context.entities_of(s, PARTICIPANTS)
            ]
            signers += [
                i
                for o in children(token, {"obl", "nmod"}, {"с", "со"})
                for i in context.entities_of(o, PARTICIPANTS)
            ]
        else:
            signers = []
        signers = list(dict.fromkeys(signers))
        parties = [i for p in between(document) for i in context.entities_of(p, PARTICIPANTS)]
        group = signers if len(signers) >= 2 else list(dict.fromkeys(parties))
        for a, b in pairs(group):
            yield Found("signed_agreement", a, b, token.sent, title)


def agreement_document(token: Token) -> Token | None:
    """The document signed: the object, the passive subject, the genitive of "подписание", or
    the noun a participle ("подписываемого договора") qualifies."""
    candidates = [*children(token, {"obj", "nsubj:pass", "nmod"})]
    if token.dep_ in {"amod", "acl"}:
        candidates.append(token.head)
    candidates += [conjunct for c in candidates for conjunct in c.conjuncts]
    return next((c for c in candidates if (cue(c) or ("", ""))[1] == "document"), None)


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
    span = document.doc[tokens[0].i : tokens[-1].i + 1]
    cut = next((t.i for t in span if fold(t.text) == "между"), span.end)
    span = document.doc[span.start : cut]
    return phrase_nominative(span).lower() if span.text[:1].isupper() else phrase_nominative(span)


def between(document: Token) -> list[Token]:
    """Parties named after "между" inside the document's phrase."""
    return [t for t in document.subtree if any(fold(g.text) == "между" for g in t.children)]


# ---------------------------------------------------------------------------------------------
# met_with
# ---------------------------------------------------------------------------------------------


def meetings(context: Context) -> Iterator[Found]:
    for token in context.doc:
        relation, role = cue(token) or ("", "")
        if relation != "met_with" or negated(token):
            continue
        if role == "verb" and token.pos_ == "VERB":
            subjects = [
                i for s in children(token, {"nsubj"}) for i in context.entities_of(s, PARTICIPANTS)
            ]
        elif role == "noun":
            subjects = [
                i for s in clause_subjects(token) for i in context.entities_of(s, PARTICIPANTS)
            ]
        else:
            continue
        partners = [
            i
            for p in children(token, {"obl", "nmod"}, {"с", "со"})
            for i in context.entities_of(p, PARTICIPANTS)
        ]
        if role == "noun" and not partners and not held(token):
            continue  # "к 75-летию встречи на Эльбе" names no meeting of these subjects
        place = meeting_place(context, token)
        subjects = [s for s in dict.fromkeys(subjects) if s not in partners]
        for a in subjects:
            for b in partners:
                yield Found("met_with", a, b, token.sent, place)
        if not partners:
            for a, b in pairs(subjects):
                yield Found("met_with", a, b, token.sent, place)


def held(noun: Token) -> bool:
    """ "провели переговоры": the meeting is the object of a verb that holds it."""
    return noun.dep_ == "obj" and (cue(noun.head) or ("", ""))[1] == "support"


def meeting_place(context: Context, token: Token) -> str | None:
    """A place or state "в …" that hangs (within three steps) on the trigger."""
    for candidate in token.sent:
        if not any(fold(g.text) in {"в", "во"} for g in candidate.children if g.dep_ == "case"):
            continue
        if token in list(candidate.ancestors)[:3]:
            place = context.entity_at(candidate, {PLACE, STATE})
            if place is not None:
                return context.entities[place]["name"]
    return None


# ---------------------------------------------------------------------------------------------
# visited
# ---------------------------------------------------------------------------------------------


def visits(context: Context) -> Iterator[Found]:
    for token in context.doc:
        relation, role = cue(token) or ("", "")
        if relation != "visited" or negated(token):
            continue
        targets = [
            i
            for t in children(token, {"obl", "nmod", "obj"}, None)
            if t.dep_ == "obj" or any(fold(g.text) in {"в", "во", "на"} for g in t.children)
            for i in [context.entity_at(t, DESTINATIONS)]
            if i is not None
        ]
        if not targets:
            continue
        if role == "verb":
            if token.pos_ != "VERB" or "Inf" in token.morph.get("VerbForm"):
                continue
            visitors = [
                i
                for s in children(token, {"nsubj"})
                for i in context.entities_of(s, {PERSON, STATE, ORG})
            ]
            kind = visit_kind(next(children(token, {"obl"}, {"с", "со"}), None))
        else:
            visitors = visit_owner(context, token)
            kind = visit_kind(token)
        for visitor in dict.fromkeys(visitors):
            for target in dict.fromkeys(targets):
                if visitor != target:
                    yield Found("visited", visitor, target, token.sent, kind)


def visit_owner(context: Context, noun: Token) -> list[int]:
    """ "его визит", "визит Путина", else the subject of the clause."""
    for child in noun.children:
        if child.i < noun.i and child.dep_ in {"det", "nmod"}:
            found = context.entity_at(child, {PERSON})
            if found is not None:
                return [found]
    for child in children(noun, {"nmod"}):
        if child.i > noun.i and "Gen" in child.morph.get("Case"):
            found = context.entity_at(child, {PERSON, STATE, ORG})
            if found is not None:
                return [found]
    return [i for s in clause_subjects(noun) for i in context.entities_of(s, {PERSON})]


def visit_kind(noun: Token | None) -> str | None:
    """ "государственный визит", "официальный визит"."""
    if noun is None or fold(noun.lemma_) not in {"визит"}:
        return None
    adjectives = [c for c in noun.children if c.dep_ == "amod" and c.i < noun.i]
    if not adjectives:
        return None
    return " ".join([*(fold(a.lemma_) for a in adjectives), "визит"])


# ---------------------------------------------------------------------------------------------
# trade_target
# ---------------------------------------------------------------------------------------------


def trade_targets(context: Context) -> Iterator[Found]:
    main_states = document_states(context)
    for sentence in context.doc.sents:
        trade = [t for t in sentence if (cue(t) or ("", ""))[0] == "trade"]
        targets = [t for t in sentence if (cue(t) or ("", ""))[1] == "target" and is_ahead(t)]
        money = parse_money(sentence)
        if not trade or not targets or money is None:
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
    tokens = [t for t in tokens if not any(c.dep_ == "case" for c in [t]) and t.i >= head.i]
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


def positions(context: Context) -> Iterator[Found]:
    """A person's post from entity linking, read at its first title."""
    by_name = {(e["name"], e["type"]): e["id"] for e in context.entities.values()}
    for entity in context.entities.values():
        if entity["type"] != PERSON or not entity["position"]:
            continue
        titles = [
            m
            for m in context.doc.spans.get(MENTIONS_KEY, [])
            if m._.entity_id == entity["id"] and m._.kind == "title"
        ]
        if not titles:
            continue
        owner = next(
            (
                by_name[(entity["position_of"], kind)]
                for kind in (STATE, ORG, PLACE)
                if (entity["position_of"], kind) in by_name
            ),
            None,
        )
        yield Found("holds_position", entity["id"], owner, titles[0].sent, entity["position"])


# ---------------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------------


def unique(found: list[Found]) -> list[Found]:
    """One row per relation and (unordered, for symmetric relations) pair of entities."""
    seen, kept = set(), []
    for item in found:
        pair = (
            frozenset((item.subject, item.object))
            if item.relation in SYMMETRIC
            else (item.subject, item.object)
        )
        key = (item.relation, pair)
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
