"""Match a translated article, segmented its own way, to the source sentences it translates.

Translations made elsewhere (a web MT service, a human translator) come as a whole article: the translator joins two
sentences into one, splits one into two, drops a caption or adds a line, so their sentences do not fall one per
source sentence. The source and its translation are parallel, though, so the order is kept: a monotonic alignment of
1-1, 1-2, 2-1, 1-0 and 0-1 steps (as Vecalign and Bertalign do for parallel text) recovers which translated sentences
translate each source sentence. Hand-written because those tools are whole programs with their own models; this is
one dynamic programme over the aligner's own embeddings and margins.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from align.config import AlignConfig
from align.encoder import Encoder
from align.groups import headline_index
from align.language_offset import source_encoder
from align.margin import TRANSLATION_COSINE, adaptive_k, knn_mean, margin_against

# Steps (source sentences, translated sentences) a path may take; a 1-0 or 0-1 step leaves a sentence unmatched.
_STEPS = ((0, 1), (1, 0), (1, 1), (1, 2), (2, 1))
# Margins over the same neighbourhoods as the aligner's.
_K = AlignConfig()
# What leaving one sentence unmatched costs, in margin units, and the lowest margin gain a member of a joined pair
# may have on its own. Set on synthetic translated articles (FLORES/NTREX documents with 15% of sentence pairs
# joined, 10% split, 5% left out and 5% lines added), tuning seed 0: sentences matched exactly 0.929 -> 0.960 (sw)
# and 0.959 -> 0.967 (ar) against no penalty and no floor; held-out seed 1: 0.947 and 0.970 (cold cache).
SKIP_PENALTY = 0.02
MEMBER_FLOOR = -0.04
# Margins are relative: an article that translates something else still has pairs above its own average. So a step
# also needs a cosine a translation reaches (align.margin.TRANSLATION_COSINE; other encoders: margins only).


@dataclass(frozen=True)
class TranslationMap:
    """The translation of each source sentence ("" where none was found) and how many sentences stayed unmatched."""

    translations: list[str]
    unmatched_src: int
    unused_translated: int


def _joined_pairs(texts: list[str]) -> list[str]:
    """Each sentence joined with the next one."""
    return [f"{a} {b}" for a, b in pairwise(texts)]


def map_translation(src: list[str], translated: list[str], encoder: Encoder, src_lang: str | None) -> TranslationMap:
    """Match the sentences of a translated article to the source sentences they translate, keeping the order."""
    n, m = len(src), len(translated)
    if n == 0 or m == 0:
        return TranslationMap([""] * n, n, m)
    src_enc = source_encoder(encoder, src_lang, src)
    s1, t1 = src_enc.encode(src), encoder.encode(translated)
    s2 = src_enc.encode(_joined_pairs(src)) if n > 1 else np.zeros((0, s1.shape[1]), np.float32)
    t2 = encoder.encode(_joined_pairs(translated)) if m > 1 else np.zeros((0, t1.shape[1]), np.float32)
    cos, cos12, cos21 = s1 @ t1.T, s1 @ t2.T, s2 @ t1.T
    # Ratio margins: a step gains (margin - 1), so it beats leaving both sentences unmatched only when the pair stands
    # out of the topical floor every sentence of one article shares with every other.
    fwd = knn_mean(cos, adaptive_k(m, _K.k_frac, _K.k_min, _K.k_max), axis=1)
    bwd = knn_mean(cos, adaptive_k(n, _K.k_frac, _K.k_min, _K.k_max), axis=0)
    gain11 = margin_against(cos, fwd, bwd) - 1.0
    # A joined pair's neighbourhood is the mean of its members' neighbourhoods.
    gain12 = margin_against(cos12, fwd, (bwd[:-1] + bwd[1:]) / 2) - 1.0  # n x (m-1)
    gain21 = margin_against(cos21, (fwd[:-1] + fwd[1:]) / 2, bwd) - 1.0  # (n-1) x m
    # A joined pair is mostly its stronger member: an unrelated line next to a true translation hardly lowers the
    # pair's score. So each member must be a plausible partner on its own.
    gain12[np.minimum(gain11[:, :-1], gain11[:, 1:]) < MEMBER_FLOOR] = -np.inf
    gain21[np.minimum(gain11[:-1], gain11[1:]) < MEMBER_FLOOR] = -np.inf
    # A headline is a line of its own in any translation, never joined with the lead: a translation that left the
    # headline out had "headline + lead" matched to the lead's translation, and said the headline found.
    if headline_index(src) is not None and n > 1:
        gain21[0, :] = -np.inf
    if headline_index(translated) is not None and m > 1:
        gain12[:, 0] = -np.inf
    floor = TRANSLATION_COSINE.get(getattr(encoder, "name", ""), -np.inf)
    gain11[cos < floor], gain12[cos12 < floor], gain21[cos21 < floor] = -np.inf, -np.inf, -np.inf
    moves = _best_path(gain11, gain12, gain21)
    return _collect(moves, src, translated)


def _best_path(gain11: np.ndarray, gain12: np.ndarray, gain21: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The steps (i, j, di, dj) of the highest-scoring monotonic path, in document order."""
    n, m = gain11.shape
    skip = SKIP_PENALTY
    ramp = skip * np.arange(m + 1)
    score = np.zeros((n + 1, m + 1), dtype=np.float64)
    score[0] = -ramp
    step = np.zeros((n + 1, m + 1), dtype=np.int8)  # index into _STEPS; row 0 is all 0-1 steps
    for i in range(1, n + 1):
        cand = score[i - 1] - skip  # 1-0: source sentence i-1 unmatched
        kind = np.full(m + 1, 1, dtype=np.int8)
        options = [(2, np.concatenate([[-np.inf], score[i - 1, :-1] + gain11[i - 1]]))]
        if m > 1:
            options.append((3, np.concatenate([[-np.inf, -np.inf], score[i - 1, :-2] + gain12[i - 1]])))
        if i > 1:
            options.append((4, np.concatenate([[-np.inf], score[i - 2, :-1] + gain21[i - 2]])))
        for code, values in options:
            better = values > cand
            cand[better], kind[better] = values[better], code
        # 0-1 steps within the row: a translated sentence left unmatched carries the best score so far along.
        # (score + ramp) turns the per-step penalty into a plain running maximum.
        shifted = cand + ramp
        running = np.maximum.accumulate(shifted)
        kind[shifted < running] = 0  # compared on one scale: (x + r) - r need not equal x in floating point
        score[i], step[i] = running - ramp, kind
    path = []
    i, j = n, m
    while i > 0 or j > 0:
        di, dj = _STEPS[step[i, j]] if i > 0 else (0, 1)
        path.append((i - di, j - dj, di, dj))
        i, j = i - di, j - dj
    return path[::-1]


