"""The `ru-news` command: `extract` folders of news into tables, `evaluate` on gold corpora,
`render` one text as an HTML page.

Exit codes: 0 everything processed, 1 fatal (e.g. OUT not writable, worker processes that
cannot start, the Dask scheduler cannot be reached), 2 usage error (bad option, no input file
found), 3 finished but some documents failed (see manifest.json "failures"; a file on which a
local worker process died twice is one of them); 130 after Ctrl-C.

`extract` streams its results to OUT as shards (one per unit of work: a Parquet part per table,
then a commit record), so memory stays flat and a run killed at any moment (even kill -9) keeps
every finished shard. A rerun into the same OUT removes unfinished debris, skips files already
done with the same path and bytes (SHA-256), redoes changed ones and keeps the rows of files it
was not given this time; its tables equal those of an uninterrupted run.
"""

from __future__ import annotations

import codecs
import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from enum import StrEnum
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, NoReturn

import spacy
import typer
from tqdm import tqdm

import pipeline

from .engine import (
    CHUNK_CHARS,
    DASK_MISSING,
    SLICE_CHARS,
    Batch,
    FileRecord,
    import_distributed,
    load_nlp,
    peak_rss_mb,
    run_dask,
    run_local,
)
from .io import (
    STATE_DIR,
    InputError,
    InputFile,
    ShardStore,
    file_digest,
    find_files,
    safe_str,
    table_path,
    write_json_atomic,
)
from .tables import TABLES

MANIFEST = "manifest.json"
SETTINGS = "settings.json"
CHECKPOINT_SECONDS = 300.0
EXIT_FATAL, EXIT_FAILED, EXIT_INTERRUPTED = 1, 3, 130

app = typer.Typer(
    help="Russian news → tables of entities, mentions, quotes and relations.",
    no_args_is_help=True,
    add_completion=False,
)
evaluate_app = typer.Typer(help="Score the pipeline on gold corpora.", no_args_is_help=True)
app.add_typer(evaluate_app, name="evaluate")


class Format(StrEnum):
    parquet = "parquet"
    csv = "csv"
    jsonl = "jsonl"


class Engine(StrEnum):
    local = "local"
    dask = "dask"


class Dataset(StrEnum):
    nerel = "nerel"
    factru = "factru"


def _encoding_option(value: str | None) -> str | None:
    if value is not None:
        try:
            codecs.lookup(value)
        except LookupError:
            raise typer.BadParameter(f"unknown encoding {value!r}") from None
    return value


@app.command()
def extract(
    inputs: Annotated[
        list[Path],
        typer.Argument(metavar="INPUT", help="Text files and folders (searched recursively)."),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Output folder.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Table file format.")] = (
        Format.parquet
    ),
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Worker processes (local engine: default 1; a Dask LocalCluster: one per core).",
        ),
    ] = None,
    glob: Annotated[
        str, typer.Option(help="Which files to take from folders (named files are always taken).")
    ] = "*.txt",
    encoding: Annotated[
        str | None,
        typer.Option(callback=_encoding_option, help="Force an encoding instead of detecting."),
    ] = None,
    engine: Annotated[
        Engine | None,
        typer.Option(help="local: worker processes here; dask: a Dask cluster. [default: local]"),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            metavar="ADDRESS",
            help="An existing Dask scheduler (tcp://host:8786); implies --engine dask. "
            "Default with --engine dask: $DASK_SCHEDULER_ADDRESS, else a LocalCluster.",
        ),
    ] = None,
    save_docs: Annotated[
        bool, typer.Option("--save-docs", help="Also save the spaCy Docs (DIR/docs/*.spacy).")
    ] = False,
    chunk_chars: Annotated[
        int, typer.Option(min=1, help="Characters per unit of work (one output shard).")
    ] = CHUNK_CHARS,
    max_chars: Annotated[
        int,
        typer.Option(
            min=1000, help="Longer texts are processed in slices cut at paragraph boundaries."
        ),
    ] = SLICE_CHARS,
) -> None:
    """Extract the five tables and manifest.json from news texts into DIR."""
    engine_name = _engine_name(engine, scheduler)
    files = find_files(inputs, glob)
    if not files:
        searched = ", ".join(map(str, inputs))
        raise typer.BadParameter(f"no files matching {glob!r} in {searched}", param_hint="INPUT")
    if engine_name == Engine.dask:
        try:
            import_distributed()
        except ImportError:
            _fatal(DASK_MISSING)
        scheduler = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    nlp = load_nlp()
    settings = Settings(
        pipeline.__version__, nlp.config.to_str(), encoding, fmt.value, glob, max_chars
    )
    setup = {"name": engine_name.value, "workers": workers, "scheduler": scheduler}
    try:
        _check_writable(out)
        store = _open_store(out, settings)
        run = Run(store, settings, files, _records(store), save_docs, setup)
    except OSError as error:
        _fatal(f"cannot write to {out}: {error}")
    _execute(run, nlp, chunk_chars)
    failed = run.failed_inputs()
    typer.echo(
        f"ru-news: {len(files)} documents ({len(run.new)} processed, "
        f"{len(files) - len(run.todo)} unchanged), {failed} failed, "
        f"{run.seconds():.1f} s → {out}",
        err=True,
    )
    if failed:
        raise typer.Exit(EXIT_FAILED)


