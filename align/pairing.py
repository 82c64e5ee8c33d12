"""Find, for each Swahili/Arabic article, the English article(s) reporting the same event.

Articles on one topic (two Morocco–Israel defence stories, say) are all alike in embedding space, so neither the cosine
of mean embeddings nor the mean best-sentence cosine separates them. What does is how *specifically* the sentences of
two articles match: the document score is the mean best ratio margin (align.margin) of each source sentence among all
English sentences of the collection, averaged with the same from each English sentence among all source sentences.
Margins are relative to the whole collection, so a margin of 1.0 means "no closer than to any article on the topic".

In a small folder that whole is little to compare with: two articles on unrelated events, each a sentence's only
neighbours, reached 1.005-1.011 in 14 of 20 folders of 2-8 articles. So a pair also needs a share of its sentences to
match at translation level (each other's best match, at a cosine a sentence reaches with its translation:
align.margin.SINGLE_PAIR_LEVEL), which unrelated articles seldom do and articles on one event do for many sentences,
unless its score is clear anyway.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TextIO

import numpy as np

from align.encoder import Encoder, get_encoder
from align.language_offset import source_encoder
from align.manifest import unpaired_by_manifest
from align.margin import SINGLE_PAIR_LEVEL, ratio_margin
from mt.document import Document
from mt.errors import InputError
from mt.langid import SOURCE_LANGUAGES

# Seed collection: the right pairs score 1.007–1.033, the wrong ones 1.001–1.003 (see tests/test_pairing.py).
DEFAULT_THRESHOLD = 1.005
# Articles share a topical floor: a sentence also resembles several sentences of an unrelated article on the topic.
_K_FRAC, _K_MIN, _K_MAX = 0.2, 2, 8
# Least share of the shorter article's sentences in a translation-level match with the other, and least number of
# them: one chance match is no evidence, however short the article. Measured with e5-small on synthetic comparable
# pairs (drops, merges, distractors): right pairs 0.33 and up, the seed pair 002-004 (an English machine
# translation) 0.36; unrelated articles in small folders of NTREX, MAFAND and FLORES documents at most 0.24.
MIN_SHARED = 0.25
MIN_MATCHED = 2
# A score this clear needs no shared sentences: unrelated articles alone in small folders reached at most 1.017
# (synthetic) and 1.013 (NTREX documents one to one), while articles on one event that word things differently,
# as real comparable articles may, can share few sentences at translation level and still stand out by margin.
CLEAR_SCORE = 1.02


@dataclass(frozen=True)
class DocPair:
    """A source article and an English article judged to report the same event."""

    src: Document
    tgt: Document
    score: float


@dataclass(frozen=True)
class PairingEvidence:
    """What pairing decides on, for every (source, English) pair of articles."""

    scores: np.ndarray  # the document score (about 1.0 = unrelated)
    matched: np.ndarray | None = None  # sentences matched at translation level; None: no level known for the encoder
    shorter: np.ndarray | None = None  # the number of sentences of the shorter article of each pair

    def sharing(self) -> np.ndarray | None:
        """Which pairs share enough sentences to be paired on their score (None: every pair, no level known)."""
        if self.matched is None or self.shorter is None:
            return None
        shared = self.matched / np.maximum(self.shorter, 1)
        return (shared >= MIN_SHARED) & (self.matched >= np.minimum(MIN_MATCHED, self.shorter))


def _matched(sim: np.ndarray, level: float) -> int:
    """Sentence pairs of one article pair (cosines `sim`) that are each other's best match and reach `level`.

    Mutual best matches, not every sentence over the level: one caption or credit line of the other article can be
    every sentence's nearest ("Image by ... CC BY 2.0" was, for half of an unrelated Global Voices article)."""
    if sim.size == 0:
        return 0
    best_col, best_row = sim.argmax(axis=1), sim.argmax(axis=0)
    rows = np.arange(sim.shape[0])
    return int(((best_row[best_col] == rows) & (sim[rows, best_col] >= level)).sum())


