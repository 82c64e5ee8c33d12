"""The main job (`mtk run`): read a folder, pair articles, translate, align, evaluate, write every output."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from align.config import AlignConfig
from align.encoder import Encoder, MemoEncoder
from align.model import Alignment
from eval.coverage import coverage, share
from eval.facts import fact_coverage
from eval.metrics import (
    PSEUDO_LABEL,
    load_references,
    score_against_pseudo_references,
    score_against_references,
)
from mt.atomic import atomic_output
from mt.document import Document
from mt.errors import InputError, ModelError

NOT_MEASURED = ("translation quality was not measured: sentences were aligned cross-lingually, without translation "
                "(no-mt mode)")


@dataclass
class Corpus:
    """The documents of an input folder and the (source, English) pairs to align."""

    docs: list[Document]
    pairs: list[tuple[Document, Document, float | None]]  # (source, English, pairing score or None from a manifest)
    folder: Path

    @property
    def sources(self) -> list[Document]:
        """Source documents that take part in a pair, each once, in folder order."""
        seen: dict[str, Document] = {}
        for src, _, _ in self.pairs:
            seen.setdefault(src.doc_id, src)
        return list(seen.values())


def load_corpus(folder: str | Path, use_manifest: bool = False, encoder: Encoder | None = None) -> Corpus:
    """Load every *.txt of `folder` and pair source articles with English ones (by content, or by manifest.json)."""
    from mt.loader import load_document

    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"not a folder: {root}")
    files = sorted(p for p in root.glob("*.txt") if p.is_file())
    if not files:
        raise InputError(f"no .txt articles in {root}")
    docs: list[Document] = []
    by_file: dict[str, Document] = {}
    for path in files:
        doc = load_document(str(path))
        docs.append(doc)
        by_file[path.name] = doc
    if not any(d.lang == "en" for d in docs):
        raise InputError(f"no English article in {root}: nothing to align the sources with")
    if not any(d.lang != "en" for d in docs):
        raise InputError(f"no Swahili or Arabic article in {root}: nothing to translate")
    if use_manifest:
        pairs = _manifest_pairs(root, by_file)
    else:
        from align.pairing import pair_documents

        pairs = [(p.src, p.tgt, round(float(p.score), 4)) for p in pair_documents(docs, encoder=encoder)]
    if not pairs:
        raise InputError(f"no source article in {root} could be paired with an English one")
    return Corpus(docs=docs, pairs=pairs, folder=root)


def _manifest_pairs(root: Path, by_file: dict[str, Document]) -> list[tuple[Document, Document, float | None]]:
    path = root / "manifest.json"
    if not path.is_file():
        raise InputError(f"--manifest given but {path} does not exist")
    try:
        articles = json.loads(path.read_text(encoding="utf-8"))["articles"]
        links = [(a["file"], a.get("same_event_as")) for a in articles]
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: expected {{'articles': [{{'file', 'same_event_as'}}]}}") from exc
    pairs: list[tuple[Document, Document, float | None]] = []
    for src, tgt in links:
        if not tgt:
            continue
        if src not in by_file or tgt not in by_file:
            raise InputError(f"{path}: {src} -> {tgt} names a file that is not in {root}")
        pairs.append((by_file[src], by_file[tgt], None))
    return pairs


def resolve_translators(model: str | None, offline: bool | None, no_mt: bool, langs: list[str],
                        max_length: int | None = None) -> tuple[dict[str, Any], str | None]:
    """Translator per source language ({} for cross-lingual mode, with the reason); a named model must load."""
    if no_mt:
        return {}, "cross-lingual mode requested (--no-mt)"
    from mt.options import TranslationOptions
    from mt.translator import Translator

    options = TranslationOptions(max_decoding_length=max_length) if max_length else None
    if model:
        translator = Translator.load(model, offline=offline, options=options)
        return {lang: translator for lang in langs}, None
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


def read_translation_dir(folder: str | Path, corpus: Corpus, encoder: Encoder,
                         log: TextIO | None = None) -> dict[str, list[str]]:
    """Translations made elsewhere of every paired source article: FOLDER/<doc_id>.jsonl or .txt, in any form
    `mtk align --translations` reads (JSONL, one line per sentence, or the translated article as text)."""
    from align.inputs import read_translations, translation_file

    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"--translations {root}: not a folder")
    out: dict[str, list[str]] = {}
    for doc in corpus.sources:
        # Every article or none: a system scored on the articles it happened to translate is not comparable.
        texts, note = read_translations(translation_file(root, doc.doc_id), doc, encoder=encoder)
        if note:
            print(f"mtk: {note}", file=log or sys.stderr)
        out[doc.doc_id] = texts
    return out


def align_corpus(corpus: Corpus, translations: dict[str, list[str]], models: dict[str, str],
                 encoder: Encoder, config: AlignConfig | None = None, mode: str = "mt") -> list[Alignment]:
    """Align every pair, using the source's translation when there is one (else cross-lingually).

    `mode` names where translations came from: "mt" (a model of ours) or "translations" (made elsewhere).
    """
    from align.aligner import align_documents

    alignments = []
    for src, tgt, _ in corpus.pairs:
        tr = translations.get(src.doc_id)
        alignments.append(align_documents(src, tgt, tr, encoder=encoder, mode=mode if tr is not None else "no-mt",
                                          model=models.get(src.doc_id) if tr is not None else None, config=config))
    return alignments


def evaluate(corpus: Corpus, alignments: list[Alignment], *, references: str | Path | None = None,
             presplit: bool = False, comet_model: str | None = None) -> dict[str, Any]:
    """Coverage and fact coverage per pair, and translation quality (references, pseudo-references, COMET)."""
    pairs = []
    for k, ((_, _, pair_score), a) in enumerate(zip(corpus.pairs, alignments, strict=True)):
        pairs.append({"index": k, "pair_score": pair_score, "mode": a.mode,
                      "coverage": coverage(a), "facts": fact_coverage(a)})
    translated = [a for a in alignments if a.translations is not None]
    quality: dict[str, Any] = {"measured": bool(translated)}
    if not translated:
        quality["note"] = NOT_MEASURED
        if references:
            quality["reference"] = {"label": "reference translation", "status": "not measured: nothing was translated"}
    else:
        quality["pseudo_reference"] = score_against_pseudo_references(translated)
        quality["pseudo_reference"]["note"] = (
            f"{PSEUDO_LABEL}: aligned sentences only; the English article is independent reporting, so these numbers "
            "measure agreement with it, not translation correctness")
        sources = [s for a in translated for s in a.src.texts]
        hyps = [t for a in translated for t in a.translations or []]
        if references:
            quality["reference"] = score_against_references(hyps, load_references(references, sources, presplit))
        from eval.neural import comet_scores

        # No references for COMET: they may cover only some sentences, and COMET needs one per translation.
        quality["comet"] = comet_scores(sources, hyps, None, comet_model)
    modes = {a.mode for a in translated}
    return {
        "mode": "no-mt" if not translated else ("translations" if modes == {"translations"} else "mt"),
        "model": ", ".join(sorted({a.model for a in translated if a.model})) or None,
        "pairs": pairs,
        "translation_quality": quality,
        "totals": _totals(pairs),
    }


def _totals(pairs: list[dict[str, Any]]) -> dict[str, Any]:
    c = {k: sum(p["coverage"][k] for p in pairs)
         for k in ("src_sentences", "src_aligned", "tgt_sentences", "tgt_covered")}
    f = {k: sum(p["facts"][k] for p in pairs) for k in ("src_facts", "src_found", "tgt_facts", "tgt_found")}
    return {**c, **f,
            "src_coverage": share(c["src_aligned"], c["src_sentences"]),
            "tgt_coverage": share(c["tgt_covered"], c["tgt_sentences"]),
            "src_fact_coverage": share(f["src_found"], f["src_facts"]),
            "tgt_fact_coverage": share(f["tgt_found"], f["tgt_facts"])}


def heat_matrices(alignments: list[Alignment]) -> list[np.ndarray]:
    """The aligner's own link-score matrix per pair (margin + anchors), as align_documents kept it."""
    return [a.scores if a.scores is not None else np.zeros((len(a.src.sentences), len(a.tgt.sentences)), np.float32)
            for a in alignments]


