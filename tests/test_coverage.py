"""Sentence coverage on the gold dev pair 000 -> 003 (gold sentences and gold links)."""

from __future__ import annotations

import json

import pytest

from align.model import Alignment, Edge
from align.synthetic import SHARED_DIR
from eval.coverage import coverage
from mt.document import Document, Sentence

GOLD = SHARED_DIR / "gold"
KEPT = {"content", "headline", "caption"}


def gold_alignment(translations: list[str] | None = None) -> tuple[Alignment, dict[str, int]]:
    """The gold pair as an Alignment (content, headline and caption sentences; gold links), and gold id -> index."""
    sents = json.loads((GOLD / "sentences.json").read_text(encoding="utf-8"))
    links = json.loads((GOLD / "alignments.json").read_text(encoding="utf-8"))["000-003"]["links"]
    docs, index = [], {}
    for doc_id, lang in (("000_c34c121e1dd8a5b8", "sw"), ("003_644d7ec9ad0a14b6", "en")):
        kept = [s for s in sents[doc_id] if s["kind"] in KEPT]
        for i, s in enumerate(kept):
            index[s["id"]] = i
        docs.append(Document(doc_id=doc_id, lang=lang,
                             sentences=[Sentence(s["text"], 0, i, s["start"], s["end"]) for i, s in enumerate(kept)]))
    edges = [Edge(index[link["src"]], index[t], 1.0) for link in links for t in link["tgt"]
             if link["src"] in index and t in index]
    mode = "no-mt" if translations is None else "translations"
    return Alignment(docs[0], docs[1], edges, translations=translations, mode=mode), index


needs_gold = pytest.mark.skipif(not GOLD.is_dir(), reason="gold data not present")


@needs_gold
def test_gold_pair_coverage_counts() -> None:
    alignment, _ = gold_alignment()
    cov = coverage(alignment)
    # 000 keeps 13 sentences (headline, caption, 11 content); only 000-s12 has no English partner.
    assert cov["src_sentences"] == 13
    assert cov["src_aligned"] == 12
    assert cov["src_coverage"] == round(12 / 13, 4)
    # 003 keeps 15 (headline + 14 content); only the headline 003-s02 is uncovered.
    assert cov["tgt_sentences"] == 15
    assert cov["tgt_covered"] == 14
    assert cov["links"] == len(alignment.edges)


def test_empty_sides_have_no_share() -> None:
    a = Alignment(Document("s", "sw"), Document("t", "en"))
    cov = coverage(a)
    assert cov["src_coverage"] is None and cov["tgt_coverage"] is None
    assert cov["src_aligned"] == 0 and cov["tgt_covered"] == 0
