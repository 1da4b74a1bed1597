"""Entity typing rules: (sentence, expected typed mentions) tables in real news style."""

import pytest

from pipeline.schema import MENTIONS_KEY


def mentions(nlp, text):
    doc = nlp(text)
    return {(m.text, m.label_, m._.norm, m._.code, m._.kind) for m in doc.spans[MENTIONS_KEY]}


def typed(nlp, text):
    doc = nlp(text)
    return {(m.text, m.label_) for m in doc.spans[MENTIONS_KEY]}


# fmt: off
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # states by name, official name, abbreviation, in any case
        (
            "Делегация прибыла в Республику Казахстан.",
            ("Республику Казахстан", "STATE", "Казахстан", "KAZ", "name"),
        ),
        ("Санкции РФ против США продлены.", ("РФ", "STATE", "Россия", "RUS", "name")),
        ("Санкции РФ против США продлены.", ("США", "STATE", "США", "USA", "name")),
        (
            "Посол Соединённых Штатов вызван в МИД.",
            ("Соединённых Штатов", "STATE", "США", "USA", "name"),
        ),
        ("КНДР провела испытания.", ("КНДР", "STATE", "КНДР", "PRK", "name")),
        (
            "Переговоры с Таджикистаном завершились.",
            ("Таджикистаном", "STATE", "Таджикистан", "TJK", "name"),
        ),
        # states by adjective
        (
            "Президент поблагодарил таджикскую сторону.",
            ("таджикскую", "STATE", "Таджикистан", "TJK", "adjective"),
        ),
        (
            "Российский президент выступил с речью.",
            ("Российский", "STATE", "Россия", "RUS", "adjective"),
        ),
        # places, with nominative names
        ("Бюст установлен в центре Душанбе.", ("Душанбе", "PLACE", "Душанбе", None, "name")),
        (
            "Стабильность во всем Центральноазиатском регионе важна.",
            ("Центральноазиатском регионе", "PLACE", "Центральноазиатский регион", None, "name"),
        ),
        ("Саммит прошёл в Гонконге.", ("Гонконге", "PLACE", "Гонконг", None, "name")),
        ("Новый музей открылся в Европе.", ("Европе", "PLACE", "Европа", None, "name")),
        ("Московский суд вынес приговор.", ("Московский", "PLACE", "Москва", None, "adjective")),
        # organisations
        ("Фото пресс-службы Акорды", ("Акорды", "ORG", "Акорда", None, "name")),
        (
            "Прошло заседание Межправительственной комиссии.",
            ("Межправительственной комиссии", "ORG", "Межправительственная комиссия", None, "name"),
        ),
        (
            "Заявление МИД России опубликовано.",
            ("МИД России", "ORG", "Министерство иностранных дел России", None, "name"),
        ),
        (
            "Правительство одобрило законопроект.",
            ("Правительство", "ORG", "Правительство", None, "descriptor"),
        ),
        # persons, in the nominative
        (
            "Бюст Абая Кунанбаева установили в Душанбе.",
            ("Абая Кунанбаева", "PERSON", "Абай Кунанбаев", None, "name"),
        ),
        (
            "Встреча с Анной Ахматовой прошла в Москве.",
            ("Анной Ахматовой", "PERSON", "Анна Ахматова", None, "name"),
        ),
        (
            "Переговоры с Си Цзиньпином продлились час.",
            ("Си Цзиньпином", "PERSON", "Си Цзиньпин", None, "name"),
        ),
        ("Памятник Юрию Долгорукому стоит в Москве.", ("Юрию Долгорукому", "PERSON", "Юрий Долгорукий", None, "name")),
        ("Книги Льва Толстого переведены.", ("Льва Толстого", "PERSON", "Лев Толстой", None, "name")),
        # a company name in an oblique case, its noun misread as a verb ("стали")
        ("Он был замгендиректора «Уральской стали».", ("Уральской стали", "ORG", "Уральская сталь", None, "name")),
        # datelines in capitals; the outlet between slashes
        ("КИЕВ, 5 мая /ТАСС/. Делегация прибыла.", ("КИЕВ", "PLACE", "Киев", None, "name")),
        ("КИЕВ, 5 мая /ТАСС/. Делегация прибыла.", ("ТАСС", "ORG", "ТАСС", None, "name")),
        # a Latin look-alike letter inside a Russian word
        ("Он был одним из лидеров Католичеcкой церкви.", ("Католичеcкой церкви", "ORG", "Католическая церковь", None, "name")),
        # an institution keeps the state its adjective names
        ("Российская академия наук выступила с заявлением.", ("Российская", "STATE", "Россия", "RUS", "adjective")),
        ("Его назначили вице-президентом Иранской национальной газовой компании.", ("Иранской", "STATE", "Иран", "IRN", "adjective")),
    ],
)
# fmt: on
def test_typed_mention(nlp, text, expected):
    assert expected in mentions(nlp, text)


