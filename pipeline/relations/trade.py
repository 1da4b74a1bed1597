"""trade_target: a planned volume of trade ("цель доведения объемов торговли до 2 млрд
долларов", "товарооборот достигнет …", "задача — выйти на $200 млрд"): value and unit parsed,
year if stated; the parties from the sentence, else the sentence before, else the document's two
main states; past figures ("достиг", "составил") are not targets. Two amounts for one pair ("до
200 млрд долларов к 2024 году, а к 2030 году — до 300") are two targets. A sentence that goes on
about the trade of the one before ("этот показатель увеличится до …", "Наша задача — выйти на
100 млрд долларов") carries its trade word. The money parsing (models/money.tsv) serves deals
too."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import takewhile

from spacy.tokens import Doc, Span, Token

from ..gazetteer import fold
from ..resources import word_parses
from ..schema import ORG, STATE
from ..ud import SUBJECT_DEPS
from .context import Context, Found, is_future, pairs

YEAR = re.compile(r"^(?:19|20)\d\d$")
ORDINAL_YEAR = re.compile(r"^((?:19|20)\d\d)(?:-?[а-я]{1,3})?$")  # "к 2030-му году"
RANGE = re.compile(r"^(\d+(?:[.,]\d+)?)[-–—]\d+(?:[.,]\d+)?$")  # "10-15 млрд": its lower bound
YEAR_WORDS = {"год", "г"}  # "к 2030 году", "к 2030 г."
DEADLINE = {"к", "до"}  # "к 2030 году": the year a goal is set for
DEMONSTRATIVES = {"этот", "данный", "тот"}  # "этот показатель": the figure just named
# nouns whose sum is no trade volume: deals (relation_cues.tsv), documents, "стоимость"
OTHER_MEASURES = {
    ("deal", "noun"),
    ("deal", "grant"),
    ("deal", "flow"),
    ("signed_agreement", "document"),
    ("trade_target", "other"),
}
ARGUMENTS = {"obj", "nsubj", "nsubj:pass"}  # the arguments a measured noun may be
STRETCH_ENDS = {",", ";", ":", "—", "–", "(", ")"}  # what a clause's stretch of words ends at
CLAUSES = {"acl", "acl:relcl", "advcl", "ccomp", "csubj", "parataxis", "conj"}  # own predicates
# "с 270 до 500 миллионов", "с нынешних 36 млрд", "до 3 млрд против 1,5 млрд"
BASELINE = {"с", "со", "против"}

MoneyWords = Mapping[str, tuple[str, str]]  # lemma → (number, multiplier or currency; value)


@dataclass(frozen=True)
class Amount:
    """A sum of money in a doc: tokens start:end, the number it comes to and its currency
    (`bare`: none written, the one of the amount before)."""

    start: int
    end: int
    value: float
    unit: str
    bare: bool = False


def trade_targets(context: Context) -> Iterator[Found]:
    main_states = document_states(context)
    before: list[Token] = []  # the trade words of the sentence before
    for sentence in context.doc.sents:
        trade = [t for t in sentence if is_trade_word(context, t, before)]
        carried = not trade and bool(before)  # "Наша задача — выйти на 100 млрд долларов"
        before, trade = trade, trade or before
        if not trade or not any(is_target_word(context, t) for t in sentence):
            continue
        money = amounts(sentence, context.lexicons.money, unit_before(context, sentence))
        targets = [a for a in money if is_planned(context, a, sentence, trade, carried)]
        if not targets:
            continue
        skip = {i for a in money for i in range(a.start, a.end)}  # "долларов США"
        parties = trade_parties(context, sentence, trade[0], main_states, skip)
        for amount in targets:
            year = target_year(sentence, amount)
            for a, b in pairs(parties[:2]):
                yield Found(
                    "trade_target",
                    a,
                    b,
                    sentence,
                    trade_metric(context, trade[0]),
                    amount.value,
                    amount.unit,
                    year,
                )


def is_trade_word(context: Context, token: Token, before: list[Token]) -> bool:
    """ "товарооборот", "торговля", "торговый" of a noun ("торговый оборот"), or after a
    sentence with one of those "этот показатель", "данная сумма"."""
    relation, role = context.cue_of(token)
    if relation != "trade" or names_other(context, token):
        return False
    if role == "anaphor":
        return bool(before) and any(
            c.dep_ == "det" and fold(c.lemma_) in DEMONSTRATIVES for c in token.children
        )
    return role == "noun" or (role == "modifier" and token.dep_ == "amod")


def names_other(context: Context, token: Token) -> bool:
    """ "министр торговли", "торговый представитель", "Министерство торговли": a trade word in
    the name of a person's post or an organisation is no trade figure."""
    head = token.head
    animate = "Anim" in head.morph.get("Animacy", []) and token.dep_ in {"nmod", "amod"}
    return animate or context.entity_at(token, {ORG}) is not None


