"""Entity linking rules: (text, mentions that must name one entity) tables in news style."""

import pytest

from pipeline.linking import NameParts, compatible, parse_name


def entity_of(doc, text):
    """Entity id of the mention with exactly this text (the first one), or None."""
    for mention in doc.spans["mentions"]:
        if mention.text == text:
            return mention._.entity_id
    return None


def entity_names(doc):
    return {(e["type"], e["name"]) for e in doc._.entities}


# fmt: off
@pytest.mark.parametrize(
    ("text", "together"),
    [
        # names: surname, full name, inflected forms
        ("Касым-Жомарт Токаев прибыл в Душанбе. Токаев провёл переговоры.", ["Касым-Жомарт Токаев", "Токаев"]),
        ("Встреча с Эмомали Рахмоном прошла в Душанбе. Эмомали Рахмон заявил об успехе.", ["Эмомали Рахмоном", "Эмомали Рахмон"]),
        ("Ангела Меркель прибыла в Париж. Канцлер Германии Меркель встретилась с журналистами.", ["Ангела Меркель", "Меркель"]),
        # first name and patronymic
        ("Эмомали Рахмон принял гостей. «Спасибо, Эмомали Шарипович», — сказал гость.", ["Эмомали Рахмон", "Эмомали Шарипович"]),
        ("Владимир Путин выступил с речью. Владимир Владимирович подчеркнул важность реформ.", ["Владимир Путин", "Владимир Владимирович"]),
        # a short first name for the one person with that full name
        ("Фильм посвящён жизни Елизаветы Глинки. Съёмки фильма о докторе Лизе начались в Москве.", ["Елизаветы Глинки", "Лизе"]),
        # a surname pymorphy3 does not know, left in an oblique case
        ("Теодор Маккаррик служил в Вашингтоне. По словам Маккаррика, он невиновен.", ["Теодор Маккаррик", "Маккаррика"]),
        # a surname ending like a patronymic
        ("Аркадий Дворкович возглавил фонд. Назначение Дворковича одобрили.", ["Аркадий Дворкович", "Дворковича"]),
        # a Korean name in the genitive
        ("Ким Чен Ын прибыл в Ханой. Трамп ждал Ким Чен Ына в отеле.", ["Ким Чен Ын", "Ким Чен Ына"]),
        # a predicative post goes to the subject of its verb
        # a bare surname is the man named before, not "миссис Обама"
        ("Барак Обама прибыл в Чикаго. Обама выступил с речью. Миссис Обама поддержала мужа.", ["Барак Обама", "Обама"]),
        # initials
        ("Владимир Путин провёл совещание. В. Путин поручил правительству подготовить доклад.", ["Владимир Путин", "В. Путин"]),
        ("Указ подписал В.В. Путин. Владимир Путин прокомментировал решение.", ["В.В. Путин", "Владимир Путин"]),
        # a Latin gloss in parentheses
        ("Рэпер Джей Зи (Jay Z) выпустил альбом.", ["Джей Зи", "Jay Z"]),
        ("Боевики «Исламского государства» (ИГ) отступили.", ["Исламского государства", "ИГ"]),
        # titles in apposition
        ("Президент Таджикистана Эмомали Рахмон провёл встречу.", ["Президент Таджикистана", "Эмомали Рахмон"]),
        ("Глава МИД России Сергей Лавров прибыл в Анкару.", ["Глава МИД России", "Сергей Лавров"]),
        ("Пресс-секретарь Кремля Дмитрий Песков ответил на вопросы.", ["Пресс-секретарь Кремля", "Дмитрий Песков"]),
        ("Сергей Лавров, министр иностранных дел России, заявил о переговорах.", ["Сергей Лавров", "министр иностранных дел России"]),
        ("Встреча с президентом Франции Эммануэлем Макроном прошла в Елисейском дворце.", ["президентом Франции", "Эммануэлем Макроном"]),
        # nominal anaphora by post
        ("Президент Франции Эммануэль Макрон прибыл в Берлин. Президент провёл переговоры.", ["Эммануэль Макрон", "Президент"]),
        ("Премьер-министр Индии Нарендра Моди посетил Москву. Премьер встретился с бизнесменами.", ["Нарендра Моди", "Премьер"]),
        ("Министр финансов Антон Силуанов выступил в Думе. Министр ответил на вопросы депутатов.", ["Антон Силуанов", "Министр"]),
        # nominal anaphora by state adjective
        ("Президент Таджикистана Эмомали Рахмон выступил первым. Затем слово взял таджикский лидер.", ["Эмомали Рахмон", "таджикский лидер"]),
        ("Президент России Владимир Путин и президент Франции Эммануэль Макрон провели переговоры. Французский лидер назвал их полезными.", ["Эммануэль Макрон", "Французский лидер"]),
        ("Канцлер Германии Олаф Шольц и премьер Италии Джорджа Мелони провели встречу. Германский канцлер остался доволен.", ["Олаф Шольц", "Германский канцлер"]),
        # head of state by salience when no post was given yet
        ("Касым-Жомарт Токаев прибыл в Душанбе. Глава государства провёл переговоры.", ["Касым-Жомарт Токаев", "Глава государства"]),
        # the head of a ministry is the minister of its state named before
        ("Министр иностранных дел Армении Арарат Мирзоян встретился с коллегой. Глава МИД Армении прибыл в Тбилиси.", ["Арарат Мирзоян", "Глава МИД Армении"]),
        ("Министр обороны России Андрей Белоусов провел совещание. Глава Минобороны России прибыл в Минск.", ["Андрей Белоусов", "Глава Минобороны России"]),
        # a leader by his state when the text gave him no post: the one person without one
        ("Владимир Путин прибыл в Ташкент. Российский лидер провел переговоры.", ["Владимир Путин", "Российский лидер"]),
        # pronouns: the recent subject of matching gender
        ("Сергей Лавров прибыл в Анкару. Он проведёт переговоры.", ["Сергей Лавров", "Он"]),
        ("Мария Захарова выступила на брифинге. Она прокомментировала заявление.", ["Мария Захарова", "Она"]),
        ("Мария Захарова и Сергей Лавров прибыли в Анкару. Она прокомментировала заявление.", ["Мария Захарова", "Она"]),
        ("Касым-Жомарт Токаев подчеркнул важность визита. В этом контексте он обратил внимание на договор.", ["Касым-Жомарт Токаев", "он"]),
        # a pronoun that is no subject: the person named in another role before it
        ("Дональд Трамп заявил, что знает, как обстоят дела у Ким Чен Ына, и надеется, что с ним все в порядке.", ["Ким Чен Ына", "ним"]),
        ("Фильм снят по воспоминаниям Елизаветы Глинки и ее друзей.", ["Елизаветы Глинки", "ее"]),
        ("Идея принадлежит продюсеру Александру Бондареву, который был другом Елизаветы Глинки и работал в её фонде.", ["Елизаветы Глинки", "её"]),
        # a subject pronoun: the person in apposition to the subject of the sentence before
        ("Актриса Чулпан Хаматова сыграет главную роль. Режиссёром станет лауреат фестиваля Оксана Карас. Она также написала сценарий.", ["Оксана Карас", "Она"]),
        # states: name, official name, abbreviation, adjective
        ("Республика Казахстан и Таджикистан подписали договор. Казахстан ратифицирует его осенью.", ["Республика Казахстан", "Казахстан"]),
        ("Делегация РФ прибыла в Минск. Россия готова к диалогу.", ["РФ", "Россия"]),
        ("Президент поблагодарил таджикскую сторону. Таджикистан ответил взаимностью.", ["таджикскую", "Таджикистан"]),
        ("Российский президент прибыл в Пекин. Россия и Китай подписали соглашение.", ["Российский", "Россия"]),
        # organisations: nested in a longer name, gazetteer alias
        ("МИД России выступил с заявлением. Позже МИД опубликовал текст.", ["МИД России", "МИД"]),
        ("Госдума приняла закон. Депутаты Государственной думы голосовали единогласно.", ["Госдума", "Государственной думы"]),
        # an organisation with and without its state, by abbreviation and by full name
        ("Минэкономразвития подготовило доклад. Глава Минэкономразвития РФ выступил.", ["Минэкономразвития", "Минэкономразвития РФ"]),
        ("МИД России выступил с заявлением. Министерство иностранных дел РФ опубликовало текст.", ["МИД России", "Министерство иностранных дел РФ"]),
        ("Всемирная организация здравоохранения объявила пандемию. Эксперты ВОЗ согласны.", ["Всемирная организация здравоохранения", "ВОЗ"]),
        ("Генсек НАТО выступил в Брюсселе. Североатлантический альянс усилит группировку.", ["НАТО", "Североатлантический альянс"]),
        # a descriptor noun before a quoted name
        ("Госкорпорация «Росатом» подписала контракт. Глава «Росатома» доволен.", ["Госкорпорация «Росатом»", "Росатома"]),
        ("Партия «Единая Россия» выдвинула кандидатов. «Единая Россия» победила.", ["Партия «Единая Россия", "Единая Россия"]),
    ],
)
# fmt: on
def test_mentions_of_one_entity(nlp, text, together):
    doc = nlp(text)
    ids = [entity_of(doc, mention) for mention in together]
    assert None not in ids, [(m.text, m._.entity_id) for m in doc.spans["mentions"]]
    assert len(set(ids)) == 1, [(m.text, m._.entity_id) for m in doc.spans["mentions"]]


