"""A batch run: news files in, the contract's tables and manifest.json in OUT, resumable.

`run(inputs, out)` finds the input files (text files, and news dumps: JSON Lines, CSV, Parquet
files whose rows are documents), works out which documents are already done in OUT, hands the
rest to an engine (pipeline/engine.py: the unit of work on local processes or Dask) and commits
each finished unit as a shard, so memory stays flat and a run killed at any moment (even
kill -9) keeps every finished shard. A rerun into the same OUT removes unfinished debris, skips
files already done with the same path and bytes (SHA-256) and dump rows done with the same
content, redoes changed ones and keeps the rows of files it was not given this time; its tables
equal those of an uninterrupted run. A dump is read twice, row by row: once to learn which rows
are to do (ids and digests, no text kept), once to hand them to the engine.

Rows of an earlier run are kept only if the same pipeline made them: same version, config,
rule files under models/ (their digest), decoding and slicing of long texts. Otherwise
everything is redone, so new rows are never mixed with rows the old rules made.

The command line (`ru-news extract`) is a thin layer over `run`; from Python:

    result = pipeline.run(["news/"], "out", workers=2)
    result.failed, result.tables["mentions"]
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path

import spacy
from spacy.language import Language
from tqdm import tqdm

import pipeline

from . import resources
from .corpus import corpus_entities
from .engine import (
    CHUNK_CHARS,
    DASK_MISSING,
    DOC_TIMEOUT,
    ENGINES,
    SLICE_CHARS,
    Batch,
    FileRecord,
    Item,
    import_distributed,
    item_size,
    load_nlp,
    peak_rss_mb,
    run_dask,
    run_local,
)
from .io import (
    FORMATS,
    STATE_DIR,
    Fields,
    InputFile,
    Row,
    ShardStore,
    file_digest,
    find_files,
    is_dump,
    parse_meta_fields,
    read_rows,
    safe_str,
    table_path,
    write_json_atomic,
    write_table,
)
from .tables import TABLES

CORPUS = "corpus_entities"
CORPUS_TABLES = ("entities", "quotes", "relations")

MANIFEST = "manifest.json"
SETTINGS = "settings.json"
CHECKPOINT_SECONDS = 300.0
RESUME_HINT = "the files done so far are saved, rerun to go on"

log = logging.getLogger(__name__)


class NoInputError(ValueError):
    """No input file was found: nothing to run (a usage error on the command line)."""


class RunError(Exception):
    """The run cannot go on: OUT is not writable, workers cannot start, the Dask scheduler
    cannot be reached. The files finished before it happened are saved."""


@dataclass(frozen=True)
class Failure:
    """An input that became an error row of `documents`."""

    doc_id: str
    path: str | None
    error: str


@dataclass(frozen=True)
class RunResult:
    """What a finished run did: counts over this run's inputs (documents: files and dump rows;
    processed now, failed now or before, unchanged since an earlier run: together `inputs`),
    the tables' row counts over all of OUT, the failed inputs, and where the tables and the
    manifest are."""

    out: Path
    inputs: int
    processed: int
    unchanged: int
    failed: int
    rows: dict[str, int]
    failures: tuple[Failure, ...]
    tables: dict[str, Path]
    manifest: Path
    seconds: float


@dataclass(frozen=True)
class Settings:
    """What decides whether rows of an earlier run can be kept: same pipeline (version, config,
    rule files), same decoding, same slicing of long texts (format and glob may change)."""

    version: str
    config: str
    rules: str
    encoding: str | None
    format: str
    glob: str
    max_chars: int

    def compatible(self, saved: dict) -> bool:
        keys = ("version", "config", "rules", "encoding", "max_chars")
        return all(saved.get(key) == getattr(self, key) for key in keys)


def rules_digest(config: str) -> str:
    """SHA-256 of the pipeline's config and every file under models/: a changed lexicon row
    changes it."""
    return hashlib.sha256(f"{resources.models_digest()}\n{config}".encode()).hexdigest()


def run(
    inputs: Iterable[str | os.PathLike] | str | os.PathLike,
    out: str | os.PathLike,
    format: str = "parquet",
    workers: int | None = 1,
    *,
    glob: str = "*.txt",
    encoding: str | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    save_docs: bool = False,
    chunk_chars: int = CHUNK_CHARS,
    max_chars: int = SLICE_CHARS,
    doc_timeout: float | None = DOC_TIMEOUT,
    text_field: str = "text",
    id_field: str | None = None,
    meta_fields: Iterable[str] | str | None = None,
    nlp: Language | None = None,
    progress: bool | None = None,
) -> RunResult:
    """Process files and folders (searched recursively for `glob`) into OUT, resuming what an
    earlier run into OUT left. Files named *.jsonl, *.ndjson, *.csv or *.parquet are news dumps:
    each row is a document with its text in `text_field`, its id in `id_field` (default: the
    row number within the file) and metadata in `meta_fields` ("title", "date", "source",
    "url", or "date=published_at" for a field named otherwise; default: those present).

    `engine` "dask" runs on the scheduler at `scheduler`, else on
    $DASK_SCHEDULER_ADDRESS, else on a LocalCluster of `workers` processes (None: one per core).
    `progress` shows a bar (default: when stderr is a terminal). A document (a slice of a long
    text) that takes more than `doc_timeout` seconds becomes an error row "timed out after N s"
    and the run goes on; 0 or None: no limit. On the local engine only: an alarm stops it in
    the process running it (this one with one worker), and a worker process stuck where no
    alarm reaches (native code) is killed and replaced.

    Raises NoInputError when no file is found, ImportError when the Dask extra is missing,
    RunError when the run cannot go on, KeyboardInterrupt after saving what was done."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; expected one of {FORMATS}")
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; expected one of {ENGINES}")
    paths = [inputs] if isinstance(inputs, str | os.PathLike) else list(inputs)
    files = find_files([Path(path) for path in paths], glob)
    if not files:
        searched = ", ".join(map(str, paths))
        raise NoInputError(f"no files matching {glob!r} in {searched}")
    if engine == "dask":
        try:
            import_distributed()
        except ImportError as error:
            raise ImportError(DASK_MISSING) from error
        scheduler = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    fields = Fields(text_field, id_field, _meta_pairs(meta_fields))
    nlp = load_nlp() if nlp is None else nlp
    config = nlp.config.to_str()
    settings = Settings(
        pipeline.__version__, config, rules_digest(config), encoding, format, glob, max_chars
    )
    setup = {
        "name": engine,
        "workers": workers,
        "scheduler": scheduler,
        "doc_timeout": doc_timeout or None,
    }
    out = Path(out)
    try:
        _check_writable(out)
        store = _open_store(out, settings)
        batch_run = Run(store, settings, files, fields, _records(store), save_docs, setup)
    except OSError as error:
        raise RunError(f"cannot write to {out}: {error}") from error
    show = sys.stderr.isatty() if progress is None else progress
    _execute(batch_run, nlp, chunk_chars, show)
    return batch_run.result()


