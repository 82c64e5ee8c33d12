"""Read translations produced elsewhere (`mtk align --translations FILE`), one per source sentence."""

from __future__ import annotations

import json
import os
from pathlib import Path

from mt.document import Document
from mt.errors import InputError
from mt.reading import read_text


def split_lines(text: str) -> list[str]:
    """The lines of `text`; a final newline ends the last line, it does not start an empty one."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _jsonl_translations(lines: list[str], label: str) -> tuple[list[str], list[str | None]]:
    """(translations, src texts or None) of a JSONL file; InputError naming the first bad line."""
    translations: list[str] = []
    sources: list[str | None] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{label}: line {number} is not valid JSON ({exc.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("translation"), str):
            raise InputError(f"{label}: line {number} has no string field 'translation'")
        src = record.get("src")
        if src is not None and not isinstance(src, str):
            raise InputError(f"{label}: line {number}: field 'src' must be a string")
        translations.append(record["translation"])
        sources.append(src)
    return translations, sources


def _looks_like_jsonl(path: Path, lines: list[str]) -> bool:
    if path.suffix.lower() in (".jsonl", ".json"):
        return True
    first = next((line for line in lines if line.strip()), "")
    if not first.lstrip().startswith("{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except json.JSONDecodeError:
        return False


def read_translations(path: str | os.PathLike[str], src: Document, *,
                      source_lines: list[str] | None = None) -> list[str]:
    """One translation per sentence of `src`, from JSONL (`translation`, optional `src`) or plain text lines.

    With `source_lines` (the raw lines of a --presplit source, blank ones included) a plain file must have one line
    per source line, and the lines facing blank source lines are dropped; otherwise one line per source sentence.
    """
    label = str(path)
    if not Path(path).is_file():
        raise InputError(f"{label}: translations file not found")
    lines = split_lines(read_text(path))
    n = len(src.sentences)
    unit = "source sentences" if source_lines is not None else "segmented source sentences"
    if _looks_like_jsonl(Path(path), lines):
        translations, sources = _jsonl_translations(lines, label)
        if len(translations) != n:
            raise InputError(f"{label}: {len(translations)} translations for {n} {unit}; the counts must match")
        for number, (given, sentence) in enumerate(zip(sources, src.sentences, strict=True), 1):
            if given is not None and not _same_text(given, sentence.text):
                raise InputError(
                    f"{label}: record {number} translates {given[:40]!r}, but source sentence {number} "
                    f"is {sentence.text[:40]!r}; the translations do not match this source"
                )
        return translations
    if source_lines is not None:
        if len(lines) != len(source_lines):
            raise InputError(f"{label}: {len(lines)} translation lines for {len(source_lines)} source lines; "
                             "the counts must match")
        return [t for t, s in zip(lines, source_lines, strict=True) if s.strip()]
    if len(lines) != n:
        raise InputError(f"{label}: {len(lines)} translation lines for {n} {unit}; the counts must match "
                         "(with --presplit, one line per source line)")
    return lines
