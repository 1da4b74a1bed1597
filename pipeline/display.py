"""Look at results: a document's markup in Jupyter or as an HTML page, and a relation graph.

- `view(doc)` / `display(doc)` / `render(doc)`: the text with every mention underlined in its
  type's colour (spaCy's displaCy "span" style, so nested mentions such as "Президент
  Таджикистана" ⊃ "Таджикистана" both show), quotes underlined with their speaker ("QUOTE ←
  Эмомали Рахмон"), then the relations, entities and quotes as small tables.
- `render_html(doc)` / `write_page(doc, path)` / `render_file(text_file, out_html)`: the same view
  as a standalone UTF-8 page for people without Jupyter (`ru-news render FILE --out page.html`).
- `relation_graph(doc_or_tables)`: a networkx MultiDiGraph, entities as nodes, relations as
  labelled edges; over a whole run's tables, nodes are merged across documents by (type, name).
  `draw_graph(graph)` draws it with matplotlib.

The markup is displaCy's; this module only chooses what to underline and wraps the result. Text,
labels and table cells are HTML-escaped: news text is not trusted markup. networkx and matplotlib
are imported only by the graph functions (the `viz` extra).
"""

from __future__ import annotations

import html
import json
import os
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from spacy import displacy
from spacy.tokens import Doc
from spacy.util import is_in_jupyter

from .schema import MENTIONS_KEY
from .tables import COLUMNS, TABLES, entities_of, to_tables

if TYPE_CHECKING:
    import networkx as nx
    from matplotlib.axes import Axes
    from spacy.language import Language

COLORS = {"PERSON": "#c9b6ff", "STATE": "#ffc15e", "PLACE": "#9ee6a0", "ORG": "#86d0f5"}
OTHER_COLOR = "#d0d0d0"
QUOTE_COLORS = {"direct": "#ff8fa3", "indirect": "#ffc4cf"}
# Relations that hold both ways; the relations table lists each unordered pair once.
SYMMETRIC = frozenset({"signed_agreement", "met_with", "trade_target"})
RELATION_COLUMNS = ["relation", "subject", "object", "attribute", "value", "unit", "year"]
EVIDENCE_CHARS = 160
QUOTE_CHARS = 160
GAP = 1.4  # inches between the boxes of two names in the graph drawing (room for edge labels)
FONT = "DejaVu Sans"  # ships with matplotlib and has Cyrillic
NodeKey = tuple[str, str]  # (type, name)

STYLE = """
.ru-news-view { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif;
  font-size: 15px; color: #222; max-width: 1300px; }
.ru-news-view h1 { font-size: 1.3em; margin: 0 0 .4em; }
.ru-news-view h2 { font-size: 1.05em; margin: 1.4em 0 .4em; }
.ru-news-view .legend span { display: inline-block; padding: 1px 8px; margin: 0 6px 4px 0;
  border-radius: 3px; font-size: .8em; font-weight: bold; }
.ru-news-view .markup .spans { margin: 0 0 .5em; line-height: 2.2; }
.ru-news-view .markup .spans > span { font-weight: normal !important; }
.ru-news-view .markup { padding-right: 10em; overflow-x: hidden; }
.ru-news-view .markup .spans span { white-space: nowrap; }
.ru-news-view table { border-collapse: collapse; font-size: .85em; margin: .2em 0 1em; }
.ru-news-view th, .ru-news-view td { border: 1px solid #ddd; padding: 3px 7px;
  text-align: left; vertical-align: top; }
.ru-news-view th { background: #f3f3f3; }
.ru-news-view .note { color: #777; font-style: italic; }
"""


# --- the markup ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """One underline: a character range, its label and colour, and an optional link text."""

    start: int
    end: int
    label: str
    color: str
    note: str = ""


def mention_marks(doc: Doc) -> list[Mark]:
    """Every typed mention (nested ones too); a title, pronoun, adjective or descriptor ("он",
    "таджикский лидер", "таджикскую") shows the name of its entity beside the type."""
    spans = doc.spans.get(MENTIONS_KEY, doc.ents)
    names = {entity.get("id"): entity.get("name") for entity in _extension(doc, "entities") or []}
    marks = []
    for span in spans:
        canonical = names.get(_extension(span, "entity_id")) or _extension(span, "norm")
        linked = _extension(span, "kind") not in (None, "name") and canonical != span.text
        note = canonical if canonical and linked else ""
        color = COLORS.get(span.label_, OTHER_COLOR)
        marks.append(Mark(span.start_char, span.end_char, span.label_, color, note))
    return marks


