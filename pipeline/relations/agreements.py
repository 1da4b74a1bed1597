"""signed_agreement: signers are the subjects of "подписать/заключить" and whoever it is signed
"с" (or, when fewer than two signers are named, the parties after "между"); the document is the
object, in the nominative: "Токаев и Рахмон подписали договор о союзнических отношениях"."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from ..gazetteer import fold
from ..names import phrase_nominative
from .context import PARTICIPANTS, PARTIES, Context, Found, pairs
from .matching import Roles


def signed_agreements(context: Context, events: list[Roles]) -> Iterator[Found]:
    """Signers are the subjects of "подписать/заключить" and whoever it is signed "с"; when
    fewer than two are named, the parties "между" become the pair."""
    for roles in context.of_relation(events, "signed_agreement"):
        if not roles["document"]:
            continue
        signers = context.entities_of(roles["signer"], PARTICIPANTS)
        parties = context.entities_of(roles["party"], PARTIES)
        group = signers if len(signers) >= 2 else parties
        title = document_title(roles["document"][0])
        for a, b in pairs(group):
            yield Found("signed_agreement", a, b, roles.trigger.sent, title)


def document_title(document: Token) -> str:
    """ "договор о союзнических отношениях": the document noun and its о-phrase, nominative."""
    tokens = [document]
    for child in document.children:
        if (
            child.i > document.i
            and child.dep_ == "nmod"
            and any(fold(g.text) in {"о", "об"} for g in child.children)
        ):
            tokens += [t for t in child.subtree if not t.is_punct]
    tokens.sort(key=lambda t: t.i)
    cut = next((t.i for t in tokens if fold(t.text) == "между"), tokens[-1].i + 1)
    tokens = [t for t in tokens if t.i < cut]
    noun = document.doc[document.i : document.i + 1]
    about = document.doc[tokens[1].i : tokens[-1].i + 1] if len(tokens) > 1 else None
    if about is not None and about.start == noun.end:  # contiguous: inflect it as one phrase
        noun, about = document.doc[noun.start : about.end], None
    title = phrase_nominative(noun)
    title = title.lower() if noun.text[:1].isupper() else title
    return f"{title} {about.text}" if about is not None else title
