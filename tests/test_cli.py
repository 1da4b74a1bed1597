"""`ru-news extract` and `ru-news render`, and the unit of work behind extract (`ru-news evaluate`:
tests/eval/test_evaluate_command.py)."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pandas as pd
import pytest
import spacy
from conftest import DATA, SEED_TEXT
from spacy.language import Language
from typer.testing import CliRunner

from pipeline import cli, engine
from pipeline.cli import app
from pipeline.io import FORMATS, InputFile, find_files, read_table
from pipeline.tables import COLUMNS, TABLES

EXIT_FAILED = 3
CP1251_TEXT = DATA / "factrueval" / "book_100.txt"


@pytest.fixture(autouse=True)
def shared_pipeline(nlp, monkeypatch):
    """The CLI loads its pipeline through the engine: hand it the session's one."""
    monkeypatch.setattr(engine, "_NLP", nlp)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """news/{seed.txt (UTF-8), empty.txt, sub/binary.txt, sub/cp1251.txt}"""
    folder = tmp_path / "news"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(SEED_TEXT, folder / "seed.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "sub" / "binary.txt").write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d"))
    text = CP1251_TEXT.read_text(encoding="utf-8")
    (folder / "sub" / "cp1251.txt").write_bytes(text.encode("cp1251"))
    return folder


