"""The result of aligning one source article with one English article: weighted many-to-many sentence links."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mt.document import Document
from mt.normalize import is_blank


@dataclass(frozen=True)
class Edge:
    """One link between source sentence `src` and English sentence `tgt` (indices into Document.sentences)."""

    src: int
    tgt: int
    score: float


@dataclass
class Alignment:
    """Links between a source document and an English document; sentences with no edge are unaligned."""

    src: Document
    tgt: Document
    edges: list[Edge] = field(default_factory=list)
    # One per source sentence, when a translation was used; a blank one means none was found for that sentence (a
    # translated article that left it out), which is then aligned cross-lingually and left out of quality scores.
    translations: list[str] | None = None
    mode: str = "no-mt"  # "no-mt", "mt" (translated by `model`) or "translations" (given by the user)
    model: str | None = None
    # The aligner's n_src x n_tgt pair scores (margin + anchors), kept for views such as the report's heat map.
    scores: np.ndarray | None = None
    # (src, tgt) -> list of (source word index, English word index); filled by align.words when asked for
    word_links: dict[tuple[int, int], list[tuple[int, int]]] = field(default_factory=dict)

    def translation_of(self, i: int) -> str | None:
        """Source sentence `i`'s translation; None when no translation was used or none was found for it."""
        if self.translations is None or is_blank(self.translations[i]):
            return None
        return self.translations[i]

    def mode_of(self, src_ids: list[int]) -> str:
        """How sentences `src_ids` were aligned: "no-mt" when none of them had a translation, else `mode`."""
        if self.translations is not None and all(self.translation_of(i) is None for i in src_ids):
            return "no-mt"  # a translated article that left them out: aligned cross-lingually
        return self.mode

    def untranslated(self) -> list[int]:
        """Source sentences left without a translation in a translated alignment (none in no-MT mode)."""
        if self.translations is None:
            return []
        return [i for i in range(len(self.src.sentences)) if self.translation_of(i) is None]

    def targets_of(self, i: int) -> list[int]:
        """English sentence indices linked to source sentence `i`, in document order."""
        return sorted(e.tgt for e in self.edges if e.src == i)

    def sources_of(self, j: int) -> list[int]:
        """Source sentence indices linked to English sentence `j`, in document order."""
        return sorted(e.src for e in self.edges if e.tgt == j)

    def score_of(self, i: int) -> float | None:
        """Best link score of source sentence `i`, or None when it is unaligned."""
        scores = [e.score for e in self.edges if e.src == i]
        return max(scores) if scores else None

    def unaligned_src(self) -> list[int]:
        """Source sentences with no English partner."""
        linked = {e.src for e in self.edges}
        return [i for i in range(len(self.src.sentences)) if i not in linked]

    def unaligned_tgt(self) -> list[int]:
        """English sentences with no source partner."""
        linked = {e.tgt for e in self.edges}
        return [j for j in range(len(self.tgt.sentences)) if j not in linked]

    def records(self) -> list[dict[str, Any]]:
        """One record per source sentence (unaligned included), then one per unaligned English sentence."""
        out: list[dict[str, Any]] = []
        # Built once: asking targets_of for every pair of sentences made this cubic (8.5 s for 800 x 800 sentences).
        targets: dict[int, list[int]] = {}
        best: dict[int, float] = {}
        for e in self.edges:
            targets.setdefault(e.src, []).append(e.tgt)
            best[e.src] = max(best.get(e.src, e.score), e.score)
        sharing: dict[tuple[int, ...], list[int]] = {}
        for k in sorted(targets):
            targets[k].sort()
            sharing.setdefault(tuple(targets[k]), []).append(k)
        for i, s in enumerate(self.src.sentences):
            tgt_ids = targets.get(i, [])
            # Sources that share exactly this target set form the many side of a many-to-one link.
            src_ids = list(sharing[tuple(tgt_ids)]) if tgt_ids else [i]
            score = best.get(i)
            out.append({
                "src_doc": self.src.doc_id,
                "tgt_doc": self.tgt.doc_id,
                "src_lang": self.src.lang,
                "src": s.text,
                "src_id": i,  # this sentence; src_ids is its group, which several records share
                "src_ids": src_ids,
                "translation": self.translation_of(i),
                "tgt": [self.tgt.sentences[j].text for j in tgt_ids],
                "tgt_ids": tgt_ids,
                "score": round(score, 4) if score is not None else None,
                "mode": self.mode_of([i]),
            })
            if i in self.src.boilerplate:  # a line of page chrome in sentence-per-line input: never aligned
                out[-1]["boilerplate"] = self.src.boilerplate[i]
        for j in self.unaligned_tgt():
            out.append({
                "src_doc": self.src.doc_id,
                "tgt_doc": self.tgt.doc_id,
                "src_lang": self.src.lang,
                "src": None,
                "src_id": None,
                "src_ids": [],
                "translation": None,
                "tgt": [self.tgt.sentences[j].text],
                "tgt_ids": [j],
                "score": None,
                "mode": self.mode,
            })
            if j in self.tgt.boilerplate:
                out[-1]["boilerplate"] = self.tgt.boilerplate[j]
        return out
