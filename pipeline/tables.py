"""Docs → the contract's DataFrames (documents, entities, mentions, quotes, relations).

Column names and order are a contract that outside scripts read: see ../shared/DESIGN.md.
Every table is built from plain values on the Doc, so it works the same on docs that came back
from worker processes or from a DocBin.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
from spacy.tokens import Doc

from .linking import is_initial
from .schema import MENTIONS_KEY
from .tokenizer import sentence_ids

META_COLUMNS = ("title", "date", "source", "url")  # a dump row's metadata (null for text files)
COLUMNS: dict[str, list[str]] = {
    "documents": [
        "doc_id",
        "path",
        "chars",
        "sentences",
        "tokens",
        "error",
        "warning",
        "title",
        "date",
        "source",
        "url",
    ],
    # name parts of persons follow the columns of the design's contract
    "entities": [
        "doc_id",
        "entity_id",
        "type",
        "name",
        "code",
        "mentions",
        "position",
        "position_of",
        "first_name",
        "patronymic",
        "last_name",
        "key",
    ],
    "mentions": ["doc_id", "entity_id", "start", "end", "text", "type", "sentence_id", "kind"],
    "quotes": [
        "doc_id",
        "quote_id",
        "kind",
        "start",
        "end",
        "text",
        "speaker",
        "speaker_id",
        "speaker_text",
        "cue",
        "sentence_id",
        "via",
        "quote_group",
    ],
    "relations": [
        "doc_id",
        "relation_id",
        "relation",
        "subject",
        "subject_id",
        "subject_type",
        "object",
        "object_id",
        "object_type",
        "attribute",
        "value",
        "unit",
        "year",
        "sentence_id",
        "start",
        "end",
        "evidence",
        "status",
    ],
}
# The document's date is the last column of quotes and relations (a time series without a join),
# after whatever columns their stages' records carry.
DATED = ("quotes", "relations")
for _table in DATED:
    COLUMNS[_table].append("date")
DTYPES: dict[str, str] = {
    "doc_id": "string",
    "path": "string",
    "error": "string",
    "warning": "string",
    "title": "string",
    "date": "string",
    "source": "string",
    "url": "string",
    "key": "string",
    "type": "string",
    "name": "string",
    "code": "string",
    "position": "string",
    "position_of": "string",
    "first_name": "string",
    "patronymic": "string",
    "last_name": "string",
    "text": "string",
    "kind": "string",
    "speaker": "string",
    "speaker_text": "string",
    "cue": "string",
    "via": "string",
    "relation": "string",
    "subject": "string",
    "subject_type": "string",
    "object": "string",
    "object_type": "string",
    "attribute": "string",
    "unit": "string",
    "evidence": "string",
    "status": "string",
    "chars": "Int64",
    "sentences": "Int64",
    "tokens": "Int64",
    "entity_id": "Int64",
    "mentions": "Int64",
    "start": "Int64",
    "end": "Int64",
    "sentence_id": "Int64",
    "quote_id": "Int64",
    "speaker_id": "Int64",
    "quote_group": "Int64",
    "relation_id": "Int64",
    "subject_id": "Int64",
    "object_id": "Int64",
    "value": "Float64",
    "year": "Int64",
}
TABLES = tuple(COLUMNS)


def entities_of(doc: Doc) -> list[dict]:
    """The linking stage's entities, with the state the relation stage inferred for a leader's
    post where the text names none ("Президент Касым-Жомарт Токаев" → Казахстан)."""
    inferred = {row["entity_id"]: row["position_of"] for row in doc._.relation_positions}
    return [
        {**entity, "position_of": entity.get("position_of") or inferred.get(entity["id"])}
        for entity in doc._.entities
    ]


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """A DataFrame with exactly the contract's columns, in order, with stable dtypes."""
    columns = COLUMNS[table]
    data = pd.DataFrame.from_records(rows, columns=columns)
    return data.astype({column: DTYPES[column] for column in columns})


def doc_rows(doc: Doc, index: int) -> dict[str, list[dict]]:
    """All table rows of one document."""
    doc_id = doc._.doc_id or str(index)
    sentence_of = sentence_ids(doc)
    rows: dict[str, list[dict]] = {table: [] for table in TABLES}
    rows["documents"].append(
        {
            "doc_id": doc_id,
            "path": doc._.path,
            "chars": len(doc.text),
            "sentences": len(set(sentence_of.values())) if len(doc) else 0,
            "tokens": sum(not token.is_space for token in doc),
            "error": None,
            "warning": None,
            **dict.fromkeys(META_COLUMNS),
        }
    )
    for entity in entities_of(doc):
        rows["entities"].append(
            {
                "doc_id": doc_id,
                "entity_id": entity["id"],
                **{column: entity.get(column) for column in COLUMNS["entities"][2:]},
                "key": entity_key(entity),
            }
        )
    for mention in doc.spans.get(MENTIONS_KEY, []):
        rows["mentions"].append(
            {
                "doc_id": doc_id,
                "entity_id": mention._.entity_id,
                "start": mention.start_char,
                "end": mention.end_char,
                "text": mention.text,
                "type": mention.label_,
                "sentence_id": sentence_of[mention.start],
                "kind": mention._.kind,
            }
        )
    for layer in ("quotes", "relations"):
        rows[layer] = [{"doc_id": doc_id, **row} for row in getattr(doc._, layer)]
    return rows


def entity_key(entity: Mapping) -> str | None:
    """The same key for one real-world entity in every document of a corpus: "STATE:RUS" (the
    ISO code, whatever the name: "Россия", "РФ"), "PERSON:Владимир Путин" (first and last name;
    "Владимир Владимирович Путин" has the same key), else type and canonical name
    ("ORG:Газпром"; an organisation by its gazetteer name, "ORG:Европейский союз", whether the
    text says "ЕС" or "Евросоюз"). A person without a full first name ("Путин", "В. Путин") gets
    "PERSON:Путин"; `pipeline.corpus` gives it the full name's key when the corpus has exactly
    one person of that surname."""
    kind, name = entity.get("type"), entity.get("name")
    if not kind or not name:
        return None
    if kind == "STATE" and entity.get("code"):
        return f"STATE:{entity['code']}"
    if kind == "PERSON" and entity.get("last_name"):
        first = entity.get("first_name")
        full = first and not is_initial(first)
        return f"PERSON:{first} {entity['last_name']}" if full else f"PERSON:{entity['last_name']}"
    return f"{kind}:{entity.get('canonical') or name}"


def to_tables(docs: Iterable[Doc]) -> dict[str, pd.DataFrame]:
    """The five tables of the output contract for these docs."""
    rows: dict[str, list[dict]] = {table: [] for table in TABLES}
    for index, doc in enumerate(docs):
        for table, table_rows in doc_rows(doc, index).items():
            rows[table].extend(table_rows)
    return {table: frame(table, rows[table]) for table in TABLES}


def error_row(doc_id: str, path: str | None, error: str) -> dict:
    """The documents row of a file that could not be processed."""
    return {
        "doc_id": doc_id,
        "path": path,
        "chars": None,
        "sentences": None,
        "tokens": None,
        "error": error,
        "warning": None,
        **dict.fromkeys(META_COLUMNS),
    }
