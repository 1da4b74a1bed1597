"""The document view (displaCy markup, tables, standalone page) and the relation graph."""

from __future__ import annotations

import html
import json
import re
import warnings

import matplotlib
import pytest

matplotlib.use("Agg")

from conftest import SEED_TEXT  # noqa: E402

from pipeline import display, to_tables  # noqa: E402
from pipeline.io import write_table  # noqa: E402
from pipeline.tables import TABLES, frame  # noqa: E402

TOKAYEV, RAHMON = ("PERSON", "Касым-Жомарт Токаев"), ("PERSON", "Эмомали Рахмон")
KAZAKHSTAN, TAJIKISTAN = ("STATE", "Казахстан"), ("STATE", "Таджикистан")


def page_text(page: str) -> str:
    """The page's visible text: tags removed, entities unescaped, whitespace collapsed."""
    text = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


def entity_id(doc, name: str) -> int:
    return next(entity["id"] for entity in doc._.entities if entity["name"] == name)


def relation(relation: str, subject: tuple, object_: tuple | None, **extra) -> dict:
    """A relations row as the relations stage writes it (ids left out: matched by name)."""
    return {
        "relation": relation,
        "subject": subject[1],
        "subject_type": subject[0],
        "object": object_[1] if object_ else None,
        "object_type": object_[0] if object_ else None,
        **extra,
    }


@pytest.fixture(scope="module")
def seed_page(seed_doc) -> str:
    return display.render_html(seed_doc, title="seed")


def test_seed_page_shows_entities_and_quotes_with_speakers(seed_page):
    text = page_text(seed_page)
    for name in ("Касым-Жомарт Токаев", "Эмомали Рахмон", "Казахстан", "Таджикистан", "Душанбе"):
        assert name in text
    for label in ("PERSON", "STATE", "PLACE", "ORG"):
        assert f">{label}" in seed_page.replace("\n", "").replace(" ", "")
    assert "QUOTE ← Касым-Жомарт Токаев" in text
    assert "QUOTE ← Эмомали Рахмон" in text  # "…", – сказал таджикский лидер
    assert "INDIRECT ← Касым-Жомарт Токаев" in text
    # a title is shown with the entity it was linked to
    assert re.search(r"PERSON\s*Эмомали Рахмон", text)


def test_nested_mentions_are_both_underlined(seed_doc):
    marks = display.mention_marks(seed_doc)
    outer = next(m for m in marks if seed_doc.text[m.start : m.end] == "Президент Таджикистана")
    inner = [m for m in marks if outer.start < m.start and m.end == outer.end]
    assert [seed_doc.text[m.start : m.end] for m in inner] == ["Таджикистана"]
    parsed = display._line_spans(seed_doc.text, outer.start, outer.end, [outer, *inner])
    assert parsed["tokens"] == ["Президент", "Таджикистана"]
    assert [(s["start_token"], s["end_token"]) for s in parsed["spans"]] == [(0, 2), (1, 2)]


def test_page_is_utf8_with_charset_and_written_atomically(seed_doc, tmp_path):
    path = display.write_page(seed_doc, tmp_path / "seed.html")
    data = path.read_bytes()
    page = data.decode("utf-8")  # strict: raises on invalid UTF-8
    head = page[: page.index("</head>")]
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in head
    assert "Касым-Жомарт Токаев" in page  # real characters, not escapes
    assert [p.name for p in tmp_path.iterdir()] == ["seed.html"]  # no temporary file left


def test_relations_listed_under_the_markup(nlp):
    doc = nlp("Токаев и Рахмон подписали договор. Они встретились в Душанбе.")
    doc._.relations = [
        relation(
            "signed_agreement",
            TOKAYEV,
            RAHMON,
            attribute="договор о вечной дружбе",
            evidence="Токаев и Рахмон подписали договор.",
        ),
        relation("trade_target", KAZAKHSTAN, TAJIKISTAN, value=2e9, unit="USD", year=2030),
    ]
    page = display.render_html(doc)
    text = page_text(page)
    assert page.index("Relations") > page.index('class="markup"')
    assert "signed_agreement" in text
    assert "договор о вечной дружбе" in text
    assert "2\u202f000\u202f000\u202f000" in page and "USD" in text and "2030" in text
    assert "2030.0" not in text


