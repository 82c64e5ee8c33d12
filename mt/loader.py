"""Turn a file, a string or pre-split lines into a cleaned, segmented Document."""

from __future__ import annotations

import os
from collections.abc import Iterable

from mt.boilerplate import ends_sentence
from mt.cleaning import CleanResult, clean_text, duplicate_key, line_boilerplate_reason
from mt.document import Document, Dropped, Sentence
from mt.errors import InputError
from mt.langid import resolve_language
from mt.normalize import normalize_with_spans
from mt.reading import article_id, displayable, normalize_newlines, read_article, source_label
from mt.segment import split_with_offsets

_MAX_TITLE_WORDS = 25
_MIN_DUPLICATE_CHARS = 20  # short sentences ("He said no.") may repeat legitimately


def load_document(
    source: str | os.PathLike[str],
    lang: str = "auto",
    doc_id: str | None = None,
    allowed: Iterable[str] | None = None,
) -> Document:
    """Read, normalise, clean, identify and segment an article: a file, '-' for stdin, or an http(s) URL.

    Plain text and web pages are both read (mt.reading.read_article). For a web page, sentence offsets point into the
    article text extracted from it (mt.html), not into the markup.
    """
    text, was_html = read_article(source)
    path = None if str(source) == "-" else displayable(str(source))
    return document_from_text(text, lang=lang, doc_id=doc_id or article_id(source), allowed=allowed, path=path,
                              from_html=was_html, label=source_label(source))


def document_from_text(
    text: str,
    lang: str = "auto",
    doc_id: str = "stdin",
    allowed: Iterable[str] | None = None,
    path: str | None = None,
    from_html: bool = False,
    label: str | None = None,
) -> Document:
    """Clean and segment an article given as text; sentence offsets point into `text` with LF newlines.

    `from_html`: the text was taken out of a web page (mt.html), which shapes how page chrome is recognised.
    `label` names the article in errors (default: `path`, else `doc_id`)."""
    original = normalize_newlines(text)
    normalized, spans = normalize_with_spans(original)
    cleaned = clean_text(normalized, lang, from_html=from_html)
    # Standard input has no path, and its id "stdin" reads as a file of that name: load_document passes "<stdin>".
    label = label or path or doc_id
    if not cleaned.paragraphs:
        raise InputError(f"{label}: no content sentences after removing boilerplate")
    code = _language(cleaned.text, lang, allowed, label)
    dropped = list(cleaned.dropped)
    sentences: list[Sentence] = []
    seen: set[str] = set()
    for paragraph_no, paragraph in enumerate(cleaned.paragraphs):
        for start, end in split_with_offsets(paragraph.text, code):
            sentence_text = paragraph.text[start:end]
            key = duplicate_key(sentence_text)
            if len(key) >= _MIN_DUPLICATE_CHARS and key in seen:
                dropped.append(Dropped(text=sentence_text, reason="duplicate", paragraph=paragraph.raw_index))
                continue
            seen.add(key)
            orig_start, orig_end = _original_span(spans, paragraph.start + start, paragraph.start + end)
            sentences.append(Sentence(sentence_text, paragraph_no, len(sentences), orig_start, orig_end))
    if not sentences:
        raise InputError(f"{label}: no content sentences after removing boilerplate")
    sentences = _renumber_paragraphs(sentences)
    return Document(doc_id=doc_id, lang=code, sentences=sentences, dropped=dropped, title=_title(cleaned), path=path)


def document_from_lines(lines: list[str], lang: str, doc_id: str, allowed: Iterable[str] | None = None) -> Document:
    """A Document from pre-split sentences, one per line: normalised, not cleaned or re-split; sentence i is line i."""
    if not lines:
        raise InputError(f"{doc_id}: no lines to translate")
    sentences: list[Sentence] = []
    offset = 0
    for i, line in enumerate(lines):
        line = line.rstrip("\r\n")
        normalized, spans = normalize_with_spans(line)
        normalized = normalized.replace("\n", " ")
        start, end = _original_span(spans, 0, len(normalized)) if normalized else (0, 0)
        sentences.append(Sentence(normalized, i, i, offset + start, offset + end))
        offset += len(line) + 1
    if not any(s.text for s in sentences):
        raise InputError(f"{doc_id}: all lines are empty")
    code = _language("\n".join(s.text for s in sentences), lang, allowed, doc_id)
    chrome = {s.index: why for s in sentences if s.text and (why := line_boilerplate_reason(s.text, code))}
    if len(chrome) == sum(1 for s in sentences if s.text):
        raise InputError(f"{doc_id}: no content sentences, every line is page chrome "
                         f"({', '.join(sorted(set(chrome.values())))})")
    return Document(doc_id=doc_id, lang=code, sentences=sentences, boilerplate=chrome)


def _language(text: str, lang: str, allowed: Iterable[str] | None, label: str) -> str:
    """resolve_language, with the file or document named in its error (several may be read in one run)."""
    try:
        return resolve_language(text, lang, allowed)
    except InputError as exc:
        raise InputError(f"{label}: {exc}") from None


def _original_span(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """Map a [start, end) range of normalised text back to the original text; (-1, -1) when it cannot."""
    if not 0 <= start < end <= len(spans):
        return -1, -1
    return spans[start][0], spans[end - 1][1]


def _renumber_paragraphs(sentences: list[Sentence]) -> list[Sentence]:
    """Paragraph numbers without gaps, for paragraphs whose sentences were all dropped as duplicates."""
    numbers: dict[int, int] = {}
    return [Sentence(s.text, numbers.setdefault(s.paragraph, len(numbers)), s.index, s.start, s.end) for s in sentences]


def _title(cleaned: CleanResult) -> str | None:
    """The first kept paragraph when it reads like a headline: short, without a final full stop."""
    first = cleaned.paragraphs[0].text
    if len(first.split()) <= _MAX_TITLE_WORDS and not ends_sentence(first) and not first.endswith((",", "،", ":")):
        return first
    return None
