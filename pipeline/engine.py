"""The unit of work (paths in, DataFrames out) and the engines that run it: a local pool of
worker processes, or a Dask cluster.

`process_files` is engine-neutral: it takes file paths (or rows of a news dump, read with their
text by the caller: `io.Row`) and returns plain DataFrames and records
(and, if asked, the spaCy Docs as DocBin bytes), so it runs in this process, in spawned workers
or on Dask workers alike. Each worker process builds the pipeline once from its config (weights
are loaded lazily there, never pickled) and keeps BLAS/OpenMP at one thread, because N workers
each starting as many threads as there are cores would oversubscribe the machine.

A text longer than `max_chars` is processed in slices cut at paragraph (else line, sentence,
space) boundaries, one slice at a time, and the slices' rows are put back together with offsets,
sentence numbers and ids shifted to the whole text: memory stays bounded however long the file.
Entities are then linked within a slice, not across slices.

Engines take their inputs as an iterable and plan units of work as they go (rows of a dump are
read only as units are handed out), and yield `Batch`es as they finish (not in input order); the
caller writes each one out as a shard, so nothing accumulates in memory.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import math
import multiprocessing
import os
import queue
import signal
import socket
import sys
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import (
    ALL_COMPLETED,
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd
import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from thinc.api import Config
from threadpoolctl import threadpool_limits

import pipeline

from .io import InputError, InputFile, Row, decode, digest, read_bytes, safe_str
from .tables import DATED, TABLES, doc_rows, error_row, frame

CHUNK_CHARS = 200_000  # characters per unit of work (a shard of the output)
MIN_CHUNK_CHARS = 16_000  # the last units of a run shrink to this, so workers finish together
CHUNKS_PER_WORKER = 2  # a unit is at most remaining / (workers × this), see plan_chunks
SLICE_CHARS = 100_000  # longer texts are processed in slices of at most this many characters
GROUP_CHARS = 256_000  # characters of docs in one `nlp.pipe` call (bounds the memory of a batch)
# Between units of work a worker whose resident memory is above this clears the pipeline's
# bounded word caches (they hold up to ~850k entries, several hundred MB, filled over a long
# run), and renews its Language once its vocabulary holds VOCAB_STRINGS strings: memory stays
# flat over millions of documents, at the cost of refilling the caches now and then.
TRIM_RSS_MB = 560.0
CACHE_ENTRIES = 60_000  # ... when they hold more than this many entries (not for every unit)
VOCAB_STRINGS = 1_000_000
# Local worker processes start with "spawn": a clean interpreter, no state forked from the
# command (threads, locks). Tests switch to "fork" to hand workers a patched module.
START_METHOD = "spawn"
WORKER_DIED = "worker died while processing"  # the error of a file that killed its worker twice
DOC_TIMEOUT = 120.0  # seconds a document (a slice of a long text) may take; 0 or None: no limit
TIMED_OUT = "timed out after"  # the error of a document over the limit: "timed out after 120 s"
# A local worker is deemed stuck (in native code the alarm cannot interrupt) when a unit of work
# takes twice its documents' limits (a group over its limit is retried document by document)
# and this much more (which also covers a new worker's start: loading the pipeline); it is then
# killed and replaced like a worker that died.
STUCK_GRACE = 30.0
WARM_UP_TEXT = "Президент России Владимир Путин прибыл в Казань."
OFFSET_KEY = "ru_news.offset"  # doc.user_data of a slice saved with --save-docs
ENGINES = ("local", "dask")
# Dask worker defaults that cost this CPU-bound pipeline a third of its speed, measured on news:
# the nanny's MALLOC_TRIM_THRESHOLD_=65536 (glibc hands memory back after nearly every free,
# ~25%) and the statistical profiler sampling every worker's stack every 10 ms (~15%). The
# LocalCluster gets these settings; docs/scale.md shows them for a real cluster's config.
# Quieter periodic callbacks also leave the scheduler, nannies and client (all in the command's
# process) less of the CPU the workers need; work stealing is pointless with bounded submission.
DASK_WORKER_CONFIG = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
}
DASK_LOCAL_CONFIG = {
    **DASK_WORKER_CONFIG,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing": False,
}
DASK_MISSING = (
    "the Dask engine needs the optional dependencies: pip install 'ru-news-pipeline[dask]'"
)

Rows = dict[str, list[dict]]
Tables = dict[str, pd.DataFrame]
Item = InputFile | Row  # a text file, or a row of a dump with its text
Progress = Callable[[str], None]  # called with the doc_id of each document done
TICK_SECONDS = 0.5  # how often the command hears of documents done in worker processes
# columns holding character offsets, sentence numbers and per-document ids, per table
OFFSETS = {
    "mentions": ("start", "end"),
    "quotes": ("start", "end", "speaker_start", "speaker_end", "cue_start", "cue_end"),
    "relations": ("start", "end"),
}
ENTITY_IDS = {
    "entities": ("entity_id",),
    "mentions": ("entity_id",),
    "quotes": ("speaker_id",),
    "relations": ("subject_id", "object_id"),
}
OWN_IDS = {"quotes": "quote_id", "relations": "relation_id"}

_NLP: Language | None = None
_NLP_CONFIG: str | None = None
_THREAD_LIMITS: threadpool_limits | None = None
_DONE: multiprocessing.Queue | None = None  # a worker's doc_ids done, for the command's bar


@dataclass(frozen=True)
class FileRecord:
    """What the manifest keeps per file: enough to skip it next time if its bytes are the same.
    `slices` is how many pieces a long text was processed in (1 for ordinary news); `warning`
    what was wrong but did not stop it (bytes replaced while decoding)."""

    doc_id: str
    path: str
    sha256: str | None
    encoding: str | None
    error: str | None
    slices: int = 0
    warning: str | None = None


@dataclass(frozen=True)
class Batch:
    """The contract's tables for a group of files, one record per file in input order, the
    Docs as DocBin bytes when asked for, and who did the work (host, pid, peak RSS, seconds)."""

    tables: dict[str, pd.DataFrame]
    files: tuple[FileRecord, ...]
    docs: bytes | None = None
    worker: dict = field(default_factory=dict)


class DocTimeout(BaseException):
    """Raised by the alarm in the document that ran over its time limit. Not an Exception, so
    that a stage's `except Exception` cannot swallow it."""