def quote_marks(doc: Doc) -> list[Mark]:
    """Each quote's content, labelled with its speaker (the cue is in the quotes table: its
    label would cover the speaker's in "он сказал")."""
    marks = []
    for quote in _quotes(doc):
        kind = quote.get("kind") or "direct"
        speaker = quote.get("speaker") or quote.get("speaker_text") or "?"
        label = f"{'QUOTE' if kind == 'direct' else kind.upper()} ← {speaker}"
        color = QUOTE_COLORS.get(kind, QUOTE_COLORS["direct"])
        if _is_range(quote.get("start"), quote.get("end")):
            marks.append(Mark(quote["start"], quote["end"], label, color))
    return marks


def markup(doc: Doc) -> str:
    """The text with mentions and quotes underlined: displaCy "span" style markup, one
    block per line of the source (displaCy would join the lines)."""
    marks = sorted(set(mention_marks(doc) + quote_marks(doc)), key=lambda m: (m.start, -m.end))
    text = doc.text  # built from the tokens on every access
    parsed = [_line_spans(text, start, end, marks) for start, end in _lines(text)]
    parsed = [line for line in parsed if line["tokens"]]
    if not parsed:
        return ""
    colors = {_escape(mark.label): mark.color for mark in marks}
    options = {"colors": colors, "top_offset": 28, "span_label_offset": 16, "top_offset_step": 17}
    return displacy.render(parsed, style="span", manual=True, options=options, jupyter=False)


