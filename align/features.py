"""Pairwise signals between source sentences and English sentences: embedding cosines, chrF, shared numbers and names,
and (with translations) IDF-weighted content-word containment."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from align.encoder import Encoder
from align.margin import fill_uncomputed
from align.token_encoder import TokenEncoder
from align.token_match import token_coverage
from mt.normalize import ARABIC_DIGITS

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Latin-script capitalised words and acronyms (names like Kochavi, Gantz, Rabat, FAR survive translation unchanged).
_NAME = re.compile(r"\b[A-Z][A-Za-z\u00C0-\u024F'\-]{2,}")
# Names inflect a little across languages (Israel/Israeli, Moroccan/Morocco): compare on a short prefix.
_NAME_KEY_LEN = 5


def number_set(text: str) -> frozenset[str]:
    """Numbers stated in `text`, digits normalised to ASCII and thousands separators removed ("1,000" -> "1000")."""
    out = set()
    for m in _NUMBER.finditer(text.translate(ARABIC_DIGITS)):
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


# English function words, dropped before containment. Hand-written rather than taken from scikit-learn or NLTK: the
# list is short and stable, and neither library is a dependency of the toolkit. A block of words reads better than a
# list literal of 170 strings.
STOPWORDS = frozenset("""
a about above after again against all also am among an and another any are as at be because been before being
between both but by can could did do does done during each either else ever every few for from further had has
have having he her here hers herself him himself his how however i if in into is it its itself just least less
may me might more most much must my myself neither no nor not of off on once one only onto or other our ours out
over own per same shall she should since so some such than that the their theirs them themselves then there these
they this those though through thus to too under until up upon us very via was we were what when where whereas
whereby wherein whether which while who whom whose why will with within without would yet you your yours
""".split())  # noqa: SIM905
_WORD = re.compile(r"[^\W\d_]+")
# Light stemming by prefix: "strengthen"/"strengthening", "Israel"/"Israeli", "cooperation"/"cooperate" meet, and
# the rule is the same for every word, with no language-specific stemmer to maintain (translations are English).
_STEM_LEN = 5


def content_words(text: str) -> frozenset[str]:
    """Content-word keys of an English text: 5-letter prefixes of non-stopwords plus its normalised numbers."""
    # Numbers and names are facts, so they count as content; numbers are taken whole ("2021" is no prefix of "2020").
    words = {w[:_STEM_LEN] for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in STOPWORDS}
    return frozenset(words | number_set(text))


def _idf(src_sets: list[frozenset[str]], tgt_sets: list[frozenset[str]]) -> dict[str, float]:
    """IDF of every item, counted over the sentences of both documents: log(1 + n_sentences / sentences with it)."""
    n = len(src_sets) + len(tgt_sets)
    df = Counter(tok for s in (*src_sets, *tgt_sets) for tok in s)
    return {tok: math.log(1.0 + n / c) for tok, c in df.items()}


def containment(translations: list[str], tgt_sents: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(C, R), both n_src x n_tgt: C[i, j] share of English j's content stated in translation i, R[i, j] the reverse.

    Shares are IDF-weighted (IDF over the sentences of both documents), so a claim's rare words (names, numbers,
    "electronic warfare") count more than the event's words every sentence repeats ("Morocco", "cooperation").
    """
    src_sets, tgt_sets = [content_words(t) for t in translations], [content_words(t) for t in tgt_sents]
    weights = _idf(src_sets, tgt_sets)
    vocab = {tok: k for k, tok in enumerate(weights)}
    idf = np.array(list(weights.values()), dtype=np.float64)

    def incidence(sets: list[frozenset[str]]) -> np.ndarray:
        out = np.zeros((len(sets), len(vocab)), dtype=np.float64)
        for r, s in enumerate(sets):
            out[r, [vocab[tok] for tok in s]] = 1.0
        return out

    a, b = incidence(src_sets), incidence(tgt_sets)
    shared = (a * idf) @ b.T
    # A sentence without content words states nothing: its shares stay 0 (the floor only avoids 0 / 0).
    c = shared / np.maximum(b @ idf, 1e-12)[None, :]
    r = shared / np.maximum(a @ idf, 1e-12)[:, None]
    return c.astype(np.float32), r.astype(np.float32)


