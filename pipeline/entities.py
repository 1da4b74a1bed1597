"""Stage 6: typed entity mentions — PERSON, STATE, PLACE, ORG.

slovnet says PER / LOC / ORG. Users need to know which locations are states (to join on ISO
codes), and slovnet's known errors must not reach the tables: a title alone ("Президент") is not
a person, "Акорды" is the Kazakh presidential office, not a place. States are also named by
adjectives ("таджикская сторона", "российский президент"); those become STATE mentions of kind
"adjective". Organisations named by a common noun ("правительство", "полиции Вашингтона") are
mentions of kind "descriptor", so that users who want names only can filter them out.

All mentions, nested ones included (the state inside "МИД России"), go to
`doc.spans["mentions"]`; `doc.ents` holds the outermost ones. Each mention carries its
nominative name (`span._.norm`), ISO 3166 alpha-3 code (`span._.code`) and kind (`span._.kind`).
"""

from __future__ import annotations

import gettext
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

import pycountry
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .gazetteer import Entry, Gazetteer, fold, word_forms
from .lemmas import NAME_TAGS
from .lexicon import LemmaSequences
from .names import (
    PERSON_TAGS,
    UD_NUMBER_TO_OC,
    feature,
    person_nominative,
    phrase_nominative,
)
from .resources import word_parses
from .rules import RuleComponent, RuleFiles, tsv_rows
from .schema import (
    ADJECTIVE,
    DESCRIPTOR,
    MENTIONS_KEY,
    NAME,
    NER_SPANS_KEY,
    ORG,
    PERSON,
    PLACE,
    SLOVNET_TYPES,
    STATE,
)
from .tokenizer import reading_form

EDGE_PUNCT = set(".,;:!?()[]{}—–-…•·●■▪*")
QUOTES = set("«»„“”\"'‘’")
RULE_FILES = {
    "country_aliases": "country_aliases.tsv",
    "not_states": "not_states.tsv",
    "state_forms": "state_forms.tsv",
    "state_adjectives": "state_adjectives.tsv",
    "place_adjectives": "place_adjectives.tsv",
    "organizations": "organizations.tsv",
    "places": "places.tsv",
    "org_nouns": "org_nouns.tsv",
    "posts": "posts.tsv",
    "honorifics": "honorifics.tsv",
    "not_entities": "not_entities.tsv",
    "institution_nouns": "institution_nouns.tsv",
    "event_nouns": "event_nouns.tsv",
    "family_nouns": "family_nouns.tsv",
}


def strip_accents(text: str) -> str:
    """pycountry's Russian names carry stress marks ("Респу́блика")."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", decomposed.replace("\u0301", ""))


@cache
def iso_state_names() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(alpha-3 code, Russian names) of every ISO 3166 country, from pycountry (a package, not
    a rule file: the same whatever models/ a pipeline was saved with)."""
    russian = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    return tuple(
        (
            country.alpha_3,
            tuple(
                strip_accents(russian.gettext(value))
                for value in (country.name, getattr(country, "official_name", None))
                if value
            ),
        )
        for country in pycountry.countries
    )


def state_names(
    alias_rows: list[dict[str, str]], territories: frozenset[str]
) -> tuple[tuple[str, Entry], ...]:
    """ISO 3166 countries with pycountry's Russian names, plus the aliases of
    country_aliases.tsv, without the territories of not_states.tsv."""
    aliases: dict[str, list[dict[str, str]]] = {}
    for row in alias_rows:
        aliases.setdefault(row["code"], []).append(row)
    names: list[tuple[str, Entry]] = []
    for code, iso_names in iso_state_names():
        if code in territories:
            continue
        rows = aliases.pop(code, [])
        canonical = (rows[0]["name"] if rows and rows[0]["name"] else None) or iso_names[0]
        names += _alias_names(rows, code, canonical)
        names += [(name, Entry(STATE, canonical, code)) for name in iso_names if _is_russian(name)]
    for code, rows in aliases.items():  # codes pycountry does not list (former, disputed states)
        names += _alias_names(rows, code, rows[0]["name"])
    return tuple(names)


