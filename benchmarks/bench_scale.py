"""Scale benchmark: a batch of real news files through natasha's Doc API and through
`ru-news extract` with 1 worker, 2 workers and a Dask LocalCluster of 2 workers.

The documents (2,000 by default) are built at run time from the shared corpora beside the repo
(../shared/datasets: NEREL train/dev/test, factRuEval-2016 dev/test, RuRED2, then BSNLP's
Russian raw texts if more are needed; duplicates dropped) and written to a temporary folder that
is removed afterwards: they are never stored in the repository.

Each system runs as a fresh process over the same folder, so every figure is end to end: start,
imports, model loading, reading, annotating and (for ours) writing the Parquet shards and the
manifest. docs/s = documents / wall seconds. Peak RSS is per worker process (VmHWM): natasha's
process; for ours the worker processes as recorded in manifest.json (with 1 worker the work runs
in the command's own process). Our three runs must give the same tables (checked).

    python benchmarks/bench_scale.py                   # 2,000 docs, all systems (~10 min, 2 cores)
    python benchmarks/bench_scale.py --docs 300 --json scale.json
    python benchmarks/bench_scale.py --systems ours-1 ours-2
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from runs import ru_news, run_timed

REPO = Path(__file__).resolve().parents[1]
DATASETS = REPO.parent / "shared" / "datasets"
SOURCES = [
    ("NEREL", ["nerel/train", "nerel/dev", "nerel/test"], 0),
    ("factRuEval-2016", ["factrueval2016/devset", "factrueval2016/testset"], 0),
    ("RuRED2", ["rured2/annotation_files"], 0),
    ("BSNLP ru", ["bsnlp_ru"], 4),  # raw files: id, language, date, URL, then title and body
]
SYSTEMS = {
    "natasha": "natasha Doc API, 1 process (segment, morph, syntax, NER; reading files)",
    "ours-1": "ru-news extract --workers 1",
    "ours-2": "ru-news extract --workers 2",
    "dask-2": "ru-news extract --engine dask --workers 2 (LocalCluster)",
}
GOALS = {"speedup_2_workers": 1.8, "peak_rss_mb": 700.0, "dask_vs_local": 0.9}


# ---------------------------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------------------------


def build_corpus(count: int, folder: Path) -> dict:
    """Write `count` distinct news texts to folder; return where they came from."""
    seen: set[str] = set()
    taken: dict[str, int] = {}
    texts: list[str] = []
    for name, folders, header_lines in SOURCES:
        for sub in folders:
            root = DATASETS / sub
            if not root.is_dir():
                continue
            for path in sorted(root.rglob("*.txt")):
                if len(texts) >= count:
                    break
                text = path.read_text(encoding="utf-8-sig", errors="replace")
                text = "\n".join(text.splitlines()[header_lines:]).strip()
                key = hashlib.sha256(text.encode()).hexdigest()
                if len(text) < 200 or key in seen:
                    continue
                seen.add(key)
                texts.append(text)
                taken[name] = taken.get(name, 0) + 1
    if not texts:
        raise SystemExit(f"no corpora under {DATASETS}: this benchmark needs the shared datasets")
    repeated = 0
    while len(texts) < count:  # only if the corpora are smaller than asked
        texts.append(f"{texts[repeated]}\nКопия номер {repeated}.")
        repeated += 1
    folder.mkdir(parents=True, exist_ok=True)
    for index, text in enumerate(texts[:count]):
        (folder / f"{index:05}.txt").write_text(text + "\n", encoding="utf-8")
    return {
        "docs": count,
        "chars": sum(len(text) for text in texts[:count]),
        "sources": taken,
        "repeated": repeated,
    }


# ---------------------------------------------------------------------------------------------
# Systems
# ---------------------------------------------------------------------------------------------


def vm_hwm_mb() -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def natasha_child(folder: Path, result: Path) -> None:
    """natasha's documented Doc API over every file of the folder, in one process."""
    from natasha import (
        Doc,
        NewsEmbedding,
        NewsMorphTagger,
        NewsNERTagger,
        NewsSyntaxParser,
        Segmenter,
    )
    from threadpoolctl import threadpool_limits

    limits = threadpool_limits(limits=1)
    segmenter, embedding = Segmenter(), NewsEmbedding()
    morph, syntax, ner = (
        NewsMorphTagger(embedding),
        NewsSyntaxParser(embedding),
        NewsNERTagger(embedding),
    )
    spans = 0
    for path in sorted(folder.glob("*.txt")):
        doc = Doc(path.read_text(encoding="utf-8"))
        doc.segment(segmenter)
        doc.tag_morph(morph)
        doc.parse_syntax(syntax)
        doc.tag_ner(ner)
        spans += len(doc.spans)
    del limits
    result.write_text(json.dumps({"ner_spans": spans, "peak_rss_mb": vm_hwm_mb()}))


