"""factRuEval-2016 → within-document entity identification (coreference) scores.

Which mentions of a document name the same entity? Gold comes from two layers: the mentions are
the scored objects of `.objects` as `factru.read_document` reads them (Person, Org, Location,
LocOrg objects that have a naming span; extent = all of the object's spans, quotes balanced, so
"ОАО «Газпром»" is one mention), and their clusters come from `.coref`, whose blocks start with
a line `coref_id obj_id obj_id ...` followed by `key value` lines (name, firstname, descriptor,
wikidata...). An object missing from every block is a singleton. Unnamed objects ("компания",
a lone "российский"), which factru.py does not score, are not mentions here either.

System mentions are all of `doc.spans["mentions"]`, whatever their kind (name, adjective,
descriptor, title, pronoun), and `span._.entity_id` is their cluster; a mention without an id is
a cluster of its own.

Alignment (one-to-one, per document): first every gold mention whose extent equals a system
mention's takes it, whatever the types; then, among the remaining pairs where one span lies
inside the other, the pair with the largest character overlap is taken first (ties: the shorter
system span, then the shorter gold span, then text order), greedily, each mention used at most
once. An overlap pair must also be compatible: the same coarse type (Person~PERSON, Org~ORG,
Location/LocOrg~STATE/PLACE), the system mention not an adjective, and overlapping one of the
gold mention's naming spans. Without that, a nested mention of another entity stands in for
the gold one and counts as a wrong merge: the STATE "американском" for the Org "американском
отделении Bank of East Asia", the title "глава японского МИДа" (a PERSON) for the Org
"японского МИДа", the PLACE "Ливерпуле" for the gold object "городах ... Бристоле" whose spans
are discontinuous (its extent runs from "крупных британских городах" to "Бристоле").

A gold mention left unaligned becomes a singleton of the system clustering, so a missed mention
costs recall (and a lot of it when its gold entity is big); a system mention left unaligned is
ignored. The metrics are therefore computed on the gold mentions only, the usual choice when
mention detection is scored on its own (factru.py): this score isolates the linking decisions
and never charges a system mention the gold lacks (pronouns, titles, unannotated names).

Metrics, micro-averaged over the whole split (numerators and denominators summed over
documents), all on the gold mentions with the system clustering restricted to them:
- B³ (Bagga & Baldwin 1998), mention-weighted: per mention, the share of its system cluster
  that is in its gold cluster (precision) and of its gold cluster that is in its system cluster
  (recall), averaged over all gold mentions of the split. The headline figure.
- MUC (Vilain et al. 1995): links; blind to singletons.
- pairwise: precision/recall of coreferent mention pairs (links of the transitive closure).
- CEAF-e (Luo 2005): entity-level, φ4 similarity, optimal one-to-one entity matching.

Not the 2016 shared task's own track-2 measure, which matched whole entities and their attribute
values (names, descriptors); we do not reproduce it. For context only: the best track-2 F1 of
2016 was 0.798 (0.8126 in the scorer's lenient `-m` mode), on the test set. Our figure is B³
over gold mentions and is not comparable with it.

    ru-news evaluate coref --data ../shared/datasets/factrueval2016/devset [--limit N]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path

import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.schema import MENTIONS_KEY

from .factru import LABEL_MAP, GoldDoc, balance_quotes, read_split
from .scorer import Report

METRICS = ("b3", "muc", "pairwise", "ceaf_e")
Clusters = Sequence[Collection[Hashable]]


# --- scores ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CorefScore:
    """One metric as numerators and denominators, so that documents add up (micro average)."""

    metric: str
    precision_num: float = 0.0
    precision_den: float = 0.0
    recall_num: float = 0.0
    recall_den: float = 0.0

    @property
    def precision(self) -> float:
        return self.precision_num / self.precision_den if self.precision_den else 0.0

    @property
    def recall(self) -> float:
        return self.recall_num / self.recall_den if self.recall_den else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: CorefScore) -> CorefScore:
        if other.metric != self.metric:
            raise ValueError(f"cannot add {other.metric} to {self.metric}")
        return CorefScore(
            self.metric,
            self.precision_num + other.precision_num,
            self.precision_den + other.precision_den,
            self.recall_num + other.recall_num,
            self.recall_den + other.recall_den,
        )


def _cluster_of(clusters: Clusters) -> dict[Hashable, int]:
    owner: dict[Hashable, int] = {}
    for index, cluster in enumerate(clusters):
        for mention in cluster:
            if mention in owner:
                raise ValueError(f"mention {mention!r} is in two clusters")
            owner[mention] = index
    return owner


def _same_mentions(gold: Clusters, system: Clusters) -> tuple[list[set], list[set]]:
    gold_sets = [set(c) for c in gold if c]
    system_sets = [set(c) for c in system if c]
    _cluster_of(gold_sets)  # raises when a mention is in two clusters
    _cluster_of(system_sets)
    if set().union(*gold_sets) != set().union(*system_sets):
        raise ValueError("gold and system clusterings must cover the same mentions")
    return gold_sets, system_sets


def b_cubed(gold: Clusters, system: Clusters) -> CorefScore:
    """B³ (Bagga & Baldwin 1998), every mention weighted equally; both clusterings must
    partition the same mentions. Numerators are sums of per-mention values, denominators the
    mention count."""
    gold_sets, system_sets = _same_mentions(gold, system)
    system_of = {m: cluster for cluster in system_sets for m in cluster}
    precision = recall = 0.0
    for cluster in gold_sets:
        for mention in cluster:
            common = len(cluster & system_of[mention])
            precision += common / len(system_of[mention])
            recall += common / len(cluster)
    n = sum(len(c) for c in gold_sets)
    return CorefScore("b3", precision, n, recall, n)


def _muc_side(keys: list[set], response: list[set]) -> tuple[int, int]:
    owner = _cluster_of(response)
    num = den = 0
    for cluster in keys:
        parts = {owner.get(m, ("alone", m)) for m in cluster}
        num += len(cluster) - len(parts)
        den += len(cluster) - 1
    return num, den


def muc(gold: Clusters, system: Clusters) -> CorefScore:
    """MUC (Vilain et al. 1995): recall = Σ(|G| − |partitions of G by S|) / Σ(|G| − 1),
    precision the same with the roles swapped. Singletons count for nothing."""
    gold_sets, system_sets = _same_mentions(gold, system)
    r_num, r_den = _muc_side(gold_sets, system_sets)
    p_num, p_den = _muc_side(system_sets, gold_sets)
    return CorefScore("muc", p_num, p_den, r_num, r_den)


def _pairs(clusters: list[set]) -> set[frozenset]:
    return {frozenset(pair) for c in clusters for pair in combinations(c, 2)}


def pairwise(gold: Clusters, system: Clusters) -> CorefScore:
    """Precision and recall of coreferent mention pairs (every pair within a cluster)."""
    gold_sets, system_sets = _same_mentions(gold, system)
    gold_pairs, system_pairs = _pairs(gold_sets), _pairs(system_sets)
    common = len(gold_pairs & system_pairs)
    return CorefScore("pairwise", common, len(system_pairs), common, len(gold_pairs))


def max_assignment(weights: Sequence[Sequence[float]]) -> float:
    """The largest total weight of a one-to-one matching of rows to columns (Hungarian
    algorithm, O(n²m)); weights must be non-negative."""
    if not weights or not weights[0]:
        return 0.0
    if len(weights) > len(weights[0]):
        weights = [list(column) for column in zip(*weights, strict=True)]
    n, m = len(weights), len(weights[0])
    inf = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    match, way = [0] * (m + 1), [0] * (m + 1)  # match[j]: row (1-based) on column j
    for row in range(1, n + 1):
        match[0], column = row, 0
        lowest, used = [inf] * (m + 1), [False] * (m + 1)
        while match[column]:
            used[column] = True
            current, delta, nxt = match[column], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    reduced = -weights[current - 1][j - 1] - u[current] - v[j]
                    if reduced < lowest[j]:
                        lowest[j], way[j] = reduced, column
                    if lowest[j] < delta:
                        delta, nxt = lowest[j], j
            for j in range(m + 1):
                if used[j]:
                    u[match[j]] += delta
                    v[j] -= delta
                else:
                    lowest[j] -= delta
            column = nxt
        while column:
            previous = way[column]
            match[column] = match[previous]
            column = previous
    return sum(weights[match[j] - 1][j - 1] for j in range(1, m + 1) if match[j])


def ceaf_e(gold: Clusters, system: Clusters) -> CorefScore:
    """Entity-based CEAF (Luo 2005): φ4(G, S) = 2|G∩S| / (|G|+|S|), summed over the best
    one-to-one matching of entities; precision divides by the system entity count, recall by
    the gold one."""
    gold_sets, system_sets = _same_mentions(gold, system)
    weights = [[2 * len(g & s) / (len(g) + len(s)) for s in system_sets] for g in gold_sets]
    total = max_assignment(weights)
    return CorefScore("ceaf_e", total, len(system_sets), total, len(gold_sets))


SCORERS = {"b3": b_cubed, "muc": muc, "pairwise": pairwise, "ceaf_e": ceaf_e}


def score_clusters(gold: Clusters, system: Clusters) -> dict[str, CorefScore]:
    """Every metric for one document (or one toy example)."""
    return {name: scorer(gold, system) for name, scorer in SCORERS.items()}


def scores_frame(scores: Mapping[str, CorefScore] | Iterable[CorefScore]) -> pd.DataFrame:
    """Scores as a table: metric, precision, recall, f1."""
    items = scores.values() if isinstance(scores, Mapping) else scores
    return pd.DataFrame(
        [
            {
                "metric": s.metric,
                "precision": round(s.precision, 3),
                "recall": round(s.recall, 3),
                "f1": round(s.f1, 3),
            }
            for s in items
        ],
        columns=["metric", "precision", "recall", "f1"],
    )


# --- gold ----------------------------------------------------------------------------------------


def read_coref(path: str | Path) -> dict[str, str]:
    """`.coref`: object id → coref id. A block opens with a line of numbers only
    (`coref_id obj_id obj_id ...`); its `key value` lines are skipped. A missing file is an
    empty mapping (every object a singleton)."""
    path = Path(path)
    owner: dict[str, str] = {}
    if not path.exists():
        return owner
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if len(fields) >= 2 and all(field.isdigit() for field in fields):
            coref_id, *object_ids = fields
            for object_id in object_ids:
                owner.setdefault(object_id, coref_id)
    return owner


def read_gold(folder: str | Path, limit: int | None = None) -> list[tuple[GoldDoc, dict[str, str]]]:
    """The documents of a split (factru.read_split) with their object → coref id maps."""
    folder = Path(folder)
    gold_docs = read_split(folder)[:limit]
    return [(gold, read_coref(folder / f"{gold.doc_id}.coref")) for gold in gold_docs]


# --- alignment -----------------------------------------------------------------------------------


def align(
    gold: Sequence[tuple[int, int]],
    system: Sequence[tuple[int, int]],
    compatible: Callable[[int, int], bool] | None = None,
) -> dict[int, int]:
    """Gold index → system index, one-to-one. Exact (start, end) matches first; then pairs where
    one span contains the other and `compatible(gold index, system index)` holds (always, when
    None), largest character overlap first, ties to the shorter system span, then the shorter
    gold span, then text order."""
    aligned: dict[int, int] = {}
    used: set[int] = set()
    exact: dict[tuple[int, int], list[int]] = defaultdict(list)
    for j, span in enumerate(system):
        exact[span].append(j)
    for i, span in enumerate(gold):
        free = [j for j in exact.get(span, []) if j not in used]
        if free:
            aligned[i] = free[0]
            used.add(free[0])
    candidates = []
    for i, (g_start, g_end) in enumerate(gold):
        if i in aligned:
            continue
        for j, (s_start, s_end) in enumerate(system):
            if j in used:
                continue
            inside = g_start <= s_start and s_end <= g_end
            around = s_start <= g_start and g_end <= s_end
            overlap = min(g_end, s_end) - max(g_start, s_start)
            if (inside or around) and overlap > 0 and (compatible is None or compatible(i, j)):
                candidates.append((-overlap, s_end - s_start, g_end - g_start, i, j))
    for *_, i, j in sorted(candidates):
        if i not in aligned and j not in used:
            aligned[i] = j
            used.add(j)
    return aligned


@dataclass(frozen=True)
class AlignedMention:
    """A gold mention with its gold entity and the system mention and entity it aligned to."""

    doc_id: str
    object_id: str
    object_type: str  # Person, Org, Location, LocOrg
    start: int
    end: int
    text: str
    gold_entity: str  # coref id, or "obj<id>" for an object in no coref block
    system_entity: str  # "e<entity_id>", or "gold<object_id>" when unaligned (a singleton)
    match: str  # exact, overlap, none
    system_start: int | None = None
    system_end: int | None = None
    system_text: str | None = None
    system_label: str | None = None
    system_kind: str | None = None


def align_document(gold: GoldDoc, coref: Mapping[str, str], doc: Doc) -> list[AlignedMention]:
    """The gold mentions of one document aligned to the mentions of our Doc. A gold object with
    the same extent and entity as an earlier one (the corpus sometimes marks a span twice, as
    Location and Org) is left out: it is the same mention."""
    mentions, extents, seen = [], [], set()
    for mention in gold.mentions:
        extent = balance_quotes(
            gold.text, *(mention.extent("full") or (mention.start, mention.end))
        )
        key = (*extent, coref.get(mention.object_id, f"obj{mention.object_id}"))
        if key not in seen:
            seen.add(key)
            mentions.append(mention)
            extents.append(extent)
    system = list(doc.spans.get(MENTIONS_KEY, []))

    def compatible(i: int, j: int) -> bool:
        mention, span = mentions[i], system[j]
        return (
            LABEL_MAP.get(span.label_) == mention.label
            and span._.kind != "adjective"
            and any(s.start < span.end_char and span.start_char < s.end for s in mention.name_spans)
        )

    alignment = align(extents, [(s.start_char, s.end_char) for s in system], compatible)
    aligned = []
    for i, (mention, (start, end)) in enumerate(zip(mentions, extents, strict=True)):
        gold_entity = coref.get(mention.object_id, f"obj{mention.object_id}")
        unaligned = AlignedMention(
            doc_id=gold.doc_id,
            object_id=mention.object_id,
            object_type=mention.object_type,
            start=start,
            end=end,
            text=gold.text[start:end],
            gold_entity=gold_entity,
            system_entity=f"gold{mention.object_id}",
            match="none",
        )
        if i not in alignment:
            aligned.append(unaligned)
            continue
        span = system[alignment[i]]
        entity_id = span._.entity_id
        aligned.append(
            replace(
                unaligned,
                system_entity=f"e{entity_id}" if entity_id is not None else f"span{alignment[i]}",
                match="exact" if (span.start_char, span.end_char) == (start, end) else "overlap",
                system_start=span.start_char,
                system_end=span.end_char,
                system_text=span.text,
                system_label=span.label_,
                system_kind=span._.kind,
            )
        )
    return aligned


def clusterings(mentions: Sequence[AlignedMention]) -> tuple[list[list[str]], list[list[str]]]:
    """(gold clusters, system clusters) of one document's aligned gold mentions (object ids)."""
    gold: dict[str, list[str]] = defaultdict(list)
    system: dict[str, list[str]] = defaultdict(list)
    for m in mentions:
        gold[m.gold_entity].append(m.object_id)
        system[m.system_entity].append(m.object_id)
    return list(gold.values()), list(system.values())


def score_documents(documents: Iterable[Sequence[AlignedMention]]) -> dict[str, CorefScore]:
    """Every metric, micro-averaged over documents."""
    totals = {name: CorefScore(name) for name in METRICS}
    for mentions in documents:
        for name, score in score_clusters(*clusterings(mentions)).items():
            totals[name] = totals[name] + score
    return totals


def aligned_split(
    nlp: Language, folder: str | Path, limit: int | None = None
) -> list[list[AlignedMention]]:
    """Run the pipeline over a split and align every document's gold mentions."""
    gold = read_gold(folder, limit)
    docs = nlp.pipe(g.text for g, _ in gold)
    return [align_document(g, coref, doc) for (g, coref), doc in zip(gold, docs, strict=True)]


def evaluate(nlp: Language, folder: str | Path, limit: int | None = None) -> dict[str, CorefScore]:
    """B³ (headline), MUC, pairwise and CEAF-e on a factRuEval-2016 split folder, over the gold
    mentions (see the module docstring for the alignment)."""
    return score_documents(aligned_split(nlp, folder, limit))


def report(nlp: Language, folder: str | Path, limit: int | None = None) -> Report:
    return Report("factru-coref", scores_frame(evaluate(nlp, folder, limit)))