def test_no_relations_is_said(nlp):
    doc = nlp("Токаев прибыл в Душанбе.")
    doc._.relations = []
    page = display.render_html(doc)
    assert "no relations found" in page


def test_text_and_labels_are_escaped(nlp):
    doc = nlp("<b>Токаев</b> сказал, что всё хорошо.")
    doc._.quotes = [
        {"quote_id": 0, "kind": "indirect", "start": 22, "end": 37, "text": "всё хорошо"}
        | {"speaker": None, "speaker_text": "<script>alert(1)</script>", "cue": "сказать"}
    ]
    page = display.render_html(doc)
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;" in page


def test_render_and_repr(seed_doc):
    fragment = display.render(seed_doc, jupyter=False)
    assert isinstance(fragment, str) and 'class="ru-news-view"' in fragment
    assert "<html" not in fragment
    assert display.view(seed_doc)._repr_html_() == fragment


def test_render_file_reads_any_encoding(tmp_path, nlp):
    source = tmp_path / "news.txt"
    source.write_bytes(SEED_TEXT.read_text(encoding="utf-8").encode("cp1251", errors="replace"))
    out = display.render_file(source, tmp_path / "news.html", nlp=nlp)
    page = out.read_text(encoding="utf-8")
    assert "<title>news.txt</title>" in page
    assert "QUOTE ← Эмомали Рахмон" in page_text(page)


# --- the graph -----------------------------------------------------------------------------------


def run_tables() -> dict:
    """Two documents' tables: the same people under other entity ids, a symmetric relation
    written in both directions, a post with and one without its state."""
    entities = [
        ("a", 0, "PERSON", "Касым-Жомарт Токаев", None, 5),
        ("a", 1, "PERSON", "Эмомали Рахмон", None, 3),
        ("a", 2, "STATE", "Таджикистан", "TJK", 4),
        ("a", 3, "STATE", "Казахстан", "KAZ", 2),
        ("a", 4, "ORG", "Акорда", None, 1),
        ("b", 7, "PERSON", "Эмомали Рахмон", None, 2),
        ("b", 8, "PERSON", "Касым-Жомарт Токаев", None, 2),
    ]
    columns = ["doc_id", "entity_id", "type", "name", "code", "mentions"]
    relations = [
        {"doc_id": "a", "relation_id": 0, **relation("signed_agreement", TOKAYEV, RAHMON)}
        | {"subject_id": 0, "object_id": 1, "attribute": "договор о союзничестве"},
        {"doc_id": "a", "relation_id": 1, **relation("met_with", TOKAYEV, RAHMON)}
        | {"subject_id": 0, "object_id": 1},
        {"doc_id": "a", "relation_id": 2, **relation("holds_position", RAHMON, TAJIKISTAN)}
        | {"subject_id": 1, "object_id": 2, "attribute": "президент"},
        {"doc_id": "a", "relation_id": 3, **relation("holds_position", TOKAYEV, None)}
        | {"subject_id": 0, "attribute": "президент"},
        {"doc_id": "b", "relation_id": 0, **relation("met_with", RAHMON, TOKAYEV)}
        | {"subject_id": 7, "object_id": 8, "attribute": "Астана"},
        {"doc_id": "b", "relation_id": 1, **relation("visited", TOKAYEV, TAJIKISTAN)}
        | {"subject_id": 8},  # object only by name and type: not an entity of doc b
    ]
    return {
        "entities": frame("entities", [dict(zip(columns, row, strict=True)) for row in entities]),
        "relations": frame("relations", relations),
    }


def keys_between(graph, a, b) -> set[str]:
    return set(graph.get_edge_data(a, b, default={})) | set(graph.get_edge_data(b, a, default={}))