def _meta_pairs(meta_fields: Iterable[str] | str | None) -> tuple[tuple[str, str], ...] | None:
    if meta_fields is None:
        return None
    spec = meta_fields if isinstance(meta_fields, str) else ",".join(meta_fields)
    return parse_meta_fields(spec)


def _check_writable(out: Path) -> None:
    """Fail before hours of work, not after them."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=out):
        pass


def _open_store(out: Path, settings: Settings) -> ShardStore:
    """The output folder, ready for this run: an earlier run's shards are kept if they were
    made by the same pipeline and settings (its format is converted), else removed; the debris
    of a killed run (temporary files, parts of uncommitted shards) is removed."""
    store = ShardStore(out, settings.format)
    saved = _saved_settings(out)
    if saved is None:
        if (out / MANIFEST).exists() or store.records():
            log.warning("%s holds an older or unreadable run; redoing all", out)
            store.reset()
    elif not settings.compatible(saved):
        log.warning("%s was made by another pipeline, rule files or encoding; redoing all", out)
        store.reset()
    elif saved.get("format") != settings.format and saved.get("format") in FORMATS:
        store.adopt(saved["format"])
    store.clean()
    store.state.mkdir(parents=True, exist_ok=True)
    write_json_atomic(store.state / SETTINGS, asdict(settings))
    return store


def _saved_settings(out: Path) -> dict | None:
    try:
        saved = json.loads((out / STATE_DIR / SETTINGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return saved if isinstance(saved, dict) else None


def _records(store: ShardStore) -> dict[str, dict]:
    """The earlier runs' file records by doc_id, each with whether its shard kept the Docs."""
    return {
        file["doc_id"]: {**file, "docs": bool(record.get("docs"))}
        for record in store.records()
        for file in record["files"]
        if isinstance(file, dict) and "doc_id" in file
    }


