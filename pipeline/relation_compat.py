"""Posts and speech cues for the relation stage, read from the installed models/.

Transitional: the relation stage still calls `post_words()`, `phrase_headed_by(token,
mentions)` and `is_cue_verb(token)` as they were before the linking and quotes stages owned
their rule files. These keep those calls working with the files named in those stages' default
config; once the relation stage passes the lexicons itself (`posts.post_words(posts)`,
`posts.phrase_headed_by(token, mentions, posts)`, `quotes.is_cue_verb(token, cues)`), this
module goes.
"""

from __future__ import annotations

from functools import cache

from spacy.tokens import Span, Token

from . import linking, posts, quotes
from .rules import RuleFiles


@cache
def _rules() -> RuleFiles:
    return RuleFiles({**linking.RULE_FILES, **quotes.RULE_FILES})


def _posts() -> posts.PostLexicon:
    return _rules().built("posts", posts.post_lexicon)


def post_words() -> set[str]:
    return posts.post_words(_posts())


def phrase_headed_by(token: Token, mentions: list[Span]) -> posts.PostPhrase | None:
    return posts.phrase_headed_by(token, mentions, _posts())


def is_cue_verb(token: Token) -> bool:
    return quotes.is_cue_verb(token, _rules().built("cues", quotes.cue_lexicon))
