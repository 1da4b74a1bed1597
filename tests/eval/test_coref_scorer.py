"""Coreference scoring: B³, MUC, pairwise and CEAF-e on textbook clusterings, the gold-to-system
alignment, the `.coref` reader, and a floor on the first factRuEval-2016 dev documents."""

from __future__ import annotations

import random
from itertools import permutations

import pytest
import spacy
from conftest import dataset

import pipeline.schema  # noqa: F401  (registers span._.entity_id)
from ru_news_eval import coref
from ru_news_eval.coref import (
    CorefScore,
    align,
    align_document,
    b_cubed,
    ceaf_e,
    max_assignment,
    muc,
    pairwise,
    read_coref,
    score_clusters,
    score_documents,
    scores_frame,
)
from ru_news_eval.factru import GoldDoc, GoldMention, GoldSpan

# Bagga & Baldwin (1998), figure of the B³ paper: three gold entities of 5, 2 and 5 mentions.
BB_GOLD = [{1, 2, 3, 4, 5}, {6, 7}, {8, 9, 10, 11, 12}]
BB_MERGE_SMALL = [{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10, 11, 12}]  # response (a)
BB_MERGE_BIG = [{1, 2, 3, 4, 5, 8, 9, 10, 11, 12}, {6, 7}]  # response (b)


def pr(score: CorefScore) -> tuple[float, float]:
    return score.precision, score.recall


# --- metrics -------------------------------------------------------------------------------------


def test_bagga_baldwin_example_b3_tells_the_two_merges_apart():
    assert pr(b_cubed(BB_GOLD, BB_MERGE_SMALL)) == pytest.approx((16 / 21, 1.0))
    assert pr(b_cubed(BB_GOLD, BB_MERGE_BIG)) == pytest.approx((7 / 12, 1.0))


def test_bagga_baldwin_example_muc_does_not():
    assert pr(muc(BB_GOLD, BB_MERGE_SMALL)) == pytest.approx((0.9, 1.0))
    assert pr(muc(BB_GOLD, BB_MERGE_BIG)) == pytest.approx((0.9, 1.0))
    assert muc(BB_GOLD, BB_MERGE_SMALL).f1 == pytest.approx(2 * 0.9 / 1.9)


def test_bagga_baldwin_example_pairwise_and_ceaf_e():
    # gold pairs 10 + 1 + 10 = 21; system pairs 10 + 21 = 31, all gold pairs among them
    assert pr(pairwise(BB_GOLD, BB_MERGE_SMALL)) == pytest.approx((21 / 31, 1.0))
    # best matching: {1..5}↔{1..5} (φ4 = 1) and {8..12}↔{6..12} (φ4 = 10/12)
    assert pr(ceaf_e(BB_GOLD, BB_MERGE_SMALL)) == pytest.approx((11 / 12, 11 / 18))


def test_perfect_clustering_scores_one():
    for score in score_clusters(BB_GOLD, [set(c) for c in reversed(BB_GOLD)]).values():
        assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0), score.metric


def test_all_singletons():
    singletons = [{m} for c in BB_GOLD for m in c]
    scores = score_clusters(BB_GOLD, singletons)
    assert pr(scores["b3"]) == pytest.approx((1.0, (5 * 1 / 5 + 2 * 1 / 2 + 5 * 1 / 5) / 12))
    assert pr(scores["muc"]) == (0.0, 0.0)  # no links proposed: 0/0 precision reads 0
    assert pr(scores["pairwise"]) == (0.0, 0.0)
    assert pr(scores["ceaf_e"]) == pytest.approx((3 * (2 / 6 + 2 / 6 + 2 / 3) / 3 / 12, 4 / 9))


def test_one_big_cluster():
    everything = [set().union(*BB_GOLD)]
    scores = score_clusters(BB_GOLD, everything)
    assert pr(scores["b3"]) == pytest.approx(((25 + 4 + 25) / 144, 1.0))
    assert pr(scores["muc"]) == pytest.approx((9 / 11, 1.0))
    assert pr(scores["pairwise"]) == pytest.approx((21 / 66, 1.0))
    assert pr(scores["ceaf_e"]) == pytest.approx((10 / 17, 10 / 17 / 3))