# fmt: off
@pytest.mark.parametrize(
    ("text", "apart"),
    [
        # a surname two people share stays on its own
        ("Александр Иванов и Сергей Иванов пришли. Иванов выступил первым.", ["Александр Иванов", "Сергей Иванов", "Иванов"]),
        # different first names, same surname
        ("Джордж Буш-старший и Джордж Буш пришли.", []),
        # a title in another case than the name is not its title
        ("Во время переговоров с президентом Таджикистана Касым-Жомарт Токаев подчеркнул важность встречи.", ["президентом Таджикистана", "Касым-Жомарт Токаев"]),
        # a post in the instrumental after a verb is the subject's, not the salient person's
        # a short name two people's full names share stays on its own
        ("Александр Бондарев и Александра Петрова пришли на премьеру. Саша улыбнулась.", ["Александр Бондарев", "Саша"]),
        # the same ministry of two states
        ("МИД России выступил с заявлением. МИД Франции возразил.", ["МИД России", "МИД Франции"]),
        # a title of address gives the gender: "миссис Обама" is not Барак Обама
        ("Барак Обама прибыл в Чикаго. Миссис Обама выступила с речью.", ["Барак Обама", "Обама"]),
        # a woman's surname is no oblique form of a man's
        ("Сергей Иванов выступил. Затем слово взяла Иванова.", ["Сергей Иванов", "Иванова"]),
        # two persons of the pronoun's gender as subjects: the pronoun stays unresolved
        ("Сергей Лавров и Антон Силуанов прибыли в Анкару. Он проведёт переговоры.", ["Сергей Лавров", "Антон Силуанов"]),
    ],
)
# fmt: on
def test_mentions_kept_apart(nlp, text, apart):
    doc = nlp(text)
    ids = [entity_of(doc, mention) for mention in apart]
    assert len(set(ids)) == len(ids), [(m.text, m._.entity_id) for m in doc.spans["mentions"]]


