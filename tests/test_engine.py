"""The unit of work and its engines: pickling, slicing long texts, odd input, Dask."""

from __future__ import annotations

import json
import logging
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
import spacy
from conftest import DATA, SEED_TEXT
from spacy.language import Language
from typer.testing import CliRunner

from pipeline import engine, runner
from pipeline.cli import app
from pipeline.io import InputFile, find_files, read_table
from pipeline.tables import TABLES

NEWS = sorted(DATA.rglob("*.txt"))


@pytest.fixture(autouse=True)
def shared_pipeline(nlp, monkeypatch):
    """The CLI loads its pipeline through the engine: hand it the session's one."""
    monkeypatch.setattr(engine, "_NLP", nlp)


def ordered(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(list(df.columns), ignore_index=True)


def tables(out: Path, fmt: str = "parquet") -> dict[str, pd.DataFrame]:
    return {table: read_table(out, table, fmt) for table in TABLES}


def check_offsets(tables: dict[str, pd.DataFrame], texts: dict[str, str]) -> None:
    """Every offset inside its text, and the text at the offsets equal to the stored text."""
    for table, column in (("mentions", "text"), ("quotes", "text"), ("relations", "evidence")):
        for row in tables[table].itertuples(index=False):
            text = texts[row.doc_id]
            assert 0 <= row.start <= row.end <= len(text), (table, row)
            assert text[row.start : row.end] == getattr(row, column), (table, row)


# ---------------------------------------------------------------------------------------------
# What travels to worker processes
# ---------------------------------------------------------------------------------------------


def test_components_pickle_small_without_weights(nlp):
    """Weights are reloaded per process from natasha's wheel, never pickled; components are
    module-level classes, so spawn and forkserver workers can import them."""
    nlp("Прогрев: веса загружаются лениво.")  # loaded weights must not sneak into the pickle
    for name, component in nlp.pipeline:  # rule stages read models/ again in the worker
        assert len(pickle.dumps(component)) < 5_000, name
        cls = type(component)
        assert cls.__module__.startswith("pipeline.") and "<locals>" not in cls.__qualname__
    assert len(pickle.dumps(nlp.config.to_str())) < 20_000


def test_process_files_takes_plain_paths(nlp):
    batch = engine.process_files([str(SEED_TEXT)], nlp)
    documents = batch.tables["documents"]
    assert documents["doc_id"].tolist() == [SEED_TEXT.name]
    assert documents["error"].isna().all()
    assert batch.files[0].slices == 1
    assert batch.worker["pid"] == os.getpid() and batch.worker["peak_rss_mb"] > 0
    assert set(batch.tables) == set(TABLES)


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
    chunks = list(engine.chunk_files(files, 100))
    assert [[file.doc_id for file in chunk] for chunk in chunks] == [
        ["0.txt", "1.txt"],
        ["2.txt", "3.txt"],
        ["4.txt"],
    ]


# ---------------------------------------------------------------------------------------------
# Long texts: slices
# ---------------------------------------------------------------------------------------------


def test_split_text_prefers_paragraphs_and_keeps_every_character():
    paragraph = "Первое предложение. Второе предложение.\n"
    text = (paragraph * 3 + "\n") * 20
    pieces = engine.split_text(text, 500)
    assert "".join(piece for _, piece in pieces) == text
    assert all(len(piece) <= 500 for _, piece in pieces)
    assert all(text[offset : offset + len(piece)] == piece for offset, piece in pieces)
    assert all(piece.endswith("\n\n") for _, piece in pieces[:-1])
    no_breaks = "слово " * 400
    assert all(piece.endswith(" ") for _, piece in engine.split_text(no_breaks, 300)[:-1])
    no_spaces = "а" * 1000 + "\r\n" + "б" * 10
    pieces = engine.split_text(no_spaces, 300)
    assert [len(piece) for _, piece in pieces][:3] == [300, 300, 300]
    assert "".join(piece for _, piece in pieces) == no_spaces
    assert engine.split_text("короткий", 100) == [(0, "короткий")]


def test_sliced_document_keeps_offsets_ids_and_counts(nlp, tmp_path: Path):
    """A text over max_chars is processed in slices; its rows refer to the whole text."""
    text = "\n\n".join(path.read_text(encoding="utf-8") for path in NEWS)
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    whole = engine.process_files([path], nlp, max_chars=len(text) + 1)
    sliced = engine.process_files([path], nlp, max_chars=3_000)
    assert whole.files[0].slices == 1 and sliced.files[0].slices > 4
    check_offsets(sliced.tables, {"long.txt": text})
    documents = sliced.tables["documents"].iloc[0]
    assert documents["chars"] == len(text)
    assert documents["tokens"] == whole.tables["documents"].iloc[0]["tokens"]
    mentions = sliced.tables["mentions"]
    entity_ids = set(sliced.tables["entities"]["entity_id"])
    assert sliced.tables["entities"]["entity_id"].is_unique
    assert set(mentions["entity_id"].dropna()) <= entity_ids
    assert set(sliced.tables["quotes"]["speaker_id"].dropna()) <= entity_ids
    assert sliced.tables["quotes"]["quote_id"].is_unique
    assert sliced.tables["relations"]["relation_id"].is_unique
    assert mentions["sentence_id"].is_monotonic_increasing
    assert mentions["sentence_id"].max() < documents["sentences"]
    # cut at blank lines between articles, names are found as in the whole text
    spans = {(row.start, row.end) for row in mentions.itertuples() if row.kind == "name"}
    whole_mentions = whole.tables["mentions"]
    expected = {(row.start, row.end) for row in whole_mentions.itertuples() if row.kind == "name"}
    assert len(spans & expected) >= 0.9 * len(expected)


def test_a_line_of_200000_characters_without_spaces(nlp, tmp_path: Path):
    text = "Заголовок новости.\n" + "ж" * 200_000 + "\nПутин прибыл в Казань."
    path = tmp_path / "line.txt"
    path.write_text(text, encoding="utf-8")
    batch = engine.process_files([path], nlp, max_chars=20_000)
    documents = batch.tables["documents"]
    assert documents["error"].isna().all(), documents["error"].tolist()
    assert documents["chars"].tolist() == [len(text)]
    assert batch.files[0].slices > 10
    check_offsets(batch.tables, {"line.txt": text})
    assert "Путин" in set(batch.tables["mentions"]["text"])


BIG_TEXT_SCRIPT = """
import json, sys
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Span

from pipeline import engine
from pipeline.entities import MENTIONS_KEY


@Language.component("find_putin")
def find_putin(doc):
    spans = [Span(doc, t.i, t.i + 1, label="PERSON") for t in doc if t.text == "Путин"]
    for span in spans:
        span._.entity_id, span._.kind = 0, "name"
    doc.spans[MENTIONS_KEY] = spans
    doc._.entities = [{"id": 0, "type": "PERSON", "name": "Путин"}] if spans else []
    return doc


nlp = spacy.blank("ru")
nlp.add_pipe("sentencizer")
nlp.add_pipe("find_putin")
path = Path(sys.argv[1])
before = engine.peak_rss_mb()
batch = engine.process_files([path], nlp)
text = path.read_text(encoding="utf-8")
mentions = batch.tables["mentions"]
print(json.dumps({
    "before_mb": before,
    "peak_mb": engine.peak_rss_mb(),
    "error": batch.files[0].error,
    "chars": int(batch.tables["documents"]["chars"].iloc[0]),
    "length": len(text),
    "slices": batch.files[0].slices,
    "mentions": len(mentions),
    "expected": text.count("Путин"),
    "aligned": bool(all(text[s:e] == "Путин" for s, e in zip(mentions["start"], mentions["end"]))),
}))
"""


def test_a_20_mb_text_is_processed_in_slices_with_bounded_memory(tmp_path: Path):
    """A 20 MB file through the unit of work (with a cheap pipeline, in a fresh process):
    one document row, every mention at its place in the whole text, and memory a small
    multiple of the file, not of the spaCy Doc a 20 MB text would make."""
    paragraph = SEED_TEXT.read_text(encoding="utf-8").replace("\n", "\n\n") + "\n\nПутин.\n\n"
    copies = 20_000_000 // len(paragraph.encode("utf-8")) + 1
    path = tmp_path / "huge.txt"
    path.write_text(paragraph * copies, encoding="utf-8")
    assert path.stat().st_size >= 20_000_000
    script = tmp_path / "big.py"
    script.write_text(textwrap.dedent(BIG_TEXT_SCRIPT), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(path)], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["error"] is None
    assert result["chars"] == result["length"]
    assert result["slices"] >= result["length"] // engine.SLICE_CHARS
    assert result["mentions"] == result["expected"] >= copies
    assert result["aligned"]
    # the text itself (bytes, str, slices) is ~120 MB; one 20 MB spaCy Doc would be GBs
    assert result["peak_mb"] - result["before_mb"] < 250, result


# ---------------------------------------------------------------------------------------------
# Odd input: each an error row, never a crash of the batch
# ---------------------------------------------------------------------------------------------


def test_a_file_that_vanishes_mid_run_is_an_error_row(nlp, tmp_path: Path):
    for index, path in enumerate(NEWS[:3]):
        (tmp_path / f"{index}.txt").write_text(path.read_text(encoding="utf-8"), "utf-8")
    files = find_files([tmp_path])
    (tmp_path / "1.txt").unlink()
    assert [len(chunk) for chunk in engine.plan_chunks(files, 2, 1)] == [1, 2]  # 0 bytes now
    batch = engine.process_files(files, nlp)
    errors = batch.tables["documents"].set_index("doc_id")["error"]
    assert errors.isna().tolist() == [True, False, True]
    assert errors["1.txt"] == "file not found"


def test_unreadable_files_are_error_rows(nlp, tmp_path: Path, monkeypatch):
    good, locked = tmp_path / "good.txt", tmp_path / "locked.txt"
    for path in (good, locked):
        path.write_text("Путин прибыл в Казань.", encoding="utf-8")
    read_bytes = Path.read_bytes

    def refuse(self):
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    batch = engine.process_files(find_files([tmp_path]), nlp)
    errors = batch.tables["documents"].set_index("doc_id")["error"]
    assert errors["locked.txt"] == "cannot read file: permission denied"
    assert pd.isna(errors["good.txt"])


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_a_file_without_read_permission_is_an_error_row(nlp, tmp_path: Path):
    locked = tmp_path / "locked.txt"
    locked.write_text("Текст.", encoding="utf-8")
    locked.chmod(0)
    batch = engine.process_files([locked], nlp)
    assert batch.tables["documents"]["error"].tolist() == ["cannot read file: permission denied"]


@pytest.fixture
def deep(tmp_path: Path):
    """news/d/d/…/d (1,100 levels), removed bottom-up afterwards: pytest's own clean-up
    recurses and would hit the recursion limit."""
    root = tmp_path / "news"
    folders = [root]
    root.mkdir()
    for _ in range(1_100):
        folders.append(folders[-1] / "d")
        folders[-1].mkdir()
    yield root, folders[-1]
    for folder in reversed(folders[1:]):
        for entry in folder.iterdir():
            entry.unlink()
        folder.rmdir()


def test_deep_folders_symlink_loops_and_odd_names(nlp, tmp_path: Path, deep):
    """1,100 nested folders (deeper than Python's recursion limit), a folder link back to the
    root, a file link to itself, and a file name that is not UTF-8."""
    root, folder = deep
    (folder / "deep.txt").write_text("Токаев прибыл в Душанбе.", encoding="utf-8")
    (root / "up").symlink_to(root, target_is_directory=True)
    (root / "self.txt").symlink_to(root / "self.txt")
    odd = os.fsencode(root) + b"/\xff\xfe-odd.txt"
    with open(odd, "wb") as file:
        file.write("Путин прибыл в Казань.".encode())
    files = find_files([root])
    ids = [file.doc_id for file in files]
    assert ids[0] == "d/" * 1_100 + "deep.txt"
    assert ids[1:] == ["self.txt", "\\xff\\xfe-odd.txt"]
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", str(root), "--out", str(out)])
    assert result.exit_code == 3, result.output
    documents = read_table(out, "documents", "parquet").set_index("doc_id")
    assert documents.loc["self.txt", "error"].startswith("cannot read file: Too many levels")
    assert pd.isna(documents.loc["\\xff\\xfe-odd.txt", "error"])
    assert pd.isna(documents.loc[ids[0], "error"])


# ---------------------------------------------------------------------------------------------
# Engines
# ---------------------------------------------------------------------------------------------


def test_guided_chunks_shrink_towards_the_end(tmp_path: Path):
    files = []
    for index in range(100):
        path = tmp_path / f"{index:03}.txt"
        path.write_bytes(b"x" * 1_000)
        files.append(InputFile(path.name, path, tmp_path))
    chunks = list(engine.plan_chunks(files, 2, 30_000))
    sizes = [len(chunk) for chunk in chunks]
    assert sum(sizes) == 100 and [f for c in chunks for f in c] == files
    assert sizes[0] == 25 and sizes == sorted(sizes, reverse=True)
    assert min(sizes[:-1]) >= engine.MIN_CHUNK_CHARS // 1_000  # the last one: what is left
    assert list(engine.plan_chunks(files, 1, 30_000)) == list(engine.chunk_files(files, 30_000))


@pytest.fixture
def forked_workers(monkeypatch):
    """Local workers forked from the test process, so that they run this module's patches
    (spawned ones would import a clean engine); returns a function that makes every worker
    call `hook(files)` before its unit of work."""
    monkeypatch.setattr(engine, "START_METHOD", "fork")
    process_files = engine.process_files

    def install(hook):
        def patched(files, *args, **kwargs):
            hook(files)
            return process_files(files, *args, **kwargs)

        monkeypatch.setattr(engine, "process_files", patched)

    return install


def test_a_worker_killed_on_a_file_costs_that_file_not_the_run(tmp_path: Path, forked_workers):
    """A worker killed with SIGKILL (as by the OOM killer) whenever it holds one file: the
    chunks in flight are redone file by file, the culprit dies again and becomes an error
    row, every other file has its rows and the run ends with exit code 3."""
    news = tmp_path / "news"
    news.mkdir()
    for index, path in enumerate(NEWS):
        (news / f"{index}.txt").write_text(path.read_text(encoding="utf-8"), "utf-8")
    (news / "2-poison.txt").write_text("Путин прибыл в Казань.", encoding="utf-8")

    def kill_on_poison(files):
        if any("poison" in engine.as_item(file).doc_id for file in files):
            os.kill(os.getpid(), signal.SIGKILL)

    forked_workers(kill_on_poison)
    out = tmp_path / "out"
    command = ["extract", str(news), "--out", str(out), "--workers", "2", "--chunk-chars", "6000"]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 3, result.output
    documents = read_table(out, "documents", "parquet").set_index("doc_id")
    assert len(documents) == len(NEWS) + 1
    assert documents.loc["2-poison.txt", "error"] == engine.WORKER_DIED
    assert documents.drop(index="2-poison.txt")["error"].isna().all()
    mentioned = set(read_table(out, "mentions", "parquet")["doc_id"])
    assert mentioned == {f"{index}.txt" for index in range(len(NEWS))}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [failure["doc_id"] for failure in manifest["failures"]] == ["2-poison.txt"]
    assert manifest["run"]["complete"] and manifest["run"]["processed"] == len(NEWS)
    # a rerun tries the culprit again (the death may have been the machine's) and only it
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 3, result.output
    run = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["run"]
    assert (run["processed"], run["failed"]) == (0, 1)


def test_a_worker_stuck_on_a_file_is_replaced(tmp_path: Path, forked_workers, monkeypatch):
    """A worker stuck where no alarm reaches it (as in native code) is killed once its unit is
    over its limit: the unit is redone file by file, the culprit is stuck again and becomes a
    "timed out" error row, the other files have their rows and the run ends with exit code 3."""
    news = tmp_path / "news"
    news.mkdir()
    for index, path in enumerate(NEWS[:3]):
        (news / f"{index}.txt").write_text(path.read_text(encoding="utf-8"), "utf-8")
    (news / "1-stuck.txt").write_text("Путин прибыл в Казань.", encoding="utf-8")

    def hang_on_stuck(files):
        if any("stuck" in engine.as_item(file).doc_id for file in files):
            time.sleep(600)

    forked_workers(hang_on_stuck)
    monkeypatch.setattr(engine, "STUCK_GRACE", 3.0)
    out = tmp_path / "out"
    command = [str(news), "--out", str(out), "--workers", "2", "--chunk-chars", "3000"]
    result = CliRunner().invoke(app, ["extract", *command, "--doc-timeout", "2"])
    assert result.exit_code == 3, result.output
    documents = read_table(out, "documents", "parquet").set_index("doc_id")
    assert documents.loc["1-stuck.txt", "error"] == "timed out after 2 s"
    assert documents.drop(index="1-stuck.txt")["error"].isna().all()
    mentioned = set(read_table(out, "mentions", "parquet")["doc_id"])
    assert mentioned == {"0.txt", "1.txt", "2.txt"}


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_is_reported_per_document(workers: int, forked_workers):
    """The bar moves as each document is done, not when its unit of work is: in this process
    before the unit's batch comes back, from worker processes through a queue."""
    forked_workers(lambda files: None)
    files = find_files([DATA])
    reported: list[str] = []
    batches = engine.run_local(files, workers, chunk_chars=6_000, progress=reported.append)
    for batch in batches:
        if workers == 1:  # from worker processes, reports may come just after the batch
            assert {record.doc_id for record in batch.files} <= set(reported)
    assert sorted(reported) == sorted(file.doc_id for file in files)


def test_workers_that_cannot_start_are_fatal(tmp_path: Path, forked_workers, monkeypatch):
    """Workers dying before any task is no file's fault: exit 1, no file blamed."""
    monkeypatch.setattr(engine, "_build", lambda config: os._exit(1))
    out = tmp_path / "out"
    command = ["extract", str(DATA), "--out", str(out), "--workers", "2", "--chunk-chars", "4000"]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 1, result.output
    assert "die before their first task" in result.output
    assert not (out / "documents.parquet").exists()


def test_dask_local_cluster_matches_the_local_engine(tmp_path: Path):
    pytest.importorskip("distributed")
    local, dask = tmp_path / "local", tmp_path / "dask"
    runner = CliRunner()
    result = runner.invoke(app, ["extract", str(DATA), "--out", str(local)])
    assert result.exit_code == 0, result.output
    command = ["extract", str(DATA), "--out", str(dask), "--engine", "dask", "--workers", "2"]
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    for table, df in tables(local).items():
        pd.testing.assert_frame_equal(ordered(tables(dask)[table]), ordered(df))
    manifest = json.loads((dask / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"]["name"] == "dask"
    assert manifest["run"]["processed"] == len(NEWS)
    assert all(worker["pid"] != os.getpid() for worker in manifest["workers"])


def test_dask_engine_without_the_extra_says_how_to_install_it(tmp_path: Path, monkeypatch):
    def missing():
        raise ImportError("No module named 'distributed'")

    monkeypatch.setattr(runner, "import_distributed", missing)
    result = CliRunner().invoke(
        app, ["extract", str(SEED_TEXT), "--out", str(tmp_path / "o"), "--engine", "dask"]
    )
    assert result.exit_code == 1
    assert "pip install 'ru-news-pipeline[dask]'" in result.output
    result = CliRunner().invoke(
        app,
        ["extract", str(SEED_TEXT), "--out", str(tmp_path / "o"), "--engine", "local",
         "--scheduler", "tcp://127.0.0.1:8786"],
    )  # fmt: skip
    assert result.exit_code == 2


def test_dask_engine_uses_an_existing_scheduler(tmp_path: Path, monkeypatch):
    """--engine dask with DASK_SCHEDULER_ADDRESS set connects to that cluster."""
    distributed = pytest.importorskip("distributed")
    out = tmp_path / "out"
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:
        monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", cluster.scheduler_address)
        command = ["extract", str(SEED_TEXT), "--out", str(out), "--engine", "dask"]
        result = CliRunner().invoke(app, command)
        with distributed.Client(cluster) as client:
            worker_pids = set(client.run(os.getpid).values())
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"]["scheduler"] == cluster.scheduler_address
    assert {worker["pid"] for worker in manifest["workers"]} <= worker_pids
    assert len(read_table(out, "mentions", "parquet")) > 10


def test_a_sliced_text_keeps_its_decoding_warning(nlp, tmp_path: Path):
    path = tmp_path / "long.txt"
    text = SEED_TEXT.read_text(encoding="utf-8")
    path.write_bytes(text.encode() + b"\xff")
    batch = engine.process_files([path], nlp, max_chars=2000)
    assert batch.files[0].slices > 1
    warning = "1 bytes not valid utf-8 replaced with U+FFFD"
    assert batch.tables["documents"]["warning"].tolist() == [warning]
    assert batch.files[0].warning == warning
