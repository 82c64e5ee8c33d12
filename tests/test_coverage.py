"""Sentence coverage on the gold dev pair 000 -> 003 (gold sentences and gold links)."""

from __future__ import annotations

import pytest
from eval_facts import gold_alignment

from align.model import Alignment
from align.synthetic import SHARED_DIR
from eval.coverage import coverage
from mt.document import Document

GOLD = SHARED_DIR / "gold"


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