def _alias_names(rows: list[dict[str, str]], code: str, canonical: str) -> list[tuple[str, Entry]]:
    names = []
    for index, row in enumerate(rows):
        name = row["name"] or canonical
        entry = Entry(STATE, name if index else canonical, code)
        names.append((name, entry))
        names += [(alias, entry) for alias in row["aliases"].split("|") if alias]
    return names


def _is_russian(name: str) -> bool:
    return any("а" <= char.lower() <= "я" for char in name)


@dataclass(frozen=True)
class StateLexicon:
    """The state gazetteer and each code's canonical short name (the first alias row wins)."""

    gazetteer: Gazetteer
    names_by_code: dict[str, str]

    @classmethod
    def build(cls, names: tuple[tuple[str, Entry], ...]) -> StateLexicon:
        by_code: dict[str, str] = {}
        for _, entry in names:
            if entry.code is not None:  # every state entry has one (state_names)
                by_code.setdefault(entry.code, entry.name)
        return cls(Gazetteer(names), by_code)


def named_entries(rows: list[dict[str, str]], label: str) -> list[tuple[str, Entry]]:
    """(name, entry) pairs of a name/aliases rule file."""
    names = []
    for row in rows:
        entry = Entry(label, row["name"])
        names += [(name, entry) for name in [row["name"], *row["aliases"].split("|")] if name]
    return names


def organization_gazetteer(text: str) -> Gazetteer:
    return Gazetteer(named_entries(tsv_rows(text), ORG))


def place_gazetteer(text: str) -> Gazetteer:
    return Gazetteer(named_entries(tsv_rows(text), PLACE))


def territory_codes(text: str) -> frozenset[str]:
    return frozenset(row["code"] for row in tsv_rows(text))


def lemma_set(text: str) -> frozenset[str]:
    return frozenset(row["lemma"] for row in tsv_rows(text))


def state_adjectives(text: str) -> dict[str, str]:
    """Adjective lemma → ISO code ("таджикский" → TJK)."""
    return {row["lemma"]: row["code"] for row in tsv_rows(text)}


def place_adjectives(text: str) -> dict[str, str]:
    """Adjective lemma → place name ("московский" → Москва)."""
    return {row["lemma"]: row["name"] for row in tsv_rows(text)}


def one_word_lemmas(text: str) -> frozenset[str]:
    """One-word posts and honorifics: words before a name that are not part of it."""
    return frozenset(row["lemma"] for row in tsv_rows(text) if " " not in row["lemma"])


def org_nouns(text: str) -> LemmaSequences[bool]:
    """Nouns that name an organisation ("коалиционное правительство") → plural allowed."""
    return LemmaSequences((row["lemma"], row["plural"] == "yes") for row in tsv_rows(text))


def not_entities(text: str) -> frozenset[str]:
    return frozenset(fold(row["text"]) for row in tsv_rows(text))


@dataclass(frozen=True)
class EntityLexicons:
    """What the entity stage reads from its rule files, built once per stage."""

    states: StateLexicon
    organizations: Gazetteer
    places: Gazetteer
    state_forms: frozenset[str]
    state_adjectives: dict[str, str]
    place_adjectives: dict[str, str]
    person_prefixes: frozenset[str]
    org_nouns: LemmaSequences[bool]
    not_entities: frozenset[str]
    institution_nouns: frozenset[str]
    event_nouns: frozenset[str]
    family_nouns: frozenset[str]

    def lookup_name(self, words: list[str]) -> Entry | None:
        """The gazetteer entry these words name; "Республика Аргентина" names Аргентина."""
        for gazetteer in (self.organizations, self.states.gazetteer, self.places):
            entry = gazetteer.lookup(words)
            if entry:
                return entry
        if len(words) > 1 and word_forms(words[0]) & self.state_forms:
            return self.states.gazetteer.lookup(words[1:])
        return None


