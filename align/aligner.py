"""Many-to-many, order-free sentence alignment of a source article with an English article on the same event.

1. Signals per (source, English) pair (align.features) are combined into one score: ratio margin of the cosine
   (cross-lingual, mixed with word-piece coverage, and with translation-vs-English when translations exist) plus
   shared numbers and names (and chrF of the translation).
2. Every sentence of either side links to its best partner on the other side when that score reaches the threshold
   (a higher one when the preference is not mutual); the union of both directions gives one-to-many and many-to-one
   links in any order, and leaves the rest unaligned.
3. A link grows to an adjacent sentence when that sentence is itself a plausible partner and the embedding of the
   joined sentences is clearly closer than the single one (one sentence told in two). A one-sided best match that
   reaches the threshold joins its partner's group by the same test, adjacent or not (`_far_partners`).
4. With translations only: IDF-weighted content-word containment adds pairs where one side states most of the
   other, confirms best partners the embeddings found weakly, and drops weak links that share no claim
   (`_containment_decision`). Without translations nothing of this runs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from align.config import AlignConfig
from align.coverage_signal import clause_coverage
from align.encoder import Encoder, get_encoder
from align.features import PairFeatures, compute_features, content_words
from align.margin import ratio_margin
from align.model import Alignment, Edge
from align.token_encoder import token_view
from mt.document import Document
from mt.errors import InputError

MODES = ("no-mt", "mt", "translations")


def similarity(feats: PairFeatures, cfg: AlignConfig) -> np.ndarray:
    """Cosine matrix used to judge joined groups: cross-lingual, mixed with translation-vs-English when available."""
    if feats.mono is None:
        return feats.cross
    return (1.0 - cfg.w_mono) * feats.cross + cfg.w_mono * feats.mono


def score_matrix(feats: PairFeatures, cfg: AlignConfig) -> np.ndarray:
    """Final n_src x n_tgt link score: weighted mean of the ratio margins of each signal, plus lexical anchors.

    Each signal is margin-normalised on its own before mixing, so that an unrelated pair scores about 1.0 whatever
    the signal's scale (chrF of two unrelated English sentences is ~0.2, their cosine ~0.8): one threshold then
    serves cross-lingual-only and translation-assisted alignment.
    """
    def margin(m: np.ndarray) -> np.ndarray:
        return ratio_margin(m, cfg.k_frac, cfg.k_min, cfg.k_max)

    cross = margin(feats.cross)
    if feats.tokens is not None:
        cross = (1.0 - cfg.w_tokens) * cross + cfg.w_tokens * margin(feats.tokens)
    if feats.mono is None or feats.chrf is None:
        score = cross
    else:
        w_cross = max(0.0, 1.0 - cfg.w_mono - cfg.w_chrf)
        score = w_cross * cross + cfg.w_mono * margin(feats.mono) + cfg.w_chrf * margin(feats.chrf)
    return score + _anchors(feats, cfg)


def _anchors(feats: PairFeatures, cfg: AlignConfig) -> np.ndarray:
    """The lexical part of score_matrix: shared numbers and names, minus the number-mismatch penalty."""
    return cfg.w_num * feats.numbers - cfg.w_num_mismatch * feats.number_mismatch + cfg.w_name * feats.names


def _clause_passes(row: np.ndarray, best: int, anchor: float, cfg: AlignConfig) -> bool:
    """A clause's best partner counts when it reaches the threshold and clearly beats the clause's runner-up."""
    # A clause is short and topical ("the two countries agreed"): without a clear gap it matches a theme, not a claim.
    runner_up = float(np.partition(row, -2)[-2]) if len(row) > 1 else 0.0
    return row[best] + anchor >= cfg.clause_threshold and row[best] - runner_up >= cfg.clause_gap


class _GroupEmbedder:
    """Embeds joined groups of sentences on demand, once each (groups are few: only plausible partners)."""

    def __init__(self, encoder: Encoder, texts: list[str], translations: list[str] | None,
                 singles: tuple[np.ndarray, np.ndarray | None] | None = None) -> None:
        """`singles`: the embeddings (and translation embeddings) already computed for each sentence alone."""
        self._encoder = encoder
        self._texts = texts
        self._translations = translations
        self._memo: dict[tuple[int, ...], tuple[np.ndarray, np.ndarray | None]] = {}
        if singles is not None:
            emb, tr_emb = singles
            self._memo = {(k,): (emb[k], tr_emb[k] if tr_emb is not None else None) for k in range(len(texts))}

    def get(self, members: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray | None]:
        """Embedding of the sentences `members` joined in document order (and of their joined translations, if any)."""
        return self.get_many([members])[0]

    def get_many(self, groups: list[tuple[int, ...]]) -> list[tuple[np.ndarray, np.ndarray | None]]:
        """`get` for many groups, with the new ones embedded in one encoder call (one call per group is slow)."""
        keys = [tuple(sorted(g)) for g in groups]
        missing = list(dict.fromkeys(k for k in keys if k not in self._memo))
        if missing:
            texts = [" ".join(self._texts[k] for k in members) for members in missing]
            if self._translations is not None:
                texts += [" ".join(self._translations[k] for k in members) for members in missing]
            emb = self._encoder.encode(texts)
            for n, members in enumerate(missing):
                self._memo[members] = (emb[n], emb[len(missing) + n] if self._translations is not None else None)
        return [self._memo[k] for k in keys]


def _group_sim(one: np.ndarray, one_tr: np.ndarray | None, group: tuple[np.ndarray, np.ndarray | None],
               group_is_src: bool, cfg: AlignConfig) -> float:
    """Cosine between one sentence and a joined group, mixed like `similarity` when translations exist."""
    g, g_tr = group
    cross = float(one @ g)
    if group_is_src:
        if g_tr is None:
            return cross
        return (1.0 - cfg.w_mono) * cross + cfg.w_mono * float(g_tr @ one)
    if one_tr is None:
        return cross
    return (1.0 - cfg.w_mono) * cross + cfg.w_mono * float(one_tr @ g)


def _grow(best: int, row_score: np.ndarray, row_sim: np.ndarray, sim_of_group: Callable[[int, int], float],
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


def _far_partners(edges: dict[tuple[int, int], float], score: np.ndarray, fits_src: FitsFn, fits_tgt: FitsFn,
                  cfg: AlignConfig) -> dict[tuple[int, int], float]:
    """One-sided best matches that complete a partner's group, adjacent or not (one sentence told in several).

    A sentence j whose best partner i reaches the threshold but prefers another sentence is usually held to the
    stricter one-sided bar: most such j lost their real partner and point at a related sentence. When i states j
    together with what it is already linked to, the evidence differs: the joined text of i's partners and j fits i
    better than i's partners alone. Comparable articles split one sentence into several that need not be adjacent,
    which the adjacent-only growth in `_grow` cannot reach. Both directions; groups stay within cfg.max_group, and
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
    # (pair, the sentence the group belongs to, its group now, its group with the newcomer), per side of the group.
    tgt_groups: list[tuple[tuple[int, int], int, tuple[int, ...], tuple[int, ...]]] = []
    src_groups: list[tuple[tuple[int, int], int, tuple[int, ...], tuple[int, ...]]] = []
    for j in range(score.shape[1]):
        i = int(best_src[j])
        group = partners_of_src.get(i, set())
        if (i, j) not in edges and score[i, j] >= cfg.threshold and 0 < len(group) < cfg.max_group:
            tgt_groups.append(((i, j), i, tuple(sorted(group)), tuple(sorted(group | {j}))))
    for i in range(score.shape[0]):
        j = int(best_tgt[i])
        group = partners_of_tgt.get(j, set())
        if (i, j) not in edges and score[i, j] >= cfg.threshold and 0 < len(group) < cfg.max_group:
            src_groups.append(((i, j), j, tuple(sorted(group)), tuple(sorted(group | {i}))))
    # Each test embeds a joined text: on long inputs only the best-scoring cfg.far_budget candidates are tested.
    ranked = sorted([(score[q[0]], n, side) for side, queries in enumerate((tgt_groups, src_groups))
                     for n, q in enumerate(queries)], reverse=True)[: cfg.far_budget]
    kept = {(side, n) for _, n, side in ranked}
    tgt_groups = [q for n, q in enumerate(tgt_groups) if (0, n) in kept]
    src_groups = [q for n, q in enumerate(src_groups) if (1, n) in kept]
    found: dict[tuple[int, int], float] = {}
    for queries, fits in ((tgt_groups, fits_src), (src_groups, fits_tgt)):
        values = fits([(k, g) for _, k, now, joined in queries for g in (now, joined)])
        for n, (pair, _, _, _) in enumerate(queries):
            if values[2 * n + 1] > values[2 * n] + cfg.group_gain:
                found[pair] = float(score[pair])
    return found


