import pytest

from pipeline.lemmas import lemmatize, restore_case


@pytest.mark.parametrize(
    ("sentence", "word", "lemma"),
    [
        ("Касым-Жомарт Токаев прибыл в Душанбе.", "Токаев", "Токаев"),  # not "токай"
        ("Встреча с Токаевым прошла в Душанбе.", "Токаевым", "Токаев"),
        ("Президенты подписали договор.", "подписали", "подписать"),
        ("Президенты подписали договор.", "Президенты", "президент"),
        ("Цены на сталь стали выше.", "стали", "стать"),
        ("Завод выпускает листы из стали.", "стали", "сталь"),
        ("Лидеры обсудили вопросы в Москве.", "Москве", "Москва"),
        ("Об этом сообщил МИД РФ.", "РФ", "РФ"),
        ("Министры иностранных дел встретились.", "иностранных", "иностранный"),
        ("Он пришёл.", "Он", "он"),
    ],
)
def test_lemma_in_context(nlp, sentence, word, lemma):
    token = next(token for token in nlp(sentence) if token.text == word)
    assert token.lemma_ == lemma


@pytest.mark.parametrize(
    ("text", "pos", "case", "lemma"),
    [
        ("Рахмону", "PROPN", "Dat", "Рахмон"),
        ("Кунанбаева", "PROPN", "Gen", "Кунанбаев"),
        ("договоров", "NOUN", "Gen", "договор"),
        ("2024", "NUM", "", "2024"),
        ("«", "PUNCT", "", "«"),
    ],
)
def test_lemmatize_word(text, pos, case, lemma):
    assert lemmatize(text, pos, case) == lemma


@pytest.mark.parametrize(
    ("lemma", "text", "expected"),
    [
        ("москва", "Москве", "Москва"),
        ("мид", "МИД", "МИД"),
        ("санкт-петербург", "Санкт-Петербурга", "Санкт-Петербург"),
        ("договор", "договора", "договор"),
    ],
)
def test_restore_case(lemma, text, expected):
    assert restore_case(lemma, text) == expected
