"""The main job (`mtk run`): read a folder, pair articles, translate, align, evaluate, write every output."""

from __future__ import annotations

import functools
import json
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np

from align.config import AlignConfig
from align.encoder import MemoEncoder
from align.inputs import refuse_absent_translations
from align.model import Alignment
from align.pairing import DEFAULT_THRESHOLD as DEFAULT_PAIR_THRESHOLD
from eval.corpus import Corpus, load_corpus
from eval.corpus_translation import (
    align_corpus,
    read_translation_dir,
    resolve_translators,
    system_label,
    translate_corpus,
)
from eval.coverage import coverage, share
from eval.facts import fact_coverage
from eval.metrics import (
    PSEUDO_LABEL,
    REFERENCE_LABEL,
    load_references,
    score_against_pseudo_references,
    score_against_references,
)
from mt.atomic import atomic_folder, atomic_output, write_errors
from mt.errors import InputError
from mt.normalize import is_blank
from mt.output_checks import check_output_folder
from mt.version import toolkit_version

if TYPE_CHECKING:
    from mt.options import TranslationOptions

NOT_MEASURED = ("translation quality was not measured: sentences were aligned cross-lingually, without translation "
                "(no-mt mode)")


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
        # Each source article once (a source paired with two English outlets was translated once).
        by_doc = {a.src.doc_id: a for a in reversed(translated)}
        kept = [(s, t) for a in by_doc.values() for i, s in enumerate(a.src.texts)
                if (t := a.translation_of(i)) is not None]
        sources, hyps = [s for s, _ in kept], [t for _, t in kept]
        if references:
            quality["reference"] = _score_references(corpus, by_doc, references, presplit)
        from eval.neural import comet_scores

        # No references for COMET: they may cover only some sentences, and COMET needs one per translation.
        quality["comet"] = comet_scores(sources, hyps, comet_model)
    modes = {a.mode for a in translated}
    return {
        "mode": "no-mt" if not translated else ("translations" if modes == {"translations"} else "mt"),
        "model": ", ".join(sorted({a.model for a in translated if a.model})) or None,
        "pairs": pairs,
        "translation_quality": quality,
        "totals": _totals(pairs, alignments),
    }


def _score_references(corpus: Corpus, by_doc: dict[str, Alignment], references: str | Path,
                      presplit: bool) -> dict[str, Any]:
    """Scores against the references of the sentences this system translated; it may cover only some articles.

    References belong to the folder's source sentences (articles in folder order, each once), not to one system's
    translations: a model that translates only Arabic is scored on the Arabic references, and says how many it had.
    """
    refs = load_references(references, [s for d in corpus.sources for s in d.texts], presplit, corpus.unpaired_sentences)
    hyps: list[str] = []
    where: list[tuple[str, int]] = []  # (article, sentence id) of each translation in `hyps`
    matched: dict[int, str] = {}
    untranslated = 0  # referenced sentences the system has no translation of (left out of its file)
    k = 0
    for doc in corpus.sources:
        alignment = by_doc.get(doc.doc_id)
        for i in range(len(doc.texts)):
            translation = alignment.translation_of(i) if alignment is not None else None
            if translation is not None:
                if k in refs:
                    matched[len(hyps)] = refs[k]
                hyps.append(translation)
                where.append((doc.doc_id, i))
            elif alignment is not None and alignment.translations is not None and k in refs:
                untranslated += 1
            k += 1
    if not matched:
        return {"label": REFERENCE_LABEL, "references_given": len(refs), "references_used": 0,
                "status": "not measured: no reference for the sentences it translated"}
    result = score_against_references(hyps, matched)
    # Each sentence's scores say which sentence they are (score_against_references keeps the hyps' order).
    for record, n in zip(result["sentences"], sorted(matched), strict=True):
        record["doc"], record["id"] = where[n]
    result["references_given"] = len(refs)
    result["references_used"] = len(matched)
    result["untranslated"] = untranslated
    return result


def check_references(references: str | Path | None, presplit: bool, corpus: Corpus) -> None:
    """Refuse a references file that matches no sentence of the folder now, before anything is translated."""
    # A --presplit file has a line per source sentence of the paired articles, known once the folder is paired.
    if references:
        load_references(references, [s for d in corpus.sources for s in d.texts], presplit, corpus.unpaired_sentences)