def _lines(text: str) -> Iterable[tuple[int, int]]:
    start = 0
    for match in re.finditer(r"\n", text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _line_spans(text: str, line_start: int, line_end: int, marks: list[Mark]) -> dict:
    """displaCy's manual span format for one line. Display tokens are the words of the line,
    cut where a mark starts or ends, so "Акорды." is one token unless a mark ends before "."
    (displaCy puts a space between tokens)."""
    marks = [mark for mark in marks if mark.start < line_end and mark.end > line_start]
    cuts = {cut for mark in marks for cut in (mark.start, mark.end) if line_start < cut < line_end}
    pieces: list[tuple[int, int]] = []
    for word in re.finditer(r"\S+", text[line_start:line_end]):
        start, end = line_start + word.start(), line_start + word.end()
        inner = sorted(cut for cut in cuts if start < cut < end)
        pieces.extend(zip([start, *inner], [*inner, end], strict=True))
    spans = []
    for mark in marks:
        covered = [i for i, (start, end) in enumerate(pieces) if mark.start <= start < mark.end]
        if not covered:
            continue
        span = {
            "start_token": covered[0],
            "end_token": covered[-1] + 1,
            "label": _escape(mark.label),
        }
        if mark.note:
            span["kb_id"] = _escape(mark.note)
            span["kb_url"] = "#"
        spans.append(span)
    tokens = [text[start:end] for start, end in pieces]
    return {"text": text[line_start:line_end], "tokens": tokens, "spans": spans}


def legend() -> str:
    """Coloured chips naming what the underlines mean."""
    items = [(label, color) for label, color in COLORS.items()]
    items += [("QUOTE ← speaker", QUOTE_COLORS["direct"])]
    items += [("INDIRECT ← speaker", QUOTE_COLORS["indirect"])]
    chips = "".join(
        f'<span style="background: {color}">{_escape(label)}</span>' for label, color in items
    )
    return f'<div class="legend">{chips}</div>'


# --- tables under the markup ---------------------------------------------------------------------


def relations_frame(doc: Doc) -> pd.DataFrame:
    """The document's relations, the columns a reader needs, evidence shortened."""
    rows = list(_extension(doc, "relations") or [])
    data = pd.DataFrame.from_records(rows, columns=[*RELATION_COLUMNS, "evidence"])
    data["evidence"] = data["evidence"].map(lambda text: _shorten(text, EVIDENCE_CHARS))
    data["value"] = data["value"].map(_number).astype(object)
    data["year"] = data["year"].map(lambda year: _number(year, group=False)).astype(object)
    return _drop_empty(data, keep=["relation", "subject", "object"])


def entities_frame(doc: Doc) -> pd.DataFrame:
    columns = ["id", "type", "name", "code", "mentions", "position", "position_of"]
    rows = entities_of(doc)
    return _drop_empty(pd.DataFrame.from_records(rows, columns=columns), keep=columns[:3])


def quotes_frame(doc: Doc) -> pd.DataFrame:
    columns = ["quote_id", "kind", "speaker", "speaker_text", "cue", "text"]
    data = pd.DataFrame.from_records(_quotes(doc), columns=columns)
    data["text"] = data["text"].map(lambda text: _shorten(text, QUOTE_CHARS))
    return data


def _table(data: pd.DataFrame, empty: str) -> str:
    if data.empty:
        return f'<p class="note">{_escape(empty)}</p>'
    return data.to_html(index=False, escape=True, na_rep="", border=0)


def _drop_empty(data: pd.DataFrame, keep: list[str]) -> pd.DataFrame:
    """Without columns that are empty in every row (unless listed in `keep`)."""
    if data.empty:
        return data[keep]
    return data[[c for c in data.columns if c in keep or data[c].notna().any()]]


# --- the view ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocView:
    """A document's view: shows itself in Jupyter (`_repr_html_`), `page()` is a standalone
    HTML page, `save(path)` writes it."""

    doc: Doc
    title: str | None = None

    @property
    def html(self) -> str:
        """The HTML fragment: markup, then relations, entities and quotes."""
        doc, parts = self.doc, ['<div class="ru-news-view">', f"<style>{STYLE}</style>"]
        if self.title:
            parts.append(f"<h1>{_escape(self.title)}</h1>")
        parts += [legend(), f'<div class="markup">{markup(doc)}</div>']
        parts += ["<h2>Relations</h2>", _table(relations_frame(doc), "no relations found")]
        parts += ["<h2>Entities</h2>", _table(entities_frame(doc), "no entities found")]
        parts += ["<h2>Quotes</h2>", _table(quotes_frame(doc), "no quotes found"), "</div>"]
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        name = self.title or _extension(self.doc, "doc_id") or f"{len(self.doc.text)} characters"
        return f"<DocView of {name}: HTML in Jupyter, .page() for a standalone page>"

    def page(self) -> str:
        """A standalone UTF-8 HTML page of the view."""
        title = _escape(self.title or _extension(self.doc, "doc_id") or "ru-news document")
        return (
            '<!DOCTYPE html>\n<html lang="ru">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title}</title>\n</head>\n"
            f'<body style="margin: 2rem; background: #fff">\n{self.html}\n</body>\n</html>\n'
        )

    def save(self, path: str | Path) -> Path:
        return write_page(self.doc, path, self.title)


def view(doc: Doc, title: str | None = None) -> DocView:
    """The document's view; the last expression of a Jupyter cell shows it."""
    return DocView(doc, title)


def render(doc: Doc, jupyter: bool | None = None, title: str | None = None) -> str | None:
    """Like `displacy.render`: shows the view in Jupyter (detected when `jupyter` is None) and
    returns None there, else returns the HTML fragment."""
    result = view(doc, title)
    if jupyter is None:
        jupyter = is_in_jupyter()
    if jupyter:
        from IPython.display import display as show

        show(result)
        return None
    return result.html


def display(doc: Doc, title: str | None = None) -> None:
    """Show the view in Jupyter (in a plain Python shell, IPython prints its repr)."""
    from IPython.display import display as show

    show(view(doc, title))


def render_html(doc: Doc, title: str | None = None) -> str:
    """The view as a standalone HTML page (UTF-8, with a charset meta tag)."""
    return view(doc, title).page()


def write_page(doc: Doc, path: str | Path, title: str | None = None) -> Path:
    """Write the page atomically (a temporary file beside it, then renamed)."""
    path = Path(path)
    _write_atomic(path, render_html(doc, title))
    return path


def render_file(
    path: str | Path,
    out_html: str | Path,
    nlp: Language | None = None,
    encoding: str | None = None,
) -> Path:
    """Read a text file (encoding detected as `ru-news extract` does, unless given), run the
    pipeline and write its page to `out_html`. Raises `pipeline.io.InputError` for a file that
    is not usable text."""
    from .io import read_text

    if nlp is None:
        from .engine import load_nlp

        nlp = load_nlp()
    path = Path(path)
    doc = nlp(read_text(path, encoding).text)
    doc._.doc_id, doc._.path = path.name, str(path)
    return write_page(doc, out_html, title=path.name)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


# --- tables of a run -----------------------------------------------------------------------------


def read_tables(out_dir: str | Path) -> dict[str, pd.DataFrame]:
    """The five tables of an `ru-news extract` output folder, in the format its manifest names."""
    from .io import read_table

    out_dir = Path(out_dir)
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    fmt = manifest.get("settings", {}).get("format", "parquet")
    return {table: read_table(out_dir, table, fmt) for table in TABLES}


# --- the relation graph --------------------------------------------------------------------------


def relation_graph(
    source: Doc | Iterable[Doc] | Mapping[str, pd.DataFrame],
    *,
    isolated: bool = False,
) -> nx.MultiDiGraph:
    """Entities as nodes, relations as edges keyed and labelled by relation name.

    `source` is a Doc, several Docs, or a run's tables (`to_tables(docs)`, `read_tables(out)`).
    Nodes are (type, name) pairs, so one entity found in many documents is one node, with
    attributes type, name, code, positions (posts from holds_position), mentions and docs (how
    many documents mention it). Relation rows between the same two nodes merge into one edge
    with `count`, `doc_ids` and the rows' `details` (attribute, value, unit, year, evidence).
    Symmetric relations (signed_agreement, met_with, trade_target) have `symmetric=True` and
    their two ends in a fixed order. A holds_position row without an object only adds the post
    to the person's `positions`. Entities in no relation are left out unless `isolated`.
    """
    import networkx as nx

    tables = _as_tables(source)
    entities, relations = tables["entities"], tables["relations"]
    graph: nx.MultiDiGraph[NodeKey] = nx.MultiDiGraph()
    by_id: dict[tuple[str, int], NodeKey] = {}
    info: dict[NodeKey, dict[str, Any]] = {}
    for row in entities.itertuples(index=False):
        if pd.isna(row.entity_id) or pd.isna(row.name):
            continue
        key = (str(row.type), str(row.name))
        by_id[(str(row.doc_id), int(row.entity_id))] = key
        node = info.setdefault(
            key,
            {"type": key[0], "name": key[1], "code": None, "positions": [], "mentions": 0},
        )
        node.setdefault("doc_ids", set()).add(str(row.doc_id))
        node["mentions"] += int(row.mentions) if pd.notna(row.mentions) else 0
        if pd.notna(row.code) and not node["code"]:
            node["code"] = str(row.code)

    def node_of(doc_id: str, entity_id: Any, type_: Any, name: Any) -> NodeKey | None:
        if pd.notna(entity_id) and (str(doc_id), int(entity_id)) in by_id:
            return by_id[(str(doc_id), int(entity_id))]
        if pd.isna(name):
            return None
        key = (str(type_) if pd.notna(type_) else "OTHER", str(name))
        info.setdefault(key, {"type": key[0], "name": key[1], "code": None, "positions": []})
        return key

    for row in relations.itertuples(index=False):
        relation = str(row.relation)
        subject = node_of(row.doc_id, row.subject_id, row.subject_type, row.subject)
        obj = node_of(row.doc_id, row.object_id, row.object_type, row.object)
        if subject is None:
            continue
        if relation == "holds_position" and pd.notna(row.attribute):
            positions = info[subject]["positions"]
            if str(row.attribute) not in positions:
                positions.append(str(row.attribute))
        if obj is None:
            continue
        symmetric = relation in SYMMETRIC
        if symmetric and obj < subject:
            subject, obj = obj, subject
        for key in (subject, obj):
            if key not in graph:
                graph.add_node(key)
        if not graph.has_edge(subject, obj, key=relation):
            graph.add_edge(
                subject,
                obj,
                key=relation,
                relation=relation,
                label=relation,
                symmetric=symmetric,
                count=0,
                doc_ids=[],
                details=[],
            )
        edge = graph.edges[subject, obj, relation]
        edge["count"] += 1
        if str(row.doc_id) not in edge["doc_ids"]:
            edge["doc_ids"].append(str(row.doc_id))
        edge["details"].append(
            {
                "doc_id": str(row.doc_id),
                **{
                    column: _plain(getattr(row, column))
                    for column in ("attribute", "value", "unit", "year", "evidence")
                },
            }
        )
    if isolated:
        graph.add_nodes_from(info)
    for key in graph.nodes:
        node = dict(info.get(key, {"type": key[0], "name": key[1], "positions": []}))
        node["docs"] = len(node.pop("doc_ids", ()))
        node.setdefault("mentions", 0)
        node.setdefault("code", None)
        graph.nodes[key].update(node)
    return graph


def _as_tables(source: Doc | Iterable[Doc] | Mapping[str, pd.DataFrame]) -> dict:
    if isinstance(source, Doc):
        return to_tables([source])
    if isinstance(source, Mapping):
        missing = {"entities", "relations"} - set(source)
        if missing:
            raise ValueError(f"tables without {', '.join(sorted(missing))}")
        return {
            table: source[table].reindex(columns=COLUMNS[table])
            for table in ("entities", "relations")
        }
    return to_tables(source)


def draw_graph(
    graph: nx.MultiDiGraph,
    ax: Axes | None = None,
    *,
    max_nodes: int = 40,
    seed: int = 7,
    font_size: int = 10,
) -> Axes:
    """Draw a relation graph: names in boxes coloured by type (with the person's posts), one
    line per pair of entities labelled with its relations (×N when seen N times); arrows for
    directed relations. Larger graphs keep their `max_nodes` best-connected nodes. Without
    `ax`, a figure is made at a scale where the names do not overlap (up to 18 × 14 inches)."""
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.patches import Patch

    if graph.number_of_nodes() > max_nodes:
        weight = dict(graph.degree(weight="count"))
        keep = sorted(graph.nodes, key=lambda n: (-weight[n], n))[:max_nodes]
        graph = graph.subgraph(keep)
    pairs: dict[tuple[NodeKey, NodeKey], list[str]] = defaultdict(list)
    directed: set[tuple[NodeKey, NodeKey]] = set()
    for u, v, data in graph.edges(data=True):
        pair = (u, v) if (v, u) not in pairs else (v, u)
        count = data.get("count", 1)
        pairs[pair].append(data["relation"] + (f" ×{count}" if count > 1 else ""))
        if not data.get("symmetric"):
            directed.add(pair)
    simple = nx.DiGraph(list(pairs))
    simple.add_nodes_from(graph.nodes)
    texts = {node: _node_text(node, data) for node, data in graph.nodes(data=True)}
    boxes = {node: _box_inches(text, font_size) for node, text in texts.items()}
    pos = _layout(simple.to_undirected(), boxes, seed)

    xs, ys = [x for x, _ in pos.values()] or [0.0], [y for _, y in pos.values()] or [0.0]
    wide, high = max((w for w, _ in boxes.values()), default=1.0), 0.6
    xlim, ylim = (
        (min(xs) - wide / 2 - 0.3, max(xs) + wide / 2 + 0.3),
        (min(ys) - high, max(ys) + high),
    )
    if ax is None:  # a layout unit drawn an inch wide, as far as 18 × 14 inches allow
        width, height = xlim[1] - xlim[0], ylim[1] - ylim[0] + 0.6  # room for the legend
        scale = min(1.0, 18.0 / width, 14.0 / height)
        figure = plt.figure(figsize=(max(width * scale, 4.0), max(height * scale, 2.5)))
        ax = figure.add_axes((0.0, 0.0, 1.0, 1.0 - 0.6 / height))
    ax.set_axis_off()
    if not graph.number_of_edges():
        ax.text(0.5, 0.5, "no relations", ha="center", va="center", family=FONT, color="#777")
        return ax

    node_size = 2600  # where arrows stop: about the size of a name's box
    for style, edges in (("-|>", directed), ("-", set(pairs) - directed)):
        nx.draw_networkx_edges(
            simple,
            pos,
            edgelist=sorted(edges),
            ax=ax,
            arrowstyle=style,
            arrowsize=16,
            node_size=node_size,
            edge_color="#888",
            width=1.4,
        )
    labels = {pair: "\n".join(sorted(names)) for pair, names in pairs.items()}
    nx.draw_networkx_edge_labels(
        simple,
        pos,
        edge_labels=labels,
        ax=ax,
        font_size=font_size - 2,
        font_family=FONT,
        font_color="#333",
        rotate=False,
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
    )
    for node, data in graph.nodes(data=True):
        ax.text(
            *pos[node],
            texts[node],
            ha="center",
            va="center",
            fontsize=font_size,
            family=FONT,
            zorder=5,
            bbox={
                "boxstyle": "round,pad=0.4",
                "fc": COLORS.get(data["type"], OTHER_COLOR),
                "ec": "#555",
            },
        )
    types = sorted({data["type"] for _, data in graph.nodes(data=True)})
    handles = [Patch(color=COLORS.get(t, OTHER_COLOR), label=t) for t in types]
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=len(handles),
        prop={"family": FONT},
        frameon=False,
    )
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    return ax