class Run:
    """One run's state: which documents to do, and each finished batch committed as a shard.
    Only ids are kept per document (`ids`, `todo`); the documents themselves are read again
    when handed out (`pending`)."""

    def __init__(
        self,
        store: ShardStore,
        settings: Settings,
        files: list[InputFile],
        fields: Fields,
        previous: dict[str, dict],
        save_docs: bool,
        setup: dict,
    ):
        self.store, self.settings, self.files, self.fields = store, settings, files, fields
        self.out = store.out
        self.previous, self.save_docs, self.setup = previous, save_docs, setup
        self.ids: list[str] = []
        self.todo: set[str] = set()
        self.todo_chars = 0
        for item in self._items():
            self.ids.append(item.doc_id)
            if not self._unchanged(item):
                self.todo.add(item.doc_id)
                self.todo_chars += item_size(item)
        self.new: list[FileRecord] = []
        self.workers: dict[str, dict] = {}
        self.started = time.time()
        self._prune()
        self.next_shard = store.next_number()

    def _items(self) -> Iterator[Item]:
        """The documents of the inputs in order: text files, and the rows of dumps."""
        for file in self.files:
            if is_dump(file.path):
                yield from read_rows(file, self.fields, self.settings.encoding)
            else:
                yield file

    def pending(self) -> Iterator[Item]:
        """The documents to do, read as the engine takes them."""
        return (item for item in self._items() if item.doc_id in self.todo)

    def _unchanged(self, item: Item) -> bool:
        """Done before under the same doc_id and path, with the same bytes or row content
        (and with its Docs saved, if they are asked for)."""
        old = self.previous.get(item.doc_id)
        if not (
            old
            and old.get("sha256")
            and old.get("path") == safe_str(item.path)
            and (old["docs"] or old.get("error") or not self.save_docs)
        ):
            return False
        current = item.sha256 if isinstance(item, Row) else file_digest(item.path)
        return old["sha256"] == current

    def _prune(self) -> None:
        """Rows of documents about to be redone go before any new shard is written, so no
        document is ever in two shards; so do those of an input's path under an id it no
        longer has (a file found under another folder, a dump row gone or renumbered)."""
        current = set(self.ids)
        paths = {safe_str(file.path) for file in self.files}
        redone = {
            doc_id
            for doc_id, record in self.previous.items()
            if doc_id in self.todo or (record.get("path") in paths and doc_id not in current)
        }
        if redone:
            self.store.prune(redone)

    def add(self, batch: Batch) -> None:
        """Commit a batch as the next shard."""
        number = self.next_shard
        record = {
            "files": [asdict(file) for file in batch.files],
            "counts": {table: len(df) for table, df in batch.tables.items()},
            "docs": batch.docs is not None,
            "worker": batch.worker,
            "committed": _now(),
        }
        self.store.commit(number, batch.tables, record, batch.docs)
        self.next_shard += 1
        self.new.extend(batch.files)
        if batch.worker:  # none for a batch of files whose worker died on them
            self._count_worker(batch)

    def _count_worker(self, batch: Batch) -> None:
        worker = batch.worker
        key = f"{worker.get('host')}:{worker.get('pid')}"
        stats = self.workers.setdefault(
            key, {**worker, "batches": 0, "docs": 0, "seconds": 0.0, "peak_rss_mb": None}
        )
        stats["batches"] += 1
        stats["docs"] += len(batch.files)
        stats["seconds"] = round(stats["seconds"] + worker.get("seconds", 0.0), 3)
        peaks = [value for value in (stats["peak_rss_mb"], worker.get("peak_rss_mb")) if value]
        stats["peak_rss_mb"] = max(peaks, default=None)

    def seconds(self) -> float:
        return time.time() - self.started

    def records(self) -> list[dict]:
        """All files of OUT: this run's inputs in input order, then files of earlier runs."""
        recorded: dict[str, dict] = {}
        for shard in self.store.records():
            for file in shard["files"]:
                recorded[file["doc_id"]] = file
        inputs = [doc_id for doc_id in self.ids if doc_id in recorded]
        given = set(inputs)
        rest = [doc_id for doc_id in recorded if doc_id not in given]
        return [recorded[doc_id] for doc_id in [*inputs, *rest]]

    def failures(self) -> list[Failure]:
        """This run's inputs that are error rows (done now or before)."""
        records = {record["doc_id"]: record for record in self.records()}
        failed = [records.get(doc_id) for doc_id in self.ids]
        return [
            Failure(record["doc_id"], record.get("path"), record["error"])
            for record in failed
            if record and record.get("error") is not None
        ]

    def counts(self) -> dict[str, int]:
        """Rows per table over every shard of OUT."""
        counts = dict.fromkeys(TABLES, 0)
        for shard in self.store.records():
            for table in TABLES:
                counts[table] += int(shard.get("counts", {}).get(table, 0))
        return counts

    def finish(self, complete: bool) -> None:
        """Merge CSV / JSON Lines parts into their single files, write corpus_entities over
        every document of OUT, then the manifest."""
        self.store.export()
        entities = corpus_entities(lambda: self.store.shard_tables(CORPUS_TABLES))
        write_table(entities, self.out, CORPUS, self.settings.format)
        self.checkpoint(complete)

    def checkpoint(self, complete: bool = False) -> None:
        write_json_atomic(self.out / MANIFEST, self.manifest(complete))

    def result(self) -> RunResult:
        failures = self.failures()
        processed = sum(record.error is None for record in self.new)
        return RunResult(
            out=self.out,
            inputs=len(self.ids),
            processed=processed,
            unchanged=len(self.ids) - processed - len(failures),
            failed=len(failures),
            rows=self.counts(),
            failures=tuple(failures),
            tables={
                table: table_path(self.out, table, self.settings.format)
                for table in (*TABLES, CORPUS)
            },
            manifest=self.out / MANIFEST,
            seconds=round(self.seconds(), 3),
        )

    def manifest(self, complete: bool) -> dict:
        """Versions, config and rule files' digest (what made the rows), settings and engine,
        counts, timings, workers, failures, and per file doc_id, path, sha256, encoding and
        error."""
        shards = self.store.records()
        records = self.records()
        seconds = self.seconds()
        new_failed = sum(record.error is not None for record in self.new)
        fmt = self.settings.format
        return {
            "package": "ru-news-pipeline",
            "version": self.settings.version,
            "python": platform.python_version(),
            "spacy": spacy.__version__,
            "natasha": version("natasha"),
            "config": self.settings.config,
            "rules_digest": self.settings.rules,
            "settings": {
                "encoding": self.settings.encoding,
                "format": fmt,
                "glob": self.settings.glob,
                "max_chars": self.settings.max_chars,
                "save_docs": self.save_docs,
            },
            "engine": self.setup,
            "output": {
                "tables": {table: table_path(Path("."), table, fmt).name for table in TABLES},
                "sharded": fmt == "parquet",
                "shards": len(shards),
                "docs": "docs" if any(shard.get("docs") for shard in shards) else None,
            },
            "counts": self.counts(),
            "run": {
                "complete": complete,
                "inputs": len(self.ids),
                "processed": len(self.new) - new_failed,
                "unchanged": len(self.ids) - len(self.todo),
                "failed": new_failed,
                "sliced": sum(record.slices > 1 for record in self.new),
            },
            "timings": {
                "started": _now(self.started),
                "seconds": round(seconds, 3),
                "docs_per_second": round(len(self.new) / seconds, 3) if seconds else None,
                "worker_seconds": round(sum(w["seconds"] for w in self.workers.values()), 3),
            },
            "workers": list(self.workers.values()),
            "driver": {"pid": os.getpid(), "peak_rss_mb": peak_rss_mb()},
            "failures": [
                {key: record.get(key) for key in ("doc_id", "path", "error")}
                for record in records
                if record.get("error") is not None
            ],
            "files": records,
        }


