"""The Doc contract of the pipeline in one place: entity labels, mention kinds, span keys and
the `._` extensions the stages set, registered once when this module is imported.

Every stage and every reader of a Doc (tables, display, evaluation) imports these names from
here, so a label or a key is spelt once and an extension is registered once, with one default:
`Doc.set_extension` twice with different defaults would silently keep the first.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc, Span

# Entity types of mentions and entities (the `type` column).
PERSON, STATE, PLACE, ORG = "PERSON", "STATE", "PLACE", "ORG"
ENTITY_TYPES = (PERSON, STATE, PLACE, ORG)
SLOVNET_TYPES = {"PER": PERSON, "LOC": PLACE, "ORG": ORG}  # slovnet's labels → ours

# Mention kinds (`span._.kind`, the `kind` column): "Эмомали Шарипович", "Президент
# Таджикистана", "он", "таджикская сторона", "правительство".
NAME, TITLE, PRONOUN, ADJECTIVE, DESCRIPTOR = "name", "title", "pronoun", "adjective", "descriptor"
MENTION_KINDS = (NAME, TITLE, PRONOUN, ADJECTIVE, DESCRIPTOR)

# Span groups: slovnet's raw PER/LOC/ORG spans, and every typed mention (nested ones too).
NER_SPANS_KEY = "slovnet_ner"
MENTIONS_KEY = "mentions"

# Extensions and their defaults: plain values only, so DocBin and n_process keep them.
DOC_EXTENSIONS: dict[str, Any] = {
    "entities": [],  # linking: one dict per entity (EntityRecord)
    "posts": [],  # linking: every post the text gives a person
    "quotes": [],  # quotes: one dict per quote (Quote)
    "relations": [],  # relations: one dict per relation
    "relation_positions": [],  # relations: the state inferred for a leader's post
    "doc_id": None,  # set by the reader (engine, tables)
    "path": None,
}
SPAN_EXTENSIONS: dict[str, Any] = {
    "norm": None,  # entities: nominative name ("Республикой Казахстан" → "Казахстан")
    "code": None,  # entities: ISO 3166 alpha-3 of a state
    "kind": None,  # entities, linking: one of MENTION_KINDS
    "entity_id": None,  # linking: the entity the mention belongs to
}


def register_extensions() -> None:
    """Register every extension of the contract; idempotent (a second import, a reload)."""
    for cls, extensions in ((Doc, DOC_EXTENSIONS), (Span, SPAN_EXTENSIONS)):
        for name, default in extensions.items():
            if not cls.has_extension(name):
                cls.set_extension(name, default=default)


register_extensions()
