"""Read translations produced elsewhere (`mtk align --translations FILE`), one per source sentence.

A file is read line by line when it has one line per source sentence (or JSONL records) and its lines face the
sentences they translate; a plain-text file of any other shape, or whose lines are shifted, is taken as a translated
article and matched to the source sentences by meaning (align.translation_map).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mt.document import Document
from mt.errors import InputError
from mt.normalize import is_blank, normalize_text
from mt.reading import parse_json, read_text, split_lines

if TYPE_CHECKING:
    from align.encoder import Encoder


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


_DOC_FIELDS = ("doc", "doc_id", "src_doc")


def _doc_of(record: dict) -> str | None:
    """The article a record belongs to: "doc", "doc_id" or "src_doc".

    mtk translate writes "doc", mtk run's translations.jsonl "doc_id", mtk align's JSONL "src_doc"."""
    doc = next((record[f] for f in _DOC_FIELDS if record.get(f) is not None), None)
    return None if doc is None else str(doc)


def _first_pairing(records: list[tuple[int, dict]]) -> list[tuple[int, dict]]:
    """The records of the first English article named by "tgt_doc", when an align JSONL pairs the source with several.

    `mtk align --auto` writes a source's sentences once per English article it was paired with (two outlets of one
    event); the translations are the same in each, so one pairing's records are the source's translations.
    """
    first = next((r["tgt_doc"] for _, r in records if r.get("tgt_doc") is not None), None)
    if first is None:
        return records
    return [(n, r) for n, r in records if r.get("tgt_doc") in (None, first)]


def _check_text(value: str, label: str, number: int, field: str) -> None:
    """InputError when a JSON string cannot be text: a lone surrogate (as left by a tool that cut an emoji in half)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"{label}: line {number}: field {field!r} holds invalid Unicode (a lone surrogate escape)"
                         ) from None