def _per_doc(rows: np.ndarray, cols: np.ndarray, owners: np.ndarray, n_docs: int,
             level: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(n_docs,) mean best margin of the `rows` sentences inside each column document, and with a `level` the
    sentences matched at it there (_matched; zeros without one)."""
    sim = rows @ cols.T
    margin = ratio_margin(sim, k_frac=_K_FRAC, k_min=_K_MIN, k_max=_K_MAX)
    best_margin = np.array([margin[:, owners == d].max(axis=1).mean() for d in range(n_docs)])
    if level is None:
        return best_margin, np.zeros(n_docs)
    return best_margin, np.array([_matched(sim[:, owners == d], level) for d in range(n_docs)])


def _embed_each(encoder: Encoder, docs: list[Document]) -> list[np.ndarray]:
    """Each document's sentence embeddings, in order, from one encode call per language.

    One call, not one per article: batches fill across articles, and a cold run over a big folder gets the encoder's
    progress bar instead of dozens of silent calls each too small for one."""
    out: list[np.ndarray] = [np.empty(0)] * len(docs)
    for lang in dict.fromkeys(d.lang for d in docs):
        members = [k for k, d in enumerate(docs) if d.lang == lang]
        lang_encoder = encoder if lang == "en" else source_encoder(encoder, lang)
        # Page chrome kept as sentences (sentence-per-line input) is never aligned, so it is no evidence either:
        # URL and widget lines of two unrelated files match each other.
        flat = lang_encoder.encode([t for k in members for t in docs[k].content_texts])
        bounds = np.cumsum([len(docs[k].content_texts) for k in members])[:-1]
        for k, rows in zip(members, np.split(flat, bounds), strict=True):
            out[k] = rows
    return out


def document_evidence(sources: list[Document], english: list[Document],
                      encoder: Encoder | None = None) -> PairingEvidence:
    """Document scores and shared sentences of every source article with every English article."""
    encoder = encoder or get_encoder()
    level = SINGLE_PAIR_LEVEL.get(getattr(encoder, "name", ""))
    src_emb = _embed_each(encoder, sources)
    en_emb = _embed_each(encoder, english)
    all_src, all_en = np.vstack(src_emb), np.vstack(en_emb)
    src_owner = np.concatenate([np.full(len(e), k) for k, e in enumerate(src_emb)])
    en_owner = np.concatenate([np.full(len(e), k) for k, e in enumerate(en_emb)])
    fwd = [_per_doc(e, all_en, en_owner, len(english), level) for e in src_emb]
    bwd = [_per_doc(e, all_src, src_owner, len(sources)) for e in en_emb]
    scores = (np.stack([m for m, _ in fwd]) + np.stack([m for m, _ in bwd]).T) / 2.0
    if level is None:
        return PairingEvidence(scores)
    # Shares of the shorter article: a short brief is wholly inside a long report, not the report in the brief.
    shorter = np.minimum.outer(np.array([len(e) for e in src_emb]), np.array([len(e) for e in en_emb]))
    return PairingEvidence(scores, np.stack([m for _, m in fwd]), shorter)


def looks_like_one_event(src: Document, tgt: Document,
                         encoder: Encoder | None = None) -> tuple[bool, int, int] | None:
    """Whether --auto would take one given pair as reports of one event, with its (matched, shorter) sentence counts.

    `mtk align SRC EN` is told its pair; this is --auto's test (enough sentences matched at translation level, or a
    clear document score), used to warn when two articles look unrelated: their links would then be topical, not
    shared facts. None when the encoder has no known translation level."""
    evidence = document_evidence([src], [tgt], encoder)
    sharing = evidence.sharing()
    if sharing is None or evidence.matched is None or evidence.shorter is None:
        return None
    same = bool(sharing[0, 0]) or float(evidence.scores[0, 0]) >= CLEAR_SCORE
    return same, int(evidence.matched[0, 0]), int(evidence.shorter[0, 0])


def pair_documents(docs: list[Document], *, encoder: Encoder | None = None,
                   threshold: float = DEFAULT_THRESHOLD) -> list[DocPair]:
    """Pairs (source, English, score) of articles on the same event, in source order; unmatched sources are left out.

    Each source goes with its best English article when the score reaches `threshold`; another English article joins
    when it also reaches `threshold` and this source is that article's best match (two outlets on one event).
    """
    return pair_with_reasons(docs, encoder=encoder, threshold=threshold)[0]


def pair_with_reasons(docs: list[Document], *, encoder: Encoder | None = None,
                      threshold: float = DEFAULT_THRESHOLD) -> tuple[list[DocPair], dict[str, str]]:
    """pair_documents' pairs, and for each article of either side in no pair why: its best score against the other."""
    sources, english = pairing_sides(docs)
    if not english:
        raise InputError("no English article to pair with")
    if not sources:
        return [], {}
    evidence = document_evidence(sources, english, encoder)
    pairs = pairs_from_evidence(sources, english, evidence, threshold)
    paired = {id(d) for p in pairs for d in (p.src, p.tgt)}
    sharing = evidence.sharing()
    unpaired = {}
    for axis, side, others, other in ((1, sources, english, "English"), (0, english, sources, "Swahili or Arabic")):
        for k, doc in enumerate(side):
            if id(doc) not in paired:
                best = int(evidence.scores.argmax(axis=axis)[k])
                at = (k, best) if axis == 1 else (best, k)
                unpaired[doc.doc_id] = _why_unpaired(evidence, sharing, at, f"{other} article", others[best].doc_id,
                                                     threshold)
    return pairs, unpaired


