"""The `ru-news` command: `extract` (options, summary, exit codes) and `render` (`ru-news evaluate`:
tests/eval/test_evaluate_command.py)."""

from __future__ import annotations

import subprocess
import sys
import time
import types
from pathlib import Path

import pandas as pd
import pytest
import test_runner
from conftest import SEED_TEXT
from spacy.language import Language
from spacy.tokens import Doc
from test_runner import ordered, tables
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.io import FORMATS, read_table
from pipeline.tables import COLUMNS

EXIT_FAILED = 3
# fixtures shared with the runner's tests: the session's pipeline, a four-file corpus
shared_pipeline = test_runner.shared_pipeline
corpus = test_runner.corpus


SLOW_MARKER = "Этот документ обрабатывается бесконечно."


@Language.component("test_sleep_on_marker")
def sleep_on_marker(doc: Doc) -> Doc:
    """A stage that hangs on one text, as a pathological input can make a real stage hang."""
    if SLOW_MARKER in doc.text:
        time.sleep(60)
    return doc


@pytest.fixture
def slow_stage(nlp):
    nlp.add_pipe("test_sleep_on_marker")
    yield
    nlp.remove_pipe("test_sleep_on_marker")


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


def test_a_document_over_the_time_limit_is_an_error_row(slow_stage, tmp_path: Path):
    """The slow document is stopped in the command's own process (one worker), its batch
    mates are redone without it and the run ends with exit code 3."""
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text("Путин прибыл в Казань.", encoding="utf-8")
    (news / "b-slow.txt").write_text(f"Токаев прибыл в Душанбе. {SLOW_MARKER}", encoding="utf-8")
    (news / "c.txt").write_text(SEED_TEXT.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    started = time.monotonic()
    code, output = extract(news, "--out", out, "--doc-timeout", "2")
    assert time.monotonic() - started < 40  # the group's limit (3 × 2 s), then 2 s for it alone
    assert code == EXIT_FAILED, output
    assert "failed: " in output and "b-slow.txt: timed out after 2 s" in output
    assert "2 processed, 1 failed" in output
    documents = read_table(out, "documents", "parquet").set_index("doc_id")
    assert documents.loc["b-slow.txt", "error"] == "timed out after 2 s"
    assert documents.drop(index="b-slow.txt")["error"].isna().all()
    assert set(read_table(out, "mentions", "parquet")["doc_id"]) == {"a.txt", "c.txt"}


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


def fake_module(name: str, **attributes) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__.update(attributes)
    return module


def test_render_writes_a_page(tmp_path, monkeypatch):
    def render_file(path, out_html, **options):
        Path(out_html).write_text(f"<html>{Path(path).name} {options}</html>", encoding="utf-8")
        return Path(out_html)

    display = fake_module("pipeline.display", render_file=render_file)
    monkeypatch.setitem(sys.modules, "pipeline.display", display)
    page = tmp_path / "page.html"
    result = CliRunner().invoke(app, ["render", str(SEED_TEXT), "--out", str(page)])
    assert result.exit_code == 0, result.output
    assert page.read_text(encoding="utf-8") == f"<html>{SEED_TEXT.name} {{'encoding': None}}</html>"
