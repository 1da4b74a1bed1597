"""Nominative (canonical) forms of names, by pymorphy3 with agreement.

"Республикой Казахстан" is looked up in the gazetteer; everything else is inflected here:
"Межправительственной комиссии" → "Межправительственная комиссия" (the adjective agrees with its
noun), "Министерства иностранных дел России" → "Министерство иностранных дел России" (genitive
dependents after the head stay as they are), "Абая Кунанбаева" → "Абай Кунанбаев" (name parts
agree in gender).
"""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Span, Token

from .lemmas import UD_CASE_TO_OC, UD_TO_OC, restore_case
from .resources import word_parses

PERSON_TAGS = {"Name", "Surn", "Patr"}
UD_GENDER_TO_OC = {"Masc": "masc", "Fem": "femn", "Neut": "neut"}
GENDER_OF_OC = {"masc": "Masc", "femn": "Fem"}
UD_NUMBER_TO_OC = {"Sing": "sing", "Plur": "plur"}
AGREEING_POS = {"ADJ", "NOUN", "PROPN", "DET", "NUM"}


def feature(token: Token, name: str) -> str:
    values = token.morph.get(name, [])
    return values[0] if values else ""


@lru_cache(maxsize=100_000)
def inflect_word(text: str, pos: str, case: str, gender: str, number: str) -> str:
    """`text` put in the nominative, keeping its number and gender; the text itself if unsure."""
    if case not in UD_CASE_TO_OC or case == "Nom" or not text[:1].isalpha():
        return text
    wanted_case, wanted_pos = UD_CASE_TO_OC[case], UD_TO_OC.get(pos, {"NOUN"})
    candidates = [p for p in word_parses(text) if p.tag.case in wanted_case]
    candidates = [p for p in candidates if p.tag.POS in wanted_pos]
    return nominative_of(agreeing(candidates, gender, number), text) or text


def agreeing(readings: list, gender: str, number: str) -> list:
    """The readings in the tagger's gender, then number, where any are (else all)."""
    if gender in UD_GENDER_TO_OC:
        wanted = {UD_GENDER_TO_OC[gender], None}
        readings = [p for p in readings if p.tag.gender in wanted] or readings
    if number in UD_NUMBER_TO_OC:
        wanted = {UD_NUMBER_TO_OC[number], None}
        readings = [p for p in readings if p.tag.number in wanted] or readings
    return readings


def nominative_of(readings, text: str) -> str | None:
    """The first reading that inflects to the nominative, in the text's capitalisation."""
    for parse in readings:
        inflected = parse.inflect({"nomn"})
        if inflected:
            return restore_case(inflected.word, text) if text[:1].isupper() else inflected.word
    return None


def person_readings(parses: list, text: str) -> list:
    """Readings of a name part, best first: a known name, an adjective-like surname
    ("Долгорукому", "Толстого"), pymorphy3's guess for an unknown surname — a person's
    (animate) that keeps the word's stem ("Байдена" → Байден, not "Шольца" → Шолец, not
    "Моди" → модь)."""
    for accept in (
        lambda p: p.tag.POS == "NOUN" and PERSON_TAGS & p.tag.grammemes,
        lambda p: p.tag.POS == "ADJF",
        lambda p: (
            p.tag.POS == "NOUN"
            and not p.is_known
            and p.tag.animacy == "anim"
            and text.lower().startswith(p.normal_form[:-1])
        ),
    ):
        found = [p for p in parses if accept(p)]
        if found:
            return found
    return []


def words_text(tokens: list[Token], words: list[str]) -> str:
    """Join replacement words with the original whitespace between the tokens."""
    parts = []
    for index, (token, word) in enumerate(zip(tokens, words, strict=True)):
        parts.append(word)
        if index < len(tokens) - 1:
            parts.append(token.whitespace_)
    return "".join(parts)


