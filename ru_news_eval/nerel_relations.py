"""NEREL (brat standoff) → holds_position scores: WORKS_AS and WORKPLACE, entity level.

Our `holds_position` rows (person, post lemma as `attribute`, the state or organisation of the
post as `object`) are scored twice on a NEREL split, per document and entity level (a pair
counts once per document however often the text repeats it):

- WORKS_AS: (person, post) pairs. Gold: `WORKS_AS Arg1:PERSON Arg2:PROFESSION`, one pair per
  gold person and head lemma of the PROFESSION span ("главным тренером футбольного клуба" and
  "тренер" of one person are one pair, the post "тренер"). Predicted: one pair per our subject
  entity and post.
- WORKPLACE: (person, organisation or state) pairs. Gold: `WORKPLACE Arg1:PERSON Arg2:X`, plus
  the chain NEREL uses for "президент России Путин" (`PERSON -WORKS_AS-> PROFESSION
  -WORKPLACE-> X`), for X of type ORGANIZATION, COUNTRY, STATE_OR_PROVINCE, CITY, DISTRICT or
  LOCATION (EVENT, FACILITY, IDEOLOGY and NATIONALITY workplaces are left out: we have no such
  entities). Predicted: our rows with an object, one pair per (subject entity, object entity).

Gold entities: NEREL has no coreference layer, so the gold mentions of a document are grouped
into entities by: the same Wikidata id (`N` lines, within one type); the same words up to
inflection (pymorphy normal forms, within one type: "Бананц" ~ "Бананца"); ALTERNATIVE_NAME and
ABBREVIATION relations; and, for persons, a one-word mention that is the last word of exactly one
multi-word person ("Хорняк" → "Жолт Хорняк").

Matching (one-to-one per document, a maximum bipartite matching): our subject is the gold person
when one of our mentions of that entity (doc.spans["mentions"] with its entity id; titles left
out, since "президент России" holds the state's name, not the person's) overlaps one of the gold
person's mentions; the same for the object and the gold workplace; our post matches a gold
PROFESSION when the two phrases have the same head noun and one contains the other, word by word
up to inflection ("генеральный директор" ~ "директор", "министр иностранных дел" ~ "министра";
not "заместитель министра" ~ "министр"). NEREL's PROFESSION covers every occupation (footballer,
actor, expert), our posts only offices, so recall on WORKS_AS is bounded well below 1.

This module also holds what the three relation scorers share (facts.py, rured.py import it): the
brat reader, gold entity clustering, our relation rows and entity spans, post matching and
bipartite matching.

    ru-news evaluate nerel-relations --data ../shared/datasets/nerel/test [--limit N]
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.gazetteer import fold, word_forms
from pipeline.resources import word_parses
from pipeline.schema import MENTIONS_KEY

from .scorer import Report
from .scoring import Score, scores_frame

Spans = frozenset[tuple[int, int]]

WORKS_AS, WORKPLACE = "WORKS_AS", "WORKPLACE"
WORKPLACE_TYPES = frozenset(
    {"ORGANIZATION", "COUNTRY", "STATE_OR_PROVINCE", "CITY", "DISTRICT", "LOCATION"}
)
ALIAS_RELATIONS = frozenset({"ALTERNATIVE_NAME", "ABBREVIATION"})
HOLDS_POSITION = "holds_position"
ADJECTIVE_POS = frozenset({"ADJF", "ADJS", "PRTF", "PRTS"})
# Our mentions that stand for an entity's name in the text; a title ("Президент Таджикистана")
# spans the words of another entity and would match it.
REFERENCE_EXCLUDED_KINDS = frozenset({"title"})


# --- brat ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BratEntity:
    """A `T` line: id, type, character ranges (several when discontinuous) and text."""

    id: str
    type: str
    ranges: tuple[tuple[int, int], ...]
    text: str

    @property
    def start(self) -> int:
        return self.ranges[0][0]

    @property
    def end(self) -> int:
        return self.ranges[-1][1]


@dataclass(frozen=True)
class BratRelation:
    """An `R` line: a directed relation Arg1 → Arg2."""

    id: str
    type: str
    arg1: str
    arg2: str


@dataclass(frozen=True)
class BratDoc:
    doc_id: str
    text: str
    entities: dict[str, BratEntity]
    relations: tuple[BratRelation, ...]
    links: dict[str, str]  # entity id → Wikidata id (NEREL's `N` lines; NULL links left out)


def read_brat(ann: str | Path, text: str | None = None) -> BratDoc:
    """One `.ann` file (and its `.txt`). Lines that are not T/R/N lines (notes, attributes, the
    continuation of a mention text that held a newline) are skipped."""
    ann = Path(ann)
    if text is None:
        text = ann.with_suffix(".txt").read_text(encoding="utf-8")
    entities: dict[str, BratEntity] = {}
    relations: list[BratRelation] = []
    links: dict[str, str] = {}
    for line in ann.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) < 2:
            continue
        head = fields[1].split()
        try:
            if line.startswith("T") and len(head) >= 3:
                label, ranges = fields[1].split(" ", 1)
                bounds = tuple(
                    (int(start), int(end))
                    for start, end in (part.split() for part in ranges.split(";"))
                )
                text_field = fields[2] if len(fields) > 2 else ""
                entities[fields[0]] = BratEntity(fields[0], label, bounds, text_field)
            elif line.startswith("R") and len(head) == 3:
                arg1, arg2 = (arg.partition(":")[2] for arg in head[1:])
                relations.append(BratRelation(fields[0], head[0], arg1, arg2))
            elif line.startswith("N") and len(head) == 3:
                source, _, identifier = head[2].partition(":")
                if identifier and identifier.upper() != "NULL":
                    links[head[1]] = f"{source}:{identifier}"
        except ValueError:
            continue
    return BratDoc(ann.stem, text, entities, tuple(relations), links)


def read_brat_folder(folder: str | Path, limit: int | None = None) -> list[BratDoc]:
    """Every `.ann` + `.txt` pair of a folder, by file name."""
    anns = sorted(Path(folder).glob("*.ann"))
    if not anns:
        raise FileNotFoundError(f"no brat .ann/.txt pairs in {folder}")
    return [read_brat(ann) for ann in anns[:limit]]


# --- gold entities -------------------------------------------------------------------------------

WORD = re.compile(r"\w+(?:-\w+)*")


def words_of(text: str) -> list[str]:
    return WORD.findall(text)


def same_words(a: Sequence[str], b: Sequence[str]) -> bool:
    """The same words up to inflection: each pair shares a lowercased form or normal form."""
    return len(a) == len(b) > 0 and all(
        word_forms(x) & word_forms(y) for x, y in zip(a, b, strict=True)
    )


class _UnionFind:
    def __init__(self, items: Iterable[str]):
        self.parent = {item: item for item in items}

    def find(self, item: str) -> str:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        if a in self.parent and b in self.parent:
            ra, rb = self.find(a), self.find(b)
            if ra != rb:
                self.parent[max(ra, rb)] = min(ra, rb)


def cluster_entities(doc: BratDoc, types: Collection[str]) -> dict[str, str]:
    """Entity (mention) id → cluster id for the mentions of the given types; see the module
    docstring for the rules."""
    ids = [e.id for e in doc.entities.values() if e.type in types]
    clusters = _UnionFind(ids)
    words = {i: words_of(doc.entities[i].text) for i in ids}
    by_link: dict[tuple[str, str], str] = {}
    for i in ids:
        link = doc.links.get(i)
        if link is not None:
            key = (doc.entities[i].type, link)
            clusters.union(by_link.setdefault(key, i), i)
    for n, a in enumerate(ids):
        for b in ids[n + 1 :]:
            if doc.entities[a].type == doc.entities[b].type and same_words(words[a], words[b]):
                clusters.union(a, b)
    for relation in doc.relations:
        if relation.type in ALIAS_RELATIONS:
            clusters.union(relation.arg1, relation.arg2)
    persons = [i for i in ids if doc.entities[i].type == "PERSON"]
    for i in persons:
        if len(words[i]) != 1:
            continue
        owners = {
            clusters.find(j)
            for j in persons
            if len(words[j]) > 1 and same_words(words[i], words[j][-1:])
        }
        if len(owners) == 1:
            clusters.union(i, owners.pop())
    return {i: clusters.find(i) for i in ids}


def cluster_spans(doc: BratDoc, cluster_of: dict[str, str]) -> dict[str, Spans]:
    """Cluster id → the character ranges of all its mentions."""
    spans: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for entity_id, cluster in cluster_of.items():
        spans[cluster].update(doc.entities[entity_id].ranges)
    return {cluster: frozenset(ranges) for cluster, ranges in spans.items()}


# --- our side ------------------------------------------------------------------------------------


def relations_of(doc: Doc, kinds: Collection[str] | None = None) -> list[dict]:
    """The relation rows the relations stage put on the Doc (none before the stage runs)."""
    if not Doc.has_extension("relations"):
        return []
    rows = doc._.relations or []
    return [row for row in rows if kinds is None or row.get("relation") in kinds]


def entity_spans(
    doc: Doc,
    entity_id: int | None,
    name: str | None = None,
    start: int | None = None,
    end: int | None = None,
) -> Spans:
    """Where an entity of a relation row is mentioned: its mentions in doc.spans["mentions"]
    (titles left out). A row without an entity id (or one with no mention) falls back to the
    places where its name occurs, case-folded, inside [start, end) (the evidence sentence)."""
    found: set[tuple[int, int]] = set()
    if entity_id is not None:
        for mention in doc.spans.get(MENTIONS_KEY, []):
            if mention._.entity_id == entity_id and mention._.kind not in REFERENCE_EXCLUDED_KINDS:
                found.add((mention.start_char, mention.end_char))
    if not found and name:
        start = 0 if start is None else start
        end = len(doc.text) if end is None else end
        haystack, needle = fold(doc.text[start:end]), fold(name)
        at = haystack.find(needle)
        while at >= 0 and needle:
            found.add((start + at, start + at + len(needle)))
            at = haystack.find(needle, at + 1)
    return frozenset(found)


def row_spans(doc: Doc, row: dict, role: str) -> Spans:
    """entity_spans of a row's "subject" or "object"."""
    return entity_spans(doc, row.get(f"{role}_id"), row.get(role), row.get("start"), row.get("end"))


