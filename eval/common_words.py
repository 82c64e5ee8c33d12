"""Everyday words of Swahili and English, to tell a title ("Waziri wa Ulinzi", Defence Minister) from a name.

Without a translation, names are compared across the two languages by spelling alone. That finds "Benny Gantz" and
"Morocco", which both languages write alike, but a capitalised run of everyday words is a title or an office that the
other language words differently: not finding it there proves nothing, so fact coverage leaves it unchecked.
The lists are the words written in lower case, away from a sentence's start, at least twice in public parallel text
(scripts/build_common_words.py); no maintained library gives such case-aware lists for Swahili.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

WORDS_FILE = Path(__file__).parent / "common_words.json"
# Least number of lower-case uses that makes a word everyday: one could be a typo or a name written carelessly.
MIN_LOWERCASE = 2

# A word as fact extraction reads one: a letter, then letters, digits, apostrophes and hyphens ("Al-Farouk", "Ng'ang'a").
WORD = r"[^\W\d_][\w'’\-]*"
_WORD_RE = re.compile(rf"{WORD}|\S", re.UNICODE)
_SENTENCE_OPENERS = frozenset('.!?:;"“«(')


def lowercase_counts(lines: Iterable[str]) -> Counter[str]:
    """How often each word is written in lower case other than first in a sentence, a quote or a bracket."""
    counts: Counter[str] = Counter()
    for line in lines:
        tokens = _WORD_RE.findall(line)
        for k, token in enumerate(tokens):
            if k > 0 and tokens[k - 1] not in _SENTENCE_OPENERS and token[:1].isalpha() and token[:1].islower():
                counts[token] += 1
    return counts


@functools.cache
def common_words(lang: str) -> frozenset[str]:
    """The everyday words of `lang` in lower case (empty for a language without a list, such as Arabic)."""
    if not WORDS_FILE.is_file():
        return frozenset()
    lists = json.loads(WORDS_FILE.read_text(encoding="utf-8")).get("languages", {})
    return frozenset(lists.get(lang, {}).get("words", []))


def is_everyday_phrase(name: str, lang: str, connectors: frozenset[str] | set[str] = frozenset()) -> bool:
    """True when every word of `name` but its connectors ("wa", "of") is an everyday word of `lang`."""
    words = [w.lower() for w in re.findall(WORD, name) if w.lower() not in connectors]
    everyday = common_words(lang)
    return bool(words) and bool(everyday) and all(w in everyday for w in words)