# fmt: off
@pytest.mark.parametrize(
    ("text", "absent"),
    [
        # a title alone is not a person; a title is not part of the name
        ("Президент поблагодарил таджикскую сторону.", ("Президент", "PERSON")),
        ("Император Акихито отрёкся от престола.", ("Император Акихито", "PERSON")),
        ("Об этом сообщают СМИ.", ("СМИ", "ORG")),
        # a language is not a state
        ("Он свободно говорит на английском языке.", ("английском", "STATE")),
        # a common word that is also a country's name
        ("Того же мнения придерживаются эксперты.", ("Того", "STATE")),
        # generic plural organisations
        ("Решения на контроле правительств двух стран.", ("правительств", "ORG")),
        # an adjective that a name or a title borrows is no mention of its place or state
        ("Он был замгендиректора «Уральской стали».", ("Уральской", "PLACE")),
        ("Папа Римский Франциск прибыл в Ватикан.", ("Римский", "PLACE")),
        ("Он командовал войсками 1-го Украинского фронта.", ("Украинского", "STATE")),
        ("Войска 1-го Украинского фронта наступали.", ("Украинского", "STATE")),
        # the head of a longer place name is not a place of its own
        ("Беседа прошла в Латинской Америке.", ("Америке", "STATE")),
        ("Стрельба произошла в канадской провинции Новая Шотландия.", ("Шотландия", "STATE")),
        # an event named after a place, a lone compound adjective
        ("Приднестровский конфликт обсудили в Кишинёве.", ("Приднестровский конфликт", "PLACE")),
        ("Заседание Российско-Экваториальногвинейской комиссии прошло в Москве.", ("Российско-Экваториальногвинейской", "PLACE")),
        # a family after "эпоха", "династия"
        ("Супруги арендовали особняк в стиле эпохи Тюдоров в Вашингтоне.", ("Тюдоров", "PLACE")),
        # common words capitalised at the start of a sentence
        ("Металлургической отрасли Варичев отдал около 30 лет.", ("Металлургической отрасли", "ORG")),
        ("Киноистория будет сделана как один день из жизни героини.", ("Киноистория", "PERSON")),
        # the script change inside a word is no name
        ("Он был одним из лидеров Католичеcкой церкви.", ("Католиче", "PERSON")),
    ],
)
# fmt: on
def test_not_a_mention(nlp, text, absent):
    assert absent not in typed(nlp, text)


def test_title_is_stripped_from_the_person(nlp):
    assert ("Акихито", "PERSON") in typed(nlp, "Император Акихито отрёкся от престола.")


def test_gloss_in_parentheses_is_its_own_mention(nlp):
    found = typed(nlp, "Рэпер Джей Зи (Jay Z) выпустил альбом.")
    assert ("Джей Зи", "PERSON") in found
    assert ("Jay Z", "PERSON") in found


def test_state_nested_in_organisation(nlp):
    found = typed(nlp, "Представитель Министерства обороны Украины отказался от комментариев.")
    assert ("Министерства обороны Украины", "ORG") in found
    assert ("Украины", "STATE") in found


# fmt: off
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Министерство обороны сообщило о начале учений.", "Министерство обороны"),
        ("Токаев провёл переговоры в Душанбе.", "Токаев"),
        ("Мадонна сообщила, что собирается подыскать новый дом.", "Мадонна"),
        ("Первый канал отменил итоги голосования.", "Первый канал"),
        ("ФИФА: Роналду — лучший футболист года.", "ФИФА"),
        ("Росавтодору придётся ответить в суде.", "Росавтодору"),
    ],
)
# fmt: on
def test_sentence_initial_names_stay(nlp, text, name):
    assert name in {mention_text for mention_text, _ in typed(nlp, text)}


def test_ents_are_the_outermost_mentions(nlp):
    doc = nlp("Заявление МИД России опубликовано.")
    assert [(e.text, e.label_) for e in doc.ents] == [("МИД России", "ORG")]


# fmt: off
@pytest.mark.parametrize(
    ("text", "word", "label"),
    [
        # the short name in parentheses after an organisation is that organisation
        ("Федеральная служба по ветеринарному и фитосанитарному надзору России (Россельхознадзор) провела переговоры.", "Россельхознадзор", "ORG"),
        # a city in parentheses stays a place
        ("Компания «Газпром» (Москва) сообщила о росте.", "Москва", "PLACE"),
    ],
)
# fmt: on
def test_a_gloss_in_parentheses_after_an_organisation(nlp, text, word, label):
    doc = nlp(text)
    assert [m.label_ for m in doc.spans["mentions"] if m.text == word] == [label]