def _node_text(node: NodeKey, data: Mapping[str, Any]) -> str:
    text = data.get("name") or node[1]
    if data.get("positions"):
        text += "\n(" + ", ".join(data["positions"]) + ")"
    return text


def _box_inches(text: str, font_size: int) -> tuple[float, float]:
    """About how wide and high a name's box is drawn, in inches."""
    lines = text.split("\n")
    width = max(len(line) for line in lines) * 0.6 * font_size / 72 + 0.3
    return width, len(lines) * 1.3 * font_size / 72 + 0.3


def _spread(
    pos: dict[Any, tuple[float, float]], boxes: Mapping[Any, tuple[float, float]]
) -> dict[Any, tuple[float, float]]:
    """Scaled up until no two boxes overlap, with room between them for an edge label."""
    factor = 1.0
    nodes = list(pos)
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            dx, dy = abs(pos[a][0] - pos[b][0]), abs(pos[a][1] - pos[b][1])
            need_x = (boxes[a][0] + boxes[b][0]) / 2 + GAP
            need_y = (boxes[a][1] + boxes[b][1]) / 2 + GAP
            apart = max(dx / need_x, dy / need_y)
            if apart and apart < 1:
                factor = max(factor, 1 / apart)
    return {node: (x * factor, y * factor) for node, (x, y) in pos.items()}


