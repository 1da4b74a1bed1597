"""Fuzzing the full pipeline: random unicode, random bytes (through decoding) and adversarial
quote / dash / cue sequences. No exception may escape a stage, and every table's offsets must
lie within the text and point at the text the table stores."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import engine
from pipeline.io import InputError, decode
from pipeline.tables import TABLES, doc_rows, frame

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples every run: CI stays reproducible
)

PIECES = [
    *"«»„“”\"'‘’‚‹›",
    *"—–-―‒",
    *":;,.!?…()[]",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    "\u00a0",
    "сказал",
    "заявил",
    "отметил",
    "по словам",
    "по его словам",
    "как сообщил",
    "передает ТАСС",
    "что",
    "он",
    "она",
    "его",
    "Путин",
    "Владимир Путин",
    "Касым-Жомарт Токаев",
    "президент",
    "Президент Таджикистана",
    "глава государства",
    "Россия",
    "России",
    "Таджикистан",
    "США",
    "Москве",
    "подписали",
    "договор",
    "соглашение",
    "встретился",
    "посетил",
    "экспорт",
    "в",
    "на",
    "с",
    "2 млрд долларов",
    "2024",
    "Мы",
    "готовы",
    "Q",
    "x",
]
adversarial = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
unicode_text = st.text(max_size=300)
cyrillic_text = st.lists(
    st.characters(min_codepoint=0x400, max_codepoint=0x4FF) | st.sampled_from(PIECES),
    max_size=100,
).map("".join)


def check(tables: dict[str, pd.DataFrame], text: str) -> None:
    """Offsets within the text and text at the offsets equal to the stored text; ids hold."""
    documents = tables["documents"]
    assert documents["error"].isna().all(), documents["error"].tolist()
    assert documents["chars"].tolist() == [len(text)]
    for table, column in (("mentions", "text"), ("quotes", "text"), ("relations", "evidence")):
        for row in tables[table].to_dict(orient="records"):
            start, end = row["start"], row["end"]
            assert 0 <= start <= end <= len(text), (table, row, text)
            assert text[start:end] == row[column], (table, row, text)
            assert row["sentence_id"] >= 0
    entity_ids = set(tables["entities"]["entity_id"])
    assert set(tables["mentions"]["entity_id"].dropna()) <= entity_ids
    assert set(tables["quotes"]["speaker_id"].dropna()) <= entity_ids


def annotate(nlp, text: str) -> dict[str, pd.DataFrame]:
    """The full pipeline on one text, exceptions left to escape (the engine would turn them
    into error rows and hide them)."""
    rows = doc_rows(nlp(text), 0)
    return {table: frame(table, rows[table]) for table in TABLES}


@FUZZ
@given(text=unicode_text)
def test_random_unicode(nlp, text: str):
    check(annotate(nlp, text), text)


@FUZZ
@given(text=adversarial)
def test_adversarial_quotes_and_dashes(nlp, text: str):
    check(annotate(nlp, text), text)


@FUZZ
@given(
    data=st.binary(max_size=400) | cyrillic_text.map(lambda text: text.encode("cp1251", "ignore"))
)
def test_random_bytes_through_decoding(nlp, data: bytes):
    try:
        decoded = decode(data)
    except InputError:
        return  # empty or binary: an error row, by design
    check(annotate(nlp, decoded.text), decoded.text)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "news.txt"


@FUZZ
@given(text=adversarial | cyrillic_text, max_chars=st.integers(2, 120))
def test_sliced_texts_keep_offsets(nlp, scratch: Path, text: str, max_chars: int):
    """The file path of the engine with tiny slices: rows of many slices put back together."""
    scratch.write_text(text, encoding="utf-8", newline="")
    try:
        expected = decode(text.encode("utf-8")).text
    except InputError:
        return
    batch = engine.process_files([scratch], nlp, max_chars=max_chars)
    check(batch.tables, expected)
