#!/usr/bin/env python
"""Measure how well English names are found in Arabic text by their consonants (eval.arabic_names).

For each English name of two or more name words in a parallel set's English line (TICO-19, FLORES-200 devtest,
NTREX-128), look for it in the Arabic line (recall: the Arabic states it, or translates it, so a miss is either) and in
five random other Arabic lines whose English does not hold the name (false finds).

Usage: python scripts/eval_name_transliteration.py [--data DIR]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from align.synthetic import DATA_DIR
from eval.arabic_names import ArabicText, searchable
from eval.fact_extraction import extract_facts
from eval.territories import is_place

SETS = [("tico19/tico19-test.ara-eng.eng", "tico19/tico19-test.ara-eng.ara"),
        ("flores200/flores200-devtest.eng_Latn", "flores200/flores200-devtest.arb_Arab"),
        ("ntrex128/ntrex128-newstest2019-src.eng", "ntrex128/ntrex128-newstest2019-ref.arb")]


def measure(english: list[str], arabic: list[str], rng: random.Random) -> tuple[int, int, int, int]:
    """(names looked for, found in their own Arabic line, unrelated lines tried, found in those)."""
    lines = ArabicText(arabic)
    names = found = tried = wrong = 0
    for k, line in enumerate(english):
        for fact in extract_facts([line], "en"):
            if fact.kind != "name" or is_place(fact.value) or not searchable(fact.value):
                continue
            where = set(lines.sentences_naming(fact.value))
            names += 1
            found += k in where
            for other in rng.sample(range(len(arabic)), 5):
                if other != k and fact.value.lower() not in english[other].lower():
                    tried += 1
                    wrong += other in where
    return names, found, tried, wrong


def main(argv: list[str] | None = None) -> int:
    """Print recall and false finds per set and in all."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA_DIR, help="folder holding tico19/, flores200/ and ntrex128/")
    args = ap.parse_args(argv)
    rng = random.Random(0)
    totals = [0, 0, 0, 0]
    for en_name, ar_name in SETS:
        try:
            english = (args.data / en_name).read_text(encoding="utf-8").splitlines()
            arabic = (args.data / ar_name).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            print(f"eval_name_transliteration: {exc}", file=sys.stderr)
            return 1
        counts = measure(english, arabic, rng)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        print(_line(en_name.split("/")[0], counts))
    print(_line("all", tuple(totals)))
    return 0


def _line(name: str, counts: tuple[int, ...] | list[int]) -> str:
    """One set's result as printed."""
    names, found, tried, wrong = counts
    return (f"{name}: {names} multi-word names, found in their Arabic line {found} ({found / max(names, 1):.1%}); "
            f"found in an unrelated line {wrong} of {tried} ({wrong / max(tried, 1):.2%})")


if __name__ == "__main__":
    sys.exit(main())