class EntityTyper(RuleComponent):
    """Turns slovnet's PER/LOC/ORG spans into typed mentions with nominative names."""

    def __init__(self, name: str, adjectives: bool, org_nouns: bool, rules: dict[str, str]):
        self.name = name
        self.with_adjectives = adjectives
        self.with_org_nouns = org_nouns
        self.rules = RuleFiles(rules)

    def lexicons(self) -> EntityLexicons:
        """The stage's lexicons; each is built from its file once (`RuleFiles.built`)."""
        built = self.rules.built
        return EntityLexicons(
            built("country_aliases", self._state_lexicon),
            built("organizations", organization_gazetteer),
            built("places", place_gazetteer),
            built("state_forms", lemma_set),
            built("state_adjectives", state_adjectives),
            built("place_adjectives", place_adjectives),
            built("posts", one_word_lemmas) | built("honorifics", one_word_lemmas),
            built("org_nouns", org_nouns),
            built("not_entities", not_entities),
            built("institution_nouns", lemma_set),
            built("event_nouns", lemma_set),
            built("family_nouns", lemma_set),
        )

    def _state_lexicon(self, aliases: str) -> StateLexicon:
        """Built from country_aliases.tsv and, through the same cache, not_states.tsv."""
        territories = self.rules.built("not_states", territory_codes)
        return StateLexicon.build(state_names(tsv_rows(aliases), territories))

    def __call__(self, doc: Doc) -> Doc:
        lexicons = self.lexicons()
        mentions = list(typed_ner_spans(doc, lexicons))
        mentions += gazetteer_mentions(doc, MentionIndex(mentions), lexicons)
        index = MentionIndex(mentions)
        extended = [
            longer
            for m in mentions
            if m.label_ == ORG and (longer := extend_with_genitive(m, index)) is not m
        ]
        longer_starts = {m.start for m in extended}
        mentions = [
            m for m in mentions if m.label_ != ORG or is_named(m) or m.start not in longer_starts
        ] + extended
        if self.with_org_nouns:
            mentions += list(org_noun_mentions(doc, MentionIndex(mentions), lexicons.org_nouns))
        if self.with_adjectives:
            mentions += list(adjective_mentions(doc, MentionIndex(mentions), lexicons))
        mentions = organization_glosses(mentions)
        mentions = sorted(set(mentions), key=lambda span: (span.start, -span.end, span.label_))
        doc.spans[MENTIONS_KEY] = mentions
        doc.ents = filter_spans(mentions)
        return doc


def organization_glosses(mentions: list[Span]) -> list[Span]:
    """ "Федеральная служба по ветеринарному и фитосанитарному надзору (Россельхознадзор)":
    the one word in parentheses after an organisation is its short name, an organisation too,
    though slovnet may call it a place; a real place there ("Газпром (Москва)") stays one."""
    ends = {m.end for m in mentions if m.label_ == ORG and m._.kind == NAME}
    return [
        make_mention(m, ORG, m._.norm, None, NAME) if is_organization_gloss(m, ends) else m
        for m in mentions
    ]


def is_organization_gloss(mention: Span, organization_ends: set[int]) -> bool:
    doc = mention.doc
    return (
        mention.label_ == PLACE
        and len(mention) == 1
        and mention.start >= 2
        and doc[mention.start - 1].text == "("
        and mention.end < len(doc)
        and doc[mention.end].text == ")"
        and mention.start - 1 in organization_ends
        and not any("Geox" in parse.tag for parse in word_parses(mention.text))
    )


def typed_ner_spans(doc: Doc, lexicons: EntityLexicons) -> Iterator[Span]:
    for raw in doc.spans.get(NER_SPANS_KEY, []):
        for part in split_parentheses(raw):
            mention = typed_span(part, SLOVNET_TYPES.get(raw.label_, ORG), lexicons)
            if mention is not None:
                yield mention


