import pandas as pd
import pytest

import pipeline
from pipeline.tables import COLUMNS, TABLES, error_row, frame


@pytest.fixture(scope="module")
def tables(nlp):
    texts = ["Касым-Жомарт Токаев прибыл в Душанбе. Токаев встретился с Эмомали Рахмоном.", ""]
    docs = list(nlp.pipe(texts))
    docs[0]._.doc_id = "seed.txt"
    return texts, pipeline.to_tables(docs)


def test_every_table_has_the_contract_columns(tables):
    _, result = tables
    assert list(result) == list(TABLES)
    for name, table in result.items():
        assert list(table.columns) == COLUMNS[name]


def test_documents_row(tables):
    texts, result = tables
    documents = result["documents"]
    assert documents["doc_id"].tolist() == ["seed.txt", "1"]
    assert documents["chars"].tolist() == [len(texts[0]), 0]
    assert documents["sentences"].tolist() == [2, 0]
    assert documents["error"].isna().all()


def test_mentions_point_into_the_text(tables):
    texts, result = tables
    for row in result["mentions"].itertuples():
        assert texts[0][row.start : row.end] == row.text


def test_entities_count_their_mentions(tables):
    _, result = tables
    entities, mentions = result["entities"], result["mentions"]
    tokayev = entities[entities["name"] == "Касым-Жомарт Токаев"]
    assert len(tokayev) == 1
    assert (
        tokayev["mentions"].item() == (mentions["entity_id"] == tokayev["entity_id"].item()).sum()
    )
    assert set(entities["name"]) >= {"Эмомали Рахмон", "Душанбе"}
    assert entities.set_index("name").loc["Душанбе", "type"] == "PLACE"


def test_layers_without_rows_keep_their_columns(tables):
    _, result = tables
    assert result["quotes"].empty and list(result["quotes"].columns) == COLUMNS["quotes"]
    assert list(result["relations"].columns) == COLUMNS["relations"]


def test_error_row_fits_the_documents_table():
    table = frame("documents", [error_row("bad.txt", "/x/bad.txt", "empty file")])
    assert table["error"].tolist() == ["empty file"]
    assert pd.isna(table["chars"].item())
