"""Stage 9: who did what with whom — signed agreements, meetings, visits, deals, trade targets,
posts.

spaCy DependencyMatcher patterns (models/relation_patterns.json) find, around each trigger word of
models/relation_cues.tsv, the words that fill its roles (signer, document, partner, visitor,
actor, holder…) (`matching`); the families turn those words into entities through entity
linking (`context`), so "Токаев и Рахмон подписали договор" and "в ходе его визита в
Таджикистан" name entities, not strings: `agreements`, `meetings`, `visits`, `trade` (and
money), `deals`, `positions`. The component, its rows and its factory are in `stage`.

Negated or refused events ("не подписали", "отказался от встречи") yield nothing. Symmetric
relations give one row per unordered pair per document.
"""

from .stage import Relation, RelationFinder, deal_kinds, make_relation_finder

__all__ = ["Relation", "RelationFinder", "deal_kinds", "make_relation_finder"]