def is_target_word(context: Context, token: Token) -> bool:
    """A word that makes a figure a goal ("довести", "задача", "вырастет"), not a report: no
    past tense ("достиг", "составил")."""
    return context.cue_of(token)[1] == "target" and "Past" not in token.morph.get("Tense", [])


def is_planned(
    context: Context, amount: Amount, sentence: Span, trade: list[Token], carried: bool
) -> bool:
    """A goal: a target word above the amount ("довести … до", "задача выйти на", "составит"),
    a "до" before it or its noun ("а к 2030 году — до 300 млрд", "до уровня десяти
    миллиардов"), or a goal said of the trade phrase that hangs on the amount's predicate
    ("целевой показатель товарооборота … установлен на уровне 10 млрд", "стремиться к
    достижению объема торговли в 20 млрд"); not the figure a range starts from or a goal is
    set against ("с 270 до 500", "против 1,5 млрд"), a current one ("составляет 3 млрд", "сейчас
    он уже $15 млрд") or one a past verb reports ("в прошлом году составил 190 млрд", "был 190
    млрд"). In a sentence that only carries the trade word of the one before, only a target
    word above the amount with no other measure of its own counts ("выйти на 100 млрд", not
    "довести инвестиции до 5 млрд")."""
    doc = sentence.doc
    before = fold(doc[amount.start - 1].text) if amount.start > sentence.start else ""
    if is_baseline(doc, amount, sentence) or is_current(
        context, doc[amount.start : amount.end], before
    ):
        return False
    above = ancestors_in(doc[amount.start : amount.end], sentence)
    verb = verb_before(doc, amount, sentence) or next((t for t in above if is_verb(t)), None)
    if verb is not None and reports_past(context, verb):
        return False
    if measures_other(context, above, verb):
        return False
    near = [*sized_noun(doc, amount, before), *([verb] if verb is not None else [])]
    goals = [t for t in [*above, *near, *noun_arguments(verb)] if is_target_word(context, t)]
    if (carried or amount.bare) and any(
        has_own_measure(context, t) for t in up_to_goal(context, above)
    ):
        return False  # "довести число туристов до 7 млн": a bare number of something else
    if carried:
        return bool(goals)
    nouns = [*doc[amount.start : amount.end], *takewhile(lambda t: t.pos_ == "NOUN", above)]
    up_to = before == "до" or any(
        c.dep_ == "case" and fold(c.text) == "до" for t in nouns for c in t.children
    )
    predicate = verb if verb is not None else sentence.root
    return up_to or bool(goals) or any(is_trade_goal(context, t, predicate) for t in trade)


def is_verb(token: Token) -> bool:
    return token.pos_ in {"VERB", "AUX"}


def verb_before(doc: Doc, amount: Amount, sentence: Span) -> Token | None:
    """The verb the amount follows in its stretch of the sentence, by position ("вырос до 240
    млрд, а к 2030 году вырастет до 300 млрд": the parser may hang both on the first verb)."""
    for token in reversed(doc[sentence.start : amount.start]):
        if token.text in STRETCH_ENDS:
            return None
        if is_verb(token):
            return token
    return None


def noun_arguments(verb: Token | None) -> list[Token]:
    """The nouns a predicate has as arguments: a goal noun among them ("поставили цель к 2030
    году — 100 млрд долларов товарооборота") names the amount beside it a goal."""
    if verb is None:
        return []
    return [c for c in verb.children if c.dep_ in ARGUMENTS and c.pos_ == "NOUN"]


def sized_noun(doc: Doc, amount: Amount, before: str) -> list[Token]:
    """ "цель в $40 млрд": the noun an amount after "в" gives the size of, by position (the
    parser often hangs the amount on the verb)."""
    return [doc[amount.start - 2]] if before == "в" and amount.start >= 2 else []


def is_baseline(doc: Doc, amount: Amount, sentence: Span) -> bool:
    """The figure a range starts from or a goal is set against: "с 270 до 500", "с нынешних
    $7 млрд", "против 1,5 млрд"."""
    index = amount.start - 1
    while index > sentence.start and doc[index].pos_ in {"ADJ", "DET", "ADV"}:
        index -= 1
    return index >= sentence.start and fold(doc[index].text) in BASELINE