def overlap(a: Iterable[tuple[int, int]], b: Iterable[tuple[int, int]]) -> bool:
    """Some range of a overlaps some range of b."""
    b = list(b)
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


# --- posts ---------------------------------------------------------------------------------------


def head_index(words: Sequence[str]) -> int:
    """The head of a post phrase: its first noun that cannot be read as an adjective
    ("генерального директора" → 1, "главного тренера" → 1 although pymorphy knows a noun
    "главное", "заместитель министра" → 0); else the first word pymorphy reads as a noun first
    ("учёный"); else the last word."""
    parses = [word_parses(fold(word)) for word in words]
    for index, options in enumerate(parses):
        tags = {parse.tag.POS for parse in options}
        if "NOUN" in tags and not tags & ADJECTIVE_POS:
            return index
    for index, options in enumerate(parses):
        if options and options[0].tag.POS == "NOUN":
            return index
    return len(words) - 1


def head_lemma(text: str) -> str:
    """Normal form of the head noun of a post phrase ("" for a phrase without words)."""
    words = words_of(text)
    if not words:
        return ""
    word = fold(words[head_index(words)])
    parses = word_parses(word)
    return fold(parses[0].normal_form) if parses else word


def _contains(longer: Sequence[str], shorter: Sequence[str], at: int) -> bool:
    """`shorter` is a run of `longer`'s words with its word `at` on the head of `longer`."""
    offset = head_index(longer) - at
    if offset < 0 or offset + len(shorter) > len(longer):
        return False
    return all(
        word_forms(x) & word_forms(y)
        for x, y in zip(longer[offset : offset + len(shorter)], shorter, strict=True)
    )


