"""The relation stage: the spaCy component that runs the patterns, hands what they found to each
relation family and numbers the rows of `doc._.relations`.

It owns its rule files as spaCy's SpanRuler owns its patterns: named in its config, read
through `RuleFiles` (from the installed models/ until `from_disk` reads a saved pipeline's
copies), written by `to_disk`; the matchers are rebuilt when the files change."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc

from ..posts import post_lexicon, post_words
from ..quotes import cue_lexicon
from ..rules import RuleComponent, RuleFiles, json_data
from ..tokenizer import sentence_ids
from .agreements import signed_agreements
from .context import (
    DONE,
    PLANNED,
    Context,
    Found,
    Lexicons,
    adjective_table,
    cue_table,
    deal_kind_table,
    money_table,
    org_anaphor_set,
    plan_table,
    state_table,
)
from .deals import deals
from .matching import Roles, TriggerMatcher, compile_patterns
from .meetings import meetings
from .positions import inferred_positions, led_bodies, positions, predicated_posts
from .trade import trade_targets
from .visits import visits

SYMMETRIC = {"signed_agreement", "met_with", "trade_target"}  # "deal" has a direction
TOLD_APART_BY_ATTRIBUTE = {"holds_position", "deal", "signed_agreement"}
RULE_FILES = {
    "patterns": "relation_patterns.json",
    "cues": "relation_cues.tsv",
    "money": "money.tsv",
    "org_anaphors": "org_anaphors.tsv",
    "posts": "posts.tsv",  # post phrases: "назначен премьер-министром", "стал депутатом"
    "speech_cues": "speech_cues.tsv",  # "сообщает Reuters": an outlet, not a deal's party
    "plans": "plan_cues.tsv",  # "намерены подписать", "предстоящий визит": a planned event
    "city_states": "city_states.tsv",  # "Брюссель" → BEL: who is away from home (GeoNames)
    "landmark_states": "landmark_states.tsv",  # "Кремль" → RUS
    "capitals": "capitals.tsv",  # "Москва и Пекин подписали": the states that signed (GeoNames)
    "state_adjectives": "state_adjectives.tsv",  # "российско-украинское соглашение": its parties
}


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
    status: str  # "done", or "planned" for an event announced ("подпишут", "визит запланирован")


class RelationFinder(RuleComponent):
    """Fills `doc._.relations` from the parse, the linked mentions and the entities, and
    `doc._.relation_positions` with the states it inferred for leaders' posts."""

    def __init__(self, name: str, files: Mapping[str, str], anaphor_window: int, max_steps: int):
        self.name = name
        self.rules = RuleFiles(files)
        self.anaphor_window = anaphor_window
        self.max_steps = max_steps
        self.matcher: TriggerMatcher | None = None  # built from the rules where it is used

    def __getstate__(self) -> dict:
        """Pickled small (for worker processes): the matcher is rebuilt where it is used."""
        return {**self.__dict__, "matcher": None}

    def rules_changed(self) -> None:
        self.matcher = None

    def lexicons(self) -> Lexicons:
        return Lexicons(
            cues=self.rules.built("cues", cue_table),
            deal_kinds=self.rules.built("cues", deal_kind_table),
            money=self.rules.built("money", money_table),
            org_anaphors=self.rules.built("org_anaphors", org_anaphor_set),
            posts=self.rules.built("posts", post_lexicon),
            speech_cues=self.rules.built("speech_cues", cue_lexicon),
            plans=self.rules.built("plans", plan_table),
            city_states=self.rules.built("city_states", state_table),
            landmark_states=self.rules.built("landmark_states", state_table),
            capitals=self.rules.built("capitals", state_table),
            state_adjectives=self.rules.built("state_adjectives", adjective_table),
        )

    def patterns(self) -> dict[str, list[dict]]:
        """The DependencyMatcher patterns, compiled from the rule files."""
        table = self.rules.built("patterns", json_data)
        posts = self.rules.built("posts", post_lexicon)
        return compile_patterns(table, self.rules.built("cues", cue_table), post_words(posts))

    def events(self, doc: Doc) -> list[Roles]:
        """Every trigger word with the roles the patterns filled around it, cancelled ones
        ("не подписали") too."""
        if self.matcher is None:
            self.matcher = TriggerMatcher(doc.vocab, self.patterns(), self.max_steps)
        return self.matcher.events(doc)

    def __call__(self, doc: Doc) -> Doc:
        context = Context(doc, self.lexicons(), self.anaphor_window)
        events = [roles for roles in self.events(doc) if not roles.cancelled]
        visited = list(visits(context, events))
        found = with_status(
            context,
            events,
            [
                *signed_agreements(context, events),
                *meetings(context, events),
                *trade_targets(context),
                *deals(context, events),
                *visited,
                *positions(context, visited),
                *predicated_posts(context, events),
                *led_bodies(context, events),
            ],
        )
        found = unique(found)
        doc._.relation_positions = inferred_positions(context, found)
        doc._.relations = [asdict(row) for row in rows(doc, found)]
        return doc


