"""corpus_entities: entity keys across the documents of a corpus."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import dataset

import pipeline
from pipeline import engine
from pipeline.corpus import COLUMNS, corpus_keys, full_names
from pipeline.io import read_table
from pipeline.tables import TABLES, entity_key

TEXTS = {
    "a": "Владимир Путин встретился с Си Цзиньпином в Пекине. Россия и Китай подписали соглашение.",
    "b": "Путин заявил, что переговоры с Китаем прошли успешно.",
    "c": "Иван Иванов и Петр Иванов приехали в Москву. Иванов сказал: «Мы довольны».",
}


@pytest.fixture(scope="module")
def tables(nlp) -> dict[str, pd.DataFrame]:
    docs = list(nlp.pipe(TEXTS.values()))
    for doc_id, doc in zip(TEXTS, docs, strict=True):
        doc._.doc_id = doc_id
    return pipeline.to_tables(docs)


@pytest.mark.parametrize(
    ("entity", "key"),
    [
        ({"type": "STATE", "name": "РФ", "code": "RUS"}, "STATE:RUS"),
        (
            {
                "type": "PERSON",
                "name": "Владимир Владимирович Путин",
                "first_name": "Владимир",
                "patronymic": "Владимирович",
                "last_name": "Путин",
            },
            "PERSON:Владимир Путин",
        ),
        (
            {"type": "PERSON", "name": "В. Путин", "first_name": "В.", "last_name": "Путин"},
            "PERSON:Путин",
        ),
        ({"type": "PERSON", "name": "Путин"}, "PERSON:Путин"),
        ({"type": "ORG", "name": "Газпром"}, "ORG:Газпром"),
        ({"type": "PLACE", "name": None}, None),
    ],
)
def test_entity_key(entity: dict, key: str | None):
    assert entity_key(entity) == key


def test_entities_carry_their_key_last(tables):
    entities = tables["entities"]
    assert list(entities.columns)[-1] == "key"
    assert "PERSON:Владимир Путин" in set(entities["key"]) and "STATE:CHN" in set(entities["key"])


def test_a_surname_takes_the_one_full_name_of_the_corpus(tables):
    entities = pipeline.corpus(tables).set_index("key")
    assert list(entities.reset_index().columns) == COLUMNS
    putin = entities.loc["PERSON:Владимир Путин"]
    assert (putin["documents"], putin["mentions"], putin["quotes_as_speaker"]) == (2, 2, 1)
    assert putin["aliases"] == "Владимир Путин; Путин" and putin["relations"] >= 1
    assert "PERSON:Путин" not in entities.index
    assert entities.loc["STATE:CHN", ["documents", "code"]].tolist() == [2, "CHN"]


def test_a_surname_two_persons_share_stays_apart(tables):
    entities = pipeline.corpus(tables).set_index("key")
    assert {"PERSON:Иван Иванов", "PERSON:Петр Иванов", "PERSON:Иванов"} <= set(entities.index)
    assert entities.loc["PERSON:Иванов", "quotes_as_speaker"] == 1


def test_a_run_writes_corpus_entities_over_all_it_holds(nlp, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "_NLP", nlp)
    folder = tmp_path / "news"
    folder.mkdir()
    for doc_id, text in TEXTS.items():
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    pipeline.run([folder / "a.txt", folder / "c.txt"], out, chunk_chars=1)
    result = pipeline.run([folder / "b.txt"], out, chunk_chars=1)  # the earlier rows are kept
    written = pd.read_parquet(result.tables["corpus_entities"])
    done = {table: read_table(out, table, "parquet") for table in TABLES}
    pd.testing.assert_frame_equal(written, pipeline.corpus(done), check_dtype=False)
    assert written.set_index("key").loc["PERSON:Владимир Путин", "documents"] == 2


@pytest.mark.gold
def test_nerel_dev_corpus(nlp):
    """Surnames alone in one document join the full name of another; NEREL dev names Путин
    in full wherever he appears, so his key is checked to take every "Путин" there is."""
    paths = sorted(dataset("nerel/dev").glob("*.txt"))
    docs = list(nlp.pipe(path.read_text(encoding="utf-8") for path in paths))
    for path, doc in zip(paths, docs, strict=True):
        doc._.doc_id = path.name
    tables = pipeline.to_tables(docs)
    entities = tables["entities"]
    keys = corpus_keys(entities, full_names([entities]))
    joined = entities[keys != entities["key"]]
    assert len(joined) and joined["name"].str.fullmatch(r"\S+").all()
    assert (
        keys[entities["name"].isin(["Путин", "Владимир Путин"])] == "PERSON:Владимир Путин"
    ).all()
    persons = pipeline.corpus(tables).query("type == 'PERSON'")
    assert persons["name"].is_unique  # no two keys share one full person name
