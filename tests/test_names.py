"""Nominative forms of person names (pipeline/names.py), as the entities table shows them."""

from __future__ import annotations

import pytest


# fmt: off
@pytest.mark.parametrize(
    ("text", "name"),
    [
        # known names and surnames, every case
        ("Бюст Абая Кунанбаева установили в Душанбе.", "Абай Кунанбаев"),
        ("Путин поблагодарил Си Цзиньпина.", "Си Цзиньпин"),
        ("Письмо Льва Толстого.", "Лев Толстой"),
        ("Слова Марии Захаровой.", "Мария Захарова"),
        ("Звонок Джо Байдену.", "Джо Байден"),
        ("Встреча с Реджепом Тайипом Эрдоганом.", "Реджеп Тайип Эрдоган"),
        # foreign surnames pymorphy3 misreads: "Шольца" is no "Шолец", "Моди" no "Модь"
        ("Путин принял Олафа Шольца.", "Олаф Шольц"),
        ("Путин позвонил Олафу Шольцу.", "Олаф Шольц"),
        ("Путин встретился с канцлером Германии Олафом Шольцем.", "Олаф Шольц"),
        ("Лавров встретился с Риши Сунаком.", "Риши Сунак"),
        ("Лавров встретился с Антониу Гутерришем.", "Антониу Гутерриш"),
        # a name the tagger put in the case of the word before it ("Индии")
        ("Путин принял в Кремле премьер-министра Индии Нарендру Моди.", "Нарендра Моди"),
        # indeclinable names stay as written
        ("Встреча с Ангелой Меркель.", "Ангела Меркель"),
        ("Заявление Марин Ле Пен.", "Марин Ле Пен"),
        ("Лавров встретился с Жюстеном Трюдо.", "Жюстен Трюдо"),
    ],
)
# fmt: on
def test_person_name_in_the_nominative(nlp, text, name):
    names = {e["name"] for e in nlp(text)._.entities if e["type"] == "PERSON"}
    assert name in names, names
