"""Country and region names that Swahili and English spell differently (Marekani / United States), made comparable.

Fact checks without a translation match names by spelling, so "Uswidi" in a Swahili article and "Sweden" in its
English partner looked like two different facts. Every country and region's Swahili name comes from CLDR
(eval.territories); the hand-written list below adds the forms news uses that CLDR does not give (Uingereza, where
CLDR says "Ufalme wa Muungano"), English short forms and acronyms, and regions and bodies (Mashariki ya Kati,
Umoja wa Mataifa), and wins where the two differ.
"""

from __future__ import annotations

import functools
import re

# Canonical English form -> the other spellings that mean it (Swahili names, English short forms and acronyms).
_SAME_PLACE = {
    # Not "America"/"Amerika": also the continents ("Amerika Kusini", South America); they meet by spelling anyway.
    "United States": ["Marekani", "US", "U.S.", "USA", "U.S.A.", "United States of America"],
    "South America": ["Amerika Kusini"], "North America": ["Amerika Kaskazini"],
    "Britain": ["Uingereza", "UK", "U.K.", "United Kingdom", "Great Britain"],
    "Germany": ["Ujerumani"], "France": ["Ufaransa"], "Turkey": ["Uturuki", "Türkiye"], "Sweden": ["Uswidi"],
    "Russia": ["Urusi", "Russian Federation"], "China": ["Uchina"], "Egypt": ["Misri"], "Japan": ["Japani"],
    "Spain": ["Uhispania"], "Portugal": ["Ureno"], "Greece": ["Ugiriki"], "Netherlands": ["Uholanzi", "Holland"],
    "Belgium": ["Ubelgiji"], "Switzerland": ["Uswisi"], "Norway": ["Unorwe"], "Denmark": ["Udeni"],
    "Finland": ["Ufini"], "Italy": ["Italia"], "Poland": ["Polandi"], "Ukraine": ["Ukraini"], "India": ["Uhindi"],
    "Saudi Arabia": ["Saudia", "Uarabuni"], "Iraq": ["Iraki"], "Lebanon": ["Lebanoni"], "Jordan": ["Yordani"],
    "Syria": ["Siria"], "Morocco": ["Moroko"], "Algeria": ["Aljeria"], "Ethiopia": ["Uhabeshi"],
    "Mozambique": ["Msumbiji"], "Canada": ["Kanada"], "Mexico": ["Meksiko"], "Brazil": ["Brazili"],
    "Argentina": ["Ajentina"], "Philippines": ["Ufilipino"], "South Africa": ["Afrika Kusini"],
    "North Korea": ["Korea Kaskazini"], "South Korea": ["Korea Kusini"], "Western Sahara": ["Sahara Magharibi"],
    "Middle East": ["Mashariki ya Kati"], "Europe": ["Ulaya"], "European Union": ["Umoja wa Ulaya", "EU"],
    "United Nations": ["Umoja wa Mataifa", "UN", "U.N."], "Palestine": ["Palestina"],
}
TO_CANONICAL = {other: canonical for canonical, others in _SAME_PLACE.items() for other in others}


@functools.cache
def _table() -> tuple[re.Pattern[str], dict[str, str]]:
    """(a regex for every known spelling, each spelling -> its canonical English form), CLDR's and the list's."""
    from eval.territories import swahili_names

    table = {**swahili_names(), **TO_CANONICAL}
    # Longest first, so that "Umoja wa Ulaya" is read before "Ulaya"; whole words only, and case as written ("US",
    # not the pronoun "us").
    pattern = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
                         + r")(?![\w])")
    return pattern, table


def canonical_places(name: str) -> str:
    """`name` with every country or region it contains in its canonical English form ("Uswidi" -> "Sweden")."""
    pattern, table = _table()
    return pattern.sub(lambda m: table[m.group()], name)
