"""The relation patterns on hand-built parses, as spaCy's matcher tests do: what each pattern
family reads does not depend on what the parser makes of a sentence."""

import pytest
import spacy
from spacy.tokens import Doc

from pipeline.relations import RelationFinder
from pipeline.relations.context import money_table
from pipeline.relations.stage import RULE_FILES
from pipeline.relations.trade import parse_money


@pytest.fixture(scope="module")
def finder():
    return RelationFinder("relations", RULE_FILES, anaphor_window=2, max_steps=3)


VOCAB = spacy.blank("ru").vocab  # with Russian lexical attributes: LOWER, as the pipeline's


def parsed(tokens: list[tuple[str, int, str, str, str, str]]) -> Doc:
    """A Doc from (word, head, dep, pos, lemma, morph) rows; heads are token indices."""
    words, heads, deps, pos, lemmas, morphs = zip(*tokens, strict=True)
    return Doc(
        VOCAB,
        words=list(words),
        heads=list(heads),
        deps=list(deps),
        pos=list(pos),
        lemmas=list(lemmas),
        morphs=list(morphs),
    )


FIN = "Aspect=Perf|Mood=Ind|Tense=Past|VerbForm=Fin"


def stop(head: int) -> tuple[str, int, str, str, str, str]:
    return (".", head, "punct", "PUNCT", ".", "")


# fmt: off
CASES = {
    "agreement": (  # Токаев и Рахмон подписали договор.
        [("Токаев", 3, "nsubj", "PROPN", "Токаев", "Case=Nom"), ("и", 2, "cc", "CCONJ", "и", ""),
         ("Рахмон", 0, "conj", "PROPN", "Рахмон", "Case=Nom"), ("подписали", 3, "ROOT", "VERB", "подписать", FIN),
         ("договор", 3, "obj", "NOUN", "договор", "Case=Acc"), stop(3)],
        "подписали", {"signer": ["Токаев"], "document": ["договор"]},
    ),
    "meeting": (  # Путин встретился с Си.
        [("Путин", 1, "nsubj", "PROPN", "Путин", "Case=Nom"), ("встретился", 1, "ROOT", "VERB", "встретиться", FIN),
         ("с", 3, "case", "ADP", "с", ""), ("Си", 1, "obl", "PROPN", "Си", "Case=Ins"), stop(1)],
        "встретился", {"subject": ["Путин"], "partner": ["Си"]},
    ),
    "visit": (  # Моди посетил Москву.
        [("Моди", 1, "nsubj", "PROPN", "Моди", "Case=Nom"), ("посетил", 1, "ROOT", "VERB", "посетить", FIN),
         ("Москву", 1, "obj", "PROPN", "Москва", "Case=Acc"), stop(1)],
        "посетил", {"visitor": ["Моди"], "destination": ["Москву"]},
    ),
    "deal": (  # Oracle купила Sun.
        [("Oracle", 1, "nsubj", "PROPN", "Oracle", ""), ("купила", 1, "ROOT", "VERB", "купить", FIN),
         ("Sun", 1, "obj", "PROPN", "Sun", ""), stop(1)],
        "купила", {"actor": ["Oracle"], "counterpart": ["Sun"]},
    ),
    "post predicate": (  # Петров стал министром.
        [("Петров", 1, "nsubj", "PROPN", "Петров", "Case=Nom"), ("стал", 1, "ROOT", "VERB", "стать", FIN),
         ("министром", 1, "xcomp", "NOUN", "министр", "Case=Ins"), stop(1)],
        "министром", {"holder": ["Петров"], "verb": ["стал"]},
    ),
}
# fmt: on


@pytest.mark.parametrize(("tokens", "trigger", "expected"), CASES.values(), ids=CASES.keys())
def test_pattern_family_fills_its_roles(finder, tokens, trigger, expected):
    events = {roles.trigger.text: roles for roles in finder.events(parsed(tokens))}
    roles = events[trigger]
    assert {role: [t.text for t in roles[role]] for role in expected} == expected
    assert not roles.cancelled


def test_a_negated_event_is_cancelled(finder):
    """Россия не подписала договор."""
    doc = parsed(
        [
            ("Россия", 2, "nsubj", "PROPN", "Россия", "Case=Nom"),
            ("не", 2, "advmod", "PART", "не", ""),
            ("подписала", 2, "ROOT", "VERB", "подписать", FIN),
            ("договор", 2, "obj", "NOUN", "договор", "Case=Acc"),
            stop(2),
        ]
    )
    (roles,) = finder.events(doc)
    assert roles.cancelled and [t.text for t in roles["negation"]] == ["не"]


@pytest.mark.parametrize(
    ("words", "lemmas", "expected"),
    [
        (["до", "2", "миллиардов", "долларов"], ["до", "2", "миллиард", "доллар"], (2e9, "USD")),
        (["7,4", "млрд", "руб."], ["7,4", "млрд", "руб."], (7.4e9, "RUB")),
        (["в", "2030", "году"], ["в", "2030", "год"], None),
    ],
)
def test_money(finder, words, lemmas, expected):
    doc = Doc(VOCAB, words=words, lemmas=lemmas)
    assert parse_money(doc[:], finder.rules.built("money", money_table)) == expected