def is_current(context: Context, amount: Span, before: str) -> bool:
    """ "сейчас он уже $15 млрд": an adverb of the present right before the amount or on it."""
    words = [before, *(fold(c.lemma_) for t in amount for c in t.children if c.dep_ == "advmod")]
    return any(context.lexicons.cues.get(w) == "trade_target/current" for w in words)


def is_trade_goal(context: Context, trade: Token, predicate: Token) -> bool:
    """The trade phrase hangs on the predicate through a goal ("к достижению объема
    торговли", "цель по товарообороту … составляет") or is one ("целевой показатель
    товарооборота")."""
    chain: list[Token] = []
    for token in [trade, *trade.ancestors]:
        if chain and chain[-1].dep_ in CLAUSES:
            return False  # "контракт, который поможет увеличить товарооборот"
        if token == predicate:
            return any(
                is_target_word(context, t)
                or any(c.dep_ == "amod" and is_target_word(context, c) for c in t.children)
                for t in chain
            )
        chain.append(token)
    return False


def measures_other(context: Context, above: list[Token], verb: Token | None) -> bool:
    """The amount is the sum of something else: a noun between it and its goal word, an
    argument of that goal word (or of the verb it depends on, "должен вырасти"), or a deal verb
    it follows: investments, exports, a loan, a contract, a plant's cost ("а инвестиции
    планируется увеличить до 5 млрд", "экспорт … должен вырасти до 30 млрд", "завод стоимостью
    5 млрд", "объем инвестиций довести до 10 млрд", "вложить 3 млрд"). Above the goal word
    the sum is the goal's ("соглашение о доведении товарооборота до 5 млрд")."""
    path = up_to_goal(context, above)
    goal = path.pop() if path and is_goal_or_trade(context, path[-1]) else None
    if goal is not None and verb is not None and verb.i < goal.i:
        verb = None  # "подписали соглашение о доведении … до": the goal's own amount
    if verb is not None and context.cue_of(verb) == ("deal", "verb"):
        return True
    governors = [*path, *([goal] if goal is not None else []), *([verb] if verb else [])]
    if goal is not None and goal.dep_ == "xcomp":
        governors.append(goal.head)
    nouns = [t for t in path if t.pos_ == "NOUN"]
    nouns += [c for t in governors for c in t.children if c.dep_ in ARGUMENTS and c.pos_ == "NOUN"]
    return any(is_other_measure(context, t) for t in nouns)


def up_to_goal(context: Context, above: list[Token]) -> list[Token]:
    """The words above an amount up to its goal or trade word, that one included: what the
    amount is the size of; past it, what the goal itself hangs on ("договорились принять меры с
    целью обеспечения роста товарооборота до …")."""
    path = list(takewhile(lambda t: not is_goal_or_trade(context, t), above))
    return above[: len(path) + 1]


def is_goal_or_trade(context: Context, token: Token) -> bool:
    return is_target_word(context, token) or context.cue_of(token)[0] == "trade"


def is_other_measure(context: Context, noun: Token) -> bool:
    """ "инвестиции", "экспорт", "кредит", "контракт", "стоимость"; "объем инвестиций"."""
    if context.cue_of(noun) == ("trade", "measure"):
        return any(c.dep_ == "nmod" and is_other_measure(context, c) for c in noun.children)
    return context.cue_of(noun) in OTHER_MEASURES


def has_own_measure(context: Context, word: Token) -> bool:
    """ "довести инвестиции до 5 млрд", "планирует экспортировать фрукты на 500 млн", "довести
    число туристов до 7 млн": a word above the amount has a noun of its own as its object or
    subject, not the trade figure ("обеспечить рост товарооборота до 3 миллиардов")."""
    return any(
        c.dep_ in ARGUMENTS
        and c.pos_ == "NOUN"
        and not is_target_word(context, c)
        and not any(context.cue_of(t)[0] == "trade" for t in [c, *c.children])
        and not money_word(c, context.lexicons.money)[0]  # "довести … до 2 млрд долларов"
        for c in word.children
    )


def reports_past(context: Context, verb: Token) -> bool:
    """ "составил", "вырос", "был": a past figure; "договорились довести" keeps its goal."""
    past = "Past" in verb.morph.get("Tense", []) and not is_future(verb)  # "будет достигнута"
    return past and (verb.pos_ == "AUX" or context.cue_of(verb)[1] == "target")


