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


def test_corpus_runs():
    notebook = execute("02_corpus")
    shown = outputs(notebook)
    assert "seed_tokayev_rahmon.txt" in shown
    assert "Касым-Жомарт Токаев" in shown
    assert images(notebook) >= 1


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
