"""factRuEval-2016 facts (track 3) → scores of our relations, computed the way the 2016 scorer did.

What is compared:
- Occupation ↔ holds_position: Who = our subject, Position/Job = our attribute (the post), Where =
  our object (when we have one).
- Meeting ↔ met_with: Participant = our persons. Our rows are pairs; the met_with rows of one
  sentence become one meeting with every person they name ("Токаев и Рахмон встретились с
  Мирзиёевым" → one fact of three participants). Participants that are not persons are left
  out, as 2016's Meeting has persons only.
- Deal ↔ signed_agreement and deal: Participant = our signers and parties, or a deal's actor
  and counterpart; the rows of one sentence that name the same document or deal kind
  (attribute) become one deal. Two rows are printed: `deal`, every Deal fact with its `Type`
  argument, the 2016 setting (our deal kind gives the Type: покупка/продажа/поставка →
  купля/продажа, кредит → займ, штраф/санкции → the sanctions type, `DEAL_TYPES`; a signed
  agreement has the Type of the deal its title names, "соглашение о поставках газа", else none
  and then scores at most 2/3 on a two-party fact); and `deal_agreement`, the Deals that are
  agreements between parties — Type купля/продажа (sale), услуги (services), инвестиции
  (investment), займ/возвращение займа/долг (loan) — with Type not scored. Sanctions
  ("экономичкские санкции…", a one-sided measure) and the 3 test Deals without a Type (talks
  of a merger, all uncertain) are then ignored: neither a miss nor, when one of our deals
  matches them, a false positive.
Ownership is not scored (we have no such relation); so there is no "overall" row comparable
with 2016's, which includes it.

How 2016 scored (dialent/task3 in the dialogue-evaluation/factRuEval-2016 repository; its
scripts were not copied with the data, this is a reimplementation), per document and fact type:
1. Modes. `t3` (the headline figures): facts marked "Сложность повышенная" are ignored and the
   Фаза (phase) argument is dropped. `t3-m` (the strict mode): facts with a Модальность value
   возможность, будущее or отрицание (possible, future, negated; on any of its lines or among
   its alternatives) are removed, difficult facts count, and Фаза stays an argument (which we
   never give). The gold counts this reader gives equal the official "In Std." columns: t3
   occupation 336, meeting 45, deal 102; t3-m 422, 40, 83.
2. A predicted fact may join a gold fact of the same type when at least one argument matches
   (here an entity or a post: a Type alone joins nothing, stricter than 2016);
   several predicted facts may join one gold fact (a cluster); the assignment that maximises
   the document's F1 is chosen (exhaustively when that is small, else by local search from a
   greedy start).
3. A cluster's quality: arguments of its predicted facts are matched to the first gold argument
   they fit; with weights (Position and Фаза 0.5, the rest 1), arg = matched / (matched + unmatched
   predicted + unmatched gold), id = the share of pairs of matched gold arguments given by one
   predicted fact (1 for a cluster of one fact), quality = (arg + id·arg) / 2.
4. TP1 (recall side) sums the quality of every gold fact's cluster, TP2 (precision side) the
   quality of every predicted fact's cluster; R = TP1 / gold facts (not ignored), P = TP2 /
   predicted facts (those in an ignored fact's cluster left out). Documents are summed.
The 2016 id quality looked at the first k gold arguments instead of the k matched ones (a slip
that only matters when a cluster has several facts); we use the matched ones. Precision with no
prediction at all is 0 here (the 2016 scorer printed 1).

Argument matching is where we depart from 2016, which compared strings (a system printed names;
Levenshtein ≤ 2 against any name of the gold entity): here entities are matched by where they
are mentioned. A gold argument `objN` names the coref entity N; it matches our subject or object
when one of our mentions of that entity (doc.spans["mentions"] with its entity id, titles left
out) overlaps a span of one of the entity's objects (.coref → .objects → .spans). A gold
Position is one or more `.spans` (alternatives); it matches our post when both have the same
head noun and one phrase contains the other up to inflection ("генерального директора" ~
"директор", not "заместителя министра" ~ "министр"). The one isPartOf fact of the test set lets
an Occupation's Where match either of its two entities (what 2016's expandWithIsPartOf meant to
do).

Documents without a `.facts` file are skipped, as in 2016 (every devset and testset document
has one).

    ru-news evaluate relations --data ../shared/datasets/factrueval2016/testset [--limit N] \
        [--official ../shared/datasets/factrueval2016/official_results/run_2]
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.gazetteer import fold
from pipeline.relations import deal_kinds
from pipeline.resources import word_parses

from .coref import read_coref
from .factru import GoldSpan, read_spans, read_tokens
from .nerel_relations import overlap, posts_match, relations_of, row_spans
from .scorer import Report

ENTITY, POST, STRING = "entity", "post", "string"
OCCUPATION, MEETING, DEAL, OWNERSHIP = "occupation", "meeting", "deal", "ownership"
DEAL_AGREEMENT = "deal_agreement"
ROWS = (OCCUPATION, MEETING, DEAL, DEAL_AGREEMENT)
MODES = ("t3", "t3-m")
AGREEMENT_DEAL_TYPES = frozenset(
    {"купля/продажа", "услуги", "инвестиции", "займ/возвращение займа/долг"}
)
# our deal kinds (the attribute of a `deal` row, models/relation_cues.tsv) → the 2016 Type
# values they stand for, as the devset and the testset spell them
SALE = ("купля/продажа",)
LOAN = ("займ/возвращение займа", "займ/возвращение займа/долг")
SANCTION = ("наложение/выплата штрафа", "экономичкские санкции(штраф, эмбарго и т. п.)")
DEAL_TYPES = {
    "покупка": SALE,
    "продажа": SALE,
    "поглощение": SALE,
    "слияние": SALE,
    "поставка": SALE,
    "экспорт": SALE,
    "импорт": SALE,
    "инвестиция": ("инвестиции",),
    "кредит": LOAN,
    "грант": LOAN,
    "штраф": SANCTION,
    "санкции": SANCTION,
}
UNCERTAIN_MODALITY = frozenset({"возможность", "будущее", "отрицание"})
DIFFICULT = "повышенная"
ARGUMENT_WEIGHTS = {"position": 0.5, "фаза": 0.5}
ROLE_NAMES = {"job": "position"}
SPECIAL_ROLES = {"модальность", "сложность"}  # fact attributes, not arguments
PHASE, TYPE = "фаза", "type"
EXHAUSTIVE_LIMIT = 20_000  # assignments tried one by one; beyond, local search
PERSON = "PERSON"


# --- facts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Argument:
    """One argument of a fact. An entity is the character ranges where it is mentioned; a post
    its phrases (gold alternatives, or our one lemma); a string its values (Type, Фаза)."""

    role: str  # who, position, where, participant, type, фаза
    kind: str  # entity, post, string
    spans: frozenset[tuple[int, int]] = frozenset()
    texts: tuple[str, ...] = ()

    def matches(self, predicted: Argument) -> bool:
        """Can the predicted argument stand for this gold one?"""
        if predicted.role != self.role or predicted.kind != self.kind:
            return False
        if self.kind == ENTITY:
            return overlap(predicted.spans, self.spans)
        if self.kind == POST:
            return any(posts_match(ours, gold) for ours in predicted.texts for gold in self.texts)
        return bool({fold(t) for t in predicted.texts} & {fold(t) for t in self.texts})

    @property
    def weight(self) -> float:
        return ARGUMENT_WEIGHTS.get(self.role, 1.0)


@dataclass(frozen=True)
class Fact:
    """A gold fact (`.facts` block) or one of ours. Gold facts keep their attributes apart:
    whether it is difficult ("Сложность повышенная"), its modality values, its deal type."""

    tag: str  # occupation, meeting, deal, ownership, ispartof
    arguments: tuple[Argument, ...]
    fact_id: str = ""
    difficult: bool = False
    modality: tuple[str, ...] = ()  # every Модальность value, lines and alternatives
    deal_type: str | None = None
    label: str = ""  # for reading: the arguments as the .facts file names them

    def can_match(self, predicted: Fact) -> bool:
        """A shared entity or post joins facts; a shared Type alone does not (every purchase of
        a document would join every other)."""
        return any(
            g.kind != STRING and g.matches(p) for g in self.arguments for p in predicted.arguments
        )


@dataclass(frozen=True)
class FactsDoc:
    doc_id: str
    text: str
    facts: tuple[Fact, ...]
    unresolved: int = 0  # arguments naming an entity or span the other layers lack


def read_objects(path: Path, spans: Mapping[str, GoldSpan]) -> dict[str, tuple[GoldSpan, ...]]:
    """`.objects`: object id → its spans (every type, named or not)."""
    objects = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.partition("#")[0].split()
        if len(fields) >= 3:
            objects[fields[0]] = tuple(spans[s] for s in fields[2:] if s in spans)
    return objects


def _entity_spans(
    entity: str, members: Mapping[str, list[str]], objects: Mapping[str, tuple[GoldSpan, ...]]
) -> frozenset[tuple[int, int]]:
    """Ranges of every span of every object of a coref entity (an id that is no coref entity
    but an object is read as that object alone)."""
    object_ids = members.get(entity) or ([entity] if entity in objects else [])
    return frozenset((s.start, s.end) for o in object_ids for s in objects.get(o, ()))


def parse_facts(
    content: str,
    text: str,
    spans: Mapping[str, GoldSpan],
    objects: Mapping[str, tuple[GoldSpan, ...]],
    coref: Mapping[str, str],
) -> tuple[list[Fact], int]:
    """The blocks of a `.facts` file: `<id> <Type>`, then `<Role> obj<coref id> <names>` (an
    entity; names after it are alternatives of the same entity), `<Role> span<id> <text> |
    span<id> <text>` (alternative spans) or `<Role> <value> | <value>` (strings). Returns the
    facts and the number of arguments that could not be placed (kept, matching nothing)."""
    members: dict[str, list[str]] = defaultdict(list)
    for object_id, entity in coref.items():
        members[entity].append(object_id)
    facts, unresolved = [], 0
    for block in content.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines or len(lines[0].split()) < 2:
            continue
        fact_id, tag = lines[0].split()[:2]
        arguments: list[Argument] = []
        attributes: dict[str, list[str]] = defaultdict(list)
        for line in lines[1:]:
            role, _, value = line.partition(" ")
            role = ROLE_NAMES.get(role.lower(), role.lower())
            value = value.strip()
            if role in SPECIAL_ROLES or role == TYPE:
                attributes[role] += [v.strip() for v in value.split("|") if v.strip()]
            if role in SPECIAL_ROLES:
                continue
            if value.startswith("obj"):
                entity_spans = _entity_spans(value.split()[0][3:], members, objects)
                unresolved += not entity_spans
                arguments.append(Argument(role, ENTITY, entity_spans, (value,)))
            elif value.startswith("span"):
                texts = []
                for alternative in value.split("|"):
                    span_id, _, written = alternative.strip().partition(" ")
                    span = spans.get(span_id[4:])
                    texts.append(text[span.start : span.end] if span else written.strip())
                    unresolved += span is None
                arguments.append(Argument(role, POST, texts=tuple(dict.fromkeys(texts))))
            else:
                values = tuple(v.strip() for v in value.split("|") if v.strip())
                arguments.append(Argument(role, STRING, texts=values))
        facts.append(
            Fact(
                tag.lower(),
                tuple(arguments),
                fact_id,
                difficult=DIFFICULT in attributes["сложность"],
                modality=tuple(attributes["модальность"]),
                deal_type=attributes[TYPE][0] if attributes[TYPE] else None,
                label="; ".join(lines[1:]),
            )
        )
    return _expand_is_part_of(facts), unresolved


def _expand_is_part_of(facts: list[Fact]) -> list[Fact]:
    """An Occupation's Where may be either entity of an isPartOf fact ("отдел новостей" of "News
    of the World")."""
    related: dict[frozenset, set] = defaultdict(set)
    for fact in facts:
        if fact.tag == "ispartof":
            entities = [a.spans for a in fact.arguments if a.kind == ENTITY]
            for a, b in itertools.permutations(entities, 2):
                related[a].add(b)
    if not related:
        return facts
    expanded = []
    for fact in facts:
        if fact.tag == OCCUPATION:
            arguments = tuple(
                replace(a, spans=a.spans.union(*related[a.spans]))
                if a.role == "where" and a.spans in related
                else a
                for a in fact.arguments
            )
            fact = replace(fact, arguments=arguments)
        expanded.append(fact)
    return expanded


