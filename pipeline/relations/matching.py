"""The patterns of models/relation_patterns.json compiled for spaCy's DependencyMatcher, run
sentence by sentence, and what they find gathered around each trigger word (`Roles`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import cast

import numpy
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, SENT_START
from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab
from thinc.types import Ints2d

from ..gazetteer import fold
from ..ud import has_subject

SHARED = "_shared"  # pattern names: the subject of the verb a coordinated verb is joined to
SET_MARK = "$"  # {"IN": "$events"}: the named list "events" of the file's "sets"
# the parse a sentence is matched on; LEMMA first: `sentence_matches` reads it as the words
PARSE_ATTRS = [LEMMA, POS, MORPH, HEAD, DEP, SENT_START]


@lru_cache(maxsize=100_000)
def folded_key(lemma: str) -> str:
    """Cached: every token's lemma is folded for the matcher and the cue look-ups."""
    return fold(lemma)


def compile_patterns(
    table: Mapping, cues: Mapping[str, str], posts: set[str]
) -> dict[str, list[dict]]:
    """Name → DependencyMatcher pattern: the file's named sets expanded, its cue and post tests
    turned into LEMMA tests (`by_lemma`)."""
    sets = table.get("sets", {})
    return {
        name: [
            {**node, "RIGHT_ATTRS": by_lemma(expand_sets(node["RIGHT_ATTRS"], sets), cues, posts)}
            for node in nodes
        ]
        for name, nodes in table["patterns"].items()
    }


def expand_sets(attributes: dict, sets: Mapping[str, list[str]]) -> dict:
    """{"IN": "$events"} → {"IN": [the words of the set "events"]}, at any depth."""
    expanded: dict = {}
    for key, value in attributes.items():
        if key == "IN" and isinstance(value, str) and value.startswith(SET_MARK):
            expanded[key] = list(sets[value[len(SET_MARK) :]])
        elif isinstance(value, dict):
            expanded[key] = expand_sets(value, sets)
        else:
            expanded[key] = value
    return expanded


def by_lemma(attributes: dict, cues: Mapping[str, str], posts: set[str]) -> dict:
    """The pattern's `_.relation_cue` and `_.is_post` tests (the notation of
    models/relation_patterns.json: a word of relation_cues.tsv with that relation/role, a word of
    posts.tsv) as LEMMA tests, so the matcher checks them itself instead of a Python getter per
    token and pattern (which made this stage cost as much as the parser). Lemmas are matched
    folded (lower case, ё as е: see `sentence_matches`); a LEMMA the pattern names itself
    narrows the set."""
    attributes = dict(attributes)
    extension = attributes.pop("_", {})
    if "relation_cue" in extension:
        wanted = set(extension["relation_cue"]["IN"])
        lemmas = {lemma for lemma, value in cues.items() if value in wanted}
    elif extension.get("is_post"):
        lemmas = set(posts)
    else:
        return attributes
    named = attributes.get("LEMMA")
    if named is not None:
        lemmas &= {fold(named)} if isinstance(named, str) else {fold(w) for w in named["IN"]}
    attributes["LEMMA"] = {"IN": sorted(lemmas)}
    return attributes


def steps(token: Token, ancestor: Token) -> int:
    """How many heads up from the token its ancestor is (0 for the token itself)."""
    count = 0
    while token != ancestor and token.head != token:
        token, count = token.head, count + 1
    return count if token == ancestor else len(token.doc)


def is_not_only(negation: Token) -> bool:
    """ "не только": the first half of "не только …, но и …", no negation."""
    return any(c.dep_ == "fixed" and fold(c.text) == "только" for c in negation.children)


class Roles:
    """What the patterns found around one trigger word: role → tokens (with the number of
    steps between the trigger and the clause a subject was taken from)."""

    def __init__(self, trigger: Token):
        self.trigger = trigger
        self.tokens: dict[str, list[Token]] = defaultdict(list)
        self.subject_depths: dict[int, list[Token]] = defaultdict(list)

    def add(self, role: str, token: Token, depth: int) -> None:
        if role == "clause_subject":
            self.subject_depths[depth].append(token)
        elif token not in self.tokens[role]:
            self.tokens[role].append(token)

    def __getitem__(self, role: str) -> list[Token]:
        return self.tokens.get(role, [])

    def clause_subjects(self) -> list[Token]:
        """The subjects of the nearest clause that has one."""
        return self.subject_depths[min(self.subject_depths)] if self.subject_depths else []

    @property
    def cancelled(self) -> bool:
        """ "не подписали", "не стали подписывать", "отказались от встречи", "поставил задачу"
        (no supply); but "не только подписали, но и …" is done."""
        negations = [t for t in self["negation"] if not is_not_only(t)]
        return bool(negations or self["refusal"] or self["idiom"])