def idf_overlap(src_sets: list[frozenset[str]], tgt_sets: list[frozenset[str]]) -> np.ndarray:
    """IDF-weighted Jaccard overlap (0..1) of every source set with every target set.

    IDF is counted over the sentences of both documents, so a name that every sentence repeats ("Morocco") weighs little
    and a rare one ("Kochavi", "80") weighs a lot.
    """
    idf = _idf(src_sets, tgt_sets)
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


def chrf_matrix(hyps: list[str], refs: list[str], candidates: np.ndarray | None = None) -> np.ndarray:
    """sacrebleu sentence chrF (0..1) of hypotheses against references, for every pair or only `candidates`.

    sacrebleu is the reference implementation but costs about 1 ms a pair: long articles score only the candidate
    pairs (a boolean n_hyps x n_refs mask); the others get the row's lowest computed score (margin.fill_uncomputed).
    """
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    out = np.zeros((len(hyps), len(refs)), dtype=np.float32)
    for i, h in enumerate(hyps):
        cols = range(len(refs)) if candidates is None else np.flatnonzero(candidates[i])
        for j in cols:
            out[i, j] = chrf.sentence_score(h, [refs[j]]).score / 100.0
    return out if candidates is None else fill_uncomputed(out, candidates)


def top_k_mask(sim: np.ndarray, k: int) -> np.ndarray:
    """Boolean mask of each row's and each column's k most similar pairs."""
    mask = np.zeros(sim.shape, dtype=bool)
    if sim.size == 0:
        return mask
    kr, kc = min(k, sim.shape[1]), min(k, sim.shape[0])
    rows = np.argpartition(-sim, kr - 1, axis=1)[:, :kr]
    mask[np.arange(sim.shape[0])[:, None], rows] = True
    cols = np.argpartition(-sim, kc - 1, axis=0)[:kc, :]
    mask[cols, np.arange(sim.shape[1])[None, :]] = True
    return mask


# Articles up to this many pairs get chrF and word-piece coverage for every pair; longer ones only for each
# sentence's nearest candidates.
ALL_PAIRS_LIMIT = 2500
CANDIDATES_PER_SENTENCE = 8


@dataclass
class PairFeatures:
    """All signals for one (source document, English document) pair; matrices are n_src x n_tgt."""

    src_emb: np.ndarray
    tgt_emb: np.ndarray
    cross: np.ndarray  # cosine of source vs English embeddings
    numbers: np.ndarray  # IDF-weighted shared-number overlap
    number_mismatch: np.ndarray  # both state numbers, none shared
    names: np.ndarray  # IDF-weighted shared-name overlap
    tokens: np.ndarray | None = None  # word-piece coverage of source vs English (align.token_match)
    tr_emb: np.ndarray | None = None
    mono: np.ndarray | None = None  # cosine of translation vs English embeddings
    chrf: np.ndarray | None = None  # chrF of translation vs English
    covers_tgt: np.ndarray | None = None  # containment C: share of English j's content stated by translation i
    covers_src: np.ndarray | None = None  # containment R: share of translation i's content stated by English j


def compute_features(src: list[str], tgt: list[str], encoder: Encoder,
                     translations: list[str] | None = None, tokens: TokenEncoder | None = None,
                     src_encoder: Encoder | None = None) -> PairFeatures:
    """Embed both sides (and the translations) once and compute every pairwise signal (word pieces if `tokens`).

    `src_encoder` embeds the source sentences (default `encoder`; align.language_offset gives one per language).
    """
    src_emb = (src_encoder or encoder).encode(list(src))
    emb = encoder.encode(list(tgt) + (list(translations) if translations is not None else []))
    tgt_emb = emb[: len(tgt)]
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
    small = len(src) * len(tgt) <= ALL_PAIRS_LIMIT
    if tokens is not None:
        feats.tokens = token_coverage(tokens.token_states(list(src)), tokens.token_states(list(tgt)),
                                      None if small else top_k_mask(feats.cross, CANDIDATES_PER_SENTENCE))
    if translations is not None:
        feats.tr_emb = emb[len(tgt):]
        feats.mono = feats.tr_emb @ tgt_emb.T
        feats.chrf = chrf_matrix(list(translations), list(tgt),
                                 None if small else top_k_mask(feats.mono, CANDIDATES_PER_SENTENCE))
        feats.covers_tgt, feats.covers_src = containment(list(translations), list(tgt))
    return feats
