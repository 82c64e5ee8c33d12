"""Country and region names that Swahili and English spell differently (Marekani / United States), made comparable.

Fact checks without a translation match names by spelling, so "Uswidi" in a Swahili article and "Sweden" in its
English partner looked like two different facts. Hand-written because pycountry, the maintained source of country
names, translates only 25 of 249 countries into Swahili (not Marekani, Uingereza or Uturuki), and news also uses
regions and bodies (Ulaya, Umoja wa Mataifa) that no country list holds.
"""

from __future__ import annotations

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
_TO_CANONICAL = {other: canonical for canonical, others in _SAME_PLACE.items() for other in others}
# Longest first, so that "Umoja wa Ulaya" is read before "Ulaya"; whole words only, and case as written ("US", not
# the pronoun "us").
_PATTERN = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(k) for k in sorted(_TO_CANONICAL, key=len, reverse=True))
                      + r")(?![\w])")


def canonical_places(name: str) -> str:
    """`name` with every country or region it contains in its canonical English form ("Uswidi" -> "Sweden")."""
    return _PATTERN.sub(lambda m: _TO_CANONICAL[m.group()], name)
