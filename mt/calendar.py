"""Month and weekday names of English, Swahili and Arabic (standard, Levantine and Maghrebi spellings), numbered.

One list serves the cleaner (time-stamp lines) and the fact extractor (dates), so a spelling added for one is known
to the other.
"""

from __future__ import annotations


def _numbered(rows: list[str]) -> dict[str, int]:
    """Spelling -> 1-based row number, for rows of space-separated spellings ('_' joins a two-word spelling)."""
    return {word.replace("_", " "): n for n, row in enumerate(rows, 1) for word in row.split()}


MONTHS = _numbered([
    "january jan januari يناير جانفي كانون_الثاني",
    "february feb februari فبراير فيفري شباط",
    "march mar machi مارس آذار",
    "april apr aprili أبريل ابريل إبريل أفريل نيسان",
    "may mei ماي مايو أيار",
    "june jun juni يونيو يونيه جوان حزيران",
    "july jul julai يوليو يوليه يوليوز جويلية تموز",
    "august aug agosti أغسطس غشت أوت آب",
    "september sep sept septemba سبتمبر شتنبر أيلول",
    "october oct oktoba أكتوبر اكتوبر تشرين_الأول",
    "november nov novemba نوفمبر نونبر تشرين_الثاني",
    "december dec desemba disemba ديسمبر دجنبر دحنبر كانون_الأول",
])

WEEKDAYS = _numbered([
    "monday jumatatu الاثنين الإثنين",
    "tuesday jumanne الثلاثاء",
    "wednesday jumatano الأربعاء الاربعاء",
    "thursday alhamisi الخميس",
    "friday ijumaa الجمعة",
    "saturday jumamosi السبت",
    "sunday jumapili الأحد الاحد",
])

