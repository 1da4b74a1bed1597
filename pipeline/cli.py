"""The `ru-news` command: `extract` folders of news into tables, `evaluate` on gold corpora.

Exit codes: 0 everything processed, 1 fatal (e.g. OUT not writable), 2 usage error (bad option,
no input file found), 3 finished but some documents failed (see manifest.json "failures").

`extract` is incremental: OUT/manifest.json records each file's path and SHA-256, so a rerun
into the same OUT skips unchanged files and keeps their rows, reprocesses changed ones, and
keeps the rows of files it was not given this time. Tables and manifest are rewritten atomically,
also every few minutes during a long run and on Ctrl-C, so an interrupted run resumes.
"""

from __future__ import annotations

import codecs
import importlib
import json
import platform
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, NoReturn

import pandas as pd
import spacy
import typer
from tqdm import tqdm

import pipeline

from .engine import Batch, FileRecord, load_nlp, run_local
from .evaluate.scoring import scores_frame
from .io import (
    InputFile,
    file_digest,
    find_files,
    read_table,
    table_path,
    write_json_atomic,
    write_table,
)
from .tables import COLUMNS, TABLES, frame

MANIFEST = "manifest.json"
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


class Dataset(StrEnum):
    nerel = "nerel"
    factru = "factru"


SCORERS = {Dataset.nerel: "pipeline.evaluate.nerel", Dataset.factru: "pipeline.evaluate.factru"}


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
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    glob: Annotated[
        str, typer.Option(help="Which files to take from folders (named files are always taken).")
    ] = "*.txt",
    encoding: Annotated[
        str | None,
        typer.Option(callback=_encoding_option, help="Force an encoding instead of detecting."),
    ] = None,
) -> None:
    """Extract the five tables and manifest.json from news texts into DIR."""
    files = find_files(inputs, glob)
    if not files:
        searched = ", ".join(map(str, inputs))
        raise typer.BadParameter(f"no files matching {glob!r} in {searched}", param_hint="INPUT")
    nlp = load_nlp()
    settings = Settings(pipeline.__version__, nlp.config.to_str(), encoding, fmt.value, glob)
    try:
        _check_writable(out)
        run = Run(out, settings, files, _previous(out, settings))
    except OSError as error:
        _fatal(f"cannot write to {out}: {error}")
    _execute(run, workers)
    failed = run.failed_inputs()
    typer.echo(
        f"ru-news: {len(files)} documents ({len(run.new)} processed, "
        f"{len(files) - len(run.todo)} unchanged), {failed} failed, "
        f"{run.seconds():.1f} s → {out}",
        err=True,
    )
    if failed:
        raise typer.Exit(EXIT_FAILED)


@dataclass(frozen=True)
class Settings:
    """What decides whether rows of an earlier run can be kept: same pipeline, same decoding."""

    version: str
    config: str
    encoding: str | None
    format: str
    glob: str

    def compatible(self, manifest: dict) -> bool:
        old = manifest.get("settings", {})
        return (manifest.get("version"), manifest.get("config"), old.get("encoding")) == (
            self.version,
            self.config,
            self.encoding,
        )


@dataclass(frozen=True)
class Previous:
    """The earlier run in OUT: its file records by doc_id, its tables and their format."""

    records: dict[str, dict] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    format: str | None = None


