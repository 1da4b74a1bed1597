"""Stage 8: direct and indirect speech, each linked to its speaker.

Most quotes in news are indirect, so punctuation rules alone find few of them. This stage
reads the quote marks and the dependency parse together:

- direct speech: a quoted span attributed after it ("«…», — сказал он"), before it with a colon
  ("Лавров заявил: «…»"), split by its attribution ("«…, — сказал он. — …»"), a cue line ending
  in a colon with the quote on the next line (Wikinews), interview lines ("Иван Петров: …");
- indirect speech: a cue with a что-clause ("заявил, что …"), an object ("констатировал успешное
  развитие …"), a на-phrase ("обратил внимание на …"), a parenthetical source ("по словам X, …",
  "как заявил X, …", "…, передает ТАСС"), and a pointer back ("Об этом сообщил министр": the
  content is the sentence before).

The speaker is the subject of the cue (the genitive after "по словам"), resolved through entity
linking: "сказал Президент" names the person the title was linked to. Unnamed sources keep their
words in `speaker_text` with no entity. Quoted phrases with no cue ("так называемая «оттепель»",
"роман «Война и мир»") are not quotes. Content offsets never include quote marks or the cue.

Cue span (`cue_start`..`cue_end`), as in PARC: the cue's words ("сказал", "по словам", "обратил
внимание") plus the preposition the cue governs right after it ("указывает на", "заявил о"); not
the complementizer ("что" opens the content), not punctuation, not "как" of "как заявил".
Reporting without a named subject: an impersonal cue ("говорится в заявлении МИД") or an
indefinite-personal one ("как сообщили в пресс-службе") takes the document or institution as
the speaker. Gerunds ("сказав, что …") and a named first person ("я утверждаю, что …") report
only through a clause; a negated cue attributes nothing around it; a cue inside direct speech
belongs to the quote, not to the narrative.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .entities import MentionIndex
from .gazetteer import fold, lemmas_match
from .lexicon import LemmaSequences
from .rules import RuleComponent, RuleFiles, lines, tsv_rows
from .schema import ADJECTIVE, MENTIONS_KEY, NAME, PERSON
from .tokenizer import sentence_ids
from .ud import ABOUT, NAME_PARTS, SUBJECT_DEPS, preposition

OPENING = {"«": "»", "„": "“", "“": "”", "‘": "’"}
DASHES = {"—", "–", "-", "−"}
CLAUSE_DEPS = {"ccomp", "xcomp", "parataxis", "advcl", "acl"}
POINTER_WORDS = {"это", "этот", "такой"}  # "Об этом заявил", "О таких планах сообщил"
POSSESSIVES = {"его", "её", "ее", "их"}
STRAIGHT = '"'
CLAUSE_END = {".", ",", ";", ":", "!", "?", "…", "—", "–", "-"}
COMPLEMENTIZERS = {"что", "чтобы", "будто"}  # "говорил, будто …" reports as "что" does
PARENTHESIS_OPEN = {",", "—", "–", "-", "("}
PERSONAL_PRONOUNS = {"он", "она"}
CLAUSE_BREAKS = {".", ";", ":", "—", "–", "!", "?"}  # no speaker phrase runs across these
RELATIVES = {"который"}  # "Дёмушкин, который успел заявить": the speaker is the noun before
RULE_FILES = {
    "cues": "speech_cues.tsv",
    "own_speakers": "quote_own_speakers.txt",
    "org_voices": "quote_org_voices.txt",
    "org_anaphors": "quote_org_anaphors.tsv",
}
RUN_SENTENCES = 5  # how far back "он" or "чиновник" may take the last person quoted
ROLE_TYPES = {"person": PERSON, "organisation": "ORG", "outlet": "ORG"}  # who a run carries


@dataclass(frozen=True)
class Quote:
    """One quote as stored on `doc._.quotes` (see the quotes table)."""

    quote_id: int
    kind: str
    start: int
    end: int
    text: str
    speaker: str | None
    speaker_id: int | None
    speaker_text: str | None
    speaker_start: int | None
    speaker_end: int | None
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    sentence_id: int
    via: str | None  # the outlet relaying a named speaker's words: "…, передает ТАСС"
    quote_group: int  # quote_id of the first row of one statement made by several speakers


@dataclass(frozen=True)
class Found:
    """A quote before numbering: content and cue as char ranges, speaker as a token."""

    kind: str
    start: int
    end: int
    cue: str | None
    cue_span: tuple[int, int] | None
    speaker: Token | None
    speaker_span: tuple[int, int] | None = None  # an explicit speaker (interview lines)
    via: Token | None = None  # the outlet that relays the speaker's words
    relaying: bool = False  # a parenthetical source ("…, передает ТАСС") that may relay another


CueLexicon = LemmaSequences[str]  # cue lemmas → frame ("обратить внимание" → on)


def cue_lexicon(text: str) -> CueLexicon:
    """The cues of a speech_cues.tsv rule file."""
    return LemmaSequences((row["cue"], row["frame"]) for row in tsv_rows(text))


@dataclass(frozen=True, slots=True)
class QuoteContext:
    """What the quote rules read for one document. spaCy rebuilds `doc.text` from every token
    on each access, and the rules read it hundreds of times, so it is taken once here."""

    doc: Doc
    text: str
    mentions: MentionIndex
    cues: CueLexicon
    own_speakers: frozenset[str]  # "представитель", "источник": never the person inside or before
    org_voices: frozenset[str]  # "представитель": the voice of the organisation in its phrase
    org_anaphors: dict[str, str]  # "агентство" → outlet, "ведомство" → organisation quoted before
    speaker_words: int  # at most this many words of an unnamed speaker ("источник в правительстве")
    attribution_reach: int  # tokens after a dash in which the cue verb must appear


def cue_at(token: Token, cues: CueLexicon) -> tuple[tuple[str, ...], str] | None:
    """The cue (lemmas, frame) that starts at this token, if any; "по его словам" is "по
    словам" with the possessive source inside it."""
    doc = token.doc
    for lemmas, frame in cues.starting_with(token.lemma_):
        if lemmas_match(doc, token.i, lemmas):
            return lemmas, frame
        if frame == "words" and words_object(token, lemmas):
            return lemmas, frame
        if frame in {"according", "words"} and token.i + len(lemmas) < len(doc):
            possessive = doc[token.i + 1]
            if fold(possessive.text) in POSSESSIVES and lemmas_match(doc, token.i + 2, lemmas[1:]):
                return (lemmas[0], fold(possessive.text), *lemmas[1:]), frame
    return None


def words_object(token: Token, lemmas: tuple[str, ...]) -> bool:
    """ "— приводит агентство его слова": the words are the verb's object, the outlet between."""
    return len(lemmas) == 2 and any(
        c.dep_ == "obj" and c.i > token.i and fold(c.lemma_) == lemmas[1] for c in token.children
    )


def is_cue_verb(token: Token, cues: CueLexicon) -> bool:
    """A speech verb or predicative ("заявил", "уверен"), not a cue phrase ("по словам")."""
    found = cue_at(token, cues)
    return found is not None and found[1] != "according" and token.pos_ in {"VERB", "ADJ", "AUX"}


