"""Split long sentences into clauses, so that a part of one sentence can be matched with a whole sentence of the other.

A comparable article often tells in one long sentence what the other tells in two or three short ones
("viewed with suspicion by Algeria, a staunch supporter of the Palestinians, heightening tensions ..." against three
English sentences). Whole-sentence embeddings blur such a sentence; its clauses match each short partner clearly.
Splitting is punctuation-based (Latin and Arabic commas, semicolons, colons, dashes, quotes) with short pieces merged
into a neighbour: it needs no language-specific parser and behaves the same for Swahili, Arabic and English.
"""

from __future__ import annotations

import re

# Clause boundaries: , ; : (Latin and Arabic), dashes between spaces, and opening/closing quotes.
_BOUNDARY = re.compile(r"(?<=[,;:\u060c\u061b])\s+|\s+[\u2013\u2014-]\s+|\s+(?=[\"\u201c\u00ab])|(?<=[\"\u201d\u00bb])\s+")
_WORD = re.compile(r"\w+")


def _n_words(text: str) -> int:
    """Number of word tokens (any script)."""
    return len(_WORD.findall(text))


_MAX_PIECES = 64


def split_clauses(text: str, min_sentence_words: int = 14, min_clause_words: int = 4,
                  max_clauses: int = 4) -> list[str]:
    """Clauses of a long sentence (at least two, each of min_clause_words or more), or [] when it is not split.

    Pieces shorter than min_clause_words join the previous piece (a lone "he said," is no claim); at most max_clauses
    are kept by joining the shortest neighbours, which bounds the extra encoder work per sentence.
    """
    if _n_words(text) < min_sentence_words:
        return []
    pieces = [p.strip() for p in _BOUNDARY.split(text) if p and p.strip()]
    merged: list[str] = []
    counts: list[int] = []  # words of each merged piece, kept beside it: recounting made long lines quadratic
    for piece in pieces:
        n = _n_words(piece)
        if merged and (n < min_clause_words or counts[-1] < min_clause_words):
            merged[-1] = f"{merged[-1]} {piece}"
            counts[-1] += n
        else:
            merged.append(piece)
            counts.append(n)
    if len(merged) > _MAX_PIECES:
        # A "sentence" of hundreds of clauses is a page with no full stops (a 1 MB line took minutes): cut it into
        # _MAX_PIECES runs of about equal length first; real sentences never have this many clauses.
        size = -(-len(merged) // _MAX_PIECES)
        merged = [" ".join(merged[k: k + size]) for k in range(0, len(merged), size)]
        counts = [sum(counts[k: k + size]) for k in range(0, len(counts), size)]
    while len(merged) > max_clauses:
        # Join the adjacent pair with the fewest words together.
        k = min(range(len(merged) - 1), key=lambda x: counts[x] + counts[x + 1])
        merged[k: k + 2] = [f"{merged[k]} {merged[k + 1]}"]
        counts[k: k + 2] = [counts[k] + counts[k + 1]]
    if len(merged) < 2 or counts[-1] < min_clause_words:
        return []
    return merged
