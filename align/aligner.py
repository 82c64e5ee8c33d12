"""Many-to-many, order-free sentence alignment of a source article with an English article on the same event.

1. Signals per (source, English) pair (align.features) are combined into one score: ratio margin of the cosine
   (cross-lingual, mixed with word-piece coverage, and with translation-vs-English when translations exist) plus
   shared numbers and names (and chrF of the translation). Source vectors first lose their language's mean offset
   from English (align.language_offset).
2. Every sentence of either side links to its best partner on the other side when that score reaches the threshold
   (a higher one when the preference is not mutual); the union of both directions gives one-to-many and many-to-one
   links in any order, and leaves the rest unaligned.
3. A link grows to an adjacent sentence when that sentence is itself a plausible partner and the embedding of the
   joined sentences is clearly closer than the single one (one sentence told in two); a headline never grows into
   the group of the lead next to it, and two headlines link at the plain threshold. A one-sided best match that
   reaches the threshold joins its partner's group by the same test, adjacent or not (`align.groups`). A clause of
   a long sentence links it to the sentence the clause clearly matches best (`align.coverage_signal`).
4. With translations only: IDF-weighted content-word containment adds pairs where one side states most of the
   other (neither a title line nor rated below an unrelated pair by the embeddings), confirms best partners the
   embeddings found weakly, and drops weak links that share no claim (`_containment_decision`). Without
   translations nothing of this runs.
5. An English sentence that only attributes the one before it ("This was revealed by ...") takes that sentence's
   links instead of its own (`align.attribution`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import partial

import numpy as np

from align.attribution import inherit_attributions
from align.config import AlignConfig
from align.coverage_signal import ClauseCoverage, clause_coverage, sentence_clauses
from align.encoder import CachedEncoder, Encoder, MemoEncoder, get_encoder
from align.features import PairFeatures, compute_features, content_words
from align.groups import GroupFits, barred, far_partners, grow, headline_index, is_title
from align.language_offset import source_encoder
from align.margin import SINGLE_PAIR_LEVEL, ratio_margin
from align.memory_check import check_memory
from align.model import Alignment, Edge
from align.token_encoder import fill_cache, token_view
from mt.document import Document
from mt.errors import InputError
from mt.normalize import is_blank
from mt.progress import progress_bar

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


def _keep(edges: dict[tuple[int, int], float], pair: tuple[int, int], score: float) -> None:
    """Record a link, keeping the higher score when several rules find the same pair."""
    edges[pair] = max(edges.get(pair, -np.inf), score)


def _containment_decision(edges: dict[tuple[int, int], float], score: np.ndarray, covers_tgt: np.ndarray,
                          covers_src: np.ndarray, tgt_sents: list[str], translations: list[str],
                          cfg: AlignConfig) -> dict[tuple[int, int], float]:
    """Translation mode: add and drop links by how much of one sentence's content the other states.

    A link means one sentence states a main claim of the other; with an English translation that is checkable word
    by word, so content-word containment is evidence independent of the embeddings.
    """
    # A title line (a subheading, an undotted caption: short, not ended like a sentence) names a topic; holding
    # most of its few content words ("Second visit of an Israeli minister") is no evidence of stating its claim.
    titles_tgt = np.array([is_title(t) for t in tgt_sents])
    titles_src = np.array([is_title(t) for t in translations])
    support = np.maximum(covers_tgt, covers_src)
    out = dict(edges)
    # 1. "More than half": a pair links when one side states most of the other's content words, best embedding
    # partner or not (a long sentence telling two non-adjacent short ones). Too few content words make a share
    # meaningless ("He said so." is half-contained anywhere), so the contained side needs cont_min_words; a title
    # line is a topic, not a claim; and the embeddings must not rate the pair below an unrelated one
    # (cont_min_score): a long sentence holds most words of a short one that repeats the article's theme.
    n_tgt_words = np.array([len(content_words(t)) for t in tgt_sents])
    n_src_words = np.array([len(content_words(t)) for t in translations])
    states = (((covers_tgt > cfg.cont_link) & (n_tgt_words[None, :] >= cfg.cont_min_words))
              | ((covers_src > cfg.cont_link) & (n_src_words[:, None] >= cfg.cont_min_words)))
    states &= ~titles_src[:, None] & ~titles_tgt[None, :] & (score >= cfg.cont_min_score)
    for i, j in zip(*np.nonzero(states)):
        _keep(out, (int(i), int(j)), float(score[i, j]))
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
                _keep(out, (i, j), float(score[i, j]))
    # 3. Floor: a weak link (below what a one-sided best needs: a marginal mutual best, a clause, a grown partner)
    # where neither side states even cont_floor of the other's content shares a topic, not a claim (headline against
    # headline, a clause echoing "the Moroccan army"). Strong embedding links are kept: a poor machine translation
    # must not veto what the embeddings are sure of. Nor can a translation that reaches cont_floor with no English
    # sentence at all (a garbled translation, or a sentence with no counterpart): the signal is silent for it.
    strong = cfg.threshold + cfg.one_sided_extra
    visible = support.max(axis=1) >= cfg.cont_floor
    return {pair: s for pair, s in out.items()
            if support[pair] >= cfg.cont_floor or score[pair] >= strong or not visible[pair[0]]}


def _best_partner_links(edges: dict[tuple[int, int], float], score: np.ndarray, sim: np.ndarray, fits: GroupFits,
                        heads: tuple[int | None, int | None], cfg: AlignConfig) -> None:
    """Step 2 and the growth of step 3: each sentence's best partner, grown into an adjacent group where it fits."""
    best_tgt, best_src = np.argmax(score, axis=1), np.argmax(score, axis=0)
    src_head, tgt_head = heads

    def passes(i: int, j: int) -> bool:
        # A one-sided best match (j is i's best, but j prefers another source) is weaker evidence than a mutual one:
        # most such pairs are a sentence whose real partner was left out, pointing at a related one.
        mutual = best_tgt[i] == j and best_src[j] == i
        return score[i, j] >= cfg.threshold + (0.0 if mutual else cfg.one_sided_extra)

    for i in range(score.shape[0]):
        j = int(best_tgt[i])
        if passes(i, j):
            for k in grow(j, barred(score[i], tgt_head, j), sim[i], partial(fits.src_to_run, i), cfg):
                _keep(edges, (i, k), float(score[i, k]))
    for j in range(score.shape[1]):
        i = int(best_src[j])
        if passes(i, j):
            for k in grow(i, barred(score[:, j], src_head, i), sim[:, j], partial(fits.tgt_to_run, j), cfg):
                _keep(edges, (k, j), float(score[k, j]))


