"""The notebooks run top to bottom (so a notebook that breaks fails CI) and are stored clean."""

from __future__ import annotations

import json
import time

import pytest
from conftest import REPO

NOTEBOOKS = REPO / "notebooks"
NAMES = ["01_quickstart", "02_corpus", "03_evaluation"]
CELL_TIMEOUT = 300  # seconds per cell


def execute(name: str) -> dict:
    """Run a notebook in a fresh python3 kernel with notebooks/ as working directory; returns
    the executed notebook (the stored file is not changed)."""
    pytest.importorskip(
        "nbclient", reason="nbclient is not installed (pip install -e '.[test]' brings it)"
    )
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    started = time.perf_counter()
    client.execute()
    print(f"{name}: {time.perf_counter() - started:.1f} s")
    return notebook


def outputs(notebook: dict) -> str:
    """Everything the cells printed or displayed, as one string."""
    parts = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.extend(str(value) for value in output.get("data", {}).values())
    return "\n".join(parts)


def images(notebook: dict) -> int:
    return sum(
        "image/png" in output.get("data", {})
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
    )


def test_quickstart_shows_markup_tables_and_graph():
    notebook = execute("01_quickstart")
    shown = outputs(notebook)
    assert "QUOTE ← Касым-Жомарт Токаев" in shown  # the markup
    assert "Эмомали Рахмон" in shown
    for column in ("entity_id", "sentence_id", "speaker_text", "evidence"):  # the tables
        assert column in shown
    assert images(notebook) >= 1  # the graph


def test_corpus_shows_speakers_state_pairs_and_time():
    notebook = execute("02_corpus")
    shown = outputs(notebook)
    assert "news.jsonl#seed_tokayev_rahmon.txt" in shown  # the dump's documents
    assert "PERSON:Касым-Жомарт Токаев" in shown  # speakers by entity key
    assert "Казахстан — Таджикистан" in shown  # agreements by pair of states
    assert "2024-05" in shown  # relations by month of the document's date
    assert images(notebook) >= 2  # relations over time, the graph


@pytest.mark.parametrize("name", NAMES)
def test_the_first_cell_names_the_extra(name):
    """Each notebook starts by checking the [notebooks] extra, failing with the install hint."""
    notebook = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    first = next(cell for cell in notebook["cells"] if cell["cell_type"] == "code")
    source = "".join(first["source"])
    assert "pip install -e '.[notebooks]'" in source and "ModuleNotFoundError" in source


def test_evaluation_with_the_gold_corpora_if_present():
    notebook = execute("03_evaluation")
    shown = outputs(notebook)
    assert "published" in shown
    assert "occupation" in shown and "best 2016" in shown  # the relations table
    assert images(notebook) == 1


def test_evaluation_on_a_fresh_clone(monkeypatch, tmp_path):
    """Without ../shared/datasets the notebook shows the published figures only."""
    monkeypatch.setenv("RU_NEWS_DATASETS", str(tmp_path / "absent"))
    shown = outputs(execute("03_evaluation"))
    assert "published figures only" in shown
    assert "quick check F1" not in shown


@pytest.mark.parametrize("name", NAMES)
def test_stored_without_outputs(name):
    notebook = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