def typed_span(span: Span, label: str, lexicons: EntityLexicons) -> Span | None:
    """Type one slovnet span: gazetteers first, then slovnet's own label."""
    if label == PERSON:
        stripped = strip_person_prefix(span, lexicons.person_prefixes)
        if stripped is None:
            return None
        span = stripped
    words = [token.text for token in span if not token.is_space]
    if len(words) == 1 and any(f in lexicons.not_entities for f in word_forms(words[0])):
        return None
    entry = lexicons.lookup_name(words)
    if entry:
        return make_mention(span, entry.label, entry.name, entry.code, NAME)
    if not is_name_phrase(span, label, lexicons):
        return None
    return make_mention(span, label, None, None, NAME)


def is_name_phrase(span: Span, label: str, lexicons: EntityLexicons) -> bool:
    """Whether a span slovnet tagged is a name. Not: a compound adjective of two states
    ("Российско-Экваториальногвинейской комиссии"), an event named after a place
    ("Приднестровский конфликт"), a family after "эпоха", "династия" ("эпохи Тюдоров"), or
    common words capitalised only because they open a sentence: a person pymorphy3 knows only
    as common words ("Киноистория будет…"; not "Мадонна", which the tagger reads as a proper
    name), an organisation of common words in an oblique case ("Металлургической отрасли
    Варичев отдал…"; not "Первый канал отменил", not "Министерства обороны" with an
    institution at its head ("Пресс-служба …"), not "ФИФА:" or "Росавтодору", which the tagger
    reads as names)."""
    head = fold(span.root.lemma_)
    if len(span) == 1 and is_compound_adjective(span[0]):
        return False
    if label == PLACE and (head in lexicons.event_nouns or is_family(span.root, lexicons)):
        return False
    if not (span[0].is_sent_start or span.start == 0):
        return True
    words = [token for token in span if not token.is_space]
    if label == ORG:
        nominative = feature(span.root, "Case") in {"Nom", ""}
        if nominative or head.rpartition("-")[2] in lexicons.institution_nouns:
            return True
        return not all(
            is_common_word(token) and token.pos_ != "PROPN" and not token.is_upper
            for token in words
        )
    return label != PERSON or not all(
        is_common_word(token) and (token.pos_ != "PROPN" or is_built_word(token)) for token in words
    )


def is_family(token, lexicons: EntityLexicons) -> bool:
    """A genitive after "эпоха", "династия" names a family ("эпохи Тюдоров")."""
    head = fold(token.head.lemma_)
    return feature(token, "Case") == "Gen" and head in lexicons.family_nouns


def is_compound_adjective(token) -> bool:
    """ "российско-американский": an adjective of two states or places joined by "-о-"."""
    first, _, rest = token.text.partition("-")
    return token.pos_ == "ADJ" and bool(rest) and first.lower().endswith("о")


def is_common_word(token) -> bool:
    """pymorphy3 reads the word only as a common noun or adjective it knows (or builds from a
    known prefix: "Киноистория"), one of them in the number the tagger gave it ("Токаев" as a
    subject is no genitive plural of "токай")."""
    parses = word_parses(reading_form(token.text))
    wanted = UD_NUMBER_TO_OC.get(feature(token, "Number"))
    return (
        bool(parses)
        and all(
            parse.tag.POS in {"NOUN", "ADJF"}
            and not NAME_TAGS & parse.tag.grammemes
            and (parse.is_known or _prefixed(parse))
            for parse in parses
        )
        and (wanted is None or any(parse.tag.number in {wanted, None} for parse in parses))
    )


def is_built_word(token) -> bool:
    """pymorphy3 builds the word from a known prefix and word ("Кино" + "история") only."""
    return all(_prefixed(parse) for parse in word_parses(reading_form(token.text)))


def _prefixed(parse) -> bool:
    return any(type(step[0]).__name__ == "KnownPrefixAnalyzer" for step in parse.methods_stack)


