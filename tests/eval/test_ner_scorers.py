"""Scorers: exact-span scoring, the NEREL brat reader, the factRuEval-2016 reader, and a floor on
the first documents of the real dev sets."""

from __future__ import annotations

import re

import pytest
from conftest import dataset

from ru_news_eval import factru, nerel
from ru_news_eval.scoring import ALL, Score, score_spans, scores_frame


def by_type(scores: list[Score]) -> dict[str, Score]:
    return {score.type: score for score in scores}


# --- scoring.score_spans -------------------------------------------------------------------


def test_exact_match_scores_one():
    gold = [("d", 0, 5, "PER"), ("d", 10, 15, "ORG")]
    scores = by_type(score_spans(gold, list(gold)))
    assert (scores["PER"].tp, scores["PER"].fp, scores["PER"].fn) == (1, 0, 0)
    assert scores[ALL].precision == scores[ALL].recall == scores[ALL].f1 == 1.0


def test_boundary_miss_is_one_false_positive_and_one_false_negative():
    scores = by_type(score_spans([("d", 0, 12, "PER")], [("d", 5, 12, "PER")]))
    assert (scores["PER"].tp, scores["PER"].fp, scores["PER"].fn) == (0, 1, 1)
    assert scores["PER"].f1 == 0.0


def test_type_confusion_counts_against_both_types():
    scores = by_type(score_spans([("d", 0, 6, "LOC")], [("d", 0, 6, "ORG")]))
    assert (scores["LOC"].fn, scores["ORG"].fp, scores[ALL].tp) == (1, 1, 0)


def test_duplicates_count_once():
    gold = [("d", 0, 5, "PER"), ("d", 0, 5, "PER")]
    predicted = [("d", 0, 5, "PER"), ("d", 0, 5, "PER"), ("d", 7, 9, "PER")]
    scores = by_type(score_spans(gold, predicted))
    assert (scores["PER"].tp, scores["PER"].fp, scores["PER"].fn) == (1, 1, 0)
    assert scores["PER"].precision == 0.5


def test_same_span_in_two_documents_is_two_items():
    scores = by_type(score_spans([("a", 0, 5, "PER"), ("b", 0, 5, "PER")], [("a", 0, 5, "PER")]))
    assert (scores["PER"].tp, scores["PER"].fn) == (1, 1)


def test_empty_inputs_give_zeros():
    assert score_spans([], []) == [Score(ALL, 0, 0, 0)]
    (only,) = score_spans([], [])
    assert only.precision == only.recall == only.f1 == 0.0
    fp_only = by_type(score_spans([], [("d", 0, 1, "ORG")]))
    assert fp_only["ORG"].precision == fp_only["ORG"].recall == fp_only["ORG"].f1 == 0.0
    frame = scores_frame(score_spans([("d", 0, 1, "ORG")], []))
    assert list(frame["type"]) == ["ORG", ALL] and frame["f1"].tolist() == [0.0, 0.0]


# --- NEREL reader ------------------------------------------------------------------------------

NEREL_ANN = "\n".join(
    [
        "T1\tORGANIZATION 0 11\tМИД России",
        "T2\tCOUNTRY 4 10\tРоссии",  # nested in T1
        "T3\tPERSON 13 28;30 35\tСергей Лавров и др",  # discontinuous: skipped
        "T4\tPROFESSION 40 47\tминистр",  # a type we do not map
        "R1\tWORKPLACE Arg1:T3 Arg2:T1",  # relation line
        "#1\tAnnotatorNotes T1\tnote",  # note line
        "T5",  # stray line with no tab
        "T6\tCITY 50 56\tМосква",
        "",
    ]
)


def test_nerel_read_ann(tmp_path):
    path = tmp_path / "001.ann"
    path.write_text(NEREL_ANN, encoding="utf-8")
    assert sorted(nerel.read_ann(path)) == [(0, 11, "ORG"), (4, 10, "STATE"), (50, 56, "PLACE")]


def test_nerel_read_split(tmp_path):
    (tmp_path / "001.ann").write_text(NEREL_ANN, encoding="utf-8")
    (tmp_path / "001.txt").write_text("x" * 60, encoding="utf-8")
    (doc,) = nerel.read_split(tmp_path)
    assert doc.doc_id == "001" and len(doc.spans) == 3
    with pytest.raises(FileNotFoundError):
        nerel.read_split(tmp_path / "empty")


# --- factRuEval-2016 reader --------------------------------------------------------------------

FACTRU_TEXT = (
    "Мэр Москвы Юрий Лужков посетил ОАО «Газпром». Российский министр прилетел в город Дацин.\n"
    "Правительство выделило средства проекту «Сколково»."
)


def _token_lines(text: str) -> list[tuple[int, int, int, str]]:
    """(id, start, length, text) for whitespace/punctuation-separated tokens, ids from 100."""
    return [
        (100 + i, m.start(), len(m.group()), m.group())
        for i, m in enumerate(re.finditer(r"\w+|[^\w\s]", text))
    ]