def _containment_decision(edges: dict[tuple[int, int], float], score: np.ndarray, covers_tgt: np.ndarray,
                          covers_src: np.ndarray, tgt_sents: list[str], translations: list[str],
                          cfg: AlignConfig) -> dict[tuple[int, int], float]:
    """Translation mode: add and drop links by how much of one sentence's content the other states.

    A link means one sentence states a main claim of the other; with an English translation that is checkable word
    by word, so content-word containment is evidence independent of the embeddings.
    """
    support = np.maximum(covers_tgt, covers_src)
    out = dict(edges)
    # 1. "More than half": a pair links when one side states most of the other's content words, best embedding
    # partner or not (a long sentence telling two non-adjacent short ones). Too few content words make a share
    # meaningless ("He said so." is half-contained anywhere), so the contained side needs cont_min_words.
    n_tgt_words = np.array([len(content_words(t)) for t in tgt_sents])
    n_src_words = np.array([len(content_words(t)) for t in translations])
    states = ((covers_tgt > cfg.cont_link) & (n_tgt_words[None, :] >= cfg.cont_min_words)) | \
             ((covers_src > cfg.cont_link) & (n_src_words[:, None] >= cfg.cont_min_words))
    for i, j in zip(*np.nonzero(states)):
        out[(int(i), int(j))] = max(out.get((int(i), int(j)), -np.inf), float(score[i, j]))
    # 2. Agreement: a sentence's best partner by the embedding score links, even below the threshold, when it is
    # also its best partner by containment and that containment stands out of its neighbourhood by the same ratio
    # margin the embeddings must reach (two independent signals pointing at one partner).
    if cfg.cont_agree:
        cont_margin = ratio_margin(support, cfg.k_frac, cfg.k_min, cfg.k_max)
        best_tgt, best_src = np.argmax(score, axis=1), np.argmax(score, axis=0)
        sup_tgt, sup_src = np.argmax(support, axis=1), np.argmax(support, axis=0)
        pairs = [(i, int(best_tgt[i])) for i in range(score.shape[0]) if best_tgt[i] == sup_tgt[i]]
        pairs += [(int(best_src[j]), j) for j in range(score.shape[1]) if best_src[j] == sup_src[j]]
        for i, j in pairs:
            if cont_margin[i, j] >= cfg.threshold and support[i, j] >= cfg.cont_floor:
                out[(i, j)] = max(out.get((i, j), -np.inf), float(score[i, j]))
    # 3. Floor: a weak link (below what a one-sided best needs: a marginal mutual best, a clause, a grown partner)
    # where neither side states even cont_floor of the other's content shares a topic, not a claim (headline against
    # headline, a clause echoing "the Moroccan army"). Strong embedding links are kept: a poor machine translation
    # must not veto what the embeddings are sure of. Nor can a translation that reaches cont_floor with no English
    # sentence at all (a garbled translation, or a sentence with no counterpart): the signal is silent for it.
    strong = cfg.threshold + cfg.one_sided_extra
    visible = support.max(axis=1) >= cfg.cont_floor
    return {pair: s for pair, s in out.items()
            if support[pair] >= cfg.cont_floor or score[pair] >= strong or not visible[pair[0]]}


