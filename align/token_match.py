"""Token-level coverage between two sentences in different languages, from word-piece vectors (align.token_encoder).

Greedy matching as in BERTScore (Zhang et al. 2020): each word piece of one sentence takes its most similar piece of
the other; recall is the mean over the source's pieces, precision over the English pieces. The pair's score is the
larger of the two: in comparable news a link is often partial (a headline restating half of a long sentence), and
then the shorter sentence is covered well by the longer while the reverse is not. A mean-pooled sentence embedding
blurs exactly that case.
"""

from __future__ import annotations

import numpy as np

from align.margin import fill_uncomputed


def token_coverage(src: list[np.ndarray], tgt: list[np.ndarray], candidates: np.ndarray | None = None) -> np.ndarray:
    """n_src x n_tgt max(recall, precision) of greedy word-piece matching, for every pair or only `candidates`.

    Pairs outside the boolean `candidates` mask get the row's lowest computed score (margin.fill_uncomputed), so the
    margins of the computed pairs are unaffected.
    """
    out = np.zeros((len(src), len(tgt)), dtype=np.float32)
    if not src or not tgt:
        return out
    lengths = np.array([len(t) for t in tgt])
    for i, a in enumerate(src):
        cols = np.arange(len(tgt)) if candidates is None else np.flatnonzero(candidates[i])
        cols = cols[lengths[cols] > 0]
        if len(a) == 0 or len(cols) == 0:
            continue
        # One matrix product per source sentence against all its candidates, then per-candidate reductions.
        block = a @ np.concatenate([tgt[j] for j in cols]).T
        starts = np.concatenate([[0], np.cumsum(lengths[cols])[:-1]])
        recall = np.maximum.reduceat(block, starts, axis=1).mean(axis=0)
        precision = np.add.reduceat(block.max(axis=0), starts) / lengths[cols]
        out[i, cols] = np.maximum(recall, precision)
    if candidates is None:
        return out
    # Pairs with a sentence without word pieces were skipped above: they are filled like the non-candidates.
    computed = candidates & (lengths > 0)[None, :] & np.array([len(a) > 0 for a in src])[:, None]
    return fill_uncomputed(out, computed)
