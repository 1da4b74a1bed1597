"""`ner`: exact-span entity scores on NEREL or factRuEval-2016, whichever the folder holds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

from . import factru, nerel
from .scorer import Report
from .scoring import scores_frame

# format → (the file pattern found directly in a split folder, its scorer)
FORMATS = {"nerel": ("*.ann", nerel.evaluate), "factru": ("*.objects", factru.evaluate)}


@dataclass(frozen=True)
class NerScorer:
    name: str = "ner"
    data: str = "A NEREL or factRuEval-2016 split."

    def detect(self, folder: Path) -> str:
        """The format whose files lie in the folder: NEREL brat *.ann, factRuEval *.objects."""
        found = [name for name, (pattern, _) in FORMATS.items() if next(folder.glob(pattern), None)]
        if len(found) != 1:
            raise ValueError(
                "cannot tell the dataset: expected *.ann (NEREL) or *.objects (factRuEval) files "
                "directly in the folder; point --data at a split, or pass --dataset"
            )
        return found[0]

    def score(
        self, nlp: Language, data: Path, limit: int | None = None, dataset: str | None = None
    ) -> Report:
        dataset = dataset or self.detect(data)
        _, evaluate = FORMATS[dataset]
        return Report(dataset, scores_frame(evaluate(nlp, data, limit)))
