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
import contextlib
import logging
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

import pipeline

from . import runner
from .engine import CHUNK_CHARS, DOC_TIMEOUT, SLICE_CHARS, load_nlp
from .io import InputError, parse_meta_fields, write_json_atomic

EXIT_FATAL, EXIT_FAILED, EXIT_INTERRUPTED = 1, 3, 130

app = typer.Typer(
    help="Russian news → tables of entities, mentions, quotes and relations.",
    no_args_is_help=True,
    add_completion=False,
)
evaluate_app = typer.Typer(help="Score the pipeline on gold corpora.", no_args_is_help=True)
app.add_typer(evaluate_app, name="evaluate")


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"ru-news {pipeline.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Russian news → tables of entities, mentions, quotes and relations."""


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


def _meta_fields_option(value: str | None) -> str | None:
    if value is not None:
        try:
            parse_meta_fields(value)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from None
    return value


@app.command()
def extract(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            metavar="INPUT",
            help="Text files, news dumps (.jsonl, .ndjson, .csv, .parquet: a document per row) "
            "and folders (searched recursively for --glob).",
        ),
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
        str,
        typer.Option(
            help="Which files to take from folders, patterns separated by commas (named "
            'files are always taken); e.g. "*.txt,*.jsonl" for texts and dumps.'
        ),
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
    doc_timeout: Annotated[
        float,
        typer.Option(
            min=0,
            metavar="SECONDS",
            help="A document (a slice of a long text) taking longer is an error row and the "
            "run goes on; 0: no limit. Local engine only.",
        ),
    ] = DOC_TIMEOUT,
    text_field: Annotated[
        str, typer.Option(help="Dumps: the field holding a document's text.")
    ] = "text",
    id_field: Annotated[
        str | None,
        typer.Option(help="Dumps: the field holding a document's id [default: the row number]."),
    ] = None,
    meta_fields: Annotated[
        str | None,
        typer.Option(
            callback=_meta_fields_option,
            help="Dumps: metadata columns of documents, from fields of the same name or as "
            'column=field: "title,date=published_at,source,url" [default: those present].',
        ),
    ] = None,
) -> None:
    """Extract the five tables and manifest.json from news texts and dumps into DIR."""
    engine_name = _engine_name(engine, scheduler)
    try:
        with _warnings_echoed():
            result = runner.run(
                inputs,
                out,
                fmt.value,
                workers,
                glob=glob,
                encoding=encoding,
                engine=engine_name.value,
                scheduler=scheduler,
                save_docs=save_docs,
                chunk_chars=chunk_chars,
                max_chars=max_chars,
                doc_timeout=doc_timeout,
                text_field=text_field,
                id_field=id_field,
                meta_fields=meta_fields,
            )
    except runner.NoInputError as error:
        raise typer.BadParameter(str(error), param_hint="INPUT") from None
    except (ImportError, runner.RunError) as error:
        _fatal(str(error))
    except KeyboardInterrupt:
        _fatal(f"interrupted; {runner.RESUME_HINT}", EXIT_INTERRUPTED)
    for failure in result.failures:
        typer.echo(f"ru-news: failed: {_failed_name(failure)}: {failure.error}", err=True)
    typer.echo(
        f"ru-news: {result.inputs} documents: {result.processed} processed, "
        f"{result.failed} failed, {result.unchanged} unchanged; "
        f"{result.seconds:.1f} s → {out}",
        err=True,
    )
    if result.failed:
        raise typer.Exit(EXIT_FAILED)


def _failed_name(failure: runner.Failure) -> str:
    """The file, and for a row of a dump also its doc_id ("news.jsonl#17")."""
    if failure.path is None:
        return failure.doc_id
    if Path(failure.path).as_posix().endswith(failure.doc_id):
        return failure.path
    return f"{failure.path} ({failure.doc_id})"


def _engine_name(engine: Engine | None, scheduler: str | None) -> Engine:
    if scheduler and engine == Engine.local:
        raise typer.BadParameter("--scheduler needs --engine dask", param_hint="--scheduler")
    return engine or (Engine.dask if scheduler else Engine.local)


class _EchoWarnings(logging.Handler):
    """The runner's warnings on stderr, as the command's own."""

    def emit(self, record: logging.LogRecord) -> None:
        _warn(record.getMessage())


@contextlib.contextmanager
def _warnings_echoed() -> Iterator[None]:
    handler = _EchoWarnings(logging.WARNING)
    runner.log.addHandler(handler)
    try:
        yield
    finally:
        runner.log.removeHandler(handler)


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
    try:
        written = render_file(file, out, encoding=encoding)
    except InputError as error:
        _fatal(f"{file}: {error}")
    except OSError as error:
        _fatal(f"cannot write {out}: {error}")
    typer.echo(f"ru-news: wrote {written or out}", err=True)