def _engine_name(engine: Engine | None, scheduler: str | None) -> Engine:
    if scheduler and engine == Engine.local:
        raise typer.BadParameter("--scheduler needs --engine dask", param_hint="--scheduler")
    return engine or (Engine.dask if scheduler else Engine.local)


@dataclass(frozen=True)
class Settings:
    """What decides whether rows of an earlier run can be kept: same pipeline, same decoding,
    same slicing of long texts (format and glob may change)."""

    version: str
    config: str
    encoding: str | None
    format: str
    glob: str
    max_chars: int

    def compatible(self, saved: dict) -> bool:
        keys = ("version", "config", "encoding", "max_chars")
        return all(saved.get(key) == getattr(self, key) for key in keys)


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
            _warn(f"{out} holds an older or unreadable run; redoing all")
            store.reset()
    elif not settings.compatible(saved):
        _warn(f"{out} was made by another pipeline version, config or encoding; redoing all")
        store.reset()
    elif saved.get("format") != settings.format and saved.get("format") in set(Format):
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
    """One `extract` run: which files to do, and each finished batch committed as a shard."""

    def __init__(
        self,
        store: ShardStore,
        settings: Settings,
        files: list[InputFile],
        previous: dict[str, dict],
        save_docs: bool,
        setup: dict,
    ):
        self.store, self.settings, self.files = store, settings, files
        self.out = store.out
        self.previous, self.save_docs, self.setup = previous, save_docs, setup
        self.todo = [file for file in files if not self._unchanged(file)]
        self.new: list[FileRecord] = []
        self.workers: dict[str, dict] = {}
        self.started = time.time()
        self._prune()
        self.next_shard = store.next_number()

    def _unchanged(self, file: InputFile) -> bool:
        """Done before under the same doc_id and path, with the same bytes (and with its
        Docs saved, if they are asked for)."""
        old = self.previous.get(file.doc_id)
        return bool(
            old
            and old.get("sha256")
            and old.get("path") == safe_str(file.path)
            and (old["docs"] or old.get("error") or not self.save_docs)
            and old["sha256"] == file_digest(file.path)
        )

    def _prune(self) -> None:
        """Rows of files about to be redone (same doc_id, or same path under another id) go
        before any new shard is written, so no document is ever in two shards."""
        ids = {file.doc_id for file in self.todo}
        paths = {safe_str(file.path) for file in self.todo}
        redone = {
            doc_id
            for doc_id, record in self.previous.items()
            if doc_id in ids or record.get("path") in paths
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
        inputs = [file.doc_id for file in self.files if file.doc_id in recorded]
        given = set(inputs)
        rest = [doc_id for doc_id in recorded if doc_id not in given]
        return [recorded[doc_id] for doc_id in [*inputs, *rest]]

    def failed_inputs(self) -> int:
        errors = {record["doc_id"]: record["error"] for record in self.records()}
        return sum(errors.get(file.doc_id) is not None for file in self.files)

    def finish(self, complete: bool) -> None:
        """Merge CSV / JSON Lines parts into their single files, then write the manifest."""
        self.store.export()
        self.checkpoint(complete)

    def checkpoint(self, complete: bool = False) -> None:
        write_json_atomic(self.out / MANIFEST, self.manifest(complete))

    def manifest(self, complete: bool) -> dict:
        """Versions and config (what made the rows), settings and engine, counts, timings,
        workers, failures, and per file doc_id, path, sha256, encoding and error."""
        shards = self.store.records()
        records = self.records()
        counts = dict.fromkeys(TABLES, 0)
        for shard in shards:
            for table in TABLES:
                counts[table] += int(shard.get("counts", {}).get(table, 0))
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
            "counts": counts,
            "run": {
                "complete": complete,
                "inputs": len(self.files),
                "processed": len(self.new),
                "unchanged": len(self.files) - len(self.todo),
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


class OutputError(Exception):
    """Writing to OUT failed (as opposed to the engine failing)."""


def _now(moment: float | None = None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(moment))


def _execute(run: Run, nlp, chunk_chars: int) -> None:
    """Process the files to do, committing each finished batch as a shard, with the manifest
    rewritten every few minutes and at the end (also after an interruption or a failure)."""
    progress = tqdm(
        total=len(run.todo), unit="doc", disable=not sys.stderr.isatty(), file=sys.stderr
    )
    setup, settings = run.setup, run.settings
    options = {
        "chunk_chars": chunk_chars,
        "encoding": settings.encoding,
        "nlp": nlp,
        "save_docs": run.save_docs,
        "max_chars": settings.max_chars,
    }
    if setup["name"] == Engine.dask:
        batches = run_dask(run.todo, setup["workers"], scheduler=setup["scheduler"], **options)
    else:
        batches = run_local(run.todo, setup["workers"] or 1, **options)
    next_save = time.time() + CHECKPOINT_SECONDS
    stopped: tuple[str, int] | None = None
    try:
        if run.todo:
            for batch in batches:
                try:
                    run.add(batch)
                    if time.time() >= next_save:
                        cost = _timed(run.checkpoint)
                        next_save = time.time() + max(CHECKPOINT_SECONDS, 10 * cost)
                except OSError as error:
                    raise OutputError(error) from error
                progress.update(len(batch.files))
    except KeyboardInterrupt:
        stopped = ("interrupted", EXIT_INTERRUPTED)
    except OutputError as error:
        stopped = (f"cannot write to {run.out}: {error}", EXIT_FATAL)
    except Exception as error:  # workers cannot start, the scheduler cannot be reached, ...
        stopped = (f"{type(error).__name__}: {error}", EXIT_FATAL)
    finally:
        batches.close()  # stops the worker pool or the cluster
        progress.close()
    try:
        run.finish(complete=stopped is None)
    except OSError as error:
        _fatal(f"cannot write to {run.out}: {error}")
    if stopped:
        _fatal(f"{stopped[0]}; the files done so far are saved, rerun to go on", stopped[1])


def _timed(function, **kwargs) -> float:
    start = time.time()
    function(**kwargs)
    return time.time() - start


def _warn(message: str) -> None:
    typer.echo(f"ru-news: warning: {message}", err=True)


def _fatal(message: str, code: int = EXIT_FATAL) -> NoReturn:
    typer.echo(f"ru-news: error: {message}", err=True)
    raise typer.Exit(code)


EXIT_USAGE = 2
EVAL_MISSING = 'the scorers are not installed: pip install -e ".[eval]"'


def _scorer(name: str):
    """ru_news_eval's Scorer for `ru-news evaluate NAME`. The package is imported only here:
    it is research code beside the product (the [eval] extra), so the rest works without it."""
    try:
        from ru_news_eval import SCORERS
    except ImportError as error:
        _fatal(f"{EVAL_MISSING} ({error})", EXIT_USAGE)
    return SCORERS[name]


def _evaluate(scorer, data: Path, limit: int | None, json_file: Path | None, **options):
    """Run the scorer over the gold folder, print its report and save it as JSON if asked."""
    try:
        report = scorer.score(load_nlp(), data, limit, **options)
    except (OSError, ValueError, KeyError) as error:
        _fatal(f"cannot evaluate on {data} ({scorer.data}): {error}")
    typer.echo(report.summary())
    if json_file:
        write_json_atomic(json_file, report.to_json(data, limit))


def _data_option(help_text: str):
    return typer.Option("--data", exists=True, file_okay=False, help=help_text)


LimitOption = Annotated[int | None, typer.Option(min=1, help="Score only the first N docs.")]
JsonOption = Annotated[Path | None, typer.Option("--json", help="Also save scores here.")]


@evaluate_app.command("ner")
def evaluate_ner(
    data: Annotated[Path, _data_option("A split folder of the corpus.")],
    dataset: Annotated[
        Dataset | None, typer.Option(help="The corpus format; detected when omitted.")
    ] = None,
    limit: LimitOption = None,
    json_file: JsonOption = None,
) -> None:
    """Exact-span precision, recall and F1 per entity type."""
    scorer = _scorer("ner")
    try:
        dataset_name = dataset.value if dataset else scorer.detect(data)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--data") from None
    _evaluate(scorer, data, limit, json_file, dataset=dataset_name)


@evaluate_app.command("coref")
def evaluate_coref(
    data: Annotated[Path, _data_option("A factRuEval-2016 split.")],
    limit: LimitOption = None,
    json_file: JsonOption = None,
) -> None:
    """Entity linking against factRuEval-2016's coreference layer: B³, MUC, pairwise, CEAF-e
    over the gold mentions."""
    _evaluate(_scorer("coref"), data, limit, json_file)


@evaluate_app.command("quotes")
def evaluate_quotes(
    data: Annotated[Path, _data_option("The adaq_ru_quotes folder.")],
    limit: Annotated[
        int | None, typer.Option(min=1, help="Score only the first N sentences.")
    ] = None,
    json_file: JsonOption = None,
) -> None:
    """Quotes against ADAQ (Russian): token-level source / cue / content P/R/F1 and
    sentence-level quote detection, as the dataset's authors scored them."""
    _evaluate(_scorer("quotes"), data, limit, json_file)


@evaluate_app.command("opinion")
def evaluate_opinion(
    data: Annotated[Path, _data_option("The ruopinionne2024 folder.")],
    limit: Annotated[
        int | None, typer.Option(min=1, help="Score only the first N speech-verb sentences.")
    ] = None,
    json_file: JsonOption = None,
) -> None:
    """Quote speakers against RuOpinionNE-2024 opinion holders in sentences with a speech verb
    (a proxy: holders are not always speakers): precision, coverage, holder recall."""
    _evaluate(_scorer("opinion"), data, limit, json_file)


@evaluate_app.command("relations")
def evaluate_relations(
    data: Annotated[Path, _data_option("A factRuEval-2016 split.")],
    limit: LimitOption = None,
    json_file: JsonOption = None,
    official: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            file_okay=False,
            help="factRuEval's official_results/run_2: add the best 2016 run's F1 per row.",
        ),
    ] = None,
) -> None:
    """Relations against factRuEval-2016's facts (Occupation, Meeting, Deal), as in 2016."""
    _evaluate(_scorer("relations"), data, limit, json_file, official=official)