# ---------------------------------------------------------------------------------------------
# Quote marks
# ---------------------------------------------------------------------------------------------


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(open, close) char positions of outermost quote-mark pairs, line by line; unpaired marks
    are ignored."""
    pairs = []
    for line in re.finditer(r"[^\n]+", text):
        pairs += [(line.start() + a, line.start() + b) for a, b in line_pairs(line.group())]
    return pairs


def line_pairs(line: str) -> list[tuple[int, int]]:
    stack: list[tuple[str, int]] = []
    pairs = []
    for index, char in enumerate(line):
        closes = stack and (
            char == OPENING.get(stack[-1][0])
            or (char == "“" and stack[-1][0] == "“")
            or (char == STRAIGHT == stack[-1][0])
        )
        if closes and not (char == STRAIGHT and opens_straight(line, index)):
            _, start = stack.pop()
            if not stack:
                pairs.append((start, index))
        elif char in OPENING or (char == STRAIGHT and opens_straight(line, index)):
            stack.append((char, index))
        elif char == STRAIGHT and stack and stack[-1][0] == STRAIGHT:
            _, start = stack.pop()
            if not stack:
                pairs.append((start, index))
    return pairs


def opens_straight(line: str, index: int) -> bool:
    """A straight quote opens after a space, a bracket or a dash and before a word."""
    before = line[index - 1] if index else " "
    after = line[index + 1] if index + 1 < len(line) else " "
    return (before.isspace() or before in "([{—–-:") and not after.isspace()


# ---------------------------------------------------------------------------------------------
# The stage
# ---------------------------------------------------------------------------------------------


class QuoteFinder(RuleComponent):
    """Fills `doc._.quotes`; reads tokens, the parse and linked mentions, never re-parses."""

    def __init__(
        self, name: str, speaker_words: int, attribution_reach: int, rules: dict[str, str]
    ):
        self.name = name
        self.speaker_words = speaker_words
        self.attribution_reach = attribution_reach
        self.rules = RuleFiles(rules)

    def context(self, doc: Doc) -> QuoteContext:
        return QuoteContext(
            doc,
            doc.text,
            MentionIndex(doc.spans.get(MENTIONS_KEY, [])),
            self.rules.built("cues", cue_lexicon),
            self.rules.built("own_speakers", lambda text: frozenset(lines(text))),
            self.rules.built("org_voices", lambda text: frozenset(lines(text))),
            self.rules.built(
                "org_anaphors", lambda text: {r["lemma"]: r["points_to"] for r in tsv_rows(text)}
            ),
            self.speaker_words,
            self.attribution_reach,
        )

    def __call__(self, doc: Doc) -> Doc:
        ctx = self.context(doc)
        used: set[int] = set()  # cue tokens already attributed
        direct = list(direct_quotes(ctx, used))
        found = relayed(ctx, direct + list(indirect_quotes(ctx, used)))
        inside = [(q.start, q.end) for q in found if q.kind == "direct"]
        found = [
            q
            for q in found
            if q.kind == "direct" or (not overlaps_any(q, inside) and not cue_inside(q, inside))
        ]
        found.sort(key=lambda q: q.start)
        doc._.quotes = [asdict(row) for row in records(ctx, found)]
        return doc


def relayed(ctx: QuoteContext, found: list[Found]) -> list[Found]:
    """An outlet's attribution around another source's words relays them: "Об этом заявил
    министр Антон Силуанов, передает ТАСС", "По ее словам, …, пишет Reuters". The outlet becomes
    the `via` of the quotes whose cues it spans, not a quote of its own; an outlet that is the
    only source ("как сообщает ТАСС, …") stays the speaker."""
    via: dict[int, Token] = {}
    relays = set()
    for relay in found:
        if not relay.relaying or relay.speaker is None or not is_outlet(ctx, relay.speaker):
            continue
        inner = [
            number
            for number, quote in enumerate(found)
            if quote is not relay
            and quote.cue_span is not None
            and relay.start <= quote.cue_span[0] < relay.end
        ]
        if inner:
            relays.add(id(relay))
            via.update((number, relay.speaker) for number in inner)
    return [
        replace(quote, via=quote.via or via[number]) if number in via else quote
        for number, quote in enumerate(found)
        if id(quote) not in relays
    ]


def is_outlet(ctx: QuoteContext, token: Token | None) -> bool:
    """A source that may relay another's words: not a person, not a pronoun ("по его словам")."""
    return (
        token is not None
        and token.pos_ in {"NOUN", "PROPN"}
        and not any(m.label_ == PERSON for m in ctx.mentions.covering(token.i))
    )


def attributed_quote(ctx: QuoteContext, start: int, end: int, cue: Token) -> Found:
    """Direct speech with its cue, speaker and relaying outlet."""
    split = start <= cue.idx < end  # "«…, — сказал он. — …»": the attribution is inside
    speaker, via = sources(ctx, cue, None if split else (start, end))
    return Found("direct", start, end, cue_lemma(ctx, cue), cue_range(ctx, cue), speaker, via=via)


def overlaps_any(quote: Found, ranges: list[tuple[int, int]]) -> bool:
    return any(quote.start < end and start < quote.end for start, end in ranges)


def cue_inside(quote: Found, ranges: list[tuple[int, int]]) -> bool:
    """A cue inside direct speech ("«Я думаю, что …»") is the quoted person's, not a report."""
    return quote.cue_span is not None and any(
        start <= quote.cue_span[0] and quote.cue_span[1] <= end for start, end in ranges
    )


def direct_quotes(ctx: QuoteContext, used: set[int]) -> Iterator[Found]:
    for open_at, close_at in quoted_spans(ctx.text):
        yield from attributed(ctx, open_at, close_at, used)
    yield from colon_lines(ctx, used)
    yield from colon_clauses(ctx, used)
    yield from dialogue_lines(ctx, used)
    yield from interview_lines(ctx)


def attributed(ctx: QuoteContext, open_at: int, close_at: int, used: set[int]) -> Iterator[Found]:
    """A quoted span with a cue after it, before it with a colon, or inside it."""
    start, end = strip_range(ctx.text, open_at + 1, close_at)
    if end <= start:
        return
    inner = split_by_attribution(ctx, start, end)
    if inner is not None:  # one quote over both parts, the attribution inside it
        (first, second), cue = inner
        used.add(cue.i)
        yield attributed_quote(ctx, first[0], second[1], cue)
        return
    cue = cue_after(ctx, close_at) or cue_before_colon(ctx, open_at) or naming_cue(ctx, start, end)
    if cue is not None and cue.i not in used:
        used.add(cue.i)
        yield attributed_quote(ctx, start, end, cue)