def _layout(
    graph: nx.Graph, boxes: Mapping[Any, tuple[float, float]], seed: int
) -> dict[Any, tuple[float, float]]:
    """Positions in inches. Each connected component is laid out on its own (a force layout
    of the whole graph would pile the small components on top of each other), spread until
    its names do not overlap, then the components are packed in rows, largest first."""
    import networkx as nx

    components = sorted(
        (sorted(component) for component in nx.connected_components(graph)),
        key=lambda nodes: (-len(nodes), nodes),
    )
    row_width = max(9.0, 4.0 * len(graph) ** 0.5)
    pos: dict[Any, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for nodes in components:
        if len(nodes) == 1:
            local = {nodes[0]: (0.0, 0.0)}
        elif len(nodes) == 2:
            local = {nodes[0]: (-0.5, 0.0), nodes[1]: (0.5, 0.0)}
        else:
            spring = nx.spring_layout(graph.subgraph(nodes), seed=seed, iterations=300)
            local = {node: (float(p[0]), float(p[1])) for node, p in spring.items()}
        local = _spread(local, boxes)
        left = min(px - boxes[n][0] / 2 for n, (px, _) in local.items())
        right = max(px + boxes[n][0] / 2 for n, (px, _) in local.items())
        top = max(py + boxes[n][1] / 2 for n, (_, py) in local.items())
        bottom = min(py - boxes[n][1] / 2 for n, (_, py) in local.items())
        width, height = right - left + GAP, top - bottom + GAP
        if x and x + width > row_width:
            x, y, row_height = 0.0, y - row_height, 0.0
        for node, (px, py) in local.items():
            pos[node] = (x + px - left, y + py - top)
        x += width
        row_height = max(row_height, height)
    return pos


# --- helpers -------------------------------------------------------------------------------------


def _extension(obj: Any, name: str) -> Any:
    return getattr(obj._, name) if obj.has_extension(name) else None


def _quotes(doc: Doc) -> list[dict]:
    return list(_extension(doc, "quotes") or [])


def _is_range(start: Any, end: Any) -> bool:
    return isinstance(start, int) and isinstance(end, int) and start < end


def _escape(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _shorten(text: Any, limit: int) -> Any:
    if not isinstance(text, str) or len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def _number(value: Any, group: bool = True) -> Any:
    """2000000000.0 → "2 000 000 000" (thin spaces; without them when not `group`: years),
    other values as they are."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return value
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
    return text.replace(",", "\u202f" if group else "")


def _plain(value: Any) -> Any:
    """A table cell as a plain Python value (None for missing)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value