def person_nominative(span: Span) -> str:
    """Every name part to the nominative, in the gender of the first name ("Деборы Ли Джеймс" →
    "Дебора Ли Джеймс", though the tagger read "Деборы" as a man's) and the case the whole name
    is in (`name_case`)."""
    tokens = [token for token in span if not token.is_space]
    parts = [t for t in tokens if t.text[:1].isupper() and len(t.text) > 1 and t.text.isalpha()]
    known = name_gender(parts)
    gender = known or next((feature(t, "Gender") for t in tokens if feature(t, "Gender")), "")
    case = name_case(parts, [feature(t, "Case") for t in tokens], gender, bool(known))
    words = [
        part_nominative(t.text, case, gender, bool(known)) if t in parts else t.text for t in tokens
    ]
    return words_text(tokens, words)


def name_gender(parts: list[Token]) -> str:
    """The gender of the first part pymorphy3 knows as a first name of one gender only ("Джо",
    "Дебора"); "" when none is."""
    for token in parts:
        genders = {
            p.tag.gender
            for p in word_parses(token.text)
            if p.is_known and "Name" in p.tag.grammemes and p.tag.gender in GENDER_OF_OC
        }
        if len(genders) == 1:
            return GENDER_OF_OC[genders.pop()]
    return ""


def name_case(parts: list[Token], cases: list[str], gender: str, sure: bool) -> str:
    """The case of the name (`cases`: the tagger's, of every token, initials too). A surname
    declines where foreign first names and Korean or Chinese name parts do not, so the last
    oblique case the last part can be read in decides ("Ким Чен Ына"; "А. Илюшкиным", where
    the tagger took the surname for a genitive and the initial for an instrumental). When the
    last part fits none of the tagged cases, a part with no nominative reading and only one
    oblique one is in that case ("Джо Локхарту", tagged nominative or genitive). A name in
    apposition to a noun in another case, with a part pymorphy3 reads as a name only in that
    one, is in that case: "премьер-министра Индии Нарендру Моди", where the tagger took
    "Нарендру" for a genitive like "Индии"."""
    if not parts:
        return ""
    oblique = [case for case in reversed(cases) if case in OBLIQUE]
    readable = [
        c for c in oblique if part_nominative(parts[-1].text, c, gender, sure) != parts[-1].text
    ]
    titled = title_case(parts, gender, sure)
    if not readable and titled:
        return titled
    if not readable and (unread := unread_case(parts, gender, sure)):
        return unread
    tagged = next(iter(readable + oblique), feature(parts[0], "Case"))
    if tagged not in OBLIQUE:
        return tagged
    head = parts[0].head if parts and parts[0].dep_ == "appos" else None
    governing = feature(head, "Case") if head is not None else ""
    if governing not in OBLIQUE or governing == tagged:
        return tagged
    misread = [
        t.text
        for t in parts
        if not case_readings(t.text, tagged, gender, sure)
        and name_readings(t.text, governing, gender, sure)
    ]
    return governing if misread else tagged


def title_case(parts: list[Token], gender: str, sure: bool) -> str:
    """The case of the common noun a name stands in apposition to, right before it, when every
    part of the name can be in it: "Премьер-министр Японии Сигэру Исиба" is nominative
    (though "Сигэру" reads only as a dative; the surname decides), "послом США Джеффри
    Пайеттом" instrumental (though the tagger read the name as nominative)."""
    head = parts[0].head if parts[0].dep_ == "appos" else None
    if head is None or head.pos_ != "NOUN" or feature(head, "Animacy") != "Anim":
        return ""  # a title is a noun for a person: not "подругой детства Антонеллой"
    between = head.doc[head.i + 1 : parts[0].i]
    if head.i > parts[0].i or len(between) > TITLE_REACH:
        return ""
    if any(t.is_punct or t.pos_ == "VERB" for t in between):
        return ""  # only the title's own phrase before the name: "послом США на Украине"
    case, last = feature(head, "Case"), parts[-1].text
    if case == "Nom":  # the surname declines: one read only in an oblique case is in that case
        oblique = any(case_readings(last, other, gender, sure) for other in OBLIQUE)
        return case if case_readings(last, case, gender, sure) or not oblique else ""
    if case in OBLIQUE and all(case_readings(t.text, case, gender, sure) for t in parts):
        return case
    return ""