def timed_out(seconds: float) -> str:
    return f"{TIMED_OUT} {seconds:g} s"


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise DocTimeout in this thread after `seconds` (SIGALRM), when it is a main thread
    (the command's, or a local worker process's, which runs its tasks there); elsewhere (Dask
    worker threads, Windows) or without `seconds`, no limit."""
    if (
        not seconds
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise DocTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class WorkOptions:
    """How the unit of work reads and processes its files, the same on every engine."""

    encoding: str | None = None
    save_docs: bool = False
    max_chars: int = SLICE_CHARS
    doc_timeout: float | None = None

    def process(self, files: list[Item], nlp: Language, progress: Progress | None) -> Batch:
        return process_files(
            files,
            nlp,
            self.encoding,
            save_docs=self.save_docs,
            max_chars=self.max_chars,
            doc_timeout=self.doc_timeout,
            progress=progress,
        )

    def unit_seconds(self, files: list[Item]) -> float | None:
        """How long a unit of work may take before its worker is deemed stuck (None: no
        limit): twice the limit of each of its documents (a long text's slices counted by
        its size), and STUCK_GRACE."""
        if not self.doc_timeout:
            return None
        documents = sum(max(1, math.ceil(item_size(file) / self.max_chars)) for file in files)
        return 2 * self.doc_timeout * documents + STUCK_GRACE


def load_nlp() -> Language:
    """The process-wide pipeline, loaded on first use so each process pays for it once."""
    global _NLP
    if _NLP is None:
        _NLP = pipeline.load()
    return _NLP


def as_item(file: Item | str | os.PathLike) -> Item:
    if isinstance(file, InputFile | Row):
        return file
    path = Path(file).absolute()
    return InputFile(safe_str(path.name), path, path.parent)


# ---------------------------------------------------------------------------------------------
# The unit of work
# ---------------------------------------------------------------------------------------------


def process_files(
    files: Iterable[Item | str | os.PathLike],
    nlp: Language | None = None,
    encoding: str | None = None,
    *,
    save_docs: bool = False,
    max_chars: int = SLICE_CHARS,
    doc_timeout: float | None = None,
    progress: Progress | None = None,
) -> Batch:
    """Read, annotate and tabulate files and dump rows; a file or row that cannot be read, that
    makes the pipeline fail or that takes more than `doc_timeout` seconds (per slice of a long
    text; in a main thread only, see `time_limit`) becomes an error row, never an exception.
    A timed-out document's record has no digest, so a rerun tries it again. `progress` is
    called with the doc_id of each document as it is done."""
    started = time.perf_counter()
    inputs = [as_item(file) for file in files]
    nlp = load_nlp() if nlp is None else nlp
    records: list[FileRecord] = []
    items: list[tuple[str, tuple[int, int]]] = []  # (text, (file index, offset))
    for index, file in enumerate(inputs):
        record, text = _read(file, encoding)
        if text is not None:
            pieces = split_text(text, max_chars)
            record = replace(record, slices=len(pieces))
            items.extend((piece, (index, offset)) for offset, piece in pieces)
        elif progress is not None:
            progress(file.doc_id)
        records.append(record)
    slices_left = {index: record.slices for index, record in enumerate(records)}
    whole: dict[int, Rows] = {}
    sliced: dict[int, list[tuple[int, Tables]]] = defaultdict(list)
    docs: dict[int, DocBin] = {}
    for (index, offset), result in _annotate(nlp, items, inputs, save_docs, doc_timeout):
        slices_left[index] -= 1
        if progress is not None and not slices_left[index]:
            progress(inputs[index].doc_id)
        if records[index].error is not None:
            continue  # an earlier slice of this file failed
        if isinstance(result, str):
            sha256 = None if result.startswith(TIMED_OUT) else records[index].sha256
            records[index] = replace(records[index], error=result, sha256=sha256)
            whole.pop(index, None)
            sliced.pop(index, None)
            docs.pop(index, None)
            continue
        rows, doc = result
        if records[index].slices > 1:  # as DataFrames at once: a long text's rows add up
            sliced[index].append((offset, {table: frame(table, rows[table]) for table in TABLES}))
        else:
            whole[index] = rows
        if save_docs and doc is not None:
            if records[index].slices > 1:
                doc.user_data[OFFSET_KEY] = offset
            docs.setdefault(index, DocBin(store_user_data=True)).add(doc)
    meta = {index: file.document for index, file in enumerate(inputs) if isinstance(file, Row)}
    facts = [_facts(record.warning, meta.get(index, {})) for index, record in enumerate(records)]
    whole_rows = {index: _completed_rows(rows, facts[index]) for index, rows in whole.items()}
    sliced_tables = {
        index: _completed_tables(merge_slices(parts), facts[index])
        for index, parts in sliced.items()
    }
    docbin = None
    if save_docs:
        docbin = DocBin(store_user_data=True)
        for index in sorted(docs):
            docbin.merge(docs[index])
    tables = _tables(records, whole_rows, sliced_tables, meta)
    return _batch(tables, records, docbin, time.perf_counter() - started)


def _read(file: Item, encoding: str | None) -> tuple[FileRecord, str | None]:
    """The file's or row's record and text (None when it cannot be used as text)."""
    path = safe_str(file.path)
    if isinstance(file, Row):
        return FileRecord(file.doc_id, path, file.sha256, file.encoding, file.error), file.text
    try:
        data = read_bytes(file.path)
    except InputError as error:
        return FileRecord(file.doc_id, path, None, None, str(error)), None
    sha256 = digest(data)
    try:
        decoded = decode(data, encoding)
    except InputError as error:
        return FileRecord(file.doc_id, path, sha256, None, str(error)), None
    record = FileRecord(file.doc_id, path, sha256, decoded.encoding, None)
    return replace(record, warning=decoded.warning), decoded.text


def split_text(text: str, max_chars: int) -> list[tuple[int, str]]:
    """(offset, slice) pieces of at most max_chars that put back together give the text; cut
    after a blank line if there is one in the second half of the window, else after a line
    break, a sentence end, a space, else anywhere."""
    max_chars = max(2, max_chars)
    pieces, start = [], 0
    while len(text) - start > max_chars:
        cut = _cut(text, start, start + max_chars)
        pieces.append((start, text[start:cut]))
        start = cut
    pieces.append((start, text[start:]))
    return pieces


def _cut(text: str, start: int, limit: int) -> int:
    low = start + (limit - start) // 2
    for mark in ("\n\n", "\n", ". ", "! ", "? ", "… ", " ", "\t"):
        found = text.rfind(mark, low, limit)
        if found >= 0:
            return found + len(mark)
    cut = limit
    if text[cut - 1] == "\r" and text[cut] == "\n":  # keep a CRLF together
        cut -= 1
    return cut


def _annotate(
    nlp: Language,
    items: list[tuple[str, tuple[int, int]]],
    files: list[Item],
    docs: bool,
    doc_timeout: float | None,
) -> Iterator[tuple[tuple[int, int], tuple[Rows, Doc | None] | str]]:
    """(rows, doc) per item, or the error of an item the pipeline failed on or that took more
    than `doc_timeout`. `pipe` runs in batches, so one bad or slow text fails its whole group
    (a group may take `doc_timeout` per text): the texts not yet done are then retried one at
    a time and only the culprit becomes an error."""
    for group in _groups(items, max(1, nlp.batch_size), GROUP_CHARS):
        done: list[tuple[tuple[int, int], tuple[Rows, Doc | None] | str]] = []
        try:
            with time_limit(doc_timeout and doc_timeout * len(group)):
                for doc, key in nlp.pipe(group, as_tuples=True):
                    done.append((key, _finish(doc, files[key[0]], docs)))
        except (Exception, DocTimeout):
            for text, key in group[len(done) :]:
                done.append((key, _annotate_one(nlp, text, files[key[0]], docs, doc_timeout)))
        yield from done


def _groups(items: list, max_docs: int, max_chars: int) -> Iterator[list]:
    """Consecutive items, at most max_docs and (unless one item is longer) max_chars each."""
    group: list = []
    size = 0
    for item in items:
        if group and (len(group) >= max_docs or size + len(item[0]) > max_chars):
            yield group
            group, size = [], 0
        group.append(item)
        size += len(item[0])
    if group:
        yield group


def _annotate_one(
    nlp: Language, text: str, file: Item, docs: bool, doc_timeout: float | None
) -> tuple[Rows, Doc | None] | str:
    try:
        with time_limit(doc_timeout):
            return _finish(nlp(text), file, docs)
    except DocTimeout:
        return timed_out(doc_timeout or 0)
    except Exception as error:
        first_line = (str(error).strip().splitlines() or [""])[0]
        return f"pipeline failed: {type(error).__name__}: {first_line}".rstrip(": ")


def _finish(doc: Doc, file: Item, docs: bool) -> tuple[Rows, Doc | None]:
    doc._.doc_id = file.doc_id
    doc._.path = safe_str(file.path)
    return doc_rows(doc, 0), doc if docs else None


def _facts(warning: str | None, document: dict[str, str | None]) -> dict[str, dict[str, str]]:
    """What a document's input says of it, per table: the decoding warning and a dump row's
    metadata on its `documents` row, its date on each quote and relation."""
    given = {column: value for column, value in document.items() if value is not None}
    if warning is not None:
        given["warning"] = warning
    if not given:
        return {}
    dated = {table: {"date": given["date"]} for table in DATED if "date" in given}
    return {"documents": given, **dated}


def _completed_rows(rows: Rows, facts: dict[str, dict[str, str]]) -> Rows:
    return {
        table: [{**row, **facts[table]} for row in table_rows] if table in facts else table_rows
        for table, table_rows in rows.items()
    }


def _completed_tables(tables: Tables, facts: dict[str, dict[str, str]]) -> Tables:
    return {
        table: df.assign(**facts[table]).astype(df.dtypes) if table in facts else df
        for table, df in tables.items()
    }


def merge_slices(parts: list[tuple[int, Tables]]) -> Tables:
    """One document's tables from those of its slices (in order, each with its offset in the
    text): character offsets, sentence numbers and ids shifted so that they refer to the whole
    text and stay unique. Works on DataFrames, column by column: the rows of a 20 MB text as
    dicts would cost several times the memory."""
    merged: dict[str, list[pd.DataFrame]] = {table: [] for table in TABLES[1:]}
    shifts = {"sentence_id": 0, "entity_id": 0, **dict.fromkeys(OWN_IDS.values(), 0)}
    totals = dict.fromkeys(("chars", "sentences", "tokens"), 0)
    for offset, tables in parts:
        for table in TABLES[1:]:
            merged[table].append(_shifted(table, tables[table], offset, shifts))
        for table, column in OWN_IDS.items():
            shifts[column] += 1 + _max_id([tables[table][column]])
        shifts["entity_id"] += 1 + _max_id(
            tables[table][column] for table, columns in ENTITY_IDS.items() for column in columns
        )
        own = tables["documents"].iloc[0]
        for count in totals:
            totals[count] += 0 if pd.isna(own[count]) else int(own[count])
        shifts["sentence_id"] = totals["sentences"]
    first = parts[0][1]["documents"].iloc[0]
    document = {str(column): value for column, value in first.items()} | totals
    return {"documents": frame("documents", [document]), **{t: _concat(merged[t]) for t in merged}}


def _shifted(table: str, df: pd.DataFrame, offset: int, shifts: dict[str, int]) -> pd.DataFrame:
    """A slice's table with offsets, ids and sentence numbers moved by the slices before it."""
    moves = {column: offset for column in OFFSETS.get(table, ()) if column in df}
    moves.update({column: shifts["entity_id"] for column in ENTITY_IDS.get(table, ())})
    if table in OWN_IDS:
        moves[OWN_IDS[table]] = shifts[OWN_IDS[table]]
    if "sentence_id" in df:
        moves["sentence_id"] = shifts["sentence_id"]
    moves = {column: shift for column, shift in moves.items() if shift}
    return df.assign(**{column: df[column] + shift for column, shift in moves.items()})