def read_document(folder: str | Path, doc_id: str) -> FactsDoc:
    """One `book_<id>` document with its facts (spans placed as factru.read_spans does)."""
    stem = Path(folder) / doc_id
    with open(stem.with_suffix(".txt"), encoding="utf-8", newline="") as file:
        text = file.read()
    spans, _, _ = read_spans(
        stem.with_suffix(".spans"), text, read_tokens(stem.with_suffix(".tokens"))
    )
    objects = read_objects(stem.with_suffix(".objects"), spans)
    coref = read_coref(stem.with_suffix(".coref"))
    content = stem.with_suffix(".facts").read_text(encoding="utf-8")
    facts, unresolved = parse_facts(content, text, spans, objects, coref)
    return FactsDoc(doc_id, text, tuple(facts), unresolved)


def _numeric_id(stem: str) -> int:
    tail = stem.rpartition("_")[2]
    return int(tail) if tail.isdigit() else -1


def read_split(folder: str | Path, limit: int | None = None) -> list[FactsDoc]:
    """The documents of a split folder that have a `.facts` file, by numeric id."""
    folder = Path(folder)
    stems = sorted((p.stem for p in folder.glob("book_*.facts")), key=_numeric_id)
    if not stems:
        raise FileNotFoundError(f"no factRuEval book_<id>.facts files in {folder}")
    return [read_document(folder, stem) for stem in stems[:limit]]


