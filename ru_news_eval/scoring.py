"""Exact-span precision, recall and F1 per type, shared by every dataset's scorer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

ALL = "ALL"


@dataclass(frozen=True)
class Score:
    """Counts for one type; precision, recall and F1 derived from them."""

    type: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_spans(gold: Iterable[tuple], predicted: Iterable[tuple]) -> list[Score]:
    """Per-type and micro-averaged scores; items are (doc_id, start, end, type), compared as
    sets, so a span annotated twice counts once."""
    gold_set, predicted_set = set(gold), set(predicted)
    types = sorted({item[-1] for item in gold_set | predicted_set})
    tp = Counter(item[-1] for item in gold_set & predicted_set)
    fp = Counter(item[-1] for item in predicted_set - gold_set)
    fn = Counter(item[-1] for item in gold_set - predicted_set)
    scores = [Score(t, tp[t], fp[t], fn[t]) for t in types]
    scores.append(Score(ALL, sum(tp.values()), sum(fp.values()), sum(fn.values())))
    return scores


def scores_frame(scores: Iterable[Score]) -> pd.DataFrame:
    """Scores as a table: type, precision, recall, f1, tp, fp, fn."""
    return pd.DataFrame(
        [
            {
                "type": s.type,
                "precision": round(s.precision, 3),
                "recall": round(s.recall, 3),
                "f1": round(s.f1, 3),
                "tp": s.tp,
                "fp": s.fp,
                "fn": s.fn,
            }
            for s in scores
        ]
    )