def posts_match(ours: str, gold: str) -> bool:
    """Same head noun, and one phrase contains the other around it, up to inflection."""
    a, b = words_of(ours), words_of(gold)
    if not a or not b:
        return False
    longer, shorter = (a, b) if len(a) >= len(b) else (b, a)
    return _contains(longer, shorter, head_index(shorter))


# --- matching ------------------------------------------------------------------------------------


def max_matching(
    n_left: int, n_right: int, compatible: Callable[[int, int], bool]
) -> list[tuple[int, int]]:
    """A maximum one-to-one matching of left to right items (Kuhn's augmenting paths)."""
    edges = [[j for j in range(n_right) if compatible(i, j)] for i in range(n_left)]
    owner = [-1] * n_right

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                if owner[j] < 0 or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(n_left):
        augment(i, set())
    return sorted((i, j) for j, i in enumerate(owner) if i >= 0)


# --- NEREL gold and predicted pairs --------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """A (person, post) or (person, workplace) pair of one document. `person` and `place` are
    the character ranges of the entities' mentions; `posts` the post phrases (alternatives)."""

    doc_id: str
    kind: str  # WORKS_AS or WORKPLACE
    person: Spans
    place: Spans = frozenset()
    posts: tuple[str, ...] = ()
    label: str = ""  # for reading: "Хорняк — тренер"


