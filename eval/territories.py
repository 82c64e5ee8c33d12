"""Country and region names in Arabic, Swahili and English from CLDR, to check place facts across languages.

Without a translation an Arabic article's names cannot be compared with the English article's by spelling, so they
were all left unchecked. Countries and regions are the exception: CLDR, the Unicode locale data that Babel ships,
gives each its standard Arabic name ("المغرب" Morocco, "الصحراء الغربية" Western Sahara, "الاتحاد الأوروبي"
European Union). An Arabic sentence naming one states that place, whatever else it says, and an English place name
can be looked for in the Arabic text. Other names (people, cities, bodies) still need a translation. CLDR's Swahili
names ("Ayalandi", Ireland) serve eval.place_names, where spelling alone would not meet the English.
"""

from __future__ import annotations

import functools
import os
import re

from eval.place_names import TO_CANONICAL, canonical_places
from mt.boilerplate import fold_arabic

# CLDR codes left out: the world and unknown region are no places; Eurozone and Outlying Oceania are economic or
# statistical groupings; and names that are also everyday words once news drops the short vowels: "عمان" is Oman and
# Amman, "مالي" Mali and "financial" (الدعم المالي), "بنين" Benin and "boys".
_SKIP = {"001", "ZZ", "EZ", "QO", "OM", "ML", "BJ"}
# Beyond the short vowels mt.boilerplate.fold_arabic removes: Quranic marks, the rarer vowel signs and tatweel, which
# page labels never hold but article text may.
_MORE_MARKS = re.compile("[\u0610-\u061a\u0653-\u065f\u0640]")
# Relative adjectives (nisba) name the place too: المغربي, الإسرائيلية, الجزائريين (Moroccan, Israeli, Algerians).
_NISBA = "(?:ية|يه|يين|يون|يان|يتين|ي)"
_DEMONYM_ENDING = re.compile(r"(?:an|ans|ese|ish|i|is|ic|er|ers|k|ks)$")


def normalise_arabic(text: str) -> str:
    """`text` without short vowels and tatweel, and with every alef form as bare alef: how Arabic news varies."""
    return fold_arabic(_MORE_MARKS.sub("", text))


def _pattern(arabic: str) -> str:
    """A regex for one Arabic place name with its clitics (و ف ب ل ك), article and nisba endings."""
    name = normalise_arabic(arabic)
    body = re.escape(name.removeprefix("ال"))
    # A nisba drops a final alef or taa marbuta (فرنسا / فرنسي), which a name-shaped regex cannot tell from another
    # word, so names ending so are matched as written only.
    nisba = _NISBA if name[-1] not in "اىة" else ""
    if name.startswith("ال"):
        # The article is part of the name ("المغرب"); without it only the adjective is the place ("مسؤول مغربي").
        with_article = rf"(?:[بك]?ال|لل){body}{nisba}?" if nisba else rf"(?:[بك]?ال|لل){body}"
        forms = with_article + (rf"|[بلك]?{body}{nisba}" if nisba else "")
    else:
        forms = rf"(?:[بك]?ال|لل|[بلك])?{body}{nisba}?" if nisba else rf"[بلك]?{body}"
    return rf"(?<!\w)[وف]?(?:{forms})(?!\w)"


@functools.cache
def _tables() -> tuple[frozenset[str], list[tuple[str, re.Pattern[str], str]]]:
    """(the canonical English names of all places, (core, Arabic pattern, English name) longest Arabic name first)."""
    from babel import Locale

    english, arabic = Locale("en").territories, Locale("ar").territories
    places = {code: canonical_places(name) for code, name in english.items() if code not in _SKIP and code in arabic}
    # "الكونغو - كينشاسا": CLDR's disambiguated names are not how articles write them, and would match nothing.
    patterns = [(_core(arabic[code]), re.compile(_pattern(arabic[code])), name) for code, name in places.items()
                if " - " not in arabic[code]]
    patterns.sort(key=lambda p: len(p[0]), reverse=True)
    return frozenset(places.values()), patterns


def _core(arabic: str) -> str:
    """The part of a place name that every form of it holds (no article): a cheap test before the regex."""
    name = normalise_arabic(arabic).removeprefix("ال")
    return name[:-1] if name[-1] in "اىة" else name


@functools.cache
def swahili_names() -> dict[str, str]:
    """Each country and region's Swahili CLDR name that differs from its English one -> the English name.

    The English name is the form eval.place_names makes canonical ("United Kingdom" is "Britain")."""
    from babel import Locale

    english, swahili = Locale("en").territories, Locale("sw").territories
    return {swahili[code]: TO_CANONICAL.get(name, name) for code, name in english.items()
            if code not in _SKIP and code in swahili and swahili[code] != name and " - " not in swahili[code]}


@functools.cache
def place_word(word: str) -> str | None:
    """The one-word place a lower-case English word names, itself or by its adjective or people, or None.

    "swedish", "japanese" and "greek" are sweden, japan and greece. CLDR has no demonyms, and spelling similarity
    misses most (Japanese / Japan 0.77, Portuguese / Portugal 0.67), so a word counts as one when it starts with most
    of a place's name (at least 4 letters and half of it) and goes on past it with a demonym's ending; the place sharing the longest start wins ("nigerian" is Nigeria, not Niger).
    Irregular ones (French, Dutch, Filipino) are not found, so they stay unmatched rather than matched wrongly."""
    places = [p.lower() for p in _tables()[0] if " " not in p]
    if word in places:
        return word
    if not _DEMONYM_ENDING.search(word):  # "indiana", "chinatown" start like places too
        return None
    best, best_len = None, 0
    for place in places:
        n = len(os.path.commonprefix([word, place]))
        if n >= 4 and n * 2 >= len(place) and n < len(word) <= len(place) + 5 and n > best_len:
            best, best_len = place, n
    return best


def is_place(name: str) -> bool:
    """True when an English name is a country or region CLDR names in Arabic ("Morocco", "US", "Western Sahara")."""
    return canonical_places(name) in _tables()[0]


def arabic_places(text: str) -> list[tuple[str, str]]:
    """(English name, Arabic words as written) of each country or region an Arabic text names, in text order."""
    kept = [k for k, ch in enumerate(text) if normalise_arabic(ch)]  # where each normalised character came from
    norm = normalise_arabic(text)
    found: list[tuple[int, int, str]] = []
    taken = bytearray(len(norm))
    for core, pattern, english in _tables()[1]:
        if core not in norm:
            continue
        for m in pattern.finditer(norm):
            # Longest names were tried first: "الصحراء الغربية" is not also read as "الصحراء" (Sahara) alone.
            if not any(taken[m.start():m.end()]):
                taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
                found.append((m.start(), m.end(), english))
    spans = []
    for a, b, english in sorted(found):
        end = kept[b - 1] + 1
        while end < len(text) and not normalise_arabic(text[end]):  # the last letter's short vowel, as written
            end += 1
        spans.append((english, text[kept[a]:end]))
    return spans