# fmt: off
@pytest.mark.parametrize(
    ("text", "unresolved"),
    [
        # two men as subjects before "он"
        ("Сергей Лавров и Антон Силуанов прибыли в Анкару. Он проведёт переговоры.", "Он"),
        # a post with no holder in the text: the post of the president is not a person
        ("Пост президента остаётся вакантным.", "президента"),
        # "она" with no woman before it
        ("Сергей Лавров прибыл в Анкару. Она встретила его в аэропорту.", "Она"),
        # a minister with no minister named before
        ("Касым-Жомарт Токаев прибыл в Душанбе. Министр ответил на вопросы.", "Министр"),
        # a post held now is not the former president's
        ("Бывший президент США Барак Обама купил дом. Среди соседей Обамы — дочь действующего президента Иванка Трамп.", "президента"),
        # another ministry, or the same ministry of another state
        ("Министр обороны России Андрей Белоусов провел совещание. Глава МИД России прибыл в Минск.", "Глава МИД России"),
        ("Министр обороны России Андрей Белоусов провел совещание. Глава Минобороны Белоруссии прибыл в Минск.", "Глава Минобороны Белоруссии"),
        # two persons without a post before a leader named by his state
        ("Владимир Путин прибыл в Ташкент. Туда же прилетел Токаев. Российский лидер провел переговоры.", "Российский лидер"),
        # generic plural heads of state
        ("Главы государств обсудили ситуацию в регионе.", "Главы государств"),
    ],
)
# fmt: on
def test_unresolved_references_are_left_out(nlp, text, unresolved):
    doc = nlp(text)
    assert entity_of(doc, unresolved) is None