def pair_folder(docs: list[Document], given: list[tuple[Document, Document]] | None,
                encoder: Callable[[], Encoder | None], threshold: float | None,
                file: TextIO) -> tuple[list[tuple[Document, Document, float]], dict[str, str]]:
    """(source, English, pairing score) of a folder's articles and why each article left out is.

    From a manifest's `given` pairs, each scored and checked (given_pair_scores, warnings on `file`), or by content
    at `threshold` (DEFAULT_THRESHOLD when None). `encoder()` is called only when there is something to score."""
    if given is not None:
        scores = given_pair_scores(docs, given, file, encoder()) if given else []
        return ([(src, tgt, score) for (src, tgt), score in zip(given, scores, strict=True)],
                unpaired_by_manifest(docs, given))
    found, unpaired = pair_with_reasons(docs, encoder=encoder(),
                                        threshold=DEFAULT_THRESHOLD if threshold is None else threshold)
    return [(p.src, p.tgt, p.score) for p in found], unpaired


def announce_pairs(pairs: Sequence[tuple[Document, Document, float]], unpaired: dict[str, str],
                   docs: list[Document], file: TextIO, given: bool = False) -> None:
    """Say each pair (its score; `given`: that the manifest gave it) and each article left out and why, a line each."""
    for src, tgt, score in pairs:
        how = f"from manifest.json, pairing score {_shown(score)}" if given else f"score {_shown(score)}"
        print(f"mtk: pair {src.doc_id} ({src.lang}) -> {tgt.doc_id} (en), {how}", file=file)
    langs = {d.doc_id: d.lang for d in docs}
    for doc_id, why in unpaired.items():
        # An article that takes no part is said, as skipped files are: a folder's article must not vanish silently.
        print(f"mtk: unpaired {doc_id} ({langs[doc_id]}): {why}", file=file)