def extract(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["extract", *map(str, args)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def tables(out: Path, fmt: str = "parquet") -> dict[str, pd.DataFrame]:
    return {table: read_table(out, table, fmt) for table in TABLES}


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


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


def test_manifest_records_files_versions_and_failures(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    extract(corpus, "--out", out)
    info = manifest(out)
    files = {record["doc_id"]: record for record in info["files"]}
    cp1251 = corpus / "sub" / "cp1251.txt"
    assert files["sub/cp1251.txt"]["encoding"] == "cp1251"
    assert files["sub/cp1251.txt"]["sha256"] == hashlib.sha256(cp1251.read_bytes()).hexdigest()
    assert files["sub/cp1251.txt"]["path"] == str(cp1251)
    assert files["seed.txt"]["encoding"] == "utf-8"
    assert {failure["doc_id"] for failure in info["failures"]} == {"empty.txt", "sub/binary.txt"}
    assert info["counts"] == {table: len(df) for table, df in tables(out).items()}
    assert info["run"]["processed"] == 4
    assert "[components.ner]" in info["config"]
    assert {"version", "python", "spacy", "natasha", "timings"} <= set(info)


def test_rerun_skips_unchanged_files_and_redoes_changed_ones(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    extract(corpus, "--out", out)
    first = tables(out)
    assert extract(corpus, "--out", out)[0] == EXIT_FAILED  # the failed files still count
    assert manifest(out)["run"]["processed"] == 0
    for table, df in tables(out).items():
        pd.testing.assert_frame_equal(df, first[table])

    changed = corpus / "sub" / "cp1251.txt"
    changed.write_bytes("Владимир Путин прибыл в Казань.".encode("cp1251"))
    extract(corpus, "--out", out)
    assert manifest(out)["run"]["processed"] == 1
    documents = tables(out)["documents"].set_index("doc_id")
    assert len(documents) == 4
    assert documents.loc["sub/cp1251.txt", "chars"] == len("Владимир Путин прибыл в Казань.")
    seed = first["mentions"][first["mentions"]["doc_id"] == "seed.txt"]
    again = tables(out)["mentions"]
    pd.testing.assert_frame_equal(again[again["doc_id"] == "seed.txt"], seed)
    assert set(again[again["doc_id"] == "sub/cp1251.txt"]["text"]) >= {"Владимир Путин"}


def test_a_crashed_run_keeps_its_work_and_a_rerun_finishes_it(
    corpus: Path, tmp_path: Path, monkeypatch
):
    def crash_after_one_batch(files, workers, **options):
        batches = engine.run_local(files, workers, **{**options, "chunk_chars": 1})
        yield next(batches)
        raise RuntimeError("a worker process died")

    monkeypatch.setattr(cli, "run_local", crash_after_one_batch)
    out = tmp_path / "out"
    code, output = extract(corpus, "--out", out)
    assert code == 1
    assert "a worker process died" in output
    assert not manifest(out)["run"]["complete"]
    done = ["empty.txt", "seed.txt"]  # the first batch: 0 bytes + the seed's
    assert [record["doc_id"] for record in manifest(out)["files"]] == done
    assert tables(out)["documents"]["doc_id"].tolist() == done
    monkeypatch.setattr(cli, "run_local", engine.run_local)
    extract(corpus, "--out", out)
    run = manifest(out)["run"]
    assert (run["complete"], run["processed"], run["unchanged"]) == (True, 2, 2)
    assert len(tables(out)["documents"]) == 4


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


def ordered(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(list(df.columns), ignore_index=True)


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


@Language.component("explode_on_boom")
def explode_on_boom(doc):
    if "BOOM" in doc.text:
        raise RuntimeError("boom\nsecond line")
    return doc


def test_a_document_that_breaks_the_pipeline_becomes_an_error_row(tmp_path: Path):
    texts = {"a.txt": "Первый.", "b.txt": "BOOM", "c.txt": "Третий."}
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    nlp = spacy.blank("ru")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("explode_on_boom")
    batch = engine.process_files(find_files([tmp_path]), nlp)
    documents = batch.tables["documents"]
    assert documents["doc_id"].tolist() == list(texts)
    assert documents["error"].tolist()[1] == "pipeline failed: RuntimeError: boom"
    assert documents["error"].isna().tolist() == [True, False, True]
    assert [record.error is None for record in batch.files] == [True, False, True]


def test_chunks_group_files_by_size(tmp_path: Path):
    files = []
    for index, size in enumerate([50, 60, 10, 200, 5]):
        path = tmp_path / f"{index}.txt"
        path.write_bytes(b"x" * size)
        files.append(InputFile(path.name, path, tmp_path))
    chunks = engine.chunk_files(files, 100)
    assert [[file.doc_id for file in chunk] for chunk in chunks] == [
        ["0.txt", "1.txt"],
        ["2.txt", "3.txt"],
        ["4.txt"],
    ]


# ---------------------------------------------------------------------------------------------
# Shards, resumability, output layout
# ---------------------------------------------------------------------------------------------


def news_copies(folder: Path, count: int) -> Path:
    """`count` distinct news files: data/ texts, each with a numbered line appended."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(DATA.rglob("*.txt"))]
    folder.mkdir(parents=True)
    for index in range(count):
        text = f"{texts[index % len(texts)]}\nСообщение номер {index}.\n"
        (folder / f"news-{index:03}.txt").write_text(text, encoding="utf-8")
    return folder


def shard_records(out: Path) -> list[Path]:
    folder = out / ".ru-news" / "shards"
    return sorted(folder.glob("part-*.json")) if folder.is_dir() else []


def test_parquet_tables_are_folders_of_part_files(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert extract(corpus, "--out", out, "--chunk-chars", "1")[0] == EXIT_FAILED
    parts = sorted(path.name for path in (out / "mentions.parquet").iterdir())
    assert parts == [f"part-0000{n}.parquet" for n in range(3)]  # empty+seed, binary, cp1251
    whole = pd.read_parquet(out / "documents.parquet")
    assert sorted(whole["doc_id"]) == sorted(tables(out)["documents"]["doc_id"])
    info = manifest(out)
    assert info["output"]["shards"] == 3 and info["engine"]["name"] == "local"
    assert [len(json.loads(path.read_text())["files"]) for path in shard_records(out)] == [2, 1, 1]
    assert info["workers"][0]["peak_rss_mb"] > 0


def test_all_processed_exits_0(tmp_path: Path):
    assert extract(SEED_TEXT, "--out", tmp_path / "out")[0] == 0


def test_a_killed_run_resumes_to_the_same_tables(tmp_path: Path):
    """kill -9 of `ru-news extract` mid-run: the finished shards stay, the rerun does only
    what is missing, and the tables equal those of an uninterrupted run."""
    corpus = news_copies(tmp_path / "news", 20)
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    options = ["--chunk-chars", "6000"]
    script = Path(sys.executable).with_name("ru-news")
    command = [str(script), "extract", str(corpus), "--out", str(killed), *options]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 240
        while len(shard_records(killed)) < 3 and process.poll() is None:
            assert time.time() < deadline, "no shard written in time"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    done = sum(len(json.loads(path.read_text())["files"]) for path in shard_records(killed))
    assert 0 < done < 20

    assert extract(corpus, "--out", killed, *options)[0] == 0
    run = manifest(killed)["run"]
    assert (run["complete"], run["processed"], run["unchanged"]) == (True, 20 - done, done)
    assert extract(corpus, "--out", whole, *options)[0] == 0
    for table, df in tables(whole).items():
        pd.testing.assert_frame_equal(ordered(tables(killed)[table]), ordered(df))
    leftovers = [path for path in killed.rglob("*") if path.name.endswith(".tmp")]
    assert not leftovers


def test_debris_of_a_killed_commit_is_removed(corpus: Path, tmp_path: Path):
    """Parts without a commit record and temporary files are what a kill during a commit can
    leave; the next run removes them before anyone reads them as results."""
    out = tmp_path / "out"
    extract(corpus, "--out", out)
    first = tables(out)
    for table in TABLES:
        shutil.copy(
            out / f"{table}.parquet" / "part-00000.parquet",
            out / f"{table}.parquet" / "part-00007.parquet",
        )
    (out / f".manifest.json.{'a' * 32}.tmp").write_text("{", encoding="utf-8")
    (out / "quotes.parquet" / f".part-00008.parquet.{'b' * 32}.tmp").write_bytes(b"PAR1")
    assert extract(corpus, "--out", out)[0] == EXIT_FAILED
    assert manifest(out)["run"]["processed"] == 0
    for table, df in tables(out).items():
        pd.testing.assert_frame_equal(df, first[table])
    assert sorted(path.name for path in (out / "quotes.parquet").iterdir()) == [
        "part-00000.parquet"
    ]
    assert not list(out.glob(".*.tmp"))


def test_changing_the_format_keeps_the_rows(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    extract(corpus, "--out", out)
    first = tables(out)
    extract(corpus, "--out", out, "--format", "csv")
    assert manifest(out)["run"]["processed"] == 0
    assert not (out / "documents.parquet").exists()
    for table, df in tables(out, "csv").items():
        pd.testing.assert_frame_equal(df, first[table])


def test_another_config_or_slice_size_redoes_everything(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    extract(corpus, "--out", out)
    code, output = extract(corpus, "--out", out, "--max-chars", "5000")
    assert "redoing all" in output
    assert manifest(out)["run"]["processed"] == 4
    assert len(shard_records(out)) == 1


def test_save_docs_writes_docbin_shards(nlp, tmp_path: Path):
    from pipeline.io import read_docs

    long_text = "\n\n".join(
        path.read_text(encoding="utf-8") for path in sorted(DATA.rglob("*.txt"))
    )
    (tmp_path / "news").mkdir()
    shutil.copy(SEED_TEXT, tmp_path / "news" / "seed.txt")
    (tmp_path / "news" / "long.txt").write_text(long_text, encoding="utf-8")
    out = tmp_path / "out"
    assert extract(tmp_path / "news", "--out", out, "--save-docs", "--max-chars", "4000")[0] == 0
    assert manifest(out)["output"]["docs"] == "docs"
    docs = list(read_docs(out, nlp.vocab))
    seed = [doc for doc in docs if doc._.doc_id == "seed.txt"]
    assert len(seed) == 1 and seed[0].text == SEED_TEXT.read_text(encoding="utf-8")
    assert len(seed[0]._.entities) == (tables(out)["entities"]["doc_id"] == "seed.txt").sum()
    pieces = [doc for doc in docs if doc._.doc_id == "long.txt"]
    assert len(pieces) > 3
    offsets = [doc.user_data["ru_news.offset"] for doc in pieces]
    assert all(
        long_text[o : o + len(d.text)] == d.text for o, d in zip(offsets, pieces, strict=True)
    )


# ---------------------------------------------------------------------------------------------
# Commands wired to modules written beside this one
# ---------------------------------------------------------------------------------------------


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
    assert page.read_text(encoding="utf-8") == f"<html>{SEED_TEXT.name} {{}}</html>"