def write_factru_book(folder, doc_id: str = "book_1") -> None:
    text = FACTRU_TEXT
    tokens = _token_lines(text)
    by_text: dict[str, list[tuple[int, int, int, str]]] = {}
    for token in tokens:
        by_text.setdefault(token[3], []).append(token)

    def span(span_id, span_type, *words, start=None, length=None):
        toks = [by_text[word][0] for word in words]
        first, last = toks[0], toks[-1]
        start = first[1] if start is None else start
        length = last[1] + last[2] - first[1] if length is None else length
        ids = " ".join(str(t[0]) for t in toks)
        head = f"{span_id} {span_type} {start} {length} {first[0]} {len(toks)}"
        return f"{head}  # {ids} {' '.join(words)}"

    spans = [
        span(1, "job", "Мэр"),
        span(2, "loc_name", "Москвы"),
        span(3, "name", "Юрий"),
        span(4, "surname", "Лужков", start=5, length=6),  # wrong offsets: repaired from .tokens
        span(5, "org_descr", "ОАО"),
        span(6, "org_name", "Газпром"),
        span(7, "geo_adj", "Российский"),
        span(8, "loc_descr", "город"),
        span(9, "loc_name", "Дацин"),
        span(10, "org_descr", "Правительство"),
        span(11, "prj_name", "Сколково"),
        "12 surname 9999 4 999 1  # 999 Нету",  # outside the text, no such token: skipped
    ]
    objects = [
        "1 LocOrg 2 # Москвы",
        "2 Person 3 4 # Юрий Лужков",
        "3 Org 5 6 # ОАО Газпром",
        "4 LocOrg 7 # Российский",  # geo_adj only: unnamed, ignored
        "5 Location 8 9 # город Дацин",
        "6 Org 10 # Правительство",  # descriptor only: ignored
        "7 Project 11 # Сколково",  # not scored
        "8 Person 12 # Нету",  # its only span is skipped
    ]
    token_lines = [f"{i} {start} {length} {word}" for i, start, length, word in tokens]
    (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    (folder / f"{doc_id}.tokens").write_text("\n".join(token_lines) + "\n", encoding="utf-8")
    (folder / f"{doc_id}.spans").write_text("\n".join(spans) + "\n", encoding="utf-8")
    (folder / f"{doc_id}.objects").write_text("\n".join(objects) + "\n", encoding="utf-8")
    (folder / f"{doc_id}.coref").write_text("", encoding="utf-8")
    (folder / f"{doc_id}.facts").write_text("", encoding="utf-8")


def texts(doc: factru.GoldDoc, extent: factru.Extent) -> set[tuple[str, str]]:
    return {(doc.text[start:end], label) for start, end, label in doc.spans(extent)}


def test_factru_reader_full_extent(tmp_path):
    write_factru_book(tmp_path)
    (doc,) = factru.read_split(tmp_path)
    assert doc.doc_id == "book_1" and doc.text == FACTRU_TEXT
    assert texts(doc, "full") == {
        ("Москвы", "LOC"),
        ("Юрий Лужков", "PER"),
        ("ОАО «Газпром»", "ORG"),  # the closing quote, outside every span, is taken in
        ("город Дацин", "LOC"),
    }
    assert (doc.repaired_spans, doc.skipped_spans, doc.skipped_objects) == (1, 1, 1)
    ignored = {doc.text[start:end] for start, end in doc.ignored}
    assert ignored == {"Российский", "Правительство", "Сколково"}


def test_factru_reader_name_extent(tmp_path):
    write_factru_book(tmp_path)
    (doc,) = factru.read_split(tmp_path)
    assert texts(doc, "name") == {
        ("Москвы", "LOC"),
        ("Юрий Лужков", "PER"),
        ("Газпром", "ORG"),
        ("Дацин", "LOC"),
    }


def test_factru_split_order_and_missing(tmp_path):
    for doc_id in ("book_10", "book_9", "book_100"):
        write_factru_book(tmp_path, doc_id)
    assert [doc.doc_id for doc in factru.read_split(tmp_path)] == ["book_9", "book_10", "book_100"]
    with pytest.raises(FileNotFoundError):
        factru.read_split(tmp_path / "empty")


def test_factru_predictions_on_ignored_extents_are_dropped(tmp_path):
    write_factru_book(tmp_path)
    docs = factru.read_split(tmp_path)
    gold = factru.gold_items(docs, "full")
    sk = FACTRU_TEXT.index("Сколково")
    predicted = [("book_1", sk, sk + 8, "ORG"), ("book_1", 0, 3, "PER")]
    assert list(factru.drop_ignored(iter(predicted), docs, gold)) == [("book_1", 0, 3, "PER")]


# --- real dev sets (skipped without ../shared) -------------------------------------------------


@pytest.mark.gold
def test_factru_devset_floor(nlp):
    scores = by_type(factru.evaluate(nlp, dataset("factrueval2016") / "devset", limit=5))
    assert scores["PER"].f1 > 0.8
    assert scores["LOC"].f1 > 0.75
    assert scores[ALL].f1 > 0.7
    named = by_type(factru.evaluate(nlp, dataset("factrueval2016") / "devset", 5, "name"))
    assert named[ALL].f1 >= scores[ALL].f1 - 0.02


@pytest.mark.gold
def test_nerel_devset_floor(nlp):
    scores = by_type(nerel.evaluate(nlp, dataset("nerel") / "dev", limit=5))
    assert scores["PERSON"].f1 > 0.85
    assert scores[ALL].f1 > 0.8