def _collect(path: list[tuple[int, int, int, int]], src: list[str], translated: list[str]) -> TranslationMap:
    """Translations per source sentence from the path's steps; a 2-1 step gives both sources the one sentence."""
    out = [""] * len(src)
    used = 0
    for i, j, di, dj in path:
        if di and dj:
            text = " ".join(translated[j:j + dj])
            for k in range(i, i + di):
                out[k] = text
            used += dj
    return TranslationMap(out, sum(1 for t in out if not t), len(translated) - used)


def agreement(src: list[str], translations: list[str], encoder: Encoder, src_lang: str | None) -> np.ndarray:
    """Cosine of each source sentence with its translation (NaN where the translation is empty).

    It tells how well a reading of a translations file fits its source."""
    out = np.full(len(src), np.nan, dtype=np.float32)
    given = [k for k, t in enumerate(translations) if t.strip()]
    if given:
        vectors = source_encoder(encoder, src_lang, src).encode([src[k] for k in given])
        out[given] = np.sum(vectors * encoder.encode([translations[k] for k in given]), axis=1)
    return out


@dataclass(frozen=True)
class Facing:
    """How a line-by-line reading of translations fits its source: lines that translate the sentence they face."""

    facing: int  # non-blank lines whose closest source sentence is the one they face, at a translation's cosine
    lines: int  # non-blank lines
    shift: int  # the offset (closest sentence minus faced sentence) most lines show when it is not 0; else 0


def facing(src: list[str], translations: list[str], encoder: Encoder, src_lang: str | None) -> Facing:
    """Which non-blank lines of `translations` (one per sentence of `src`) are closest to the sentence they face."""
    kept = [k for k, t in enumerate(translations) if t.strip()]
    if not kept:
        return Facing(0, 0, 0)
    cos = source_encoder(encoder, src_lang, src).encode(src) @ encoder.encode([translations[k] for k in kept]).T
    floor = TRANSLATION_COSINE.get(getattr(encoder, "name", ""), -np.inf)
    closest = np.argmax(cos, axis=0)
    found = [(int(closest[c]), k) for c, k in enumerate(kept) if cos[closest[c], c] >= floor]
    shifts = Counter(best - k for best, k in found)
    shift, count = shifts.most_common(1)[0] if shifts else (0, 0)
    return Facing(facing=shifts.get(0, 0), lines=len(kept), shift=shift if 2 * count > len(kept) else 0)
