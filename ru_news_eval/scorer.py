"""One interface for every gold corpus: a `Scorer` runs the pipeline over a data folder and
returns a `Report`, which `ru-news evaluate` prints (`summary`) and saves (`to_json`) the same
way whatever the corpus."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
from spacy.language import Language


@dataclass(frozen=True, eq=False)
class Report:
    """A scorer's result: the score table, lines printed under it (a macro F1, counts), and
    fields saved beside the table in the JSON file."""

    dataset: str
    table: pd.DataFrame
    lines: tuple[str, ...] = ()
    fields: Mapping[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        return "\n".join([self.table.to_string(index=False), *self.lines])

    def to_json(self, data: Path, limit: int | None) -> dict[str, Any]:
        """dataset, data, limit, the scorer's own fields, then the table's rows as `scores`
        (a missing value, e.g. no 2016 run for a row, as null: JSON has no NaN)."""
        header = {"dataset": self.dataset, "data": str(data), "limit": limit}
        rows = [
            {column: None if _missing(value) else value for column, value in row.items()}
            for row in self.table.to_dict(orient="records")
        ]
        return {**header, **self.fields, "scores": rows}


def _missing(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


class Scorer(Protocol):
    """Read-only members, so frozen dataclasses fit; `score` is `score(nlp, data, limit=None,
    **options)` where each scorer takes options of its own (`dataset` for `ner`, `official` for
    `relations`), hence a callable of any arguments rather than one signature for all."""

    @property
    def name(self) -> str: ...  # the `ru-news evaluate` command

    @property
    def data(self) -> str: ...  # the gold folder it reads

    @property
    def score(self) -> Callable[..., Report]: ...


@dataclass(frozen=True)
class ModuleScorer:
    """A scorer whose module has a `report(nlp, folder, limit, **options)` function."""

    name: str
    data: str
    report: Callable[..., Report]

    def score(self, nlp: Language, data: Path, limit: int | None = None, **options: Any) -> Report:
        return self.report(nlp, data, limit, **options)