def deal_kinds(rules: RuleFiles | None = None) -> dict[str, str]:
    """Lemma → deal kind ("купить" → "покупка") of a stage's relation_cues.tsv, by default the
    installed one: the factRuEval scorer reads the deal a signed document names with it."""
    return (rules or RuleFiles(RULE_FILES)).built("cues", deal_kind_table)


def with_status(context: Context, events: list[Roles], found: list[Found]) -> list[Found]:
    """Each row's status: the one its family read from its own trigger, else PLANNED when every
    event word of its relation in its sentence is announced, not done ("Встреча пройдёт в
    Кремле", "визит запланирован")."""
    statuses: dict[tuple[str, int], set[str]] = {}
    for roles in events:
        key = (context.cue_of(roles.trigger)[0], roles.trigger.sent.start)
        statuses.setdefault(key, set()).add(context.status_of(roles.trigger))
    return [
        item
        if item.status is not None
        else replace(
            item,
            status=PLANNED
            if statuses.get((item.relation, item.sentence.start)) == {PLANNED}
            else DONE,
        )
        for item in found
    ]


def unique(found: list[Found]) -> list[Found]:
    """One row per relation and (unordered, for symmetric relations) pair of entities; a
    person's posts, a pair's deals and its documents are told apart by what they are (the
    attribute), a pair's trade targets by their value (a near and a far goal). Of an event both
    announced and done, the done one is kept; of a trade target read twice, one with its year
    (a headline states the goal, the lead its date)."""
    seen, kept = set(), []
    for item in sorted(found, key=lambda f: (f.status == PLANNED, f.year is None)):
        pair = (
            frozenset((item.subject, item.object))
            if item.relation in SYMMETRIC
            else (item.subject, item.object)
        )
        kind: str | float | None = (
            item.attribute if item.relation in TOLD_APART_BY_ATTRIBUTE else None
        )
        if item.relation == "trade_target":
            kind = item.value
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
            item.status or DONE,
        )


@Language.factory(
    "ru_news_relations",
    default_config={"anaphor_window": 2, "max_steps": 3, "rules": RULE_FILES},
    assigns=["doc._.relations", "doc._.relation_positions"],
    requires=[
        "doc.spans",  # sentences come with the tokens (a line break ends one)
        "doc._.entities",
        "doc._.posts",
        "span._.entity_id",
        "token.dep",
        "token.head",
        "token.lemma",
        "token.pos",
        "token.morph",
    ],
)
def make_relation_finder(
    nlp: Language,
    name: str,
    anaphor_window: int,
    max_steps: int,
    rules: dict[str, str],
) -> RelationFinder:
    """`anaphor_window`: how many sentences back "компания"/"она" may point; `max_steps`: how
    far up a nominal event's clause subject, how far down a meeting's place may be; `rules`:
    role → rule file name."""
    return RelationFinder(name, rules, anaphor_window, max_steps)
