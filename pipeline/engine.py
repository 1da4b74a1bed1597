"""The unit of work (paths in, DataFrames out) and a local pool of worker processes that runs it.

`process_files` is engine-neutral: it takes file paths and returns plain DataFrames and records,
so it can run in this process, in spawned workers, or on any other executor. Each worker process
loads the pipeline once (weights are rebuilt from the config, never pickled) and keeps BLAS/OpenMP
at one thread, because N workers each starting as many threads as there are cores would
oversubscribe the machine.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from itertools import islice

import pandas as pd
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import Config
from threadpoolctl import threadpool_limits

import pipeline

from .io import InputError, InputFile, decode, digest, read_bytes
from .tables import TABLES, doc_rows, error_row, frame

CHUNK_CHARS = 200_000
CHUNKS_PER_WORKER = 4  # small corpora are still split so that every worker gets some
Rows = dict[str, list[dict]]

_NLP: Language | None = None
_THREAD_LIMITS: threadpool_limits | None = None


@dataclass(frozen=True)
class FileRecord:
    """What the manifest keeps per file: enough to skip it next time if its bytes are the same."""

    doc_id: str
    path: str
    sha256: str | None
    encoding: str | None
    error: str | None


@dataclass(frozen=True)
class Batch:
    """The contract's tables for a group of files, and one record per file, in input order."""

    tables: dict[str, pd.DataFrame]
    files: tuple[FileRecord, ...]


def load_nlp() -> Language:
    """The process-wide pipeline, loaded on first use so each process pays for it once."""
    global _NLP
    if _NLP is None:
        _NLP = pipeline.load()
    return _NLP


def process_files(
    files: list[InputFile], nlp: Language | None = None, encoding: str | None = None
) -> Batch:
    """Read, annotate and tabulate files; a file that cannot be read or that makes the
    pipeline fail becomes an error row, never an exception."""
    nlp = load_nlp() if nlp is None else nlp
    records: list[FileRecord] = []
    items: list[tuple[str, int]] = []
    for index, file in enumerate(files):
        record, text = _read(file, encoding)
        records.append(record)
        if text is not None:
            items.append((text, index))
    rows: dict[int, Rows] = {}
    for index, result in _annotate(nlp, items, files):
        if isinstance(result, str):
            records[index] = replace(records[index], error=result)
        else:
            rows[index] = result
    return _batch(records, rows)


def _read(file: InputFile, encoding: str | None) -> tuple[FileRecord, str | None]:
    """The file's record and text (None when it cannot be used as text)."""
    path = str(file.path)
    try:
        data = read_bytes(file.path)
    except InputError as error:
        return FileRecord(file.doc_id, path, None, None, str(error)), None
    sha256 = digest(data)
    try:
        decoded = decode(data, encoding)
    except InputError as error:
        return FileRecord(file.doc_id, path, sha256, None, str(error)), None
    return FileRecord(file.doc_id, path, sha256, decoded.encoding, None), decoded.text


def _annotate(
    nlp: Language, items: list[tuple[str, int]], files: list[InputFile]
) -> Iterator[tuple[int, Rows | str]]:
    """Rows per file index, or the error of a file the pipeline failed on. `pipe` runs in
    batches, so one bad text fails its whole batch: the texts not yet returned are then
    retried one at a time and only the culprit becomes an error."""
    done = 0
    try:
        for doc, index in nlp.pipe(items, as_tuples=True):
            yield index, _rows(doc, files[index])
            done += 1
    except Exception:
        for text, index in items[done:]:
            yield index, _annotate_one(nlp, text, files[index])


def _annotate_one(nlp: Language, text: str, file: InputFile) -> Rows | str:
    try:
        return _rows(nlp(text), file)
    except Exception as error:
        first_line = (str(error).strip().splitlines() or [""])[0]
        return f"pipeline failed: {type(error).__name__}: {first_line}".rstrip(": ")


def _rows(doc: Doc, file: InputFile) -> Rows:
    doc._.doc_id = file.doc_id
    doc._.path = str(file.path)
    return doc_rows(doc, 0)


def _batch(records: list[FileRecord], rows: dict[int, Rows]) -> Batch:
    """Tables with the files' rows in input order; a failed file has only its documents row."""
    table_rows: Rows = {table: [] for table in TABLES}
    for index, record in enumerate(records):
        if index in rows:
            for table, file_rows in rows[index].items():
                table_rows[table].extend(file_rows)
        else:
            table_rows["documents"].append(error_row(record.doc_id, record.path, record.error))
    tables = {table: frame(table, table_rows[table]) for table in TABLES}
    return Batch(tables, tuple(records))


def chunk_files(files: list[InputFile], chunk_chars: int) -> list[list[InputFile]]:
    """Consecutive groups of about `chunk_chars` bytes (at least one file each), so every unit
    of work costs roughly the same whatever the file sizes."""
    chunks: list[list[InputFile]] = []
    chunk: list[InputFile] = []
    size = 0
    for file in files:
        chunk.append(file)
        size += _size(file)
        if size >= chunk_chars:
            chunks.append(chunk)
            chunk, size = [], 0
    return [*chunks, chunk] if chunk else chunks


def _size(file: InputFile) -> int:
    try:
        return file.path.stat().st_size
    except OSError:
        return 0


def run_local(
    files: list[InputFile],
    workers: int = 1,
    *,
    chunk_chars: int = CHUNK_CHARS,
    encoding: str | None = None,
    nlp: Language | None = None,
) -> Iterator[Batch]:
    """Batches in input order: in this process when workers is 1, else in `workers` spawned
    processes that each build the pipeline from `nlp`'s config (the default pipeline if None)."""
    if workers <= 1:
        for chunk in chunk_files(files, chunk_chars):
            yield process_files(chunk, nlp, encoding)
        return
    total = sum(_size(file) for file in files)
    balanced = max(1, min(chunk_chars, total // (workers * CHUNKS_PER_WORKER)))
    chunks = chunk_files(files, balanced)
    config = None if nlp is None else nlp.config.to_str()
    yield from _run_pool(chunks, min(workers, len(chunks)), encoding, config)


def _run_pool(
    chunks: list[list[InputFile]], workers: int, encoding: str | None, config: str | None
) -> Iterator[Batch]:
    """Keeps two chunks per worker in flight and yields results in submission order, so the
    output does not depend on timing and finished results never pile up in memory."""
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(config,),
    )
    todo = iter(chunks)
    pending: deque[Future[Batch]] = deque(
        executor.submit(_work, chunk, encoding) for chunk in islice(todo, 2 * workers)
    )
    try:
        while pending:
            batch = pending.popleft().result()
            pending.extend(executor.submit(_work, chunk, encoding) for chunk in islice(todo, 1))
            yield batch
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _init_worker(config: str | None) -> None:
    """Runs once in each worker: load the pipeline, then cap native thread pools at one for
    the worker's whole life (the limiter is kept in a global so it is never undone)."""
    global _NLP, _THREAD_LIMITS
    if config is None:
        _NLP = pipeline.load()
    else:
        _NLP = spacy.util.load_model_from_config(Config().from_str(config), auto_fill=True)
    _THREAD_LIMITS = threadpool_limits(limits=1)


def _work(files: list[InputFile], encoding: str | None) -> Batch:
    return process_files(files, _NLP, encoding)