def _jsonl_translations(lines: list[str], label: str, doc_id: str,
                        shared: bool = False) -> tuple[list[str], list[str | None]]:
    """(translations, src texts or None) of a JSONL file; InputError naming the first bad line.

    `mtk translate --format jsonl` writes a record per sentence with "doc", then one "dropped" record per article
    (what cleaning removed): those are skipped, as are the English-only records of `mtk align`'s JSONL (so an
    alignment's translations can be reused). A file holding several articles (also `mtk run`'s translations.jsonl,
    with "doc_id") gives the records of `doc_id`.
    """
    records: list[tuple[int, dict]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        record = parse_json(line, f"{label}: line {number}", position=False)
        if isinstance(record, dict) and (("dropped" in record and "translation" not in record)
                                         or (record.get("src") is None and "tgt" in record)):
            continue  # mtk translate's per-article "dropped" record; mtk align's unaligned English sentences
        if not isinstance(record, dict) or not isinstance(record.get("translation", 0), (str, type(None))):
            raise InputError(f"{label}: line {number} has no string field 'translation'")
        records.append((number, record))
    docs = list(dict.fromkeys(_doc_of(r) for _, r in records if _doc_of(r) is not None))
    if shared and doc_id not in docs:
        # Several articles read one file: records that name no article (or others) cannot be told apart.
        raise InputError(f"{label}: holds no records with 'doc' (or 'doc_id', 'src_doc') {doc_id}")
    if len(docs) > 1 or (docs and doc_id in docs):
        if doc_id not in docs:
            raise InputError(f"{label}: holds translations of {', '.join(map(str, docs))}, none of {doc_id}")
        records = _first_pairing([(n, r) for n, r in records if _doc_of(r) == doc_id])
    translations: list[str] = []
    sources: list[str | None] = []
    for number, record in records:
        src = record.get("src")
        if src is not None and not isinstance(src, str):
            raise InputError(f"{label}: line {number}: field 'src' must be a string")
        # null: a sentence its alignment or run had no translation of (Alignment.translation_of), as a blank line.
        translation = record["translation"] if record["translation"] is not None else ""
        _check_text(translation, label, number, "translation")
        translations.append(translation)
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
    except (ValueError, RecursionError):  # not JSON, or JSON that Python refuses: read as plain lines
        return False


def read_translations(path: str | os.PathLike[str], src: Document, *, source_lines: list[str] | None = None,
                      encoder: Encoder | None = None, shared: bool = False,
                      text: str | None = None) -> tuple[list[str], str | None]:
    """One translation per sentence of `src`, and a note for the user when they had to be matched by meaning.

    JSONL (`translation`, optional `src`) needs one record per source sentence. With `source_lines` (the raw lines of
    a --presplit source, blank ones included) a plain file must have one line per source line, and the lines facing
    blank source lines are dropped. Otherwise a plain file with one line per source sentence is read as such, and one
    of any other shape, given an `encoder`, is a translated article whose sentences are matched to the source's.
    `shared`: the file serves several articles (--auto, run, evaluate), so it must be JSONL naming each record's.
    `text`: the file's content when it was read already (stdin can be read only once).
    """
    label = str(path)
    if text is None:
        # "-" is stdin, as for SRC; a pipe is read like a file (bash's `--translations <(cmd)` gives /dev/fd/63).
        if label != "-" and (not Path(path).exists() or Path(path).is_dir()):
            raise InputError(f"{label}: translations file not found")
        text = read_text(path)
    lines = split_lines(text)
    translations, note = _read_translation_lines(path, text, lines, src, source_lines, encoder, shared)
    # Normalised as source and English text are on reading, and kept to one line: a U+2028 or a control character
    # in a translation made elsewhere would otherwise reach the JSONL and TMX outputs as it is.
    translations = [" ".join(normalize_text(t).split()) for t in translations]
    if note is None:  # a translated article was checked for its language already, as a document
        _refuse_non_english(translations, label)
    return translations, note


# Refused when sentences clearly in one other language hold at least this share of the translations' letters.
_OTHER_LANGUAGE_SHARE = 0.5


def _refuse_non_english(translations: list[str], label: str) -> None:
    """InputError when most of the translations are clearly in another language (the source pasted in by mistake).

    Judged sentence by sentence, on the ones the identifier is sure of, and only from two such sentences: a weak or
    broken model's English with names in it, or its garbled output, is not refused for that; the source text or
    another language's MT is.
    """
    from mt.langid import other_language_share

    share, code, sure = other_language_share([t for t in translations if not is_blank(t)], "en", any_language=True)
    # Two sentences at least: one English sentence full of Swahili names, Arabic-script names or Arabic-Indic digits
    # can read as another language; a single sentence in French is let through for that.
    if code is not None and share >= _OTHER_LANGUAGE_SHARE and sure >= 2:
        raise InputError(f"{label}: the translations look like {code!r}, not English")


def _read_translation_lines(path: str | os.PathLike[str], text: str, lines: list[str], src: Document,
                            source_lines: list[str] | None, encoder: Encoder | None,
                            shared: bool) -> tuple[list[str], str | None]:
    """read_translations once the file's text is split into lines."""
    label = str(path)
    n = len(src.sentences)
    unit = "source sentences" if source_lines is not None else "segmented source sentences"
    if shared and not _looks_like_jsonl(Path(path), lines):
        raise InputError(f"{label}: one text file cannot translate several articles; give a folder with one file per "
                         "article, or JSONL records with a 'doc' field")
    if _looks_like_jsonl(Path(path), lines):
        translations, sources = _jsonl_translations(lines, label, src.doc_id, shared)
        if len(translations) != n:
            raise InputError(f"{label}: {len(translations)} translations for {n} {unit}; the counts must match")
        for number, (given, sentence) in enumerate(zip(sources, src.sentences, strict=True), 1):
            if given is not None and not _same_text(given, sentence.text):
                raise InputError(
                    f"{label}: record {number} translates {given[:40]!r}, but source sentence {number} "
                    f"is {sentence.text[:40]!r}; the translations do not match this source"
                )
        if encoder is not None and all(given is None for given in sources):
            _refuse_lines_off(translations, src, encoder, label, "records")
        return translations, None
    if source_lines is not None:
        # Blank lines at the end of either file face no sentence: an editor's or a tool's final empty line is no
        # reason to refuse the file.
        lines, source_lines = _without_trailing_blanks(lines), _without_trailing_blanks(source_lines)
        if len(lines) != len(source_lines):
            raise InputError(f"{label}: {len(lines)} translation lines for {len(source_lines)} source lines; "
                             "the counts must match")
        facing_blank = next((k for k, (t, s) in enumerate(zip(lines, source_lines, strict=True), 1)
                             if is_blank(s) and not is_blank(t)), None)
        if facing_blank is not None:
            # Its translation would be dropped with the blank line, and every line below shifted by one.
            raise InputError(f"{label}: line {facing_blank} holds a translation, but line {facing_blank} of the source "
                             "is blank; with --presplit each line must face its source line, blank lines included")
        translations = [t for t, s in zip(lines, source_lines, strict=True) if not is_blank(s)]
        if encoder is not None:
            _refuse_lines_off(translations, src, encoder, label, "lines")
        return translations, None
    if len(lines) == n:
        if encoder is None:
            return lines, None
        off = _lines_off(lines, src, encoder)
        if off is not None:
            # Lines shifted by an added or a lost line still translate the source in order: read as an article.
            return _translated_article(text, src, encoder, label, why=f"only {off}")
        if not any(is_blank(line) for line in lines):
            return lines, None
        return _lines_or_article(text, lines, src, encoder, label)
    if encoder is None:
        raise InputError(f"{label}: {len(lines)} translation lines for {n} {unit}; the counts must match "
                         "(with --presplit, one line per source line)")
    return _translated_article(text, src, encoder, label)


def _without_trailing_blanks(lines: list[str]) -> list[str]:
    """`lines` without the blank lines that end it."""
    end = len(lines)
    while end and is_blank(lines[end - 1]):
        end -= 1
    return lines[:end]


# Line by line, a translations file must have at least this share of its non-blank lines closest (by meaning) to the
# source sentence they face, from this many lines (with fewer, chance decides). Measured on 25 FLORES/NTREX/MAFAND
# documents per language: the true English scores 0.83-1.0 (0.27-0.93 with 70% of its words deleted); shifted by one
# line at most 0.17, reversed at most 0.14, another document's English at most 0.14.
_MIN_FACING = 0.2
_MIN_FACING_LINES = 3


def _lines_off(translations: list[str], src: Document, encoder: Encoder, unit: str = "lines") -> str | None:
    """Why the translations, read one per source sentence, do not translate the sentences they face; None if they do."""
    from align.translation_map import facing

    fit = facing(src.texts, translations, encoder, src.lang)
    if fit.lines < _MIN_FACING_LINES or fit.facing >= _MIN_FACING * fit.lines:
        return None
    shifted = f"; line N translates source sentence N{fit.shift:+d}" if fit.shift else ""
    return f"{fit.facing} of {fit.lines} {unit} translate the source sentence they face{shifted}"


def _refuse_lines_off(translations: list[str], src: Document, encoder: Encoder, label: str, unit: str) -> None:
    """InputError when translations that must face their source sentences (--presplit, JSONL) do not."""
    off = _lines_off(translations, src, encoder, unit)
    if off is not None:
        raise InputError(f"{label}: only {off}: they do not translate this source {unit[:-1]} by {unit[:-1]}")


# Where a folder of translations (`--translations DIR`) keeps a source article's translation, in this order.
TRANSLATION_SUFFIXES = (".jsonl", ".txt", ".en.txt")


def _translation_file_or_none(folder: Path, doc_id: str) -> Path | None:
    """The one of FOLDER/<doc_id>.jsonl, .txt, .en.txt that exists; InputError when two do (which one is meant?)."""
    found = [p for p in (folder / f"{doc_id}{s}" for s in TRANSLATION_SUFFIXES) if p.is_file()]
    if len(found) > 1:
        raise InputError(f"--translations {folder}: {' and '.join(p.name for p in found)} both translate {doc_id}; "
                         "keep one")
    return found[0] if found else None


def translation_file(folder: str | os.PathLike[str], doc_id: str) -> Path:
    """The file of `folder` that holds the translation of article `doc_id` (its file name without .txt)."""
    root = Path(folder)
    found = _translation_file_or_none(root, doc_id)
    if found is None:
        raise InputError(f"--translations {root}: no translation of {doc_id} "
                         f"(expected {' or '.join(doc_id + s for s in TRANSLATION_SUFFIXES)})")
    return found


def refuse_absent_translations(location: str | os.PathLike[str] | None) -> None:
    """InputError when --translations names nothing on disk; called before pairing and encoding, which take a while."""
    if location is not None and str(location) != "-" and not Path(location).exists():
        raise InputError(f"--translations {location}: no such file or folder")


def refuse_missing_translation_files(location: str | os.PathLike[str], doc_ids: list[str]) -> None:
    """InputError naming every article of `doc_ids` without a file, when `location` is a translations folder."""
    if str(location) == "-" or not Path(location).is_dir():
        return  # one file (or stdin) for every article: its records are checked as each article reads them
    root = Path(location)
    missing = [d for d in doc_ids if _translation_file_or_none(root, d) is None]
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise InputError(f"--translations {root}: no translation of {len(missing)} article(s): {shown} (expected "
                         f"<article>{' or <article>'.join(TRANSLATION_SUFFIXES)})")


# How much closer (mean cosine of a translated sentence with its closest source sentence) another article of the
# folder must be for a file to be that article's translation. Measured on the seeds with hand translations: each
# fits its own article best (0.917 to 0.935), though 000 and 001 tell one wire story (a translation of 001 fits 000
# at 0.915); with the files of 001 and 002 swapped, another article is closer by 0.034 and 0.050 (only the sentences
# matched to the named article count, which favours it).
_OTHER_ARTICLE_GAIN = 0.025


def refuse_translations_of_other_articles(translations: dict[str, list[str]], sources: list[Document],
                                          encoder: Encoder, location: str | os.PathLike[str]) -> None:
    """InputError when the translations given for an article fit another source article of the folder clearly better.

    A file named after the wrong article (two swapped) still finds counterparts in an article on the same event, and
    would be aligned and scored as that article's translation without a word."""
    from align.language_offset import source_encoder

    vectors = {doc.doc_id: source_encoder(encoder, doc.lang, doc.texts).encode(doc.texts) for doc in sources
               if doc.texts}
    for doc in sources:
        texts = list(dict.fromkeys(t for t in translations.get(doc.doc_id) or [] if not is_blank(t)))
        if not texts or doc.doc_id not in vectors:
            continue
        sims = encoder.encode(texts)
        fit = {other: float(np.mean(np.max(sims @ v.T, axis=1))) for other, v in vectors.items()}
        best = max(fit, key=lambda other: fit[other])
        if best != doc.doc_id and fit[best] > fit[doc.doc_id] + _OTHER_ARTICLE_GAIN:
            where = (translation_file(location, doc.doc_id) if str(location) != "-" and Path(location).is_dir()
                     else f"{location} (the records of {doc.doc_id})")
            raise InputError(f"{where}: reads as a translation of {best}, not of {doc.doc_id} (its sentences are "
                             f"closer to {best}'s: cosine {fit[best]:.2f} against {fit[doc.doc_id]:.2f}); "
                             "is it named after the wrong article?")


# How much better (mean cosine of a source sentence with its translation) the article reading must fit to replace
# the line reading.
_ARTICLE_GAIN = 0.02


def _lines_or_article(text: str, lines: list[str], src: Document, encoder: Encoder,
                      label: str) -> tuple[list[str], str | None]:
    """Read a file with one line per source sentence, some blank, as lines or as an article, whichever fits.

    Blank lines are either sentences left untranslated or the gaps between an article's paragraphs; an article of p
    paragraphs has 2p - 1 lines, which often equals the number of source sentences (two sentences a paragraph).
    """
    from align.translation_map import agreement

    try:
        article, note = _translated_article(text, src, encoder, label)
    except InputError:
        return lines, None  # not readable as a translated article: the documented line format stands
    as_article, as_lines = (agreement(src.texts, reading, encoder, src.lang) for reading in (article, lines))
    # Compared on the sentences both readings translate: the article reading may give a blank line's sentence its
    # neighbour's translation, which fits a little and must not count as a better reading.
    both = ~np.isnan(as_article) & ~np.isnan(as_lines)
    if both.any() and float(np.mean(as_article[both] - as_lines[both])) > _ARTICLE_GAIN:
        return article, note
    return lines, None


def read_article_translations(location: str | os.PathLike[str], src: Document, *, several: bool,
                              source_lines: list[str] | None = None, encoder: Encoder | None = None,
                              text: str | None = None) -> tuple[list[str], str | None]:
    """read_translations for article `src` from `location`, a folder with one file per article or one file.

    A folder is read through translation_file. One file ('-' for stdin, whose `text` the caller reads once) must
    name each record's article when `several` articles read it."""
    if str(location) != "-" and Path(location).is_dir():
        return read_translations(translation_file(location, src.doc_id), src, source_lines=source_lines,
                                 encoder=encoder)
    return read_translations(location, src, source_lines=source_lines, encoder=encoder, shared=several, text=text)


# Below this share of source sentences with a counterpart, the file is not a translation of this source.
_MIN_MATCHED = 0.5


def _translated_article(text: str, src: Document, encoder: Encoder, label: str,
                        why: str | None = None) -> tuple[list[str], str]:
    """Translations per source sentence from a translated article, matched by meaning; a note says how it went.

    `why` says why the file is not read line by line (default: it has not one line per source sentence)."""
    from align.translation_map import map_translation
    from mt.loader import document_from_text

    # Cleaned and segmented like an English article: a translated "Share this:" or link list goes as it did in SRC.
    article = document_from_text(text, lang="auto", doc_id=label, allowed=("en", "sw", "ar"), path=label)
    if article.lang != "en":
        raise InputError(f"{label}: the translations look like {article.lang!r}, not English")
    mapped = map_translation(src.texts, article.texts, encoder, src.lang)
    n = len(src.sentences)
    matched = n - mapped.unmatched_src
    if matched < _MIN_MATCHED * n:
        raise InputError(f"{label}: {why or f'not one line per source sentence ({n})'}, and read as a translated "
                         f"article only {matched} of {n} source sentences find a counterpart in it: "
                         "it does not translate this source")
    shape = f"{label}: {why}:" if why else f"{label} has {len(article.sentences)} sentences for {n} source sentences:"
    note = (f"{shape} read as a translated article "
            f"and matched by meaning, in order; {matched} of {n} source sentences found their translation"
            + (f" (the other {n - matched} {'is' if n - matched == 1 else 'are'} aligned cross-lingually)"
               if matched < n else ""))
    return mapped.translations, note