def test_graph_of_a_run_merges_entities_across_documents():
    graph = display.relation_graph(run_tables())
    assert set(graph.nodes) == {TOKAYEV, RAHMON, TAJIKISTAN}  # Казахстан, Акорда: no relation
    assert keys_between(graph, TOKAYEV, RAHMON) == {"signed_agreement", "met_with"}
    met = graph.get_edge_data(*sorted([TOKAYEV, RAHMON]))["met_with"]
    assert met["count"] == 2 and met["doc_ids"] == ["a", "b"] and met["symmetric"]
    assert met["label"] == "met_with"
    assert [d["attribute"] for d in met["details"]] == [None, "Астана"]
    assert set(graph.get_edge_data(RAHMON, TAJIKISTAN)) == {"holds_position"}
    assert set(graph.get_edge_data(TOKAYEV, TAJIKISTAN)) == {"visited"}
    assert not graph.has_edge(TAJIKISTAN, TOKAYEV)  # directed relations keep their direction
    tokayev = graph.nodes[TOKAYEV]
    assert (tokayev["type"], tokayev["name"], tokayev["docs"], tokayev["mentions"]) == (
        "PERSON",
        "Касым-Жомарт Токаев",
        2,
        7,
    )
    assert tokayev["positions"] == ["президент"]  # from the post without a state
    assert graph.nodes[TAJIKISTAN]["code"] == "TJK"
    isolated = display.relation_graph(run_tables(), isolated=True)
    assert {KAZAKHSTAN, ("ORG", "Акорда")} <= set(isolated.nodes)


def test_seed_graph_links_the_presidents_and_their_states(seed_doc):
    graph = display.relation_graph(seed_doc)
    assert {"signed_agreement", "met_with"} <= keys_between(graph, TOKAYEV, RAHMON)
    assert "holds_position" in keys_between(graph, RAHMON, TAJIKISTAN)
    assert "holds_position" in keys_between(graph, TOKAYEV, KAZAKHSTAN)  # inferred: see relations


def test_graph_of_a_doc(nlp):
    doc = nlp("Касым-Жомарт Токаев и Эмомали Рахмон подписали договор.")
    tokayev, rahmon = entity_id(doc, "Касым-Жомарт Токаев"), entity_id(doc, "Эмомали Рахмон")
    doc._.relations = [
        {"relation_id": 0, **relation("signed_agreement", TOKAYEV, RAHMON)}
        | {"subject_id": tokayev, "object_id": rahmon},
        {"relation_id": 1, **relation("met_with", RAHMON, TOKAYEV)}
        | {"subject_id": rahmon, "object_id": tokayev},
    ]
    graph = display.relation_graph(doc)
    assert set(graph.nodes) == {TOKAYEV, RAHMON}
    assert keys_between(graph, TOKAYEV, RAHMON) == {"signed_agreement", "met_with"}
    assert graph.number_of_edges() == 2
    assert (
        display.relation_graph([doc, doc]).get_edge_data(
            *sorted([TOKAYEV, RAHMON]), key="met_with"
        )["count"]
        == 2
    )


def test_draw_graph_labels_nodes_and_edges_in_cyrillic():
    graph = display.relation_graph(run_tables())
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*[Gg]lyph.*missing")
        ax = display.draw_graph(graph)
        ax.figure.canvas.draw()  # renders text: a missing Cyrillic glyph would warn here
    texts = [text.get_text() for text in ax.texts]
    assert "Касым-Жомарт Токаев\n(президент)" in texts
    assert "Таджикистан" in texts
    assert "met_with ×2\nsigned_agreement" in texts
    assert all(text.get_fontname() == "DejaVu Sans" for text in ax.texts)
    matplotlib.pyplot.close(ax.figure)


def test_draw_empty_graph():
    ax = display.draw_graph(display.relation_graph({t: frame(t, []) for t in TABLES}))
    assert [text.get_text() for text in ax.texts] == ["no relations"]
    matplotlib.pyplot.close(ax.figure)


def test_read_tables_of_an_extract_folder(tmp_path, seed_doc):
    tables = to_tables([seed_doc])
    for table, data in tables.items():
        write_table(data, tmp_path, table, "jsonl")
    (tmp_path / "manifest.json").write_text(json.dumps({"settings": {"format": "jsonl"}}))
    read = display.read_tables(tmp_path)
    assert set(read) == set(TABLES)
    assert list(read["entities"]["name"]) == list(tables["entities"]["name"])
    graph = display.relation_graph(read)
    assert graph.number_of_nodes() == display.relation_graph(seed_doc).number_of_nodes()
