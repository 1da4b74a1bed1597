"""Post phrases: "Президент Таджикистана", "глава МИД России", "таджикский лидер".

A post phrase is a post from models/posts.tsv with the adjectives before it and the genitive
dependents after it ("министр иностранных дел России"). Next to a name in the same case it is a
title of that person ("Президент Таджикистана Эмомали Рахмон"); alone it is a nominal mention to
resolve ("таджикский лидер"). Entity linking decides which; this module only finds the phrases
and what they say: the post, its class, and the state or organisation it is a post of.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from .gazetteer import fold
from .lexicon import LemmaSequences
from .names import phrase_nominative
from .resources import word_parses
from .rules import tsv_rows
from .schema import NAME, ORG, PERSON, PLACE, STATE

ANY_CLASS = "any"
PROFESSION = "profession:"
RANK = "rank"  # "адмирал", "капитан 1 ранга": may stand between a post and its holder's name
APPOSITION_MARKS = {",", "—", "–", "-", "("}
OPENING_QUOTES = {"«", '"', "„", "“"}
CLOSING_QUOTES = {"»", '"', "“", "”"}
OC_CASES = {
    "Nom": "nomn",
    "Gen": "gent",
    "Dat": "datv",
    "Acc": "accs",
    "Ins": "ablt",
    "Loc": "loct",
}
CLOSING_MARKS = {",", ".", ")", "—", "–", "-", ";"}
TAIL_WORDS = 3  # words a post phrase may run on before its holder's name


@dataclass(frozen=True)
class PostPhrase:
    """A post phrase in a doc: token range, post lemma and class, and what it is a post of."""

    start: int
    end: int
    head: int  # token index of the post word
    post: str
    post_class: str
    of_start: int | None = None  # the state/organisation mention it names, if any
    of_end: int | None = None
    of_label: str | None = None


@dataclass(frozen=True)
class PostEntry:
    """A row of posts.tsv: the post's class, and the name it goes by when its words are not
    that name ("управляющий", not its lemma "управлять")."""

    post_class: str
    name: str = ""


PostLexicon = LemmaSequences[PostEntry]  # post lemmas → entry ("глава государства" → head_of_state)


def post_lexicon(text: str) -> PostLexicon:
    """The posts of a posts.tsv rule file."""
    return LemmaSequences(
        (row["lemma"], PostEntry(row["class"], row.get("name", ""))) for row in tsv_rows(text)
    )


def role_nouns(text: str) -> frozenset[str]:
    """Nouns of a post_role_nouns.tsv rule file: "пост президента" names the post itself."""
    return frozenset(row["lemma"] for row in tsv_rows(text))


def post_words(posts: PostLexicon) -> set[str]:
    """The first and last lemma of every post: its head noun is one of them ("глава
    государства", "генеральный директор"); the other only costs a match that finds nothing."""
    return {word for lemmas, _ in posts for word in (lemmas[0], lemmas[-1])}


def classes_match(a: str, b: str) -> bool:
    return a == b or ANY_CLASS in {a, b}


def match_post(doc: Doc, index: int, posts: PostLexicon) -> tuple[int, str, str] | None:
    """(end, post, class) of the longest post starting at token `index`: the lemma of a
    one-word post, the nominative of a phrase ("председатель совета директоров")."""
    found = posts.longest_at(doc, index)
    if found is None:
        return None
    lemmas, entry = found
    end = index + len(lemmas)
    post = lemmas[0] if end == index + 1 else phrase_nominative(doc[index:end]).lower()
    return end, entry.name or post, entry.post_class


def find_post_phrases(doc: Doc, mentions: list[Span], posts: PostLexicon) -> Iterator[PostPhrase]:
    """Every post phrase outside a name, left to right."""
    named = name_tokens(mentions)
    index = 0
    while index < len(doc):
        phrase = phrase_at(doc, index, mentions, named, posts)
        if phrase is None:
            index += 1
            continue
        yield phrase
        index = phrase.end


def phrase_at(
    doc: Doc, index: int, mentions: list[Span], named: set[int], posts: PostLexicon
) -> PostPhrase | None:
    """The post phrase whose post starts at token `index`, if one does (outside a name)."""
    match = match_post(doc, index, posts) if index not in named else None
    if match is None:
        return None
    end, post, post_class = match
    head = post_head(doc, index, end)
    if head is None:
        return None
    start = left_modifiers(doc[head])
    end, of = right_dependents(doc, start, head, end, mentions)
    if post_class != RANK:
        end = rank_end(doc, end, posts)
    if not post_class.startswith(PROFESSION):  # "казахский поэт" is no post of a state
        of = of or adjective_owner(start, index, mentions)
    if of is None:
        return PostPhrase(start, end, head, post, post_class)
    return PostPhrase(start, end, head, post, post_class, of.start, of.end, of.label_)


def phrase_headed_by(token: Token, mentions: list[Span], posts: PostLexicon) -> PostPhrase | None:
    """The post phrase whose head noun is this token ("генеральным директором" for
    "директором"): its post starts at the token or at one of the adjectives before it."""
    named = name_tokens(mentions)
    for index in range(left_modifiers(token), token.i + 1):
        phrase = phrase_at(token.doc, index, mentions, named, posts)
        if phrase is not None and phrase.head == token.i:
            return phrase
    return None


def name_tokens(mentions: list[Span]) -> set[int]:
    return {i for m in mentions if m._.kind == NAME for i in range(m.start, m.end)}


def post_head(doc: Doc, start: int, end: int) -> int | None:
    """The noun a post is named by: its first word ("глава государства"), or the noun after
    its adjectives ("генеральный директор"); None when the words are not a noun phrase."""
    for token in doc[start:end]:
        if token.pos_ in {"NOUN", "PROPN"}:
            return token.i
        if token.pos_ != "ADJ":
            return None
    return None


def rank_end(doc: Doc, end: int, posts: PostLexicon) -> int:
    """Past a rank between a post and its holder's name ("главнокомандующий ВМФ РФ адмирал
    Виктор Чирков", "официальный представитель ВМФ капитан 1 ранга Игорь Дыгало")."""
    rank = match_post(doc, end, posts) if end < len(doc) else None
    return rank[0] if rank is not None and rank[2] == RANK else end


def left_modifiers(token: Token) -> int:
    """Start of the adjectives before a post that modify it ("бывший российский президент")."""
    start = token.i
    while start > 0 and token.doc[start - 1].pos_ == "ADJ" and token.doc[start - 1].head == token:
        start -= 1
    return start


def right_dependents(
    doc: Doc, start: int, head: int, end: int, mentions: list[Span]
) -> tuple[int, Span | None]:
    """Extend the phrase over genitive dependents and the state or organisation they name
    ("министр" + "финансов" + "России"); return the new end and that state/organisation."""
    owner = None
    while end < len(doc):
        quoted = doc[end].text in OPENING_QUOTES  # "капитан клуба «Спартак»"
        mention = outermost_at(end + quoted, mentions, {STATE, ORG, PLACE})
        if mention is not None and (
            start <= mention.root.head.i < end or owner_before_name(mention, mentions)
        ):
            owner = owner if owner is not None and owner.label_ == ORG else mention
            end = mention.end
            if quoted and end < len(doc) and doc[end].text in CLOSING_QUOTES:
                end += 1
            continue
        token = doc[end]
        if (
            token.pos_ in {"NOUN", "ADJ"}
            and "Gen" in token.morph.get("Case", [])
            and (start <= token.head.i < end or (token.head.i > end and token.pos_ == "ADJ"))
        ):
            end += 1
            continue
        if fold(token.text) == "и" and joins_genitive(doc, start, end):
            end += 1  # "министр связи и массовых коммуникаций"
            continue
        topic = topic_end(doc, start, end, right_after=end == head + 1)
        if topic is not None:
            end = topic  # "министр по делам разведки", "директор по стратегии"
            continue
        place = outermost_at(end + 1, mentions, {STATE, PLACE})
        if fold(token.text) in {"в", "во", "на"} and place and start <= place.root.head.i < end:
            end = place.end  # "посол Японии в России": where the post is held
            continue
        body = outermost_at(end + 1, mentions, {STATE, ORG})
        if fold(token.text) == "при" and body and start <= body.root.head.i < end:
            end = body.end  # "постпред России при ООН": the body the post is accredited to
            continue
        before_name = tail_before_name(doc, start, end, mentions)
        if before_name is not None:
            end = before_name  # "… по развитию предприятий за рубежом Хэ Джэньвэй"
            continue
        break
    return end, owner


def tail_before_name(doc: Doc, start: int, end: int, mentions: list[Span]) -> int | None:
    """End of a few more words hanging on the phrase when a name follows them right away: they
    still belong to the post ("ассоциации по развитию предприятий за рубежом Хэ Джэньвэй")."""
    index = end
    while index < min(end + TAIL_WORDS, len(doc)):
        token = doc[index]
        if token.is_punct or not start <= token.head.i < index:
            return None
        index += 1
        if outermost_at(index, mentions, {PERSON}) is not None:
            return index
    return None


def owner_before_name(mention: Span, mentions: list[Span]) -> bool:
    """A genitive state or organisation between a post and a name is whose post it is, however
    the parser hung it ("министр транспорта России Сергей Франк")."""
    return "Gen" in mention.root.morph.get("Case", []) and (
        outermost_at(mention.end, mentions, {PERSON}) is not None
    )


def topic_end(doc: Doc, start: int, end: int, right_after: bool) -> int | None:
    """End of a "по" + dative phrase that names the post's field, hanging on the phrase, or
    right after the post word however the parser hung it ("секретарь по европейским делам")."""
    if fold(doc[end].text) != "по":
        return None
    for token in doc[end + 1 : end + 4]:
        if token.pos_ == "NOUN":
            hangs = right_after or start <= token.head.i < end
            return token.i + 1 if "Dat" in token.morph.get("Case", []) and hangs else None
        if token.pos_ != "ADJ":
            return None
    return None


def joins_genitive(doc: Doc, start: int, end: int) -> bool:
    """ "и" followed by a genitive conjunct of a word of the phrase."""
    follower = next((t for t in doc[end + 1 : end + 3] if t.pos_ == "NOUN"), None)
    return (
        follower is not None
        and follower.dep_ == "conj"
        and start <= follower.head.i < end
        and "Gen" in follower.morph.get("Case", [])
    )


def outermost_at(index: int, mentions: list[Span], labels: set[str]) -> Span | None:
    starting = [m for m in mentions if m.start == index and m.label_ in labels]
    return max(starting, key=len) if starting else None


def adjective_owner(start: int, head: int, mentions: list[Span]) -> Span | None:
    """ "таджикский лидер": the state adjective before the post."""
    return next(
        (m for m in mentions if start <= m.start and m.end <= head and m.label_ == STATE), None
    )


def title_of(phrase: PostPhrase, doc: Doc, mentions: list[Span]) -> Span | None:
    """The person this phrase is a title of: a name right after it in the same case
    ("Президенту Таджикистана Эмомали Рахмону"), or a name before it and a comma
    ("Эмомали Рахмон, президент Таджикистана,"; "Светлана Яковлева - директор фонда,")."""
    head_case = doc[phrase.head].morph.get("Case", [])
    after = outermost_at(past_gloss(doc, phrase.end), mentions, {PERSON})
    if after is not None and (
        after.root.morph.get("Case", []) == head_case
        or is_indeclinable(doc[phrase.head])
        or name_reads_in_case(doc[phrase.head], after)
    ):
        return after
    if phrase.start >= 2 and doc[phrase.start - 1].text in APPOSITION_MARKS:
        before = [m for m in mentions if m.end == phrase.start - 1 and m.label_ == PERSON]
        closing = doc[phrase.end].text if phrase.end < len(doc) else "."
        if before and (closing in CLOSING_MARKS or in_apposition(doc[phrase.head], before[0])):
            return before[0]
    return None


def name_reads_in_case(post: Token, name: Span) -> bool:
    """The tagger may read a post and the name after it in two cases ("президента Франции
    Эммануэля Макрона": Gen and Acc, one form; "министром … Субраманьямом Джайшанкаром", a name
    it does not know): they agree when every word of the name has a reading in the post's case
    (not "дочь президента Даригу Назарбаеву", whose name has no genitive reading)."""
    wanted = {OC_CASES[case] for case in post.morph.get("Case", []) if case in OC_CASES}
    words = [t for t in name if t.is_alpha]
    return bool(wanted and words) and all(
        wanted & {parse.tag.case for parse in word_parses(word.text)} for word in words
    )


def is_indeclinable(word: Token) -> bool:
    """ "замглавы", "замминистра": a post word of one form, whose case the tagger guesses, so
    the case of the name after it decides nothing."""
    return any("Fixd" in parse.tag for parse in word_parses(word.text))


def past_gloss(doc: Doc, position: int, longest: int = 8) -> int:
    """The token after a short gloss in parentheses that starts at `position` ("главу
    Российского фонда прямых инвестиций (РФПИ) Кирилла Дмитриева"), else `position`."""
    if position >= len(doc) or doc[position].text != "(":
        return position
    for token in doc[position + 1 : min(position + 1 + longest, len(doc))]:
        if token.text == ")":
            return token.i + 1
        if token.is_punct and not token.is_quote:
            return position  # "(по его словам, временно)" is an aside, no name
    return position


def titled_group(
    phrase: PostPhrase, doc: Doc, mentions: list[Span]
) -> list[tuple[Span, PostPhrase]]:
    """ "Президенты России и Китая Владимир Путин и Си Цзиньпин": a plural post before names
    joined by "и" or commas gives each name the post (in the singular), of the state or
    organisation in the same place of the list, or of the one the post names when it names
    one; none when the names are fewer than two or the owners neither one nor as many."""
    if not may_be_plural(doc[phrase.head]):
        return []
    owners, end = coordinated_owners(phrase, doc, mentions)
    while end < len(doc) and doc[end].pos_ in {"NUM", "DET", "ADJ", "NOUN"} and not owners:
        if "Gen" not in doc[end].morph.get("Case", []):
            break
        end += 1  # "министры иностранных дел двух стран Арарат Мирзоян и …"
    names = name_run(past_gloss(doc, end), doc, mentions)
    if len(names) < 2 or len(owners) not in (0, 1, len(names)):
        return []
    post = singular_post(phrase.post, doc[phrase.head])
    group = []
    for index, name in enumerate(names):
        owner = owners[index] if len(owners) == len(names) else next(iter(owners), None)
        of = (owner.start, owner.end, owner.label_) if owner is not None else (None, None, None)
        own = PostPhrase(phrase.start, end, phrase.head, post, phrase.post_class, *of)
        group.append((name, own))
    return group


def coordinated_owners(
    phrase: PostPhrase, doc: Doc, mentions: list[Span]
) -> tuple[list[Span], int]:
    """The owners a plural post names, its own and those joined to it by "и" or commas
    ("России и Китая"), and where the list ends. An owner of another kind than the post's own
    ("МИД Армении и Азербайджана") leaves no owner to give."""
    if phrase.of_start is None:
        return [], phrase.end
    own = outermost_at(phrase.of_start, mentions, {STATE, ORG})
    owners, end = ([own] if own is not None else []), phrase.end
    while end + 1 < len(doc) and doc[end].text in {",", "и"}:
        joined = outermost_at(end + 1, mentions, {STATE, ORG, PLACE})
        if joined is None:
            break
        owners.append(joined)
        end = joined.end
    if len({owner.label_ for owner in owners}) > 1:
        return [], end
    return owners, end


def singular_post(post: str, head: Token) -> str:
    """ "министры иностранных дел" → "министр иностранных дел": the head word's lemma."""
    words = post.split()
    return " ".join(fold(head.lemma_) if fold(w) == fold(head.text) else w for w in words)


def may_be_plural(word: Token) -> bool:
    """The tagger's plural, or a plural reading pymorphy3 gives the word ("Президенты", which
    the tagger may take for a name)."""
    if "Plur" in word.morph.get("Number", []):
        return True
    return any(parse.tag.number == "plur" for parse in word_parses(word.text))


def name_run(index: int, doc: Doc, mentions: list[Span]) -> list[Span]:
    """The person names from `index` on, joined by "и" or commas ("Сергей Лавров и Константин
    Грищенко")."""
    names = []
    while (name := outermost_at(index, mentions, {PERSON})) is not None:
        names.append(name)
        index = name.end
        if index < len(doc) and doc[index].text in {",", "и"}:
            index += 1
        else:
            break
    return names


def in_apposition(post: Token, name: Span) -> bool:
    """The parse hangs the post on the name ("Светлана Яковлева - директор института и …")."""
    return post.dep_ == "appos" and name.start <= post.head.i < name.end


def is_referential(phrase: PostPhrase, doc: Doc, role_nouns: frozenset[str]) -> bool:
    """A post that stands for its holder: singular, not the post itself ("пост президента",
    "кандидат в президенты"), and not what a verb says its subject is ("RosUkrEnergo является
    основным оператором", "он стал министром": the relation stage reads those)."""
    head = doc[phrase.head]
    return (
        "Plur" not in head.morph.get("Number", [])
        and fold(head.head.lemma_) not in role_nouns
        and not is_predicate(head)
    )


def is_predicate(post: Token) -> bool:
    """An instrumental post hanging on a verb: "является оператором", "назначен министром"."""
    return (
        "Ins" in post.morph.get("Case", [])
        and post.dep_ in {"xcomp", "obl"}
        and post.head.pos_ in {"VERB", "AUX"}
    )
