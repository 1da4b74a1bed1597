"""Relation scorers: the brat and factRuEval readers on tiny synthetic files, the 2016 fact
measure, the NEREL and RuRED2 pair matching on hand-made Docs with hand-made relation rows, and
runs on the real corpora that check only that the counts add up (no quality floors)."""

from __future__ import annotations

import pytest
import spacy
from conftest import dataset
from spacy.tokens import Doc

import pipeline.entities  # noqa: F401  (registers span._.kind)
import pipeline.linking  # noqa: F401  (registers span._.entity_id)
from pipeline.entities import MENTIONS_KEY
from ru_news_eval import facts, nerel_relations, rured
from ru_news_eval.facts import (
    DEAL,
    DEAL_AGREEMENT,
    ENTITY,
    MEETING,
    OCCUPATION,
    POST,
    Argument,
    Fact,
    GoldView,
)
from ru_news_eval.nerel_relations import (
    WORKPLACE,
    WORKS_AS,
    Pair,
    max_matching,
    posts_match,
    read_brat,
)

if not Doc.has_extension("relations"):
    Doc.set_extension("relations", default=[])

BLANK = spacy.blank("ru")


# --- hand-made Docs ------------------------------------------------------------------------------


def at(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)


def make_doc(text: str, mentions=(), relations=()) -> Doc:
    """mentions: (word, label, entity_id, kind[, nth occurrence]); relations: row dicts."""
    doc = BLANK(text)
    spans = []
    for word, label, entity_id, kind, *nth in mentions:
        span = doc.char_span(*at(text, word, *nth), label=label)
        assert span is not None, word
        span._.entity_id, span._.kind = entity_id, kind
        spans.append(span)
    doc.spans[MENTIONS_KEY] = spans
    doc._.relations = list(relations)
    return doc


def row(
    relation,
    subject,
    subject_id,
    subject_type="PERSON",
    obj=None,
    object_id=None,
    object_type=None,
    attribute=None,
    sentence_id=0,
    start=0,
    end=None,
) -> dict:
    return {
        "relation_id": 0,
        "relation": relation,
        "subject": subject,
        "subject_id": subject_id,
        "subject_type": subject_type,
        "object": obj,
        "object_id": object_id,
        "object_type": object_type,
        "attribute": attribute,
        "value": None,
        "unit": None,
        "year": None,
        "sentence_id": sentence_id,
        "start": start,
        "end": end,
        "evidence": "",
    }


# --- shared helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ours", "gold", "expected"),
    [
        ("президент", "Президента", True),
        ("директор", "генерального директора", True),
        ("генеральный директор", "генеральным директором", True),
        ("тренер", 'главным тренером футбольного клуба "Бананц"', True),
        ("министр иностранных дел", "министра иностранных дел России", True),
        ("министр", "министром иностранных дел", True),
        ("министр", "заместитель министра", False),
        ("глава государства", "главы правительства", False),
        ("президент", "вице-президент", False),
        ("президент", "премьер-министр", False),
        ("", "президент", False),
    ],
)
def test_posts_match_on_the_head_with_containment(ours, gold, expected):
    assert posts_match(ours, gold) is expected


def test_max_matching_finds_the_larger_matching_greedy_would_miss():
    edges = {(0, 0), (0, 1), (1, 0)}  # greedy 0→0 leaves 1 unmatched
    assert max_matching(2, 2, lambda i, j: (i, j) in edges) == [(0, 1), (1, 0)]
    assert max_matching(0, 3, lambda i, j: True) == []


def test_entity_spans_leave_titles_out_and_fall_back_to_the_name():
    text = "Президент России Путин приехал. Путин доволен."
    doc = make_doc(
        text,
        [
            ("Президент России", "PERSON", 1, "title"),
            ("России", "STATE", 2, "name"),
            ("Путин", "PERSON", 1, "name"),
            ("Путин", "PERSON", 1, "name", 1),
        ],
    )
    assert nerel_relations.entity_spans(doc, 1) == {at(text, "Путин"), at(text, "Путин", 1)}
    assert nerel_relations.entity_spans(doc, 7, "путин", 0, 31) == {at(text, "Путин")}
    assert nerel_relations.entity_spans(doc, None, None) == frozenset()


def test_relations_of_reads_the_rows_and_filters_by_relation():
    doc = make_doc("Текст.", relations=[row("met_with", "А", 1), row("visited", "Б", 2)])
    assert [r["subject"] for r in nerel_relations.relations_of(doc, {"visited"})] == ["Б"]
    assert nerel_relations.relations_of(make_doc("Текст.")) == []