@dataclass
class RunResult:
    """What `run_pipeline` produced."""

    out: Path
    metrics: dict[str, Any]
    alignments: list[Alignment] = field(default_factory=list)


def run_pipeline(folder: str | Path, out: str | Path, *, model: str | None = None, offline: bool | None = None,
                 no_mt: bool = False, use_manifest: bool = False, references: str | Path | None = None,
                 presplit: bool = False, comet_model: str | None = None, max_length: int | None = None,
                 word_model: str | None = None, log: TextIO | None = None,
                 threshold: float | None = None, translations_dir: str | Path | None = None) -> RunResult:
    """Run every stage on `folder`; write translations, alignments, corpora, metrics.json and report.html to `out`.

    `threshold` is the aligner's link threshold (align.config.AlignConfig.threshold; None keeps the default).
    `translations_dir` holds translations made elsewhere (read_translation_dir), used instead of a model.
    """
    from align import export
    from align.encoder import get_encoder

    log = log or sys.stderr
    started = time.perf_counter()
    if word_model:
        from align.words import load_aligner, word_align

        load_aligner(word_model)  # a missing extra or model fails here, before the slow part
    # One in-memory encoder for pairing and alignment: each sentence is embedded once per run.
    encoder = MemoEncoder(get_encoder())
    corpus = load_corpus(folder, use_manifest, encoder)
    config = AlignConfig() if threshold is None else AlignConfig(threshold=threshold)
    if translations_dir is not None:
        if model or no_mt:
            raise InputError("--translations cannot be combined with --model or --no-mt")
        translations = read_translation_dir(translations_dir, corpus, encoder, log)
        label = Path(translations_dir).name or str(translations_dir)
        seconds, models, why_not = 0.0, dict.fromkeys(translations, label), None
        alignments = align_corpus(corpus, translations, models, encoder, config, mode="translations")
    else:
        langs = sorted({d.lang for d in corpus.sources})
        translators, why_not = resolve_translators(model, offline, no_mt, langs, max_length)
        if why_not:
            print(f"mtk: warning: {NOT_MEASURED if not translators else 'some sources were not translated'} "
                  f"({why_not})", file=log)
        translations, seconds, models = translate_corpus(translators, corpus)
        alignments = align_corpus(corpus, translations, models, encoder, config)
    if word_model:
        for alignment in alignments:
            word_align(alignment, word_model)
    metrics = evaluate(corpus, alignments, references=references, presplit=presplit, comet_model=comet_model)
    if why_not:
        metrics["translation_quality"]["why_not_translated"] = why_not
    n_sent = sum(len(d.sentences) for d in corpus.sources)
    metrics.update({
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "input": str(Path(folder)),
        "documents": [{"doc_id": d.doc_id, "lang": d.lang, "sentences": len(d.sentences), "dropped": len(d.dropped),
                       "title": d.title, "path": d.path} for d in corpus.docs],
        # Translations made elsewhere took no time here: their speed is not measured, not zero.
        "timing": {"translate_s": round(seconds, 3) if translations_dir is None else None,
                   "sentences_per_s": round(n_sent / seconds, 2) if seconds > 0 else None,
                   "total_s": None},
    })
    matrices = heat_matrices(alignments)
    out_dir = Path(out)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create output folder {out_dir}: {exc.strerror}") from exc
    from eval.report import write_report

    with export.write_errors(out_dir):
        if translations:
            _write_translations(out_dir, corpus, translations, models)
        export.write_jsonl(alignments, out_dir / "alignments.jsonl")
        export.write_tsv(alignments, out_dir / "corpus.tsv")
        export.write_tmx(alignments, out_dir / "corpus.tmx")
        export.write_moses(alignments, out_dir / "moses")
        metrics["timing"]["total_s"] = round(time.perf_counter() - started, 3)
        write_report(out_dir / "report.html", alignments, metrics, matrices,
                     title=f"mtk report: {Path(folder).name}")
        with atomic_output(out_dir / "metrics.json") as fh:
            json.dump(metrics, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
    return RunResult(out=out_dir, metrics=metrics, alignments=alignments)


def _write_translations(out_dir: Path, corpus: Corpus, translations: dict[str, list[str]],
                        models: dict[str, str]) -> None:
    done = [d for d in corpus.sources if d.doc_id in translations]
    for doc in done:
        with atomic_output(out_dir / "translations" / f"{doc.doc_id}.txt") as fh:
            fh.writelines(t.replace("\n", " ") + "\n" for t in translations[doc.doc_id])
    with atomic_output(out_dir / "translations.jsonl") as fh:
        for doc in done:
            for s, t in zip(doc.sentences, translations[doc.doc_id], strict=True):
                fh.write(json.dumps({"doc_id": doc.doc_id, "id": s.index, "lang": doc.lang, "src": s.text,
                                     "translation": t, "model": models[doc.doc_id]}, ensure_ascii=False) + "\n")
