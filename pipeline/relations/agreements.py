"""signed_agreement: signers are the subjects of "подписать/заключить/парафировать" (or its
agents: "Документ подписан главой «Росатома» Сергеем Кириенко и …", "в протоколе, подписанном
Россией, ЕС и Украиной") and whoever it is signed "с" ("подписала … совместную с Евросоюзом
декларацию"); when fewer than two are named, the parties after "между", and for "стороны" or a
document signed in the course of a visit or talks with nobody named, the two states the article
is about. One row per pair and document, the document in the nominative: "Токаев и Рахмон
подписали договор о союзнических отношениях"."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from ..gazetteer import fold
from ..names import phrase_nominative
from ..ud import SUBJECT_DEPS
from .context import PARTICIPANTS, PARTIES, Context, Found, pairs
from .matching import Roles

# the prepositions of a document's own phrase: "договор о дружбе", "договор по СНВ",
# "дополнение к контракту"
TITLE_PREPOSITIONS = {"о", "об", "обо", "по", "к"}


def signed_agreements(context: Context, events: list[Roles]) -> Iterator[Found]:
    for roles in context.of_relation(events, "signed_agreement"):
        if not roles["document"]:
            continue
        status = context.status_of(roles.trigger)
        sides = signing_sides(context, roles)
        for document in roles["document"]:
            title = document_title(context, document)
            for a, b in pairs(sides):
                yield Found("signed_agreement", a, b, roles.trigger.sent, title, status=status)


def signing_sides(context: Context, roles: Roles) -> list[int]:
    """The signers when two are named, else the parties "между", else (for "стороны подписали",
    or a document signed during the visit or talks the sentence names, with nobody named) the
    two states of the article."""
    # "заместитель министра Сергей Колотухин и госсекретарь Хуан Коста": the parser may hang
    # the second name on the first title
    named = [
        c
        for signer in roles["signer"]
        for t in [signer, *signer.conjuncts]
        for c in t.children
        if c.dep_ == "appos"
    ]
    signers = context.entities_of([*roles["signer"], *named], PARTICIPANTS)
    if len(signers) >= 2:
        return signers
    parties = context.entities_of(roles["party"], PARTIES)
    if len(parties) >= 2:
        return parties
    paired = adjective_parties(context, roles["document"])
    if len(paired) >= 2:
        return paired
    collective = any(t.dep_ in SUBJECT_DEPS and context.is_collective(t) for t in roles["signer"])
    if collective or (not roles["signer"] and not parties and roles["during"]):
        return context.article_parties()
    return []


def adjective_parties(context: Context, documents: list[Token]) -> list[int]:
    """ "российско-украинское соглашение": a hyphenated pair of state adjectives names both
    parties, as the states the text names ("российско" read as "российский")."""
    for document in documents:
        for child in document.children:
            parts = child.lemma_.split("-") if child.dep_ == "amod" else []
            if len(parts) < 2 or not all(p.endswith("о") for p in parts[:-1]):
                continue
            lemmas = [*(p[:-1] + "ий" for p in parts[:-1]), parts[-1]]
            found = [context.state_of_adjective(lemma) for lemma in lemmas]
            if None not in found:
                return list(dict.fromkeys(i for i in found if i is not None))
    return []


def document_title(context: Context, document: Token) -> str:
    """ "договор о союзнических отношениях", "часть соглашения об ассоциации": the document
    noun with its own phrases (of a part, the document it is part of), nominative; the parties
    "между" are left out."""
    part = context.cue_of(document)[1] == "part"
    tokens = [document]
    for child in document.children:
        if child.i > document.i and child.dep_ == "nmod" and is_title_phrase(child, part):
            tokens += [t for t in child.subtree if not t.is_punct]
    between = {
        t.i for case in document.subtree if fold(case.text) == "между" for t in case.head.subtree
    }
    tokens = sorted((t for t in tokens if t.i not in between), key=lambda t: t.i)
    contiguous = tokens[-1].i - tokens[0].i + 1 == len(tokens)
    last = tokens[-1] if contiguous else document  # contiguous: inflect it as one phrase
    noun = document.doc[document.i : last.i + 1]
    title = phrase_nominative(noun)
    title = title[:1].lower() + title[1:]  # "Соглашение" at a sentence start; "по ПРО" kept
    return " ".join([title, *(t.text for t in tokens if t.i > last.i)])


def is_title_phrase(child: Token, part: bool) -> bool:
    """An о/по/к phrase, or the bare genitive of a part ("часть соглашения")."""
    cases = [fold(c.text) for c in child.children if c.dep_ == "case"]
    return any(c in TITLE_PREPOSITIONS for c in cases) or (part and not cases)