def _max_id(columns: Iterable[pd.Series]) -> int:
    """The largest id in these columns, -1 if there is none."""
    return max((int(column.max()) for column in columns if column.notna().any()), default=-1)


def _batch(tables: Tables, records: list[FileRecord], docs: DocBin | None, seconds: float) -> Batch:
    """The files' tables, with who did the work."""
    worker = {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "peak_rss_mb": peak_rss_mb(),
        "seconds": round(seconds, 3),
    }
    docbytes = docs.to_bytes() if docs is not None else None
    return Batch(tables, tuple(records), docbytes, worker)


def _tables(
    records: list[FileRecord],
    whole: dict[int, Rows],
    sliced: dict[int, Tables],
    meta: dict[int, dict[str, str | None]],
) -> Tables:
    """Tables with the files' rows in input order; a failed file has only its documents row
    (with a dump row's metadata).
    Ordinary files come as rows (one DataFrame per table for all of them), sliced texts as
    DataFrames already."""
    pieces: dict[str, list[pd.DataFrame]] = {table: [] for table in TABLES}
    pending: Rows = {table: [] for table in TABLES}

    def flush() -> None:
        for table in TABLES:
            if pending[table]:
                pieces[table].append(frame(table, pending[table]))
                pending[table] = []

    for index, record in enumerate(records):
        if index in whole:
            for table in TABLES:
                pending[table].extend(whole[index][table])
        elif index in sliced:
            flush()
            for table in TABLES:
                pieces[table].append(sliced[index][table])
        else:
            failed = error_row(record.doc_id, record.path, record.error or "")
            pending["documents"].append({**failed, **meta.get(index, {})})
    flush()
    return {table: _concat(pieces[table] or [frame(table, [])]) for table in TABLES}