# --- modes and rows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldView:
    """The gold facts one row of the table scores, with the ones to ignore marked."""

    facts: tuple[Fact, ...]
    ignored: frozenset[int]  # indices into facts


def gold_view(facts: Iterable[Fact], row: str, mode: str = "t3") -> GoldView:
    """The gold facts of a row (occupation, meeting, deal, deal_agreement) in a mode (t3, t3-m)."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; expected one of {MODES}")
    tag = DEAL if row == DEAL_AGREEMENT else row
    kept: list[Fact] = []
    ignored: set[int] = set()
    for fact in facts:
        if fact.tag != tag:
            continue
        if mode == "t3-m" and UNCERTAIN_MODALITY.intersection(fact.modality):
            continue
        drop = {PHASE} if mode == "t3" else set()
        if row == DEAL_AGREEMENT:
            drop.add(TYPE)
        for role in drop:
            fact = without(fact, role)
        if (mode == "t3" and fact.difficult) or (
            row == DEAL_AGREEMENT and fact.deal_type not in AGREEMENT_DEAL_TYPES
        ):
            ignored.add(len(kept))
        kept.append(fact)
    return GoldView(tuple(kept), frozenset(ignored))


# --- our facts -----------------------------------------------------------------------------------


def _entity_argument(doc: Doc, row: dict, side: str, role: str) -> Argument:
    return Argument(role, ENTITY, row_spans(doc, row, side), (str(row.get(side)),))


def _dedupe(facts: Iterable[Fact]) -> list[Fact]:
    seen, unique = set(), []
    for fact in facts:
        key = (fact.tag, frozenset((a.role, a.kind, a.spans, a.texts) for a in fact.arguments))
        if key not in seen and fact.arguments:
            seen.add(key)
            unique.append(fact)
    return unique


@cache
def installed_deal_kinds() -> dict[str, str]:
    """The installed relation_cues.tsv's deal kinds, read once per process, not per title."""
    return deal_kinds()