def ancestors_in(tokens: Span, sentence: Span) -> list[Token]:
    """The words above a phrase inside its sentence, nearest first."""
    inside = {t.i for t in tokens}
    found = []
    for token in tokens:
        for ancestor in token.ancestors:
            if ancestor.i not in inside and sentence.start <= ancestor.i < sentence.end:
                inside.add(ancestor.i)
                found.append(ancestor)
    return found


def trade_parties(
    context: Context, sentence: Span, trade: Token, main_states: list[int], skip: set[int]
) -> list[int]:
    """The states (or unions, "ЕС", "ЕАЭС") whose trade it is: those named with the trade word
    ("товарооборот между ЕС и Китаем", "российско-китайский товарооборот"), else the subjects of
    the verbs it hangs on, else the states of the sentence, else of the sentence before (of more
    than two, the article's two main ones when it names both), else the two the article is
    about. Words of an amount (`skip`: "долларов США") name no party."""
    phrase = trade.head if trade.dep_ in {"nmod", "amod"} else trade
    named = context.entities_of(
        [t for t in phrase.subtree if t.i not in {phrase.i, trade.i} | skip], {STATE, ORG}
    )
    if len(named) >= 2:
        return named
    paired = context.adjective_parties([trade, phrase])
    if len(paired) >= 2:
        return paired
    subjects = subject_parties(context, sentence, trade, skip)
    if len(subjects) >= 2:
        return subjects
    for span in (sentence, previous_sentence(sentence)):
        states = states_in(context, span, skip) if span is not None else []
        if len(states) > 2 and len(main_states) == 2 and set(main_states) <= set(states):
            return main_states  # "банками КНДР и Кореи … в российских рублях": the article's two
        if len(states) >= 2:
            return states
    return main_states


def subject_parties(context: Context, sentence: Span, trade: Token, skip: set[int]) -> list[int]:
    """The subjects of the verbs the trade word hangs on ("Индонезия и ЕАЭС рассчитывают, что
    товарооборот достигнет …"): states, or organisations whose name holds no state ("ЕАЭС",
    not "МИД России": its state is the party)."""
    above = [a for a in trade.ancestors if sentence.start <= a.i < sentence.end]
    subjects = [c for a in above for c in a.children if c.dep_ in SUBJECT_DEPS and c.i not in skip]
    return [
        i
        for i in context.entities_of(subjects, {STATE, ORG})
        if context.entities[i]["type"] == STATE
        or context.state_named_in(context.entities[i]["name"]) is None
    ]


def states_in(context: Context, span: Span, skip: set[int]) -> list[int]:
    found = (context.entity_at(t, {STATE}) for t in span if t.i not in skip)
    return list(dict.fromkeys(i for i in found if i is not None))


def previous_sentence(sentence: Span) -> Span | None:
    return sentence.doc[sentence.start - 1].sent if sentence.start > 0 else None


def next_sentence(sentence: Span) -> Span | None:
    doc = sentence.doc
    return doc[sentence.end].sent if sentence.end < len(doc) else None


def document_states(context: Context) -> list[int]:
    """The two states a bilateral article is about: the most mentioned ones. Looser than
    `Context.article_parties` (no margin over a third state) on purpose: a trade figure names
    a pair, and on real news the looser reading found 4 more targets of 65 with no false row."""
    counts = Counter(
        e["id"]
        for e in context.entities.values()
        if e["type"] == STATE
        for _ in range(e["mentions"])
    )
    return [state for state, _ in counts.most_common(2)] if len(counts) >= 2 else []


def trade_metric(context: Context, word: Token) -> str:
    """ "объём взаимной торговли" (the measure the trade word depends on, as a lemma, and the
    trade word with its adjectives), "торговый оборот", "товарооборот"."""
    if word.dep_ == "amod":
        return f"{fold(word.lemma_)} {fold(word.head.lemma_)}"
    if word.dep_ == "nmod" and context.cue_of(word.head) == ("trade", "measure"):
        adjectives = [c.text for c in word.children if c.dep_ == "amod" and c.i < word.i]
        return " ".join([fold(word.head.lemma_), *adjectives, word.text])
    return fold(word.lemma_)


def parse_money(sentence: Span, words: MoneyWords) -> tuple[float, str] | None:
    """The first amount of a sentence: "2 миллиардов долларов" → (2e9, "USD")."""
    found = amounts(sentence, words)
    return (found[0].value, found[0].unit) if found else None


def unit_before(context: Context, sentence: Span) -> str | None:
    """The currency of the last amount of the sentence before, for a bare "до 5 миллиардов"."""
    previous = previous_sentence(sentence)
    found = amounts(previous, context.lexicons.money) if previous is not None else []
    return found[-1].unit if found else None


