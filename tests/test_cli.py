"""`ru-news extract` and `ru-news evaluate ner`, and the unit of work behind extract."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
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
        batches = engine.run_local(files, workers, chunk_chars=1, **options)
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