def _totals(pairs: list[dict[str, Any]], alignments: list[Alignment]) -> dict[str, Any]:
    """Counts over the distinct articles: an English article paired with two sources counts once.

    A sentence counts as aligned, and a fact as found, when it is in any of its article's pairs; a fact left unchecked
    in every pair (an English name an untranslated Arabic source gave no way to find, a title in everyday words) is
    not counted.
    """
    sentences: dict[tuple[str, str], tuple[int, set[int]]] = {}
    facts: dict[tuple[str, str], dict[tuple[Any, ...], bool]] = {}
    for pair, a in zip(pairs, alignments, strict=True):
        for side, doc, linked in (("src", a.src, {e.src for e in a.edges}), ("tgt", a.tgt, {e.tgt for e in a.edges})):
            sentences.setdefault((side, doc.doc_id), (len(doc.sentences), set()))[1].update(linked)
            seen = facts.setdefault((side, doc.doc_id), {})
            for rec in pair["facts"][side]:
                if rec["status"] != "unchecked":
                    key = (rec["sentence"], rec["kind"], rec["value"])
                    seen[key] = seen.get(key, False) or rec["status"] == "found"
    c = {f"{side}_{what}": sum(len(linked) if what != "sentences" else n
                               for (s, _), (n, linked) in sentences.items() if s == side)
         for side in ("src", "tgt") for what in ("sentences", "covered")}
    c["src_aligned"] = c.pop("src_covered")
    f = {f"{side}_{what}": sum(sum(found.values()) if what == "found" else len(found)
                               for (s, _), found in facts.items() if s == side)
         for side in ("src", "tgt") for what in ("facts", "found")}
    return {**c, **f,
            "src_coverage": share(c["src_aligned"], c["src_sentences"]),
            "tgt_coverage": share(c["tgt_covered"], c["tgt_sentences"]),
            "src_fact_coverage": share(f["src_found"], f["src_facts"]),
            "tgt_fact_coverage": share(f["tgt_found"], f["tgt_facts"])}


def heat_matrices(alignments: list[Alignment]) -> list[np.ndarray]:
    """The aligner's own link-score matrix per pair (margin + anchors), as align_documents kept it."""
    return [a.scores if a.scores is not None else np.zeros((len(a.src.sentences), len(a.tgt.sentences)), np.float32)
            for a in alignments]


# Everything `mtk run` writes into its output folder; the folder is replaced as a whole (mt.atomic.atomic_folder).
RUN_OUTPUTS = frozenset({"translations.jsonl", "alignments.jsonl", "corpus.tsv", "corpus.tmx", "report.html",
                         "metrics.json"})