def gold_pairs(doc: BratDoc) -> list[Pair]:
    """The document's gold WORKS_AS and WORKPLACE pairs, once per entity pair."""
    cluster_of = cluster_entities(doc, {"PERSON", *WORKPLACE_TYPES})
    spans = cluster_spans(doc, cluster_of)
    entities = doc.entities
    works_as: dict[tuple[str, str], list[str]] = defaultdict(list)
    professions_of: dict[str, list[str]] = defaultdict(list)  # profession id → person clusters
    workplaces: dict[tuple[str, str], str] = {}
    for r in doc.relations:
        if r.arg1 not in entities or r.arg2 not in entities:
            continue
        arg1, arg2 = entities[r.arg1], entities[r.arg2]
        if r.type == WORKS_AS and arg1.type == "PERSON" and arg2.type == "PROFESSION":
            person = cluster_of[arg1.id]
            works_as[(person, head_lemma(arg2.text))].append(arg2.text)
            professions_of[arg2.id].append(person)
    for r in doc.relations:
        if r.type != WORKPLACE or r.arg1 not in entities or r.arg2 not in entities:
            continue
        arg1, arg2 = entities[r.arg1], entities[r.arg2]
        if arg2.type not in WORKPLACE_TYPES:
            continue
        if arg1.type == "PERSON":
            persons = [cluster_of[arg1.id]]
        elif arg1.type == "PROFESSION":
            persons = professions_of.get(arg1.id, [])
        else:
            persons = []
        for person in persons:
            workplaces.setdefault((person, cluster_of[arg2.id]), arg2.text)
    names: dict[str, str] = {}  # cluster → the text of its first mention
    for e in entities.values():
        if e.id in cluster_of:
            names.setdefault(cluster_of[e.id], e.text)
    pairs = [
        Pair(
            doc.doc_id,
            WORKS_AS,
            spans[person],
            posts=tuple(dict.fromkeys(texts)),
            label=f"{names[person]} — {texts[0]}",
        )
        for (person, _), texts in works_as.items()
    ]
    pairs += [
        Pair(doc.doc_id, WORKPLACE, spans[person], spans[place], label=f"{names[person]} — {text}")
        for (person, place), text in workplaces.items()
    ]
    return pairs


