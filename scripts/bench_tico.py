#!/usr/bin/env python
"""chrF/BLEU of one translation model on TICO-19 sw->en and ar->en, each scored against its own English file.

Usage: python scripts/bench_tico.py --model NAME|PATH [--limit N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from align.synthetic import DATA_DIR
from eval.metrics import corpus_scores
from mt.atomic import atomic_output
from mt.errors import MtkError

DATA = DATA_DIR / "tico19"
# The two English sides differ in 6 lines (quotes), so each pair has its own reference file.
PAIRS = {"sw": ("tico19-test.swa-eng.swa", "tico19-test.swa-eng.eng"),
         "ar": ("tico19-test.ara-eng.ara", "tico19-test.ara-eng.eng")}


def _lines(path: Path, limit: int | None) -> list[str]:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return lines[:limit] if limit else lines


def bench(model: str, langs: list[str], limit: int | None, data: Path) -> dict:
    """Translate each TICO-19 source file and score it with sacrebleu; returns scores, signatures and speed."""
    from mt.translator import Translator

    translator = Translator.load(model, cache=False)
    out = {"model": translator.label, "path": str(translator.path), "limit": limit, "results": {}}
    for lang in langs:
        src_file, ref_file = PAIRS[lang]
        sources, refs = _lines(data / src_file, limit), _lines(data / ref_file, limit)
        start = time.perf_counter()
        hyps = translator.translate_sentences(sources, lang)
        seconds = time.perf_counter() - start
        scores = corpus_scores(hyps, refs, f"TICO-19 {lang}->en reference ({ref_file})")
        scores["sentences_per_s"] = round(len(sources) / seconds, 2) if seconds > 0 else None
        out["results"][f"{lang}-en"] = scores
    return out


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the benchmark, print one line per pair with its signatures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="catalog name or CTranslate2 model directory")
    ap.add_argument("--lang", choices=sorted(PAIRS), action="append", help="source language(s); default: both")
    ap.add_argument("--limit", type=int, default=None, help="only the first N lines of each test set")
    ap.add_argument("--data", type=Path, default=DATA, help="folder holding the TICO-19 files")
    ap.add_argument("--json", help="also write the results as JSON")
    args = ap.parse_args(argv)
    try:
        result = bench(args.model, args.lang or sorted(PAIRS, reverse=True), args.limit, args.data)
    except MtkError as exc:
        print(f"bench_tico: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except FileNotFoundError as exc:
        print(f"bench_tico: error: test set file missing: {exc.filename}", file=sys.stderr)
        return 2
    for pair, res in result["results"].items():
        s = res["scores"]
        print(f"{result['model']} {pair} n={res['n']}: chrF {s['chrF']:.2f}  BLEU {s['BLEU']:.2f}  "
              f"chrF++ {s['chrF++']:.2f}  TER {s['TER']:.2f}  ({res['sentences_per_s']} sent/s)")
        for name in ("chrF", "BLEU"):
            print(f"  {name} signature: {res['signatures'][name]}")
    if args.json:
        with atomic_output(args.json) as fh:
            json.dump(result, fh, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
