#!/usr/bin/env python
"""Measure each source language's offset from English in an encoder's vectors and write align/language_offsets.json.

The offset of language X is mean(vectors of X sentences) - mean(vectors of their English translations), over parallel
text, so that the content cancels and only the language component is left (see align/language_offset.py).
Parallel text: TICO-19 (sw, ar) and MAFAND-MT dev (sw) from ../shared/data. The synthetic alignment evaluation draws
on NTREX-128, MAFAND-MT test and FLORES-200 devtest only, so it stays held out.

Usage: python scripts/build_language_offsets.py [--encoder e5] [--data DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from align.encoder import Encoder, get_encoder
from align.language_offset import OFFSETS_FILE
from align.margin import E5_NAMES
from align.synthetic import DATA_DIR
from mt.atomic import atomic_output
from mt.errors import MtkError

# (source file, its English file) per language, relative to the data folder.
PARALLEL = {
    "sw": [("tico19/tico19-test.swa-eng.swa", "tico19/tico19-test.swa-eng.eng"),
           ("mafand/mafand-dev.swa", "mafand/mafand-dev.eng")],
    "ar": [("tico19/tico19-test.ara-eng.ara", "tico19/tico19-test.ara-eng.eng")],
}
# The other engines of the same e5-small weights (align.margin.E5_NAMES) share the offsets measured with the first.
SAME_MODEL = {E5_NAMES[0]: list(E5_NAMES[1:])}


def _pairs(data: Path, files: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """Line-aligned non-empty (source, English) segments of the given parallel files."""
    src: list[str] = []
    eng: list[str] = []
    for src_name, eng_name in files:
        a = (data / src_name).read_text(encoding="utf-8").splitlines()
        b = (data / eng_name).read_text(encoding="utf-8").splitlines()
        if len(a) != len(b):
            raise MtkError(f"{src_name} and {eng_name} differ in length ({len(a)} and {len(b)} lines)")
        kept = [(x.strip(), y.strip()) for x, y in zip(a, b, strict=True) if x.strip() and y.strip()]
        src += [x for x, _ in kept]
        eng += [y for _, y in kept]
    return src, eng


def measure(encoder: Encoder, src: list[str], eng: list[str]) -> np.ndarray:
    """Mean source vector minus mean English vector over parallel segments."""
    return encoder.encode(src).mean(axis=0) - encoder.encode(eng).mean(axis=0)


def build(encoder: Encoder, data: Path) -> dict:
    """The offsets file's content for `encoder`: one offset per source language, with its provenance."""
    languages = {}
    for lang, files in PARALLEL.items():
        src, eng = _pairs(data, files)
        offset = measure(encoder, src, eng)
        languages[lang] = {"segments": len(src), "corpora": [s for s, _ in files],
                           "norm": round(float(np.linalg.norm(offset)), 4),
                           "offset": [round(float(v), 6) for v in offset]}
        print(f"{lang}: {len(src)} parallel segments, offset norm {np.linalg.norm(offset):.4f}", file=sys.stderr)
    return {"about": "Per-language offsets removed from source sentence vectors before cross-lingual comparison; "
                     "built by scripts/build_language_offsets.py (see align/language_offset.py).",
            "encoders": [{"names": [encoder.name] + SAME_MODEL.get(encoder.name, []), "languages": languages}]}


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, measure the offsets, write the JSON file atomically."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--encoder", default="e5", help="sentence encoder name (as for mtk align --encoder)")
    ap.add_argument("--data", type=Path, default=DATA_DIR, help="folder holding tico19/ and mafand/")
    ap.add_argument("--out", type=Path, default=OFFSETS_FILE, help="JSON file to write")
    args = ap.parse_args(argv)
    try:
        content = build(get_encoder(args.encoder), args.data)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(args.out) as fh:
            json.dump(content, fh, indent=1)
            fh.write("\n")
    except (MtkError, OSError) as exc:
        print(f"build_language_offsets: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
