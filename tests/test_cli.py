"""The `ru-news` command: `extract` (options, summary, exit codes), `evaluate`, `render`."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import pandas as pd
import pytest
import test_runner
from conftest import SEED_TEXT
from test_runner import ordered, tables
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.io import FORMATS, read_table
from pipeline.tables import COLUMNS

EXIT_FAILED = 3
# fixtures shared with the runner's tests: the session's pipeline, a four-file corpus
shared_pipeline = test_runner.shared_pipeline
corpus = test_runner.corpus


def extract(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["extract", *map(str, args)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize("fmt", FORMATS)
def test_extract_writes_every_table_and_records_failures(corpus: Path, tmp_path: Path, fmt: str):
    out = tmp_path / "out"
    code, output = extract(corpus, "--out", out, "--format", fmt)
    assert code == EXIT_FAILED
    assert "4 documents" in output and "2 failed" in output
    raw = {"parquet": pd.read_parquet, "csv": pd.read_csv}  # an empty JSON Lines file has none
    for table, columns in COLUMNS.items():
        assert list(read_table(out, table, fmt).columns) == columns
        if fmt in raw:
            assert list(raw[fmt](out / f"{table}.{fmt}").columns) == columns
    documents = read_table(out, "documents", fmt).set_index("doc_id")
    assert sorted(documents.index) == ["empty.txt", "seed.txt", "sub/binary.txt", "sub/cp1251.txt"]
    failed = documents[documents["error"].notna()]
    assert sorted(failed.index) == ["empty.txt", "sub/binary.txt"]
    assert failed.loc["empty.txt", "error"] == "empty file"
    assert failed.loc["sub/binary.txt", "error"].startswith("binary file")
    entities = read_table(out, "entities", fmt)
    assert {"seed.txt", "sub/cp1251.txt"} <= set(entities["doc_id"])


def test_two_workers_match_one_end_to_end(corpus: Path, tmp_path: Path):
    """The real console script, with spawned worker processes."""
    script = Path(sys.executable).with_name("ru-news")
    one, two = tmp_path / "one", tmp_path / "two"
    extract(corpus, "--out", one, "--workers", "1")
    command = [str(script), "extract", str(corpus), "--out", str(two), "--workers", "2"]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert finished.returncode == EXIT_FAILED, finished.stderr
    assert "ru-news: 4 documents" in finished.stderr
    for table, df in tables(one).items():
        pd.testing.assert_frame_equal(ordered(tables(two)[table]), ordered(df))


def test_usage_and_fatal_exit_codes(corpus: Path, tmp_path: Path):
    (tmp_path / "nothing").mkdir()
    assert extract(tmp_path / "nothing", "--out", tmp_path / "out")[0] == 2
    assert extract(corpus, "--out", tmp_path / "out", "--format", "xlsx")[0] == 2
    assert extract(corpus, "--out", tmp_path / "out", "--encoding", "no-such")[0] == 2
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    code, output = extract(corpus / "empty.txt", "--out", blocker / "out")
    assert code == 1
    assert "cannot write" in output


def test_missing_input_is_an_error_row(tmp_path: Path):
    out = tmp_path / "out"
    code, _ = extract(tmp_path / "gone.txt", "--out", out)
    assert code == EXIT_FAILED
    documents = tables(out)["documents"]
    assert documents[["doc_id", "error"]].values.tolist() == [["gone.txt", "file not found"]]


NEREL = {
    "1": ("Владимир Путин прибыл в Москву.", ["T1\tPERSON 0 14\tВладимир Путин", "T2\tCITY 24 30"]),
    "2": ("Токаев посетил Таджикистан.", ["T1\tPERSON 0 6\tТокаев", "T2\tCOUNTRY 15 26\tx"]),
}


def test_evaluate_ner_on_a_nerel_folder(tmp_path: Path):
    folder = tmp_path / "dev"
    folder.mkdir()
    for name, (text, ann) in NEREL.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        (folder / f"{name}.ann").write_text("\n".join(ann) + "\n", encoding="utf-8")
    report = tmp_path / "scores.json"
    result = CliRunner().invoke(app, ["evaluate", "ner", "--data", str(folder), "--json", report])
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.split() == ["type", "precision", "recall", "f1", "tp", "fp", "fn"]
    assert rows[-1].split()[0] == "ALL"
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert saved["dataset"] == "nerel"
    assert saved["scores"][-1]["type"] == "ALL"
    assert saved["scores"][-1]["tp"] + saved["scores"][-1]["fn"] == 4


def test_evaluate_ner_needs_a_recognisable_folder(tmp_path: Path):
    result = CliRunner().invoke(app, ["evaluate", "ner", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "cannot tell the dataset" in result.output


def test_evaluate_coref_prints_b_cubed(tmp_path):
    from conftest import dataset

    devset = dataset("factrueval2016") / "devset"
    result = CliRunner().invoke(
        app,
        [
            "evaluate",
            "coref",
            "--data",
            str(devset),
            "--limit",
            "2",
            "--json",
            str(tmp_path / "coref.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "b3" in result.output
    saved = json.loads((tmp_path / "coref.json").read_text(encoding="utf-8"))
    assert {row["metric"] for row in saved["scores"]} >= {"b3", "muc"}


def test_failed_files_are_named_on_stderr(tmp_path: Path):
    missing = tmp_path / "gone.txt"
    code, output = extract(missing, "--out", tmp_path / "out")
    assert code == EXIT_FAILED
    assert f"ru-news: failed: {missing}: file not found" in output


def test_version():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == "ru-news 0.1.0"


def test_all_processed_exits_0(tmp_path: Path):
    assert extract(SEED_TEXT, "--out", tmp_path / "out")[0] == 0


def test_a_run_made_otherwise_is_redone_with_a_warning(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    extract(corpus, "--out", out)
    code, output = extract(corpus, "--out", out, "--max-chars", "5000")
    assert code == EXIT_FAILED
    assert "ru-news: warning:" in output and "redoing all" in output
    assert "4 documents: 2 processed, 2 failed, 0 unchanged" in output


# ---------------------------------------------------------------------------------------------
# Commands wired to modules written beside this one
# ---------------------------------------------------------------------------------------------


def fake_module(name: str, **attributes) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__.update(attributes)
    return module


@pytest.mark.parametrize(
    ("command", "module"),
    [
        ("relations", "pipeline.evaluate.facts"),
        ("nerel-relations", "pipeline.evaluate.nerel_relations"),
        ("rured", "pipeline.evaluate.rured"),
    ],
)
def test_evaluate_relation_scorers_print_their_scores(command, module, tmp_path, monkeypatch):
    from pipeline.evaluate.scoring import Score

    calls = []

    def evaluate(nlp, folder, limit):
        calls.append((folder, limit))
        return [Score("holds_position", 3, 1, 2), Score("ALL", 3, 1, 2)]

    monkeypatch.setitem(sys.modules, module, fake_module(module, evaluate=evaluate))
    report = tmp_path / "scores.json"
    result = CliRunner().invoke(
        app, ["evaluate", command, "--data", str(tmp_path), "--limit", "5", "--json", str(report)]
    )
    assert result.exit_code == 0, result.output
    assert calls == [(tmp_path, 5)]
    header, *rows = result.output.splitlines()
    assert header.split() == ["type", "precision", "recall", "f1", "tp", "fp", "fn"]
    assert rows[0].split()[:2] == ["holds_position", "0.75"]
    assert json.loads(report.read_text(encoding="utf-8"))["scores"][1]["type"] == "ALL"


def test_evaluate_uses_the_scorers_own_frame_else_repr(tmp_path, monkeypatch):
    name = "pipeline.evaluate.rured"
    own = fake_module(
        name,
        evaluate=lambda nlp, folder, limit: {"recall": 0.5},
        scores_frame=lambda result: pd.DataFrame([result]),
    )
    monkeypatch.setitem(sys.modules, name, own)
    result = CliRunner().invoke(app, ["evaluate", "rured", "--data", str(tmp_path)])
    assert result.output.split() == ["recall", "0.5"]
    monkeypatch.setitem(sys.modules, name, fake_module(name, evaluate=lambda *a: ("x", 1)))
    result = CliRunner().invoke(app, ["evaluate", "rured", "--data", str(tmp_path)])
    assert result.exit_code == 0 and result.output.strip() == "('x', 1)"
    monkeypatch.setitem(sys.modules, name, None)  # import fails
    result = CliRunner().invoke(app, ["evaluate", "rured", "--data", str(tmp_path)])
    assert result.exit_code == 1 and "no scorer for rured" in result.output


def test_render_writes_a_page(tmp_path, monkeypatch):
    def render_file(path, out_html, **options):
        Path(out_html).write_text(f"<html>{Path(path).name} {options}</html>", encoding="utf-8")
        return Path(out_html)

    display = fake_module("pipeline.display", render_file=render_file)
    monkeypatch.setitem(sys.modules, "pipeline.display", display)
    page = tmp_path / "page.html"
    result = CliRunner().invoke(app, ["render", str(SEED_TEXT), "--out", str(page)])
    assert result.exit_code == 0, result.output
    assert page.read_text(encoding="utf-8") == f"<html>{SEED_TEXT.name} {{}}</html>"
