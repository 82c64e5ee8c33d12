"""Seeded synthetic comparable-news document pairs built from public parallel test sets, with gold links.

A parallel document (NTREX-128, MAFAND-MT, FLORES-200) is turned into a comparable pair: sentences are dropped on
each side (nulls), adjacent sentences are joined on one side (1-to-2 links), blocks of the English side are reordered
(non-monotonic links) and distractor sentences from other documents are inserted. Gold = the links that survive.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from pathlib import Path

from mt.errors import InputError


def shared_dir() -> Path:
    """The public benchmark and gold data: $MTK_SHARED, else the `shared/` folder beside the repository checkout."""
    env = os.environ.get("MTK_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared"


SHARED_DIR = shared_dir()
DATA_DIR = SHARED_DIR / "data"

# (file of the source language, English file, document-id file: for FLORES its metadata TSV), per language.
_SETS: dict[str, list[tuple[str, str, str]]] = {
    "sw": [
        ("ntrex128/ntrex128-newstest2019-ref.swa", "ntrex128/ntrex128-newstest2019-src.eng",
         "ntrex128/ntrex128-document_ids.txt"),
        ("mafand/mafand-test.swa", "mafand/mafand-test.eng", "mafand/mafand-test.docid"),
        ("flores200/flores200-devtest.swh_Latn", "flores200/flores200-devtest.eng_Latn",
         "flores200/flores200-metadata_devtest.tsv"),
    ],
    "ar": [
        ("ntrex128/ntrex128-newstest2019-ref.arb", "ntrex128/ntrex128-newstest2019-src.eng",
         "ntrex128/ntrex128-document_ids.txt"),
        ("flores200/flores200-devtest.arb_Arab", "flores200/flores200-devtest.eng_Latn",
         "flores200/flores200-metadata_devtest.tsv"),
    ],
}


@dataclass(frozen=True)
class SynthConfig:
    """How much a parallel document is distorted into a comparable one."""

    min_sents: int = 6  # shorter documents carry too little structure to test alignment
    max_sents: int = 30  # longer documents are cut to a random window of this size (keeps embedding time modest)
    p_drop_src: float = 0.15  # each source sentence is dropped with this probability (its English stays: a null)
    p_drop_tgt: float = 0.15  # same for English sentences
    p_merge: float = 0.12  # each adjacent pair on one side is joined with this probability (a 1-to-2 link)
    p_shuffle: float = 0.7  # probability that the English blocks are reordered at all
    block_min: int = 2
    block_max: int = 4
    max_distractors: int = 3  # 0..this many sentences from other documents are inserted on each side
    # Real comparable news also has (all off by default, so the original generator's numbers stay reproducible;
    # see REALISTIC):
    p_merge3: float = 0.0  # a joined pair grows to three sentences (one long sentence told in three)
    p_far_merge: float = 0.0  # a sentence also states the facts of a non-adjacent one (1-to-2 links in any order)
    p_headline: float = 0.0  # per side: a short headline-like prefix of one sentence is put first (a partial link)
    headline_words: int = 8


# Comparable-news distortions seen in the seed pairs: 3-sentence merges, non-adjacent merges, headlines.
REALISTIC = SynthConfig(p_merge3=0.4, p_far_merge=0.1, p_headline=0.5)


@dataclass
class SyntheticPair:
    """A synthetic comparable pair: source sentences, English sentences and the gold (src, tgt) links."""

    lang: str
    doc_id: str
    src: list[str]
    tgt: list[str]
    gold: set[tuple[int, int]] = field(default_factory=set)
    # English of a second outlet on the same document (its own drops, merges, order and distractors), when asked for:
    # two English articles on one event, for document pairing.
    second_outlet: list[str] | None = None
    # Per source sentence, the parallel English of what it holds: a perfect translation, for translation mode.
    translations: list[str] = field(default_factory=list)


def _read_lines(path: Path) -> list[str]:
    """Stripped lines of a UTF-8 file."""
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]


def load_documents(lang: str, data_dir: Path = DATA_DIR) -> list[tuple[str, list[str], list[str]]]:
    """Parallel documents (doc_id, source lines, English lines) of `lang` with at least min_sents lines."""
    if lang not in _SETS:
        raise InputError(f"no synthetic data for language {lang!r} (known: {', '.join(sorted(_SETS))})")
    docs: list[tuple[str, list[str], list[str]]] = []
    for src_name, eng_name, id_name in _SETS[lang]:
        paths = [data_dir / src_name, data_dir / eng_name, data_dir / id_name]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise InputError(f"synthetic data file missing: {missing[0]}")
        src, eng, ids = (_read_lines(p) for p in paths)
        if id_name.endswith(".tsv"):
            ids = [row.split("\t", 1)[0] for row in ids[1:]]  # FLORES metadata: header, then the URL per line
        if not (len(src) == len(eng) == len(ids)):
            raise InputError(f"line counts differ in {src_name} / {eng_name} / {id_name}")
        start = 0
        for k in range(1, len(ids) + 1):
            if k == len(ids) or ids[k] != ids[start]:
                if k - start >= SynthConfig.min_sents:
                    docs.append((f"{Path(src_name).parent.name}:{ids[start]}", src[start:k], eng[start:k]))
                start = k
    return docs


def _units(n: int, p_drop: float, p_merge: float, rng: random.Random,
           cfg: SynthConfig = SynthConfig()) -> list[list[int]]:
    """Group parallel line indices 0..n-1 into the sentences of one side: some dropped, some adjacent pairs joined."""
    kept = [k for k in range(n) if rng.random() >= p_drop]
    units: list[list[int]] = []
    for k in kept:
        # Join only true neighbours in the original document, as a writer merging two sentences would.
        last = units[-1] if units else []
        if last and last[-1] == k - 1 and (
                (len(last) == 1 and rng.random() < p_merge)
                or (len(last) == 2 and p_merge and cfg.p_merge3 and rng.random() < cfg.p_merge3)):
            last.append(k)
        else:
            units.append([k])
    if p_merge and cfg.p_far_merge:
        # Some later single sentence is folded into an earlier single one at least two places away.
        u = 0
        while u < len(units):
            far = [v for v in range(u + 2, len(units)) if len(units[v]) == 1]
            if len(units[u]) == 1 and far and rng.random() < cfg.p_far_merge:
                units[u] = units[u] + units.pop(rng.choice(far))
            u += 1
    return units


def _shuffle_blocks(units: list[list[int]], cfg: SynthConfig, rng: random.Random) -> list[list[int]]:
    """Cut the sequence into blocks of block_min..block_max sentences and reorder the blocks."""
    if rng.random() >= cfg.p_shuffle:
        return units
    blocks: list[list[list[int]]] = []
    i = 0
    while i < len(units):
        size = rng.randint(cfg.block_min, cfg.block_max)
        blocks.append(units[i: i + size])
        i += size
    rng.shuffle(blocks)
    return [u for b in blocks for u in b]


def make_pair(doc: tuple[str, list[str], list[str]], distractors: tuple[list[str], list[str]],
              lang: str, rng: random.Random, cfg: SynthConfig = SynthConfig(),
              distractor_english: list[str] | None = None) -> SyntheticPair:
    """Distort one parallel document into a comparable pair with gold links.

    `distractor_english` is the English of the source distractors' document (parallel to distractors[0]), for the
    perfect translations of source distractors; without it they translate to themselves."""
    doc_id, src_lines, eng_lines = doc
    if len(src_lines) > cfg.max_sents:
        start = rng.randint(0, len(src_lines) - cfg.max_sents)
        src_lines, eng_lines = src_lines[start: start + cfg.max_sents], eng_lines[start: start + cfg.max_sents]
    n = len(src_lines)
    # Merges go on one side only per document, so every merge yields a clean 1-to-2 (or 2-to-1) gold link.
    merge_src = rng.random() < 0.5
    src_units = _units(n, cfg.p_drop_src, cfg.p_merge if merge_src else 0.0, rng, cfg)
    tgt_units = _shuffle_blocks(_units(n, cfg.p_drop_tgt, 0.0 if merge_src else cfg.p_merge, rng, cfg), cfg, rng)
    src = [" ".join(src_lines[k] for k in u) for u in src_units]
    tgt = [" ".join(eng_lines[k] for k in u) for u in tgt_units]
    translations = [" ".join(eng_lines[k] for k in u) for u in src_units]
    src_keys: list[frozenset[int]] = [frozenset(u) for u in src_units]
    tgt_keys: list[frozenset[int]] = [frozenset(u) for u in tgt_units]
    for side, keys, lines in ((src, src_keys, src_lines), (tgt, tgt_keys, eng_lines)):
        # Draws only when enabled, so the default generator keeps its original random stream.
        if cfg.p_headline and rng.random() < cfg.p_headline:
            # A headline restates the start of one sentence: it links (partially) to that sentence's partner.
            k = rng.randrange(n)
            words = lines[k].split()
            if len(words) > cfg.headline_words + 3:
                side.insert(0, " ".join(words[: cfg.headline_words]).rstrip(",;:"))
                keys.insert(0, frozenset({k}))
                if side is src:  # the same share of the English sentence, roughly
                    english = eng_lines[k].split()
                    cut = max(1, round(len(english) * cfg.headline_words / len(words)))
                    translations.insert(0, " ".join(english[:cut]).rstrip(",;:"))
    # Distractors: sentences of other documents, inserted at random positions, linked to nothing. Positions are
    # drawn as rng.sample(pool, k) draws them, so the random stream is the one the generator always had.
    for side, keys, pool in ((src, src_keys, distractors[0]), (tgt, tgt_keys, distractors[1])):
        for m in rng.sample(range(len(pool)), min(len(pool), rng.randint(0, cfg.max_distractors))):
            pos = rng.randint(0, len(side))
            side.insert(pos, pool[m])
            keys.insert(pos, frozenset())
            if side is src:
                translations.insert(pos, distractor_english[m] if distractor_english else pool[m])
    gold = {(i, j) for i, a in enumerate(src_keys) for j, b in enumerate(tgt_keys) if a & b}
    return SyntheticPair(lang=lang, doc_id=doc_id, src=src, tgt=tgt, gold=gold, translations=translations)


def make_pairs(lang: str, n_docs: int, seed: int, cfg: SynthConfig = SynthConfig(),
               second_outlets: int = 0) -> list[SyntheticPair]:
    """`n_docs` reproducible synthetic comparable pairs for `lang` ("sw" or "ar") drawn with `seed`.

    The first `second_outlets` of them also get a second English outlet (`SyntheticPair.second_outlet`)."""
    docs = load_documents(lang)
    if n_docs < 1 or n_docs > len(docs) - 2:
        raise InputError(f"n_docs must be between 1 and {len(docs) - 2} for {lang!r}, got {n_docs}")
    rng = random.Random(f"{lang}:{seed}")
    picked = rng.sample(range(len(docs)), n_docs)
    pairs = [_pair_of(docs, d, lang, rng, cfg) for d in picked]
    for k, pair in enumerate(pairs[:second_outlets]):
        # A random stream of its own, so asking for outlets leaves every pair above exactly as it was.
        pair.second_outlet = _pair_of(docs, picked[k], lang, random.Random(f"{lang}:{seed}:outlet:{k}"), cfg).tgt
    return pairs


def _pair_of(docs: list[tuple[str, list[str], list[str]]], d: int, lang: str, rng: random.Random,
             cfg: SynthConfig) -> SyntheticPair:
    """The comparable pair of document `d`, with distractors drawn from other documents."""
    # Source and English distractors come from two different other documents, so they never align to each other.
    others = [o for o in range(len(docs)) if o != d]
    o_src, o_tgt = rng.sample(others, 2)
    return make_pair(docs[d], (docs[o_src][1], docs[o_tgt][2]), lang, rng, cfg, distractor_english=docs[o_src][2])