def _foreign_translations(folder: Path) -> list[str]:
    """What in an earlier run's translations/ it did not write: all but a .txt per article its translations.jsonl names."""
    ours: set[str] = set()
    try:
        with open(folder.parent / "translations.jsonl", encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                ours.add(f"{record['doc_id']}.txt")
    except (OSError, ValueError, TypeError, KeyError):
        pass  # no record of what the run wrote there: nothing in it is known to be the run's
    return [p.name for p in folder.iterdir() if p.name not in ours or not p.is_file()]


def _foreign_moses(folder: Path) -> list[str]:
    """What in an earlier run's moses/ it did not write."""
    from align.export import moses_names

    names = moses_names()
    return [p.name for p in folder.iterdir() if p.name not in names or not p.is_file()]


RUN_FOLDERS = {"translations": _foreign_translations, "moses": _foreign_moses}


@dataclass
class RunResult:
    """What `run_pipeline` produced."""

    out: Path
    metrics: dict[str, Any]
    alignments: list[Alignment] = field(default_factory=list)


def run_pipeline(folder: str | Path, out: str | Path, *, model: str | None = None, offline: bool | None = None,
                 no_mt: bool = False, use_manifest: bool = False, references: str | Path | None = None,
                 presplit: bool = False, comet_model: str | None = None, options: TranslationOptions | None = None,
                 word_model: str | None = None, log: TextIO | None = None,
                 threshold: float | None = None, translations_dir: str | Path | None = None,
                 pair_threshold: float | None = None) -> RunResult:
    """Run every stage on `folder`; write translations, alignments, corpora, metrics.json and report.html to `out`.

    `threshold` is the aligner's link threshold (align.config.AlignConfig.threshold; None keeps the default).
    `translations_dir` holds translations made elsewhere (read_translation_dir), used instead of a model.
    `pair_threshold` is the least document score for pairing by content (align.pairing.DEFAULT_THRESHOLD when None).
    `options` are the decoding options of the models loaded here (TranslationOptions' defaults when None).
    """
    log = log or sys.stderr
    started = time.perf_counter()
    _check_before_reading(out, word_model, model, no_mt, translations_dir)
    corpus, encoder = read_and_pair(folder, use_manifest, pair_threshold, references, presplit)
    config = AlignConfig.at_threshold(threshold)
    if translations_dir is not None:
        translated = _translations_made_elsewhere(translations_dir, corpus, encoder, log)
    else:
        translated = _translate_here(model, offline, no_mt, options, corpus, log)
    alignments = _align(corpus, translated, encoder, config, word_model)
    metrics = evaluate(corpus, alignments, references=references, presplit=presplit, comet_model=comet_model)
    if translated.why_not:
        metrics["translation_quality"]["why_not_translated"] = translated.why_not
    timed = translations_dir is None and bool(translated.models)  # a model of ours translated here
    settings = _settings(config, encoder, use_manifest, pair_threshold)
    metrics.update(_run_record(folder, corpus, translated, settings, timed))
    out_dir = Path(out)
    _write_outputs(out_dir, folder, corpus, translated, alignments, metrics, started)
    return RunResult(out=out_dir, metrics=metrics, alignments=alignments)


@dataclass
class _Translated:
    """A run's translations of the paired sources, where they came from, and what making them here took."""

    translations: dict[str, list[str]]
    models: dict[str, str]
    mode: str  # as align_corpus names it: "mt" or "translations"
    seconds: float = 0.0
    fresh: int = 0
    cached: int = 0
    why_not: str | None = None


def _check_before_reading(out: str | Path, word_model: str | None, model: str | None, no_mt: bool,
                          translations_dir: str | Path | None) -> None:
    """Refuse an unusable output folder, word model or --translations before the folder is read."""
    check_output_folder(out, RUN_OUTPUTS, folders=RUN_FOLDERS)  # now, not after an hour of translating
    if word_model:
        from align.words import load_aligner

        load_aligner(word_model)  # a missing extra or model fails here, before the slow part
    if translations_dir is not None and (model or no_mt):
        raise InputError("--translations cannot be combined with --model or --no-mt")
    refuse_absent_translations(translations_dir)  # before pairing, which takes a while on a large folder


def read_and_pair(folder: str | Path, use_manifest: bool, pair_threshold: float | None,
                   references: str | Path | None, presplit: bool) -> tuple[Corpus, MemoEncoder]:
    """The folder's articles in pairs, its references checked (before any model translates), and their encoder."""
    from align.encoder import get_encoder

    # One in-memory encoder for pairing and alignment: each sentence is embedded once per run. Made only once the
    # folder has been read, so bad input fails before the encoder's first-use preparation.
    make_encoder = functools.cache(lambda: MemoEncoder(get_encoder()))
    corpus = load_corpus(folder, use_manifest, make_encoder, pair_threshold)
    check_references(references, presplit, corpus)
    return corpus, make_encoder()


def _translations_made_elsewhere(translations_dir: str | Path, corpus: Corpus, encoder: MemoEncoder,
                                 log: TextIO) -> _Translated:
    """The translations read from `translations_dir`, each credited to the folder's name."""
    translations = read_translation_dir(translations_dir, corpus, encoder, log)
    return _Translated(translations, dict.fromkeys(translations, system_label(translations_dir)), mode="translations")


def _translate_here(model: str | None, offline: bool | None, no_mt: bool, options: TranslationOptions | None,
                    corpus: Corpus, log: TextIO) -> _Translated:
    """Translate the sources with `model` or the catalog's defaults; warn about the articles left untranslated."""
    langs = sorted({d.lang for d in corpus.sources})
    translators, why_not = resolve_translators(model, offline, no_mt, langs, options)
    if no_mt:
        # The user asked for it: a note, not a warning, and no "(--no-mt)" reason repeating what the note says.
        print("mtk: --no-mt: aligning cross-lingually, without translation; translation quality is not measured",
              file=log)
    elif why_not:
        print(f"mtk: warning: {NOT_MEASURED if not translators else 'some sources were not translated'} "
              f"({why_not})", file=log)
    used = {id(t): t for t in translators.values()}.values()
    try:
        translations, seconds, models = translate_corpus(translators, corpus)
    finally:
        for t in used:
            t.close()  # the translation cache's connection: its writes are committed and the file released
    return _Translated(translations, models, mode="mt", seconds=seconds,
                       fresh=sum(t.translated_count for t in used), cached=sum(t.cached_count for t in used),
                       why_not=why_not)


def _align(corpus: Corpus, translated: _Translated, encoder: MemoEncoder, config: AlignConfig,
           word_model: str | None) -> list[Alignment]:
    """Align every pair, with word links too when `word_model` is given."""
    alignments = align_corpus(corpus, translated.translations, translated.models, encoder, config,
                              mode=translated.mode)
    if word_model:
        from align.words import word_align

        for alignment in alignments:
            word_align(alignment, word_model)
    return alignments


def _settings(config: AlignConfig, encoder: MemoEncoder, use_manifest: bool,
              pair_threshold: float | None) -> dict[str, Any]:
    """What produced the links, so that two runs with different settings can be told apart."""
    return {"threshold": config.threshold, "encoder": encoder.name, "mtk_version": toolkit_version(),
            "pairing": "manifest" if use_manifest else "content",
            "pair_threshold": None if use_manifest else
            DEFAULT_PAIR_THRESHOLD if pair_threshold is None else pair_threshold}


def _run_record(folder: str | Path, corpus: Corpus, translated: _Translated, settings: dict[str, Any],
                timed: bool) -> dict[str, Any]:
    """The metrics that describe the run: when, on what, with which settings, which articles, and how fast."""
    fresh, cached, seconds = translated.fresh, translated.cached, translated.seconds
    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "input": str(Path(folder)),
        "settings": settings,
        "skipped": [{"file": name, "why": why} for name, why in corpus.skipped.items()],
        "unpaired": [{"doc_id": doc_id, "why": why} for doc_id, why in corpus.unpaired.items()],
        "documents": [{"doc_id": d.doc_id, "lang": d.lang, "sentences": len(d.sentences), "dropped": len(d.dropped),
                       "title": d.title, "path": d.path} for d in corpus.docs],
        # Translations made elsewhere took no time here, and in no-mt mode nothing was translated: their speed is
        # not measured, not zero (nor millions of sentences a second from dividing by a microsecond). Sentences
        # taken from the translation cache are counted apart: a speed over them would measure the cache.
        "timing": {"translate_s": round(seconds, 3) if timed else None,
                   "sentences_per_s": round(fresh / seconds, 2) if fresh and seconds > 0 else None,
                   "sentences_translated": fresh if timed else None,
                   "sentences_from_cache": cached if timed else None,
                   "total_s": None},
    }


