"""Large-text benchmark: one 20 MB Russian text through `ru-news extract`, against the same
text split into its news articles (the baseline, in the same run).

The text is built at run time from the shared corpora beside the repo (../shared/datasets:
factRuEval-2016 dev/test, then NEREL train/dev/test; duplicates dropped), its articles joined by
blank lines and the whole repeated until it reaches the size asked for. It is written to a
temporary folder that is removed afterwards: it is never stored in the repository.

Each run is a fresh `ru-news extract` process under `/usr/bin/time -v` (when present), so the
figures are end to end: wall seconds, characters per second and the peak RSS of the command
(which, with one worker, does the work itself) and of each worker (manifest.json). The sliced
text must give one document row without an error, offsets inside the text, and mentions, quotes
and relations; its table row counts are printed beside the articles' (they differ a little:
entity linking does not cross articles, nor slices).

    python benchmarks/bench_large.py                  # 20 MB, 1 worker: big-1 and articles-1
    python benchmarks/bench_large.py --mb 5 --runs big-1 articles-1 big-2 articles-2
    python benchmarks/bench_large.py --build /tmp/big        # only write the text and articles
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from runs import ru_news, run_timed

REPO = Path(__file__).resolve().parents[1]
DATASETS = REPO.parent / "shared" / "datasets"
SOURCES = ["factrueval2016/devset", "factrueval2016/testset", "nerel/train", "nerel/dev"]
SOURCES += ["nerel/test"]
RUNS = {
    "big-1": ("big", 1),
    "big-2": ("big", 2),
    "articles-1": ("articles", 1),
    "articles-2": ("articles", 2),
}
TIME = Path("/usr/bin/time")


# ---------------------------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------------------------


def articles() -> list[str]:
    """Distinct news texts of the shared corpora, in a stable order."""
    seen: set[str] = set()
    texts = []
    for sub in SOURCES:
        for path in sorted((DATASETS / sub).glob("*.txt")):
            text = path.read_text(encoding="utf-8-sig", errors="replace").strip()
            key = hashlib.sha256(text.encode()).hexdigest()
            if len(text) >= 200 and key not in seen:
                seen.add(key)
                texts.append(text)
    if not texts:
        raise SystemExit(f"no corpora under {DATASETS}: this benchmark needs the shared datasets")
    return texts


def build(folder: Path, megabytes: float) -> dict:
    """folder/big/big.txt (the articles joined by blank lines, repeated to `megabytes` of
    UTF-8) and folder/articles/NNNNNN.txt (the same articles, one file each, same total)."""
    texts, target = articles(), int(megabytes * 1_000_000)
    chosen, size = [], 0
    while size < target:
        text = texts[len(chosen) % len(texts)]
        chosen.append(text)
        size += len(text.encode()) + 2
    (folder / "big").mkdir(parents=True, exist_ok=True)
    (folder / "articles").mkdir(parents=True, exist_ok=True)
    big = "\n\n".join(chosen) + "\n"
    (folder / "big" / "big.txt").write_text(big, encoding="utf-8")
    for index, text in enumerate(chosen):
        (folder / "articles" / f"{index:06}.txt").write_text(text + "\n", encoding="utf-8")
    return {"bytes": len(big.encode()), "chars": len(big), "articles": len(chosen)}


# ---------------------------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------------------------


def run(name: str, folder: Path, work: Path) -> dict:
    """One `ru-news extract` process over folder/big or folder/articles."""
    source, workers = RUNS[name]
    out = work / f"out-{name}"
    command = [ru_news(), "extract", str(folder / source), "--out", str(out)]
    command += ["--workers", str(workers)]
    timed = [str(TIME), "-v", *command] if TIME.exists() else command
    done, wall = run_timed(name, timed, command[1:])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {
        "run": name,
        "workers": workers,
        "exit": done.returncode,
        "wall_s": round(wall, 1),
        "max_rss_mb": _time_figure(done.stderr, r"Maximum resident set size \(kbytes\)", 1024),
        "cpu_s": _cpu_seconds(done.stderr),
        "worker_peak_rss_mb": sorted(w["peak_rss_mb"] for w in manifest["workers"]),
        "driver_peak_rss_mb": manifest["driver"]["peak_rss_mb"],
        "counts": manifest["counts"],
        "failed": manifest["run"]["failed"],
        "out": str(out),
    }


def _time_figure(stderr: str, label: str, divisor: float = 1.0) -> float | None:
    """A figure of GNU time's report (for the run and the workers it waited for; its maximum
    resident set size is that of the largest single process)."""
    match = re.search(label + r": ([\d.]+)", stderr)
    return round(float(match.group(1)) / divisor, 1) if match else None


def _cpu_seconds(stderr: str) -> float | None:
    """User + system seconds: unlike wall time, not inflated when others share the cores."""
    user = _time_figure(stderr, r"User time \(seconds\)")
    system = _time_figure(stderr, r"System time \(seconds\)")
    return None if user is None or system is None else round(user + system, 1)


def check_big(out: Path, text: str) -> dict[str, bool]:
    """The sliced text's tables: one document without an error and with every character,
    offsets inside the text with the text at them equal to the stored text, and mentions,
    quotes and relations found. Exits if any check fails."""
    from pipeline.io import read_table

    documents = read_table(out, "documents", "parquet")
    checks = {
        "one document row, no error": bool(len(documents) == 1 and documents["error"].isna().all()),
        "chars == len(text)": int(documents["chars"].iloc[0]) == len(text),
    }
    for table, column in (("mentions", "text"), ("quotes", "text"), ("relations", "evidence")):
        rows = read_table(out, table, "parquet")
        spans = zip(rows["start"], rows["end"], rows[column], strict=True)
        checks[f"{table} present"] = len(rows) > 0
        checks[f"{table} offsets"] = all(
            0 <= start <= end <= len(text) and text[start:end] == value
            for start, end, value in spans
        )
    if not all(checks.values()):
        raise SystemExit(f"{out}: failed checks {[k for k, ok in checks.items() if not ok]}")
    return checks


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def report(rows: list[dict], corpus: dict) -> None:
    """The figures as a Markdown table; each sliced run beside the articles' run with as many
    workers (the baseline), when both were run."""
    print()
    print(
        f"{corpus['bytes'] / 1e6:.1f} MB, {corpus['chars']:,} characters, "
        f"{corpus['articles']:,} articles; {os.cpu_count()} cores"
    )
    print()
    print(
        "| run | wall s | chars/s | speed vs articles | CPU s | chars/CPU s "
        "| peak RSS MB (largest process) | workers' MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    by_name = {row["run"]: row for row in rows}
    for row in rows:
        speed = corpus["chars"] / row["wall_s"]
        baseline = by_name.get(row["run"].replace("big", "articles"))
        ratio = (
            f"{baseline['wall_s'] / row['wall_s']:.2f}x"
            if row["run"].startswith("big") and baseline
            else ""
        )
        peaks = ", ".join(f"{peak:.0f}" for peak in row["worker_peak_rss_mb"])
        cpu = row["cpu_s"]
        per_cpu = f"{corpus['chars'] / cpu:,.0f}" if cpu else ""
        print(
            f"| {row['run']} | {row['wall_s']:.1f} | {speed:,.0f} | {ratio} | {cpu} | {per_cpu} "
            f"| {row['max_rss_mb']} | {peaks} |"
        )
    print()
    for row in rows:
        print(f"{row['run']}: exit {row['exit']}, {row['counts']}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=20.0, help="size of the text (default 20)")
    parser.add_argument("--runs", nargs="+", choices=list(RUNS), default=["big-1", "articles-1"])
    parser.add_argument("--json", type=Path, help="also save the figures here")
    parser.add_argument("--build", type=Path, help="only write the inputs into this folder")
    args = parser.parse_args(argv)
    if args.build:
        print(json.dumps(build(args.build, args.mb)))
        return
    work = Path(tempfile.mkdtemp(prefix="ru-news-large-"))
    try:
        corpus = build(work, args.mb)
        print(f"built {corpus} in {work}", file=sys.stderr)
        text = (work / "big" / "big.txt").read_text(encoding="utf-8")
        rows = []
        for name in args.runs:
            rows.append(run(name, work, work))
            if RUNS[name][0] == "big":
                rows[-1]["check"] = check_big(Path(rows[-1]["out"]), text)
        report(rows, corpus)
        if args.json:
            figures = {"date": time.strftime("%Y-%m-%d"), "corpus": corpus, "runs": rows}
            args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
