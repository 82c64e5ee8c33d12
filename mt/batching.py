"""Group sentences into length-sorted batches under a token budget, and split over-long inputs safely."""

from __future__ import annotations

from collections.abc import Sequence

# Pieces after which a cut falls on a clause boundary (Latin and Arabic punctuation).
_CLAUSE_END = (",", ";", ":", "،", "؛", ")", "—", "–", ".", "!", "?", "؟")


def make_batches(lengths: Sequence[int], max_batch_tokens: int) -> list[list[int]]:
    """Indexes grouped into batches, longest first, each costing at most `max_batch_tokens` padded tokens."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    width = 0
    for i in order:
        new_width = max(width, lengths[i], 1)
        if current and new_width * (len(current) + 1) > max_batch_tokens:
            batches.append(current)
            current, new_width = [], max(lengths[i], 1)
        current.append(i)
        width = new_width
    if current:
        batches.append(current)
    return batches


def split_pieces(pieces: list[str], limit: int) -> list[list[str]]:
    """Cut a piece sequence into chunks of at most `limit` pieces, at clause ends, else word starts, else anywhere."""
    chunks: list[list[str]] = []
    rest = pieces
    while len(rest) > limit:
        cut = _best_cut(rest, limit)
        chunks.append(rest[:cut])
        rest = rest[cut:]
    if rest or not chunks:
        chunks.append(rest)
    return chunks


def _best_cut(pieces: list[str], limit: int) -> int:
    # Only look at the second half of the window so chunks do not become tiny.
    low = max(1, limit // 2)
    word_start = None
    for p in range(limit, low - 1, -1):
        if pieces[p].startswith("▁"):
            if pieces[p - 1].rstrip().endswith(_CLAUSE_END):
                return p
            if word_start is None:
                word_start = p
    return word_start if word_start is not None else limit