def align_texts(src_sents: list[str], tgt_sents: list[str], translations: list[str] | None = None, *,
                config: AlignConfig | None = None, encoder: Encoder | None = None) -> list[Edge]:
    """Align pre-split source and English sentences; returns many-to-many edges sorted by (src, tgt)."""
    return _align(src_sents, tgt_sents, translations, config, encoder)[0]


def _align(src_sents: list[str], tgt_sents: list[str], translations: list[str] | None,
           config: AlignConfig | None, encoder: Encoder | None) -> tuple[list[Edge], np.ndarray]:
    """Edges sorted by (src, tgt) and the pair score matrix (score_matrix) they were decided on."""
    cfg = config or AlignConfig()
    if translations is not None and len(translations) != len(src_sents):
        raise InputError(f"got {len(translations)} translations for {len(src_sents)} source sentences")
    if not src_sents or not tgt_sents:
        return [], np.zeros((len(src_sents), len(tgt_sents)), dtype=np.float32)
    enc = encoder or get_encoder()
    tokens = token_view(enc, cfg.token_layers) if cfg.w_tokens > 0 else None
    feats = compute_features(list(src_sents), list(tgt_sents), enc, translations, tokens)
    score = pair_scores = score_matrix(feats, cfg)
    sim = similarity(feats, cfg)
    edges: dict[tuple[int, int], float] = {}
    anchors = _anchors(feats, cfg)
    cov = None
    if cfg.clause_threshold < np.inf:
        # With translations, clauses are matched monolingually (translation clauses vs English), which is far
        # more reliable than cross-lingual matching of short pieces.
        mono = translations is not None and feats.tr_emb is not None and feats.mono is not None
        cov = clause_coverage(list(translations) if mono else list(src_sents), list(tgt_sents),
                              feats.tr_emb if mono else feats.src_emb, feats.tgt_emb,
                              feats.mono if mono else feats.cross, enc,
                              cfg.k_frac, cfg.k_min, cfg.k_max, cfg.clause_min_words, cfg.max_clauses,
                              cfg.clause_budget)
        if cfg.clause_in_best:
            score = np.maximum(score, np.maximum(cov.covered_tgt, cov.covered_src) + anchors)

    best_tgt, best_src = np.argmax(score, axis=1), np.argmax(score, axis=0)

    def passes(i: int, j: int) -> bool:
        # A one-sided best match (j is i's best, but j prefers another source) is weaker evidence than a mutual one:
        # most such pairs are a sentence whose real partner was left out, pointing at a related one.
        mutual = best_tgt[i] == j and best_src[j] == i
        return score[i, j] >= cfg.threshold + (0.0 if mutual else cfg.one_sided_extra)

    tgt_groups = _GroupEmbedder(enc, list(tgt_sents), None, (feats.tgt_emb, None))
    for i in range(score.shape[0]):
        j = int(best_tgt[i])
        if not passes(i, j):
            continue
        tr_i = feats.tr_emb[i] if feats.tr_emb is not None else None
        group = _grow(j, score[i], sim[i], lambda lo, hi, i=i, tr_i=tr_i: _group_sim(
            feats.src_emb[i], tr_i, tgt_groups.get(tuple(range(lo, hi + 1))), False, cfg), cfg)
        for k in group:
            edges[(i, k)] = max(edges.get((i, k), -np.inf), float(score[i, k]))

    src_groups = _GroupEmbedder(enc, list(src_sents), list(translations) if translations is not None else None,
                                (feats.src_emb, feats.tr_emb))
    for j in range(score.shape[1]):
        i = int(best_src[j])
        if not passes(i, j):
            continue
        group = _grow(i, score[:, j], sim[:, j], lambda lo, hi, j=j: _group_sim(
            feats.tgt_emb[j], None, src_groups.get(tuple(range(lo, hi + 1))), True, cfg), cfg)
        for k in group:
            edges[(k, j)] = max(edges.get((k, j), -np.inf), float(score[k, j]))

    if cov is not None:
        comb = np.maximum(score, np.maximum(cov.covered_tgt, cov.covered_src) + anchors)
        comb_best_src, comb_best_tgt = np.argmax(comb, axis=0), np.argmax(comb, axis=1)
        # A clause links its sentence to the other side's sentence it matches best, when that sentence in turn has
        # no better partner anywhere (clause or sentence): mutual best at clause level keeps topical echoes out.
        for i, row in cov.src_clause_rows:
            j = int(np.argmax(row))
            if _clause_passes(row, j, anchors[i, j], cfg) and comb_best_src[j] == i:
                edges[(i, j)] = max(edges.get((i, j), -np.inf), float(comb[i, j]))
        for j, col in cov.tgt_clause_rows:
            i = int(np.argmax(col))
            if _clause_passes(col, i, anchors[i, j], cfg) and comb_best_tgt[i] == j:
                edges[(i, j)] = max(edges.get((i, j), -np.inf), float(comb[i, j]))

    if cfg.far_partners:
        tr_emb = feats.tr_emb

        def fits_src(items: list[tuple[int, tuple[int, ...]]]) -> list[float]:
            groups = tgt_groups.get_many([members for _, members in items])
            return [_group_sim(feats.src_emb[i], tr_emb[i] if tr_emb is not None else None, g, False, cfg)
                    for (i, _), g in zip(items, groups, strict=True)]

        def fits_tgt(items: list[tuple[int, tuple[int, ...]]]) -> list[float]:
            groups = src_groups.get_many([members for _, members in items])
            return [_group_sim(feats.tgt_emb[j], None, g, True, cfg) for (j, _), g in zip(items, groups, strict=True)]

        edges.update(_far_partners(edges, score, fits_src, fits_tgt, cfg))

    if feats.covers_tgt is not None and feats.covers_src is not None:
        edges = _containment_decision(edges, score, feats.covers_tgt, feats.covers_src, list(tgt_sents),
                                      list(translations or []), cfg)
    # A grown partner keeps its own pair score, which may sit below the threshold: the group, not the pair, passed.
    return [Edge(src=i, tgt=j, score=s) for (i, j), s in sorted(edges.items())], pair_scores


def align_documents(src: Document, tgt: Document, translations: list[str] | None = None, *,
                    config: AlignConfig | None = None, encoder: Encoder | None = None,
                    mode: str | None = None, model: str | None = None) -> Alignment:
    """Align a cleaned source Document with a cleaned English Document (optionally using translations of the source)."""
    if mode is None:
        mode = "no-mt" if translations is None else ("mt" if model else "translations")
    if mode not in MODES:
        raise InputError(f"unknown alignment mode {mode!r} (expected one of {', '.join(MODES)})")
    if mode != "no-mt" and translations is None:
        raise InputError(f"alignment mode {mode!r} needs translations")
    used = translations if mode != "no-mt" else None
    edges, scores = _align(src.texts, tgt.texts, used, config, encoder)
    return Alignment(src=src, tgt=tgt, edges=edges, translations=used, mode=mode, model=model,
                     scores=np.asarray(scores, dtype=np.float32))