# --- brat ----------------------------------------------------------------------------------------

BRAT_TEXT = (
    "Главный тренер клуба «Бананц» Жолт Хорняк ушёл. Хорняка заменил Пятенко. "
    "Президент России Владимир Путин, министр Лавров и премьер Медведев."
)


def brat_line(tid: str, label: str, word: str, nth: int = 0) -> str:
    start, end = at(BRAT_TEXT, word, nth)
    return f"{tid}\t{label} {start} {end}\t{word}"


def write_brat(folder, name: str, lines: list[str], text: str = BRAT_TEXT):
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / f"{name}.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / f"{name}.ann"


NEREL_LINES = [
    brat_line("T1", "PROFESSION", "Главный тренер клуба «Бананц»"),
    brat_line("T2", "PROFESSION", "тренер"),
    brat_line("T3", "ORGANIZATION", "Бананц"),
    brat_line("T4", "PERSON", "Жолт Хорняк"),
    brat_line("T5", "PERSON", "Хорняка"),
    brat_line("T6", "PERSON", "Пятенко"),
    brat_line("T7", "PROFESSION", "Президент"),
    brat_line("T8", "COUNTRY", "России"),
    brat_line("T9", "PERSON", "Владимир Путин"),
    brat_line("T10", "PROFESSION", "министр"),
    brat_line("T11", "PERSON", "Лавров"),
    brat_line("T12", "EVENT", "ушёл"),
    "T13\tPERSON 0 3;8 10\tГла тр",  # discontinuous
    "R1\tWORKS_AS Arg1:T4 Arg2:T1",
    "R2\tWORKS_AS Arg1:T4 Arg2:T2",  # same head "тренер": one pair with R1
    "R3\tWORKPLACE Arg1:T1 Arg2:T3",  # profession → workplace: Хорняк works at Бананц
    "R4\tWORKS_AS Arg1:T9 Arg2:T7",
    "R5\tWORKPLACE Arg1:T7 Arg2:T8",
    "R6\tWORKPLACE Arg1:T9 Arg2:T8",  # the same pair, direct
    "R7\tWORKS_AS Arg1:T11 Arg2:T10",
    "R8\tWORKPLACE Arg1:T11 Arg2:T12",  # an EVENT workplace: left out
    "N1\tReference T4 Wikidata:Q8074815\tХорняк, Жолт",
    "N2\tReference T10 Wikidata:NULL\tнет данных",
    "#1\tAnnotatorNotes T1\tnote",
    "По словам тренера",  # spill-over of a mention text with a newline
]


def test_read_brat_reads_entities_relations_and_links(tmp_path):
    doc = read_brat(write_brat(tmp_path, "001", NEREL_LINES))
    assert doc.doc_id == "001" and doc.text == BRAT_TEXT
    assert doc.entities["T4"].text == "Жолт Хорняк" and doc.entities["T13"].ranges == (
        (0, 3),
        (8, 10),
    )
    assert (doc.relations[0].type, doc.relations[0].arg1, doc.relations[0].arg2) == (
        "WORKS_AS",
        "T4",
        "T1",
    )
    assert doc.links == {"T4": "Wikidata:Q8074815"}  # NULL links left out
    assert [d.doc_id for d in nerel_relations.read_brat_folder(tmp_path)] == ["001"]
    with pytest.raises(FileNotFoundError):
        nerel_relations.read_brat_folder(tmp_path / "missing")


def test_cluster_entities_by_words_links_aliases_and_surnames(tmp_path):
    text = "Жолт Хорняк и Хорняка; Бананц, «Бананца», FCB; Иван Петров, Пётр Петров и Петров."
    spans = [
        ("T1", "PERSON", "Жолт Хорняк", 0),
        ("T2", "PERSON", "Хорняка", 0),
        ("T3", "ORGANIZATION", "Бананц", 0),
        ("T4", "ORGANIZATION", "Бананца", 0),
        ("T5", "ORGANIZATION", "FCB", 0),
        ("T6", "PERSON", "Иван Петров", 0),
        ("T7", "PERSON", "Пётр Петров", 0),
        ("T8", "PERSON", "Петров", 2),
    ]
    lines = [
        f"{tid}\t{label} {at(text, word, nth)[0]} {at(text, word, nth)[1]}\t{word}"
        for tid, label, word, nth in spans
    ]
    lines += [
        "R1\tALTERNATIVE_NAME Arg1:T5 Arg2:T3",
        "N1\tReference T6 Wikidata:Q1\tx",
        "N2\tReference T7 Wikidata:Q1\tx",
    ]
    doc = read_brat(write_brat(tmp_path, "002", lines, text))
    cluster = nerel_relations.cluster_entities(doc, {"PERSON", "ORGANIZATION"})
    assert cluster["T1"] == cluster["T2"]  # the surname of the only "… Хорняк"
    assert cluster["T3"] == cluster["T4"] == cluster["T5"]  # inflection, alias
    assert cluster["T6"] == cluster["T7"] != cluster["T1"]  # one Wikidata id
    assert cluster["T8"] == cluster["T6"]  # both Петровы are one entity: one owner
    assert set(cluster) == {f"T{n}" for n in range(1, 9)}


