"""The input of `mtk run` and `mtk evaluate`: a folder of articles, read and paired (by content or by manifest)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from align.encoder import Encoder
from align.manifest import manifest_pairs, manifest_path, refuse_threshold_with_manifest
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
    from mt.langid import mixed_language_warning
    from mt.loader import load_document
    from mt.reading import article_files, distinct_articles, no_articles_error

    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"no such folder: {root}" if not root.exists() else f"not a folder: {root}")
    if use_manifest:
        manifest_path(root)  # missing: said before the folder's articles are read and their skips reported
    files = article_files(root)
    if not files:
        raise no_articles_error(root, f"{root}: ")
    docs: list[Document] = []
    by_file: dict[str, Document] = {}
    skipped: dict[str, str] = {}  # also named in metrics.json and the report
    for path, doc in distinct_articles(files, lambda p: load_document(str(p)), lambda d: d.texts, skipped):
        warning = mixed_language_warning(doc.texts, doc.lang, str(path))
        if warning:
            print(f"mtk: warning: {warning}", file=sys.stderr)
        docs.append(doc)
        by_file[path.name] = doc
    if not any(d.lang == "en" for d in docs):
        raise InputError(f"no English article in {root}: nothing to align the sources with")
    if not any(d.lang != "en" for d in docs):
        raise InputError(f"no Swahili or Arabic article in {root}: nothing to translate")
    given = manifest_pairs(root, by_file, skipped) if use_manifest else None
    found, unpaired = pair_folder(docs, given, encoder if callable(encoder) else lambda: encoder, pair_threshold,
                                  sys.stderr)
    pairs = [(src, tgt, round(score, 4)) for src, tgt, score in found]
    if not pairs:
        why = "; ".join(f"{d.doc_id}: {unpaired[d.doc_id]}" for d in docs
                        if d.lang in SOURCE_LANGUAGES and d.doc_id in unpaired)
        raise InputError(f"no source article in {root} could be paired with an English one ({why})")
    # A manifest's pairs keep their score too, shown and in metrics.json, though it did not decide them.
    announce_pairs(pairs, unpaired, docs, sys.stderr, given=use_manifest)
    return Corpus(docs=docs, pairs=pairs, folder=root, skipped=skipped, unpaired=unpaired)
