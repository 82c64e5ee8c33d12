"""Data types shared by every stage: a cleaned, segmented document and what cleaning dropped."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Dropped:
    """A piece of the input that cleaning removed, with the reason, so nothing is lost silently."""

    text: str
    reason: str  # e.g. "navigation", "caption-repeat", "related-links", "url", "share-widget", "advertisement", "not-found", "duplicate"
    paragraph: int  # index of the raw paragraph it came from


@dataclass(frozen=True)
class Sentence:
    """One content sentence of a cleaned document."""

    text: str
    paragraph: int  # index of the kept paragraph (0-based)
    index: int  # index of the sentence in the whole document (0-based)
    start: int = -1  # character offset in the original (decoded, un-normalised) text, -1 if unknown
    end: int = -1


@dataclass
class Document:
    """A cleaned, segmented article."""

    doc_id: str
    lang: str  # ISO 639-1: "sw", "ar", "en"
    sentences: list[Sentence] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    title: str | None = None
    path: str | None = None
    # Sentence-per-line input keeps page chrome as sentences (ids are line numbers): their indices, with the reason,
    # are never aligned.
    boilerplate: dict[int, str] = field(default_factory=dict)

    @property
    def paragraphs(self) -> list[list[Sentence]]:
        """Sentences grouped by kept paragraph, in order."""
        groups: dict[int, list[Sentence]] = {}
        for s in self.sentences:
            groups.setdefault(s.paragraph, []).append(s)
        return [groups[k] for k in sorted(groups)]

    @property
    def texts(self) -> list[str]:
        """The sentence texts, in order."""
        return [s.text for s in self.sentences]

    @property
    def content_texts(self) -> list[str]:
        """The sentence texts that are not page chrome (`boilerplate`), in order: what may be aligned."""
        return [s.text for i, s in enumerate(self.sentences) if i not in self.boilerplate]