def test_gold_singletons_against_themselves_are_perfect_except_muc():
    gold = [{1}, {2}, {3}]
    scores = score_clusters(gold, gold)
    assert scores["b3"].f1 == scores["ceaf_e"].f1 == 1.0
    assert scores["muc"].f1 == scores["pairwise"].f1 == 0.0  # nothing to link: 0/0


def test_scores_add_up_micro():
    total = b_cubed(BB_GOLD, BB_MERGE_SMALL) + b_cubed([{1}, {2}], [{1, 2}])
    assert pr(total) == pytest.approx(((16 / 21 * 12 + 1) / 14, 1.0))
    with pytest.raises(ValueError):
        b_cubed([{1}], [{1}]) + muc([{1}], [{1}])


def test_clusterings_must_cover_the_same_mentions():
    with pytest.raises(ValueError):
        b_cubed([{1, 2}], [{1}])
    with pytest.raises(ValueError):
        muc([{1, 2}, {2}], [{1, 2}])


def test_max_assignment_matches_brute_force():
    rng = random.Random(7)
    for rows, columns in [(1, 1), (2, 3), (3, 2), (4, 4), (3, 5), (5, 3)]:
        weights = [[rng.choice([0, 0.2, 0.5, 1]) for _ in range(columns)] for _ in range(rows)]
        wide = weights if rows <= columns else [list(c) for c in zip(*weights, strict=True)]
        best = max(
            sum(wide[i][j] for i, j in enumerate(chosen))
            for chosen in permutations(range(len(wide[0])), len(wide))
        )
        assert max_assignment(weights) == pytest.approx(best)
    assert max_assignment([]) == 0.0


def test_scores_frame_shape():
    frame = scores_frame(score_clusters(BB_GOLD, BB_MERGE_SMALL))
    assert list(frame.columns) == ["metric", "precision", "recall", "f1"]
    assert list(frame["metric"]) == ["b3", "muc", "pairwise", "ceaf_e"]
    assert frame.loc[0, "precision"] == round(16 / 21, 3)


# --- alignment -----------------------------------------------------------------------------------


def test_align_exact_first_then_largest_contained_overlap():
    gold = [(0, 10), (20, 25), (30, 40), (50, 60), (70, 75)]
    system = [
        (0, 4),  # inside gold 0, but gold 0 has an exact match
        (0, 10),
        (18, 30),  # contains gold 1
        (30, 35),  # inside gold 2 ...
        (33, 38),  # ... equal overlap, same length: text order wins
        (48, 55),  # crosses gold 3's start: neither inside nor around
    ]
    assert align(gold, system) == {0: 1, 1: 2, 2: 3}


def test_align_ties_go_to_the_shorter_system_span_and_is_one_to_one():
    # gold (10, 20) inside both; equal overlap 10, the shorter (10, 22) wins
    assert align([(10, 20)], [(0, 30), (10, 22)]) == {0: 1}
    # nested gold mentions compete for one system span: the larger overlap takes it
    assert align([(0, 12), (4, 12)], [(4, 12)]) == {1: 0}
    assert align([(0, 12), (4, 12)], [(0, 3)]) == {0: 0}
    # equal overlap and system length: the shorter gold span ("японском МИДе", not "отдел
    # России в японском МИДе") takes the system span
    assert align([(0, 30), (17, 30)], [(26, 30)]) == {1: 0}


def test_align_respects_compatibility_for_overlaps_only():
    never = lambda i, j: False  # noqa: E731
    assert align([(0, 10), (20, 30)], [(0, 10), (20, 25)], never) == {0: 0}


def test_read_coref(tmp_path):
    path = tmp_path / "book_1.coref"
    path.write_text(
        "7 101 102\nname Москва\nwikidata Q649\n\n8 103\nfirstname Юрий\nlastname Лужков\n",
        encoding="utf-8",
    )
    assert read_coref(path) == {"101": "7", "102": "7", "103": "8"}
    assert read_coref(tmp_path / "absent.coref") == {}