def _clause_links(edges: dict[tuple[int, int], float], score: np.ndarray, cov: ClauseCoverage, anchors: np.ndarray,
                  cfg: AlignConfig) -> None:
    """Link a sentence to the other side's sentence one of its clauses matches best, when that one has no better partner.

    "No better partner anywhere" (clause or sentence): mutual best at clause level keeps topical echoes out."""
    comb = np.maximum(score, np.maximum(cov.covered_tgt, cov.covered_src) + anchors)
    comb_best_src, comb_best_tgt = np.argmax(comb, axis=0), np.argmax(comb, axis=1)
    for i, row in cov.src_clause_rows:
        j = int(np.argmax(row))
        if _clause_passes(row, j, anchors[i, j], cfg) and comb_best_src[j] == i:
            _keep(edges, (i, j), float(comb[i, j]))
    for j, col in cov.tgt_clause_rows:
        i = int(np.argmax(col))
        if _clause_passes(col, i, anchors[i, j], cfg) and comb_best_tgt[i] == j:
            _keep(edges, (i, j), float(comb[i, j]))


def align_texts(src_sents: list[str], tgt_sents: list[str], translations: list[str] | None = None, *,
                config: AlignConfig | None = None, encoder: Encoder | None = None,
                src_lang: str | None = None) -> list[Edge]:
    """Align pre-split source and English sentences; returns many-to-many edges sorted by (src, tgt).

    `src_lang` (sw, ar) picks the language offset removed from source vectors; None detects it from the text.
    """
    return _align(src_sents, tgt_sents, translations, config, encoder, src_lang)[0]


