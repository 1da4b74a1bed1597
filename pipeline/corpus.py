"""One corpus: the entities of many documents under keys that hold across documents.

`entities.key` (tables.entity_key) is the same for one real-world entity in every document:
"STATE:RUS", "PERSON:Владимир Путин", "ORG:Газпром". A person named only by surname in a
document ("Путин", "PERSON:Путин") is given the key of the one full-named person of that
surname in the corpus, when there is exactly one: two Ивановы leave "Иванов" on its own key.

`corpus_entities` sums each key over the corpus (documents, mentions, quotes as speaker,
relations) and lists the names it was seen under. It reads the tables part by part (a run's
shards: a document is never split between two) in two passes, the first only for the
full-named persons, so its memory is that of one part and of the keys.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping

import pandas as pd

from .linking import is_initial

COLUMNS = [
    "key",
    "type",
    "name",
    "code",
    "aliases",
    "documents",
    "mentions",
    "quotes_as_speaker",
    "relations",
]
DTYPES = {
    "key": "string",
    "type": "string",
    "name": "string",
    "code": "string",
    "aliases": "string",
    **dict.fromkeys(("documents", "mentions", "quotes_as_speaker", "relations"), "Int64"),
}
ALIAS_SEPARATOR = "; "
COUNTS = ("documents", "mentions", "quotes_as_speaker", "relations")

Tables = Mapping[str, pd.DataFrame]


def corpus(tables: Tables) -> pd.DataFrame:
    """The corpus_entities table of these tables (`to_tables(docs)`, `read_tables(out)`)."""
    return corpus_entities(lambda: [tables])


def corpus_entities(parts: Callable[[], Iterable[Tables]]) -> pd.DataFrame:
    """corpus_entities over the parts `parts()` yields (called twice), most documents first."""
    surnames = full_names(part["entities"] for part in parts())
    totals: dict[str, Counter] = defaultdict(Counter)
    names: dict[str, Counter] = defaultdict(Counter)
    aliases: dict[str, set[str]] = defaultdict(set)
    kinds: dict[str, tuple[str, str | None]] = {}
    for part in parts():
        entities = part["entities"].assign(corpus_key=corpus_keys(part["entities"], surnames))
        entities = entities[entities["corpus_key"].notna()]
        for group_key, rows in entities.groupby("corpus_key", sort=False):
            key = str(group_key)
            totals[key]["documents"] += rows["doc_id"].nunique()
            totals[key]["mentions"] += int(rows["mentions"].fillna(0).sum())
            aliases[key].update(rows["name"].dropna())
            names[key].update(rows.loc[rows["key"] == key, "name"].dropna())
            codes = rows["code"].dropna()
            kinds.setdefault(key, (rows["type"].iloc[0], codes.iloc[0] if len(codes) else None))
        for speaker, count in _speakers(part["quotes"], entities).items():
            totals[str(speaker)]["quotes_as_speaker"] += count
        for party, count in _parties(part["relations"], entities).items():
            totals[str(party)]["relations"] += count
    records = [
        {
            "key": key,
            "type": kinds[key][0],
            "name": (names[key] or Counter(aliases[key])).most_common(1)[0][0],
            "code": kinds[key][1],
            "aliases": ALIAS_SEPARATOR.join(sorted(aliases[key])),
            **{column: totals[key][column] for column in COUNTS},
        }
        for key in kinds
    ]
    table = pd.DataFrame.from_records(records, columns=COLUMNS).astype(DTYPES)
    order = ["documents", "mentions", "key"]
    return table.sort_values(order, ascending=[False, False, True], ignore_index=True)


def full_names(entity_parts: Iterable[pd.DataFrame]) -> dict[str, set[str]]:
    """Surname → keys of the persons with a full first name and that surname."""
    keys: dict[str, set[str]] = defaultdict(set)
    for entities in entity_parts:
        persons = entities[
            entities["type"].eq("PERSON")
            & entities["first_name"].notna()
            & entities["last_name"].notna()
        ]
        for first, last, key in persons[["first_name", "last_name", "key"]].itertuples(False):
            if not is_initial(first):
                keys[last].add(key)
    return keys


def corpus_keys(entities: pd.DataFrame, surnames: Mapping[str, set[str]]) -> pd.Series:
    """Each entity's key in the corpus: its own, or for a person known by surname only (a
    one-word name, whose role the linker cannot tell: "Путин"; or an initial: "В. Путин") the
    key of the one full-named person of that surname."""

    def resolved(key: str | None, name: str | None, last_name: str | None) -> str | None:
        surname = last_name or name
        if not surname or " " in surname or key != f"PERSON:{surname}":
            return key
        found = surnames.get(surname, set())
        return next(iter(found)) if len(found) == 1 else key

    columns = (_values(entities[column]) for column in ("key", "name", "last_name"))
    return pd.Series(
        [resolved(*row) for row in zip(*columns, strict=True)], dtype="string"
    ).set_axis(entities.index)


def _values(column: pd.Series) -> list:
    return [None if pd.isna(value) else value for value in column]


def _speakers(quotes: pd.DataFrame, entities: pd.DataFrame) -> pd.Series:
    keyed = quotes.merge(
        entities[["doc_id", "entity_id", "corpus_key"]],
        left_on=["doc_id", "speaker_id"],
        right_on=["doc_id", "entity_id"],
    )
    return keyed["corpus_key"].value_counts()


def _parties(relations: pd.DataFrame, entities: pd.DataFrame) -> pd.Series:
    """Relations per key, a relation counted once for a key that is both its parties."""
    index = entities[["doc_id", "entity_id", "corpus_key"]]
    sides = [
        relations.reset_index()
        .merge(index, left_on=["doc_id", column], right_on=["doc_id", "entity_id"])
        .loc[:, ["index", "corpus_key"]]
        for column in ("subject_id", "object_id")
    ]
    return pd.concat(sides).drop_duplicates()["corpus_key"].value_counts()
