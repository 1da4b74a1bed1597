"""Evaluation of ru-news-pipeline on gold corpora (NEREL, factRuEval-2016, ADAQ, RuOpinionNE-2024,
RuRED2): research code beside the product, installed with the `[eval]` extra and run through
`ru-news evaluate NAME`. One module per dataset; `SCORERS` maps each command name to its scorer."""

from __future__ import annotations

from . import adaq, coref, facts, nerel_relations, opinion, rured
from .ner import NerScorer
from .scorer import ModuleScorer, Report, Scorer

SCORERS: dict[str, Scorer] = {
    scorer.name: scorer
    for scorer in (
        NerScorer(),
        ModuleScorer("coref", "A factRuEval-2016 split.", coref.report),
        ModuleScorer("quotes", "The adaq_ru_quotes folder.", adaq.report),
        ModuleScorer("opinion", "The ruopinionne2024 folder.", opinion.report),
        ModuleScorer("relations", "A factRuEval-2016 split.", facts.report),
        ModuleScorer("nerel-relations", "A NEREL split.", nerel_relations.report),
        ModuleScorer("rured", "RuRED2's annotation_files folder.", rured.report),
    )
}

__all__ = ["SCORERS", "ModuleScorer", "NerScorer", "Report", "Scorer"]