def gazetteer_mentions(doc: Doc, found: MentionIndex, lexicons: EntityLexicons) -> list[Span]:
    """States and organisations slovnet missed; states nested in organisation names."""
    added: list[Span] = []
    for gazetteer in (lexicons.states.gazetteer, lexicons.organizations, lexicons.places):
        for match in gazetteer.find(doc):
            span = Span(doc, match.start, match.end)
            if len(span) == 1 and span[0].pos_ != "PROPN" and not span[0].is_upper:
                continue  # "Того", "Чад" as common words
            overlapping = found.overlapping(span)
            nested = match.entry.label in {STATE, PLACE} and all(
                is_nested_mention(span, match.entry.label, m) for m in overlapping
            )
            if overlapping and not nested:
                continue
            entry = match.entry
            added.append(make_mention(span, entry.label, entry.name, entry.code, NAME))
            found.add(added[-1])
    return added


def is_nested_mention(inner: Span, label: str, outer: Span) -> bool:
    """A state or place inside an organisation ("МИД России") or a place ("Восточная Европа")
    is a mention of its own; a state's name heading a longer place name is not, as that is
    another place ("Латинская Америка" is not the USA, "Новая Шотландия" not Scotland; but
    "Герб Армении" still names Armenia)."""
    if outer.label_ not in {ORG, PLACE} or not contains(outer, inner) or outer == inner:
        return False
    if outer.label_ == ORG or label != STATE or inner.end < outer.end:
        return True
    return not all(token.pos_ == "ADJ" for token in inner.doc[outer.start : inner.start])


def org_noun_mentions(doc: Doc, found: MentionIndex, nouns: LemmaSequences[bool]) -> Iterator[Span]:
    """ "правительство", "полиции Вашингтона", "коалиционное правительство": organisations
    named by a common noun, outside any other mention."""
    for token in doc:
        if token.pos_ != "NOUN" or found.covering(token.i):
            continue
        plural = "Plur" in token.morph.get("Number", [])
        for lemmas, plural_allowed in nouns.matches_at(doc, token.i):
            if plural_allowed or not plural:
                span = Span(doc, left_adjectives(token), token.i + len(lemmas), label=ORG)
                mention = make_mention(span, ORG, None, None, DESCRIPTOR)
                yield extend_with_genitive(mention, found)
                break


def adjective_mentions(doc: Doc, found: MentionIndex, lexicons: EntityLexicons) -> Iterator[Span]:
    """ "российский", "таджикская сторона", "московский": STATE or PLACE mentions of kind
    adjective (nested inside organisation names too)."""
    for token in doc:
        if token.pos_ not in {"ADJ", "PROPN"} or not token.is_alpha:
            continue
        label, norm, code = adjective_reference(token, lexicons)
        if label is None:
            continue
        span = Span(doc, token.i, token.i + 1)
        covering = found.covering(token.i)
        if any(m.label_ in {PERSON, STATE, PLACE} for m in covering):
            continue
        if is_borrowed(token, label, covering, lexicons.institution_nouns):
            continue
        yield make_mention(span, label, norm, code, ADJECTIVE)


def is_borrowed(token, label: str, covering: list[Span], institutions: frozenset[str]) -> bool:
    """A capitalised adjective that a title or a name borrows, not a mention of its state or
    place: after its noun ("Папа Римский"); in a formation a number before it says is named
    after a region ("1-го Украинского фронта"); a place's in a name in quotes not headed by an
    institution («Уральская сталь»). "Российская академия наук" keeps its state, "Московский
    дом книги" and «Африканский национальный союз» their places."""
    if not token.text[:1].isupper():
        return False
    head = token.head
    if head.i < token.i and head.pos_ in {"NOUN", "PROPN"} and head.text[:1].isupper():
        return True
    names = [m for m in covering if m.label_ == ORG and m._.kind == NAME]
    if any(is_ordinal(token.doc[i]) for m in names for i in (m.start - 1, m.start) if i >= 0):
        return True
    if token.i and is_ordinal(token.doc[token.i - 1]):  # slovnet missed the formation's name
        return True
    return label == PLACE and any(
        fold(m.root.lemma_) not in institutions
        and m.start > 0
        and m.doc[m.start - 1].text in QUOTES
        for m in names
    )


def is_ordinal(token) -> bool:
    """ "1-го", "2-й", "третьей": an ordinal number."""
    return token.pos_ in {"ADJ", "NUM"} and (
        token.text[:1].isdigit() or "NumType=Ord" in str(token.morph)
    )