def _check_writable(out: Path) -> None:
    """Fail before hours of work, not after them."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=out):
        pass


def _previous(out: Path, settings: Settings) -> Previous:
    """The earlier run's records and rows, or nothing if there is none or it cannot be reused
    (other pipeline version or config, unreadable files): everything is then redone."""
    path = out / MANIFEST
    if not path.exists():
        return Previous()
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not settings.compatible(manifest):
            _warn(f"{out} was made by another pipeline version, config or encoding; redoing all")
            return Previous()
        fmt = manifest["settings"]["format"]
        tables = {table: read_table(out, table, fmt) for table in TABLES}
        records = {record["doc_id"]: record for record in manifest["files"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        _warn(f"cannot reuse the earlier run in {out} ({error}); processing everything")
        return Previous()
    kept = {table: df[df["doc_id"].isin(records)] for table, df in tables.items()}
    return Previous(records, kept, fmt)


class Run:
    """One `extract` run: the earlier run's rows and records plus this run's batches, merged
    and written to OUT whenever `save` is called."""

    def __init__(self, out: Path, settings: Settings, files: list[InputFile], previous: Previous):
        self.out, self.settings, self.files, self.previous = out, settings, files, previous
        self.todo = [file for file in files if not self._unchanged(file)]
        self.new: list[FileRecord] = []
        self.batches: list[Batch] = []
        self.started = time.time()

    def _unchanged(self, file: InputFile) -> bool:
        """Done before under the same doc_id and path, with the same bytes."""
        old = self.previous.records.get(file.doc_id)
        return bool(
            old
            and old.get("sha256")
            and old.get("path") == str(file.path)
            and old["sha256"] == file_digest(file.path)
        )

    def add(self, batch: Batch) -> None:
        self.batches.append(batch)
        self.new.extend(batch.files)

    def seconds(self) -> float:
        return time.time() - self.started

    def records(self) -> list[dict]:
        """All files of OUT: this run's inputs in input order, then files of earlier runs."""
        new = {record.doc_id: asdict(record) for record in self.new}
        new_paths = {record.path for record in self.new}
        old = {
            doc_id: record
            for doc_id, record in self.previous.records.items()
            if doc_id not in new and record.get("path") not in new_paths
        }
        merged = {**old, **new}
        inputs = [file.doc_id for file in self.files if file.doc_id in merged]
        rest = [doc_id for doc_id in old if doc_id not in set(inputs)]
        return [merged[doc_id] for doc_id in [*inputs, *rest]]

    def failed_inputs(self) -> int:
        errors = {record["doc_id"]: record["error"] for record in self.records()}
        return sum(errors.get(file.doc_id) is not None for file in self.files)

    def tables(self, records: list[dict]) -> dict[str, pd.DataFrame]:
        """Earlier rows of the files still recorded, plus this run's rows, in record order."""
        rank = {record["doc_id"]: index for index, record in enumerate(records)}
        new_ids = {record.doc_id for record in self.new}
        tables = {}
        for table in TABLES:
            old = self.previous.tables.get(table, frame(table, []))
            old = old[old["doc_id"].isin(rank) & ~old["doc_id"].isin(new_ids)]
            parts = [df for df in [old, *(b.tables[table] for b in self.batches)] if len(df)]
            merged = pd.concat(parts, ignore_index=True) if parts else frame(table, [])
            tables[table] = merged.sort_values(
                "doc_id", key=lambda ids: ids.map(rank), kind="stable", ignore_index=True
            )
        return tables

    def save(self, complete: bool) -> None:
        """Tables first, then the manifest: a crash in between leaves rows the manifest does
        not list, which the next run drops."""
        records = self.records()
        tables = self.tables(records)
        for table, df in tables.items():
            write_table(df[COLUMNS[table]], self.out, table, self.settings.format)
        self._remove_other_format()
        write_json_atomic(self.out / MANIFEST, self.manifest(records, tables, complete))

    def _remove_other_format(self) -> None:
        old = self.previous.format
        if old and old != self.settings.format:
            for table in TABLES:
                table_path(self.out, table, old).unlink(missing_ok=True)

    def manifest(
        self, records: list[dict], tables: dict[str, pd.DataFrame], complete: bool
    ) -> dict:
        """Versions and config (what made the rows), counts, timings, failures, and per file
        doc_id, path, sha256, encoding and error (what the next run compares against)."""
        seconds = self.seconds()
        return {
            "package": "ru-news-pipeline",
            "version": self.settings.version,
            "python": platform.python_version(),
            "spacy": spacy.__version__,
            "natasha": version("natasha"),
            "config": self.settings.config,
            "settings": {
                "encoding": self.settings.encoding,
                "format": self.settings.format,
                "glob": self.settings.glob,
            },
            "counts": {table: len(df) for table, df in tables.items()},
            "run": {
                "complete": complete,
                "inputs": len(self.files),
                "processed": len(self.new),
                "unchanged": len(self.files) - len(self.todo),
                "failed": sum(record.error is not None for record in self.new),
            },
            "timings": {
                "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(self.started)),
                "seconds": round(seconds, 3),
                "docs_per_second": round(len(self.new) / seconds, 3) if seconds else None,
            },
            "failures": [
                {key: record[key] for key in ("doc_id", "path", "error")}
                for record in records
                if record["error"] is not None
            ],
            "files": records,
        }


