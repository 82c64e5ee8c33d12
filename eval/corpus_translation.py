"""Where a folder's translations come from (a model of ours, or files made elsewhere), and aligning each pair."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from align.config import AlignConfig
from align.encoder import Encoder
from align.model import Alignment
from eval.corpus import Corpus
from mt.document import Document
from mt.errors import ModelError

if TYPE_CHECKING:
    from mt.options import TranslationOptions


def resolve_translators(model: str | None, offline: bool | None, no_mt: bool, langs: list[str],
                        options: TranslationOptions | None = None) -> tuple[dict[str, Any], str | None]:
    """Translator per source language ({} for cross-lingual mode, with the reason); a named model must load."""
    if no_mt:
        return {}, "cross-lingual mode requested (--no-mt)"
    from mt.translator import Translator

    if model:
        translator = Translator.load(model, offline=offline, options=options)
        # A language-pair model (opus-mt-ar-en) on a folder with Swahili too: those articles are aligned
        # cross-lingually and the run says so, as when a default model is missing.
        missing = [lang for lang in langs if not translator.family.accepts(lang)]
        why = f"model {translator.label} does not translate {', '.join(missing)}" if missing else None
        return {lang: translator for lang in langs if lang not in missing}, why
    from mt.catalog import load_catalog

    catalog = load_catalog()
    out: dict[str, Any] = {}
    failed: dict[str, str] = {}  # model name -> why it is unavailable; each model is tried once
    loaded: dict[str, Any] = {}
    for lang in langs:
        name = catalog.default_for(lang)
        if name not in loaded and name not in failed:
            try:
                loaded[name] = Translator.load(name, offline=offline, options=options)
            except ModelError as exc:
                # No model pulled and none downloadable (offline or no network): align this language without MT.
                failed[name] = str(exc)
        if name in loaded:
            out[lang] = loaded[name]
    reasons = [f"default model {name!r} unavailable for "
               f"{', '.join(lang for lang in langs if catalog.default_for(lang) == name)}: {why}"
               for name, why in failed.items()]
    return out, "; ".join(reasons) or None


def translate_corpus(translators: dict[str, Any],
                     corpus: Corpus) -> tuple[dict[str, list[str]], float, dict[str, str]]:
    """Translations of the paired source documents that have a translator, seconds spent, and model per doc."""
    out: dict[str, list[str]] = {}
    models: dict[str, str] = {}
    start = time.perf_counter()
    for doc in corpus.sources:
        translator = translators.get(doc.lang)
        if translator is not None:
            out[doc.doc_id] = translator.translate_sentences(doc.texts, doc.lang)
            models[doc.doc_id] = translator.label
    return out, time.perf_counter() - start, models


def system_label(location: str | Path) -> str:
    """The name translations made elsewhere are credited to (a run's model, an evaluate row): their folder's name."""
    return Path(location).name or str(location)


def read_translation_dir(folder: str | Path, corpus: Corpus, encoder: Encoder,
                         log: TextIO | None = None) -> dict[str, list[str]]:
    """Translations made elsewhere of every paired source article, from a folder or one JSONL file.

    A folder holds FOLDER/<doc_id>.jsonl or .txt, in any form `mtk align --translations` reads (JSONL, one line per
    sentence, or the translated article as text); one JSONL file's records name their article ("doc" or "doc_id",
    as mtk translate and mtk run write them)."""
    from align.inputs import (
        read_article_translations,
        refuse_absent_translations,
        refuse_missing_translation_files,
        refuse_translations_of_other_articles,
    )

    root = Path(folder)
    refuse_absent_translations(root)
    refuse_missing_translation_files(root, [doc.doc_id for doc in corpus.sources])  # all named at once
    out: dict[str, list[str]] = {}
    for doc in corpus.sources:
        # Every article or none: a system scored on the articles it happened to translate is not comparable.
        texts, note = read_article_translations(root, doc, several=True, encoder=encoder)
        if note:
            print(f"mtk: {note}", file=log or sys.stderr)
        out[doc.doc_id] = texts
    refuse_translations_of_other_articles(out, corpus.sources, encoder, root)
    return out


def align_corpus(corpus: Corpus, translations: dict[str, list[str]], models: dict[str, str],
                 encoder: Encoder, config: AlignConfig | None = None, mode: str = "mt") -> list[Alignment]:
    """Align every pair, using the source's translation when there is one (else cross-lingually).

    `mode` names where translations came from: "mt" (a model of ours) or "translations" (made elsewhere).
    """
    from align.aligner import align_documents, align_pairs

    def align_one(src: Document, tgt: Document) -> Alignment:
        tr = translations.get(src.doc_id)
        return align_documents(src, tgt, tr, encoder=encoder, mode=mode if tr is not None else "no-mt",
                               model=models.get(src.doc_id) if tr is not None else None, config=config)

    return align_pairs([(src, tgt) for src, tgt, _ in corpus.pairs], align_one, encoder, config, translations)