def adjective_reference(
    token, lexicons: EntityLexicons
) -> tuple[str | None, str | None, str | None]:
    """(type, name, code) of the state or place an adjective refers to, or Nones."""
    if (
        token.head.lemma_ == "язык"
        or token.i + 1 < len(token.doc)
        and token.nbor().lemma_ == "язык"
    ):
        return None, None, None  # "английский язык" is a language
    forms = {fold(token.lemma_)} | (word_forms(token.text) if token.pos_ == "ADJ" else set())
    for form in forms:
        if form in lexicons.state_adjectives:
            code = lexicons.state_adjectives[form]
            return STATE, lexicons.states.names_by_code.get(code, code), code
        if form in lexicons.place_adjectives:
            return PLACE, lexicons.place_adjectives[form], None
    return None, None, None


def left_adjectives(token) -> int:
    """Index where a noun's run of agreeing adjectives on its left begins."""
    start = token.i
    while start > 0 and token.doc[start - 1].pos_ == "ADJ" and token.doc[start - 1].head == token:
        start -= 1
    return start


def extend_with_genitive(mention: Span, found: MentionIndex) -> Span:
    """ "МИД" + "России" → "МИД России": an organisation followed by a named state, place or
    organisation in the genitive that depends on it takes it in (the name stays nested)."""
    doc = mention.doc
    following = [
        m
        for m in found.starting(mention.end)
        if m.label_ in {STATE, PLACE, ORG} and m._.kind == NAME
    ]
    for nxt in following:
        head = nxt.root
        if "Gen" in head.morph.get("Case", []) and mention.start <= head.head.i < mention.end:
            span = Span(doc, mention.start, nxt.end, label=ORG)
            norm = mention._.norm + mention[-1].whitespace_ + doc[mention.end : nxt.end].text
            return make_mention(span, ORG, norm, None, mention._.kind)
    return mention


def is_named(mention: Span) -> bool:
    """A capitalised organisation name ("МВД") stays a mention inside "МВД России"."""
    return mention[0].text[:1].isupper()


def split_parentheses(span: Span) -> Iterator[Span]:
    """ "Джей Зи (Jay Z" → "Джей Зи" and "Jay Z": a name and its gloss are two mentions."""
    start = span.start
    for token in [*span, None]:
        if token is None or token.text in "()[]":
            end = token.i if token is not None else span.end
            part = trim(Span(span.doc, start, end, label=span.label)) if end > start else None
            if part is not None:
                yield part
            start = end + 1


def make_mention(span: Span, label: str, norm: str | None, code: str | None, kind: str) -> Span:
    mention = Span(span.doc, span.start, span.end, label=label)
    if norm is None:
        norm = person_nominative(mention) if label == PERSON else phrase_nominative(mention)
        norm = written_as_text(norm, cased=label in {PLACE, STATE})
    mention._.norm = norm
    mention._.code = code
    mention._.kind = kind
    return mention


def written_as_text(name: str, cased: bool) -> str:
    """A name as running text writes it: Latin look-alikes inside Russian words read as
    Cyrillic ("Католичеcкая"); when `cased` (places: datelines), words in capitals ("КИЕВ")
    in title case, abbreviations kept."""
    words = [reading_form(word) for word in name.split(" ")]
    if cased:
        words = [title_case(word) if is_capitalised_word(word) else word for word in words]
    return " ".join(words)


def is_capitalised_word(word: str) -> bool:
    """A word in capitals that pymorphy3 knows as a word, not an abbreviation ("КИЕВ", not
    "КНДР")."""
    return word.isupper() and any(
        parse.is_known and "Abbr" not in parse.tag for parse in word_parses(word)
    )


def title_case(word: str) -> str:
    return "-".join(part[:1] + part[1:].lower() for part in word.split("-"))


