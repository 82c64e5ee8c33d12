"""Sentence coverage of an aligned article pair: how much of each side has a partner on the other side."""

from __future__ import annotations

from typing import Any

from align.model import Alignment


def share(part: int, whole: int) -> float | None:
    """`part / whole` rounded to 4 places, or None when `whole` is 0."""
    return round(part / whole, 4) if whole else None


def coverage(alignment: Alignment) -> dict[str, Any]:
    """Counts and shares of source sentences with an English partner and of English sentences covered."""
    n_src = len(alignment.src.sentences)
    n_tgt = len(alignment.tgt.sentences)
    src_aligned = n_src - len(alignment.unaligned_src())
    tgt_covered = n_tgt - len(alignment.unaligned_tgt())
    return {
        "src_doc": alignment.src.doc_id,
        "tgt_doc": alignment.tgt.doc_id,
        "src_sentences": n_src,
        "src_aligned": src_aligned,
        "src_coverage": share(src_aligned, n_src),
        "tgt_sentences": n_tgt,
        "tgt_covered": tgt_covered,
        "tgt_coverage": share(tgt_covered, n_tgt),
        "links": len(alignment.edges),
    }