def test_cluster_entities_leaves_an_ambiguous_surname_alone(tmp_path):
    text = "Иван Петров, Пётр Петров и Петров."
    lines = [
        f"T{n}\tPERSON {at(text, w, k)[0]} {at(text, w, k)[1]}\t{w}"
        for n, (w, k) in enumerate([("Иван Петров", 0), ("Пётр Петров", 0), ("Петров", 2)], 1)
    ]
    cluster = nerel_relations.cluster_entities(
        read_brat(write_brat(tmp_path, "005", lines, text)), {"PERSON"}
    )
    assert len({cluster["T1"], cluster["T2"], cluster["T3"]}) == 3


def test_nerel_gold_pairs_dedupe_by_head_and_follow_the_profession_chain(tmp_path):
    doc = read_brat(write_brat(tmp_path, "003", NEREL_LINES))
    pairs = nerel_relations.gold_pairs(doc)
    works_as = sorted(p.label for p in pairs if p.kind == WORKS_AS)
    workplace = sorted(p.label for p in pairs if p.kind == WORKPLACE)
    assert works_as == [
        "Владимир Путин — Президент",
        "Жолт Хорняк — Главный тренер клуба «Бананц»",
        "Лавров — министр",
    ]
    assert workplace == ["Владимир Путин — России", "Жолт Хорняк — Бананц"]
    khornyak = next(p for p in pairs if p.kind == WORKS_AS and "Хорняк" in p.label)
    assert khornyak.posts == ("Главный тренер клуба «Бананц»", "тренер")
    assert at(BRAT_TEXT, "Хорняка") in khornyak.person  # the surname joined the person


def test_nerel_matching_on_a_hand_made_doc(tmp_path):
    gold = nerel_relations.gold_pairs(read_brat(write_brat(tmp_path, "004", NEREL_LINES)))
    doc = make_doc(
        BRAT_TEXT,
        [
            ("Хорняк", "PERSON", 1, "name"),
            ("Бананц", "ORG", 2, "name"),
            ("Владимир Путин", "PERSON", 3, "name"),
            ("Президент России", "PERSON", 3, "title"),
            ("России", "STATE", 4, "name"),
            ("Медведев", "PERSON", 5, "name"),
        ],
        [
            row(
                "holds_position",
                "Жолт Хорняк",
                1,
                obj="Бананц",
                object_id=2,
                object_type="ORG",
                attribute="главный тренер",
            ),
            row(
                "holds_position",
                "Владимир Путин",
                3,
                obj="Россия",
                object_id=4,
                object_type="STATE",
                attribute="президент",
            ),
            row(
                "holds_position",
                "Владимир Путин",
                3,
                obj="Россия",
                object_id=4,
                object_type="STATE",
                attribute="президент",
                sentence_id=1,
            ),
            row("holds_position", "Дмитрий Медведев", 5, attribute="премьер"),  # not in gold
            row(
                "holds_position", "Лавров", None, attribute="министр", start=0, end=len(BRAT_TEXT)
            ),  # no entity id: found by name
        ],
    )
    predicted = nerel_relations.predicted_pairs(doc, "004")
    assert len(predicted) == 6  # the repeated Путин row counts once per kind
    result = nerel_relations.match_pairs("004", gold, predicted)
    scores = {s.type: s for s in nerel_relations.score_results([result])}
    assert (scores[WORKS_AS].tp, scores[WORKS_AS].fp, scores[WORKS_AS].fn) == (3, 1, 0)
    assert (scores[WORKPLACE].tp, scores[WORKPLACE].fp, scores[WORKPLACE].fn) == (2, 0, 0)


