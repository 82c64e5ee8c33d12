"""Many-to-one groups: one sentence whose content the other article spreads over several sentences.

Pair scores judge one sentence against one sentence; a long sentence told in two or three short ones scores only
partly against each. So a group is judged whole: its sentences are joined (in document order) and embedded, and a
newcomer joins when the joined text fits the one sentence better than the group without it. `grow` extends a link to
adjacent sentences; `far_partners` lets a one-sided best match join its partner's group wherever it stands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from align.config import AlignConfig
from align.encoder import Encoder
from align.features import PairFeatures
from mt.boilerplate import ends_sentence


class GroupEmbedder:
    """Embeds joined groups of sentences on demand, once each (groups are few: only plausible partners)."""

    def __init__(self, encoder: Encoder, texts: list[str], translations: list[str] | None,
                 singles: tuple[np.ndarray, np.ndarray | None] | None = None,
                 tr_encoder: Encoder | None = None) -> None:
        """Keep what joined groups are embedded with.

        `singles`: the embeddings (and translation embeddings) already computed for each sentence alone;
        `tr_encoder` embeds the (English) translations when `encoder` is a source-language one."""
        self._encoder = encoder
        self._tr_encoder = tr_encoder or encoder
        self._texts = texts
        self._translations = translations
        self._memo: dict[tuple[int, ...], tuple[np.ndarray, np.ndarray | None]] = {}
        if singles is not None:
            emb, tr_emb = singles
            self._memo = {(k,): (emb[k], tr_emb[k] if tr_emb is not None else None) for k in range(len(texts))}

    def get_many(self, groups: list[tuple[int, ...]]) -> list[tuple[np.ndarray, np.ndarray | None]]:
        """Embeddings of each group's sentences joined in document order (and of their joined translations, if any).

        Groups not seen before are embedded together in one encoder call per side (one call per group is slow)."""
        keys = [tuple(sorted(g)) for g in groups]
        missing = list(dict.fromkeys(k for k in keys if k not in self._memo))
        if missing:
            emb = self._encoder.encode([" ".join(self._texts[k] for k in members) for members in missing])
            tr_emb = None
            if self._translations is not None:
                tr_emb = self._tr_encoder.encode([" ".join(self._translations[k] for k in members)
                                                  for members in missing])
            for n, members in enumerate(missing):
                self._memo[members] = (emb[n], tr_emb[n] if tr_emb is not None else None)
        return [self._memo[k] for k in keys]


def group_sim(one: np.ndarray, one_tr: np.ndarray | None, group: tuple[np.ndarray, np.ndarray | None],
              group_is_src: bool, cfg: AlignConfig) -> float:
    """Cosine between one sentence and a joined group, mixed like `align.aligner.similarity` with translations."""
    g, g_tr = group
    cross = float(one @ g)
    if group_is_src:
        if g_tr is None:
            return cross
        return (1.0 - cfg.w_mono) * cross + cfg.w_mono * float(g_tr @ one)
    if one_tr is None:
        return cross
    return (1.0 - cfg.w_mono) * cross + cfg.w_mono * float(one_tr @ g)


# Longest first sentence still read as a headline (headlines in the seed and benchmark articles have 5 to 12 words).
HEADLINE_MAX_WORDS = 14


def is_title(text: str) -> bool:
    """True for a short line that does not end like a sentence: a headline, subheading or caption."""
    return len(text.split()) <= HEADLINE_MAX_WORDS and not ends_sentence(text)


def headline_index(texts: list[str]) -> int | None:
    """Index of the article's headline: its first sentence, when it is a title line (is_title)."""
    return 0 if texts and is_title(texts[0]) else None


def barred(row_score: np.ndarray, headline: int | None, best: int) -> np.ndarray:
    """`row_score` with the headline made ineligible for growth (unless it is the best partner itself).

    A headline restates part of the article's lead, so the headline and the lead joined always fit the lead's partner
    better than the lead alone; the growth test reads that as one sentence told in two. It is not: the headline
    still links through its own best match (and, as a far partner, when that best match is the partner), but never
    grows into a group for being next to the lead.
    """
    if headline is None or headline == best:
        return row_score
    out = np.array(row_score, copy=True)
    out[headline] = -np.inf
    return out


def grow(best: int, row_score: np.ndarray, row_sim: np.ndarray, sim_of_group: Callable[[int, int], float],
         cfg: AlignConfig) -> list[int]:
    """Extend [best] with adjacent indices while each newcomer is plausible and the joined group fits clearly better."""
    lo = hi = best
    current = float(row_sim[best])
    while hi - lo + 1 < cfg.max_group:
        options = [k for k in (lo - 1, hi + 1) if 0 <= k < len(row_score) and row_score[k] >= cfg.group_threshold]
        if not options:
            break
        trials = [(sim_of_group(min(lo, k), max(hi, k)), k) for k in options]
        value, k = max(trials)
        if value < current + cfg.group_gain:
            break
        lo, hi, current = min(lo, k), max(hi, k), value
    return list(range(lo, hi + 1))


