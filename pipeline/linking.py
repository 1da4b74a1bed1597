"""Stage 7: doc-level entities — one id per real-world referent, with its canonical name.

Mentions are linked in three passes, each using what the previous one settled:
1. names: states by ISO code, organisations and places by nominative name (an organisation
   nested at the start of a longer one, and a gloss in parentheses, is the same entity); persons
   by name parts, so "Токаев", "Касым-Жомарт Токаев", "Эмомали Шарипович", "В. Путин" find
   their full name, and a part two people share stays on its own;
2. titles: a post phrase next to a name in the same case ("Президент Таджикистана Эмомали
   Рахмон") becomes a "title" mention of that person and gives the entity its position;
3. reference, in reading order: nominal mentions ("Президент", "глава государства", "таджикский
   лидер") go to the person holding a matching post (by class and state), else — for heads of
   state only — to the clearly most salient person so far; pronouns (он/она/его/её) go to the
   subject of a recent sentence or the clearly most salient person of their gender. When unsure,
   a mention stays unresolved and is left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .entities import QUOTES, written_as_text
from .gazetteer import fold
from .names import phrase_nominative
from .posts import (
    ANY_CLASS,
    PostLexicon,
    PostPhrase,
    classes_match,
    find_post_phrases,
    is_referential,
    match_post,
    post_lexicon,
    role_nouns,
    title_of,
    titled_group,
)
from .resources import word_parses
from .rules import RuleComponent, RuleFiles, tsv_rows
from .schema import MENTIONS_KEY, NAME, ORG, PERSON, PRONOUN, STATE, TITLE
from .tokenizer import sentence_ids
from .ud import SUBJECT_DEPS

PATRONYMIC_ENDINGS = ("ович", "евич", "ьич", "овна", "евна", "ична", "инична")
RULE_FILES = {
    "posts": "posts.tsv",
    "post_role_nouns": "post_role_nouns.tsv",
    "honorifics": "honorifics.tsv",
    "post_times": "post_times.tsv",
    "name_diminutives": "name_diminutives.tsv",
}
# case endings a surname pymorphy3 does not know takes on its nominative stem ("Маккаррика")
CASE_ENDINGS = frozenset(
    ["а", "я", "у", "ю", "ом", "ем", "ём", "е", "ым", "им", "ой", "ей", "ы", "и"]
)
ASIDE_DEPS = {"appos", "vocative", "parataxis", "discourse"}
FALLBACK_CLASSES = {"head_of_state", ANY_CLASS}
PRONOUN_GENDER = {
    **dict.fromkeys(["он", "его", "ему", "им", "нём", "нем", "него", "нему", "ним"], "Masc"),
    **dict.fromkeys(["она", "её", "ее", "ей", "ею", "неё", "нее", "ней", "нею"], "Fem"),
}

OPENING_GUILLEMETS, CLOSING_GUILLEMETS = {"«", "„"}, {"»", "“"}  # direct speech in Russian news
DASHES, CLAUSE_ENDS = {"—", "–", "-"}, {",", ".", "!", "?", "…"}  # "«…, — сказал он. — …»"


@dataclass
class EntityRecord:
    """A doc-level entity as stored on `doc._.entities` (plain values, msgpack-friendly)."""

    id: int
    type: str
    name: str
    code: str | None = None
    position: str | None = None
    position_of: str | None = None
    mentions: int = 0
    first_name: str | None = None
    patronymic: str | None = None
    last_name: str | None = None
    canonical: str | None = None  # the name that is the same in every document (corpus key)


@dataclass(frozen=True)
class NameParts:
    """A person's name split into parts; `alone` holds a one-word name whose role is unknown
    ("Рахмон" may be a first or a last name)."""

    first: str | None = None
    patronymic: str | None = None
    last: str | None = None
    alone: str | None = None

    @property
    def fullness(self) -> float:
        parts = (self.first, self.patronymic, self.last)
        return sum(1 for part in parts if part and not is_initial(part)) + 0.1 * sum(
            1 for part in parts if part and is_initial(part)
        )

    def merged(self, other: NameParts) -> NameParts:
        """Known parts of both (full words win over initials)."""

        def pick(a: str | None, b: str | None) -> str | None:
            return a if a and not (is_initial(a) and b and not is_initial(b)) else b

        return NameParts(
            pick(self.first, other.first),
            pick(self.patronymic, other.patronymic),
            pick(self.last, other.last),
        )


def is_declined_form(word: str, nominative: str) -> bool:
    """ "Маккаррика", "Дворковича" are oblique forms of "Маккаррик", "Дворкович": the
    nominative's stem plus a case ending, for a word pymorphy3 cannot read as a nominative name
    (a woman's "Иванова" is no form of "Иванов")."""
    word, nominative = fold(word), fold(nominative)
    stem = nominative[:-1] if nominative[-1:] in "ая" else nominative
    return (
        len(stem) > 3
        and word.startswith(stem)
        and word[len(stem) :] in CASE_ENDINGS
        and not has_tag(word, "Surn")
    )


def is_initial(word: str) -> bool:
    return len(word.rstrip(".")) == 1


def same_part(a: str, b: str) -> bool:
    a, b = fold(a).rstrip("."), fold(b).rstrip(".")
    if len(a) == 1 or len(b) == 1:
        return a[:1] == b[:1]
    return a == b


def name_words(name: str) -> list[str]:
    """Words of a nominative name; "В.В. Путин" → ["В.", "В.", "Путин"]."""
    return name.replace(".", ". ").replace(" -", "-").split()


def is_patronymic(word: str) -> bool:
    return len(word) > 4 and fold(word).endswith(PATRONYMIC_ENDINGS)


def is_known_patronymic(word: str) -> bool:
    """ "Шарипович" is a patronymic pymorphy3 knows; "Дворкович" after a first name is a
    surname."""
    return any(parse.is_known and "Patr" in parse.tag for parse in word_parses(word))


def has_tag(word: str, tag: str) -> bool:
    return any(tag in parse.tag for parse in word_parses(word) if "nomn" in parse.tag)


def parse_name(name: str) -> NameParts:
    """First name, patronymic and last name from a nominative name, by initials, patronymic
    endings and pymorphy3's Name/Surn tags."""
    words = name_words(name)
    if len(words) == 1:
        return NameParts(alone=words[0])
    initials = [w for w in words if is_initial(w)]
    if initials and len(initials) < len(words):
        rest = " ".join(w for w in words if not is_initial(w))
        return NameParts(initials[0], initials[1] if len(initials) > 1 else None, rest)
    if len(words) == 2:
        first, second = words
        if is_patronymic(second) and is_known_patronymic(second):
            return NameParts(first=first, patronymic=second)
        if has_tag(first, "Surn") and not has_tag(first, "Name") and has_tag(second, "Name"):
            return NameParts(first=second, last=first)
        return NameParts(first=first, last=second)
    if is_patronymic(words[1]):
        return NameParts(words[0], words[1], " ".join(words[2:]))
    if is_patronymic(words[-1]):
        return NameParts(" ".join(words[1:-1]), words[-1], words[0])
    return NameParts(first=" ".join(words[:-1]), last=words[-1])


def compatible(mention: NameParts, entity: NameParts) -> bool:
    """Could this name be another form of that person's name?"""
    if entity.alone:  # a person so far named by one word only
        return bool(mention.alone and same_part(mention.alone, entity.alone))
    if mention.alone:
        return any(
            part
            and not is_initial(part)
            and (same_part(mention.alone, part) or is_declined_form(mention.alone, part))
            for part in (entity.first, entity.last)
        )
    shared = 0
    for a, b in (
        (mention.first, entity.first),
        (mention.patronymic, entity.patronymic),
        (mention.last, entity.last),
    ):
        if a and b:
            if not same_part(a, b):
                return False
            shared += 1
    return shared > 0


@dataclass
class Cluster:
    """Mentions of one entity while linking."""

    label: str
    mentions: list[Span] = field(default_factory=list)
    parts: NameParts = field(default_factory=NameParts)
    post: str | None = None
    post_class: str | None = None
    owner: int | None = None  # cluster id of the state/organisation of the post
    post_at: int = 0  # token where the text first gives the post: unknown before it
    gender: str | None = None  # of a person, from the morphology of its names
    titles: list[tuple[PostPhrase, int | None]] = field(default_factory=list)  # every post given

    def holds_before(self, position: int) -> bool:
        return self.post is not None and self.post_at < position


@dataclass(frozen=True)
class Thresholds:
    """How far and how surely a title or pronoun is resolved (the stage's config)."""

    salience_decay: float  # per sentence back
    clear_margin: float  # the best candidate must be this much more salient than the next
    pronoun_window: int  # sentences back a pronoun may reach
    nominal_window: int  # sentences back a nominal mention looks for a subject


@dataclass(frozen=True)
class LinkContext:
    """What the reference passes read besides the clusters, for one document."""

    posts: PostLexicon
    role_nouns: frozenset[str]
    thresholds: Thresholds
    sentence_of: dict[int, int]
    post_times: dict[str, str]
    quoted_line: dict[int, int]  # token inside «…» → its line; the narrative's tokens are absent
    line_of: dict[int, int]


def quote_lines(doc: Doc) -> tuple[dict[int, int], dict[int, int]]:
    """(tokens inside «…» quote marks → their line, every token → its line). An attribution
    set inside a split quote ("«…, — сказал он. — …»") is narrative, not the quote. Straight
    quotes are left out: they open and close alike."""
    quoted, line_of = {}, {}
    line, depth, aside = 0, 0, False
    for token in doc:
        line_of[token.i] = line
        if token.text in OPENING_GUILLEMETS:
            depth += 1
        elif token.text in CLOSING_GUILLEMETS and depth:
            depth, aside = depth - 1, False
        elif depth and token.text in DASHES and token.i and doc[token.i - 1].text in CLAUSE_ENDS:
            aside = not aside
        elif depth and not aside:
            quoted[token.i] = line
        if "\n" in token.text or "\n" in token.whitespace_:
            line, depth, aside = line + 1, 0, False
    return quoted, line_of


class Linker(RuleComponent):
    """Assigns `span._.entity_id` to every mention and fills `doc._.entities`."""

    def __init__(
        self,
        name: str,
        resolve_titles: bool,
        resolve_pronouns: bool,
        thresholds: Thresholds,
        rules: dict[str, str],
    ):
        self.name = name
        self.resolve_titles = resolve_titles
        self.resolve_pronouns = resolve_pronouns
        self.thresholds = thresholds
        self.rules = RuleFiles(rules)

    def address_genders(self) -> dict[str, str]:
        return self.rules.built("honorifics", address_genders)

    def context(self, doc: Doc) -> LinkContext:
        return LinkContext(
            self.rules.built("posts", post_lexicon),
            self.rules.built("post_role_nouns", role_nouns),
            self.thresholds,
            sentence_ids(doc),
            self.rules.built("post_times", post_times),
            *quote_lines(doc),
        )

    def __call__(self, doc: Doc) -> Doc:
        mentions = list(doc.spans.get(MENTIONS_KEY, []))
        genders = self.address_genders()
        full_names = self.rules.built("name_diminutives", full_first_names)
        links = Links(link_names(mentions, genders, full_names), genders)
        mentions += link_references(
            doc, mentions, links, self.context(doc), self.resolve_titles, self.resolve_pronouns
        )
        clusters = links.clusters
        entities = []
        ordered = sorted(clusters, key=lambda c: min(m.start for m in c.mentions))
        ids = {id(cluster): number for number, cluster in enumerate(ordered)}
        for cluster in ordered:
            for mention in cluster.mentions:
                mention._.entity_id = ids[id(cluster)]
            entities.append(asdict(entity_record(cluster, ids[id(cluster)], clusters)))
        doc.spans[MENTIONS_KEY] = sorted(mentions, key=lambda m: (m.start, -m.end, m.label_))
        doc._.entities = entities
        doc._.posts = post_records(ordered, ids)
        return doc


def post_records(clusters: list[Cluster], ids: dict[int, int]) -> list[dict]:
    """Every post the text gives a person, with the entity it is a post of: a person may hold
    several ("министр по делам разведки, глава Комиссии по атомной энергии Дан Меридор")."""
    return [
        {
            "entity_id": ids[id(cluster)],
            "post": phrase.post,
            "post_class": phrase.post_class,
            "of_id": ids.get(owner) if owner is not None else None,
            "start": phrase.start,
            "end": phrase.end,
        }
        for cluster in clusters
        for phrase, owner in cluster.titles
    ]


def span_key(span: Span) -> tuple[int, int, str]:
    return span.start, span.end, span.label_


class Links:
    """The clusters being built, and each mention's cluster by its span."""

    def __init__(self, clusters: list[Cluster], genders: dict[str, str]):
        self.clusters = clusters
        self.home = {span_key(m): cluster for cluster in clusters for m in cluster.mentions}
        for cluster in self.persons():
            cluster.gender = cluster_gender(cluster, genders)

    def cluster_of(self, mention: Span) -> Cluster | None:
        return self.home.get(span_key(mention))

    def owner_of(self, phrase: PostPhrase) -> Cluster | None:
        """The cluster of the state or organisation a post phrase names."""
        if phrase.of_start is None or phrase.of_end is None or phrase.of_label is None:
            return None
        return self.home.get((phrase.of_start, phrase.of_end, phrase.of_label))

    def add(self, cluster: Cluster, doc: Doc, start: int, end: int, kind: str) -> Span:
        """A new title or pronoun mention of a person."""
        mention = Span(doc, start, end, label=PERSON)
        mention._.kind = kind
        mention._.norm = mention.text
        cluster.mentions.append(mention)
        self.home[span_key(mention)] = cluster
        return mention

    def persons(self) -> list[Cluster]:
        return [c for c in self.clusters if c.label == PERSON]


def post_times(text: str) -> dict[str, str]:
    """Word → "former" or "current" ("бывший", "действующий"), from post_times.tsv."""
    return {row["lemma"]: row["time"] for row in tsv_rows(text)}


def post_time(doc: Doc, phrase: PostPhrase, times: dict[str, str]) -> str | None:
    """Whether a post phrase says the post is held now or was held ("бывший президент",
    "экс-президент", "действующего президента"); None when it does not say."""
    head = doc[phrase.head]
    words = [*doc[phrase.start : phrase.head], *(t for t in head.children if t.dep_ == "amod")]
    found = next((times[fold(t.lemma_)] for t in words if fold(t.lemma_) in times), None)
    prefix = fold(head.text).partition("-")[0]
    return found or (times.get(prefix) if "-" in head.text else None)


def address_genders(text: str) -> dict[str, str]:
    """Title of address → the gender it gives ("миссис" → Fem), from honorifics.tsv."""
    return {row["lemma"]: row["gender"] for row in tsv_rows(text) if row.get("gender")}


def addressed_gender(mention: Span, genders: dict[str, str]) -> str | None:
    """ "миссис Обама", "госпожа Ли": the gender the title of address before a name gives."""
    if mention.start == 0:
        return None
    return genders.get(fold(mention.doc[mention.start - 1].lemma_))


def is_addressed(cluster: Cluster, genders: dict[str, str]) -> bool:
    return any(addressed_gender(m, genders) for m in cluster.mentions)


def full_first_names(text: str) -> dict[str, frozenset[str]]:
    """Short form → the full first names it stands for ("саша" → александр, александра)."""
    names: dict[str, set[str]] = defaultdict(set)
    for row in tsv_rows(text):
        for short in row["short"].split("|"):
            names[fold(short)].add(fold(row["name"]))
    return {short: frozenset(full) for short, full in names.items()}


def link_names(
    mentions: list[Span], genders: dict[str, str], full_names: dict[str, frozenset[str]]
) -> list[Cluster]:
    """Pass 1: clusters of name, adjective and descriptor mentions."""
    clusters: list[Cluster] = []
    by_key: dict[tuple[str, str], Cluster] = {}
    persons = [m for m in mentions if m.label_ == PERSON]
    for mention in mentions:
        if mention.label_ == PERSON:
            continue
        outer = enclosing_organization(mention, mentions) or gloss_target(mention, mentions)
        key = group_key(outer or mention)
        if key not in by_key:
            by_key[key] = Cluster(mention.label_)
            clusters.append(by_key[key])
        by_key[key].mentions.append(mention)
        by_key.setdefault(group_key(mention), by_key[key])  # a later bare "ИГ" finds its gloss
    clusters = merge_organization_forms(clusters, mentions)
    clusters += link_persons(persons, mentions, genders, full_names)
    return clusters


def merge_organization_forms(clusters: list[Cluster], mentions: list[Span]) -> list[Cluster]:
    """One organisation under its forms in a document: "Минэкономразвития" and
    "Минэкономразвития РФ", "МИД России" and "Министерство иностранных дел РФ" (the same
    gazetteer name before the state), "ВОЗ" and "Всемирная организация здравоохранения" (the
    initials of the name). Forms with different states ("МИД России", "МИД Франции") stay
    apart, and a bare "МИД" joins a form with a state only when the document names one."""
    forms: dict[str, list[tuple[Cluster, str | None]]] = defaultdict(list)
    for cluster in clusters:
        for mention in cluster.mentions:
            if mention.label_ == ORG and mention._.kind == NAME:
                base, code = organization_form(mention, mentions)
                forms[base].append((cluster, code))
    for abbreviation in [base for base in forms if is_abbreviation(base)]:
        spelled = [
            base for base in forms if base != abbreviation and initials(base) == abbreviation
        ]
        if len(spelled) == 1:
            forms[spelled[0]] += forms.pop(abbreviation)
    merged_into: dict[int, Cluster] = {}
    for found in forms.values():
        codes: set[str | None] = {code for _, code in found if code}
        for code in codes or {None}:
            same = [c for c, other in found if other == code or (other is None and len(codes) < 2)]
            merge_clusters([merged_into.get(id(c), c) for c in same], merged_into)
    return [cluster for cluster in clusters if cluster.mentions]


def merge_clusters(clusters: list[Cluster], merged_into: dict[int, Cluster]) -> None:
    """All mentions into the first cluster; the others are left empty."""
    target = clusters[0]
    for cluster in clusters[1:]:
        if cluster is not target:
            target.mentions += cluster.mentions
            cluster.mentions = []
            merged_into[id(cluster)] = target


def organization_form(mention: Span, mentions: list[Span]) -> tuple[str, str | None]:
    """(the name of the innermost organisation at the mention's start, the code of the state
    that ends the mention or None): "Министерство иностранных дел РФ" → ("министерство
    иностранных дел", "RUS")."""
    inner = min(
        (
            m
            for m in mentions
            if m.label_ == ORG and m.start == mention.start and m.end <= mention.end
        ),
        key=len,
    )
    state = next(
        (
            m
            for m in mentions
            if m.label_ == STATE and m.end == mention.end and mention.start < m.start
        ),
        None,
    )
    base = quoted_core(inner) or group_key(inner)[1]
    return base, state._.code if state is not None else None


def quoted_core(mention: Span) -> str | None:
    """ "Госкорпорация «Росатом»", "агентство «Узатом»": a descriptor noun before a name in
    quote marks names the organisation by that name (folded), so it is one with "Росатом"."""
    doc = mention.doc
    opening = next((t.i for t in mention if t.text in QUOTES), None)
    closed = mention[-1].text in QUOTES  # or the closing mark the tagger left outside
    if opening is None or opening == mention.start or opening == mention.end - 1:
        return None
    if not closed and (mention.end >= len(doc) or doc[mention.end].text not in QUOTES):
        return None
    if not all(t.pos_ in {"NOUN", "ADJ", "PROPN"} for t in doc[mention.start : opening]):
        return None
    core = doc[opening + 1 : mention.end - closed]
    return " ".join(fold(t.text) for t in core) if len(core) else None


def is_abbreviation(base: str) -> bool:
    return " " not in base and 2 <= len(base) <= 6 and base.upper() != base.lower()


def initials(base: str) -> str:
    """ "всемирная организация здравоохранения" → "воз" (words of one letter left out)."""
    return "".join(word[0] for word in base.replace("-", " ").split() if len(word) > 1)


def group_key(mention: Span) -> tuple[str, str]:
    if mention.label_ == STATE and mention._.code:
        return STATE, mention._.code
    return mention.label_, " ".join(fold(word) for word in (mention._.norm or mention.text).split())


def enclosing_organization(mention: Span, mentions: list[Span]) -> Span | None:
    """ "МИД" inside "МИД России" names the same organisation."""
    if mention.label_ != ORG:
        return None
    return next(
        (
            m
            for m in mentions
            if m.label_ == ORG and m.start == mention.start and m.end > mention.end
        ),
        None,
    )


def gloss_target(mention: Span, mentions: list[Span]) -> Span | None:
    """ "Исламское государство (ИГ)", "Джей Зи (Jay Z)": a lone name in parentheses right after
    a mention of the same type (and its closing quote mark) glosses it; a person's gloss is a
    transliteration in Latin script (not "Бернс (Рой, Грин)")."""
    doc = mention.doc
    if mention.start < 2 or doc[mention.start - 1].text != "(":
        return None
    if mention.end >= len(doc) or doc[mention.end].text != ")":
        return None
    if mention.label_ == PERSON and not is_latin(mention.text):
        return None
    end = mention.start - 1
    while end > 0 and doc[end - 1].text in QUOTES:
        end -= 1
    return next(
        (m for m in mentions if m.end == end and m.label_ == mention.label_ and m._.kind == NAME),
        None,
    )


def is_latin(text: str) -> bool:
    return any("a" <= char.lower() <= "z" for char in text) and not any(
        "а" <= char.lower() <= "я" for char in text
    )


def link_persons(
    persons: list[Span],
    mentions: list[Span],
    genders: dict[str, str],
    full_names: dict[str, frozenset[str]],
) -> list[Cluster]:
    """Fullest names first; each other name joins the one person it is compatible with, and
    stays on its own when it fits none or several. A name after a title of address joins only
    a person of that gender ("миссис Обама" is not Барак Обама)."""
    clusters: list[Cluster] = []
    parts = {id(m): parse_name(m._.norm or m.text) for m in persons}
    glossed = {id(m): gloss_target(m, mentions) for m in persons}
    for mention in sorted(persons, key=lambda m: (-parts[id(m)].fullness, m.start)):
        target = glossed[id(mention)]
        glossed_cluster = next(
            (c for c in clusters if target is not None and any(m is target for m in c.mentions)),
            None,
        )
        if glossed_cluster is not None:
            glossed_cluster.mentions.append(mention)
            continue
        gender = addressed_gender(mention, genders)
        fitting = [
            c
            for c in clusters
            if compatible(parts[id(mention)], c.parts)
            and gender in {None, cluster_gender(c, genders) or gender}
        ]
        if gender is None:  # a bare "Обама" is Барак before it is "миссис Обама"
            fitting = [c for c in fitting if not is_addressed(c, genders)] or fitting
        fitting = [c for c in fitting if c.parts.alone] or fitting  # "Иванов" again: that one
        fitting = fitting or called_by_short_name(parts[id(mention)], clusters, full_names)
        if len(fitting) == 1:
            fitting[0].mentions.append(mention)
            if not parts[id(mention)].alone:
                fitting[0].parts = fitting[0].parts.merged(parts[id(mention)])
        else:
            clusters.append(Cluster(PERSON, [mention], parts[id(mention)]))
    return clusters


def called_by_short_name(
    parts: NameParts, clusters: list[Cluster], full_names: dict[str, frozenset[str]]
) -> list[Cluster]:
    """ "Доктор Лиза" in a text about Елизавета Глинка: a lone short form joins the one person
    whose first name it shortens (none when several fit)."""
    full = full_names.get(fold(parts.alone or ""), frozenset())
    return [c for c in clusters if c.parts.first and fold(c.parts.first) in full]


def link_references(
    doc: Doc, mentions: list[Span], links: Links, context: LinkContext, titles: bool, pronouns: bool
) -> list[Span]:
    """Passes 2 and 3: titles, then nominal mentions and pronouns in reading order."""
    added, nominals = [], []
    phrases = list(find_post_phrases(doc, mentions, context.posts)) if titles else []
    for phrase, person in zip(phrases, stacked_titles(phrases, doc, mentions), strict=True):
        cluster = links.cluster_of(person) if person is not None else None
        group = titled_group(phrase, doc, mentions) if cluster is None else []
        if cluster is not None:
            added.append(links.add(cluster, doc, phrase.start, phrase.end, TITLE))
            record_post(cluster, phrase, links)
        elif group:
            for name, own_phrase in group:
                if (named := links.cluster_of(name)) is not None:
                    record_post(named, own_phrase, links)
        elif is_referential(phrase, doc, context.role_nouns):
            nominals.append(phrase)
    events = [(p.start, p) for p in nominals]
    events += [(t.i, t) for t in pronoun_tokens(doc)] if pronouns else []
    for _, item in sorted(events, key=lambda event: event[0]):
        if isinstance(item, PostPhrase):
            head = doc[item.head]
            predicative = is_predicative(head)
            if predicative:
                cluster = clause_subject(head.head, links)
            else:
                cluster = resolve_nominal(item, doc, links, context)
            if cluster is not None:
                added.append(links.add(cluster, doc, item.start, item.end, TITLE))
                if item.post_class != ANY_CLASS and not predicative:
                    record_post(cluster, item, links)
        else:
            cluster = resolve_pronoun(item, links, context)
            if cluster is not None:
                added.append(links.add(cluster, doc, item.i, item.i + 1, PRONOUN))
    return added


def stacked_titles(phrases: list[PostPhrase], doc: Doc, mentions: list[Span]) -> list[Span | None]:
    """The person each post phrase is a title of (`title_of`); a title before a comma and
    another title of the same case is that one's person's too ("Вице-премьер, министр финансов
    Антон Силуанов")."""
    persons = [title_of(phrase, doc, mentions) for phrase in phrases]
    for index in reversed(range(len(phrases) - 1)):
        phrase, following = phrases[index], phrases[index + 1]
        if (
            persons[index] is None
            and persons[index + 1] is not None
            and phrase.end < len(doc)
            and doc[phrase.end].text == ","
            and following.start == phrase.end + 1
            and doc[phrase.head].morph.get("Case", []) == doc[following.head].morph.get("Case", [])
        ):
            persons[index] = persons[index + 1]
    return persons


def is_predicative(token: Token) -> bool:
    """ "был назначен епископом", "стал президентом": a post in the instrumental after a verb
    says what the subject became."""
    return "Ins" in token.morph.get("Case", []) and token.head.pos_ in {"VERB", "AUX"}


def clause_subject(verb: Token, links: Links) -> Cluster | None:
    """The person whose name or pronoun is the subject of a predicative post's verb ("он был
    назначен епископом" → whom "он" stands for); no one else by salience, and no one when the
    verb is negated ("не стал директором"). The post is the relation stage's to read, not a
    position given here."""
    if any(fold(child.lemma_) == "не" for child in verb.children):
        return None
    return next(
        (
            cluster
            for cluster in links.persons()
            for mention in cluster.mentions
            if mention.root.dep_ in SUBJECT_DEPS and mention.root.head == verb
        ),
        None,
    )


def record_post(cluster: Cluster, phrase: PostPhrase, links: Links) -> None:
    """Every post is kept; the first the text gives a person becomes the entity's position."""
    owner = links.owner_of(phrase)
    cluster.titles.append((phrase, id(owner) if owner is not None else None))
    if cluster.post is not None:
        return
    cluster.post, cluster.post_class, cluster.post_at = phrase.post, phrase.post_class, phrase.start
    cluster.owner = id(owner) if owner is not None else None


def is_subject(mention: Span, posts: PostLexicon) -> bool:
    """The mention (or the title or name it is coordinated or in apposition with) is a
    subject: "Касым-Жомарт Токаев и Эмомали Рахмон провели", "Президент Таджикистана Эмомали
    Рахмон подчеркнул", "Режиссёром станет лауреат фестиваля Оксана Карас" (a noun for a
    person)."""
    root = mention.root
    head = root.head
    return root.dep_ in SUBJECT_DEPS or (
        head.dep_ in SUBJECT_DEPS
        and (root.dep_ == "conj" or (root.dep_ == "appos" and names_a_person(head, posts)))
    )


def names_a_person(token: Token, posts: PostLexicon) -> bool:
    """A post ("президент") or another animate noun ("лауреат"; not "уважаемый" in an address,
    which the tagger may take for a noun)."""
    animate = token.pos_ == "NOUN" and "Anim" in token.morph.get("Animacy", [])
    noun = any(parse.tag.POS == "NOUN" for parse in word_parses(token.text))
    return (animate and noun) or bool(match_post(token.doc, token.i, posts))


def weight(mention: Span, posts: PostLexicon) -> float:
    """Subjects make a person salient; an aside (an address inside a quote: "уважаемый
    Эмомали Шарипович") hardly does."""
    if is_subject(mention, posts):
        return 2.0
    return 0.5 if mention.root.dep_ in ASIDE_DEPS else 1.0


def salience(cluster: Cluster, position: int, context: LinkContext) -> float:
    """Weighted mentions before `position`, fading with sentence distance."""
    sentence_of, decay = context.sentence_of, context.thresholds.salience_decay
    here = sentence_of[position]
    return sum(
        weight(m, context.posts) * decay ** (here - sentence_of[m.start])
        for m in cluster.mentions
        if m.start < position
    )


def recent_subject(
    candidates: list[Cluster], position: int, context: LinkContext, window: int
) -> Cluster | None:
    """The candidate that is the subject of the nearest sentence (this one or up to `window`
    back) whose subject is one of the candidates; None when that sentence has two."""
    sentence_of = context.sentence_of
    here = sentence_of[position]
    for distance in range(window + 1):
        subjects = [
            c
            for c in candidates
            if any(
                m.start < position
                and here - sentence_of[m.start] == distance
                and is_subject(m, context.posts)
                for m in c.mentions
            )
        ]
        if subjects:
            return subjects[0] if len(subjects) == 1 else None
    return None


def clear_winner(scored: list[tuple[float, Cluster]], margin: float) -> Cluster | None:
    """The best candidate if it is `margin` times as salient as the next, else None (unsure
    means unresolved)."""
    scored = sorted((item for item in scored if item[0] > 0), key=lambda item: -item[0])
    if not scored:
        return None
    if len(scored) > 1 and scored[0][0] < margin * scored[1][0]:
        return None
    return scored[0][1]


def resolve_nominal(
    phrase: PostPhrase, doc: Doc, links: Links, context: LinkContext
) -> Cluster | None:
    """The person a bare post phrase refers to, or None. A post said to be held now is not the
    post of a person the text calls former, nor of one the text gives no post."""
    persons = [c for c in links.persons() if any(m.start < phrase.start for m in c.mentions)]
    current = post_time(doc, phrase, context.post_times) == "current"
    if current:
        persons = [
            c
            for c in persons
            if all(post_time(doc, t, context.post_times) != "former" for t, _ in c.titles)
        ]
    owner_cluster = links.owner_of(phrase)

    def holds(cluster: Cluster) -> bool:
        return (
            cluster.holds_before(phrase.start)
            and cluster.post_class is not None
            and classes_match(cluster.post_class, phrase.post_class)
        )

    if owner_cluster is not None:
        candidates = [
            c
            for c in persons
            if holds(c)
            and (c.owner == id(owner_cluster) or heads_ministry(c, owner_cluster, links))
        ]
    else:
        candidates = [c for c in persons if holds(c)]
        if not candidates and phrase.post_class in FALLBACK_CLASSES and not current:
            candidates = [c for c in persons if not c.holds_before(phrase.start)]
    window = context.thresholds.nominal_window
    if not candidates and owner_cluster is not None and owner_cluster.label == STATE:
        # "российский лидер" after "Владимир Путин", whom the text never gave a post: only a
        # subject, the one person so far with no post, the subject of the sentence before
        untitled = [c for c in persons if c.post is None]
        here = context.sentence_of[phrase.start]
        if (
            phrase.post_class in FALLBACK_CLASSES
            and not current
            and doc[phrase.head].dep_ in SUBJECT_DEPS
            and len(untitled) == 1
            and not any(context.sentence_of[m.start] == here for m in untitled[0].mentions)
        ):
            return recent_subject(untitled, phrase.start, context, 1)
    return recent_subject(candidates, phrase.start, context, window) or clear_winner(
        [(salience(c, phrase.start, context), c) for c in candidates],
        context.thresholds.clear_margin,
    )


def heads_ministry(person: Cluster, ministry: Cluster, links: Links) -> bool:
    """ "глава МИД Армении" is the "министр иностранных дел Армении" the text named before: a
    title of the person is the ministry's name with "министр" for "министерство", and of the
    state the ministry's name holds."""
    name = fold(cluster_name(ministry, written=False)).split()
    if ministry.label != ORG or name[:1] != ["министерство"]:
        return False
    doc = ministry.mentions[0].doc
    for phrase, owner in person.titles:
        end = phrase.of_start if phrase.of_start is not None else phrase.end
        words = fold(doc[phrase.start : end].text).split()
        state = next((c for c in links.clusters if id(c) == owner), None)
        if (
            words[:1] == ["министр"]
            and len(words) > 1
            and name[1 : len(words)] == words[1:]
            and state is not None
            and state.label == STATE
            and any(
                inner.start >= outer.start and inner.end <= outer.end
                for inner in state.mentions
                for outer in ministry.mentions
            )
        ):
            return True
    return False


def pronoun_tokens(doc: Doc):
    """Third-person singular pronouns and possessives that may point to a person."""
    for token in doc:
        gender = pronoun_gender(token)
        if gender is not None:
            yield token


def pronoun_gender(token: Token) -> str | None:
    """Masc or Fem for a third-person singular pronoun or possessive, by its form."""
    if token.pos_ not in {"PRON", "DET"} or "Plur" in token.morph.get("Number", []):
        return None
    return PRONOUN_GENDER.get(fold(token.text))


def cluster_gender(cluster: Cluster, genders: dict[str, str]) -> str | None:
    """A title of address decides ("миссис Обама"); else the morphology of the names."""
    addressed = next((g for m in cluster.mentions if (g := addressed_gender(m, genders))), None)
    if addressed:
        return addressed
    votes: dict[str, int] = defaultdict(int)
    for mention in cluster.mentions:
        if mention._.kind == NAME:
            for token in mention:
                for gender in token.morph.get("Gender", []):
                    votes[gender] += 1
    return max(votes, key=votes.__getitem__) if votes else None


def resolve_pronoun(token: Token, links: Links, context: LinkContext) -> Cluster | None:
    """The subject of the nearest sentence before (or of this one) that has a person of the
    pronoun's gender, else the clearly most salient such person nearby; else None."""
    sentence_of, window = context.sentence_of, context.thresholds.pronoun_window
    gender, here = pronoun_gender(token), sentence_of[token.i]
    speakers = quote_speakers(token, links, context)
    nearby = [
        c
        for c in links.persons()
        if c.gender == gender
        and all(c is not speaker for speaker in speakers)
        and any(m.start < token.i and here - sentence_of[m.start] <= window for m in c.mentions)
    ]
    found = parallel_antecedent(token, nearby, context) or recent_subject(
        nearby, token.i, context, window
    )
    if found is not None:
        return found
    return clear_winner(
        [(salience(c, token.i, context), c) for c in nearby], context.thresholds.clear_margin
    )


def quote_speakers(token: Token, links: Links, context: LinkContext) -> list[Cluster]:
    """Whoever speaks the direct quote a pronoun is in: «Я желаю ему всего хорошего», — сказал
    Трамп. "ему" is someone else, for the speaker says "я"; the speaker is a person who is a
    subject on the quote's line, outside its quote marks."""
    line = context.quoted_line.get(token.i)
    if line is None:
        return []
    return [
        cluster
        for cluster in links.persons()
        if any(
            context.line_of[m.start] == line
            and m.start not in context.quoted_line
            and m._.kind != PRONOUN
            and is_subject(m, context.posts)
            for m in cluster.mentions
        )
    ]


def parallel_antecedent(
    token: Token, nearby: list[Cluster], context: LinkContext
) -> Cluster | None:
    """A pronoun that is no subject goes to the one person of its gender named in a role other
    than subject before it: in its own sentence ("Трамп знает, как обстоят дела у Ким Чен Ына,
    и надеется, что с ним всё в порядке"; "другом Елизаветы Глинки и работал в её фонде"), or,
    for a personal pronoun, in the sentence before ("о здоровье Ким Чен Ына. Я желаю ему…").
    None when there are several or none (then the recent subject is the antecedent)."""
    if token.dep_ in SUBJECT_DEPS:
        return None
    here = context.sentence_of[token.i]
    for distance in (0, 1) if token.pos_ == "PRON" else (0,):
        found = [
            cluster
            for cluster in nearby
            if any(
                m.start < token.i
                and m._.kind == NAME
                and here - context.sentence_of[m.start] == distance
                and not is_subject(m, context.posts)
                for m in cluster.mentions
            )
        ]
        if found:
            return found[0] if len(found) == 1 else None
    return None


def entity_record(cluster: Cluster, entity_id: int, clusters: list[Cluster]) -> EntityRecord:
    code = next((m._.code for m in cluster.mentions if m._.code), None)
    owner = next((c for c in clusters if id(c) == cluster.owner), None)
    parts = cluster.parts
    return EntityRecord(
        entity_id,
        cluster.label,
        cluster_name(cluster),
        code,
        cluster.post,
        cluster_name(owner) if owner is not None else None,
        len(cluster.mentions),
        parts.first,
        parts.patronymic,
        parts.last,
        cluster_name(cluster, written=False) if cluster.label == ORG else None,
    )


def cluster_name(cluster: Cluster, written: bool = True) -> str:
    """The canonical name: a state's gazetteer name, a person's fullest name; an
    organisation's name as this text writes it (`written`: "ЕС", "Россельхознадзор" of
    "Федеральная служба по ветеринарному и фитосанитарному надзору (Россельхознадзор)"),
    else the longest nominative name (the gazetteer's "Европейский союз", the same in every
    document)."""
    pool = [m for m in cluster.mentions if m._.kind == NAME] or cluster.mentions
    if written and cluster.label == ORG:
        return written_name(pool)
    names = [m._.norm or m.text for m in pool]
    if cluster.label == STATE:
        return names[0]
    if cluster.label == PERSON:  # a name with its last name first: "Эмомали Рахмон"
        return name_order(
            max(
                names,
                key=lambda name: (
                    bool(parse_name(name).last),
                    parse_name(name).fullness,
                    len(name),
                ),
            )
        )
    return max(names, key=len)


def written_name(mentions: list[Span]) -> str:
    """The name the text gives an organisation, as a reader would write it: a one-word name
    ("Евросоюз", "Еврокомиссия", "Россельхознадзор") before an acronym ("ЕС") or a name
    spelled out in words; then the form used most, then the shorter ("ВОЗ" for "Всемирная
    организация здравоохранения (ВОЗ) … ВОЗ"). An acronym or a foreign name glossing another
    in parentheses is no use of its own ("Корпорация развития Дальнего Востока (КРДВ)" once is
    that name), nor a name inside a longer one of the same body ("МИД" in "МИД России")."""
    outermost = [
        m
        for m in mentions
        if not any(o.start <= m.start and m.end <= o.end and len(o) > len(m) for o in mentions)
    ]
    glosses = [m for m in outermost if gloss_target(m, mentions) and not is_one_word_name(m.text)]
    forms = Counter(map(written_form, [m for m in outermost if m not in glosses] or outermost))
    return min(forms, key=lambda form: (not is_one_word_name(form), -forms[form], len(form), form))


def written_form(mention: Span) -> str:
    """A mention's name in the nominative as written, except an acronym that the gazetteer
    lists under a one-word name: "ЕК" reads "Еврокомиссия", while "ЕС", an alias of
    "Европейский союз", and "ООН", a gazetteer name itself, stay as written."""
    written = written_as_text(phrase_nominative(mention), cased=False)
    listed = mention._.norm
    if written.isupper() and listed and listed != written and is_one_word_name(listed):
        return listed
    return written


def is_one_word_name(form: str) -> bool:
    """ "Евросоюз", "Газпром", not "ЕС" (an acronym) or "Европейский союз"."""
    word = form.strip('«»"')
    return " " not in word and not word.isupper()


def name_order(name: str) -> str:
    """A decree's surname-first form in the order of news text: "Лавров Сергей Викторович" →
    "Сергей Лавров" (the patronymic stays in its column). Only with a patronymic or a first name
    the dictionary knows: "Ван И", "Хань Чжэн" are Chinese names in their own order."""
    parts, words = parse_name(name), name_words(name)
    surname_first = parts.first and parts.last and len(words) > 1 and words[0] == parts.last
    if surname_first and (parts.patronymic or is_known_first_name(parts.first or "")):
        return f"{parts.first} {parts.last}"
    return name


def is_known_first_name(word: str) -> bool:
    """ "Иван", "Джон": a first name of pymorphy3's dictionary, not a guess ("Чжэн") or an
    initial ("И")."""
    return any(
        parse.is_known and "Name" in parse.tag and "Init" not in parse.tag
        for parse in word_parses(word)
    )


@Language.factory(
    "ru_news_linking",
    default_config={
        "resolve_titles": True,
        "resolve_pronouns": True,
        "salience_decay": 0.9,
        "clear_margin": 1.5,
        "pronoun_window": 2,
        "nominal_window": 10,
        "rules": RULE_FILES,
    },
    assigns=[
        "doc.spans",
        "doc._.entities",
        "doc._.posts",
        "span._.entity_id",
        "span._.kind",
        "span._.norm",
    ],
    requires=[
        "doc.spans",
        "span._.norm",
        "span._.code",
        "span._.kind",
        "token.lemma",
        "token.morph",
        "token.dep",
        "token.head",
    ],
)
def make_linker(
    nlp: Language,
    name: str,
    resolve_titles: bool,
    resolve_pronouns: bool,
    salience_decay: float,
    clear_margin: float,
    pronoun_window: int,
    nominal_window: int,
    rules: dict[str, str],
) -> Linker:
    thresholds = Thresholds(salience_decay, clear_margin, pronoun_window, nominal_window)
    return Linker(name, resolve_titles, resolve_pronouns, thresholds, rules)