def peak_rss_mb() -> float | None:
    """This process's peak resident memory so far: VmHWM on Linux (getrusage's ru_maxrss
    would also count the parent's memory at the fork before a spawned worker's exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def rss_mb() -> float | None:
    """This process's resident memory now (Linux; None elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def word_caches() -> list[Any]:
    """The bounded functools caches of the pipeline's modules (per-word memos); the unbounded
    ones hold resources such as model weights and gazetteers and are kept."""
    caches: list[Any] = []  # functools' cache wrappers, of any signature
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "pipeline" or name.startswith("pipeline.")):
            continue
        for value in list(vars(module).values()):
            parameters = getattr(value, "cache_parameters", None)
            if (
                callable(parameters)
                and parameters().get("maxsize") is not None
                and str(getattr(value, "__module__", "")).startswith("pipeline")
                and all(value is not cache for cache in caches)
            ):
                caches.append(value)
    return caches


def relieve(nlp: Language, limit_mb: float = TRIM_RSS_MB) -> Language:
    """Between units of work: keep a long-running worker's memory flat (see TRIM_RSS_MB).
    Returns the Language to go on with (a fresh one built from the same config once the
    vocabulary is large; results do not depend on either)."""
    if len(nlp.vocab.strings) > VOCAB_STRINGS:
        nlp = spacy.util.load_model_from_config(nlp.config, auto_fill=True)
        gc.collect()
    current = rss_mb()
    if current is not None and current > limit_mb:
        caches = word_caches()
        if sum(cache.cache_info().currsize for cache in caches) > CACHE_ENTRIES:
            for cache in caches:
                cache.cache_clear()
            gc.collect()
    return nlp


