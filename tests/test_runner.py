"""`pipeline.run`: a batch run from Python, its manifest, shards and resuming."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import DATA, SEED_TEXT, dataset

import pipeline
from pipeline import engine, resources, runner
from pipeline.io import read_table
from pipeline.tables import TABLES

CP1251_TEXT = DATA / "factrueval" / "book_100.txt"


@pytest.fixture(autouse=True)
def shared_pipeline(nlp, monkeypatch):
    """The runner loads its pipeline through the engine: hand it the session's one."""
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


def tables(out: Path, fmt: str = "parquet") -> dict[str, pd.DataFrame]:
    return {table: read_table(out, table, fmt) for table in TABLES}


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def ordered(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(list(df.columns), ignore_index=True)


def news_copies(folder: Path, count: int) -> Path:
    """`count` distinct news files: data/ texts, each with a numbered line appended."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(DATA.rglob("*.txt"))]
    folder.mkdir(parents=True)
    for index in range(count):
        text = f"{texts[index % len(texts)]}\nСообщение номер {index}.\n"
        (folder / f"news-{index:03}.txt").write_text(text, encoding="utf-8")
    return folder


def extract_killed_after_shards(source: Path, out: Path, shards: int = 3) -> int:
    """Run `ru-news extract` on the source and kill -9 it once `shards` shards are written;
    how many inputs the finished shards hold."""
    script = Path(sys.executable).with_name("ru-news")
    command = [str(script), "extract", str(source), "--out", str(out), "--chunk-chars", "6000"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 240
        while len(shard_records(out)) < shards and process.poll() is None:
            assert time.time() < deadline, "no shard written in time"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    return sum(len(json.loads(path.read_text())["files"]) for path in shard_records(out))


def shard_records(out: Path) -> list[Path]:
    folder = out / ".ru-news" / "shards"
    return sorted(folder.glob("part-*.json")) if folder.is_dir() else []


# ---------------------------------------------------------------------------------------------
# From Python
# ---------------------------------------------------------------------------------------------


def test_run_returns_counts_failures_and_paths(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = pipeline.run([corpus], out, format="csv")
    assert (result.inputs, result.processed, result.unchanged, result.failed) == (4, 2, 0, 2)
    assert [failure.doc_id for failure in result.failures] == ["empty.txt", "sub/binary.txt"]
    assert result.failures[0].error == "empty file"
    assert result.tables["mentions"] == out / "mentions.csv"
    assert result.manifest == out / "manifest.json" and result.manifest.is_file()
    assert result.rows == {table: len(df) for table, df in tables(out, "csv").items()}
    with pytest.raises(AttributeError):
        result.failed = 0  # a frozen record

    again = pipeline.run(str(corpus), out, format="csv")  # one path, not a list
    assert (again.processed, again.unchanged, again.failed) == (0, 2, 2)


def test_run_without_input_or_with_a_bad_option_raises(tmp_path: Path):
    (tmp_path / "nothing").mkdir()
    with pytest.raises(runner.NoInputError, match="no files matching"):
        pipeline.run([tmp_path / "nothing"], tmp_path / "out")
    with pytest.raises(ValueError, match="unknown format"):
        pipeline.run([SEED_TEXT], tmp_path / "out", format="xlsx")
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(runner.RunError, match="cannot write"):
        pipeline.run([SEED_TEXT], blocker / "out")


def test_models_digest_changes_with_one_lexicon_row(tmp_path: Path, monkeypatch):
    models = tmp_path / "models"
    shutil.copytree(resources.models_dir(), models)
    monkeypatch.setattr(resources, "models_dir", lambda: models)
    before = resources.models_digest()
    assert before == resources.models_digest()
    with (models / "posts.tsv").open("a", encoding="utf-8") as file:
        file.write("советник\tadviser\n")
    assert resources.models_digest() != before


def test_a_resume_after_the_rules_changed_redoes_finished_files(
    corpus: Path, tmp_path: Path, monkeypatch, caplog
):
    """Rows made by the old rules are never mixed with rows made by the new ones."""
    out = tmp_path / "out"
    assert pipeline.run([corpus], out).processed == 2  # and 2 failed
    rules = manifest(out)["rules_digest"]
    models = tmp_path / "models"
    shutil.copytree(resources.models_dir(), models)
    lexicon = models / "country_aliases.tsv"
    lines = lexicon.read_text(encoding="utf-8").splitlines(keepends=True)
    lexicon.write_text("".join(lines[:-1]), encoding="utf-8")  # one row fewer
    monkeypatch.setattr(resources, "models_dir", lambda: models)

    result = pipeline.run([corpus], out)
    assert (result.processed, result.failed, result.unchanged) == (2, 2, 0)
    assert "redoing all" in caplog.text
    assert manifest(out)["rules_digest"] != rules
    assert len(tables(out)["documents"]) == 4
    assert pipeline.run([corpus], out).processed == 0  # the same rules again: nothing to do


# ---------------------------------------------------------------------------------------------
# The manifest
# ---------------------------------------------------------------------------------------------


def test_manifest_records_files_versions_and_failures(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    pipeline.run([corpus], out)
    info = manifest(out)
    files = {record["doc_id"]: record for record in info["files"]}
    cp1251 = corpus / "sub" / "cp1251.txt"
    assert files["sub/cp1251.txt"]["encoding"] == "cp1251"
    assert files["sub/cp1251.txt"]["sha256"] == hashlib.sha256(cp1251.read_bytes()).hexdigest()
    assert files["sub/cp1251.txt"]["path"] == str(cp1251)
    assert files["seed.txt"]["encoding"] == "utf-8"
    assert {failure["doc_id"] for failure in info["failures"]} == {"empty.txt", "sub/binary.txt"}
    assert info["counts"] == {table: len(df) for table, df in tables(out).items()}
    assert (info["run"]["processed"], info["run"]["failed"]) == (2, 2)
    assert "[components.ner]" in info["config"]
    assert len(info["rules_digest"]) == 64
    assert {"version", "python", "spacy", "natasha", "timings"} <= set(info)


# ---------------------------------------------------------------------------------------------
# Resuming
# ---------------------------------------------------------------------------------------------


def test_rerun_skips_unchanged_files_and_redoes_changed_ones(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    pipeline.run([corpus], out)
    first = tables(out)
    again = pipeline.run([corpus], out)
    assert (again.processed, again.failed) == (0, 2)  # the failed files still count
    for table, df in tables(out).items():
        pd.testing.assert_frame_equal(df, first[table])

    changed = corpus / "sub" / "cp1251.txt"
    changed.write_bytes("Владимир Путин прибыл в Казань.".encode("cp1251"))
    assert pipeline.run([corpus], out).processed == 1
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

    monkeypatch.setattr(runner, "run_local", crash_after_one_batch)
    out = tmp_path / "out"
    with pytest.raises(runner.RunError, match="a worker process died.*rerun to go on"):
        pipeline.run([corpus], out)
    assert not manifest(out)["run"]["complete"]
    done = ["empty.txt", "seed.txt"]  # the first batch: 0 bytes + the seed's
    assert [record["doc_id"] for record in manifest(out)["files"]] == done
    assert tables(out)["documents"]["doc_id"].tolist() == done
    monkeypatch.setattr(runner, "run_local", engine.run_local)
    result = pipeline.run([corpus], out)
    run = manifest(out)["run"]
    assert (run["complete"], run["processed"], run["failed"], run["unchanged"]) == (True, 1, 1, 2)
    # the inputs: cp1251.txt processed now, binary.txt now and empty.txt before failed
    assert (result.processed, result.failed, result.unchanged) == (1, 2, 1)
    assert len(tables(out)["documents"]) == 4


def test_parquet_tables_are_folders_of_part_files(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    pipeline.run([corpus], out, chunk_chars=1)
    parts = sorted(path.name for path in (out / "mentions.parquet").iterdir())
    assert parts == [f"part-0000{n}.parquet" for n in range(3)]  # empty+seed, binary, cp1251
    whole = pd.read_parquet(out / "documents.parquet")
    assert sorted(whole["doc_id"]) == sorted(tables(out)["documents"]["doc_id"])
    info = manifest(out)
    assert info["output"]["shards"] == 3 and info["engine"]["name"] == "local"
    assert [len(json.loads(path.read_text())["files"]) for path in shard_records(out)] == [2, 1, 1]
    assert info["workers"][0]["peak_rss_mb"] > 0


def test_a_killed_run_resumes_to_the_same_tables(tmp_path: Path):
    """kill -9 of `ru-news extract` mid-run: the finished shards stay, the rerun does only
    what is missing, and the tables equal those of an uninterrupted run."""
    corpus = news_copies(tmp_path / "news", 20)
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    done = extract_killed_after_shards(corpus, killed)
    assert 0 < done < 20

    result = pipeline.run([corpus], killed, chunk_chars=6000)
    assert (result.failed, result.processed, result.unchanged) == (0, 20 - done, done)
    assert manifest(killed)["run"]["complete"]
    pipeline.run([corpus], whole, chunk_chars=6000)
    for table, df in tables(whole).items():
        pd.testing.assert_frame_equal(ordered(tables(killed)[table]), ordered(df))
    leftovers = [path for path in killed.rglob("*") if path.name.endswith(".tmp")]
    assert not leftovers


def test_debris_of_a_killed_commit_is_removed(corpus: Path, tmp_path: Path):
    """Parts without a commit record and temporary files are what a kill during a commit can
    leave; the next run removes them before anyone reads them as results."""
    out = tmp_path / "out"
    pipeline.run([corpus], out)
    first = tables(out)
    for table in TABLES:
        shutil.copy(
            out / f"{table}.parquet" / "part-00000.parquet",
            out / f"{table}.parquet" / "part-00007.parquet",
        )
    (out / f".manifest.json.{'a' * 32}.tmp").write_text("{", encoding="utf-8")
    (out / "quotes.parquet" / f".part-00008.parquet.{'b' * 32}.tmp").write_bytes(b"PAR1")
    assert pipeline.run([corpus], out).processed == 0
    for table, df in tables(out).items():
        pd.testing.assert_frame_equal(df, first[table])
    assert sorted(path.name for path in (out / "quotes.parquet").iterdir()) == [
        "part-00000.parquet"
    ]
    assert not list(out.glob(".*.tmp"))


def test_changing_the_format_keeps_the_rows(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    pipeline.run([corpus], out)
    first = tables(out)
    assert pipeline.run([corpus], out, format="csv").processed == 0
    assert not (out / "documents.parquet").exists()
    for table, df in tables(out, "csv").items():
        pd.testing.assert_frame_equal(df, first[table])


def test_another_slice_size_redoes_everything(corpus: Path, tmp_path: Path, caplog):
    out = tmp_path / "out"
    pipeline.run([corpus], out)
    assert pipeline.run([corpus], out, max_chars=5000).processed == 2
    assert "redoing all" in caplog.text
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
    assert pipeline.run([tmp_path / "news"], out, save_docs=True, max_chars=4000).failed == 0
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


def test_a_file_with_a_few_bad_bytes_is_processed_with_a_warning(tmp_path: Path):
    news = tmp_path / "news"
    news.mkdir()
    spoilt = "Токаев ".encode() + b"\xff\xfe" + " посетил Астану.".encode()
    (news / "spoilt.txt").write_bytes(spoilt)
    shutil.copy(SEED_TEXT, news / "seed.txt")
    out = tmp_path / "out"
    assert pipeline.run([news], out).failed == 0
    documents = tables(out)["documents"].set_index("doc_id")
    warning = "2 bytes not valid utf-8 replaced with U+FFFD"
    assert documents.loc["spoilt.txt", "warning"] == warning
    assert pd.isna(documents.loc["seed.txt", "warning"])
    entities = tables(out)["entities"]
    assert {"Токаев", "Астана"} <= set(entities[entities["doc_id"] == "spoilt.txt"]["name"])
    files = {record["doc_id"]: record for record in manifest(out)["files"]}
    assert files["spoilt.txt"]["warning"] == warning


# ---------------------------------------------------------------------------------------------
# News dumps: JSON Lines, CSV, Parquet rows with metadata
# ---------------------------------------------------------------------------------------------


def news_rows(texts: list[str]) -> list[dict]:
    """Rows of a dump: the texts with made-up dates, titles and sources."""
    return [
        {
            "text": text,
            "date": f"2024-{1 + index % 12:02}-{1 + index % 28:02}T09:30:00+03:00",
            "title": f"Новость {index}",
            "source": "Tengrinews" if index % 2 else "ТАСС",
        }
        for index, text in enumerate(texts)
    ]


def write_dump(path: Path, rows: list[dict]) -> Path:
    """A JSON Lines, CSV or Parquet dump of these rows."""
    if path.suffix == ".jsonl":
        lines = (json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        path.write_text("".join(lines), encoding="utf-8")
    elif path.suffix == ".csv":
        pd.DataFrame(rows).to_csv(path, index=False)
    else:
        pd.DataFrame(rows).to_parquet(path)
    return path


@pytest.fixture
def dumps(tmp_path: Path) -> Path:
    """dumps/news.jsonl (data/'s texts, a row without text, a broken line) and news.csv (the
    texts again under ids of their own)."""
    folder = tmp_path / "dumps"
    folder.mkdir()
    texts = [path.read_text(encoding="utf-8") for path in sorted(DATA.rglob("*.txt"))]
    jsonl = write_dump(folder / "news.jsonl", [*news_rows(texts), {"text": "", "date": "x"}])
    with jsonl.open("a", encoding="utf-8") as file:
        file.write('{"text": "Путин прибыл\n')
    rows = [{"id": f"n{index}", **row} for index, row in enumerate(news_rows(texts[:3]))]
    write_dump(folder / "news.csv", rows)
    return folder


def dates_carried(tables: dict[str, pd.DataFrame]) -> None:
    """Every quote and relation has its document's date."""
    date_of = tables["documents"].set_index("doc_id")["date"]
    for table in ("quotes", "relations"):
        rows = tables[table]
        assert len(rows) and rows["date"].notna().all()
        assert (rows["date"] == rows["doc_id"].map(date_of)).all()


def test_jsonl_and_csv_dumps_end_to_end(dumps: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = pipeline.run([dumps / "news.jsonl", dumps / "news.csv"], out, id_field="id")
    texts = len(list(DATA.rglob("*.txt")))
    assert (result.inputs, result.processed, result.failed) == (texts + 5, texts + 3, 2)
    done = tables(out)
    documents = done["documents"].set_index("doc_id")
    assert documents.loc["news.jsonl#1", ["title", "date", "source"]].tolist() == [
        "Новость 0",
        "2024-01-01",
        "ТАСС",
    ]
    assert documents.loc["news.csv#n2", "date"] == "2024-03-03"
    assert documents.loc[f"news.jsonl#{texts + 1}", "error"] == "no text in field 'text'"
    assert documents.loc[f"news.jsonl#{texts + 1}", "date"] is pd.NA  # "x" is no date
    assert documents.loc[f"news.jsonl#{texts + 2}", "error"].startswith("line 8: broken JSON")
    assert documents["path"].str.endswith(("news.jsonl", "news.csv")).all()
    assert documents["url"].isna().all()
    dates_carried(done)
    assert list(done["quotes"].columns)[-1] == "date"


def test_a_folder_mixes_texts_and_dumps_by_glob(dumps: Path, tmp_path: Path):
    shutil.copy(SEED_TEXT, dumps / "seed.txt")
    texts_only = pipeline.run([dumps], tmp_path / "texts")
    assert texts_only.inputs == 1  # a folder of .txt behaves as before
    everything = pipeline.run([dumps], tmp_path / "all", glob="*.txt,*.jsonl")
    ids = tables(tmp_path / "all")["documents"]["doc_id"]
    assert everything.inputs == len(ids) and "seed.txt" in set(ids)
    assert ids.str.startswith("news.jsonl#").sum() == len(list(DATA.rglob("*.txt"))) + 2


def test_a_rerun_redoes_only_changed_rows_and_drops_vanished_ones(dumps: Path, tmp_path: Path):
    out = tmp_path / "out"
    path = dumps / "news.csv"
    pipeline.run([path], out)
    rows = pd.read_csv(path).to_dict("records")
    rows[1]["text"] = "Касым-Жомарт Токаев прибыл в Душанбе."
    write_dump(path, rows[:2])
    result = pipeline.run([path], out)
    assert (result.processed, result.unchanged) == (1, 1)
    documents = tables(out)["documents"]
    assert documents["doc_id"].tolist() == ["news.csv#1", "news.csv#2"]
    assert documents["chars"].iloc[1] == len(rows[1]["text"])


def test_a_parquet_dump_with_a_date_column(tmp_path: Path):
    rows = news_rows([SEED_TEXT.read_text(encoding="utf-8")] * 2)
    data = pd.DataFrame(rows).assign(
        published=pd.to_datetime(["2023-05-06 10:00", "2023-05-07 23:00"]), url=["u0", "u1"]
    )
    data.drop(columns="date").to_parquet(tmp_path / "news.parquet")
    pipeline.run([tmp_path / "news.parquet"], tmp_path / "out", meta_fields="date=published,url")
    done = tables(tmp_path / "out")
    documents = done["documents"]
    assert documents["date"].tolist() == ["2023-05-06", "2023-05-07"]
    assert documents["url"].tolist() == ["u0", "u1"] and documents["title"].isna().all()
    dates_carried(done)


def test_a_killed_run_over_a_dump_resumes_row_by_row(tmp_path: Path):
    """kill -9 mid-dump: the rerun does only the rows not yet done, and the tables equal those
    of an uninterrupted run."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(DATA.rglob("*.txt"))]
    rows = news_rows([f"{texts[n % len(texts)]}\nСообщение номер {n}.\n" for n in range(20)])
    dump = write_dump(tmp_path / "news.jsonl", rows)
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    done = extract_killed_after_shards(dump, killed)
    assert 0 < done < 20

    result = pipeline.run([dump], killed, chunk_chars=6000)
    assert (result.failed, result.processed, result.unchanged) == (0, 20 - done, done)
    pipeline.run([dump], whole, chunk_chars=6000)
    for table, df in tables(whole).items():
        pd.testing.assert_frame_equal(ordered(tables(killed)[table]), ordered(df))


@pytest.mark.gold
def test_nerel_rows_as_jsonl_and_csv(tmp_path: Path):
    """200 NEREL news texts as dump rows with made-up dates (the 1,000 rows of the issue ran
    once by hand: 2 workers, every row processed, every date carried)."""
    texts = sorted(dataset("nerel").rglob("*.txt"))[:200]
    rows = news_rows([path.read_text(encoding="utf-8") for path in texts])
    jsonl = write_dump(tmp_path / "nerel.jsonl", rows[:100])
    csv = write_dump(tmp_path / "nerel.csv", rows[100:])
    result = pipeline.run([jsonl, csv], tmp_path / "out", workers=2)
    assert (result.inputs, result.failed) == (len(rows), 0)
    done = tables(tmp_path / "out")
    assert done["documents"]["date"].notna().all()
    dates_carried(done)
