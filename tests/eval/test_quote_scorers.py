"""Quote scorers: ADAQ token alignment and token-level scoring (quote-mark rule included), the
RuOpinionNE reader, selection and speaker-vs-holder counts on hand-made data, and two runs on the
real corpora that check only that the counts add up (no quality floors while the stage grows)."""

from __future__ import annotations

import json

import pytest
import spacy
from conftest import dataset
from spacy.tokens import Doc

import pipeline.linking  # noqa: F401  (registers span._.entity_id)
from pipeline.entities import MENTIONS_KEY
from ru_news_eval import adaq, opinion
from ru_news_eval.adaq import GoldSentence, GoldToken, align_tokens

if not Doc.has_extension("quotes"):
    Doc.set_extension("quotes", default=[])

BLANK = spacy.blank("ru")


def make_doc(text: str, quotes: list[dict], lemmas: dict[str, str] | None = None) -> Doc:
    doc = BLANK(text)
    doc._.quotes = quotes
    for token in doc:
        token.lemma_ = (lemmas or {}).get(token.text, token.text.lower())
    return doc


def quote(text: str, content: str, kind: str = "direct", speaker: str | None = None, cue=None):
    """A quote record as the quotes stage writes it, located by its words in text."""
    start = text.index(content)
    record = {
        "quote_id": 0,
        "kind": kind,
        "start": start,
        "end": start + len(content),
        "text": content,
        "speaker": None,
        "speaker_id": None,
        "speaker_text": speaker,
        "speaker_start": text.index(speaker) if speaker else None,
        "speaker_end": text.index(speaker) + len(speaker) if speaker else None,
        "cue": None,
        "cue_start": text.index(cue) if cue else None,
        "cue_end": text.index(cue) + len(cue) if cue else None,
        "sentence_id": 0,
    }
    return record


def gold_sentence(text: str, tagged: list[tuple[str, str]]) -> GoldSentence:
    offsets = align_tokens(text, [word for word, _ in tagged])
    tokens = tuple(
        GoldToken(i, word, tag, *(bounds or (None, None)))
        for i, ((word, tag), bounds) in enumerate(zip(tagged, offsets, strict=True), start=1)
    )
    return GoldSentence(f"s{len(text)}", text, tokens)


def by_type(scores) -> dict:
    return {score.type: score for score in scores}


# --- ADAQ: alignment ---------------------------------------------------------------------------


def test_align_tokens_places_words_in_order_with_quote_marks():
    text = '"Он не виноват", - сказал дед.'
    words = ['"', "Он", "не", "виноват", '"', ",", "-", "сказал", "дед", "."]
    offsets = align_tokens(text, words)
    assert [text[a:b] for a, b in offsets] == words
    assert offsets[4] == (14, 15)  # the closing mark, not the opening one again


def test_align_tokens_skips_a_word_missing_from_the_text_and_recovers():
    text = "Мама сказала: попробуй."
    offsets = align_tokens(text, ["Мама", "говорила", "сказала", ":", "попробуй", "."])
    assert offsets[1] is None
    assert [text[a:b] for a, b in (o for o in offsets if o)] == [
        "Мама",
        "сказала",
        ":",
        "попробуй",
        ".",
    ]


def test_align_tokens_does_not_jump_over_text_after_a_placed_word():
    # "а" occurs inside "сказала"; the second "а" must not be found past unmatched text
    offsets = align_tokens("Мама сказала", ["Мама", "а"])
    assert offsets == [(0, 4), None]


