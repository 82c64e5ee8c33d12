#!/usr/bin/env python
"""Count the words written in lower case in Swahili and English text and write eval/common_words.json.

Text: the Swahili and English sides of TICO-19, FLORES-200 devtest and NTREX-128 from ../shared/data (MAFAND-MT is
left out: its licence is non-commercial). See eval/common_words.py for what the lists are for.

Usage: python scripts/build_common_words.py [--data DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from align.synthetic import DATA_DIR
from eval.common_words import MIN_LOWERCASE, WORDS_FILE, lowercase_counts
from mt.atomic import atomic_output

TEXT = {
    "sw": ["tico19/tico19-test.swa-eng.swa", "flores200/flores200-devtest.swh_Latn",
           "ntrex128/ntrex128-newstest2019-ref.swa"],
    "en": ["tico19/tico19-test.swa-eng.eng", "flores200/flores200-devtest.eng_Latn",
           "ntrex128/ntrex128-newstest2019-src.eng"],
}


def build(data: Path) -> dict:
    """The file's content: per language, its corpora and the words used in lower case at least MIN_LOWERCASE times."""
    languages = {}
    for lang, files in TEXT.items():
        lines = [line for name in files for line in (data / name).read_text(encoding="utf-8").splitlines()]
        counts = lowercase_counts(lines)
        words = sorted(w for w, n in counts.items() if n >= MIN_LOWERCASE)
        languages[lang] = {"lines": len(lines), "corpora": files, "words": words}
        print(f"{lang}: {len(lines)} lines, {len(words)} everyday words", file=sys.stderr)
    return {"about": "Words written in lower case at least twice away from a sentence's start; built by "
                     "scripts/build_common_words.py (see eval/common_words.py).",
            "languages": languages}


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, count the words, write the JSON file atomically."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA_DIR, help="folder holding tico19/, flores200/ and ntrex128/")
    ap.add_argument("--out", type=Path, default=WORDS_FILE, help="JSON file to write")
    args = ap.parse_args(argv)
    try:
        content = build(args.data)
        with atomic_output(args.out) as fh:
            json.dump(content, fh, ensure_ascii=False, indent=0)
            fh.write("\n")
    except OSError as exc:
        print(f"build_common_words: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
