"""Translation quality with sacrebleu: BLEU, chrF, chrF++ and TER, corpus- and sentence-level, with signatures."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sacrebleu.metrics import BLEU, CHRF, TER

from mt.errors import InputError
from mt.normalize import is_blank
from mt.reading import read_text, split_lines

PSEUDO_LABEL = "pseudo-reference (aligned English, not a translation)"
REFERENCE_LABEL = "reference translation"


def _corpus_metrics() -> dict[str, Any]:
    return {"BLEU": BLEU(), "chrF": CHRF(), "chrF++": CHRF(word_order=2), "TER": TER()}


def _sentence_metrics() -> dict[str, Any]:
    # effective_order avoids BLEU = 0 for every short sentence that lacks a 4-gram match (sacrebleu's advice).
    return {"BLEU": BLEU(effective_order=True), "chrF": CHRF(), "chrF++": CHRF(word_order=2), "TER": TER()}


def corpus_scores(hypotheses: Sequence[str], references: Sequence[str], label: str = REFERENCE_LABEL) -> dict[str, Any]:
    """Corpus BLEU/chrF/chrF++/TER of `hypotheses` against one reference each, with sacrebleu signatures."""
    if len(hypotheses) != len(references):
        raise InputError(f"{len(hypotheses)} translations but {len(references)} references")
    out: dict[str, Any] = {"label": label, "n": len(hypotheses), "scores": {}, "signatures": {}}
    if not hypotheses:
        return out
    for name, metric in _corpus_metrics().items():
        result = metric.corpus_score(list(hypotheses), [list(references)])
        out["scores"][name] = round(float(result.score), 2)
        out["signatures"][name] = metric.get_signature().format()
    return out


def sentence_scores(hypotheses: Sequence[str], references: Sequence[str]) -> list[dict[str, float]]:
    """Per-sentence BLEU (effective order), chrF, chrF++ and TER."""
    if len(hypotheses) != len(references):
        raise InputError(f"{len(hypotheses)} translations but {len(references)} references")
    metrics = _sentence_metrics()
    return [
        {name: round(float(m.sentence_score(h, [r]).score), 2) for name, m in metrics.items()}
        for h, r in zip(hypotheses, references, strict=True)
    ]


def reference_key(text: str) -> str:
    """Reference match key of a source sentence: NFC, whitespace collapsed, so re-segmentation noise does not matter."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def load_references(path: str | Path, sources: Sequence[str], presplit: bool = False,
                    unpaired: dict[str, str] | None = None) -> dict[int, str]:
    """Read references for `sources`: JSONL {"src","reference"} keyed by source text, or one line per source.

    `unpaired` maps the sentences of articles that were read but are in no pair to why, so that a reference for one
    of them is refused with that reason rather than as matching nothing."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"references file not found: {p}")
    text = read_text(p)  # the articles' decoding rules: UTF-8 with or without a BOM, UTF-16 with one
    # Lines end at "\n" only, as for wc -l and sacrebleu: str.splitlines() also broke at U+2028, U+0085 and form
    # feeds inside a line, which shifted every later reference onto the wrong sentence.
    lines = split_lines(text)
    if presplit:
        if _is_jsonl_references(lines):
            raise InputError(f"references file {p} is JSONL with 'reference' fields, not one reference per line; "
                             "drop --presplit to read it so")
        if len(lines) != len(sources):
            raise InputError(
                f"references file {p} has {len(lines)} lines but there are {len(sources)} source sentences"
            )
        # A blank line is a sentence without a reference; scoring it against "" would count as a wrong translation.
        given = {i: line.strip() for i, line in enumerate(lines) if not is_blank(line)}
        if not given:
            raise InputError(f"references file {p} holds no references (every line is blank)")
        return given
    index: dict[str, list[int]] = {}
    for i, s in enumerate(sources):
        index.setdefault(reference_key(s), []).append(i)
    refs: dict[int, str] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            src, ref = rec["src"], rec["reference"]
        except (ValueError, RecursionError, KeyError, TypeError):
            hint = "" if line.lstrip().startswith("{") else " (a file of one reference per line needs --presplit)"
            raise InputError(f"{p}:{n}: expected a JSON object with 'src' and 'reference'{hint}") from None
        if not isinstance(src, str) or not isinstance(ref, str):
            raise InputError(f"{p}:{n}: 'src' and 'reference' must be strings")
        if is_blank(ref):
            raise InputError(f"{p}:{n}: the reference is empty; leave out sentences that have none")
        hits = index.get(reference_key(src))
        if not hits:
            why = (unpaired or {}).get(reference_key(src))
            if why:
                raise InputError(f"{p}:{n}: this reference is for a sentence of {why}; leave its references out, "
                                 "or pair that article (in manifest.json, or by --pair-threshold without --manifest)")
            raise InputError(f"{p}:{n}: reference source sentence does not match any input sentence: {src[:60]!r}")
        for i in hits:
            refs[i] = ref
    if not refs:
        raise InputError(f"references file {p} holds no references")
    return refs


def _is_jsonl_references(lines: list[str]) -> bool:
    """Whether every non-blank line is a JSON object with a 'reference' field (a JSONL references file)."""
    filled = [line for line in lines if line.strip()]
    if not filled or not all(line.lstrip().startswith("{") for line in filled):
        return False
    try:
        return all(isinstance(rec := json.loads(line), dict) and "reference" in rec for line in filled)
    except (ValueError, RecursionError):
        return False


def score_against_references(translations: Sequence[str], refs: dict[int, str]) -> dict[str, Any]:
    """Corpus scores of the translations that have a reference (indices into `translations`)."""
    ids = sorted(i for i in refs if i < len(translations))
    if not ids:
        raise InputError("no reference matches a translated sentence")
    result = corpus_scores([translations[i] for i in ids], [refs[i] for i in ids], REFERENCE_LABEL)
    result["sentences"] = sentence_scores([translations[i] for i in ids], [refs[i] for i in ids])
    return result


def pseudo_reference_pairs(alignment: Any) -> tuple[list[str], list[str], list[int]]:
    """(translations, joined aligned English, source ids) for the aligned, translated source sentences only.

    A sentence no translation was found for is left out: scoring it as an empty translation would blame the
    system for a line missing from a file."""
    hyps: list[str] = []
    refs: list[str] = []
    ids: list[int] = []
    if alignment.translations is None:
        return hyps, refs, ids
    for i in range(len(alignment.translations)):
        tgt = alignment.targets_of(i)
        translation = alignment.translation_of(i)
        if tgt and translation is not None:
            hyps.append(translation)
            refs.append(" ".join(alignment.tgt.sentences[j].text for j in tgt))
            ids.append(i)
    return hyps, refs, ids


def score_against_pseudo_references(alignments: Sequence[Any]) -> dict[str, Any]:
    """Corpus scores of translations against their aligned English sentences, pooled over all pairs."""
    hyps: list[str] = []
    refs: list[str] = []
    for alignment in alignments:
        h, r, _ = pseudo_reference_pairs(alignment)
        hyps += h
        refs += r
    result = corpus_scores(hyps, refs, PSEUDO_LABEL)
    result["untranslated"] = sum(1 for a in alignments for i in a.untranslated() if a.targets_of(i))
    return result