def synthetic():
    """ "Юрий Лужков и Лужков: Москва" — gold: {Юрий Лужков, Лужков}, {Москва};
    system: "Юрий Лужков" and "Москва" wrongly one entity, "Лужков" another, and the gold
    "Лужков" found only as "Лужков:" (overlap)."""
    text = "Юрий Лужков и Лужков: Москва"
    nlp = spacy.blank("ru")
    doc = nlp(text)

    def gold_mention(object_id, object_type, label, start, end):
        span_type = "surname" if label == "PER" else "loc_name"
        return GoldMention(
            object_id, object_type, label, (GoldSpan("s" + object_id, span_type, start, end),)
        )

    gold = GoldDoc(
        "book_1",
        text,
        (
            gold_mention("1", "Person", "PER", 0, 11),
            gold_mention("2", "Person", "PER", 14, 20),
            gold_mention("3", "LocOrg", "LOC", 22, 28),
            gold_mention("4", "Location", "LOC", 22, 28),  # same extent, other entity: unaligned
            gold_mention("5", "LocOrg", "LOC", 22, 28),  # same extent and entity as "3": dropped
        ),
        frozenset(),
    )
    spans = []
    for (start, end), label, entity_id in [
        ((0, 11), "PERSON", 0),
        ((14, 21), "PERSON", 1),
        ((22, 28), "PLACE", 0),
    ]:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        span._.entity_id = entity_id
        spans.append(span)
    doc.spans["mentions"] = spans
    return gold, {"1": "10", "2": "10", "3": "11", "5": "11"}, doc


def test_align_document_and_scores():
    gold, owner, doc = synthetic()
    mentions = align_document(gold, owner, doc)
    assert [(m.text, m.match, m.system_entity, m.gold_entity) for m in mentions] == [
        ("Юрий Лужков", "exact", "e0", "10"),
        ("Лужков", "overlap", "e1", "10"),
        ("Москва", "exact", "e0", "11"),
        ("Москва", "none", "gold4", "obj4"),
    ]
    assert mentions[1].system_text == "Лужков:"
    gold_clusters, system_clusters = coref.clusterings(mentions)
    assert sorted(map(sorted, gold_clusters)) == [["1", "2"], ["3"], ["4"]]
    assert sorted(map(sorted, system_clusters)) == [["1", "3"], ["2"], ["4"]]
    scores = score_documents([mentions])
    # per mention P: 1/2, 1, 1/2, 1; R: 1/2, 1/2, 1, 1
    assert pr(scores["b3"]) == pytest.approx((3 / 4, 3 / 4))


# --- gold data -----------------------------------------------------------------------------------


@pytest.mark.gold
def test_factru_devset_coref_floor(nlp):
    scores = coref.evaluate(nlp, dataset("factrueval2016") / "devset", limit=5)
    assert scores["b3"].f1 > 0.95  # 0.989 when written
    assert scores["b3"].recall > 0.93
    assert scores["muc"].f1 > 0.85
    assert set(scores) == {"b3", "muc", "pairwise", "ceaf_e"}


def test_overlap_needs_same_type_no_adjective_and_the_name():
    text = "в американском отделении Bank и глава МИДа Японии"
    doc = spacy.blank("ru")(text)
    gold = GoldDoc(
        "book_2",
        text,
        (
            GoldMention(  # Org "американском отделении Bank", named by "Bank"
                "1",
                "Org",
                "ORG",
                (GoldSpan("a", "geo_adj", 2, 14), GoldSpan("b", "org_name", 25, 29)),
            ),
            GoldMention("2", "Org", "ORG", (GoldSpan("c", "org_name", 38, 49),)),  # МИДа Японии
        ),
        frozenset(),
    )
    spans = []
    for (start, end), label, kind in [
        ((2, 14), "STATE", "adjective"),  # "американском": inside, but an adjective
        ((32, 49), "PERSON", "title"),  # "глава МИДа Японии": around, but a PERSON
        ((43, 49), "STATE", "name"),  # "Японии": inside the name, but a STATE
    ]:
        span = doc.char_span(start, end, label=label)
        span._.kind, span._.entity_id = kind, len(spans)
        spans.append(span)
    doc.spans["mentions"] = spans
    assert [m.match for m in align_document(gold, {}, doc)] == ["none", "none"]
    org = doc.char_span(38, 42, label="ORG")  # "МИДа": inside the name, same type
    org._.kind, org._.entity_id = "name", 9
    doc.spans["mentions"] = [*spans, org]
    assert [m.system_text for m in align_document(gold, {}, doc)] == [None, "МИДа"]
