"""The errors a reader found in NEREL dev documents read line by line (issue 15), checked on the
documents themselves. Each check is one class of error; the rules behind them are general (see
test_entities, test_names, test_linking for their (sentence, expected) tables)."""

from __future__ import annotations

import pytest
from conftest import dataset

from pipeline.schema import MENTIONS_KEY

pytestmark = pytest.mark.gold


@pytest.fixture(scope="module")
def dev_docs(nlp):
    folder = dataset("nerel/dev")
    names = ["119336", "1563347", "1614272", "1653218", "212404", "220995"]
    texts = [(folder / f"{name}_text.txt").read_text(encoding="utf-8") for name in names]
    return dict(zip(names, nlp.pipe(texts), strict=True))


def mentions(doc, text):
    return [m for m in doc.spans[MENTIONS_KEY] if m.text == text]


def entity_name(doc, mention):
    return next(e["name"] for e in doc._.entities if e["id"] == mention._.entity_id)


def names(doc, kind):
    return {e["name"] for e in doc._.entities if e["type"] == kind}


# fmt: off
@pytest.mark.parametrize(
    ("doc_id", "text", "label"),
    [
        # words of another name or title are no place or state of their own
        ("1563347", "Уральской", "PLACE"),
        ("1563347", "Уральская", "PLACE"),
        ("212404", "Римский", "PLACE"),
        ("1653218", "Украинского", "STATE"),
        ("119336", "Тюдоров", "PLACE"),
        # common words at the start of a sentence, a word split at a Latin letter
        ("1563347", "Металлургической отрасли", "ORG"),
        ("220995", "Киноистория", "PERSON"),
        ("212404", "Католиче", "PERSON"),
    ],
)
# fmt: on
def test_no_entity_made_of_other_words(dev_docs, doc_id, text, label):
    assert not [m for m in mentions(dev_docs[doc_id], text) if m.label_ == label]


# fmt: off
@pytest.mark.parametrize(
    ("doc_id", "kind", "name", "not_name"),
    [
        ("119336", "PERSON", "Джо Локхарт", "Джо Локхарта"),
        ("1614272", "PERSON", "Ким Чен Ын", "Ким Чен Ына"),
        ("220995", "PERSON", "А. Илюшкин", "А. Илюшкиным"),
        ("1563347", "ORG", "Уральская сталь", "Уральской стали"),
        ("212404", "ORG", "Католическая церковь", "Католичеcкая церковь"),
    ],
)
# fmt: on
def test_names_in_the_nominative(dev_docs, doc_id, kind, name, not_name):
    found = names(dev_docs[doc_id], kind)
    assert name in found and not_name not in found, found


# fmt: off
@pytest.mark.parametrize(
    ("doc_id", "text", "name"),
    [
        # one entity per person, whatever the case of the name
        ("212404", "Маккаррика", "Теодор Маккаррик"),
        ("1614272", "Ким Чен Ына", "Ким Чен Ын"),
        ("220995", "Лизы", "Елизавета Глинка"),  # "Доктор Лиза"
        # pronouns to the person the text means
        ("1614272", "ним", "Ким Чен Ын"),
        # inside Trump's own quote "ему", "него" are somebody else: Ким Чен Ын
        ("1614272", "ему", "Ким Чен Ын"),
        ("1614272", "него", "Ким Чен Ын"),
        ("220995", "ее", "Елизавета Глинка"),
        ("220995", "её", "Елизавета Глинка"),
    ],
)
# fmt: on
def test_mentions_reach_their_person(dev_docs, doc_id, text, name):
    found = mentions(dev_docs[doc_id], text)
    assert found and {entity_name(dev_docs[doc_id], m) for m in found} == {name}


# fmt: off
@pytest.mark.parametrize(
    ("doc_id", "before", "text", "not_name"),
    [
        ("119336", "миссис", "Обама", "Барак Обама"),
        ("119336", "действующего", "президента", "Барак Обама"),  # Trump's time
        ("212404", "назначен", "епископом", "Франциск"),
    ],
)
# fmt: on
def test_references_not_to_the_wrong_person(dev_docs, doc_id, before, text, not_name):
    """The wrong person's mentions do not include the reference (it may stay unresolved)."""
    doc = dev_docs[doc_id]
    wrong = next(e["id"] for e in doc._.entities if e["name"] == not_name)
    linked = [m for m in doc.spans[MENTIONS_KEY] if m._.entity_id == wrong and m.start]
    assert not [m for m in linked if m.text == text and doc[m.start - 1].lower_ == before]