def test_read_corpus_reads_csv_quoted_tsv(tmp_path):
    (tmp_path / "ru_sentences.tsv").write_text(
        'sentences\tsentence_id\n"""Да"", - сказал он."\tx.xml_1\nОн молчал.\tx.xml_2\n',
        encoding="utf-8",
    )
    rows = [
        ("да", '""""', 1, "content"),
        ("да", "Да", 2, "content"),
        ('""""', '""""', 3, "content"),
        (",", ",", 4, "None"),
        ("-", "-", 5, "None"),
        ("сказать", "сказал", 6, "cue"),
        ("он", "он", 7, "source"),
        (".", ".", 8, "None"),
    ]
    lines = ["lemmas\ttext\tsentence_num\tindex_of_token_sent\ttags"]
    lines += [f"{lemma}\t{text}\tx.xml_1\t{i}\t{tag}" for lemma, text, i, tag in reversed(rows)]
    lines += [
        "он\tОн\tx.xml_2\t1\tNone",
        "молчать\tмолчал\tx.xml_2\t2\tNone",
        ".\t.\tx.xml_2\t3\tNone",
    ]
    (tmp_path / "ru_tokens.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    first, second = adaq.read_corpus(tmp_path)
    assert first.text == '"Да", - сказал он.'
    assert [t.text for t in first.tokens] == ['"', "Да", '"', ",", "-", "сказал", "он", "."]
    assert [(t.start, t.end) for t in first.tokens[:3]] == [(0, 1), (1, 3), (3, 4)]
    assert first.has_quote and not second.has_quote
    counts = adaq.summary([first, second])
    assert counts["tokens"] == 11 and counts["unaligned_tokens"] == 0
    assert (counts["gold_content"], counts["gold_cue"], counts["gold_source"]) == (3, 1, 1)


# --- ADAQ: token-level scoring -----------------------------------------------------------------

DIRECT = "«Это важно», — сказал министр Иванов."
DIRECT_GOLD = [
    ("«", "content"),
    ("Это", "content"),
    ("важно", "content"),
    ("»", "content"),
    (",", "None"),
    ("—", "None"),
    ("сказал", "cue"),
    ("министр", "source"),
    ("Иванов", "source"),
    (".", "None"),
]
PLAIN = "Погода была хорошая."
PLAIN_GOLD = [("Погода", "None"), ("была", "None"), ("хорошая", "None"), (".", "None")]


def test_direct_quote_takes_in_its_quote_marks_as_content():
    gold = [gold_sentence(DIRECT, DIRECT_GOLD)]
    ours = quote(DIRECT, "Это важно", "direct", speaker="Иванов", cue="сказал")
    scores = by_type(adaq.score_documents(gold, [make_doc(DIRECT, [ours])]))
    assert (scores["content"].tp, scores["content"].fp, scores["content"].fn) == (4, 0, 0)
    assert (scores["cue"].tp, scores["cue"].fp, scores["cue"].fn) == (1, 0, 0)
    assert (scores["source"].tp, scores["source"].fp, scores["source"].fn) == (1, 0, 1)
    assert scores["source"].precision == 1.0 and scores["source"].recall == 0.5


def test_indirect_quote_does_not_take_in_neighbouring_quote_marks():
    gold = [gold_sentence(DIRECT, DIRECT_GOLD)]
    ours = quote(DIRECT, "Это важно", "indirect", speaker="министр Иванов", cue="сказал")
    scores = by_type(adaq.score_documents(gold, [make_doc(DIRECT, [ours])]))
    assert (scores["content"].tp, scores["content"].fn) == (2, 2)
    assert (scores["source"].tp, scores["source"].fp, scores["source"].fn) == (2, 0, 0)


def test_quote_marks_separated_by_space_are_taken_in():
    text = "Он сказал: « Это важно » ."
    start, end = adaq._widen_to_quote_marks(text, text.index("Это"), text.index(" »"))
    assert text[start:end] == "« Это важно »"
    # nothing to take in: the span stays
    assert adaq._widen_to_quote_marks("а б в", 2, 3) == (2, 3)


def test_partial_overlap_counts_a_token_and_spurious_quotes_are_false_positives():
    gold = [gold_sentence(DIRECT, DIRECT_GOLD), gold_sentence(PLAIN, PLAIN_GOLD)]
    # content ends inside "важно"; the speaker words cover the comma and dash too
    partial = quote(DIRECT, "Это ва", "indirect", speaker="», — сказал", cue=None)
    spurious = quote(PLAIN, "была хорошая", "indirect", speaker="Погода", cue="была")
    docs = [make_doc(DIRECT, [partial]), make_doc(PLAIN, [spurious])]
    scores = by_type(adaq.score_documents(gold, docs))
    assert (scores["content"].tp, scores["content"].fp, scores["content"].fn) == (2, 2, 2)
    # "»" "," "—" "сказал" as source: all wrong; "Погода" wrong too; gold sources missed
    assert (scores["source"].tp, scores["source"].fp, scores["source"].fn) == (0, 5, 2)
    assert (scores["cue"].tp, scores["cue"].fp, scores["cue"].fn) == (0, 1, 1)
    quote_row, none_row = scores[adaq.SENTENCE_QUOTE], scores[adaq.SENTENCE_NONE]
    assert (quote_row.tp, quote_row.fp, quote_row.fn) == (1, 1, 0)
    assert (none_row.tp, none_row.fp, none_row.fn) == (0, 0, 1)


def test_no_quotes_means_all_gold_tokens_missed_and_sentence_macro_f1():
    gold = [gold_sentence(DIRECT, DIRECT_GOLD), gold_sentence(PLAIN, PLAIN_GOLD)]
    scores = adaq.score_documents(gold, [make_doc(DIRECT, []), make_doc(PLAIN, [])])
    rows = by_type(scores)
    assert [(rows[label].tp, rows[label].fn) for label in adaq.LABELS] == [(0, 2), (0, 1), (0, 4)]
    assert (rows[adaq.SENTENCE_NONE].tp, rows[adaq.SENTENCE_NONE].fp) == (1, 1)
    # quote class F1 0, no-quote class P 0.5 R 1 → F1 2/3; macro 1/3
    assert adaq.sentence_macro_f1(scores) == pytest.approx(1 / 3)


def test_documents_must_match_the_gold_sentences():
    with pytest.raises(ValueError):
        adaq.score_documents([gold_sentence(PLAIN, PLAIN_GOLD)], [make_doc("Другой текст.", [])])


# --- RuOpinionNE: reading, selection, speaker vs holder ----------------------------------------


def spans(text: str, *words: str) -> list[list[str]]:
    return [list(words), [f"{text.index(w)}:{text.index(w) + len(w)}" for w in words]]


def opinion_record(sent_id, text, *opinions):
    return {"sent_id": sent_id, "text": text, "opinions": list(opinions)}


def tuple_(text, holder, target, expression, polarity="NEG"):
    source = [[holder], ["0:0"]] if holder in ("NULL", "AUTHOR") else spans(text, holder)
    return {
        "Source": source,
        "Target": spans(text, target),
        "Polar_expression": spans(text, expression),
        "Polarity": polarity,
    }


SAID = "Министр Иванов заявил, что реформа провалилась."
NEUTRAL = "Реформа провалилась, сообщил источник."
NO_VERB = "Иванов критикует реформу."


def write_jsonl(path, records):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", "utf-8")


def test_read_split_keeps_only_opinions_with_an_explicit_holder(tmp_path):
    write_jsonl(
        tmp_path / "train.jsonl",
        [
            opinion_record(0, SAID, tuple_(SAID, "Иванов", "реформа", "провалилась")),
            opinion_record(1, NEUTRAL, tuple_(NEUTRAL, "NULL", "Реформа", "провалилась")),
            opinion_record(2, NO_VERB, tuple_(NO_VERB, "AUTHOR", "реформу", "критикует")),
            opinion_record(3, NO_VERB, tuple_(NO_VERB, "Иванов", "реформу", "критикует")),
            opinion_record(4, "Пусто.", *[]),
        ],
    )
    write_jsonl(tmp_path / "validation_labeled.jsonl", [])
    gold = opinion.read_corpus(tmp_path)
    assert [(g.split, g.sent_id) for g in gold] == [("train", 0), ("train", 3)]
    first = gold[0].opinions[0]
    assert SAID[slice(*first.holder[0])] == "Иванов"
    assert SAID[slice(*first.expressions[0])] == "провалилась"
    assert opinion.parse_spans([["NULL"], ["0:0"]]) == ()
    with pytest.raises(FileNotFoundError):
        opinion.read_corpus(tmp_path / "absent")


def test_selection_needs_a_speech_verb_lemma_and_honours_the_limit(tmp_path):
    records = [
        opinion_record(0, SAID, tuple_(SAID, "Иванов", "реформа", "провалилась")),
        opinion_record(1, NO_VERB, tuple_(NO_VERB, "Иванов", "реформу", "критикует")),
        opinion_record(2, SAID, tuple_(SAID, "Министр", "реформа", "провалилась")),
    ]
    write_jsonl(tmp_path / "train.jsonl", records)
    write_jsonl(tmp_path / "validation_labeled.jsonl", [])
    gold = opinion.read_corpus(tmp_path)
    docs = [make_doc(g.text, [], {"заявил": "заявить"}) for g in gold]
    assert [g.sent_id for g, _ in opinion.select(gold, docs)] == [0, 2]
    assert [g.sent_id for g, _ in opinion.select(gold, docs, limit=1)] == [0]
    scores = opinion.score_documents(gold, docs, limit=1)
    assert (scores.sentences, scores.selected, scores.holders) == (1, 1, 1)


def scored(text, opinions, quotes, mentions=()):
    gold = opinion.GoldSentence("train", 0, text, tuple(opinions))
    doc = make_doc(text, quotes)
    spans_ = []
    for words, entity_id in mentions:
        start = text.index(words)
        span = doc.char_span(start, start + len(words), label="PERSON")
        span._.entity_id = entity_id
        spans_.append(span)
    doc.spans[MENTIONS_KEY] = spans_
    return opinion.score_sentence(gold, doc)


def gold_opinion(text, holder, target, expression):
    def at(word):
        return ((text.index(word), text.index(word) + len(word)),)

    return opinion.Opinion(at(holder), holder, at(target), at(expression), "NEG")


def test_speaker_words_overlapping_the_holder_are_correct():
    op = gold_opinion(SAID, "Иванов", "реформа", "провалилась")
    ours = quote(SAID, "реформа провалилась", "indirect", speaker="Министр Иванов", cue="заявил")
    result = scored(SAID, [op], [ours])
    assert result.status["attributed"] == 1
    assert (result.correct_pairs, result.pairs, result.correct_holders) == (1, 1, 1)
    assert result.precision == 1.0 and result.coverage == 1.0 and result.holder_recall == 1.0


def test_speaker_entity_mentions_count_and_a_wrong_speaker_does_not():
    text = "Иванов выступил. Он заявил, что реформа провалилась."
    op = gold_opinion(text, "Иванов", "реформа", "провалилась")
    by_entity = quote(text, "реформа провалилась", "indirect", speaker="Он", cue="заявил")
    by_entity["speaker_id"] = 7
    result = scored(text, [op], [by_entity], mentions=[("Иванов", 7), ("Он", 7)])
    assert (result.correct_pairs, result.pairs) == (1, 1)
    wrong = dict(by_entity, speaker_id=8)
    result = scored(text, [op], [wrong], mentions=[("Иванов", 7), ("Он", 8)])
    assert (result.correct_pairs, result.pairs, result.correct_holders) == (0, 1, 0)
    assert result.status["attributed"] == 1 and result.coverage == 1.0


def test_holder_inside_the_content_is_embedded_not_scored():
    text = "Как сообщил источник, вчера Петров уволил главу администрации."
    op = gold_opinion(text, "Петров", "главу администрации", "уволил")
    ours = quote(text, "вчера Петров уволил главу администрации", "indirect", speaker="источник")
    result = scored(text, [op], [ours])
    assert result.status["embedded"] == 1 and result.scored == 0 and result.pairs == 0


def test_no_quote_unattributed_and_target_fallback():
    op = gold_opinion(SAID, "Иванов", "реформа", "провалилась")
    assert scored(SAID, [op], []).status["no_quote"] == 1
    unattributed = quote(SAID, "реформа провалилась", "indirect")
    assert scored(SAID, [op], [unattributed]).status["unattributed"] == 1
    # the expression lies outside our content, the target inside: matched through the target
    outside = gold_opinion(SAID, "Иванов", "реформа", "заявил")
    ours = quote(SAID, "реформа", "indirect", speaker="Иванов")
    result = scored(SAID, [outside], [ours])
    assert (result.correct_pairs, result.pairs) == (1, 1)


def test_opinions_of_one_holder_are_one_holder():
    text = "Иванов заявил, что реформа провалилась и бюджет разорён."
    ops = [
        gold_opinion(text, "Иванов", "реформа", "провалилась"),
        gold_opinion(text, "Иванов", "бюджет", "разорён"),
    ]
    ours = quote(text, "реформа провалилась и бюджет разорён", "indirect", speaker="Иванов")
    result = scored(text, ops, [ours])
    assert (result.holders, result.pairs, result.correct_pairs) == (1, 1, 1)
    frame = opinion.scores_frame(result)
    assert frame.set_index("metric").loc["precision", "value"] == 1.0


# --- real corpora: the scorers run end to end and the counts add up ----------------------------


@pytest.mark.gold
def test_adaq_first_sentences_counts_add_up(nlp):
    folder = dataset("adaq_ru_quotes")
    scores = by_type(adaq.evaluate(nlp, folder, limit=20))
    counts = adaq.summary(adaq.read_corpus(folder)[:20])
    assert counts["sentences"] == 20 and counts["unaligned_tokens"] == 0
    for label in adaq.LABELS:
        assert scores[label].tp + scores[label].fn == counts[f"gold_{label}"]
    quote_row, none_row = scores[adaq.SENTENCE_QUOTE], scores[adaq.SENTENCE_NONE]
    assert quote_row.tp + quote_row.fn == counts["quote_sentences"]
    assert quote_row.tp + quote_row.fp + quote_row.fn + none_row.tp == 20


@pytest.mark.gold
def test_adaq_full_gold_counts():
    counts = adaq.summary(adaq.read_corpus(dataset("adaq_ru_quotes")))
    assert counts == {
        "sentences": 208,
        "tokens": 4392,
        "unaligned_tokens": 0,
        "gold_source": 198,
        "gold_cue": 126,
        "gold_content": 1507,
        "quote_sentences": 100,
    }


@pytest.mark.gold
def test_ruopinionne_first_sentences_counts_add_up(nlp):
    scores = opinion.evaluate(nlp, dataset("ruopinionne2024"), limit=20)
    assert scores.selected == 20 and scores.sentences >= 20
    assert scores.holders == sum(scores.status[s] for s in opinion.STATUSES)
    assert scores.correct_holders <= scores.status["attributed"] <= scores.pairs
    assert scores.correct_pairs <= scores.pairs


def test_a_joint_statement_is_one_prediction_of_the_holder():
    """ "Саудовская Аравия, Египет и ОАЭ объявили": three rows of one quote_group are one
    statement, right for the holder when any of its speakers is the holder."""
    rows = [
        ({"quote_group": 0}, [(0, 16)]),
        ({"quote_group": 0}, [(18, 24)]),
        ({"quote_group": 0}, [(27, 30)]),
        ({"quote_group": 3}, [(40, 45)]),
    ]
    statements = opinion.by_statement(rows)
    assert statements == [[(0, 16), (18, 24), (27, 30)], [(40, 45)]]