class _OutputError(Exception):
    """Writing to OUT failed (as opposed to the engine failing)."""


def _now(moment: float | None = None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(moment))


def _execute(run: Run, nlp: Language, chunk_chars: int, show_progress: bool) -> None:
    """Process the files to do, committing each finished batch as a shard, with the manifest
    rewritten every few minutes and at the end (also after an interruption or a failure)."""
    progress = tqdm(total=len(run.todo), unit="doc", disable=not show_progress, file=sys.stderr)
    counted: set[str] = set()

    def count(doc_id: str) -> None:
        """Each document once on the bar: as the engine reports it done (local engine) or with
        its batch (Dask, and any the engine's reports missed)."""
        if doc_id not in counted:
            counted.add(doc_id)
            progress.update(1)

    batches = _batches(run, nlp, chunk_chars, count)
    next_save = time.time() + CHECKPOINT_SECONDS
    stopped: BaseException | None = None
    try:
        if run.todo:
            for batch in batches:
                try:
                    run.add(batch)
                    if time.time() >= next_save:
                        cost = _timed(run.checkpoint)
                        next_save = time.time() + max(CHECKPOINT_SECONDS, 10 * cost)
                except OSError as error:
                    raise _OutputError(error) from error
                for record in batch.files:
                    count(record.doc_id)
    except KeyboardInterrupt as error:
        stopped = error
    except _OutputError as error:
        stopped = RunError(f"cannot write to {run.out}: {error}; {RESUME_HINT}")
    except Exception as error:  # workers cannot start, the scheduler cannot be reached, ...
        stopped = RunError(f"{type(error).__name__}: {error}; {RESUME_HINT}")
    finally:
        batches.close()  # stops the worker pool or the cluster
        progress.close()
    try:
        run.finish(complete=stopped is None)
    except OSError as error:
        raise RunError(f"cannot write to {run.out}: {error}") from error
    if stopped is not None:
        raise stopped


def _batches(
    run: Run, nlp: Language, chunk_chars: int, progress: Callable[[str], None]
) -> Generator[Batch, None, None]:
    """The engine the run was set up with, over the documents to do."""
    setup, settings = run.setup, run.settings
    if setup["name"] == "dask":
        return run_dask(
            run.pending(),
            setup["workers"],
            scheduler=setup["scheduler"],
            chunk_chars=chunk_chars,
            encoding=settings.encoding,
            nlp=nlp,
            save_docs=run.save_docs,
            max_chars=settings.max_chars,
            total=run.todo_chars,
        )
    return run_local(
        run.pending(),
        setup["workers"] or 1,
        chunk_chars=chunk_chars,
        encoding=settings.encoding,
        nlp=nlp,
        save_docs=run.save_docs,
        max_chars=settings.max_chars,
        doc_timeout=setup["doc_timeout"],
        total=run.todo_chars,
        progress=progress,
    )


def _timed(function, **kwargs) -> float:
    start = time.time()
    function(**kwargs)
    return time.time() - start