def _cross_lingual_rows(feats: PairFeatures, rows: np.ndarray) -> None:
    """Make the source sentences in boolean `rows`, which have an empty translation, count as untranslated (in place).

    An MT model can return nothing for a sentence, and a translation file may leave one blank. An empty string's
    embedding is noise, not "no evidence": it would pull that row's links towards arbitrary sentences. Its source vector stands in for it (so joined groups and the
    similarity are cross-lingual there) and its chrF row is lowered to each column's floor, which leaves every other
    row's margins as they were; the caller scores the row like no-MT mode.
    """
    if feats.tr_emb is None or feats.mono is None or feats.chrf is None:
        return
    feats.tr_emb[rows] = feats.src_emb[rows]
    feats.mono[rows] = feats.cross[rows]
    feats.chrf[rows] = feats.chrf.min(axis=0)[None, :]


def _single_pair_score(score: np.ndarray, feats: PairFeatures, encoder_name: str, cfg: AlignConfig) -> None:
    """Score a one-sentence source against a one-sentence English text (in place), where a ratio margin cannot.

    Each side's only neighbour is the other sentence, so every margin is exactly 1.0 and an exact translation could
    never link. The missing neighbourhood is taken at a cosine measured between translations and near misses with
    this encoder (align.margin.SINGLE_PAIR_LEVEL): the pair scores 2c / (c + that level), above 1.0 only for a
    cosine above it. An encoder with no measured level keeps the margin, which links nothing.
    """
    level = SINGLE_PAIR_LEVEL.get(encoder_name)
    if level is None:
        return
    cosine = float(feats.cross[0, 0])
    score[0, 0] = 2.0 * cosine / (cosine + level) + float(_anchors(feats, cfg)[0, 0])


def _align(src_sents: list[str], tgt_sents: list[str], translations: list[str] | None,
           config: AlignConfig | None, encoder: Encoder | None,
           src_lang: str | None = None) -> tuple[list[Edge], np.ndarray]:
    """Edges sorted by (src, tgt) and the pair score matrix (score_matrix) they were decided on."""
    cfg = config or AlignConfig()
    if translations is not None and len(translations) != len(src_sents):
        raise InputError(f"got {len(translations)} translations for {len(src_sents)} source sentences")
    if not src_sents or not tgt_sents:
        return [], np.zeros((len(src_sents), len(tgt_sents)), dtype=np.float32)
    check_memory(len(src_sents), len(tgt_sents))
    src, tgt = list(src_sents), list(tgt_sents)
    tr = list(translations) if translations is not None else None
    enc = encoder or get_encoder()
    tokens = token_view(enc, cfg.token_layers) if cfg.w_tokens > 0 else None
    src_enc = source_encoder(enc, src_lang, src) if cfg.language_offsets else enc
    feats = compute_features(src, tgt, enc, tr, tokens, src_encoder=src_enc)
    untranslated = np.array([is_blank(t) for t in tr]) if tr is not None else np.zeros(len(src), dtype=bool)
    if untranslated.any():
        _cross_lingual_rows(feats, untranslated)
    score = pair_scores = score_matrix(feats, cfg)
    if untranslated.any():
        score[untranslated] = score_matrix(replace(feats, mono=None, chrf=None), cfg)[untranslated]
    if score.shape == (1, 1):
        _single_pair_score(score, feats, getattr(enc, "name", ""), cfg)
    sim = similarity(feats, cfg)
    edges: dict[tuple[int, int], float] = {}
    anchors = _anchors(feats, cfg)
    cov = None
    if cfg.clause_threshold < np.inf:
        # With translations, clauses are matched monolingually (translation clauses vs English), which is far
        # more reliable than cross-lingual matching of short pieces.
        if tr is not None and feats.tr_emb is not None and feats.mono is not None:
            clause_texts, clause_emb, clause_sim, clause_enc = tr, feats.tr_emb, feats.mono, enc
        else:
            clause_texts, clause_emb, clause_sim, clause_enc = src, feats.src_emb, feats.cross, src_enc
        cov = clause_coverage(clause_texts, tgt, clause_emb, feats.tgt_emb, clause_sim, enc,
                              cfg.k_frac, cfg.k_min, cfg.k_max, cfg.clause_min_words, cfg.max_clauses,
                              cfg.clause_budget, src_encoder=clause_enc)
        if cfg.clause_in_best:
            score = np.maximum(score, np.maximum(cov.covered_tgt, cov.covered_src) + anchors)

    src_head, tgt_head = headline_index(src), headline_index(tgt)
    fits = GroupFits(enc, src, tgt, tr, feats, cfg, src_encoder=src_enc)
    _best_partner_links(edges, score, sim, fits, (src_head, tgt_head), cfg)
    if cov is not None:
        _clause_links(edges, score, cov, anchors, cfg)

    # Two headlines are each other's natural partner: one that prefers the other article's lead says that the lead
    # restates it, not that its own partner is missing, so the one-sided extra does not apply to the headline pair.
    if src_head is not None and tgt_head is not None and score[src_head, tgt_head] >= cfg.threshold:
        _keep(edges, (src_head, tgt_head), float(score[src_head, tgt_head]))
    if cfg.far_partners:
        edges.update(far_partners(edges, score, fits.src_to_tgt, fits.tgt_to_src, cfg))

    if feats.covers_tgt is not None and feats.covers_src is not None:
        edges = _containment_decision(edges, score, feats.covers_tgt, feats.covers_src, tgt, tr or [], cfg)
    edges = inherit_attributions(edges, tgt)
    # A grown partner keeps its own pair score, which may sit below the threshold: the group, not the pair, passed.
    return [Edge(src=i, tgt=j, score=s) for (i, j), s in sorted(edges.items())], pair_scores