def test_pairs_need_the_person_to_match():
    gold = Pair("d", WORKS_AS, frozenset({(0, 5)}), posts=("президент",))
    assert nerel_relations.pairs_match(
        Pair("d", WORKS_AS, frozenset({(3, 9)}), posts=("президент",)), gold
    )
    assert not nerel_relations.pairs_match(
        Pair("d", WORKS_AS, frozenset({(6, 9)}), posts=("президент",)), gold
    )
    assert not nerel_relations.pairs_match(Pair("d", WORKPLACE, frozenset({(0, 5)})), gold)


# --- factRuEval-2016 facts -----------------------------------------------------------------------

FACTRU_TEXT = (
    "Президент России Владимир Путин встретился с канцлером Германии Ангелой Меркель. "
    "«Газпром» продал газ Украине, США ввели санкции против Ирана."
)
FACTRU_SPANS = [  # span id, type, words (a run of the text)
    ("1", "job", "Президент"),
    ("2", "loc_name", "России"),
    ("3", "name", "Владимир"),
    ("4", "surname", "Путин"),
    ("5", "job", "канцлером"),
    ("6", "loc_name", "Германии"),
    ("7", "name", "Ангелой"),
    ("8", "surname", "Меркель"),
    ("9", "org_name", "Газпром"),
    ("10", "loc_name", "Украине"),
    ("11", "loc_name", "США"),
    ("12", "loc_name", "Ирана"),
]
FACTRU_OBJECTS = """101 LocOrg 2 # России
102 Person 3 4 # Владимир Путин
103 LocOrg 6 # Германии
104 Person 7 8 # Ангелой Меркель
105 Org 9 # Газпром
106 LocOrg 10 # Украине
107 LocOrg 11 # США
108 LocOrg 12 # Ирана
"""
FACTRU_COREF = """1 101
name Россия

2 102
firstname Владимир
lastname Путин

3 103
name Германия

4 104
firstname Ангела
lastname Меркель

5 105
name Газпром

6 106
name Украина

7 107
name США

8 108
name Иран
"""
FACTRU_FACTS = """1-0 Occupation
Who obj2 Путин Владимир
Job span1 Президент
Where obj1 Россия

1-1 Occupation
Who obj4 Меркель Ангела
Job span5 канцлером
Where obj3 Германия
Сложность повышенная

1-2 Meeting
Participant obj2 Путин Владимир
Participant obj4 Меркель Ангела
Модальность будущее

1-3 Deal
Participant obj5 Газпром
Participant obj6 Украина
Type купля/продажа
Фаза начало

1-4 Deal
Participant obj7 США
Participant obj8 Иран
Type экономичкские санкции(штраф, эмбарго и т. п.)
Модальность завершено в прошлом | возможность
"""