def _execute(run: Run, workers: int) -> None:
    """Process the files to do, saving at the end, every few minutes (never spending more
    than a tenth of the time on it) and on interruption, so a rerun picks up where it stopped."""
    progress = tqdm(
        total=len(run.todo), unit="doc", disable=not sys.stderr.isatty(), file=sys.stderr
    )
    next_save, encoding = time.time() + CHECKPOINT_SECONDS, run.settings.encoding
    batches = run_local(run.todo, workers, encoding=encoding, nlp=load_nlp())
    stopped: tuple[str, int] | None = None
    try:
        for batch in batches:
            run.add(batch)
            progress.update(len(batch.files))
            if time.time() >= next_save:
                cost = _timed(run.save, complete=False)
                next_save = time.time() + max(CHECKPOINT_SECONDS, 10 * cost)
    except KeyboardInterrupt:
        stopped = ("interrupted", EXIT_INTERRUPTED)
    except Exception as error:  # e.g. a worker process died (out of memory)
        stopped = (f"{type(error).__name__}: {error}", EXIT_FATAL)
    finally:
        batches.close()  # stops the worker pool
        progress.close()
    _save_or_fail(run, complete=stopped is None)
    if stopped:
        _fatal(f"{stopped[0]}; the files done so far are saved, rerun to go on", stopped[1])


def _timed(function, **kwargs) -> float:
    start = time.time()
    function(**kwargs)
    return time.time() - start


def _save_or_fail(run: Run, complete: bool) -> None:
    try:
        run.save(complete)
    except OSError as error:
        _fatal(f"cannot write to {run.out}: {error}")


def _warn(message: str) -> None:
    typer.echo(f"ru-news: warning: {message}", err=True)


def _fatal(message: str, code: int = EXIT_FATAL) -> NoReturn:
    typer.echo(f"ru-news: error: {message}", err=True)
    raise typer.Exit(code)


def _detect_dataset(folder: Path) -> Dataset:
    """NEREL folders hold brat *.ann files, factRuEval folders *.objects files."""
    found = [
        dataset
        for dataset, pattern in ((Dataset.nerel, "*.ann"), (Dataset.factru, "*.objects"))
        if next(folder.glob(pattern), None)
    ]
    if len(found) != 1:
        raise typer.BadParameter(
            "cannot tell the dataset: expected *.ann (NEREL) or *.objects (factRuEval) files "
            "directly in the folder; point --data at a split, or pass --dataset",
            param_hint="--data",
        )
    return found[0]


