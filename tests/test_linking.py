import pytest


def entity_names(nlp, text):
    doc = nlp(text)
    return {(entity["type"], entity["name"], entity["mentions"]) for entity in doc._.entities}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a surname joins the full name it belongs to
        (
            "Касым-Жомарт Токаев прибыл в Душанбе. Токаев провёл переговоры.",
            ("PERSON", "Касым-Жомарт Токаев", 2),
        ),
        # inflected forms are one entity with a nominative name
        (
            "Встреча с Эмомали Рахмоном прошла в Душанбе. Эмомали Рахмон заявил об успехе.",
            ("PERSON", "Эмомали Рахмон", 2),
        ),
        # a state by name, by official name and by adjective is one entity with its code
        (
            "Республика Казахстан и Казахстан — одно. Казахстанская сторона согласна.",
            ("STATE", "Казахстан", 3),
        ),
        # an organisation and its name inside "МИД России"
        (
            "МИД России выступил с заявлением. МИД ответил позже.",
            ("ORG", "Министерство иностранных дел России", 2),
        ),
    ],
)
def test_entities(nlp, text, expected):
    assert expected in entity_names(nlp, text)


def test_a_surname_shared_by_two_people_stays_apart(nlp):
    text = "Александр Иванов и Сергей Иванов пришли. Иванов выступил первым."
    names = {name for kind, name, _ in entity_names(nlp, text) if kind == "PERSON"}
    assert {"Александр Иванов", "Сергей Иванов", "Иванов"} <= names


def test_every_mention_has_an_entity(nlp):
    doc = nlp("Лавров и Ван И обсудили ситуацию в Сирии и отношения России и Китая.")
    ids = {entity["id"] for entity in doc._.entities}
    assert all(m._.entity_id in ids for m in doc.spans["mentions"])
