"""Clause coverage: how well some clause of one sentence matches a whole sentence of the other, margin-normalised.

covered_tgt[i, j] is the best ratio margin between a clause of source sentence i and English sentence j ("part of i
states j"); covered_src[i, j] the same with the clauses of j. A long sentence told as three short ones elsewhere then
matches each of them through one clause, without any adjacency assumption.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from align.clauses import split_clauses
from align.encoder import Encoder
from align.margin import adaptive_k, knn_mean


@dataclass
class ClauseCoverage:
    """Clause-level margins (n_src x n_tgt; 0 where the sentence has no clauses) and the best clause per pair."""

    covered_tgt: np.ndarray  # best margin of a clause of source i against English sentence j
    covered_src: np.ndarray  # best margin of a clause of English j against source sentence i
    # For every clause: (parent sentence, its margin row against the other side's sentences).
    src_clause_rows: list[tuple[int, np.ndarray]]
    tgt_clause_rows: list[tuple[int, np.ndarray]]


def sentence_clauses(texts: list[str], min_words: int, max_clauses: int, budget: int) -> list[tuple[int, str]]:
    """(sentence index, clause) for every clause of the `budget` longest of `texts`, in sentence order."""
    # Clause embeddings are extra encoder work: on very long documents only the longest sentences are split, which
    # keeps the cost bounded (an article has far fewer sentences than the budget, so it loses nothing).
    longest = sorted(range(len(texts)), key=lambda x: -len(texts[x]))[:budget]
    return [(i, part) for i in sorted(longest)
            for part in split_clauses(texts[i], min_sentence_words=min_words, max_clauses=max_clauses)]


def _clause_margins(texts: list[str], other_emb: np.ndarray, other_knn: np.ndarray, encoder: Encoder, k: int,
                    min_words: int, max_clauses: int, budget: int) -> list[tuple[int, np.ndarray]]:
    """Margin row of every clause of `texts` (the `budget` longest sentences) against the other side's sentences."""
    owned = sentence_clauses(texts, min_words, max_clauses, budget)
    if not owned:
        return []
    owners = [i for i, _ in owned]
    clauses = [c for _, c in owned]
    sim = encoder.encode(clauses) @ other_emb.T
    # Each clause is normalised by its own neighbourhood (clauses are shorter, their cosines sit lower than
    # sentences'); each sentence of the other side by its neighbourhood among whole sentences.
    own_knn = knn_mean(sim, min(k, sim.shape[1]), axis=1)
    margin = sim / np.maximum((own_knn[:, None] + other_knn[None, :]) / 2.0, 1e-6)
    return list(zip(owners, margin))


def clause_coverage(texts_src: list[str], texts_tgt: list[str], src_emb: np.ndarray, tgt_emb: np.ndarray,
                    cross: np.ndarray, encoder: Encoder, k_frac: float, k_min: int, k_max: int,
                    min_words: int = 14, max_clauses: int = 4, budget: int = 64,
                    src_encoder: Encoder | None = None) -> ClauseCoverage:
    """Clause coverage in both directions for one article pair (clauses of long sentences only).

    `src_encoder` embeds the source clauses (default `encoder`)."""
    n_src, n_tgt = cross.shape
    k_tgt, k_src = adaptive_k(n_tgt, k_frac, k_min, k_max), adaptive_k(n_src, k_frac, k_min, k_max)
    src_knn = knn_mean(cross, k_tgt, axis=1)
    tgt_knn = knn_mean(cross, k_src, axis=0)
    src_rows = _clause_margins(texts_src, tgt_emb, tgt_knn, src_encoder or encoder, k_tgt, min_words, max_clauses, budget)
    tgt_rows = _clause_margins(texts_tgt, src_emb, src_knn, encoder, k_src, min_words, max_clauses, budget)
    covered_tgt = np.zeros((n_src, n_tgt), dtype=np.float32)
    covered_src = np.zeros((n_src, n_tgt), dtype=np.float32)
    for i, row in src_rows:
        covered_tgt[i] = np.maximum(covered_tgt[i], row)
    for j, row in tgt_rows:
        covered_src[:, j] = np.maximum(covered_src[:, j], row)
    return ClauseCoverage(covered_tgt, covered_src, src_rows, tgt_rows)