def title_kind(title: str) -> str | None:
    """The deal kind a signed document names ("соглашение о поставках газа" → поставка).
    Never a sanction: "конвенция о запрете химического оружия" is a treaty, not a measure
    against its parties."""
    kinds = installed_deal_kinds()
    for word in title.split():
        for parse in word_parses(word.lower())[:1]:
            kind = kinds.get(fold(parse.normal_form))
            if kind in DEAL_TYPES and DEAL_TYPES[kind] != SANCTION:
                return kind
    return None


def predicted_facts(doc: Doc) -> list[Fact]:
    """Our relation rows as 2016 facts (see the module docstring), duplicates dropped."""
    facts = []
    for row in relations_of(doc, {"holds_position"}):
        arguments = [_entity_argument(doc, row, "subject", "who")]
        if row.get("attribute"):
            arguments.append(Argument("position", POST, texts=(row["attribute"],)))
        if row.get("object_id") is not None or row.get("object"):
            arguments.append(_entity_argument(doc, row, "object", "where"))
        label = f"{row.get('subject')} — {row.get('attribute')} — {row.get('object')}"
        facts.append(Fact(OCCUPATION, tuple(arguments), label=label))
    groups: dict[tuple, dict[object, Argument]] = defaultdict(dict)
    for row in relations_of(doc, {"met_with", "signed_agreement", "deal"}):
        tag = MEETING if row["relation"] == "met_with" else DEAL
        key = (tag, row.get("sentence_id"), row.get("attribute") if tag == DEAL else None)
        for side in ("subject", "object"):
            if tag == MEETING and row.get(f"{side}_type") not in (PERSON, None):
                continue
            if row.get(f"{side}_id") is None and not row.get(side):
                continue
            who = row.get(f"{side}_id") if row.get(f"{side}_id") is not None else row.get(side)
            groups[key].setdefault(who, _entity_argument(doc, row, side, "participant"))
    for (tag, _, attribute), participants in groups.items():
        label = " + ".join(a.texts[0] for a in participants.values())
        group_arguments = tuple(participants.values())
        if tag == DEAL:
            kind = attribute if attribute in DEAL_TYPES else title_kind(attribute or "")
            if kind is not None:
                group_arguments += (Argument(TYPE, STRING, texts=DEAL_TYPES[kind]),)
        facts.append(Fact(tag, group_arguments, label=f"{label} ({attribute or ''})"))
    return _dedupe(facts)


