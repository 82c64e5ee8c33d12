"""Find an English person's name in Arabic text by its consonants: "Benny Gantz" is written "بيني غانتس".

Without a translation the English article's names cannot be looked for in an Arabic article by spelling. A foreign
name, though, is written in Arabic letters by its sound, and its consonants survive: b-n g-n-t-s in both. Both sides
are reduced to consonant classes (short vowels are not written in Arabic, long ones and w/y are unreliable, so all
vowels go; b/p, f/v, k/q/c, g/j, s/z/sh and t/th each become one), and a name counts as found where two of its words
stand as two neighbouring Arabic words with the same skeletons. English spellings with several readings ("ch" in
Mitchell, Kochavi and Chad) try each.

This can show that a name is there, never that it is missing: a name the Arabic translates ("Nobel Prize") or
spells unusually is not found, and stays unchecked. scripts/eval_name_transliteration.py measures it on the
parallel sets (recall about half of the multi-word names; a wrong find in under 0.1% of unrelated sentences).
One-word names are left out: with three or four consonants they met unrelated words too often. No maintained
library transliterates English names into Arabic script or back well enough to compare them (anyascii and
Unidecode romanise letter by letter, and the vowels they guess differ from the English spelling).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from eval.common_words import WORD, common_words
from eval.fact_extraction import CONNECTORS
from eval.territories import normalise_arabic

# Arabic letters -> consonant class; letters not listed (alef, waw, yaa, ain, hamza, haa, taa marbuta) are dropped.
_ARABIC = {"ب": "b", "پ": "b", "ت": "t", "ط": "t", "ث": "s", "س": "s", "ص": "s", "ز": "s", "ذ": "s", "ظ": "s",
           "ش": "s", "ج": "g", "غ": "g", "گ": "g", "خ": "k", "ق": "k", "ك": "k", "د": "d", "ض": "d", "ر": "r",
           "ف": "f", "ڤ": "f", "ل": "l", "م": "m", "ن": "n"}
# English spellings -> the consonant classes they may be read as, longest spelling first where they overlap.
_ENGLISH: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tch", ("s", "ts")), ("sch", ("s", "sk")), ("sh", ("s",)), ("ch", ("k", "s", "ts")), ("kh", ("k",)),
    ("gh", ("g", "")), ("th", ("t", "s")), ("ph", ("f",)), ("dh", ("d", "s")), ("ck", ("k",)), ("gn", ("n", "gn")),
    ("x", ("ks",)), ("ğ", ("g", "")), ("ce", ("s", "k")), ("ci", ("s", "k")), ("cy", ("s", "k")), ("c", ("k",)),
    ("b", ("b",)), ("p", ("b",)), ("t", ("t",)), ("d", ("d",)), ("s", ("s",)), ("z", ("s",)), ("k", ("k",)),
    ("q", ("k",)), ("g", ("g",)), ("j", ("g",)), ("f", ("f",)), ("v", ("f",)), ("l", ("l",)), ("m", ("m",)),
    ("n", ("n",)), ("r", ("r",)),
)
# "ce", "ci", "cy": only the c is read; the vowel after it stays to be read (and dropped) as itself.
_READ_ONE = {"ce", "ci", "cy"}
_MAX_READINGS = 16
_ARABIC_WORD = re.compile(r"[\u0600-\u06ff]+")
_NAME_WORD = re.compile(WORD)


def _squeeze(skeleton: str) -> str:
    """Doubled consonants written once: "Mitchell" / "ميتشل", "Hassan" / "حسن"."""
    return re.sub(r"(.)\1+", r"\1", skeleton)


def arabic_skeleton(word: str) -> str:
    """The consonant classes of an Arabic word ("غانتس" -> "gnts")."""
    return _squeeze("".join(_ARABIC.get(ch, "") for ch in normalise_arabic(word)))


def english_skeletons(word: str) -> set[str]:
    """The consonant classes an English spelling may stand for ("Kochavi" -> {"kf", "ksf", "ktsf"})."""
    word, readings, k = word.lower(), {""}, 0
    while k < len(word):
        for spelling, sounds in _ENGLISH:
            if word.startswith(spelling, k):
                readings = {r + s for r in sorted(readings) for s in sounds}
                readings = set(sorted(readings)[:_MAX_READINGS])
                k += 1 if spelling in _READ_ONE else len(spelling)
                break
        else:
            k += 1  # a vowel, w, y, h or a sign: not written, or not reliably
    return {_squeeze(r) for r in readings}


def _arabic_forms(word: str) -> set[str]:
    """Skeletons of an Arabic word as written and without a one-letter clitic (و ب ل ف) or the article."""
    norm = normalise_arabic(word)
    forms = {norm}
    if norm.startswith("ال") and len(norm) > 4:
        forms.add(norm[2:])
    if norm[:1] in "وبلف" and len(norm) > 3:
        forms.add(norm[1:])
    return {arabic_skeleton(f) for f in forms}


def name_words(name: str) -> list[str]:
    """The words of an English name that are names: no connectors, titles in everyday words or short acronyms."""
    everyday = common_words("en")
    return [w for w in _NAME_WORD.findall(name) if w.lower() not in CONNECTORS and w.lower() not in everyday
            and not (w.isupper() and len(w) <= 4)]


def _readings(name: str) -> list[tuple[set[str], set[str]]]:
    """The skeletons of each two neighbouring name words of `name` (a word of one consonant is left out: "Ur",
    "Ali" would meet too many Arabic words)."""
    readings = [{s for s in english_skeletons(w) if len(s) >= 2} for w in name_words(name)]
    return [(a, b) for a, b in itertools.pairwise(readings) if a and b]


def searchable(name: str) -> bool:
    """Whether an English name has two neighbouring name words to look for in Arabic text."""
    return bool(_readings(name))


class ArabicText:
    """The Arabic sentences of an article, read once into word skeletons to look English names up in."""

    def __init__(self, sentences: Sequence[str]) -> None:
        """Index where each skeleton an Arabic word may stand for occurs: (sentence, word position)."""
        self._where: dict[str, set[tuple[int, int]]] = {}
        for k, sentence in enumerate(sentences):
            for i, word in enumerate(_ARABIC_WORD.findall(sentence)):
                for form in _arabic_forms(word):
                    self._where.setdefault(form, set()).add((k, i))

    def _positions(self, skeletons: set[str]) -> set[tuple[int, int]]:
        """Where any of `skeletons` stands."""
        return set().union(*(self._where.get(s, set()) for s in skeletons))

    def sentences_naming(self, name: str) -> list[int]:
        """Indices of the sentences where two neighbouring words of `name` stand as two neighbouring Arabic words."""
        found: set[int] = set()
        for first, second in _readings(name):
            seconds = self._positions(second)
            found |= {k for k, i in self._positions(first) if (k, i + 1) in seconds}
        return sorted(found)