def unread_case(parts: list[Token], gender: str, sure: bool) -> str:
    """The one oblique case a name part can only be read in, by pymorphy3 ("Локхарту": Dat)."""
    for token in parts:
        if case_readings(token.text, "Nom", gender, sure):
            continue
        cases = {case for case in OBLIQUE if case_readings(token.text, case, gender, sure)}
        if len(cases) == 1:
            return cases.pop()
    return ""


def name_readings(text: str, case: str, gender: str, sure: bool) -> list:
    """Readings in a case that pymorphy3 tags as a first name, surname or patronymic."""
    return [p for p in case_readings(text, case, gender, sure) if PERSON_TAGS & p.tag.grammemes]


OBLIQUE = ("Gen", "Acc", "Dat", "Ins", "Loc")
TITLE_REACH = 5  # how many words of its own phrase may stand between a title and the name
# masculine case endings of a foreign surname pymorphy3 cannot read ("Шольца", "Олафу")
MASCULINE_ENDINGS = {
    "Gen": ("а", "я"),
    "Acc": ("а", "я"),
    "Dat": ("у", "ю"),
    "Ins": ("ом", "ем", "ём"),
    "Loc": ("е",),
}
VOWELS = set("аеёиоуыэюяй")


@lru_cache(maxsize=100_000)
def case_readings(text: str, case: str, gender: str, sure: bool = False) -> tuple:
    """Singular person readings of a name part in a case ("Илюшкиным" is no plural dative
    here), the tagger's gender first; only that gender's when it is `sure` (a known first name
    gave it)."""
    wanted = UD_CASE_TO_OC[case]
    parses = [p for p in word_parses(text) if p.tag.case in wanted and p.tag.number != "plur"]
    readings = person_readings(parses, text)
    if sure:  # after "Джо", "Локхарту" is a man's dative, not a woman's accusative
        readings = [p for p in readings if p.tag.gender in {UD_GENDER_TO_OC[gender], "ms-f", None}]
    return tuple(agreeing(readings, gender, "Sing"))


@lru_cache(maxsize=100_000)
def part_nominative(text: str, case: str, gender: str, sure: bool = False) -> str:
    """A name part in the nominative: by a reading in the case; else, for a man's foreign
    name, without its case ending ("Шольца" → "Шольц", "Ына" → "Ын"); else as written ("Моди")."""
    if case not in OBLIQUE:
        return text
    found = nominative_of(case_readings(text, case, gender, sure), text)
    if found is not None:
        return found
    if gender == "Masc":
        for ending in MASCULINE_ENDINGS[case]:
            stem = text[: -len(ending)]
            if text.endswith(ending) and len(stem) > 1 and stem[-1].lower() not in VOWELS:
                return stem
    return text


def phrase_nominative(span: Span) -> str:
    """Words before and at the head noun agree in the nominative; dependents after it stay.
    The head is the first noun in the case of the phrase's first inflected word, or a word
    pymorphy3 reads as such a noun where the tagger took it for a verb ("Уральской стали")."""
    tokens = [token for token in span if not token.is_space]
    if not tokens or span.text[:1] in "«\"„“'":
        return span.text
    case = next((feature(t, "Case") for t in tokens if feature(t, "Case")), "")
    if not case or case == "Nom":
        return span.text
    head = next(
        (
            i
            for i, t in enumerate(tokens)
            if t.pos_ in {"NOUN", "PROPN"} and feature(t, "Case") == case
        ),
        None,
    )
    if head is None:
        head = next((i for i, t in enumerate(tokens) if noun_in_case(t.text, case)), None)
    if head is None:
        return span.text
    words = []
    for index, token in enumerate(tokens):
        pos = "NOUN" if index == head else token.pos_
        agrees = index <= head and pos in AGREEING_POS and feature(token, "Case") in {case, ""}
        words.append(
            inflect_word(token.text, pos, case, feature(token, "Gender"), feature(token, "Number"))
            if agrees and (index == head or feature(token, "Case") == case)
            else token.text
        )
    return words_text(tokens, words)


def noun_in_case(text: str, case: str) -> bool:
    return any(p.tag.POS == "NOUN" and p.tag.case in UD_CASE_TO_OC[case] for p in word_parses(text))
