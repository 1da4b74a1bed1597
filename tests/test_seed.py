"""Acceptance: the seed article (Tokayev and Rahmon sign an alliance treaty) against its gold."""

import json

import pytest
from conftest import SEED_GOLD

GOLD = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
CODES = {"Казахстан": "KAZ", "Таджикистан": "TJK"}
# Aliases that are titles, pronouns or descriptions are resolved by entity linking (issue 3);
# here every alias that is a form of the name itself must be a mention of the entity.
NAME_ALIASES = {
    "Касым-Жомарт Токаев": ["Токаев"],
    "Эмомали Рахмон": ["Рахмон"],
    "Абай Кунанбаев": ["Абая Кунанбаева"],
    "Казахстан": ["Республикой Казахстан", "Казахстана"],
    "Таджикистан": ["Республикой Таджикистан", "Таджикистана"],
    "Акорда": ["Акорды"],
}


def entity(doc, name):
    found = [e for e in doc._.entities if e["name"] == name]
    assert len(found) == 1, f"{name!r}: {found} among {[e['name'] for e in doc._.entities]}"
    return found[0]


@pytest.mark.parametrize("gold", GOLD["entities"], ids=lambda gold: gold["name"])
def test_gold_entity_with_type_and_canonical_name(seed_doc, gold):
    found = entity(seed_doc, gold["name"])
    assert found["type"] == gold["type"]
    assert found["code"] == CODES.get(gold["name"])


@pytest.mark.parametrize(("name", "aliases"), NAME_ALIASES.items())
def test_name_forms_are_mentions_of_the_entity(seed_doc, name, aliases):
    entity_id = entity(seed_doc, name)["id"]
    texts = {m.text for m in seed_doc.spans["mentions"] if m._.entity_id == entity_id}
    assert set(aliases) <= texts


def test_no_person_name_for_a_title(seed_doc):
    persons = {
        m.text for m in seed_doc.spans["mentions"] if m.label_ == "PERSON" and m._.kind == "name"
    }
    assert not {"Президент", "Глава государства", "Главы государства"} & persons


def test_akorda_is_an_organisation(seed_doc):
    labels = {m.label_ for m in seed_doc.spans["mentions"] if m.text == "Акорды"}
    assert labels == {"ORG"}


def test_headline_caption_and_stray_line_are_own_sentences(seed_doc):
    sentences = [s.text.strip() for s in seed_doc.sents]
    assert "0" in sentences
    assert "Фото пресс-службы Акорды" in sentences
    assert "Токаев и Рахмон подписали договор о союзничестве" in sentences


REFERENCES = {
    "Касым-Жомарт Токаев": [
        "Токаев",
        "Касым-Жомарт Токаев",
        "Президент",
        "Глава государства",
        "Главы государства",
        "он",
    ],
    "Эмомали Рахмон": [
        "Рахмон",
        "Эмомали Рахмон",
        "Эмомали Шарипович",
        "Президент Таджикистана",
        "таджикский лидер",
    ],
}


@pytest.mark.parametrize(("name", "texts"), REFERENCES.items())
def test_titles_and_pronouns_link_to_the_person(seed_doc, name, texts):
    entity_id = entity(seed_doc, name)["id"]
    found = {m.text for m in seed_doc.spans["mentions"] if m._.entity_id == entity_id}
    assert set(texts) <= found
    others = {m.text for m in seed_doc.spans["mentions"] if m._.entity_id not in {entity_id, None}}
    assert not {"Токаев", "Рахмон"} & found & others


def test_every_president_mention_is_tokayev(seed_doc):
    """All bare "Президент" / "Глава государства" mentions of the seed are Tokayev's."""
    tokayev = entity(seed_doc, "Касым-Жомарт Токаев")["id"]
    bare = [
        m
        for m in seed_doc.spans["mentions"]
        if m.text in {"Президент", "Глава государства", "Главы государства"}
    ]
    assert len(bare) == 4
    assert {m._.entity_id for m in bare} == {tokayev}


def test_rahmon_holds_the_presidency_of_tajikistan(seed_doc):
    rahmon = entity(seed_doc, "Эмомали Рахмон")
    assert (rahmon["position"], rahmon["position_of"]) == ("президент", "Таджикистан")
    assert (rahmon["first_name"], rahmon["patronymic"], rahmon["last_name"]) == (
        "Эмомали",
        "Шарипович",
        "Рахмон",
    )


def test_tajik_side_is_tajikistan(seed_doc):
    tajikistan = entity(seed_doc, "Таджикистан")["id"]
    adjectives = {
        m.text: m._.entity_id for m in seed_doc.spans["mentions"] if m._.kind == "adjective"
    }
    assert adjectives["таджикскую"] == tajikistan