def test_positions_on_entities(nlp):
    doc = nlp("Президент Таджикистана Эмомали Рахмон принял гостей. Глава МИД России Сергей Лавров прибыл.")
    entities = {e["name"]: e for e in doc._.entities}
    assert (entities["Эмомали Рахмон"]["position"], entities["Эмомали Рахмон"]["position_of"]) == ("президент", "Таджикистан")
    assert entities["Сергей Лавров"]["position"] == "глава"
    assert entities["Сергей Лавров"]["position_of"] == "МИД России"


# fmt: off
@pytest.mark.parametrize(
    ("text", "name", "canonical"),
    [
        # the short name the text uses, the gazetteer's name for the corpus key
        ("Россия, ЕС и Украина подписали протокол. ЕС готов продолжить.", "ЕС", "Европейский союз"),
        ("Евросоюз ввёл пошлины. Решение Евросоюза вступит в силу.", "Евросоюз", "Европейский союз"),
        # a one-word name before an acronym the text uses as often or more
        ("Украина и ЕС подписали соглашение. Евросоюз доволен, ЕС готов к работе.", "Евросоюз", "Европейский союз"),
        # an acronym the gazetteer lists under a one-word name reads as that name
        ("Украина, Россия и ЕК подписали документы. ЕК готова продолжить.", "Еврокомиссия", "Еврокомиссия"),
        # the acronym before the name spelled out
        ("Всемирная организация здравоохранения (ВОЗ) заявила о вспышке. ВОЗ просит помощи.", "ВОЗ", None),
        # a gloss in parentheses is no use of its own: the name it glosses, in the text's script
        ("Соглашение подписано между Корпорацией развития Дальнего Востока (КРДВ) и компанией «Сибур».", "Корпорация развития Дальнего Востока", None),
        ("Промышленный и коммерческий банк Китая (Industrial and Commercial Bank of China) купил долю. Правительству принадлежит 70% Industrial and Commercial Bank of China.", "Промышленный и коммерческий банк Китая", None),
        # a full name once, its short name after
        ("Федеральная служба по ветеринарному и фитосанитарному надзору (Россельхознадзор) провела переговоры. Россельхознадзор сообщил о них.", "Россельхознадзор", None),
        # a name inside a longer one of the same body is no form of its own
        ("Глава МИД России Сергей Лавров прибыл в Анкару.", "МИД России", "Министерство иностранных дел России"),
    ],
)
# fmt: on
def test_an_organisation_is_named_as_the_text_writes_it(nlp, text, name, canonical):
    entity = next(e for e in nlp(text)._.entities if e["name"] == name)
    assert entity["type"] == "ORG"
    if canonical is not None:
        assert entity["canonical"] == canonical