def run_system(system: str, folder: Path, work: Path, docs: int) -> dict:
    out = work / f"out-{system}"
    if system == "natasha":
        result_file = work / "natasha.json"
        command = [sys.executable, __file__, "--natasha-child", str(folder), str(result_file)]
    else:
        command = [ru_news(), "extract", str(folder), "--out", str(out)]
        command += {
            "ours-1": ["--workers", "1"],
            "ours-2": ["--workers", "2"],
            "dask-2": ["--engine", "dask", "--workers", "2"],
        }[system]
    finished, wall = run_timed(system, command, command[-4:])
    row = {"system": system, "description": SYSTEMS[system], "wall_s": round(wall, 2)}
    row["docs_per_s"] = round(docs / wall, 2)
    if system == "natasha":
        child = json.loads(result_file.read_text())
        row["peak_rss_mb_per_worker"] = [round(child["peak_rss_mb"], 1)]
        row["ner_spans"] = child["ner_spans"]
        return row
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    workers = manifest["workers"]
    row["run_s"] = manifest["timings"]["seconds"]
    row["processing_docs_per_s"] = manifest["timings"]["docs_per_second"]
    row["workers"] = len(workers)
    row["peak_rss_mb_per_worker"] = sorted(worker["peak_rss_mb"] for worker in workers)
    row["driver_peak_rss_mb"] = manifest.get("driver", {}).get("peak_rss_mb")
    row["failed"] = manifest["run"]["failed"]
    row["counts"] = manifest["counts"]
    row["out"] = str(out)
    return row


def same_tables(first: Path, second: Path) -> bool:
    import pandas as pd

    from pipeline.io import read_table
    from pipeline.tables import TABLES

    def ordered(df):
        return df.sort_values(list(df.columns), ignore_index=True)

    for table in TABLES:
        try:
            pd.testing.assert_frame_equal(
                ordered(read_table(first, table, "parquet")),
                ordered(read_table(second, table, "parquet")),
            )
        except AssertionError:
            return False
    return True


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def report(rows: dict[str, dict], corpus: dict) -> dict:
    def ratio(a: str, b: str) -> float | None:
        if a in rows and b in rows:
            return round(rows[a]["docs_per_s"] / rows[b]["docs_per_s"], 3)
        return None

    ratios = {
        "ours-2 / ours-1": ratio("ours-2", "ours-1"),
        "dask-2 / ours-2": ratio("dask-2", "ours-2"),
        "ours-1 / natasha": ratio("ours-1", "natasha"),
        "ours-2 / natasha": ratio("ours-2", "natasha"),
    }
    peaks = [peak for row in rows.values() for peak in row["peak_rss_mb_per_worker"]]
    ours_peaks = [
        peak
        for system, row in rows.items()
        if system != "natasha"
        for peak in row["peak_rss_mb_per_worker"]
    ]
    goals = {
        "2 workers >= 1.8x 1 worker": _goal(ratios["ours-2 / ours-1"], GOALS["speedup_2_workers"]),
        "peak RSS <= 700 MB per worker (ours)": (
            max(ours_peaks) <= GOALS["peak_rss_mb"] if ours_peaks else None
        ),
        "Dask within 10% of local": _goal(ratios["dask-2 / ours-2"], GOALS["dask_vs_local"]),
    }
    print()
    print(
        f"{corpus['docs']} documents, {corpus['chars']:,} characters "
        f"({', '.join(f'{k} {v}' for k, v in corpus['sources'].items())}); "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print()
    print("| system | wall s | docs/s | peak RSS per worker (MB) | what |")
    print("|---|---:|---:|---|---|")
    for row in rows.values():
        peaks_text = ", ".join(f"{peak:.0f}" for peak in row["peak_rss_mb_per_worker"])
        print(
            f"| {row['system']} | {row['wall_s']:.1f} | {row['docs_per_s']:.2f} | {peaks_text} "
            f"| {row['description']} |"
        )
    print()
    for name, value in ratios.items():
        if value is not None:
            print(f"{name}: {value:.2f}x")
    for name, met in goals.items():
        print(f"goal {name}: {'met' if met else 'NOT met' if met is not None else 'not run'}")
    return {"ratios": ratios, "goals": goals, "max_peak_rss_mb": max(peaks, default=None)}


def _goal(value: float | None, threshold: float) -> bool | None:
    return None if value is None else value >= threshold


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="documents (default 2000)")
    parser.add_argument("--systems", nargs="+", choices=list(SYSTEMS), default=list(SYSTEMS))
    parser.add_argument("--json", type=Path, help="also save the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--natasha-child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.natasha_child:
        natasha_child(*args.natasha_child)
        return
    work = Path(tempfile.mkdtemp(prefix="ru-news-bench-"))
    try:
        corpus = build_corpus(args.docs, work / "news")
        print(f"built {corpus['docs']} documents in {work / 'news'}", file=sys.stderr)
        rows = {
            system: run_system(system, work / "news", work, args.docs) for system in args.systems
        }
        ours = [rows[s]["out"] for s in ("ours-1", "ours-2", "dask-2") if s in rows]
        identical = all(same_tables(Path(ours[0]), Path(other)) for other in ours[1:])
        summary = report(rows, corpus)
        print(f"our runs give identical tables: {identical}")
        if args.json:
            figures = {
                "date": time.strftime("%Y-%m-%d"),
                "cores": os.cpu_count(),
                "corpus": corpus,
                "systems": rows,
                "identical_tables": identical,
                **summary,
            }
            args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