# --- the 2016 measure ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Numerators and denominators of one document, or summed over many."""

    tp_gold: float = 0.0  # TP1: quality summed over gold facts (recall side)
    tp_predicted: float = 0.0  # TP2: quality summed over predicted facts (precision side)
    gold: int = 0  # "In Std."
    predicted: int = 0  # "In Test."

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.tp_gold + other.tp_gold,
            self.tp_predicted + other.tp_predicted,
            self.gold + other.gold,
            self.predicted + other.predicted,
        )

    def official_f1(self) -> float:
        """F1 as the 2016 scorer computed it for one document (P or R = 1 when empty)."""
        if self.gold + self.predicted == 0:
            return 1.0
        p = self.tp_predicted / self.predicted if self.predicted else 1.0
        r = self.tp_gold / self.gold if self.gold else 1.0
        return 2 * p * r / (p + r) if p + r else 0.0


def cluster_quality(gold: Fact, predicted: Sequence[Fact]) -> float:
    """(arg + id·arg) / 2 of one gold fact and the predicted facts joined to it."""
    if not predicted:
        return 0.0
    by_gold: dict[int, set[int]] = defaultdict(set)  # gold argument → predicted facts giving it
    unmatched_predicted = 0.0
    for n, fact in enumerate(predicted):
        for argument in fact.arguments:
            for index, candidate in enumerate(gold.arguments):
                if candidate.matches(argument):
                    by_gold[index].add(n)
                    break
            else:
                unmatched_predicted += argument.weight
    matched = sum(gold.arguments[i].weight for i in by_gold)
    unmatched_gold = sum(a.weight for i, a in enumerate(gold.arguments) if i not in by_gold)
    total = matched + unmatched_predicted + unmatched_gold
    arg_quality = matched / total if total else 0.0
    if len(predicted) == 1 or len(by_gold) < 2:
        id_quality = 1.0
    else:
        pairs = list(itertools.combinations(sorted(by_gold), 2))
        joined = sum(1 for x, y in pairs if by_gold[x] & by_gold[y])
        id_quality = joined / len(pairs)
    return (arg_quality + id_quality * arg_quality) / 2