# ---------------------------------------------------------------------------------------------
# Planning the units of work
# ---------------------------------------------------------------------------------------------


def chunk_files(files: Iterable[Item], chunk_chars: int) -> Iterator[list[Item]]:
    """Consecutive groups of about `chunk_chars` bytes (at least one file each), so every unit
    of work costs roughly the same whatever the file sizes; lazily, as the inputs come."""
    chunk: list[Item] = []
    size = 0
    for file in files:
        chunk.append(file)
        size += item_size(file)
        if size >= chunk_chars:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def plan_chunks(
    files: Iterable[Item], slots: int, chunk_chars: int, total: int | None = None
) -> Iterator[list[Item]]:
    """Units of work for `slots` parallel workers: consecutive files, each unit at most
    `chunk_chars` and at most what is left divided by 2 × slots (guided scheduling), so units
    shrink towards the end and the workers finish at about the same time; never below
    MIN_CHUNK_CHARS (small units batch less well). `total` is the size of all the inputs
    (counted here when not given)."""
    if slots <= 1:
        yield from chunk_files(files, chunk_chars)
        return
    if total is None:
        files = list(files)
        total = sum(map(item_size, files))
    remaining = total
    floor = min(chunk_chars, MIN_CHUNK_CHARS)

    def target() -> int:
        return max(1, floor, min(chunk_chars, remaining // (slots * CHUNKS_PER_WORKER)))

    chunk: list[Item] = []
    size, goal = 0, target()
    for file in files:
        chunk.append(file)
        size += item_size(file)
        if size >= goal:
            yield chunk
            remaining -= size
            chunk, size, goal = [], 0, target()
    if chunk:
        yield chunk


def item_size(file: Item) -> int:
    """What a unit of work is measured in: a file's bytes, a row's characters."""
    if isinstance(file, Row):
        return len(file.text or "")
    try:
        return file.path.stat().st_size
    except OSError:
        return 0


# ---------------------------------------------------------------------------------------------
# Local engine: spawned worker processes
# ---------------------------------------------------------------------------------------------


def run_local(
    files: Iterable[Item],
    workers: int | None = 1,
    *,
    chunk_chars: int = CHUNK_CHARS,
    encoding: str | None = None,
    nlp: Language | None = None,
    save_docs: bool = False,
    max_chars: int = SLICE_CHARS,
    doc_timeout: float | None = None,
    total: int | None = None,
    progress: Progress | None = None,
) -> Generator[Batch, None, None]:
    """Batches as they finish: in this process when workers is 1 (in input order), else in up
    to `workers` spawned processes (started as units are handed out) that each build the
    pipeline from `nlp`'s config (the default pipeline if None). `files` may be a lazy
    iterable; `total` is its size (see plan_chunks). A document over `doc_timeout` seconds is
    an error row (an alarm in the thread running it); a worker process stuck beyond that
    (in native code) is killed and replaced. `progress` hears of each document as it is done
    (from worker processes, within TICK_SECONDS; a document redone after its worker died may
    be reported twice)."""
    options = WorkOptions(encoding, save_docs, max_chars, doc_timeout)
    workers = workers or 1
    if workers <= 1:
        current = load_nlp() if nlp is None else nlp
        with threadpool_limits(limits=1):
            for chunk in chunk_files(files, chunk_chars):
                yield options.process(chunk, current, progress)
                current = relieve(current)
        return
    chunks = _Pending(plan_chunks(files, workers, chunk_chars, total))
    if not chunks.peek():
        return
    config = None if nlp is None else nlp.config.to_str()
    yield from _run_pool(chunks, workers, options, _Pool(config, progress))


class _Pending:
    """The units of work not yet handed out: taken lazily from the plan, one looked at ahead
    (so a unit whose submission fails is not lost)."""

    def __init__(self, chunks: Iterator[list[Item]]):
        self.chunks = chunks
        self.ahead: deque[list[Item]] = deque()

    def peek(self) -> list[Item] | None:
        if not self.ahead:
            self.ahead.extend(islice(self.chunks, 1))
        return self.ahead[0] if self.ahead else None

    def take(self) -> list[Item]:
        return self.ahead.popleft()


class _Pool:
    """What every worker pool of a run is started with: the pipeline's config, and a queue on
    which its workers report the documents they finish, drained into `progress`."""

    def __init__(self, config: str | None, progress: Progress | None):
        self.config, self.progress = config, progress
        context = multiprocessing.get_context(START_METHOD)
        self.done = context.Queue() if progress is not None else None

    def start(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context(START_METHOD),
            initializer=_init_worker,
            initargs=(self.config, os.getpid(), self.done),
        )

    def report(self, doc_id: str) -> None:
        if self.progress is not None:
            self.progress(doc_id)

    def drain(self) -> None:
        """Report the documents the workers have finished so far."""
        while self.done is not None:
            try:
                doc_id = self.done.get_nowait()
            except queue.Empty:
                return
            self.report(doc_id)


def _run_pool(chunks: _Pending, workers: int, options: WorkOptions, pool: _Pool) -> Iterator[Batch]:
    """Batches of a pool of `workers` processes as they finish. A worker that dies (SIGKILL,
    the OOM killer, a crash in native code) breaks the whole pool and fails every chunk in
    flight without saying whose it was: those chunks are redone one file at a time (see
    `_isolate`), then a fresh pool goes on with the rest, so one poison file costs its own
    row, not the run. A worker stuck on a unit beyond its time limit is killed, which breaks
    the pool the same way."""
    while chunks.peek():
        lost = yield from _pool_pass(chunks, workers, options, pool)
        yield from _isolate(lost, options, pool)


def _pool_pass(
    todo: _Pending, workers: int, options: WorkOptions, pool: _Pool
) -> Generator[Batch, None, list[list[Item]]]:
    """Runs chunks from `todo` with two per worker in flight, yielding results as they finish
    (a slow chunk holds nobody up, finished results never pile up); returns the chunks lost
    when a worker died (an empty list when `todo` is done)."""
    executor = _ready_pool(pool, workers)
    order: dict[Future, int] = {}
    chunk_of: dict[Future, list[Item]] = {}

    def submit(count: int) -> None:
        for _ in range(count):
            chunk = todo.peek()
            if chunk is None:
                return
            try:
                future = executor.submit(_work, chunk, options)
            except BrokenProcessPool:  # a worker died between tasks: the next pool takes it
                return
            order[future], chunk_of[future] = len(order), todo.take()

    submit(2 * workers)
    lost: list[list[Item]] = []
    finished = False
    watch = _Watch(workers, options)
    try:
        while chunk_of:
            left = None if lost else watch.seconds_left(chunk_of)
            tick = TICK_SECONDS if left is None else min(left, TICK_SECONDS)
            done, _ = wait(chunk_of, tick, ALL_COMPLETED if lost else FIRST_COMPLETED)
            pool.drain()
            if not done:
                if left is not None and left <= tick:  # a unit over its limit: stuck
                    _kill(executor)
                continue
            for future in sorted(done, key=order.__getitem__):
                chunk = chunk_of.pop(future)
                if isinstance(future.exception(), BrokenProcessPool):
                    lost.append(chunk)  # the others in flight fail at once: collect them all
                    continue
                batch = future.result()
                if not lost:
                    submit(1)
                yield batch
        finished = True
    finally:
        _stop(executor, finished)
    pool.drain()
    return lost


class _Watch:
    """When each unit in flight started, to tell when one is over its limit. Units go to the
    workers in the order they were submitted, so the `workers` oldest unfinished ones are those
    being worked on; a unit's clock starts when it is first seen among them."""

    def __init__(self, workers: int, options: WorkOptions):
        self.workers, self.options = workers, options
        self.started: dict[Future, float] = {}

    def seconds_left(self, in_flight: dict[Future, list[Item]]) -> float | None:
        """Until the first unit being worked on is over its limit (None: no limit)."""
        now = time.monotonic()
        left = []
        for future, chunk in islice(in_flight.items(), self.workers):
            limit = self.options.unit_seconds(chunk)
            if limit is not None:
                left.append(self.started.setdefault(future, now) + limit - now)
        return max(0.0, min(left)) if left else None


def _stop(executor: ProcessPoolExecutor, finished: bool) -> None:
    """Shut the pool down; after an interruption or a failure without waiting for work
    nobody will use (its processes are terminated)."""
    if not finished:
        _kill(executor, signal.SIGTERM)
    executor.shutdown(wait=finished, cancel_futures=True)


def _kill(executor: ProcessPoolExecutor, signum: int = signal.SIGKILL) -> None:
    """Signal the pool's processes (SIGKILL: even one stuck in native code ends), which breaks
    the pool: its futures fail with BrokenProcessPool."""
    processes: dict[int, multiprocessing.Process] = getattr(executor, "_processes", None) or {}
    for pid in list(processes):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)


def _isolate(chunks: list[list[Item]], options: WorkOptions, pool: _Pool) -> Iterator[Batch]:
    """The chunks of a pool broken by a dying or stuck worker, redone one file at a time in a
    one-process pool: a file that kills its worker again, or on which the worker is stuck
    again, is then surely the culprit and becomes an error row, and the pool is restarted for
    the next file. Each chunk still comes back as one batch. A pool that cannot even start
    (the pipeline fails to load in it) is fatal: that is no file's fault."""
    executor: ProcessPoolExecutor | None = None
    finished = False
    try:
        for chunk in chunks:
            parts = []
            for file in chunk:
                executor = executor or _ready_pool(pool)
                future = executor.submit(_work, [file], options)
                try:
                    parts.append(future.result(options.unit_seconds([file])))
                    pool.drain()
                    continue
                except BrokenProcessPool:
                    parts.append(_error_batch(file, WORKER_DIED))
                except TimeoutError:
                    parts.append(_error_batch(file, timed_out(options.doc_timeout or 0)))
                    _kill(executor)
                pool.report(file.doc_id)
                executor.shutdown(wait=True)
                executor = None
            yield join_batches(parts)
        finished = True
    finally:
        if executor is not None:
            _stop(executor, finished)


def _ready_pool(pool: _Pool, workers: int = 1) -> ProcessPoolExecutor:
    """A pool whose workers have loaded the pipeline (as many no-op tasks have run), so that
    no unit's time limit counts the loading."""
    executor = pool.start(workers)
    try:
        for future in [executor.submit(os.getpid) for _ in range(workers)]:
            future.result()
    except BrokenProcessPool as error:
        executor.shutdown(wait=True)
        raise RuntimeError("worker processes die before their first task") from error
    return executor


def _error_batch(file: Item, error: str) -> Batch:
    """The error row of a file whose worker died or was stuck on it twice. No digest: a rerun
    tries the file again (the death may have been the machine's, e.g. memory taken by
    others)."""
    record = FileRecord(file.doc_id, safe_str(file.path), None, None, error)
    meta = {0: file.document} if isinstance(file, Row) else {}
    return Batch(_tables([record], {}, {}, meta), (record,))


def join_batches(parts: list[Batch]) -> Batch:
    """One batch from batches of consecutive files: tables and records in order, Docs merged,
    worker figures of the last part that had a worker (seconds summed)."""
    tables = {table: _concat([part.tables[table] for part in parts]) for table in TABLES}
    files = tuple(record for part in parts for record in part.files)
    docbins = [DocBin(store_user_data=True).from_bytes(p.docs) for p in parts if p.docs]
    docs = None
    if docbins:
        for docbin in docbins[1:]:
            docbins[0].merge(docbin)
        docs = docbins[0].to_bytes()
    workers = [part.worker for part in parts if part.worker]
    worker = dict(workers[-1]) if workers else {}
    if workers:
        worker["seconds"] = round(sum(w.get("seconds", 0.0) for w in workers), 3)
        worker["peak_rss_mb"] = max(w.get("peak_rss_mb") or 0.0 for w in workers)
    return Batch(tables, files, docs, worker)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames of one table as one (empty ones left out: pandas warns about their dtypes)."""
    full = [df for df in frames if len(df)]
    return pd.concat(full, ignore_index=True) if full else frames[0]


def _init_worker(
    config: str | None, parent: int | None = None, done: multiprocessing.Queue | None = None
) -> None:
    """Runs once in each worker: load the pipeline, cap native thread pools at one for the
    worker's whole life (the limiter is kept in a global so it is never undone), and exit if
    the parent dies (kill -9 of the run must not leave orphans working for nobody). `done`
    takes the doc_id of each document finished."""
    global _NLP, _NLP_CONFIG, _THREAD_LIMITS, _DONE
    _NLP = _build(config)
    _NLP(WARM_UP_TEXT)  # models load lazily: not within the first document's time limit
    _NLP_CONFIG = config
    _DONE = done
    _THREAD_LIMITS = threadpool_limits(limits=1)
    if parent is not None:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _build(config: str | None) -> Language:
    if config is None:
        return pipeline.load()
    return spacy.util.load_model_from_config(Config().from_str(config), auto_fill=True)


def _work(files: list[Item], options: WorkOptions) -> Batch:
    global _NLP
    current = load_nlp()
    batch = options.process(files, current, None if _DONE is None else _DONE.put)
    _NLP = relieve(current)
    return batch


# ---------------------------------------------------------------------------------------------
# Dask engine (optional extra): a LocalCluster here, or an existing cluster
# ---------------------------------------------------------------------------------------------


def import_distributed():
    """dask.distributed, or ImportError with the command that installs it."""
    try:
        import distributed
    except ImportError as error:
        raise ImportError(f"{DASK_MISSING} ({error})") from None
    return distributed


def run_dask(
    files: Iterable[Item],
    workers: int | None = None,
    *,
    scheduler: str | None = None,
    chunk_chars: int = CHUNK_CHARS,
    encoding: str | None = None,
    nlp: Language | None = None,
    save_docs: bool = False,
    max_chars: int = SLICE_CHARS,
    total: int | None = None,
) -> Generator[Batch, None, None]:
    """Batches as they finish, computed on Dask workers: those of the scheduler at `scheduler`
    (the input paths must be readable there), or of a LocalCluster of `workers` processes with
    one thread each (default: one per core). Every worker process builds the pipeline once.
    Dask runs tasks in worker threads, where no alarm can stop a slow document: no time
    limit there."""
    distributed = import_distributed()
    options = WorkOptions(encoding, save_docs, max_chars)
    config = None if nlp is None else nlp.config.to_str()
    with _dask_client(distributed, workers, scheduler) as client:
        slots = max(1, sum(client.nthreads().values()))
        todo = plan_chunks(files, slots, chunk_chars, total)
        running = distributed.as_completed()

        def submit(count: int) -> None:
            for chunk in islice(todo, count):
                running.add(client.submit(_dask_work, chunk, options, config, pure=False))

        submit(2 * slots)
        for future in running:
            batch = future.result()
            future.release()
            submit(1)
            yield batch


@contextlib.contextmanager
def _dask_client(distributed, workers: int | None, scheduler: str | None):
    quiet = logging.ERROR
    if scheduler:
        with distributed.Client(scheduler, timeout="30s") as client:
            client.wait_for_workers(1, timeout=120)
            yield client
        return
    import dask

    with (
        dask.config.set(DASK_LOCAL_CONFIG),
        distributed.LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=quiet,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _dask_work(files: list[Item], options: WorkOptions, config: str | None) -> Batch:
    """The unit of work on a Dask worker: the pipeline is built once per worker process (and
    again only if another config comes), with native thread pools capped at one."""
    global _NLP, _NLP_CONFIG, _THREAD_LIMITS
    if _THREAD_LIMITS is None:
        _THREAD_LIMITS = threadpool_limits(limits=1)
    if _NLP is None or config != _NLP_CONFIG:
        _NLP, _NLP_CONFIG = _build(config), config
    batch = options.process(files, _NLP, None)
    _NLP = relieve(_NLP)
    return batch
