"""Speed benchmark: natasha's Doc API against our spaCy pipeline, on the same news documents.

Systems (each measured in its own fresh child process):

- natasha     natasha's Doc API, one document at a time: segment, tag_morph, parse_syntax,
              tag_ner (stages 1, 2, 4, 5; natasha has no lemmatizer without pymorphy2, so
              lemmas are NOT included on its side)
- ours-full   `pipeline.load()` and `nlp.pipe(texts)`: every component of our config
              (tokenizer, morphology, lemmas, syntax, ner, entity typing, linking, ...)
- ours-1-5    the same pipeline with every component after "ner" disabled (stages 1-5),
              which shows what our rule stages cost on top of the slovnet stages

Every child caps BLAS threads at 1 with threadpoolctl, loads its models (timed as "load"),
processes 3 documents as a warm-up, then processes all documents --repeat times; peak RSS is
`resource.getrusage(RUSAGE_SELF).ru_maxrss` of that child. Documents are read at run time
from ../shared/datasets (NEREL train, then factRuEval testset) and never stored in the repo.

    python benchmarks/bench_speed.py                       # 200 docs, 3 repeats
    python benchmarks/bench_speed.py --docs 50 --repeat 1 --json speed.json
    python benchmarks/bench_speed.py --data ~/news --profile
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_DATASETS = REPO.parent / "shared" / "datasets"
DEFAULT_SOURCES = [
    SHARED_DATASETS / "nerel" / "train",
    SHARED_DATASETS / "factrueval2016" / "testset",
]
WARMUP_DOCS = 3
# ours-1-5 and ours-1-6 disable every component after this one
LAST_STAGE = {"ours-full": None, "ours-1-6": "entities", "ours-1-5": "ner"}
PROFILED = ["natasha", "ours-full"]  # --profile: stage times and cProfile of these

SYSTEMS = {
    "natasha": "natasha Doc API per doc: segment, morph, syntax, ner (no lemmas)",
    "ours-full": "our nlp.pipe(): all components",
    "ours-1-6": "our nlp.pipe(): stages 1-6 (entity linking disabled)",
    "ours-1-5": "our nlp.pipe(): stages 1-5 (rule stages disabled)",
}


# ---------------------------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------------------------


def read_txt_files(folder: Path) -> list[str]:
    texts = []
    for path in sorted(folder.rglob("*.txt")):
        text = path.read_text(encoding="utf-8-sig")
        if text.strip():
            texts.append(text)
    return texts


def collect_texts(count: int, data: Path | None) -> tuple[list[str], str]:
    """`count` documents and a sentence saying where they came from."""
    if data is not None:
        texts = read_txt_files(data)
        if not texts:
            raise SystemExit(f"no non-empty .txt files under {data}")
        source = f"{data} (.txt files, sorted by path)"
    elif all(folder.is_dir() for folder in DEFAULT_SOURCES):
        texts = []
        for folder in DEFAULT_SOURCES:
            texts.extend(read_txt_files(folder))
            if len(texts) >= count:
                break
        source = "NEREL train .txt, then factRuEval-2016 testset .txt (sorted by file name)"
    else:
        texts = read_txt_files(REPO / "data")
        source = (
            f"FALLBACK: {SHARED_DATASETS} not found; the repo's data/ folder "
            f"({len(texts)} texts) repeated - not representative news"
        )
    if len(texts) < count:
        if "FALLBACK" not in source:
            source += f" - only {len(texts)} found, repeated"
        texts = [texts[i % len(texts)] for i in range(count)]
    return texts[:count], source


# ---------------------------------------------------------------------------------------------
# Child process: one system
# ---------------------------------------------------------------------------------------------


def blas_report(info: list[dict]) -> str:
    parts = []
    for lib in info:
        name = lib.get("internal_api", lib.get("user_api", "?"))
        layer = lib.get("threading_layer")
        parts.append(
            f"{name} {lib.get('version') or ''}"
            + (f" ({layer})" if layer else "")
            + f" threads={lib.get('num_threads')}"
        )
    return "; ".join(parts) or "none found"


def load_natasha():
    from natasha import (
        Doc,
        NewsEmbedding,
        NewsMorphTagger,
        NewsNERTagger,
        NewsSyntaxParser,
        Segmenter,
    )

    segmenter = Segmenter()
    embedding = NewsEmbedding()
    morph = NewsMorphTagger(embedding)
    syntax = NewsSyntaxParser(embedding)
    ner = NewsNERTagger(embedding)

    def run(texts: list[str]) -> dict:
        counts = {"docs": 0, "chars": 0, "tokens": 0, "sentences": 0, "ner_spans": 0}
        for text in texts:
            doc = Doc(text)
            doc.segment(segmenter)
            doc.tag_morph(morph)
            doc.parse_syntax(syntax)
            doc.tag_ner(ner)
            counts["docs"] += 1
            counts["chars"] += len(doc.text)
            counts["tokens"] += len(doc.tokens)
            counts["sentences"] += len(doc.sents)
            counts["ner_spans"] += len(doc.spans)
        return counts

    def stage_times(texts: list[str]) -> dict[str, float]:
        times = dict.fromkeys(["Doc()", "segment", "tag_morph", "parse_syntax", "tag_ner"], 0.0)
        for text in texts:
            clock = time.process_time()
            doc = Doc(text)
            clock = tick(times, "Doc()", clock)
            doc.segment(segmenter)
            clock = tick(times, "segment", clock)
            doc.tag_morph(morph)
            clock = tick(times, "tag_morph", clock)
            doc.parse_syntax(syntax)
            clock = tick(times, "parse_syntax", clock)
            doc.tag_ner(ner)
            tick(times, "tag_ner", clock)
        return times

    return run, stage_times, {"components": ["segment", "tag_morph", "parse_syntax", "tag_ner"]}


def word_caches() -> list:
    """The bounded functools caches of our modules (per-word memos such as lemmatize); the
    unbounded @cache ones hold resources (models, gazetteers) and are kept."""
    caches = []
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "pipeline" or name.startswith("pipeline.")):
            continue
        for value in vars(module).values():
            parameters = getattr(value, "cache_parameters", None)
            if (
                parameters is not None
                and parameters()["maxsize"] is not None
                and str(getattr(value, "__module__", "")).startswith("pipeline")
                and value not in caches
            ):
                caches.append(value)
    return caches


def tick(times: dict[str, float], stage: str, clock: float) -> float:
    now = time.process_time()
    times[stage] += now - clock
    return now


def load_ours(last_stage: str | None):
    from spacy.attrs import IS_SPACE

    import pipeline

    nlp = pipeline.load()
    disabled = []
    if last_stage:
        names = list(nlp.pipe_names)
        if last_stage not in names:
            raise SystemExit(f"component {last_stage!r} not in the pipeline {names}")
        disabled = names[names.index(last_stage) + 1 :]
        for name in disabled:
            nlp.disable_pipe(name)
    # The slovnet weights and pymorphy3 load lazily; load them now so that "load" covers them.

    from pipeline.resources import morph_analyzer, slovnet_model

    for _, component in nlp.pipeline:
        kind = getattr(component, "kind", "")
        if kind:
            slovnet_model(kind, component.batch_size)
    if "lemmas" in nlp.pipe_names:
        morph_analyzer()

    def run(texts: list[str]) -> dict:
        counts = {"docs": 0, "chars": 0, "tokens": 0, "sentences": 0, "ner_spans": 0}
        for doc in nlp.pipe(texts):
            counts["docs"] += 1
            counts["chars"] += len(doc.text)
            counts["tokens"] += len(doc) - int(doc.to_array(IS_SPACE).sum())
            counts["sentences"] += sum(1 for _ in doc.sents)
            counts["ner_spans"] += len(doc.spans.get("slovnet_ner", []))
        return counts

    def stage_times(texts: list[str]) -> dict[str, float]:
        """CPU seconds of each component over all docs in turn (nlp.pipe interleaves them)."""
        clock = time.process_time()
        docs = [nlp.make_doc(text) for text in texts]
        times = {"tokenizer": time.process_time() - clock}
        for name, component in nlp.pipeline:
            clock = time.process_time()
            if hasattr(component, "pipe"):
                docs = list(component.pipe(docs, batch_size=nlp.batch_size))
            else:
                docs = [component(doc) for doc in docs]
            times[name] = time.process_time() - clock
        return times

    return run, stage_times, {"components": list(nlp.pipe_names), "disabled": disabled}


def child(
    system: str,
    texts_path: Path,
    repeat: int,
    result_path: Path,
    profile: bool,
    warm_caches: bool,
) -> None:
    import resource

    import numpy  # noqa: F401  (load the BLAS so that threadpoolctl sees it)
    from threadpoolctl import threadpool_info, threadpool_limits

    texts = json.loads(texts_path.read_text(encoding="utf-8"))
    blas_before = threadpool_info()

    start = time.perf_counter()
    limiter = threadpool_limits(limits=1)
    if system == "natasha":
        run, stage_times, meta = load_natasha()
    else:
        run, stage_times, meta = load_ours(LAST_STAGE[system])
    # Libraries loaded by the imports above are capped as well.
    limiter = threadpool_limits(limits=1)
    load_s = time.perf_counter() - start
    rss_after_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    start = time.perf_counter()
    run(texts[:WARMUP_DOCS])
    warmup_s = time.perf_counter() - start
    caches = [] if warm_caches else word_caches()

    def clear_caches() -> None:
        for function in caches:
            function.cache_clear()

    if profile:
        profile_child(system, run, stage_times, clear_caches, texts, result_path)
        return

    times, cpu_times, counts = [], [], None
    for _ in range(repeat):
        clear_caches()
        gc.collect()
        start, cpu_start = time.perf_counter(), time.process_time()
        counts = run(texts)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)

    result = {
        "system": system,
        "description": SYSTEMS[system],
        **meta,
        "load_s": load_s,
        "warmup_s": warmup_s,
        "word_caches_cleared": [f"{f.__module__}.{f.__qualname__}" for f in caches],
        "times_s": times,
        "cpu_times_s": cpu_times,
        **counts,
        "rss_after_load_mb": rss_after_load,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "blas_found": blas_report(blas_before),
        "blas_used": blas_report(threadpool_info()),
    }
    del limiter
    result_path.write_text(json.dumps(result), encoding="utf-8")


def profile_child(
    system: str, run, stage_times, clear_caches, texts: list[str], result_path: Path
) -> None:
    """Seconds per stage over all docs, then one cProfile'd pass; the top rows of our code
    (pipeline/, slovnet/) and of everything."""
    import cProfile
    import io
    import pstats

    clear_caches()
    gc.collect()
    stages = stage_times(texts)
    clear_caches()
    gc.collect()

    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    run(texts)
    profiler.disable()
    wall = time.perf_counter() - start
    profiler.dump_stats(str(result_path.with_suffix(".prof")))

    stats = pstats.Stats(profiler, stream=io.StringIO())
    ours_markers = (str(REPO / "pipeline") + os.sep, os.sep + "slovnet" + os.sep)

    def rows(key: int, only_ours: bool, limit: int) -> list[dict]:
        entries = []
        for (filename, line, func), (_, calls, tottime, cumtime, _) in stats.stats.items():
            if only_ours and not any(marker in filename for marker in ours_markers):
                continue
            short = filename
            for marker in ("site-packages" + os.sep, str(REPO) + os.sep):
                if marker in short:
                    short = short.split(marker, 1)[1]
            entries.append(
                {
                    "function": f"{short}:{line}({func})",
                    "calls": calls,
                    "tottime": tottime,
                    "cumtime": cumtime,
                }
            )
        entries.sort(key=lambda entry: entry["cumtime" if key else "tottime"], reverse=True)
        return entries[:limit]

    result = {
        "system": system,
        "stage_s": stages,
        "profile_wall_s": wall,
        "ours_by_cumtime": rows(1, True, 15),
        "ours_by_tottime": rows(0, True, 15),
        "all_by_tottime": rows(0, False, 15),
        "prof_file": str(result_path.with_suffix(".prof")),
    }
    result_path.write_text(json.dumps(result), encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Parent: run the children, check, print
# ---------------------------------------------------------------------------------------------


def run_child(
    system: str,
    texts_path: Path,
    repeat: int,
    workdir: Path,
    profile: bool = False,
    warm_caches: bool = False,
) -> dict:
    result_path = workdir / f"{system}{'-profile' if profile else ''}.json"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        system,
        "--texts",
        str(texts_path),
        "--repeat",
        str(repeat),
        "--result",
        str(result_path),
    ]
    if profile:
        command.append("--profile")
    if warm_caches:
        command.append("--warm-caches")
    print(f"  running {system}{' (profile)' if profile else ''} ...", file=sys.stderr, flush=True)
    completed = subprocess.run(command, cwd=REPO, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"{system}: child process failed with exit code {completed.returncode}")
    return json.loads(result_path.read_text(encoding="utf-8"))


def summarize(result: dict) -> dict:
    docs_per_s = [result["docs"] / t for t in result["times_s"]]
    chars_per_s = [result["chars"] / t for t in result["times_s"]]
    result["docs_per_s_best"] = max(docs_per_s)
    result["docs_per_s_median"] = statistics.median(docs_per_s)
    result["chars_per_s_best"] = max(chars_per_s)
    result["chars_per_s_median"] = statistics.median(chars_per_s)
    result["docs_per_cpu_s_best"] = result["docs"] / min(result["cpu_times_s"])
    result["cpu_over_wall"] = sum(result["cpu_times_s"]) / sum(result["times_s"])
    return result


def check(results: list[dict], expected_docs: int, expected_chars: int) -> list[str]:
    problems = []
    for result in results:
        if result["docs"] != expected_docs:
            problems.append(f"{result['system']}: {result['docs']} docs, expected {expected_docs}")
        if result["chars"] != expected_chars:
            problems.append(
                f"{result['system']}: {result['chars']} chars, expected {expected_chars}"
            )
    return problems


def print_table(results: list[dict]) -> None:
    header = (
        f"{'system':<10} {'load s':>7} {'docs/s best':>12} {'docs/s med':>11} "
        f"{'chars/s best':>13} {'chars/s med':>12} {'docs/CPU-s':>11} {'peak RSS MB':>12}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['system']:<10} {r['load_s']:>7.2f} {r['docs_per_s_best']:>12.1f} "
            f"{r['docs_per_s_median']:>11.1f} {r['chars_per_s_best']:>13,.0f} "
            f"{r['chars_per_s_median']:>12,.0f} {r['docs_per_cpu_s_best']:>11.1f} "
            f"{r['peak_rss_mb']:>12.0f}"
        )


def ratios(results: list[dict]) -> dict:
    by_system = {r["system"]: r for r in results}
    base = by_system.get("natasha")
    out = {}
    if base is None:
        return out
    for name in ("ours-full", "ours-1-6", "ours-1-5"):
        if name in by_system:
            out[f"{name}/natasha"] = {
                "docs_per_s_best": by_system[name]["docs_per_s_best"] / base["docs_per_s_best"],
                "docs_per_s_median": by_system[name]["docs_per_s_median"]
                / base["docs_per_s_median"],
                "docs_per_cpu_s_best": by_system[name]["docs_per_cpu_s_best"]
                / base["docs_per_cpu_s_best"],
            }
    return out


def print_profile(profile: dict) -> None:
    stages = profile["stage_s"]
    total = sum(stages.values())
    print(f"\nProfile of {profile['system']}: CPU seconds per stage over all docs (no profiler)")
    for stage, seconds in stages.items():
        print(f"  {stage:<14} {seconds:>7.2f} s  {100 * seconds / total:>5.1f} %")
    print(f"  {'total':<14} {total:>7.2f} s")
    print(f"one pass under cProfile: {profile['profile_wall_s']:.1f} s")
    if profile["prof_file"]:
        print(f"(full stats: {profile['prof_file']}; open with `python -m pstats`)")
    for title, key in (
        ("our code (pipeline/, slovnet/) by cumulative time", "ours_by_cumtime"),
        ("our code (pipeline/, slovnet/) by own time", "ours_by_tottime"),
        ("all code by own time", "all_by_tottime"),
    ):
        print(f"\n  {title}")
        print(f"  {'cumtime':>8} {'tottime':>8} {'calls':>9}  function")
        for row in profile[key]:
            print(
                f"  {row['cumtime']:>8.2f} {row['tottime']:>8.2f} {row['calls']:>9}  "
                f"{row['function']}"
            )


def versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for package in ("ru-news-pipeline", "spacy", "natasha", "slovnet", "razdel", "numpy"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = None
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=200, help="number of documents (200)")
    parser.add_argument("--data", type=Path, help="folder of .txt files to use instead")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes per system (3)")
    parser.add_argument(
        "--systems",
        default="natasha,ours-full,ours-1-6,ours-1-5",
        help="comma-separated subset of: " + ", ".join(SYSTEMS),
    )
    parser.add_argument("--json", type=Path, help="save the figures to this JSON file")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="afterwards, time each stage and cProfile one pass of natasha and ours-full "
        "(in fresh children) and print the top rows",
    )
    parser.add_argument(
        "--warm-caches",
        action="store_true",
        help="keep our per-word caches (lemmas, word forms) between passes; by default they "
        "are cleared so that every pass sees the documents as new",
    )
    parser.add_argument("--child", choices=list(SYSTEMS), help=argparse.SUPPRESS)
    parser.add_argument("--texts", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        child(args.child, args.texts, args.repeat, args.result, args.profile, args.warm_caches)
        return 0

    systems = [name.strip() for name in args.systems.split(",") if name.strip()]
    unknown = [name for name in systems if name not in SYSTEMS]
    if unknown or args.docs <= WARMUP_DOCS or args.repeat < 1:
        parser.error(
            f"unknown systems {unknown}" if unknown else "need --docs > 3 and --repeat >= 1"
        )

    texts, source = collect_texts(args.docs, args.data)
    chars = sum(len(text) for text in texts)
    print(f"documents: {len(texts)}, {chars:,} chars; {source}")
    print(f"repeat: {args.repeat} timed passes per system after a {WARMUP_DOCS}-doc warm-up")

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench_speed_") as tmp:
        workdir = Path(tmp)
        texts_path = workdir / "texts.json"
        texts_path.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        results = [
            summarize(
                run_child(name, texts_path, args.repeat, workdir, warm_caches=args.warm_caches)
            )
            for name in systems
        ]
        profiles = []
        for name in PROFILED if args.profile else []:
            profile = run_child(
                name, texts_path, 1, workdir, profile=True, warm_caches=args.warm_caches
            )
            if args.json:  # keep the raw cProfile stats next to the figures
                kept = args.json.with_name(f"{args.json.stem}.{name}.prof")
                shutil.copyfile(profile["prof_file"], kept)
                profile["prof_file"] = str(kept)
            else:
                profile["prof_file"] = None
            profiles.append(profile)
    total_s = time.perf_counter() - started

    problems = check(results, len(texts), chars)
    print(f"\nBLAS found: {results[0]['blas_found']}; used: {results[0]['blas_used']}")
    print()
    print_table(results)
    ratio = ratios(results)
    for name, values in ratio.items():
        print(
            f"ratio {name} docs/s: best {values['docs_per_s_best']:.2f}x, "
            f"median {values['docs_per_s_median']:.2f}x; per CPU-second "
            f"{values['docs_per_cpu_s_best']:.2f}x"
        )
    print("\nwhat each pass processed (sanity):")
    for r in results:
        extra = f", disabled {r['disabled']}" if r.get("disabled") else ""
        print(
            f"  {r['system']:<10} {r['docs']} docs, {r['chars']:,} chars, {r['tokens']:,} tokens, "
            f"{r['sentences']:,} sentences, {r['ner_spans']:,} NER spans; "
            f"CPU/wall {r['cpu_over_wall']:.2f}; "
            f"components {r['components']}{extra}"
        )
    if "natasha" in systems:
        print("  natasha: no lemmas (its lemmatizer needs pymorphy2); ours-* include lemmas")
    cleared = next((r["word_caches_cleared"] for r in results if r["word_caches_cleared"]), [])
    if cleared:
        print(f"  our word caches cleared before every pass: {', '.join(cleared)}")
    print(f"total benchmark time: {total_s:.0f} s")
    for profile in profiles:
        print_profile(profile)
    for problem in problems:
        print(f"CHECK FAILED: {problem}", file=sys.stderr)

    if args.json:
        report = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "processor": platform.processor() or platform.machine(),
            },
            "versions": versions(),
            "documents": {"count": len(texts), "chars": chars, "source": source},
            "repeat": args.repeat,
            "warmup_docs": WARMUP_DOCS,
            "warm_caches": args.warm_caches,
            "results": results,
            "ratios": ratio,
            "profiles": profiles,
            "checks_failed": problems,
        }
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"figures saved to {args.json}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