@dataclass
class _Assignment:
    gold: GoldView
    predicted: Sequence[Fact]
    cache: dict = field(default_factory=dict)

    def counts(self, choice: Sequence[int]) -> Counts:
        """choice[i]: index of the gold fact predicted fact i joins, or -1."""
        members: dict[int, list[int]] = defaultdict(list)
        for i, g in enumerate(choice):
            if g >= 0:
                members[g].append(i)
        tp_gold = tp_predicted = 0.0
        predicted = sum(1 for g in choice if g < 0)
        for g, items in members.items():
            if g in self.gold.ignored:
                continue
            key = (g, tuple(items))
            if key not in self.cache:
                self.cache[key] = cluster_quality(
                    self.gold.facts[g], [self.predicted[i] for i in items]
                )
            quality = self.cache[key]
            tp_gold += quality
            tp_predicted += quality * len(items)
            predicted += len(items)
        gold = len(self.gold.facts) - len(self.gold.ignored)
        return Counts(tp_gold, tp_predicted, gold, predicted)


def best_assignment(gold: GoldView, predicted: Sequence[Fact]) -> tuple[list[int], Counts]:
    """The assignment of predicted facts to gold facts with the best document F1."""
    options = [
        [g for g, fact in enumerate(gold.facts) if fact.can_match(p)] + [-1] for p in predicted
    ]
    state = _Assignment(gold, predicted)
    if math.prod(len(o) for o in options) <= EXHAUSTIVE_LIMIT:
        # max keeps the first of equal scores, as the search always did
        best_counts, best = max(
            (
                (state.counts(combination), combination)
                for combination in itertools.product(*options)
            ),
            key=lambda scored: scored[0].official_f1(),
        )
        return list(best), best_counts
    # greedy start: each predicted fact to the free gold fact it fits best alone
    choice: list[int] = []
    taken: set[int] = set()
    for i, fact_options in enumerate(options):
        scored = [
            (cluster_quality(gold.facts[g], [predicted[i]]), g)
            for g in fact_options
            if g >= 0 and g not in taken
        ]
        quality, g = max(scored, default=(0.0, -1))
        choice.append(g if quality > 0 else -1)
        taken.add(choice[-1])
    best_counts = state.counts(choice)
    improved = True
    while improved:
        improved = False
        for i, fact_options in enumerate(options):
            for g in fact_options:
                if g == choice[i]:
                    continue
                trial = [*choice[:i], g, *choice[i + 1 :]]
                counts = state.counts(trial)
                if counts.official_f1() > best_counts.official_f1() + 1e-12:
                    choice, best_counts, improved = trial, counts, True
    return choice, best_counts


# --- scores --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactScore:
    """One row of the table: a fact type in a mode, with the 2016 columns."""

    type: str
    mode: str
    tp_gold: float  # TP1
    tp_predicted: float  # TP2
    gold: int  # In Std.
    predicted: int  # In Test.

    @property
    def precision(self) -> float:
        return self.tp_predicted / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class DocResult:
    """One document: its gold facts, our facts, and per row and mode the chosen assignment."""

    doc_id: str
    gold: tuple[Fact, ...]
    predicted: tuple[Fact, ...]
    counts: dict[tuple[str, str], Counts]  # (row, mode) → counts
    choices: dict[tuple[str, str], list[int]]  # (row, mode) → gold index per predicted fact


def without(fact: Fact, role: str) -> Fact:
    return replace(fact, arguments=tuple(a for a in fact.arguments if a.role != role))


def score_document(
    gold_doc: FactsDoc,
    predicted: Sequence[Fact],
    rows: Sequence[str] = ROWS,
    modes: Sequence[str] = MODES,
) -> DocResult:
    counts, choices = {}, {}
    for row in rows:
        tag = DEAL if row == DEAL_AGREEMENT else row
        ours = [fact for fact in predicted if fact.tag == tag]
        if row == DEAL_AGREEMENT:  # Type is not scored there
            ours = [without(fact, TYPE) for fact in ours]
        for mode in modes:
            view = gold_view(gold_doc.facts, row, mode)
            choice, doc_counts = best_assignment(view, ours)
            counts[(row, mode)], choices[(row, mode)] = doc_counts, choice
    return DocResult(gold_doc.doc_id, gold_doc.facts, tuple(predicted), counts, choices)


