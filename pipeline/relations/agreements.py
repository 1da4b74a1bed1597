"""signed_agreement: signers are the subjects of "подписать/заключить/парафировать" (or its
agents: "Документ подписан главой «Росатома» Сергеем Кириенко и …", "в протоколе, подписанном
Россией, ЕС и Украиной") and whoever it is signed "с" ("подписала … совместную с Евросоюзом
декларацию"); a capital that signs stands for its state ("Москва и Пекин подписали"), people
named by their posts for the states of their genitive ("президенты Киргизии и Казахстана"). When
fewer than two are named: the parties after "между", a company a deal document names, the
states of those before whom or during whose talks it was signed ("в присутствии президентов
России и Египта"), and for "стороны" or a document signed in the course of a visit or talks
with nobody named, the two states the article is about. One row per pair and document, the
document in the nominative: "Токаев и Рахмон подписали договор о союзнических отношениях"."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from ..gazetteer import fold
from ..names import phrase_nominative
from ..schema import ORG, PERSON, PLACE, STATE
from ..ud import SUBJECT_DEPS, has_subject
from .context import PARTICIPANTS, PARTIES, Context, Found, pairs
from .deals import unparsed_subject
from .matching import Roles

# the prepositions of a document's own phrase: "договор о дружбе", "договор по СНВ",
# "дополнение к контракту"
TITLE_PREPOSITIONS = {"о", "об", "обо", "по", "к"}
HOLDERS = {STATE, ORG}  # whose "президенты", "Секретариат" sign: "президенты Киргизии и Казахстана"


def signed_agreements(context: Context, events: list[Roles]) -> Iterator[Found]:
    for roles in context.of_relation(events, "signed_agreement"):
        documents = roles["document"] or relative_documents(context, roles["relative"])
        if not documents:
            continue
        status = context.status_of(roles.trigger)
        sides = signing_sides(context, roles)
        for document in documents:
            title = document_title(context, document)
            for a, b in pairs(sides):
                yield Found("signed_agreement", a, b, roles.trigger.sent, title, status=status)


def relative_documents(context: Context, relatives: list[Token]) -> list[Token]:
    """ "Соглашение, которое Россия и Китай подписали": the document "который" stands for, the
    noun just before it (read by position: the parser often hangs the relative clause
    elsewhere)."""
    found = []
    for relative in relatives:
        before = [t for t in context.doc[relative.sent.start : relative.i] if not t.is_punct]
        if before and context.cue_of(before[-1]) == ("signed_agreement", "document"):
            found.append(before[-1])
    return found


def signing_sides(context: Context, roles: Roles) -> list[int]:
    """The signers when two are named (with the state of a lone person among them: "премьер
    Украины Тимошенко подписала с ЕС" binds Украина too), else the parties "между", else a
    hyphenated pair of states, else a lone signer and the company its deal document names ("банк
    подписал соглашение о покупке доли в Bank of East Asia"), else the states of the people the
    signing was held before or during whose talks or visit ("в присутствии президентов России и
    Египта"), else (for "стороны подписали", or a document signed in the course of a visit or
    talks with nobody named) the two states of the article."""
    # "заместитель министра Сергей Колотухин и госсекретарь Хуан Коста": the parser may hang
    # the second name on the first title
    named = [
        c
        for signer in roles["signer"]
        for t in [signer, *signer.conjuncts]
        for c in t.children
        if c.dep_ == "appos"
    ]
    signers = sides_of(context, [*roles["signer"], *named], PARTICIPANTS)
    signers = list(dict.fromkeys([*signers, *names_in_holders(context, roles["signer"])]))
    if not signers and is_active(roles.trigger) and not has_subject(roles.trigger):
        signers = unparsed_subject(context, roles.trigger)  # a long subject the parser lost
    if len(signers) >= 2:
        return with_own_state(context, signers)
    holders = [i for t in roles["signer"] for i in holders_of(context, t) if i not in signers]
    if len(holders) >= 2:  # "министры … России и Вьетнама Сергей Лавров и …" (one name lost)
        return list(dict.fromkeys([*signers, *holders]))
    parties = sides_of(context, roles["party"], PARTIES)
    if len(parties) < 2:
        parties = listed_between(context, roles["party"]) or parties
    if len(parties) >= 2:
        return parties
    paired = context.adjective_parties(roles["document"])
    if len(paired) >= 2:
        return paired
    dealt = deal_counterparts(context, roles["document"], signers)
    if len(signers) == 1 and dealt:
        return with_own_state(context, [*signers, *dealt])
    witnessed = witness_states(context, [*roles["presence"], *roles["during"]])
    if len(witnessed) >= 2:
        return list(dict.fromkeys([*signers, *witnessed]))
    collective = any(
        t.dep_ in SUBJECT_DEPS and (context.is_collective(t) or is_unnamed_leaders(context, t))
        for t in roles["signer"]
    )
    unnamed = not roles["signer"] and not parties
    if collective or (unnamed and (roles["during"] or roles["presence"])):
        return context.article_parties()
    return []


def sides_of(context: Context, tokens: list[Token], types: set[str]) -> list[int]:
    """The entities the tokens and their conjuncts name ("компания «Сибур»": its name), a
    capital standing for its state ("Москва и Пекин"); for people named by their posts
    ("президенты", "министры обороны", which the tagger may read as a ministry) or a word that
    names nobody, whose they are (`holders_of`: "президенты Киргизии и Казахстана", "Секретариат
    ШОС")."""
    found: list[int] = []
    for t in (c for token in tokens for c in [token, *token.conjuncts]):
        if is_people(t):  # their names, when given, are signers of their own
            named = any(c.dep_ == "appos" for c in t.children)
            found += [] if named else holders_of(context, t)
            continue
        side = context.named_party(t, types | {PLACE})
        found += [context.state_of_capital(side)] if side is not None else holders_of(context, t)
    return [i for i in dict.fromkeys(found) if context.entities[i]["type"] in types]


def names_in_holders(context: Context, tokens: list[Token]) -> list[int]:
    """ "министры финансов Франции и Италии Бруно Ле Мэр и Джанкарло Джорджетти": the persons
    a plural title names (linking gave each his post), however the parser hung the names."""
    return [i for token in tokens for i in context.titled_groups.get(token.i, [])]


def is_unnamed_leaders(context: Context, token: Token) -> bool:
    """ "президенты подписали", "главы государств подписали": holders of a post, plural, with
    no names and no states of their own, stand for the parties of the article, as "стороны"."""
    return (
        is_people(token)
        and bool(context.lexicons.posts.starting_with(token.lemma_))
        and not any(c.dep_ == "appos" for c in token.children)
        and not holders_of(context, token)
    )


def is_people(token: Token) -> bool:
    """ "президенты", "министры", "лидеры": a plural of persons."""
    morph = token.morph
    return (
        token.pos_ == "NOUN"
        and "Anim" in morph.get("Animacy", [])
        and ("Plur" in morph.get("Number", []))
    )


def holders_of(context: Context, token: Token, depth: int = 2) -> list[int]:
    """The states and organisations in the bare genitive of a word, through a word that names
    none ("министры иностранных дел России и Вьетнама"): whose the signers are. A mention that
    takes in the word itself ("Министры обороны России" read as a ministry) is not whose."""
    found: list[int] = []
    if token.pos_ not in {"NOUN", "PROPN"} or depth == 0:
        return found
    for child in token.children:
        if child.dep_ == "nmod" and is_genitive(child):
            named = [
                i
                for t in [child, *child.conjuncts]
                for i in [inner_entity(context, t, token.i)]
                if i is not None
            ]
            found += named or holders_of(context, child, depth - 1)
    return found


def inner_entity(context: Context, token: Token, after: int) -> int | None:
    """The entity of the longest mention of a state or organisation at the token that starts
    after the position `after`."""
    found = [
        m
        for m in context.mentions.covering(token.i)
        if m.label_ in HOLDERS and m.start > after and m._.entity_id is not None
    ]
    return max(found, key=len)._.entity_id if found else None


def is_active(verb: Token) -> bool:
    """ "подписал", not "подписано" or "подписанный": a verb whose subject signs."""
    morph = verb.morph
    return "Fin" in morph.get("VerbForm", []) and "Pass" not in morph.get("Voice", [])


def is_genitive(token: Token) -> bool:
    return "Gen" in token.morph.get("Case", []) and not any(
        c.dep_ == "case" for c in token.children
    )


def with_own_state(context: Context, sides: list[int]) -> list[int]:
    """A lone person among the signers signs for the state of his post, when the text names
    it ("премьер-министр Украины Юлия Тимошенко подписала с ЕС": Украина is bound too)."""
    people = [i for i in sides if context.entities[i]["type"] == PERSON]
    if len(people) != 1:
        return sides
    own = sorted(context.own_states(people[0]))  # "президент Франции", not "мэр Москвы"
    return list(dict.fromkeys([*sides, *own[:1]]))


def listed_between(context: Context, parties: list[Token]) -> list[int]:
    """ "между Корпорацией развития Дальнего Востока (КРДВ) и «Восточной нефтехимической
    компанией»": when the parser did not join the parties "между" names, the named sides listed
    after it, read by position (`listing`)."""
    cases = [c for party in parties for c in party.children if fold(c.text) == "между"]
    found = list(dict.fromkeys(listing(context, cases[0])[0])) if cases else []
    return found if len(found) >= 2 else []


def listing_end(context: Context, case: Token) -> int:
    return listing(context, case)[1]


def listing(context: Context, case: Token) -> tuple[list[int], int]:
    """The entities named one after another after a preposition, through "и", commas,
    brackets, quotes, an adjective or a "компанией" before a name; and where the list ends."""
    found: list[int] = []
    i = case.i + 1
    while i < case.sent.end:
        token = context.doc[i]
        starting = [
            m
            for m in context.mentions.covering(i)
            if m.label_ in PARTIES and m.start == i and m._.entity_id is not None
        ]
        mention = max(starting, key=len) if starting else None
        if mention is not None and (token.pos_ != "ADJ" or len(mention) > 1):
            found.append(mention._.entity_id)
            i = mention.end
        elif is_list_filler(context, token):
            i += 1
        else:
            break
    return found, i


def is_list_filler(context: Context, token: Token) -> bool:
    """What may stand between the names of a list: "и", punctuation, an adjective or a
    "компанией" before a name."""
    return (
        token.is_punct
        or fold(token.text) == "и"
        or token.pos_ == "ADJ"
        or context.is_org_noun(token)
    )


def deal_counterparts(context: Context, documents: list[Token], signers: list[int]) -> list[int]:
    """The organisations a deal named in the document's title is with ("соглашение о покупке
    доли в Bank of East Asia", "контракт о продаже «Сибнефти»"), other than the signer."""
    found = [
        i
        for document in documents
        for deal in document.children
        if deal.dep_ == "nmod" and context.cue_of(deal)[0] == "deal"
        for token in deal.subtree
        if token is not deal
        for i in [context.entity_at(token, {ORG})]
        if i is not None
    ]
    own = set(signers)
    return [i for i in dict.fromkeys(found) if i not in own]


def witness_states(context: Context, tokens: list[Token]) -> list[int]:
    """The states of those a signing was held before or during whose talks or visit it was
    ("в присутствии президентов России и Египта", "в ходе визита Моди в Москву"): the states
    named there, the states of the people's posts, the states of the places."""
    codes: list[str | None] = []
    for token in tokens:
        for t in token.subtree:
            for mention in context.mentions.covering(t.i):
                if mention.start != t.i or mention._.entity_id is None:
                    continue
                entity = mention._.entity_id
                kind = context.entities[entity]["type"]
                if kind == PERSON:
                    codes.append(context.home_state(entity))
                elif kind in {STATE, PLACE}:
                    codes.append(context.state_code(entity))
    states = (context.state_entity(code) for code in codes)
    return list(dict.fromkeys(i for i in states if i is not None))


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
    for case in (t for t in document.subtree if fold(t.text) == "между"):
        between.update(range(case.i, listing_end(context, case)))
    tokens = sorted((t for t in tokens if t.i not in between), key=lambda t: t.i)
    contiguous = tokens[-1].i - tokens[0].i + 1 == len(tokens)
    last = tokens[-1] if contiguous else document  # contiguous: inflect it as one phrase
    named = context.mentions.covering(last.i)  # a name is never cut: "в Bank of East Asia"
    end = max([last.i + 1, *(m.end for m in named)]) if contiguous else last.i + 1
    noun = document.doc[document.i : end]
    title = phrase_nominative(noun)
    title = title[:1].lower() + title[1:]  # "Соглашение" at a sentence start; "по ПРО" kept
    return " ".join([title, *(t.text for t in tokens if t.i >= end)])


def is_title_phrase(child: Token, part: bool) -> bool:
    """An о/по/к phrase, or the bare genitive of a part ("часть соглашения")."""
    cases = [fold(c.text) for c in child.children if c.dep_ == "case"]
    return any(c in TITLE_PREPOSITIONS for c in cases) or (part and not cases)