def amounts(sentence: Span, words: MoneyWords, unit: str | None = None) -> list[Amount]:
    """Every amount with a currency, left to right: "200 млрд долл.", "$40 млрд", "USD 5 bn",
    "двух миллиардов долларов", "миллиарда долларов" (a scale word alone is one of it); a
    scaled number with no currency and no noun after it is in the currency of the amount before
    ("до 3 миллиардов долларов в 2026 году и до 5 миллиардов к 2028 году"), or `unit`."""
    found: list[Amount] = []
    index = sentence.start
    while index < sentence.end:
        unit = found[-1].unit if found else unit
        amount = amount_at(sentence.doc, index, sentence.end, words, unit)
        found += [amount] if amount is not None else []
        index = amount.end if amount is not None else index + 1
    return found


def amount_at(
    doc: Doc, start: int, limit: int, words: MoneyWords, unit_before: str | None = None
) -> Amount | None:
    kind, value = money_word(doc[start], words)
    index = start + 1 if kind == "currency" else start  # "$200 млрд", "USD 5 bn"
    unit = value if kind == "currency" else None
    number, index = number_at(doc, index, limit, words)
    if number is None:
        return None
    scaled = False
    while index < limit:
        kind, value = money_word(doc[index], words)
        if kind == "multiplier":
            number *= float(value)
            scaled = True
        elif kind == "currency" and unit is None:
            unit = value
        elif kind != "suffix" or unit is None:
            break
        index += 1
    bare = index >= limit or doc[index].pos_ not in {"NOUN", "PROPN"}  # not "5 млн тонн"
    if unit is None and scaled and bare and unit_before is not None:
        return Amount(start, index, number, unit_before, bare=True)
    return Amount(start, index, number, unit) if unit is not None else None


def number_at(doc: Doc, index: int, limit: int, words: MoneyWords) -> tuple[float | None, int]:
    """The number at a token and the index after it: digits ("1,5"), number words ("двести
    пятьдесят"), or nothing before a scale word ("миллиарда долларов": one)."""
    if index >= limit:
        return None, index
    digits = to_number(doc[index].text)
    if digits is not None:
        return (None, index) if YEAR.match(doc[index].text) else (digits, index + 1)
    total, end = 0.0, index
    while end < limit and money_word(doc[end], words)[0] == "number":
        total += float(money_word(doc[end], words)[1])
        end += 1
    if end > index:
        return total, end
    return (1.0, index) if money_word(doc[index], words)[0] == "multiplier" else (None, index)


def money_word(token: Token, words: MoneyWords) -> tuple[str, str]:
    """What a word is to money, by its lemma, its text ("долл.", "$") or, for numerals the
    lemmatiser leaves as they are ("двух"), pymorphy3's lemma; ("", "") for other words."""
    text = fold(token.text).rstrip(".")
    for key in (fold(token.lemma_).rstrip("."), text):
        if key in words:
            return words[key]
    if token.pos_ == "NUM" and text.isalpha():
        parses = word_parses(text)
        if parses and parses[0].normal_form in words:
            return words[parses[0].normal_form]
    return "", ""


def to_number(text: str) -> float | None:
    """ "1,5", "200", "10-15" (a range: its lower bound)."""
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    ranged = RANGE.match(cleaned)
    try:
        return float(ranged.group(1) if ranged else cleaned)
    except ValueError:
        return None


def target_year(sentence: Span, amount: Amount) -> int | None:
    """ "к 2030 году", "в 2025 году", "до 2020 года": the year nearest the amount in its
    sentence, else a "к"/"до" year the next sentence opens with ("Это должно произойти к 2030
    году"; not "в 2025 году вырос": a report)."""
    near = years_in(sentence)
    if near:
        return min(near, key=lambda item: abs(item[0] - amount.start))[1]
    following = next_sentence(sentence)
    later = years_in(following) if following is not None else []
    doc = sentence.doc
    by = [year for i, year in later if i > 0 and fold(doc[i - 1].text) in DEADLINE]
    return by[0] if by else None


def years_in(span: Span) -> list[tuple[int, int]]:
    """(token index, year) of every "2030 год", "2030-й год" of a span."""
    doc = span.doc
    found = ((token, ORDINAL_YEAR.match(token.text)) for token in span)
    return [
        (token.i, int(match.group(1)))
        for token, match in found
        if match and token.i + 1 < len(doc) and fold(doc[token.i + 1].lemma_) in YEAR_WORDS
    ]