@pytest.mark.parametrize(
    ("text", "name", "patronymic"),
    [
        ("Указом назначен Лавров Сергей Викторович.", "Сергей Лавров", "Викторович"),
        ("Владимир Владимирович Путин подписал указ.", "Владимир Владимирович Путин", "Владимирович"),
        # a Chinese name is in its own order: its given name is no Russian first name
        ("Министр иностранных дел Китая Ван И прибыл в Москву.", "Ван И", None),
        ("Вице-председатель КНР Хань Чжэн выступил на форуме.", "Хань Чжэн", None),
    ],
)
def test_surname_first_name_in_news_order(nlp, text, name, patronymic):
    persons = [e for e in nlp(text)._.entities if e["type"] == "PERSON"]
    assert [(e["name"], e["patronymic"]) for e in persons] == [(name, patronymic)]


def test_canonical_name_is_the_fullest_nominative(nlp):
    doc = nlp("Встреча с Токаевым прошла в Душанбе. Касым-Жомарт Токаев выступил.")
    assert ("PERSON", "Касым-Жомарт Токаев") in entity_names(doc)
    assert ("PERSON", "Токаевым") not in entity_names(doc)


def test_every_mention_has_an_entity(nlp):
    doc = nlp("Лавров и Ван И обсудили ситуацию в Сирии и отношения России и Китая. Он доволен.")
    ids = {entity["id"] for entity in doc._.entities}
    assert all(m._.entity_id in ids for m in doc.spans["mentions"])


# fmt: off
@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Касым-Жомарт Токаев", NameParts(first="Касым-Жомарт", last="Токаев")),
        ("Эмомали Шарипович", NameParts(first="Эмомали", patronymic="Шарипович")),
        ("Владимир Владимирович Путин", NameParts("Владимир", "Владимирович", "Путин")),
        ("Путин Владимир Владимирович", NameParts("Владимир", "Владимирович", "Путин")),
        ("Аркадий Дворкович", NameParts(first="Аркадий", last="Дворкович")),
        ("В.В. Путин", NameParts("В.", "В.", "Путин")),
        ("В. Путин", NameParts(first="В.", last="Путин")),
        ("Рахмон", NameParts(alone="Рахмон")),
        ("Реджеп Тайип Эрдоган", NameParts(first="Реджеп Тайип", last="Эрдоган")),
    ],
)
# fmt: on
def test_parse_name(name, parts):
    assert parse_name(name) == parts


# fmt: off
@pytest.mark.parametrize(
    ("mention", "entity", "expected"),
    [
        ("Токаев", "Касым-Жомарт Токаев", True),
        ("Эмомали Шарипович", "Эмомали Рахмон", True),
        ("В. Путин", "Владимир Путин", True),
        ("Сергей Иванов", "Александр Иванов", False),
        ("Владимир Жириновский", "Владимир Путин", False),
        ("Путин", "Владимир Путин", True),
        ("Путина", "Владимир Путин", False),  # names are compared in the nominative
        ("Маккаррика", "Теодор Маккаррик", True),  # unless pymorphy3 has no nominative for it
        ("Иванова", "Сергей Иванов", False),
    ],
)
# fmt: on
def test_compatible(mention, entity, expected):
    assert compatible(parse_name(mention), parse_name(entity)) is expected


# fmt: off
@pytest.mark.parametrize(
    ("text", "pronoun", "name"),
    [
        # a pronoun in a direct quote is not its speaker: he would say "я"
        ("Трамп говорил о Ким Чен Ыне. «Я желаю ему всего хорошего», — сказал Трамп.", "ему", "Ким Чен Ын"),
        ("Путин упомянул Макрона. «Я знаю, что он готов», — сказал Путин журналистам.", "он", "Макрон"),
        # outside the quote the speaker is still the antecedent
        ("Трамп прибыл в Сеул. Он заявил, что доволен.", "Он", "Трамп"),
    ],
)
# fmt: on
def test_a_pronoun_in_a_quote_is_not_its_speaker(nlp, text, pronoun, name):
    doc = nlp(text)
    names = {e["id"]: e["name"] for e in doc._.entities}
    found = [m for m in doc.spans["mentions"] if m.text == pronoun]
    assert found and all(name in (names.get(m._.entity_id) or "") for m in found), [
        (m.text, names.get(m._.entity_id)) for m in found
    ]