def _embed_clauses_ahead(encoder: Encoder, pairs: list[tuple[Document, Document]],
                         translations: Mapping[str, list[str] | None], cfg: AlignConfig) -> None:
    """Embed the clauses every pair will match (_align), all in one call, into the encoder's cache or memo."""
    # One pair's few dozen clauses leave the encoder's batches half full: on a 60-article folder, embedding its
    # 1,236 clauses pair by pair took 10.1 s, in one call 5.8 s.
    texts: list[str] = []
    for src, tgt in pairs:
        tr = translations.get(src.doc_id)
        for side in (tr if tr is not None else src.texts, tgt.texts):
            texts += [c for _, c in sentence_clauses(side, cfg.clause_min_words, cfg.max_clauses, cfg.clause_budget)]
    encoder.encode(list(dict.fromkeys(texts)))


def align_pairs(pairs: list[tuple[Document, Document]], align_one: Callable[[Document, Document], Alignment],
                encoder: Encoder, config: AlignConfig | None = None,
                translations: Mapping[str, list[str] | None] | None = None) -> list[Alignment]:
    """align_one(source, English) for every article pair, with a progress bar over them on a terminal.

    The word pieces and clause vectors all pairs will use are computed first, in a few large batches across
    articles. `translations` gives each source's (by doc_id) that align_one will use, None where it has none."""
    cfg = config or AlignConfig()
    if cfg.w_tokens > 0:
        fill_cache(encoder, [t for pair in pairs for doc in pair for t in doc.texts], cfg.token_layers)
    if cfg.clause_threshold < np.inf and isinstance(encoder, (CachedEncoder, MemoEncoder)):
        _embed_clauses_ahead(encoder, pairs, translations or {}, cfg)
    alignments = []
    with progress_bar(len(pairs) if len(pairs) > 1 else 0, "aligning article pairs") as advance:
        for src, tgt in pairs:
            alignments.append(align_one(src, tgt))
            advance(1)
    return alignments


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
    if used is not None and len(used) != len(src.sentences):
        raise InputError(f"got {len(used)} translations for {len(src.sentences)} source sentences")
    # Page chrome kept as sentences (sentence-per-line input) is left out of the alignment and mapped back after.
    rows = [i for i in range(len(src.sentences)) if i not in src.boilerplate]
    cols = [j for j in range(len(tgt.sentences)) if j not in tgt.boilerplate]
    edges, kept_scores = _align(src.content_texts, tgt.content_texts,
                                [used[i] for i in rows] if used is not None else None, config, encoder, src.lang)
    edges = [Edge(src=rows[e.src], tgt=cols[e.tgt], score=e.score) for e in edges]
    scores = np.asarray(kept_scores, dtype=np.float32)
    if len(rows) < len(src.sentences) or len(cols) < len(tgt.sentences):
        full = np.full((len(src.sentences), len(tgt.sentences)), scores.min() if scores.size else 0.0, np.float32)
        full[np.ix_(rows, cols)] = scores
        scores = full
    return Alignment(src=src, tgt=tgt, edges=edges, translations=used, mode=mode, model=model, scores=scores)
