"""deal: who buys, sells, lends, invests in, fines or sanctions whom ("Oracle приобрела Sun",
"Россия дала Украине кредит", "США ввели санкции против Ирана"), the kind of deal as attribute,
the amount as value; a party written "компания" or "она" is the organisation last named as a
subject (models/org_anaphors.tsv, `Context.party_antecedent`)."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from ..gazetteer import fold
from ..schema import ORG, PERSON
from ..ud import has_subject
from .context import DEAL_PARTIES, PARTIES, Context, Found, pairs
from .matching import Roles
from .trade import parse_money


def deals(context: Context, events: list[Roles]) -> Iterator[Found]:
    """Who buys, sells, lends, invests, fines or sanctions (the actor: subject, "компанией
    Oracle", the subject of "объявила о покупке", "санкции США") and whom (the counterpart:
    object, "акций Facebook", "у Sun", "Украине", "на «Майкрософт»", "покупка 3Com", "против
    Ирана", "запрет на ввоз вина из Грузии"); a merger pairs its companies. The amount, when the
    sentence gives one, is the value."""
    for roles in context.of_relation(events, "deal"):
        actors = deal_actors(context, roles)
        counterparts = deal_counterparts(context, roles, actors)
        kind = context.lexicons.deal_kinds.get(fold(roles.trigger.lemma_))
        pairs_found = [(a, c) for a in actors for c in counterparts]
        if not actors and kind == "слияние":
            pairs_found = list(pairs(counterparts))
        if not pairs_found:
            continue
        money = parse_money(roles.trigger.sent, context.lexicons.money) or (None, None)
        for actor, counterpart in pairs_found:
            yield Found("deal", actor, counterpart, roles.trigger.sent, kind, *money)


def deal_actors(context: Context, roles: Roles) -> list[int]:
    """The subject ("компания" pointing back too), else a bare genitive ("санкции США",
    "инвестиции Philips"), else the subject of "объявила о покупке" (no person: who
    announced; no outlet: "пишет о покупке"), else a long subject the parser lost."""
    actors = context.parties_of(roles["actor"], DEAL_PARTIES)
    if not actors:
        actors = context.parties_of([t for t in roles["owner"] if not has_case(t)], PARTIES)
    if not actors and roles["held"] and not is_reported(context, roles):
        actors = context.parties_of(roles.clause_subjects(), PARTIES)
    if (
        not actors
        and context.cue_of(roles.trigger)[1] in {"verb", "supply", "ban"}
        and not has_subject(roles.trigger)
    ):
        actors = unparsed_subject(context, roles.trigger)
    return actors


def deal_counterparts(context: Context, roles: Roles, actors: list[int]) -> list[int]:
    """Whom: the parties the patterns found, but not where ("здание в Москве"; "долю в Bank of
    East Asia" names a party), only a company or person inside the object ("купила 5% акций
    Facebook", not "выкупил газовую компанию Украины"), never the actor or what its own name
    holds ("Правительство РФ … из России")."""
    where = [
        t for t in roles["counterpart"] if is_location(t) and context.named_party(t, {ORG}) is None
    ]
    named = context.parties_of([t for t in roles["counterpart"] if t not in where], DEAL_PARTIES)
    named += context.parties_of(roles["company"], {ORG, PERSON})
    own = context.named_inside(roles["actor"])
    return [c for c in dict.fromkeys(named) if c not in actors and c not in own]


def is_reported(context: Context, roles: Roles) -> bool:
    """ "«Коммерсант» пишет о покупке": the clause whose subject would be the actor only
    reports the deal."""
    subjects = roles.clause_subjects()
    return bool(subjects) and context.cue_of(subjects[0].head) == ("deal", "report")


def is_location(token: Token) -> bool:
    """ "в Москве", "на заводе": where something is (the locative), not a party."""
    return "Loc" in token.morph.get("Case", [])


def has_case(token: Token) -> bool:
    """Governed by a preposition ("против Ирана")."""
    return any(child.dep_ == "case" for child in token.children)


def unparsed_subject(context: Context, verb: Token) -> list[int]:
    """When the parser lost a long subject ("DST, принадлежащая Мильнеру, Фингеру и Усманову,
    купила …"): the nearest named party before the verb that could be a subject — in the
    nominative (or undeclined: "Digital Sky Technologies") and governed by no preposition."""
    for token in reversed(verb.doc[verb.sent.start : verb.i]):
        found = context.entity_at(token, PARTIES)
        cases = token.morph.get("Case", [])
        if found is not None and cases in ([], ["Nom"]) and not has_case(token):
            return [found]
    return []
