"""RuRED2 (brat, economic news) → recall of our trade relations on country-to-country trade links.

Gold: RuRED2's only relation between two countries that is about trade is SELLS_TO (seller →
buyer: "Россия поставляет газ Украине"); BUYS and SELLS go from a buyer or seller to a product
or commodity, COSTS from a product to a price, INVESTS to an investment programme, and the
schema has no BUYS_FROM. So the gold links are the SELLS_TO relations whose two arguments are
both COUNTRY mentions (150 relations in 71 of the 527 documents), taken as unordered pairs of
countries, once per document. RuRED2 marks country adjectives as COUNTRY too ("российский газ"),
so the gold mentions of one country are grouped by the ISO code our state gazetteer gives them
("России", "РФ", "российского" → RUS), else by the same words up to inflection, ALTERNATIVE_NAME
and ABBREVIATION (nerel_relations.cluster_entities).

Ours: the rows of doc._.relations whose relation is trade_target or a deal of trade (supply,
export, import, sale, purchase: "Россия поставляет газ Украине" → deal Россия → Украина,
поставка). A gold pair is found when some row's subject and object are its two countries, in
either order: one of our mentions of the entity (doc.spans["mentions"] with its id, titles left
out) overlaps one of the country's gold mentions.

Caveats, to read the numbers right:
- RuRED2 annotates trade that happens or happened (supplies, exports, debts for gas), and
  trade_target is a *planned* volume of trade ("довести товарооборот до 10 млрд долларов"),
  which the pipeline must not report for past figures: only the trade deals can reach most of
  the gold. Recall here measures how much country-to-country trade talk our rows reach; it
  also tells whether the states of our trade rows are right.
- There is no precision: a trade row without a gold SELLS_TO pair is not an error (a planned
  volume, a purchase between companies). We report how many of our rows hit a gold pair of
  their document, a sanity check of the states we pick, with the same caveat.
- RuRED2 has no train/dev/test split: every document is scored. It carries no licence; keep it
  internal.

    ru-news evaluate rured --data ../shared/datasets/rured2/annotation_files [--limit N]
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.entities import RULE_FILES, EntityLexicons, EntityTyper
from pipeline.gazetteer import word_forms

from .nerel_relations import (
    BratDoc,
    cluster_entities,
    cluster_spans,
    overlap,
    read_brat_folder,
    relations_of,
    row_spans,
    words_of,
)
from .scorer import Report

GOLD_RELATIONS = ("SELLS_TO",)
COUNTRY_TYPES = ("COUNTRY",)
TRADE_RELATIONS = ("trade_target", "deal")
TRADE_DEALS = {"поставка", "экспорт", "импорт", "продажа", "покупка"}  # not loans, fines…


@cache
def installed_lexicons() -> EntityLexicons:
    """The entity stage's lexicons from the installed models/ (gold names need no pipeline)."""
    return EntityTyper("entities", True, True, RULE_FILES).lexicons()


def country_code(text: str) -> str | None:
    """ISO code of a country name or adjective ("России", "РФ", "российского" → RUS)."""
    words = words_of(text)
    if not words:
        return None
    lexicons = installed_lexicons()
    entry = lexicons.states.gazetteer.lookup(words)
    if entry is not None and entry.code:
        return entry.code
    if len(words) == 1:
        adjectives = lexicons.state_adjectives
        codes = {adjectives[form] for form in word_forms(words[0]) if form in adjectives}
        if len(codes) == 1:
            return codes.pop()
    return None


@dataclass(frozen=True)
class TradePair:
    """An unordered pair of countries of one document: their mentions' character ranges."""

    doc_id: str
    first: frozenset[tuple[int, int]]
    second: frozenset[tuple[int, int]]
    label: str = ""


def gold_pairs(
    doc: BratDoc,
    relations: Collection[str] = GOLD_RELATIONS,
    types: Collection[str] = COUNTRY_TYPES,
) -> list[TradePair]:
    """The document's country-to-country trade links, once per unordered pair of countries."""
    cluster_of = cluster_entities(doc, types)
    code_of: dict[str, str] = {}
    for entity_id, cluster in cluster_of.items():
        code = country_code(doc.entities[entity_id].text)
        if code is not None:
            code_of.setdefault(cluster, code)
    key = {entity_id: code_of.get(c, c) for entity_id, c in cluster_of.items()}
    spans = cluster_spans(doc, key)
    pairs: dict[frozenset[str], TradePair] = {}
    for r in doc.relations:
        if r.type not in relations or r.arg1 not in key or r.arg2 not in key:
            continue
        a, b = key[r.arg1], key[r.arg2]
        if a != b and frozenset((a, b)) not in pairs:
            label = f"{doc.entities[r.arg1].text} → {doc.entities[r.arg2].text}"
            pairs[frozenset((a, b))] = TradePair(doc.doc_id, spans[a], spans[b], label)
    return list(pairs.values())