def trim(span: Span) -> Span | None:
    """Drop punctuation, whitespace and unpaired quote marks at the edges of a span (never
    inside); keep the dot of a final initial ("Михальчука И. Ф.") and paired quotes
    ("«Газпром»")."""
    doc, start, end = span.doc, span.start, span.end
    changed = True
    while changed and end > start:
        changed = False
        if _is_edge(doc[start]) or _unpaired_quote(doc[start:end], first=True):
            start, changed = start + 1, True
        elif end > start and (
            (_is_edge(doc[end - 1]) and not _is_initial_dot(doc, end - 1))
            or _unpaired_quote(doc[start:end], first=False)
        ):
            end, changed = end - 1, True
    return Span(doc, start, end, label=span.label) if end > start else None


def _unpaired_quote(span: Span, first: bool) -> bool:
    """The first (or last) token is a quote mark with no partner inside the span."""
    token = span[0] if first else span[-1]
    if token.text not in QUOTES:
        return False
    others = [t.text for t in (span[1:] if first else span[:-1])]
    return not any(text in QUOTES for text in others)


def _is_edge(token) -> bool:
    return token.is_space or token.text in EDGE_PUNCT


def _is_initial_dot(doc: Doc, index: int) -> bool:
    before = doc[index - 1] if index > 0 else None
    return (
        doc[index].text == "."
        and before is not None
        and len(before.text) == 1
        and (before.is_upper)
    )


def strip_person_prefix(span: Span, prefixes: frozenset[str]) -> Span | None:
    """ "Президент Токаев" → "Токаев", "56-летний С.Джобс" → "С.Джобс", "Доктор" → None:
    posts, ages and capitalised common nouns before a name are not part of it."""
    start = span.start
    while start < span.end - 1 and is_person_prefix(span.doc[start], prefixes):
        start += 1
    rest = span.doc[start : span.end]
    if is_person_prefix(rest[0], prefixes) or not any(token.text[:1].isupper() for token in rest):
        return None
    return Span(span.doc, start, span.end, label=span.label)


def is_person_prefix(token, prefixes: frozenset[str]) -> bool:
    """A post, an honorific (`prefixes`), an age or a capitalised common noun."""
    text = token.text
    if fold(token.lemma_) in prefixes or "-летн" in text:
        return True
    if not text[:1].isupper() or token.pos_ == "PROPN":
        return False
    parses = word_parses(text)
    return bool(parses) and all(
        parse.tag.POS == "NOUN" and not PERSON_TAGS & parse.tag.grammemes and parse.is_known
        for parse in parses
    )


def overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def contains(outer: Span, inner: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


class MentionIndex:
    """Mentions by first token, last token and covered tokens: constant-time look-ups, so
    long documents with thousands of mentions stay linear."""

    def __init__(self, mentions: Iterable[Span] = ()):
        self.by_start: dict[int, list[Span]] = defaultdict(list)
        self.by_end: dict[int, list[Span]] = defaultdict(list)
        self.by_token: dict[int, list[Span]] = defaultdict(list)
        for mention in mentions:
            self.add(mention)

    def add(self, mention: Span) -> None:
        self.by_start[mention.start].append(mention)
        self.by_end[mention.end].append(mention)
        for index in range(mention.start, mention.end):
            self.by_token[index].append(mention)

    def starting(self, index: int) -> list[Span]:
        return self.by_start.get(index, [])

    def ending(self, index: int) -> list[Span]:
        return self.by_end.get(index, [])

    def covering(self, index: int) -> list[Span]:
        return self.by_token.get(index, [])

    def overlapping(self, span: Span) -> list[Span]:
        found = {id(m): m for i in range(span.start, span.end) for m in self.covering(i)}
        return list(found.values())


@Language.factory(
    "ru_news_entities",
    default_config={"adjectives": True, "org_nouns": True, "rules": RULE_FILES},
    assigns=["doc.spans", "doc.ents", "span._.norm", "span._.code", "span._.kind"],
    requires=["doc.spans", "token.pos", "token.morph", "token.lemma", "token.head"],
)
def make_entity_typer(
    nlp: Language, name: str, adjectives: bool, org_nouns: bool, rules: dict[str, str]
) -> EntityTyper:
    return EntityTyper(name, adjectives, org_nouns, rules)
