"""Pairwise signals between source sentences and English sentences: embedding cosines, chrF, shared numbers and names."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from align.encoder import Encoder

# Arabic-Indic (U+0660..) and Extended Arabic-Indic / Persian (U+06F0..) digits, plus Arabic decimal/thousands marks.
_DIGITS = str.maketrans({**{chr(0x0660 + d): str(d) for d in range(10)},
                         **{chr(0x06F0 + d): str(d) for d in range(10)},
                         "\u066b": ".", "\u066c": ","})
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Latin-script capitalised words and acronyms (names like Kochavi, Gantz, Rabat, FAR survive translation unchanged).
_NAME = re.compile(r"\b[A-Z][A-Za-z\u00C0-\u024F'\-]{2,}")
# Names inflect a little across languages (Israel/Israeli, Moroccan/Morocco): compare on a short prefix.
_NAME_KEY_LEN = 5


def number_set(text: str) -> frozenset[str]:
    """Numbers stated in `text`, digits normalised to ASCII and thousands separators removed ("1,000" -> "1000")."""
    out = set()
    for m in _NUMBER.finditer(text.translate(_DIGITS)):
        tok = m.group()
        # A comma followed by exactly three digits is a thousands separator; otherwise it is a decimal comma.
        tok = re.sub(r",(?=\d{3}(?!\d))", "", tok).replace(",", ".")
        tok = tok.lstrip("0") or "0"
        out.add(tok)
    return frozenset(out)


def name_set(text: str) -> frozenset[str]:
    """Lower-cased prefixes of capitalised Latin tokens in `text` (names, places, acronyms), first word excluded."""
    # Sentence-initial capitals ("The", "This", "Mkutano") are grammar, not names.
    return frozenset(m.group().lower()[:_NAME_KEY_LEN] for m in _NAME.finditer(text) if m.start() > 0
                     and text[: m.start()].strip(" \"'“‘(«"))


def idf_overlap(src_sets: list[frozenset[str]], tgt_sets: list[frozenset[str]]) -> np.ndarray:
    """IDF-weighted Jaccard overlap (0..1) of every source set with every target set.

    IDF is counted over the sentences of both documents, so a name that every sentence repeats ("Morocco") weighs little
    and a rare one ("Kochavi", "80") weighs a lot.
    """
    n = len(src_sets) + len(tgt_sets)
    df = Counter(tok for s in (*src_sets, *tgt_sets) for tok in s)
    idf = {tok: math.log(1.0 + n / c) for tok, c in df.items()}
    out = np.zeros((len(src_sets), len(tgt_sets)), dtype=np.float32)
    src_mass = [sum(idf[t] for t in s) for s in src_sets]
    tgt_mass = [sum(idf[t] for t in s) for s in tgt_sets]
    for i, a in enumerate(src_sets):
        if not a:
            continue
        for j, b in enumerate(tgt_sets):
            shared = a & b
            if shared:
                shared_mass = sum(idf[t] for t in shared)
                # Weighted Jaccard: names either sentence states without the other count against the link, so a
                # recurring name alone ("Trump" in every sentence) does not tie a sentence to the wrong partner.
                out[i, j] = shared_mass / (src_mass[i] + tgt_mass[j] - shared_mass)
    return out


def disjoint_nonempty(src_sets: list[frozenset[str]], tgt_sets: list[frozenset[str]]) -> np.ndarray:
    """1.0 where both sentences have items and share none (e.g. both state numbers, different ones), else 0.0."""
    out = np.zeros((len(src_sets), len(tgt_sets)), dtype=np.float32)
    for i, a in enumerate(src_sets):
        for j, b in enumerate(tgt_sets):
            if a and b and not (a & b):
                out[i, j] = 1.0
    return out


def chrf_matrix(hyps: list[str], refs: list[str]) -> np.ndarray:
    """sacrebleu sentence chrF (0..1) of every hypothesis against every reference.

    sacrebleu is the reference implementation; an article pair has at most a few thousand pairs, about a second.
    """
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    out = np.zeros((len(hyps), len(refs)), dtype=np.float32)
    for i, h in enumerate(hyps):
        for j, r in enumerate(refs):
            out[i, j] = chrf.sentence_score(h, [r]).score / 100.0
    return out


@dataclass
class PairFeatures:
    """All signals for one (source document, English document) pair; matrices are n_src x n_tgt."""

    src_emb: np.ndarray
    tgt_emb: np.ndarray
    cross: np.ndarray  # cosine of source vs English embeddings
    numbers: np.ndarray  # IDF-weighted shared-number overlap
    number_mismatch: np.ndarray  # both state numbers, none shared
    names: np.ndarray  # IDF-weighted shared-name overlap
    tr_emb: np.ndarray | None = None
    mono: np.ndarray | None = None  # cosine of translation vs English embeddings
    chrf: np.ndarray | None = None  # chrF of translation vs English


def compute_features(src: list[str], tgt: list[str], encoder: Encoder,
                     translations: list[str] | None = None) -> PairFeatures:
    """Embed both sides (and the translations) once and compute every pairwise signal."""
    texts = list(src) + list(tgt) + (list(translations) if translations is not None else [])
    emb = encoder.encode(texts)
    src_emb, tgt_emb = emb[: len(src)], emb[len(src): len(src) + len(tgt)]
    # Numbers and names are read from the translation too: MT may spell a name the English way.
    src_lex = [s + " " + t for s, t in zip(src, translations)] if translations is not None else list(src)
    src_nums, tgt_nums = [number_set(s) for s in src_lex], [number_set(t) for t in tgt]
    src_names, tgt_names = [name_set(s) for s in src_lex], [name_set(t) for t in tgt]
    feats = PairFeatures(
        src_emb=src_emb,
        tgt_emb=tgt_emb,
        cross=src_emb @ tgt_emb.T,
        numbers=idf_overlap(src_nums, tgt_nums),
        number_mismatch=disjoint_nonempty(src_nums, tgt_nums),
        names=idf_overlap(src_names, tgt_names),
    )
    if translations is not None:
        feats.tr_emb = emb[len(src) + len(tgt):]
        feats.mono = feats.tr_emb @ tgt_emb.T
        feats.chrf = chrf_matrix(list(translations), list(tgt))
    return feats