def strip_range(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return start, end


def token_after(ctx: QuoteContext, char: int) -> Token | None:
    """The first word token starting at or after `char` (spaCy's binary search, not a scan)."""
    doc = ctx.doc
    span = (
        doc.char_span(char, len(ctx.text), alignment_mode="contract")
        if char < len(ctx.text)
        else None
    )
    return next((token for token in span or [] if not token.is_space), None)


def cue_after(ctx: QuoteContext, close_at: int) -> Token | None:
    """ "«…», — сказал он": a dash after the closing mark, then a cue verb within a few words."""
    doc = ctx.doc
    match = re.match(r"[\s,.!?…]*[—–−-]\s*", ctx.text[close_at + 1 :])
    if not match or "\n" in match.group():
        return None
    first = token_after(ctx, close_at + 1 + match.end())
    if first is None:
        return None
    window = doc[first.i : min(first.i + ctx.attribution_reach, len(doc))]
    return next((t for t in window if is_cue_verb(t, ctx.cues) and t.sent == first.sent), None)


def cue_before_colon(ctx: QuoteContext, open_at: int) -> Token | None:
    """ "Лавров заявил: «…»": a colon before the opening mark, a cue verb before the colon."""
    doc = ctx.doc
    before = ctx.text[:open_at].rstrip(" \t")
    if not before.endswith(":"):
        return None
    colon = doc.char_span(len(before) - 1, len(before), alignment_mode="expand")
    if colon is None:
        return None
    sentence = colon[0].sent
    candidates = [t for t in sentence if t.i < colon.start and is_cue_verb(t, ctx.cues)]
    return candidates[-1] if candidates else None


def naming_cue(ctx: QuoteContext, start: int, end: int) -> Token | None:
    """ "назвав его «непростительным оскорблением»": quoted words in the instrumental after a
    naming verb (frame "name") of a speaker, finite or a gerund; not a participle ("островов,
    называемых в Японии «северными территориями»"), not a name in the nominative ("назвали
    компанию «Ромашка»"), not without someone who names."""
    span = ctx.doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    verb = span.root.head
    found = cue_at(verb, ctx.cues)
    if found is None or found[1] != "name" or cue_form(verb) not in {"Fin", "Conv"}:
        return None
    # someone who names: the verb's own subject, or a gerund's ("контракты, которые называет
    # «кабальными»" are nobody's words; "…, а Хинштейн назвал его «вруном»" no conjunct's)
    names = any(c.dep_ in SUBJECT_DEPS for c in verb.children) or (
        is_gerund(verb) and subject_of(verb) is not None
    )
    return verb if "Ins" in span.root.morph.get("Case", []) and names else None


def split_by_attribution(ctx: QuoteContext, start: int, end: int):
    """ "«Мы готовы, — сказал он. — Но не сейчас»": content before and after the attribution."""
    doc = ctx.doc
    text = ctx.text[start:end]
    for match in re.finditer(r"[,.!?…]?\s+[—–]\s+", text):
        cue_token = token_after(ctx, start + match.end())
        if cue_token is None or cue_token.idx >= end:
            continue
        window = doc[cue_token.i : min(cue_token.i + ctx.attribution_reach, len(doc))]
        cue = next((t for t in window if is_cue_verb(t, ctx.cues)), None)
        if cue is None:
            continue
        rest = re.search(r"[.,:]\s+[—–]\s+", ctx.text[cue.idx : end])
        if rest is None:
            continue
        first = strip_range(
            ctx.text, start, start + match.start() + (1 if text[match.start()] in "!?…" else 0)
        )
        second = strip_range(ctx.text, cue.idx + rest.end(), end)
        if first[1] > first[0] and second[1] > second[0]:
            return (first, second), cue
    return None


def lines_after_colons(text: str) -> Iterator[tuple[int, tuple[int, int]]]:
    """(colon offset, (start, end) of the next non-blank line) for each line ending in a colon;
    one pass over the lines (a regex over the whole text backtracks on long lines)."""
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    for (start, end), following in zip(lines, lines[1:], strict=False):
        stripped = text[start:end].rstrip(" \t")
        if stripped.endswith(":") and text[following[0] : following[1]].strip():
            yield start + len(stripped) - 1, following


def colon_lines(ctx: QuoteContext, used: set[int]) -> Iterator[Found]:
    """A line ending in a colon after a cue, and the next line as the quote (Wikinews)."""
    doc = ctx.doc
    for colon_at, line in lines_after_colons(ctx.text):
        quote_start, quote_end = strip_range(ctx.text, *line)
        if (
            quote_end <= quote_start
            or ctx.text[quote_start] in OPENING
            or (ctx.text[quote_start] == STRAIGHT)
        ):
            continue
        colon = doc.char_span(colon_at, colon_at + 1, alignment_mode="expand")
        cues = (
            [t for t in colon[0].sent if t.i < colon.start and is_cue_verb(t, ctx.cues)]
            if colon
            else []
        )
        if cues and cues[-1].i not in used:
            cue = cues[-1]
            used.add(cue.i)
            yield attributed_quote(ctx, quote_start, quote_end, cue)


def colon_clauses(ctx: QuoteContext, used: set[int]) -> Iterator[Found]:
    """ "Он сказал: мы готовы." — a cue, a colon and the quote without marks, in one line."""
    doc = ctx.doc
    for colon in doc:
        if colon.text != ":" or colon.i + 1 >= len(doc):
            continue
        nxt = doc[colon.i + 1]
        if nxt.is_space or nxt.text in OPENING or nxt.text == STRAIGHT or nxt.sent != colon.sent:
            continue
        cues = [
            t
            for t in colon.sent
            if colon.i - ctx.attribution_reach <= t.i < colon.i
            and is_cue_verb(t, ctx.cues)
            and t.i not in used
        ]
        start, end = strip_range(ctx.text, nxt.idx, colon.sent.end_char)
        end = (
            end - 1
            if end > start
            and ctx.text[end - 1] in ".!?…"
            and ctx.text[start:end].count("(") == ctx.text[start:end].count(")")
            else end
        )
        if cues and end > start:
            cue = cues[-1]
            used.add(cue.i)
            yield attributed_quote(ctx, start, end, cue)


def dialogue_lines(ctx: QuoteContext, used: set[int]) -> Iterator[Found]:
    """ "— Мы готовы, — сказал он. — Но не сейчас." — direct speech opened by a dash."""
    doc = ctx.doc
    for line in re.finditer(r"(?m)^[ \t]*[—–][ \t]*(\S[^\n]*)$", ctx.text):
        inner = split_by_attribution(ctx, line.start(1), line.end(1))
        if inner is not None:  # one quote over both parts, the attribution inside it
            (first, second), cue = inner
            parts = [(first[0], second[1])]
        else:
            match = re.search(r"[,.!?…]?\s+[—–]\s+", line.group(1))
            cue_token = token_after(ctx, line.start(1) + match.end()) if match else None
            window: list[Token] = (
                list(doc[cue_token.i : cue_token.i + ctx.attribution_reach]) if cue_token else []
            )
            cue = next((t for t in window if is_cue_verb(t, ctx.cues)), None)
            if cue is None or match is None:
                continue
            cut = match.start() + (1 if line.group(1)[match.start()] in "!?…" else 0)
            parts = [strip_range(ctx.text, line.start(1), line.start(1) + cut)]
        if cue.i in used:
            continue
        used.add(cue.i)
        for start, end in parts:
            if end > start:
                yield attributed_quote(ctx, start, end, cue)


def interview_lines(ctx: QuoteContext) -> Iterator[Found]:
    """ "Иван Петров: Да, всё верно." — a line that starts with a person's name and a colon."""
    persons = [
        m for m in ctx.doc.spans.get(MENTIONS_KEY, []) if m.label_ == PERSON and m._.kind == NAME
    ]
    for mention in persons:
        line_start = ctx.text.rfind("\n", 0, mention.start_char) + 1
        if ctx.text[line_start : mention.start_char].strip():
            continue
        after = re.match(r"[ \t]*:[ \t]*", ctx.text[mention.end_char :])
        if not after:
            continue
        line_end = ctx.text.find("\n", mention.end_char)
        line_end = len(ctx.text) if line_end < 0 else line_end
        start, end = strip_range(ctx.text, mention.end_char + after.end(), line_end)
        if end > start:
            yield Found(
                "direct", start, end, None, None, None, (mention.start_char, mention.end_char)
            )


def indirect_quotes(ctx: QuoteContext, used: set[int]) -> Iterator[Found]:
    for token in ctx.doc:
        if token.i in used:
            continue
        found = cue_at(token, ctx.cues)
        if found is None:
            continue
        lemmas, frame = found
        quote = indirect_quote(ctx, token, lemmas, frame)
        if quote is not None:
            used.add(token.i)
            yield quote


def indirect_quote(
    ctx: QuoteContext, cue: Token, lemmas: tuple[str, ...], frame: str
) -> Found | None:
    """The content, cue and speaker of indirect speech around this cue, or None."""
    doc = ctx.doc
    cue_end = doc[cue.i + len(lemmas) - 1]
    cue_name = " ".join(lemmas)
    if frame == "according":  # the words as written, without "его": "по словам", "со слов"
        words = doc[cue.i : cue_end.i + 1]
        cue_name = " ".join(fold(t.text) for t in words if fold(t.text) not in POSSESSIVES)
    cue_chars = cue_span(cue, lemmas, frame)
    if frame == "according":
        source = next((t for t in doc[cue.i + 1 : cue.i + len(lemmas)] if t.pos_ == "NOUN"), cue)
        speaker = next(
            (c for c in source.children if c.dep_ in {"nmod", "obl"} and c.i > source.i),
            next(
                (
                    c
                    for c in source.children
                    if c.i < source.i
                    and c.pos_ in {"DET", "PRON"}
                    and fold(c.lemma_) in {"он", "она", "его", "её", "ее", "их", "они"}
                ),
                None,
            ),
        )
        content = outside(cue, source.subtree)
        if content is None:
            return None
        return Found("indirect", *content, cue_name, cue_chars, speaker, relaying=True)
    if not reports_speech(cue) or said_by_a_thing(cue):
        return None
    speaker, via = sources(ctx, cue)
    if is_gerund(cue) or is_first_person(cue):
        clause = complement(ctx, cue, restricted_frame(cue, frame))
        return Found("indirect", *clause, cue_name, cue_chars, speaker, via=via) if clause else None
    if points_back(cue):
        previous = previous_sentence(ctx, cue)
        if previous is None:
            return None
        return Found("indirect", *previous, cue_name, cue_chars, speaker, via=via)
    attribution = parenthetical(ctx, cue)
    if attribution is not None:
        content = outside(cue, attribution)
        if content is None:
            return None
        return Found("indirect", *content, cue_name, cue_chars, speaker, via=via, relaying=True)
    clause = complement(ctx, cue, frame)
    if clause is None:
        return None
    return Found("indirect", *clause, cue_name, cue_chars, speaker, via=via)


def parenthetical(ctx: QuoteContext, cue: Token) -> list[Token] | None:
    """The words of an attribution inserted into its content ("…, передает ТАСС", "как заявил
    министр, …", "…, утверждает Пастухов, …"), or None. A negated cue ("по-немецки не
    говорили") attributes nothing around it."""
    if is_negated(cue):
        return None
    if cue.dep_ == "parataxis" or (cue.dep_ == "advcl" and mark_of(cue) == "как"):
        # "…, после встречи президент отметил, что …": a cue with its own clause reports it
        if adjacent_clause(ctx, cue) is not None:
            return None
        return leading_attribution(ctx, cue) or list(cue.subtree)
    return inverted_attribution(ctx, cue)


def leading_attribution(ctx: QuoteContext, cue: Token) -> list[Token] | None:
    """ "Как пишет один из участников, генерал США Питер Цвак, мероприятия были …": an
    attribution that opens the sentence ends at the comma where its parse first leaves it, or
    after a named apposition set off by commas; the parse often hangs the apposition or the
    content's first words on the wrong side."""
    doc, sentence = cue.doc, cue.sent
    first = next((t for t in sentence if not t.is_punct and not t.is_space), None)
    if first is None or fold(first.text) != "как" or first.i >= cue.i:
        return None
    inside = {t.i for t in cue.subtree}
    end = first.i
    while end < sentence.end and end in inside:  # the attribution as far as the parse is right
        end += 1
    comma = next((t for t in doc[max(cue.i + 1, end - 1) : sentence.end] if t.text == ","), None)
    if comma is None:
        return None
    subject = subject_of(cue)
    named = subject is not None and is_named(ctx, subject)  # "Как сообщил The Hollywood Reporter"
    apposition = None if named else apposed_name(ctx, comma)
    end = apposition.end if apposition is not None else comma.i
    return list(doc[first.i : end])


def apposed_name(ctx: QuoteContext, comma: Token) -> Span | None:
    """The words after this comma through the next one when they end in a person's name: the
    apposition in "как пишет один из участников, генерал США Питер Цвак, …"."""
    doc = comma.doc
    following = next((t for t in doc[comma.i + 1 : comma.sent.end] if t.is_punct), None)
    if following is None or following.text != ",":
        return None
    names = [m for m in ctx.mentions.ending(following.i) if m.label_ == PERSON and m._.kind == NAME]
    return doc[comma.i + 1 : following.i] if names else None


def inverted_attribution(ctx: QuoteContext, cue: Token) -> list[Token] | None:
    """ "Между тем, утверждает экономист Александр Аузан, свои деньги есть": a cue set off by a
    comma or dash, its subject right after it and closed by punctuation, no что-clause. The
    parser often makes such a cue the root, so its subtree is the whole sentence; the
    attribution is the cue through its subject."""
    doc, sentence = cue.doc, cue.sent
    if cue.i == sentence.start or doc[cue.i - 1].text not in PARENTHESIS_OPEN:
        return None
    subject = next((c for c in cue.children if c.dep_ in SUBJECT_DEPS and c.i > cue.i), None)
    if subject is None:
        return None
    words = sorted(subject.subtree, key=lambda t: t.i)
    between = doc[cue.i + 1 : words[0].i]
    if len(between) > ctx.attribution_reach or any(t.is_punct for t in between):
        return None
    end = words[-1].i + 1
    if end < sentence.end and not doc[end].is_punct:
        return None
    if complement(ctx, cue, "clause") is not None:
        return None
    return list(doc[cue.i : end])


def reports_speech(cue: Token) -> bool:
    """A finite or predicative cue of a third party, or of a named first person ("я утверждаю,
    что …" in an interview, as "я утверждал" already is: the past has no person); not the
    author's subjectless "Отметим" or "Напомним", not an imperative. Gerunds ("сказав, что …")
    are cues too, but only with a clause or о-phrase (see `indirect_quote`)."""
    if cue.pos_ not in {"VERB", "ADJ", "AUX"} or "Imp" in cue.morph.get("Mood", []):
        return False
    if "Inf" in cue.morph.get("VerbForm", []):  # "Стоит отметить, что": the author's own voice
        if any(c.dep_ == "aux" and is_first_person(c) for c in cue.children):
            return False  # "будем надеяться, что …"
        return any(c.dep_ in SUBJECT_DEPS for c in cue.head.children) and cue.head.i != cue.i
    if is_first_person(cue):
        return any(c.dep_ in SUBJECT_DEPS for c in cue.children)
    return True


def is_gerund(token: Token) -> bool:
    return "Conv" in token.morph.get("VerbForm", [])


def is_first_person(token: Token) -> bool:
    return "1" in token.morph.get("Person", [])


def restricted_frame(cue: Token, frame: str) -> str:
    """Gerunds and a first person report only through a clause: "отметив установку бюста" is
    no quote, a parenthetical "я думаю" is a hedge. A trailing gerund keeps its о-phrase
    ("…, заявив о своих планах"); a leading one frames a topic ("Говоря о ситуации, он …")."""
    if frame == "about" and is_gerund(cue) and cue.i > cue.head.i:
        return "about"
    return "clause"


def is_negated(token: Token) -> bool:
    return any(fold(c.text) == "не" and c.i < token.i for c in token.children)


def mark_of(token: Token) -> str | None:
    return next((fold(c.text) for c in token.children if c.dep_ == "mark"), None)


def complementizer(clause: Token) -> str | None:
    """The "что"/"чтобы"/"будто" opening a clause: its mark, or its first word when the parser
    gave the complementizer another label ("заявил, что не знает": "что" as obj)."""
    mark = mark_of(clause)
    if mark in COMPLEMENTIZERS:
        return mark
    first = next((t for t in clause.subtree if not t.is_punct), None)
    if first is not None and first.i < clause.i and is_complementizer(first):
        return fold(first.text)
    return None


def is_complementizer(token: Token) -> bool:
    return fold(token.text) in COMPLEMENTIZERS and token.pos_ == "SCONJ"


def points_back(cue: Token) -> bool:
    """ "Об этом сообщил министр", "О таких планах заявил глава компании": the cue's о-phrase
    is a pointer ("этом") or a noun it determines ("таких планах", "этом решении")."""
    return any(
        child.dep_ == "obl"
        and preposition(child, ABOUT) is not None
        and (
            fold(child.lemma_) in POINTER_WORDS
            or any(d.dep_ == "det" and fold(d.lemma_) in POINTER_WORDS for d in child.children)
        )
        for child in cue.children
    )


def previous_sentence(ctx: QuoteContext, cue: Token) -> tuple[int, int] | None:
    doc = cue.doc
    start = cue.sent.start
    while start > 0:
        sentence = doc[start - 1].sent
        if any(not t.is_space for t in sentence):
            return strip_range(ctx.text, sentence.start_char, sentence.end_char)
        start = sentence.start
    return None


def complement(ctx: QuoteContext, cue: Token, frame: str) -> tuple[int, int] | None:
    """The что-clause, on-phrase or object a cue introduces, as a char range."""
    doc = cue.doc
    adjacent = adjacent_clause(ctx, cue)
    if adjacent is not None:
        return adjacent
    if frame == "on":
        target = next((t for t in doc[cue.i + 1 : cue.sent.end] if fold(t.text) == "на"), None)
        return tokens_range(target.head.subtree, skip=target) if target is not None else None
    for child in cue.children:
        if child.i < cue.i:
            continue
        if child.dep_ in CLAUSE_DEPS and complementizer(child):
            return tokens_range(child.subtree, skip_marks=True)
        if child.dep_ == "obl" and fold(child.text) == "том":  # "сообщил о том, что …"
            clause = next((c for c in child.children if complementizer(c)), None)
            if clause is not None:
                return tokens_range(clause.subtree, skip_marks=True)
    clause = clause_below(ctx, cue)
    if clause is not None:
        return tokens_range(clause.subtree, skip_marks=True)
    if frame == "about" and cue_form(cue) in {"Fin", "Conv"}:
        topic = about_phrase(cue)
        if topic is not None:
            return tokens_range(topic.subtree, skip=preposition(topic, ABOUT))
    if frame == "call":
        infinitive = next(
            (
                c
                for c in cue.children
                if c.dep_ == "xcomp" and c.i > cue.i and "Inf" in c.morph.get("VerbForm", [])
            ),
            None,
        )
        if infinitive is not None:
            return tokens_range(infinitive.subtree)
    if frame == "object" and "Fin" in cue.morph.get("VerbForm", []):
        obj = next((c for c in cue.children if c.dep_ == "obj" and c.i > cue.i), None)
        if obj is not None and obj.pos_ in {"NOUN", "PROPN"}:
            return tokens_range(obj.subtree)
    return None


def adjacent_clause(ctx: QuoteContext, cue: Token) -> tuple[int, int] | None:
    """ "сообщил, что …", "отметил Новак, что …": a complementizer right after the cue's comma
    opens the content whatever the parse made of the clause ("сообщил, что X, но власти
    надеются, что Y" may hang either "что" on the other clause; "отметив, что просить мира уже
    поздно" leaves "просить" outside the clause's subtree). The content is the run of words
    after the complementizer through the end of its clause or of the predicate of its first
    word, cut before another report inside them ("…, но акционеры надеются, что …")."""
    doc = cue.doc
    words = doc[cue.i + 1 : min(cue.i + 1 + ctx.attribution_reach, cue.sent.end)]
    comma = next((t for t in words if t.is_punct), None)
    if comma is None or comma.text != "," or comma.i + 2 >= cue.sent.end:
        return None
    if any(t.head.i != cue.i and not cue.i < t.head.i < comma.i for t in doc[cue.i + 1 : comma.i]):
        return None  # the words between are the cue's own (its subject), not another clause
    mark = doc[comma.i + 1]
    if not is_complementizer(mark):
        return None
    predicate = predicate_of(doc[mark.i + 1])
    clause = {t.i for t in predicate.subtree}
    if mark.head.i > mark.i:
        clause |= {t.i for t in mark.head.subtree}
    words = doc[mark.i + 1 : max(clause) + 1]
    other = next((t for t in words if t.i not in clause and is_cue_verb(t, ctx.cues)), None)
    if other is not None:  # "…, но акционеры надеются, что …" is another report
        commas = [t.i for t in words if t.text == "," and t.i < other.i]
        words = doc[mark.i + 1 : commas[-1]] if commas else words
    return tokens_range(words)


def predicate_of(token: Token) -> Token:
    """The nearest predicate over a word: a verb, or a word with a subject or copula."""
    for _ in range(4):
        if token.pos_ in {"VERB", "AUX"} or any(
            c.dep_ in SUBJECT_DEPS or c.dep_ == "cop" for c in token.children
        ):
            return token
        if token.head.i == token.i:
            return token
        token = token.head
    return token


def clause_below(ctx: QuoteContext, cue: Token) -> Token | None:
    """A что-clause whose head hangs (within three steps) below the cue, when the parse did
    not attach it to the cue itself."""
    for token in cue.doc[cue.i + 1 : cue.sent.end]:
        if not is_complementizer(token) and not (
            token.dep_ == "mark" and fold(token.text) in COMPLEMENTIZERS
        ):
            continue
        head = token.head
        for ancestor in list(head.ancestors)[:3]:
            if ancestor.i == cue.i:
                return head
            if is_cue_verb(ancestor, ctx.cues):
                break
    return None


def cue_form(cue: Token) -> str | None:
    forms = cue.morph.get("VerbForm", [])
    return forms[0] if forms else None


def about_phrase(cue: Token) -> Token | None:
    """The о-phrase a speech verb governs ("заявил о своих планах", "О важности шага говорил
    министр"); not "об этом", which points back."""
    return next(
        (
            child
            for child in cue.children
            if child.dep_ == "obl"
            and child.pos_ in {"NOUN", "PROPN"}
            and preposition(child, ABOUT) is not None
        ),
        None,
    )


def tokens_range(
    tokens, skip: Token | None = None, skip_marks: bool = False, skip_case: bool = False
):
    """Char range of tokens (in order), without a leading mark word and edge punctuation."""
    tokens = [t for t in tokens if not t.is_space and (skip is None or t.i != skip.i)]
    if skip_marks:
        while tokens and (
            tokens[0].dep_ == "mark" or tokens[0].is_punct or is_complementizer(tokens[0])
        ):
            tokens = tokens[1:]
    while tokens and tokens[-1].text in CLAUSE_END:
        tokens = tokens[:-1]
    while tokens and tokens[0].is_punct and tokens[0].text not in '«"„“(':
        tokens = tokens[1:]
    if not tokens:
        return None
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def outside(cue: Token, parenthetical) -> tuple[int, int] | None:
    """The sentence around a parenthetical attribution: from its first words outside the
    attribution to its last, so an inserted one ("Документ, как заявил премьер, уже внесен")
    lies inside the content, as the attribution of a split direct quote does."""
    excluded = {t.i for t in parenthetical}
    runs: list[list[Token]] = []
    run: list[Token] = []
    for token in cue.sent:
        if token.i in excluded:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(token)
    if run:
        runs.append(run)
    runs = [r for r in runs if any(t.is_alpha for t in r)]
    if not runs:
        return None
    return tokens_range(runs[0] + runs[-1])


def subject_of(cue: Token) -> Token | None:
    """The speaker token: the cue's subject; for an impersonal or indefinite-personal cue
    ("говорится в обращении Немцова", "как заявили в министерстве") the document or
    institution it names; else the subject of the verb an adjective cue ("уверен"), a gerund
    or a cue phrase hangs on — but not for a parenthetical cue, whose head is the content."""
    subject = next((c for c in cue.children if c.dep_ in SUBJECT_DEPS), None)
    if subject is not None:
        return subject
    if is_impersonal(cue) or is_indefinite_personal(cue):
        document = document_of(cue)
        if document is not None:
            return document
    if cue.dep_ == "parataxis" or mark_of(cue) == "как":
        return None
    return next((c for c in cue.head.children if c.dep_ in SUBJECT_DEPS), None)


def sources(
    ctx: QuoteContext, cue: Token, content: tuple[int, int] | None = None
) -> tuple[Token | None, Token | None]:
    """(speaker, relaying outlet) of a cue: "сообщает Reuters со ссылкой на главу РФПИ" and
    "приводит слова Миллера ТАСС" name whose words they are apart from who relays them. A
    document or a press office cited ("со ссылкой на сообщение пресс-службы") leaves the
    outlet the speaker. A subject inside the quoted `content` is a word of the quote."""
    subject = subject_of(cue)
    if subject is not None and content is not None and content[0] <= subject.idx < content[1]:
        subject = None
    subject = speaker_subject(ctx, cue, subject)
    cited = cited_source(cue)
    if cited is None or not names_person(ctx, cited):
        return subject, None
    return cited, subject


def speaker_subject(ctx: QuoteContext, cue: Token, subject: Token | None) -> Token | None:
    """The speaker behind the parsed subject: the noun a relative "который" stands for ("Анне
    Никифоровой, которая сообщила"); nobody for a pointer "это" ("это было отмечено"); and,
    when there is no subject, or an unnamed one whose phrase holds it, a name in the nominative
    right before the cue or closing the clause right after it ("…, то министр … Украины Юрий
    Продан заявил", "— заявил в интервью агентству Хэ Джэньвэй"), which the parser hung
    elsewhere; never a name outside the subject's phrase ("мэр …, назвав выбор Дик «…»")."""
    if subject is not None and fold(subject.lemma_) in RELATIVES:
        # a "который" after the cue belongs to a clause further on, not to the cue
        return relative_antecedent(subject) if subject.i < cue.i else adjacent_name(ctx, cue)
    if (
        subject is not None
        and subject.pos_ in {"PRON", "DET"}
        and fold(subject.lemma_) in POINTER_WORDS
    ):
        subject = None
    if subject is None or subject.pos_ == "PRON" or is_named(ctx, subject):
        return subject or adjacent_name(ctx, cue)
    name = adjacent_name(ctx, cue)  # "…капитан 1 ранга Игорь Дыгало", not "выбор Дик «…»"
    if name is None or name.i < subject.i:
        return subject
    between = subject.doc[subject.i + 1 : name.i]  # the subject's phrase runs on to the name,
    joined = not any(  # through participles, quote marks and commas, but no predicate
        (t.is_punct and t.text in CLAUSE_BREAKS)
        or (t.pos_ in {"VERB", "AUX"} and "Part" not in t.morph.get("VerbForm", []))
        for t in between
    )
    return name if joined else subject


def said_by_a_thing(cue: Token) -> bool:
    """ "санкции, которые лишь подтверждают сбой": a relative cue standing for a thing reports
    nothing."""
    return any(
        c.dep_ in SUBJECT_DEPS
        and fold(c.lemma_) in RELATIVES
        and c.i < cue.i
        and relative_antecedent(c) is None
        for c in cue.children
    )


def relative_antecedent(relative: Token) -> Token | None:
    """The noun a "который" stands for: the nearest one before it that agrees in number (and
    gender in the singular), as the parser often hangs the relative clause on another noun
    ("нападки со стороны ультраправых и конспирологов, которые считали" → конспирологов); no
    speaker when it is a thing ("санкции, которые подтверждают сбой")."""
    wanted = [relative.morph.get("Number", [])]
    if "Sing" in wanted[0]:
        wanted.append(relative.morph.get("Gender", []))
    for token in reversed(relative.doc[max(relative.sent.start, relative.i - 8) : relative.i]):
        if token.pos_ in {"NOUN", "PROPN"} and (
            token.morph.get("Number", []) == wanted[0]
            and (len(wanted) == 1 or token.morph.get("Gender", []) == wanted[1])
        ):
            animate = token.pos_ == "PROPN" or "Anim" in token.morph.get("Animacy", [])
            return token if animate else None
    return None


def is_named(ctx: QuoteContext, subject: Token) -> bool:
    """A named speaker at the subject or in apposition to it ("министр Антон Силуанов")."""
    return any(
        m.start <= subject.i < m.end or names_head(m.root, subject)
        for m in ctx.mentions.overlapping(
            subject.doc[subject.left_edge.i : subject.right_edge.i + 1]
        )
        if m._.kind == NAME
    )


def adjacent_name(ctx: QuoteContext, cue: Token) -> Token | None:
    """A person's name in the nominative ending right before the cue, or closing the cue's
    clause after it ("— заявил на суде защитник Алёхиной Александр Подрабинёк.")."""
    doc = cue.doc
    before = [m for m in ctx.mentions.ending(cue.i) if m.label_ == PERSON and m._.kind == NAME]
    clause_end = next((t.i for t in doc[cue.i + 1 : cue.sent.end] if t.is_punct), cue.sent.end)
    after = [
        m
        for start in range(cue.i + 1, clause_end)
        for m in ctx.mentions.starting(start)
        if m.label_ == PERSON
        and m._.kind == NAME
        and (m.end >= cue.sent.end or doc[m.end].is_punct)
    ]
    if clause_end < cue.sent.end and doc[clause_end].text == ",":
        apposition = apposed_name(ctx, doc[clause_end])  # "как пишет один из …, генерал X Y, …"
        after += [m for m in ctx.mentions.ending(apposition.end)] if apposition else []
    for mention in before + after:
        if mention.label_ == PERSON and "Nom" in mention.root.morph.get("Case", []):
            return mention.root
    return None


def names_person(ctx: QuoteContext, token: Token) -> bool:
    """A person is named at the token or in its phrase ("главу РФПИ Кирилла Дмитриева")."""
    return (
        any(m.label_ == PERSON for t in token.subtree for m in ctx.mentions.covering(t.i))
        or fold(token.text) in POSSESSIVES
    )


def cited_source(cue: Token) -> Token | None:
    """The source behind "со ссылкой на X" or the owner of "слова X" / "его слова"."""
    for child in cue.children:
        lemma = fold(child.lemma_)
        if lemma == "ссылка" and preposition(child, {"с", "со"}) is not None:
            return next((c for c in child.children if preposition(c, {"на"}) is not None), None)
        if lemma == "слово" and child.dep_ == "obj":
            return next(
                (
                    c
                    for c in child.children
                    if (c.dep_ == "nmod" and preposition(c, set()) is None and c.i > child.i)
                    or fold(c.text) in POSSESSIVES
                ),
                None,
            )
    return None


def correlative(preposition: Token) -> bool:
    """ "заявил о том, что …": the content is the что-clause, "о том" is not part of the cue."""
    return fold(preposition.head.text) in {"том", "тот", "этом", "это"}


def is_impersonal(cue: Token) -> bool:
    """ "говорится", "сообщается", "отмечается": a finite reflexive cue with no speaker as
    subject (not a gerund "признавшись", nor a reflexive that takes one: "пожаловался")."""
    return (
        cue.pos_ == "VERB"
        and "Fin" in cue.morph.get("VerbForm", [])
        and "Sing" in cue.morph.get("Number", [])
        and fold(cue.lemma_).endswith(("ся", "сь"))
    )


def is_indefinite_personal(cue: Token) -> bool:
    """ "заявили в министерстве", "сообщили в пресс-службе": a finite plural with no subject."""
    return (
        cue.pos_ == "VERB"
        and "Fin" in cue.morph.get("VerbForm", [])
        and "Plur" in cue.morph.get("Number", [])
    )


def document_of(cue: Token) -> Token | None:
    """The document or institution a subjectless cue cites: "в заявлении МИД", "на сайте
    ведомства", "в министерстве" (locative, so not "в понедельник")."""
    return next(
        (
            c
            for c in cue.children
            if c.dep_ == "obl"
            and "Loc" in c.morph.get("Case", [])
            and preposition(c, {"в", "во", "на"}) is not None
        ),
        None,
    )


def cue_lemma(ctx: QuoteContext, cue: Token) -> str:
    found = cue_at(cue, ctx.cues)
    return " ".join(found[0]) if found else fold(cue.lemma_)


def cue_range(ctx: QuoteContext, cue: Token) -> tuple[int, int]:
    found = cue_at(cue, ctx.cues)
    return cue_span(cue, *found) if found else (cue.idx, cue.idx + len(cue.text))


def cue_span(cue: Token, lemmas: tuple[str, ...], frame: str) -> tuple[int, int]:
    """The cue's characters: its words, plus the preposition it governs right after it, as
    PARC takes a verb's particle into the cue ("указывает на", "заявил о")."""
    doc = cue.doc
    apart = frame == "words" and not lemmas_match(doc, cue.i, lemmas)  # "приводит ТАСС слова"
    last = cue if apart else doc[cue.i + len(lemmas) - 1]
    governed = {"on": {"на"}, "about": ABOUT}.get(frame, set())
    following = doc[last.i + 1] if last.i + 1 < cue.sent.end else None
    if following is not None and fold(following.text) in governed and not correlative(following):
        last = following
    return cue.idx, last.idx + len(last.text)


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quoted:
    """The last one quoted in a role (person, organisation, outlet), for the quotes after it."""

    sentence: int
    entity: dict
    gender: tuple[str, ...] = ()  # of the speaker's word, to check "он"/"она" against


def records(ctx: QuoteContext, found: list[Found]) -> Iterator[Quote]:
    """One row per quote and speaker: "Трамп и Путин заявили, что …" is one statement of two
    speakers, two rows with the same content and the quote_id of the first as their group."""
    sentence_of = sentence_ids(ctx.doc)
    number = 0
    last: dict[str, Quoted] = {}  # role → the last one quoted in it
    for quote in found:
        group = number
        for speaker in co_speakers(quote.speaker):
            row = record(ctx, number, replace(quote, speaker=speaker), sentence_of, group)
            row = carried_speaker(ctx, row, speaker, last)
            said = entity_by_id(ctx.doc, row.speaker_id) if row.speaker_id is not None else None
            relayed_by = via_entity(ctx, quote.via)
            source = "outlet" if quote.relaying else "organisation"  # "…, передает ТАСС"
            gender = tuple(speaker.morph.get("Gender", [])) if speaker is not None else ()
            for role, entity in (("person", said), (source, said), ("outlet", relayed_by)):
                if entity is not None and entity["type"] == ROLE_TYPES[role]:
                    last[role] = Quoted(row.sentence_id, entity, gender if role == "person" else ())
            yield row
            number += 1


def carried_speaker(
    ctx: QuoteContext, row: Quote, speaker: Token | None, last: dict[str, Quoted]
) -> Quote:
    """A speaker carried over a run of quotes: an unresolved "он" or "чиновник" is the last
    person quoted, "ведомство" the last organisation quoted, "агентство" the last outlet
    relaying a quote (or organisation quoted), within RUN_SENTENCES; and "Он" opening the
    sentence right after a person's quote is that person, whoever the linker chose ("Гюнтер
    Эттингер заявил, что … . Он отметил, что …")."""
    if speaker is None:
        return row
    if row.speaker is not None and not continues_last_speaker(row, speaker, last.get("person")):
        return row
    points_to = ctx.org_anaphors.get(fold(speaker.lemma_)) if speaker.pos_ == "NOUN" else None
    if points_to is not None:
        roles = ["outlet", "organisation"] if points_to == "outlet" else ["organisation"]
    else:
        roles = ["person"] if takes_last_speaker(ctx, speaker) else []
    for role in roles:
        if role in last and row.sentence_id - last[role].sentence <= RUN_SENTENCES:
            entity = last[role].entity
            return replace(row, speaker=entity["name"], speaker_id=entity["id"])
    return row


def continues_last_speaker(row: Quote, speaker: Token, last: Quoted | None) -> bool:
    """ "Он"/"Она" as the first word of the sentence right after a person's quote, agreeing in
    gender with the word that named that person."""
    return (
        last is not None
        and speaker.pos_ == "PRON"
        and fold(speaker.lemma_) in PERSONAL_PRONOUNS
        and speaker.i == speaker.sent.start
        and row.sentence_id == last.sentence + 1
        and (not last.gender or tuple(speaker.morph.get("Gender", [])) == last.gender)
    )


def takes_last_speaker(ctx: QuoteContext, speaker: Token | None) -> bool:
    """An unresolved "он", "чиновник", "глава Минэнерго Украины" in a run of quotes is the last
    person quoted ("a run of direct speech keeps its speaker"); "представитель X" and a group
    ("руководители проекта утверждают") are not."""
    if speaker is None:
        return False
    if speaker.pos_ == "PRON":
        return fold(speaker.lemma_) in PERSONAL_PRONOUNS
    return (
        describes_person(ctx, speaker)
        and fold(speaker.lemma_) not in ctx.own_speakers
        and not is_group(ctx, speaker)
    )


def describes_person(ctx: QuoteContext, head: Token) -> bool:
    """A speaker phrase headed by a word for a person ("глава", "представитель", "источник")."""
    return fold(head.lemma_) in ctx.own_speakers or (
        head.pos_ == "NOUN" and "Anim" in head.morph.get("Animacy", [])
    )


def co_speakers(speaker: Token | None) -> list[Token | None]:
    """The subject and the subjects joined to it: "Трамп и Путин", "Болгария, Сербия и Венгрия"."""
    if speaker is None:
        return [None]
    joined = [c for c in speaker.children if c.dep_ == "conj" and c.pos_ in {"NOUN", "PROPN"}]
    return [speaker, *joined]


def record(
    ctx: QuoteContext, number: int, quote: Found, sentence_of: dict[int, int], group: int
) -> Quote:
    speaker, speaker_id, speaker_text, speaker_span = speaker_fields(ctx, quote)
    speaker_start, speaker_end = speaker_span or (None, None)
    cue_start, cue_end = quote.cue_span or (None, None)
    first = ctx.doc.char_span(quote.start, quote.end, alignment_mode="expand")
    sentence = sentence_of[first.start] if first is not None and len(first) else 0
    return Quote(
        quote_id=number,
        kind=quote.kind,
        start=quote.start,
        end=quote.end,
        text=ctx.text[quote.start : quote.end],
        speaker=speaker,
        speaker_id=speaker_id,
        speaker_text=speaker_text,
        speaker_start=speaker_start,
        speaker_end=speaker_end,
        cue=quote.cue,
        cue_start=cue_start,
        cue_end=cue_end,
        sentence_id=sentence,
        via=via_name(ctx, quote.via),
        quote_group=group,
    )


def via_name(ctx: QuoteContext, via: Token | None) -> str | None:
    """The relaying outlet's entity name ("ТАСС"), else its words ("корреспондент агентства")."""
    if via is None:
        return None
    entity = via_entity(ctx, via)
    return entity["name"] if entity else via_span(ctx, via).text


def via_entity(ctx: QuoteContext, via: Token | None) -> dict | None:
    if via is None:
        return None
    span = via_span(ctx, via)
    mention = speaker_entity_mention(ctx, span, via)
    return entity_by_id(ctx.doc, mention._.entity_id) if mention is not None else None


def via_span(ctx: QuoteContext, via: Token) -> Span:
    return speaker_mention(via, ctx.mentions) or speaker_phrase(ctx, via)


def speaker_fields(
    ctx: QuoteContext, quote: Found
) -> tuple[str | None, int | None, str | None, tuple[int, int] | None]:
    """(speaker name, entity id, speaker words, their char range) for a quote."""
    doc, mentions = ctx.doc, ctx.mentions
    if quote.speaker_span is not None:
        span = doc.char_span(*quote.speaker_span, alignment_mode="expand")
    elif quote.speaker is not None:
        span = speaker_mention(quote.speaker, mentions)
        if span is None or span.end < apposed_name_end(ctx, quote.speaker):
            span = speaker_phrase(ctx, quote.speaker)  # the title's mention stops short of the name
    else:
        return None, None, None, None
    if span is None:
        return None, None, None, None
    mention = speaker_entity_mention(ctx, span, quote.speaker)
    entity = entity_by_id(doc, mention._.entity_id) if mention is not None else None
    name = entity["name"] if entity else None
    entity_id = entity["id"] if entity else None
    return name, entity_id, span.text, (span.start_char, span.end_char)


def speaker_entity_mention(ctx: QuoteContext, span: Span, subject: Token | None) -> Span | None:
    """The linked mention that names the speaker, the head of the speaker phrase: a person at
    the subject, else the name in apposition to it ("главный тренер сборной России Валерий
    Карпин"), else an organisation or state at the subject ("передает ТАСС"). A word for a
    person never yields a name nested in its phrase ("представитель Обамы", "глава Минэнерго");
    a document or body does ("в обращении Немцова", "в заявлении МИД")."""
    head = subject if subject is not None else span.root
    linked = [
        m
        for m in ctx.mentions.overlapping(span)
        if m._.entity_id is not None and owned_by(ctx, m, head)
    ]
    at_subject = [m for m in linked if m.start <= head.i < m.end]
    named = [m for m in linked if m._.kind == NAME and names_head(m.root, head)]
    pools = [(named, {"PERSON"}), (at_subject, {"PERSON"}), (at_subject, {"ORG", "STATE"})]
    if not describes_person(ctx, head):
        pools += [(linked, {"PERSON"}), (linked, {"ORG", "STATE"})]
    elif speaks_for_organisation(ctx, span, head):
        pools.append((linked, {"ORG", "STATE"}))
    for pool, labels in pools:
        found = [m for m in pool if m.label_ in labels and contains_span(span, m)]
        if found:
            return max(found, key=len)
    return None


def owned_by(ctx: QuoteContext, mention: Span, head: Token) -> bool:
    """A mention that belongs to the speaker phrase itself: not one inside a participle clause
    ("в протоколе, подписанном Россией"), and a state adjective only on the head and not on an
    organisation ("российская сторона", not "данным российского газового холдинга", "российская
    компания")."""
    token = mention.root
    if mention.start <= head.i < mention.end:
        return mention._.kind != ADJECTIVE or fold(head.lemma_) not in ctx.org_anaphors
    if mention._.kind == ADJECTIVE:
        return token.head.i == head.i and fold(head.lemma_) not in ctx.org_anaphors
    while token.i != head.i and token.head.i != token.i:
        token = token.head
        if token.i != head.i and token.pos_ == "VERB":
            return False
    return True


def speaks_for_organisation(ctx: QuoteContext, span: Span, head: Token) -> bool:
    """ "представитель Rosukrenergo", "представители ЕК и Минэнерго", "российские переговорщики":
    a spokesman's phrase, or a group of unnamed people, with no person in it ("представитель
    президента России" speaks for the president, unnamed)."""
    voice = fold(head.lemma_) in ctx.org_voices or is_group(ctx, head)
    return voice and not any(
        token.i != head.i
        and (
            (token.pos_ == "NOUN" and "Anim" in token.morph.get("Animacy", []))
            or any(m.label_ == PERSON for m in ctx.mentions.covering(token.i))
        )
        for token in span
    )


def is_group(ctx: QuoteContext, head: Token) -> bool:
    """Unnamed people in the plural ("переговорщики", "руководители проекта"), not sources of
    their own ("эксперты")."""
    return (
        head.pos_ == "NOUN"
        and "Plur" in head.morph.get("Number", [])
        and "Anim" in head.morph.get("Animacy", [])
        and fold(head.lemma_) not in ctx.own_speakers
    )


def names_head(name: Token, head: Token) -> bool:
    """The name is the head's apposition ("капитан 1 ранга Игорь Дыгало"), not a nested noun."""
    while name.i != head.i and name.dep_ in NAME_PARTS and name.head.i != name.i:
        name = name.head
    return name.i == head.i


def contains_span(outer: Span, inner: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def speaker_mention(token: Token, mentions: MentionIndex) -> Span | None:
    """The longest person/organisation mention (name, title or pronoun) at the subject, with
    the mentions of the same entity right next to it ("министр финансов" + "Антон Силуанов")."""
    covering = [
        m
        for m in mentions.covering(token.i)
        if m.label_ in {"PERSON", "ORG", "STATE"} and m._.entity_id is not None
    ]
    if not covering:
        return None
    mention = max(covering, key=len)
    after = [m for m in mentions.starting(mention.end) if m._.entity_id == mention._.entity_id]
    before = [m for m in mentions.ending(mention.start) if m._.entity_id == mention._.entity_id]
    start = min([mention.start, *(m.start for m in before)])
    end = max([mention.end, *(m.end for m in after)])
    return token.doc[start:end]


def speaker_phrase(ctx: QuoteContext, token: Token) -> Span:
    """A speaker's words: the subject noun with its modifiers ("источник издания"), at most
    `speaker_words` of them, but always through a name in apposition at its end."""
    words = [t for t in token.subtree if not t.is_punct][: ctx.speaker_words]
    words = [t for t in words if t.i >= token.i or (t.head == token and t.dep_ != "case")]
    start = min(t.i for t in words)
    end = max(t.i for t in words) + 1
    return token.doc[start : max(end, apposed_name_end(ctx, token))]


def apposed_name_end(ctx: QuoteContext, token: Token) -> int:
    """Where the name in apposition to the speaker noun ends ("директор департамента Азии,
    Африки и Латинской Америки МИД Евгений Попов"), 0 when it has none."""
    subtree = token.doc[token.left_edge.i : token.right_edge.i + 1]
    return max(
        (
            m.end
            for m in ctx.mentions.overlapping(subtree)
            if m._.kind == NAME and m.root.i != token.i and names_head(m.root, token)
        ),
        default=0,
    )


def entity_by_id(doc: Doc, entity_id: int) -> dict | None:
    return next((e for e in doc._.entities if e["id"] == entity_id), None)


@Language.factory(
    "ru_news_quotes",
    default_config={"speaker_words": 6, "attribution_reach": 4, "rules": RULE_FILES},
    assigns=["doc._.quotes"],
    requires=[
        "doc.spans",
        "doc._.entities",
        "span._.entity_id",
        "span._.kind",
        "token.pos",
        "token.morph",
        "token.lemma",
        "token.dep",
        "token.head",
    ],
)
def make_quote_finder(
    nlp: Language, name: str, speaker_words: int, attribution_reach: int, rules: dict[str, str]
) -> QuoteFinder:
    return QuoteFinder(name, speaker_words, attribution_reach, rules)