class TriggerMatcher:
    """One DependencyMatcher per set of trigger words and of the other words a pattern names
    ("пост" in "остался на посту министра"), so that a sentence is matched only against the
    patterns its words can complete."""

    def __init__(self, vocab: Vocab, patterns: Mapping[str, list[dict]], max_steps: int):
        self.max_steps = max_steps  # how far up a nominal event's clause subject, down a place
        self.matchers: dict[Needs, DependencyMatcher] = {}
        self.node_names: dict[int, list[str]] = {}
        self.shared_ids: set[int] = set()  # patterns lending a coordinated verb a subject
        self.folded: dict[int, int] = {}  # lemma hash → folded lemma hash
        for key, nodes in patterns.items():
            needs = words_needed(nodes, vocab)
            self.matchers.setdefault(needs, DependencyMatcher(vocab)).add(key, [nodes])
            self.node_names[vocab.strings[key]] = [node["RIGHT_ID"] for node in nodes]
            if key.endswith(SHARED):
                self.shared_ids.add(vocab.strings[key])

    def events(self, doc: Doc) -> list[Roles]:
        """Every trigger word with the roles the patterns filled around it."""
        by_trigger: dict[int, Roles] = {}
        for start, match_id, ids in self.sentence_matches(doc):
            names = self.node_names[match_id]
            nodes = dict(zip(names, (doc[start + i] for i in ids), strict=True))
            trigger = nodes["trigger"]
            if match_id in self.shared_ids and has_subject(trigger):
                continue  # "Путин прилетел, а Си встретился с ним": Си's own subject
            depth = steps(trigger, nodes.get("head", trigger))
            if max(depth, steps(nodes.get("place", trigger), trigger)) > self.max_steps:
                continue
            roles = by_trigger.setdefault(trigger.i, Roles(trigger))
            for name, token in nodes.items():
                roles.add(name, token, depth)
        return [by_trigger[i] for i in sorted(by_trigger)]

    def folded_hash(self, lemma: int, vocab: Vocab) -> int:
        """The hash of a lemma folded ("Соглашение", "ё"), from the lemma's hash: no Token is
        made for it, and each lemma is folded once per process."""
        found = self.folded.get(lemma)
        if found is None:
            found = self.folded[lemma] = vocab.strings.add(folded_key(vocab.strings[lemma]))
        return found

    def sentence_matches(self, doc: Doc) -> Iterator[tuple[int, int, list[int]]]:
        """(sentence start, pattern, token offsets in the sentence) of every match. Each
        sentence that has a trigger word is matched alone, as a small Doc of its words and
        parse: the matcher's cost grows with the length of what it is given (and `Span.as_doc`
        would copy the whole document's span groups for every sentence)."""
        if not doc.has_annotation("SENT_START"):
            return
        array = doc.to_array(PARSE_ATTRS)
        array[:, 0] = [self.folded_hash(h, doc.vocab) for h in array[:, 0].tolist()]
        for sentence in doc.sents:
            lemmas = set(array[sentence.start : sentence.end, 0].tolist())
            matchers = [
                matcher
                for needs, matcher in self.matchers.items()
                if all(not lemmas.isdisjoint(words) for words in needs)
            ]
            if not matchers:
                continue
            alone = sentence_doc(sentence, array[sentence.start : sentence.end])
            for matcher in matchers:
                for match_id, ids in matcher(alone):
                    yield sentence.start, match_id, ids


# the lemma hashes a sentence must hold one of, for each node of a pattern that names lemmas
# (its trigger first)
Needs = tuple[frozenset[int], ...]


def words_needed(nodes: list[dict], vocab: Vocab) -> Needs:
    """For each node with a LEMMA test, the lemmas it accepts, as hashes: a sentence lacking
    all of one node's lemmas cannot match the pattern."""
    needs = []
    for node in nodes:
        lemma = node["RIGHT_ATTRS"].get("LEMMA")
        words = [lemma] if isinstance(lemma, str) else (lemma or {}).get("IN")
        if words:
            needs.append(frozenset(vocab.strings.add(fold(word)) for word in words))
    return tuple(needs)


def sentence_doc(sentence: Span, parse: numpy.ndarray) -> Doc:
    """A Doc of the sentence's words with their parse (heads are relative, so they stay valid:
    a parse never crosses a sentence)."""
    alone = Doc(
        sentence.doc.vocab,
        words=[t.text for t in sentence],
        spaces=[bool(t.whitespace_) for t in sentence],
    )
    alone.from_array(PARSE_ATTRS, cast(Ints2d, parse))
    return alone
