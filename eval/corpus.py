"""The input of `mtk run` and `mtk evaluate`: a folder of articles, read and paired (by content or by manifest)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from align.encoder import Encoder
from align.folder import read_folder
from align.manifest import refuse_threshold_with_manifest
from align.pairing import announce_pairs, pair_folder
from eval.metrics import reference_key
from mt.document import Document
from mt.errors import InputError
from mt.langid import SOURCE_LANGUAGES


@dataclass
class Corpus:
    """The documents of an input folder and the (source, English) pairs to align."""

    docs: list[Document]
    pairs: list[tuple[Document, Document, float]]  # (source, English, pairing score; a manifest's pairs are scored too)
    folder: Path
    skipped: dict[str, str] = field(default_factory=dict)  # file name -> why it was left out
    unpaired: dict[str, str] = field(default_factory=dict)  # doc id of a read article in no pair -> why

    @property
    def sources(self) -> list[Document]:
        """Source documents that take part in a pair, each once, in folder order (file names sorted)."""
        paired = {src.doc_id for src, _, _ in self.pairs}
        return [d for d in self.docs if d.doc_id in paired]

    @property
    def unpaired_sentences(self) -> dict[str, str]:
        """Reference match keys of the sentences of source articles read but in no pair, each to why it is in none."""
        return {reference_key(t): f"{d.doc_id}, which is in no pair ({self.unpaired[d.doc_id]})"
                for d in self.docs if d.lang != "en" and d.doc_id in self.unpaired for t in d.texts}


def load_corpus(folder: str | Path, use_manifest: bool = False,
                encoder: Encoder | Callable[[], Encoder] | None = None, pair_threshold: float | None = None) -> Corpus:
    """Load every article (*.txt, saved *.html pages) of `folder`; pair sources with English ones (content or manifest).

    `encoder` may be a function that makes one: it is called only once the folder is known to hold articles to pair,
    so a wrong folder fails at once, not after the encoder's first-use preparation (about 10 s). `pair_threshold`:
    least document score for pairing by content (align.pairing.DEFAULT_THRESHOLD when None).
    """
    refuse_threshold_with_manifest(use_manifest, pair_threshold)
    found = read_folder(folder, _load_warned, lambda doc: doc, use_manifest)
    docs, root = found.articles, Path(folder)
    scored, unpaired = pair_folder(docs, found.manifest, encoder if callable(encoder) else lambda: encoder,
                                   pair_threshold, sys.stderr)
    pairs = [(src, tgt, round(score, 4)) for src, tgt, score in scored]
    if not pairs:
        why = "; ".join(f"{d.doc_id}: {unpaired[d.doc_id]}" for d in docs
                        if d.lang in SOURCE_LANGUAGES and d.doc_id in unpaired)
        raise InputError(f"no source article in {root} could be paired with an English one ({why})")
    # A manifest's pairs keep their score too, shown and in metrics.json, though it did not decide them.
    announce_pairs(pairs, unpaired, docs, sys.stderr, given=use_manifest)
    return Corpus(docs=docs, pairs=pairs, folder=root, skipped=found.skipped, unpaired=unpaired)


def _load_warned(path: Path) -> Document:
    """The article at `path`, with a warning on stderr when part of it is in another language."""
    from mt.langid import mixed_language_warning
    from mt.loader import load_document

    doc = load_document(str(path))
    warning = mixed_language_warning(doc.texts, doc.lang, str(path))
    if warning:
        print(f"mtk: warning: {warning}", file=sys.stderr)
    return doc
