import pytest

from pipeline.schema import NER_SPANS_KEY
from pipeline.slovnet import bio_spans, repair_tree


def test_morphology_and_syntax_of_the_seed_lead(nlp):
    doc = nlp("Касым-Жомарт Токаев и Эмомали Рахмон подписали договор.")
    by_text = {token.text: token for token in doc}
    assert by_text["подписали"].pos_ == "VERB"
    assert by_text["подписали"].dep_ == "root"
    assert by_text["договор"].head.text == "подписали"
    assert by_text["договор"].dep_ == "obj"
    assert by_text["Токаев"].pos_ == "PROPN"
    assert by_text["Токаев"].morph.get("Case") == ["Nom"]
    assert by_text["Рахмон"].head.text in {"Эмомали", "Токаев", "Касым-Жомарт"}


def test_ner_tags_names_on_our_tokens(nlp):
    doc = nlp("Владимир Путин прилетел в Пекин на переговоры с руководством Газпрома.")
    raw = {(span.text, span.label_) for span in doc.spans[NER_SPANS_KEY]}
    assert ("Владимир Путин", "PER") in raw
    assert ("Пекин", "LOC") in raw
    assert ("Газпрома", "ORG") in raw


def test_each_sentence_is_one_tree_and_sentences_are_kept(nlp):
    text = "Заголовок без точки\nПервое предложение тут. Второе — там!\n\nТретье"
    doc = nlp(text)
    sentences = [sent for sent in doc.sents if sent.text.strip()]
    assert [s.text.strip() for s in sentences] == [
        "Заголовок без точки",
        "Первое предложение тут.",
        "Второе — там!",
        "Третье",
    ]
    for sent in sentences:
        roots = [token for token in sent if token.head == token and not token.is_space]
        assert len(roots) == 1


def test_pipe_batches_give_the_same_result_as_one_by_one(nlp):
    texts = ["Путин встретился с Си Цзиньпином.", "Лавров прибыл в Минск.", "", "Да."]
    batched = list(nlp.pipe(texts, batch_size=4))
    for text, doc in zip(texts, batched, strict=True):
        single = nlp(text)
        assert [(t.pos_, t.dep_, t.head.i) for t in doc] == [
            (t.pos_, t.dep_, t.head.i) for t in single
        ]
        assert [(s.start, s.end, s.label_) for s in doc.spans[NER_SPANS_KEY]] == [
            (s.start, s.end, s.label_) for s in single.spans[NER_SPANS_KEY]
        ]


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["B-PER", "I-PER", "O", "B-LOC"], [(0, 2, "PER"), (3, 4, "LOC")]),
        (["I-ORG", "I-ORG"], [(0, 2, "ORG")]),
        (["B-PER", "B-PER"], [(0, 1, "PER"), (1, 2, "PER")]),
        (["B-PER", "I-LOC"], [(0, 1, "PER"), (1, 2, "LOC")]),
        ([], []),
    ],
)
def test_bio_spans(tags, expected):
    assert list(bio_spans(tags)) == expected


@pytest.mark.parametrize(
    ("heads", "expected"),
    [
        ([2, 0, 2], [2, 0, 2]),  # already a tree
        ([0, 0, 2], [0, 1, 2]),  # a second root hangs on the first
        ([2, 3, 2], [0, 1, 2]),  # a cycle without a root: the first word becomes it
        ([1, 0], [2, 0]),  # a self-loop is cut
    ],
)
def test_repair_tree(heads, expected):
    repaired, rels = repair_tree(heads, ["x"] * len(heads))
    assert repaired == expected
    assert rels.count("root") == 1