def _write_outputs(out_dir: Path, folder: str | Path, corpus: Corpus, translated: _Translated,
                   alignments: list[Alignment], metrics: dict[str, Any], started: float) -> None:
    """Write every output into `out_dir`, replaced as a whole; the run's total time is taken just before the report."""
    from align import export
    from eval.report import write_report

    matrices = heat_matrices(alignments)
    with write_errors(out_dir), atomic_folder(out_dir, RUN_OUTPUTS, RUN_FOLDERS) as stage:
        if translated.translations:
            _write_translations(stage, corpus, translated.translations, translated.models)
        export.write_jsonl(alignments, stage / "alignments.jsonl")
        export.write_tsv(alignments, stage / "corpus.tsv")
        export.write_tmx(alignments, stage / "corpus.tmx")
        export.write_moses(alignments, stage / "moses")
        metrics["timing"]["total_s"] = round(time.perf_counter() - started, 3)
        write_report(stage / "report.html", alignments, metrics, matrices,
                     title=f"mtk report: {Path(folder).name}")
        with atomic_output(stage / "metrics.json") as fh:
            json.dump(metrics, fh, ensure_ascii=False, indent=1)
            fh.write("\n")


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
                                     "translation": t if not is_blank(t) else None, "model": models[doc.doc_id]}, ensure_ascii=False) + "\n")