def predicted_pairs(doc: Doc, doc_id: str = "") -> list[Pair]:
    """Our holds_position rows as pairs, once per (subject, post head) and (subject, object)."""
    works_as: dict[tuple, Pair] = {}
    workplaces: dict[tuple, Pair] = {}
    for row in relations_of(doc, {HOLDS_POSITION}):
        person = row_spans(doc, row, "subject")
        subject = row.get("subject_id") if row.get("subject_id") is not None else row.get("subject")
        post = row.get("attribute")
        if post:
            key = (subject, head_lemma(post))
            works_as.setdefault(
                key,
                Pair(doc_id, WORKS_AS, person, posts=(post,), label=f"{row['subject']} — {post}"),
            )
        if row.get("object_id") is not None or row.get("object"):
            obj = row.get("object_id") if row.get("object_id") is not None else row.get("object")
            workplaces.setdefault(
                (subject, obj),
                Pair(
                    doc_id,
                    WORKPLACE,
                    person,
                    row_spans(doc, row, "object"),
                    label=f"{row['subject']} — {row.get('object')}",
                ),
            )
    return [*works_as.values(), *workplaces.values()]


def pairs_match(predicted: Pair, gold: Pair) -> bool:
    if predicted.kind != gold.kind or not overlap(predicted.person, gold.person):
        return False
    if gold.kind == WORKS_AS:
        return any(posts_match(ours, theirs) for ours in predicted.posts for theirs in gold.posts)
    return overlap(predicted.place, gold.place)


@dataclass(frozen=True)
class PairResult:
    """The pairs of one document and which predicted pair matched which gold pair."""

    doc_id: str
    gold: tuple[Pair, ...]
    predicted: tuple[Pair, ...]
    matches: tuple[tuple[int, int], ...]  # (predicted index, gold index)


def match_pairs(doc_id: str, gold: Sequence[Pair], predicted: Sequence[Pair]) -> PairResult:
    matches = max_matching(
        len(predicted), len(gold), lambda i, j: pairs_match(predicted[i], gold[j])
    )
    return PairResult(doc_id, tuple(gold), tuple(predicted), tuple(matches))


def score_results(
    results: Iterable[PairResult], kinds: Sequence[str] = (WORKS_AS, WORKPLACE)
) -> list[Score]:
    """Counts per kind over all documents."""
    tp: defaultdict[str, int] = defaultdict(int)
    n_pred: defaultdict[str, int] = defaultdict(int)
    n_gold: defaultdict[str, int] = defaultdict(int)
    for result in results:
        for pair in result.gold:
            n_gold[pair.kind] += 1
        for pair in result.predicted:
            n_pred[pair.kind] += 1
        for i, _ in result.matches:
            tp[result.predicted[i].kind] += 1
    return [
        Score(kind, tp[kind], n_pred[kind] - tp[kind], n_gold[kind] - tp[kind]) for kind in kinds
    ]


def match_split(nlp: Language, folder: str | Path, limit: int | None = None) -> list[PairResult]:
    """Run the pipeline over a NEREL split and match every document's pairs."""
    gold_docs = read_brat_folder(folder, limit)
    docs = nlp.pipe(g.text for g in gold_docs)
    return [
        match_pairs(g.doc_id, gold_pairs(g), predicted_pairs(doc, g.doc_id))
        for g, doc in zip(gold_docs, docs, strict=True)
    ]


def evaluate(nlp: Language, folder: str | Path, limit: int | None = None) -> list[Score]:
    """P/R/F1 of holds_position on WORKS_AS (person, post) and WORKPLACE (person, org/state)
    pairs of a NEREL split folder, entity level per document."""
    return score_results(match_split(nlp, folder, limit))


def report(nlp: Language, folder: str | Path, limit: int | None = None) -> Report:
    return Report("nerel-relations", scores_frame(evaluate(nlp, folder, limit)))