def write_factru(folder, stem: str = "book_1") -> str:
    text = FACTRU_TEXT
    (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
    tokens, spans = [], []
    for n, (span_id, span_type, word) in enumerate(FACTRU_SPANS):
        start, end = at(text, word)
        tokens.append(f"{1000 + n} {start} {end - start} {word}")
        spans.append(
            f"{span_id} {span_type} {start} {end - start} {1000 + n} 1  # {1000 + n} {word}"
        )
    (folder / f"{stem}.tokens").write_text("\n".join(tokens) + "\n", encoding="utf-8")
    (folder / f"{stem}.spans").write_text("\n".join(spans) + "\n", encoding="utf-8")
    (folder / f"{stem}.objects").write_text(FACTRU_OBJECTS, encoding="utf-8")
    (folder / f"{stem}.coref").write_text(FACTRU_COREF, encoding="utf-8")
    (folder / f"{stem}.facts").write_text(FACTRU_FACTS, encoding="utf-8")
    return stem


def test_factru_facts_reader(tmp_path):
    gold = facts.read_document(tmp_path, write_factru(tmp_path))
    assert [f.tag for f in gold.facts] == [OCCUPATION, OCCUPATION, MEETING, DEAL, DEAL]
    assert gold.unresolved == 0
    putin = gold.facts[0]
    assert [(a.role, a.kind) for a in putin.arguments] == [
        ("who", ENTITY),
        ("position", POST),
        ("where", ENTITY),
    ]
    assert putin.arguments[0].spans == {at(FACTRU_TEXT, "Владимир"), at(FACTRU_TEXT, "Путин")}
    assert putin.arguments[1].texts == ("Президент",)  # Job is read as position
    assert gold.facts[1].difficult and not putin.difficult
    assert gold.facts[2].modality == ("будущее",)
    assert [a.role for a in gold.facts[3].arguments] == [
        "participant",
        "participant",
        "type",
        "фаза",
    ]
    assert gold.facts[3].deal_type == "купля/продажа"
    assert gold.facts[4].modality == ("завершено в прошлом", "возможность")
    assert [d.doc_id for d in facts.read_split(tmp_path)] == ["book_1"]


def gold_counts(gold_facts, row, mode):
    view = facts.gold_view(gold_facts, row, mode)
    return len(view.facts) - len(view.ignored), len(view.facts)


def test_gold_view_modes_and_rows(tmp_path):
    gold = facts.read_document(tmp_path, write_factru(tmp_path)).facts
    # t3: the difficult Occupation is ignored, Фаза dropped; t3-m: uncertain modality removed
    assert gold_counts(gold, OCCUPATION, "t3") == (1, 2)
    assert gold_counts(gold, OCCUPATION, "t3-m") == (2, 2)
    assert gold_counts(gold, MEETING, "t3") == (1, 1)
    assert gold_counts(gold, MEETING, "t3-m") == (0, 0)
    assert gold_counts(gold, DEAL, "t3") == (2, 2)
    assert gold_counts(gold, DEAL, "t3-m") == (1, 1)  # "…| возможность" counts as uncertain
    assert gold_counts(gold, DEAL_AGREEMENT, "t3") == (1, 2)  # sanctions ignored
    roles = lambda row, mode: [a.role for a in facts.gold_view(gold, row, mode).facts[0].arguments]  # noqa: E731
    assert roles(DEAL, "t3") == ["participant", "participant", "type"]
    assert roles(DEAL, "t3-m") == ["participant", "participant", "type", "фаза"]
    assert roles(DEAL_AGREEMENT, "t3") == ["participant", "participant"]
    with pytest.raises(ValueError):
        facts.gold_view(gold, OCCUPATION, "t4")


def entity(role, *ranges):
    return Argument(role, ENTITY, frozenset(ranges))


def post(text):
    return Argument("position", POST, texts=(text,))


GOLD_OCCUPATION = Fact(
    OCCUPATION,
    (
        entity("who", (0, 5)),
        Argument("position", POST, texts=("президента",)),
        entity("where", (10, 16)),
    ),
)


@pytest.mark.parametrize(
    ("arguments", "quality"),
    [
        ((entity("who", (0, 5)), post("президент"), entity("where", (10, 16))), 1.0),
        ((entity("who", (0, 5)), post("президент")), 1.5 / 2.5),  # Where missing
        ((entity("who", (0, 5)), post("министр"), entity("where", (10, 16))), 2 / 3),
        ((entity("who", (2, 3)),), 1 / 2.5),  # overlap is enough for an entity
        ((entity("who", (20, 25)), post("президент")), 0.5 / 3.5),  # wrong person
    ],
)
def test_cluster_quality_of_one_predicted_fact(arguments, quality):
    assert facts.cluster_quality(GOLD_OCCUPATION, [Fact(OCCUPATION, arguments)]) == pytest.approx(
        quality
    )


def test_cluster_quality_of_split_facts_uses_the_identification_share():
    meeting = Fact(
        MEETING,
        (
            entity("participant", (0, 2)),
            entity("participant", (5, 7)),
            entity("participant", (9, 11)),
        ),
    )
    halves = [
        Fact(MEETING, (entity("participant", (0, 2)), entity("participant", (5, 7)))),
        Fact(MEETING, (entity("participant", (9, 11)),)),
    ]
    # every argument found (arg 1), but only 1 of the 3 argument pairs given by one fact
    assert facts.cluster_quality(meeting, halves) == pytest.approx((1 + 1 / 3) / 2)
    assert facts.cluster_quality(meeting, []) == 0.0


def test_best_assignment_counts_like_2016():
    other = Fact(
        OCCUPATION, (entity("who", (30, 35)), Argument("position", POST, texts=("министр",)))
    )
    view = GoldView((GOLD_OCCUPATION, other), frozenset())
    exact = Fact(OCCUPATION, (entity("who", (0, 5)), post("президент"), entity("where", (10, 16))))
    spurious = Fact(OCCUPATION, (entity("who", (50, 55)), post("посол")))
    choice, counts = facts.best_assignment(view, [exact, spurious])
    assert choice == [0, -1]
    assert (counts.tp_gold, counts.tp_predicted, counts.gold, counts.predicted) == (1.0, 1.0, 2, 2)
    # a predicted fact joined to an ignored gold fact counts neither way
    choice, counts = facts.best_assignment(GoldView((GOLD_OCCUPATION,), frozenset({0})), [exact])
    assert choice == [0] and (counts.gold, counts.predicted, counts.tp_predicted) == (0, 0, 0.0)


@pytest.mark.parametrize("limit", [facts.EXHAUSTIVE_LIMIT, 1])
def test_best_assignment_exhaustive_and_local_search_agree(monkeypatch, limit):
    monkeypatch.setattr(facts, "EXHAUSTIVE_LIMIT", limit)
    view = GoldView((GOLD_OCCUPATION,), frozenset())
    exact = Fact(OCCUPATION, (entity("who", (0, 5)), post("президент"), entity("where", (10, 16))))
    partial = Fact(OCCUPATION, (entity("who", (0, 5)), post("министр")))
    choice, counts = facts.best_assignment(view, [partial, exact])
    # both in one cluster: arg 2.5 / 3 ("министр" is a spare argument), id 1
    assert choice == [0, 0]
    assert counts.official_f1() == pytest.approx(2.5 / 3)


FACTRU_MENTIONS = [
    ("Президент России", "PERSON", 2, "title"),
    ("России", "STATE", 1, "name"),
    ("Владимир Путин", "PERSON", 2, "name"),
    ("Германии", "STATE", 3, "name"),
    ("Ангелой Меркель", "PERSON", 4, "name"),
    ("Газпром", "ORG", 5, "name"),
    ("Украине", "STATE", 6, "name"),
]


def test_predicted_facts_from_relation_rows():
    doc = make_doc(
        FACTRU_TEXT,
        FACTRU_MENTIONS,
        [
            row(
                "holds_position",
                "Владимир Путин",
                2,
                obj="Россия",
                object_id=1,
                object_type="STATE",
                attribute="президент",
            ),
            row(
                "holds_position",
                "Владимир Путин",
                2,
                obj="Россия",
                object_id=1,
                object_type="STATE",
                attribute="президент",
                sentence_id=3,
            ),  # a duplicate
            row(
                "met_with",
                "Владимир Путин",
                2,
                obj="Ангела Меркель",
                object_id=4,
                object_type="PERSON",
            ),
            row("met_with", "Владимир Путин", 2, obj="Германия", object_id=3, object_type="STATE"),
            row("met_with", "Ангела Меркель", 4, obj="Германия", object_id=3, object_type="STATE"),
            row(
                "signed_agreement",
                "Газпром",
                5,
                "ORG",
                obj="Украина",
                object_id=6,
                object_type="STATE",
                attribute="контракт",
                sentence_id=1,
            ),
        ],
    )
    predicted = facts.predicted_facts(doc)
    assert [f.tag for f in predicted] == [OCCUPATION, MEETING, DEAL]
    meeting = predicted[1]
    assert len(meeting.arguments) == 2  # the rows of one sentence, the state left out
    assert {a.role for a in meeting.arguments} == {"participant"}
    assert [a.role for a in predicted[0].arguments] == ["who", "position", "where"]
    assert facts.predicted_facts(make_doc(FACTRU_TEXT)) == []


def test_score_document_end_to_end_on_synthetic_files(tmp_path):
    gold = facts.read_document(tmp_path, write_factru(tmp_path))
    doc = make_doc(
        FACTRU_TEXT,
        FACTRU_MENTIONS,
        [
            row(
                "holds_position",
                "Владимир Путин",
                2,
                obj="Россия",
                object_id=1,
                object_type="STATE",
                attribute="президент",
            ),
            row(
                "met_with",
                "Владимир Путин",
                2,
                obj="Ангела Меркель",
                object_id=4,
                object_type="PERSON",
            ),
            row(
                "signed_agreement",
                "Газпром",
                5,
                "ORG",
                obj="Украина",
                object_id=6,
                object_type="STATE",
                attribute="контракт",
                sentence_id=1,
            ),
        ],
    )
    result = facts.score_document(gold, facts.predicted_facts(doc))
    scores = {(s.type, s.mode): s for s in facts.total_scores([result])}
    occupation = scores[(OCCUPATION, "t3")]
    assert (occupation.precision, occupation.recall, occupation.gold, occupation.predicted) == (
        1.0,
        1.0,
        1,
        1,
    )
    assert scores[(MEETING, "t3")].f1 == 1.0
    assert scores[(MEETING, "t3-m")].gold == 0 and scores[(MEETING, "t3-m")].predicted == 1
    deal = scores[(DEAL, "t3")]  # no Type from us: 2 of 3 arguments
    assert (deal.tp_gold, deal.gold, deal.predicted) == (pytest.approx(2 / 3), 2, 1)
    assert scores[(DEAL_AGREEMENT, "t3")].f1 == 1.0
    assert scores[(OCCUPATION, "t3-m")].gold == 2  # the difficult fact counts in t3-m
    frame = facts.scores_frame(facts.total_scores([result]))
    assert list(frame.columns[:4]) == ["mode", "type", "precision", "recall"] and len(frame) == 8


REPORT = """Running evaluation, this might take a while...
TAG             P        R        F1       TP1      TP2      In Std.  In Test.
ownership         0.3465   0.0916   0.1449    12.92    13.17      141       38
occupation        0.6542   0.3581   0.4628   120.31   122.98      336      188
meeting           0.6667   0.1481   0.2424     6.67     6.67       45       10
overall           0.5449   0.2339   0.3273   145.93   149.84      624      275
"""


def test_official_report_reader_and_best(tmp_path):
    (tmp_path / "green_0.test.t3").write_text(REPORT, encoding="utf-8")
    (tmp_path / "violet_2.test.t3").write_text(REPORT.replace("0.4628", "0.6569"), encoding="utf-8")
    rows = facts.read_official(tmp_path / "green_0.test.t3")
    assert [r.type for r in rows] == ["ownership", "occupation", "meeting", "overall"]
    assert (rows[1].run, rows[1].gold, rows[1].predicted) == ("green_0", 336, 188)
    best = facts.official_best(tmp_path, "t3")
    assert (best["occupation"].run, best["occupation"].f1) == ("violet_2", 0.6569)
    assert best["meeting"].run == "green_0"  # ties keep the first file
    assert facts.official_best(tmp_path, "t3-m") == {}


# --- RuRED2 --------------------------------------------------------------------------------------

RURED_TEXT = "Россия продаёт газ Украине. Российский газ идёт в Европу, РФ и Турция торгуют."


def rured_line(tid, label, word, nth=0):
    start, end = at(RURED_TEXT, word, nth)
    return f"{tid}\t{label} {start} {end}\t{word}"


RURED_LINES = [
    rured_line("T1", "COUNTRY", "Россия"),
    rured_line("T2", "COUNTRY", "Украине"),
    rured_line("T3", "COUNTRY", "Российский"),
    rured_line("T4", "GPE", "Европу"),
    rured_line("T5", "COUNTRY", "РФ"),
    rured_line("T6", "COUNTRY", "Турция"),
    rured_line("T7", "COMMODITY", "газ"),
    "R1\tSELLS_TO Arg1:T1 Arg2:T2",
    "R2\tSELLS_TO Arg1:T3 Arg2:T2",  # the same pair: "Российский" is Россия
    "R3\tSELLS_TO Arg1:T3 Arg2:T4",  # GPE: not country to country
    "R4\tSELLS_TO Arg1:T5 Arg2:T6",
    "R5\tSELLS Arg1:T1 Arg2:T7",
]


def test_country_code():
    assert rured.country_code("России") == rured.country_code("российского") == "RUS"
    assert rured.country_code("РФ") == "RUS" and rured.country_code("Турция") == "TUR"
    assert rured.country_code("Атлантида") is None and rured.country_code("") is None


def test_rured_gold_pairs_and_matching(tmp_path):
    gold = rured.gold_pairs(read_brat(write_brat(tmp_path, "r1", RURED_LINES, RURED_TEXT)))
    assert len(gold) == 2  # Россия–Украина (twice in the text), Россия–Турция
    doc = make_doc(
        RURED_TEXT,
        [
            ("Россия", "STATE", 1, "name"),
            ("Украине", "STATE", 2, "name"),
            ("Российский", "STATE", 1, "adjective"),
            ("РФ", "STATE", 1, "name"),
            ("Турция", "STATE", 3, "name"),
            ("Европу", "PLACE", 4, "name"),
        ],
        [
            row("trade_target", "Украина", 2, "STATE", "Россия", 1, "STATE"),  # reversed: fine
            row("trade_target", "Россия", 1, "STATE", "Европа", 4, "PLACE"),
            row("met_with", "Россия", 1, "STATE", "Турция", 3, "STATE"),  # not a trade row
            row("deal", "Россия", 1, "STATE", "Турция", 3, "STATE", "кредит"),  # nor a loan
        ],
    )
    result = rured.match_document(doc, gold, "r1")
    assert result.found == (True, False) and result.hits == (True, False)
    score = rured.score_results([result])
    assert (score.gold_pairs, score.found, score.rows, score.rows_hitting_gold) == (2, 1, 2, 1)
    assert score.recall == 0.5 and score.hit_share == 0.5
    supply = row("deal", "Россия", 1, "STATE", "Турция", 3, "STATE", "поставка")
    doc._.relations = [*doc._.relations, supply]  # a trade deal is a trade row
    assert rured.match_document(doc, gold, "r1").found == (True, True)
    assert list(rured.scores_frame(score)["measure"])[:3] == [
        "documents",
        "documents with gold pairs",
        "gold country pairs (SELLS_TO)",
    ]


# --- the real corpora: counts add up -------------------------------------------------------------


@pytest.mark.gold
def test_factru_gold_counts_equal_the_official_in_std_columns():
    folder = dataset("factrueval2016")
    docs = facts.read_split(folder / "testset")
    assert len(docs) == 132 and sum(d.unresolved for d in docs) == 0
    best = {
        mode: facts.official_best(folder / "official_results" / "run_2", mode)
        for mode in facts.MODES
    }
    for mode in facts.MODES:
        for row_name in (OCCUPATION, MEETING, DEAL):
            ours = sum(gold_counts(d.facts, row_name, mode)[0] for d in docs)
            assert ours == best[mode][row_name].gold, (mode, row_name)
    assert (
        round(best["t3"]["occupation"].f1, 2) == 0.66 and best["t3"]["occupation"].run == "violet_3"
    )
    assert round(best["t3"]["meeting"].f1, 4) == 0.2424 and best["t3"]["deal"].f1 == 0.3007


@pytest.mark.gold
def test_factru_first_documents_counts_add_up(nlp):
    folder = dataset("factrueval2016") / "testset"
    results = facts.score_split(nlp, folder, limit=4)
    gold_docs = facts.read_split(folder, limit=4)
    for score in facts.total_scores(results):
        expected = sum(gold_counts(g.facts, score.type, score.mode)[0] for g in gold_docs)
        assert score.gold == expected
        assert 0 <= score.tp_gold <= score.gold + 1e-9
        assert 0 <= score.tp_predicted <= score.predicted + 1e-9
        assert 0 <= score.precision <= 1 and 0 <= score.recall <= 1


@pytest.mark.gold
def test_nerel_first_documents_counts_add_up(nlp):
    folder = dataset("nerel") / "test"
    results = nerel_relations.match_split(nlp, folder, limit=5)
    gold = [p for r in results for p in r.gold]
    predicted = [p for r in results for p in r.predicted]
    for score in nerel_relations.score_results(results):
        assert score.tp + score.fn == sum(1 for p in gold if p.kind == score.type)
        assert score.tp + score.fp == sum(1 for p in predicted if p.kind == score.type)
    assert sum(1 for p in gold if p.kind == WORKS_AS) > 0


@pytest.mark.gold
def test_rured_first_documents_counts_add_up(nlp):
    folder = dataset("rured2") / "annotation_files"
    results = rured.match_folder(nlp, folder, limit=5)
    score = rured.score_results(results)
    gold_docs = nerel_relations.read_brat_folder(folder, limit=5)
    assert score.documents == 5
    assert score.gold_pairs == sum(len(rured.gold_pairs(g)) for g in gold_docs) > 0
    assert score.found <= score.gold_pairs and score.rows_hitting_gold <= score.rows


@pytest.mark.parametrize(
    ("relation", "attribute", "types"),
    [
        ("deal", "покупка", ("купля/продажа",)),
        ("deal", "санкции", facts.SANCTION),
        ("signed_agreement", "соглашение о поставках газа", ("купля/продажа",)),
        ("signed_agreement", "договор о дружбе", None),  # no deal named: no Type
        ("signed_agreement", "конвенция о запрете химического оружия", None),  # no sanction
    ],
)
def test_deal_type_comes_from_the_kind_or_the_title(relation, attribute, types):
    deal_row = row(relation, "Газпром", 5, "ORG", obj="Украина", object_id=6, object_type="STATE")
    doc = make_doc(FACTRU_TEXT, FACTRU_MENTIONS, [{**deal_row, "attribute": attribute}])
    (deal,) = facts.predicted_facts(doc)
    given = [a.texts for a in deal.arguments if a.role == "type"]
    assert given == ([types] if types else [])


def test_a_type_alone_joins_no_facts():
    gold = Fact(
        DEAL, (entity("participant", (0, 5)), Argument("type", "string", texts=("купля/продажа",)))
    )
    same_type = Fact(
        DEAL,
        (entity("participant", (50, 55)), Argument("type", "string", texts=("купля/продажа",))),
    )
    assert not gold.can_match(same_type)
    assert gold.can_match(Fact(DEAL, (entity("participant", (0, 5)),)))