FitsFn = Callable[[list[tuple[int, tuple[int, ...]]]], list[float]]


class _Candidate(NamedTuple):
    """A one-sided best match that may complete the group of `owner` (a source when tgt_joins, else an English one)."""

    pair: tuple[int, int]
    tgt_joins: bool
    owner: int
    group: set[int]
    newcomer: int


def far_partners(edges: dict[tuple[int, int], float], score: np.ndarray, fits_src: FitsFn, fits_tgt: FitsFn,
                 cfg: AlignConfig) -> dict[tuple[int, int], float]:
    """One-sided best matches that complete a partner's group, adjacent or not (one sentence told in several).

    A sentence j whose best partner i reaches the threshold but prefers another sentence is usually held to the
    stricter one-sided bar: most such j lost their real partner and point at a related sentence. When i states j
    together with what it is already linked to, the evidence differs: the joined text of i's partners and j fits i
    better than i's partners alone. Comparable articles split one sentence into several that need not be adjacent,
    which the adjacent-only growth in `grow` cannot reach. Both directions; groups stay within cfg.max_group, and
    at most cfg.far_budget candidates are tested.
    `fits_src([(i, english_ids), ...])` gives the similarity of source i to those English sentences joined, for a
    whole batch at once; `fits_tgt` the same the other way.
    """
    best_tgt, best_src = np.argmax(score, axis=1), np.argmax(score, axis=0)
    partners_of_src: dict[int, set[int]] = {}
    partners_of_tgt: dict[int, set[int]] = {}
    for i, j in edges:
        partners_of_src.setdefault(i, set()).add(j)
        partners_of_tgt.setdefault(j, set()).add(i)
    candidates = [_Candidate((int(best_src[j]), j), True, int(best_src[j]),
                             partners_of_src.get(int(best_src[j]), set()), j) for j in range(score.shape[1])]
    candidates += [_Candidate((i, int(best_tgt[i])), False, int(best_tgt[i]),
                              partners_of_tgt.get(int(best_tgt[i]), set()), i) for i in range(score.shape[0])]
    candidates = [c for c in candidates
                  if c.pair not in edges and score[c.pair] >= cfg.threshold and 0 < len(c.group) < cfg.max_group]
    # Each test embeds a joined text: on long inputs only the best-scoring cfg.far_budget candidates are tested.
    candidates = sorted(candidates, key=lambda c: -score[c.pair])[: cfg.far_budget]
    found: dict[tuple[int, int], float] = {}
    for tgt_joins, fits in ((True, fits_src), (False, fits_tgt)):
        queries = [c for c in candidates if c.tgt_joins is tgt_joins]
        values = fits([(c.owner, g) for c in queries
                       for g in (tuple(sorted(c.group)), tuple(sorted(c.group | {c.newcomer})))])
        for n, c in enumerate(queries):
            if values[2 * n + 1] > values[2 * n] + cfg.group_gain:
                found[c.pair] = float(score[c.pair])
    return found


class GroupFits:
    """Similarity of one sentence to joined groups of the other side's sentences (embedded on demand, once each)."""

    def __init__(self, encoder: Encoder, src_sents: list[str], tgt_sents: list[str], translations: list[str] | None,
                 feats: PairFeatures, cfg: AlignConfig, src_encoder: Encoder | None = None) -> None:
        """`src_encoder` embeds joined source sentences (default `encoder`), as it embedded them alone in `feats`."""
        self._feats = feats
        self._cfg = cfg
        self._tgt_groups = GroupEmbedder(encoder, tgt_sents, None, (feats.tgt_emb, None))
        self._src_groups = GroupEmbedder(src_encoder or encoder, src_sents, translations, (feats.src_emb, feats.tr_emb),
                                         tr_encoder=encoder)

    def src_to_tgt(self, items: list[tuple[int, tuple[int, ...]]]) -> list[float]:
        """For each (source i, English ids): similarity of source i to those English sentences joined."""
        tr = self._feats.tr_emb
        groups = self._tgt_groups.get_many([members for _, members in items])
        return [group_sim(self._feats.src_emb[i], tr[i] if tr is not None else None, g, False, self._cfg)
                for (i, _), g in zip(items, groups, strict=True)]

    def tgt_to_src(self, items: list[tuple[int, tuple[int, ...]]]) -> list[float]:
        """For each (English j, source ids): similarity of English j to those source sentences joined."""
        groups = self._src_groups.get_many([members for _, members in items])
        return [group_sim(self._feats.tgt_emb[j], None, g, True, self._cfg)
                for (j, _), g in zip(items, groups, strict=True)]

    def src_to_run(self, i: int, lo: int, hi: int) -> float:
        """Similarity of source i to English sentences lo..hi joined (for `grow`)."""
        return self.src_to_tgt([(i, tuple(range(lo, hi + 1)))])[0]

    def tgt_to_run(self, j: int, lo: int, hi: int) -> float:
        """Similarity of English j to source sentences lo..hi joined (for `grow`)."""
        return self.tgt_to_src([(j, tuple(range(lo, hi + 1)))])[0]