def row_hits(doc: Doc, row: dict, pair: TradePair) -> bool:
    """The row's subject and object are the pair's two countries, in either order."""
    subject, obj = row_spans(doc, row, "subject"), row_spans(doc, row, "object")
    return (overlap(subject, pair.first) and overlap(obj, pair.second)) or (
        overlap(subject, pair.second) and overlap(obj, pair.first)
    )


@dataclass(frozen=True)
class TradeResult:
    """One document: gold pairs, our trade rows, which pairs were found, which rows hit."""

    doc_id: str
    gold: tuple[TradePair, ...]
    rows: tuple[dict, ...]
    found: tuple[bool, ...]  # per gold pair
    hits: tuple[bool, ...]  # per row


def match_document(
    doc: Doc, gold: Sequence[TradePair], doc_id: str = "", kinds: Collection[str] = TRADE_RELATIONS
) -> TradeResult:
    rows = [
        row
        for row in relations_of(doc, kinds)
        if row["relation"] != "deal" or row.get("attribute") in TRADE_DEALS
    ]
    table = [[row_hits(doc, row, pair) for pair in gold] for row in rows]
    found = tuple(any(line[j] for line in table) for j in range(len(gold)))
    hits = tuple(any(line) for line in table)
    return TradeResult(doc_id, tuple(gold), tuple(rows), found, hits)


@dataclass(frozen=True)
class TradeScore:
    documents: int = 0
    documents_with_gold: int = 0
    gold_pairs: int = 0
    found: int = 0
    rows: int = 0
    rows_hitting_gold: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.gold_pairs if self.gold_pairs else 0.0

    @property
    def hit_share(self) -> float:
        """Share of our trade rows whose countries are a gold pair of their document."""
        return self.rows_hitting_gold / self.rows if self.rows else 0.0


def score_results(results: Iterable[TradeResult]) -> TradeScore:
    results = list(results)
    return TradeScore(
        documents=len(results),
        documents_with_gold=sum(1 for r in results if r.gold),
        gold_pairs=sum(len(r.gold) for r in results),
        found=sum(sum(r.found) for r in results),
        rows=sum(len(r.rows) for r in results),
        rows_hitting_gold=sum(sum(r.hits) for r in results),
    )


def scores_frame(score: TradeScore) -> pd.DataFrame:
    """The score as a two-column table (measure, value)."""
    return pd.DataFrame(
        [
            ("documents", score.documents),
            ("documents with gold pairs", score.documents_with_gold),
            ("gold country pairs (SELLS_TO)", score.gold_pairs),
            ("found by our trade rows", score.found),
            ("recall", round(score.recall, 3)),
            ("our trade rows", score.rows),
            ("rows hitting a gold pair", score.rows_hitting_gold),
            ("share of rows hitting", round(score.hit_share, 3)),
        ],
        columns=["measure", "value"],
        dtype=object,
    )


def match_folder(nlp: Language, folder: str | Path, limit: int | None = None) -> list[TradeResult]:
    """Run the pipeline over the RuRED2 documents and match every document."""
    gold_docs = read_brat_folder(folder, limit)
    docs = nlp.pipe(g.text for g in gold_docs)
    return [
        match_document(doc, gold_pairs(g), g.doc_id) for g, doc in zip(gold_docs, docs, strict=True)
    ]


def evaluate(nlp: Language, folder: str | Path, limit: int | None = None) -> TradeScore:
    """Recall of trade rows (trade_target, trade deals) on RuRED2's country-to-country SELLS_TO
    pairs, plus how many of our rows hit one (see the module docstring for why that is no
    precision)."""
    return score_results(match_folder(nlp, folder, limit))


def report(nlp: Language, folder: str | Path, limit: int | None = None) -> Report:
    return Report("rured2", scores_frame(evaluate(nlp, folder, limit)))