def given_pair_scores(docs: list[Document], pairs: list[tuple[Document, Document]], file: TextIO,
                      encoder: Encoder | None = None, threshold: float = DEFAULT_THRESHOLD) -> list[float]:
    """The pairing score of each pair a manifest gives, with a warning for each that pairing by content would refuse.

    A manifest is the user's word and stands; but a pair of two different events (a file name typed wrong) would be
    aligned without a word, its few links looking like poor coverage rather than a wrong pair."""
    sources, english = pairing_sides(docs)
    evidence = document_evidence(sources, english, encoder)
    sharing = evidence.sharing()
    row = {id(d): k for k, d in enumerate(sources)}
    col = {id(d): k for k, d in enumerate(english)}
    by_content: dict[int, list[DocPair]] = {}
    for found in pairs_from_evidence(sources, english, evidence, threshold):
        by_content.setdefault(id(found.src), []).append(found)
    listed: dict[int, set[int]] = {}
    for src, tgt in pairs:
        listed.setdefault(id(src), set()).add(id(tgt))
    scores = []
    for src, tgt in pairs:
        at = (row[id(src)], col[id(tgt)])
        score = float(evidence.scores[at])
        scores.append(score)
        # Two signs of a mistake, not one low score: a second outlet of the event lowers every margin of the first.
        # Content pairs the source with articles the manifest does not give it ...
        elsewhere = [p for p in by_content.get(id(src), []) if id(p.tgt) not in listed[id(src)]]
        if elsewhere and len(elsewhere) == len(by_content[id(src)]):
            others = ", ".join(f"{p.tgt.doc_id} ({_shown(p.score)})" for p in elsewhere)
            print(f"mtk: warning: manifest.json pairs {src.doc_id} with {tgt.doc_id} (pairing score {_shown(score)}), "
                  f"but by content it reports the event of {others}: check that both report one event", file=file)
        # ... or the two share too little and score too low to be one event.
        elif score < threshold and sharing is not None and not sharing[at] and score < CLEAR_SCORE:
            print(f"mtk: warning: manifest.json pairs {src.doc_id} with {tgt.doc_id}, which pairing by content "
                  f"would not ({_shortfall(evidence, sharing, at, threshold)}): check that both report one event",
                  file=file)
    return scores


def _shown(score: float) -> str:
    """A pairing score as every message shows it: three decimals, rounded down.

    Down, so that the score an unpaired article's line shows, given as --pair-threshold, pairs it (when the two share
    enough sentences; --manifest pairs them whatever they share)."""
    return f"{math.floor(score * 1000) / 1000:.3f}"


def _why_unpaired(evidence: PairingEvidence, sharing: np.ndarray | None, at: tuple[int, int], other: str,
                  best_id: str, threshold: float) -> str:
    """Why an article is in no pair: its best match on the other side and their score, and what they share if short."""
    why = f"no {other} scores as the same event (best: {best_id}, {_shortfall(evidence, sharing, at, threshold)}"
    if float(evidence.scores[at]) >= threshold:  # the shared sentences alone kept them apart: say how to pair them
        why += "; --manifest pairs them anyway"
    return why + ")"


def _shortfall(evidence: PairingEvidence, sharing: np.ndarray | None, at: tuple[int, int], threshold: float) -> str:
    """A pair's score against what pairing needs, and its shared sentences when too few for a score under CLEAR_SCORE."""
    score = float(evidence.scores[at])
    why = f"pairing score {_shown(score)}, pairs need {threshold}"
    if sharing is not None and not sharing[at] and score < CLEAR_SCORE:
        assert evidence.matched is not None and evidence.shorter is not None  # as sharing is not None
        why += (f"; {evidence.matched[at]:.0f} of the shorter article's {evidence.shorter[at]:.0f} sentences match at "
                f"translation level, pairs need {MIN_SHARED:.0%} and at least {MIN_MATCHED}")
    return why


def pairing_sides(docs: list[Document]) -> tuple[list[Document], list[Document]]:
    """(Swahili and Arabic, English) documents of `docs` that have sentences: the two sides pairing compares."""
    return ([d for d in docs if d.lang in SOURCE_LANGUAGES and d.sentences],
            [d for d in docs if d.lang == "en" and d.sentences])


def pairs_from_evidence(sources: list[Document], english: list[Document], evidence: PairingEvidence,
                        threshold: float = DEFAULT_THRESHOLD) -> list[DocPair]:
    """The pairing decision of `pair_documents` on evidence already computed (document_evidence)."""
    scores, sharing = evidence.scores, evidence.sharing()
    if sharing is not None:
        # Articles sharing too few sentences are out of the running before best matches are chosen.
        scores = np.where(sharing | (scores >= CLEAR_SCORE), scores, -np.inf)
    best_src_of = scores.argmax(axis=0)
    pairs = []
    for i, src in enumerate(sources):
        best = int(scores[i].argmax())
        for j in np.argsort(-scores[i]):
            if scores[i, j] >= threshold and (j == best or best_src_of[j] == i):
                pairs.append(DocPair(src, english[j], float(scores[i, j])))
    return pairs