@evaluate_app.command("nerel-relations")
def evaluate_nerel_relations(
    data: Annotated[Path, _data_option("A NEREL split.")],
    limit: LimitOption = None,
    json_file: JsonOption = None,
) -> None:
    """Posts (holds_position) against NEREL's WORKS_AS / WORKPLACE pairs."""
    _evaluate(_scorer("nerel-relations"), data, limit, json_file)


@evaluate_app.command("rured")
def evaluate_rured(
    data: Annotated[Path, _data_option("RuRED2's annotation_files folder.")],
    limit: LimitOption = None,
    json_file: JsonOption = None,
) -> None:
    """Trade targets against RuRED2's country-to-country SELLS_TO links."""
    _evaluate(_scorer("rured"), data, limit, json_file)


@app.command()
def render(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A news text file.")],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="HTML", help="The page to write.")],
    encoding: Annotated[
        str | None,
        typer.Option(callback=_encoding_option, help="Force an encoding instead of detecting."),
    ] = None,
) -> None:
    """Annotate one text and write it as an HTML page (entities, quotes, relations)."""
    try:
        from .display import render_file
    except ImportError as error:
        _fatal(f"rendering is not available: {error}")
    options = {"encoding": encoding} if encoding else {}
    try:
        written = render_file(file, out, **options)
    except InputError as error:
        _fatal(f"{file}: {error}")
    except OSError as error:
        _fatal(f"cannot write {out}: {error}")
    typer.echo(f"ru-news: wrote {written or out}", err=True)