@evaluate_app.command("ner")
def evaluate_ner(
    data: Annotated[
        Path,
        typer.Option("--data", exists=True, file_okay=False, help="A split folder of the corpus."),
    ],
    dataset: Annotated[
        Dataset | None, typer.Option(help="The corpus format; detected when omitted.")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Score only the first N docs.")] = None,
    json_file: Annotated[Path | None, typer.Option("--json", help="Also save scores here.")] = None,
) -> None:
    """Exact-span precision, recall and F1 per entity type."""
    dataset = dataset or _detect_dataset(data)
    try:
        scorer = importlib.import_module(SCORERS[dataset])  # lazily: a scorer may be absent
    except ImportError as error:
        _fatal(f"no scorer for {dataset.value}: {error}")
    try:
        scores = scorer.evaluate(load_nlp(), data, limit)
    except (OSError, ValueError) as error:
        _fatal(f"cannot evaluate on {data}: {error}")
    table = scores_frame(scores)
    typer.echo(table.to_string(index=False))
    if json_file:
        report = {"dataset": dataset.value, "data": str(data), "limit": limit}
        write_json_atomic(json_file, {**report, "scores": table.to_dict(orient="records")})


@evaluate_app.command("coref")
def evaluate_coref(
    data: Annotated[
        Path,
        typer.Option("--data", exists=True, file_okay=False, help="A factRuEval-2016 split."),
    ],
    limit: Annotated[int | None, typer.Option(min=1, help="Score only the first N docs.")] = None,
    json_file: Annotated[Path | None, typer.Option("--json", help="Also save scores here.")] = None,
) -> None:
    """Entity linking against factRuEval-2016's coreference layer: B³, MUC, pairwise, CEAF-e
    over the gold mentions."""
    from .evaluate import coref

    try:
        scores = coref.evaluate(load_nlp(), data, limit)
    except (OSError, ValueError) as error:
        _fatal(f"cannot evaluate on {data}: {error}")
    table = coref.scores_frame(scores)
    typer.echo(table.to_string(index=False))
    if json_file:
        report = {"dataset": "factru-coref", "data": str(data), "limit": limit}
        write_json_atomic(json_file, {**report, "scores": table.to_dict(orient="records")})


@evaluate_app.command("quotes")
def evaluate_quotes(
    data: Annotated[
        Path,
        typer.Option("--data", exists=True, file_okay=False, help="The adaq_ru_quotes folder."),
    ],
    limit: Annotated[
        int | None, typer.Option(min=1, help="Score only the first N sentences.")
    ] = None,
    json_file: Annotated[Path | None, typer.Option("--json", help="Also save scores here.")] = None,
) -> None:
    """Quotes against ADAQ (Russian): token-level source / cue / content P/R/F1 and
    sentence-level quote detection, as the dataset's authors scored them."""
    from .evaluate import adaq

    try:
        gold = adaq.read_corpus(data)[:limit]
        scores = adaq.score_documents(gold, load_nlp().pipe(s.text for s in gold))
    except (OSError, ValueError, KeyError) as error:
        _fatal(f"cannot evaluate on {data}: {error}")
    table = scores_frame(scores)
    counts = adaq.summary(gold)
    macro = adaq.sentence_macro_f1(scores)
    typer.echo(table.to_string(index=False))
    typer.echo(f"sentence-level macro F1 {macro:.3f}")
    typer.echo(", ".join(f"{key} {value}" for key, value in counts.items()))
    if json_file:
        report = {"dataset": "adaq-ru", "data": str(data), "limit": limit, "counts": counts}
        report["sentence_macro_f1"] = round(macro, 3)
        write_json_atomic(json_file, {**report, "scores": table.to_dict(orient="records")})


@evaluate_app.command("opinion")
def evaluate_opinion(
    data: Annotated[
        Path,
        typer.Option("--data", exists=True, file_okay=False, help="The ruopinionne2024 folder."),
    ],
    limit: Annotated[
        int | None, typer.Option(min=1, help="Score only the first N speech-verb sentences.")
    ] = None,
    json_file: Annotated[Path | None, typer.Option("--json", help="Also save scores here.")] = None,
) -> None:
    """Quote speakers against RuOpinionNE-2024 opinion holders in sentences with a speech verb
    (a proxy: holders are not always speakers): precision, coverage, holder recall."""
    from .evaluate import opinion

    try:
        scores = opinion.evaluate(load_nlp(), data, limit)
    except (OSError, ValueError, KeyError) as error:
        _fatal(f"cannot evaluate on {data}: {error}")
    table = opinion.scores_frame(scores)
    typer.echo(table.to_string(index=False))
    if json_file:
        report = {"dataset": "ruopinionne2024", "data": str(data), "limit": limit}
        write_json_atomic(json_file, {**report, "scores": table.to_dict(orient="records")})