def total_scores(
    results: Iterable[DocResult], rows: Sequence[str] = ROWS, modes: Sequence[str] = MODES
) -> list[FactScore]:
    totals: dict[tuple[str, str], Counts] = defaultdict(Counts)
    for result in results:
        for key, counts in result.counts.items():
            totals[key] = totals[key] + counts
    scores = []
    for mode in modes:
        for row in rows:
            c = totals[(row, mode)]
            scores.append(FactScore(row, mode, c.tp_gold, c.tp_predicted, c.gold, c.predicted))
    return scores


def score_split(nlp: Language, folder: str | Path, limit: int | None = None) -> list[DocResult]:
    """Run the pipeline over a split and score every document in both modes."""
    gold_docs = read_split(folder, limit)
    docs = nlp.pipe(g.text for g in gold_docs)
    return [score_document(g, predicted_facts(doc)) for g, doc in zip(gold_docs, docs, strict=True)]


def evaluate(
    nlp: Language, folder: str | Path, limit: int | None = None, mode: str | None = None
) -> list[FactScore]:
    """P/R/F1 per row (occupation, meeting, deal, deal_agreement) on a factRuEval-2016 split
    folder, in both 2016 modes (t3, t3-m) or the one given."""
    scores = total_scores(score_split(nlp, folder, limit))
    return [s for s in scores if mode is None or s.mode == mode]


# --- the 2016 results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Official:
    """One run's line for a fact type in a 2016 report file."""

    run: str
    type: str
    precision: float
    recall: float
    f1: float
    tp_gold: float
    tp_predicted: float
    gold: int
    predicted: int


def read_official(path: str | Path) -> list[Official]:
    """A `<run>.test.t3` / `.t3-m` report: `TAG P R F1 TP1 TP2 In Std. In Test.` lines."""
    path = Path(path)
    run = path.name.split(".")[0]
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if len(fields) == 8 and fields[0] != "TAG":
            try:
                numbers = [float(x) for x in fields[1:]]
            except ValueError:
                continue
            precision, recall, f1, tp_gold, tp_predicted, gold, predicted = numbers
            rows.append(
                Official(
                    run,
                    fields[0],
                    precision,
                    recall,
                    f1,
                    tp_gold,
                    tp_predicted,
                    int(gold),
                    int(predicted),
                )
            )
    return rows


def official_best(results_dir: str | Path, mode: str = "t3") -> dict[str, Official]:
    """The best 2016 run per fact type (by F1) among `*.test.<mode>` reports."""
    best: dict[str, Official] = {}
    for path in sorted(Path(results_dir).glob(f"*.test.{mode}")):
        for row in read_official(path):
            if row.type not in best or row.f1 > best[row.type].f1:
                best[row.type] = row
    return best


def scores_frame(
    scores: Iterable[FactScore], best: Mapping[str, Mapping[str, Official]] | None = None
) -> pd.DataFrame:
    """The table: mode, type, P, R, F1, TP1, TP2, gold, predicted, and the best 2016 run's F1
    (rows `deal_agreement` have none: 2016 scored every Deal)."""
    records = []
    for s in scores:
        record = {
            "mode": s.mode,
            "type": s.type,
            "precision": round(s.precision, 3),
            "recall": round(s.recall, 3),
            "f1": round(s.f1, 3),
            "tp1": round(s.tp_gold, 2),
            "tp2": round(s.tp_predicted, 2),
            "gold": s.gold,
            "predicted": s.predicted,
        }
        if best is not None:
            top = best.get(s.mode, {}).get(s.type)
            record["best_2016_f1"] = round(top.f1, 4) if top else None
            record["best_2016_run"] = top.run if top else None
            record["gold_2016"] = top.gold if top else None
        records.append(record)
    frame = pd.DataFrame(records)
    if "gold_2016" in frame:
        frame["gold_2016"] = frame["gold_2016"].astype("Int64")
    return frame


def report(
    nlp: Language, folder: str | Path, limit: int | None = None, official: Path | None = None
) -> Report:
    """The scores, beside the best 2016 run per row when `official` (factRuEval's
    official_results/run_2) is given."""
    best = {mode: official_best(official, mode) for mode in MODES} if official else None
    return Report("factru-facts", scores_frame(evaluate(nlp, folder, limit), best))
