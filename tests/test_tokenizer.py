import pytest
import spacy

from pipeline.tokenizer import RazdelTokenizer, reading_form


@pytest.fixture(scope="module")
def tokenize():
    nlp = spacy.blank("ru")
    return RazdelTokenizer(nlp.vocab)


def sentences(doc):
    return [sent.text.strip() for sent in doc.sents if sent.text.strip()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a headline without a full stop never joins its lead
        (
            "Токаев и Рахмон подписали договор\nПрезиденты провели переговоры.",
            ["Токаев и Рахмон подписали договор", "Президенты провели переговоры."],
        ),
        # a stray line ("0") and a photo caption stay on their own
        ("0\nКасым-Жомарт Токаев прибыл.", ["0", "Касым-Жомарт Токаев прибыл."]),
        (
            "Фото пресс-службы Акорды\nПрезидент Таджикистана подчеркнул важность.",
            ["Фото пресс-службы Акорды", "Президент Таджикистана подчеркнул важность."],
        ),
        # razdel still splits sentences inside a line, and keeps abbreviations
        ("Он приехал. Она ушла.", ["Он приехал.", "Она ушла."]),
        ("В 2024 г. рост составил 5 %.", ["В 2024 г. рост составил 5 %."]),
        ("Заявил В. В. Путин.", ["Заявил В. В. Путин."]),
        # Windows line ends and blank lines
        ("Первая строка\r\n\r\nВторая строка", ["Первая строка", "Вторая строка"]),
    ],
)
def test_line_breaks_end_sentences(tokenize, text, expected):
    assert sentences(tokenize(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n",
        "  Привет.\n\nКак дела?  Хорошо \n",
        "«Цитата», — сказал он.\t\tКонец",
        "a" * 12000,
        "\u2028строка\u2029",
    ],
)
def test_text_and_offsets_are_exact(tokenize, text):
    doc = tokenize(text)
    assert doc.text == text
    for token in doc:
        assert text[token.idx : token.idx + len(token.text)] == token.text


def test_whitespace_other_than_one_space_is_a_token(tokenize):
    doc = tokenize("Москва  и\nКиев")
    assert [token.text for token in doc] == ["Москва", "  ", "и", "\n", "Киев"]
    assert [token.is_space for token in doc] == [False, True, False, True, False]


def test_punctuation_and_hyphenated_names(tokenize):
    doc = tokenize("Касым-Жомарт Токаев: «Мы готовы»")
    assert [token.text for token in doc] == [
        "Касым-Жомарт",
        "Токаев",
        ":",
        "«",
        "Мы",
        "готовы",
        "»",
    ]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("лидеров Католичеcкой церкви", ["лидеров", "Католичеcкой", "церкви"]),  # Latin "c"
        ("компания Apple и МегаФон", ["компания", "Apple", "и", "МегаФон"]),
        ("в своём Telegram-канале", ["в", "своём", "Telegram-канале"]),
    ],
)
def test_latin_look_alikes_stay_inside_their_word(tokenize, text, words):
    assert [token.text for token in tokenize(text) if not token.is_space] == words


@pytest.mark.parametrize(
    ("word", "read_as"),
    [
        ("Католичеcкой", "Католической"),
        ("Apple", "Apple"),
        ("МегаФон", "МегаФон"),
        ("xKOPOШO", "хКОРОШО"),
    ],
)
def test_reading_form(word, read_as):
    assert reading_form(word) == read_as
