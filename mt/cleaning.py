"""Remove web-page boilerplate and repeated paragraphs from a normalised article, keeping character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mt.boilerplate import (
    CREDIT_LINE,
    TIMESTAMP_MAX_WORDS,
    TRAILING_CREDIT,
    URL,
    Rule,
    ends_sentence,
    is_timestamp_line,
    label,
    related_patterns,
    rules_for,
    section_label_pattern,
)
from mt.document import Dropped
from mt.langid import canonical_code

_BULLET = re.compile(r"(?:[•·▪◦●■►▶✓✔]|[-*–—](?=\s))\s*")
_MAX_PREFIX_WORDS = 5  # "Home Northern Africa", "World": a breadcrumb or section label before a repeated title
_MAX_PREFIX_CHARS = 60
_MAX_LINK_TITLE_WORDS = 16  # teaser titles under a "Related news" label
_MAX_TEASER_WORDS = 25
_MAX_CREDIT_WORDS = 8
# A repeated paragraph this short that ends like a sentence is an answer or an exclamation said twice ("No.",
# "Hapana."), not a repeated caption or pull quote.
_MIN_DUPLICATE_SENTENCE_CHARS = 20
# Hard-wrapped text: every line but the last between these lengths, differing by at most the spread.
_WRAP_MIN_CHARS = 40
_WRAP_MAX_CHARS = 100
_WRAP_SPREAD = 25
# Lower-case words a line needs (besides "by", "and", "na" and the like) to read as prose rather than as a credit or
# a byline that happens to end with a full stop.
_MIN_PROSE_WORDS = 4
_LABEL_WORDS = frozenset({"by", "and", "of", "on", "at", "in", "for", "na", "wa", "ya", "kwa", "و", "في"})


def _prose_words(text: str) -> int:
    """How many words of `text` are lower-case (or in a script without case) and not label words."""
    return sum(1 for w in re.findall(r"[^\W\d_][\w'’-]*", text)
               if not w[0].isupper() and w.casefold() not in _LABEL_WORDS)


# A sentence that ends inside a line and the next that starts there: "... WAFB reports. After questioning".
_INNER_SENTENCE_END = re.compile(r"[a-z0-9%)][.!?][\"”’)]?\s+[\"“‘(]?[A-Z]")
# Words a line can end with only inside a sentence (no headline ends "... the"): English and Swahili.
_CONTINUING = frozenset({
    "the", "a", "an", "of", "to", "in", "on", "at", "by", "for", "and", "or", "but", "with", "from", "as", "that", "its",
    "their", "na", "ya", "wa", "la", "za", "kwa", "cha", "vya", "katika", "kuwa", "ni",
})


@dataclass(frozen=True)
class Paragraph:
    """A kept paragraph: its text and its [start, end) character offsets in the text given to clean_text."""

    text: str
    start: int
    end: int
    raw_index: int = -1  # index of the raw paragraph (line or block) it came from, as in Dropped.paragraph


@dataclass
class CleanResult:
    """What cleaning kept, in order, and what it dropped, with reasons."""

    paragraphs: list[Paragraph] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The kept paragraphs joined by blank lines."""
        return "\n\n".join(p.text for p in self.paragraphs)


def duplicate_key(text: str) -> str:
    """Comparison key under which near-verbatim repeats collide: no whitespace or quotes, no final stop, case-folded."""
    # Quotes go too: a pull quote repeats a sentence of the body in quotation marks ("“Tutashinda,” alisema.").
    return re.sub(r"[\s\"'“”‘’«»„]+", "", text).rstrip(".").casefold()


def raw_paragraphs(text: str) -> list[Paragraph]:
    """Split normalised text into raw paragraphs: one per line, or one per block where the block is hard-wrapped."""
    units: list[Paragraph] = []
    for block in re.finditer(r"[^\n]+(?:\n[^\n]+)*", text):
        lines = [(m.start() + block.start(), m.end() + block.start()) for m in re.finditer(r"[^\n]+", block.group())]
        if _is_hard_wrapped([text[s:e] for s, e in lines]):
            units.append(_unit(text, block.start(), block.end(), len(units)))
        else:
            first = len(units)  # read once: extend() grows the list while the generator runs
            units.extend(_unit(text, s, e, first + k) for k, (s, e) in enumerate(lines))
    return [u for u in units if u.text]


def _is_hard_wrapped(lines: list[str]) -> bool:
    """True for a block wrapped at a fixed width (lines of similar length, some cut mid-sentence).

    Pages that put one paragraph or one widget label per line (seeds 001, 003) have lines of very different lengths."""
    body = lines[:-1]
    if len(body) < 2:  # two lines are as likely a title over its first paragraph
        return False
    lengths = [len(line) for line in body]
    return (
        min(lengths) >= _WRAP_MIN_CHARS
        and max(lengths) <= _WRAP_MAX_CHARS
        and max(lengths) - min(lengths) <= _WRAP_SPREAD
        and not all(ends_sentence(line) for line in body)
        # A headline, a standfirst and summary points of similar length over the first paragraph each end without a
        # full stop too; prose shows itself by a break inside a sentence, or by a sentence ending inside a line or at
        # the end of one of them.
        and (any(_cut_mid_sentence(line, after) for line, after in zip(body, lines[1:]))
             or any(_INNER_SENTENCE_END.search(line) for line in lines)
             # Prose wraps mostly inside sentences; a page of one paragraph per line ends most lines with one.
             or 0 < sum(ends_sentence(line) for line in body) * 2 <= len(body))
    )


def _cut_mid_sentence(line: str, after: str) -> bool:
    """True when the break between `line` and the next line clearly falls inside a sentence.

    A wrapped sentence goes on in lower case, or after a comma or a word no title ends with ("the", "of", "na").
    Scripts without case (Arabic) cannot tell, so there any break without a full stop counts."""
    if ends_sentence(line):
        return False
    cased = sum(ch.isupper() or ch.islower() for ch in line)
    if cased * 2 < sum(ch.isalpha() for ch in line):
        return True
    first = after.lstrip("\"'“‘«(")[:1]
    last = line.split()[-1] if line.split() else ""
    return first.islower() or line.endswith((",", ";", ":", "،")) or last in _CONTINUING


def _unit(text: str, start: int, end: int, index: int) -> Paragraph:
    return Paragraph(text[start:end].replace("\n", " "), start, end, index)


def _without_bullet(unit: Paragraph) -> Paragraph:
    bullet = _BULLET.match(unit.text)
    if not bullet:
        return unit
    return Paragraph(unit.text[bullet.end() :], unit.start + bullet.end(), unit.end, unit.raw_index)


def clean_text(text: str, lang: str, from_html: bool = False) -> CleanResult:
    """Drop boilerplate lines and repeated paragraphs from normalised `text` (page in `lang`, or 'auto').

    The patterns of `lang` and English apply (site chrome is often English); with 'auto', those of every language.
    `from_html`: the text was extracted from a web page, whose "Read also" links mt.html has already removed.
    """
    return _Cleaner(canonical_code(lang), from_html).run(raw_paragraphs(text), text)


# The page's own controls and labels: text no translator translates as part of an article. Credits, bylines, time
# stamps, embedded posts and "Read more: TITLE" teasers are page chrome too, but in a sentence-per-line corpus they
# are translated text with a partner (MAFAND translates them), so they stay alignable there.
_INTERFACE_REASONS = frozenset({"navigation", "comment-widget", "share-widget", "advertisement", "counter",
                                "punctuation", "not-found", "reading-time", "cookie-notice", "url", "tags",
                                "breadcrumb", "caption-label"})
_MAX_HEADER_WORDS = 3  # "Read also:", "Soma pia", "اقرأ أيضا": a related-links header alone, not a teaser title


def line_boilerplate_reason(line: str, lang: str) -> str | None:
    """Why one line alone is the page's interface (a menu label, a widget, a URL), or None if it may be translated."""
    # Sentence-per-line input (--presplit) keeps every line, so ids stay line numbers; this says which must never be
    # aligned, by the rules cleaning applies to a page's lines, without the context only a whole page gives.
    result = clean_text(line, lang)
    if not result.dropped or result.paragraphs:
        return None
    reason = result.dropped[0].reason
    if reason in _INTERFACE_REASONS or (reason == "related-links" and len(label(line).split()) <= _MAX_HEADER_WORDS):
        return reason
    return None


class _Cleaner:
    """One pass over the raw paragraphs; keeps the state that crosses lines (related-links blocks, seen paragraphs)."""

    def __init__(self, lang: str, from_html: bool = False) -> None:
        self.rules: tuple[Rule, ...] = rules_for(lang)
        self.related_header, self.related_teaser = related_patterns(lang)
        self.section_label = section_label_pattern(lang)
        # In a page, mt.html has removed the links under a "Read also" header where they were still links; the
        # paragraph after the header is the article's own (a pull quote, a crosshead), not a teaser title.
        self.titles_follow_headers = not from_html
        self.after_chrome = True  # the top of the page counts as page chrome
        self.result = CleanResult()
        self.seen: dict[str, Paragraph] = {}
        # The seen paragraphs by exact text and by text without its final full stop, with their order: a repeat
        # behind a label or before a credit is found by looking up the pieces of the new paragraph, not by comparing
        # it with every earlier one (quadratic: a 4 MB page took minutes).
        self.by_text: dict[str, tuple[int, Paragraph]] = {}
        self.by_head: dict[str, list[tuple[int, Paragraph]]] = {}
        self.in_related_block = False
        self.related_gap = False
        self.related_items = 0
        self.related_spaced = False  # blank lines between the list's items
        self.header_gap = False  # a blank line between the header and its first item

    def run(self, units: list[Paragraph], text: str) -> CleanResult:
        for i, unit in enumerate(units):
            following = units[i + 1] if i + 1 < len(units) else None
            # A "Read also" list whose items stand on consecutive lines ends at the first blank line (a crosshead or
            # a pull quote follows); one whose items stand in paragraphs of their own goes on to the first line that
            # is no link title. Which it is shows between its first two items (or, after one item, between the
            # header and it). Web addresses, never content, are dropped in either.
            blank = i > 0 and "\n\n" in text[units[i - 1].end:unit.start]
            if self.in_related_block and self.related_items == 0:
                self.header_gap = blank
            elif self.in_related_block and self.related_items == 1:
                self.related_spaced = blank and self.header_gap
                self.related_gap = blank and not self.related_spaced
            elif blank and not self.related_spaced:
                self.related_gap = True
            self._take(unit, following)
        return self.result

    def _drop(self, text: str, reason: str, unit: Paragraph) -> None:
        self.result.dropped.append(Dropped(text=text, reason=reason, paragraph=unit.raw_index))

    def _take(self, unit: Paragraph, following: Paragraph | None) -> None:
        reason = self._line_reason(unit.text) or self._menu_reason(unit, following)
        # A menu goes on after navigation; an advertisement or a credit may well stand before a crosshead.
        self.after_chrome = reason in ("navigation", "breadcrumb", "related-links") or (
            self.after_chrome and reason is not None)
        if reason:
            self._drop(unit.text, reason, unit)
            return
        if self.in_related_block and (URL.fullmatch(unit.text)
                                      or (not self.related_gap and self.titles_follow_headers
                                          and self._is_link_title(unit.text))):
            self._drop(unit.text, "related-links", unit)
            self.related_items += 1
            return
        self.in_related_block = False
        unit = _without_bullet(unit)
        if self._is_repeat(unit, following):
            return
        unit = self._trim_trailing_credit(unit)
        key = duplicate_key(unit.text)
        if key not in self.seen:
            self.seen[key] = unit
            entry = (len(self.seen), unit)
            self.by_text.setdefault(unit.text, entry)
            self.by_head.setdefault(unit.text.rstrip(".").strip(), []).append(entry)
        self.result.paragraphs.append(unit)

    def _line_reason(self, text: str) -> str | None:
        """Reason to drop a whole line on its own, or None; starts a related-links block at a header."""
        bare = label(text)
        if not bare or not any(ch.isalnum() for ch in bare):  # "…", "***", "— —": separators, not text
            return "punctuation"
        words = len(bare.split())
        sentence_like = ends_sentence(text)
        if self.related_header.fullmatch(bare):
            self.in_related_block = True
            self.related_gap = False
            self.related_items = 0
            return "related-links"
        if words <= _MAX_TEASER_WORDS and not sentence_like and self.related_teaser.fullmatch(bare):
            return "related-links"
        # A line that reads as prose is content even where a rule's opening matches ("Image source is unclear,
        # officials said."); a full stop alone does not make prose of "Published 12:30 GMT, 5 May 2024." nor of
        # "Reporting by Duncan Miriri; Editing by Alison Williams."
        prose = sentence_like and _prose_words(bare) >= _MIN_PROSE_WORDS and not is_timestamp_line(bare)
        for rule in self.rules:
            if rule.sentence_words and prose and words >= rule.sentence_words:
                continue
            if words <= rule.max_words and rule.pattern.fullmatch(bare):
                return rule.reason
        if words <= _MAX_CREDIT_WORDS and CREDIT_LINE.fullmatch(bare):
            return "photo-credit"
        if words <= TIMESTAMP_MAX_WORDS and not sentence_like and is_timestamp_line(bare):
            return "timestamp"
        return None

    def _menu_reason(self, unit: Paragraph, following: Paragraph | None) -> str | None:
        """"navigation" for a section name that stands in a menu: at the top of the page, after other page chrome,
        or before another section name; None for one between paragraphs of text, which is a crosshead."""
        if not self.section_label.fullmatch(label(unit.text)):
            return None
        beside_another = following is not None and self.section_label.fullmatch(label(following.text))
        return "navigation" if self.after_chrome or beside_another else None

    @staticmethod
    def _is_link_title(text: str) -> bool:
        return len(text.split()) <= _MAX_LINK_TITLE_WORDS and not ends_sentence(text)

    def _is_repeat(self, unit: Paragraph, following: Paragraph | None) -> bool:
        """Drop (and record) a paragraph that repeats another one, in whole or behind a short label."""
        key = duplicate_key(unit.text)
        if key in self.seen and (len(unit.text) >= _MIN_DUPLICATE_SENTENCE_CHARS or not ends_sentence(unit.text)):
            self._drop(unit.text, "duplicate", unit)
            return True
        # "Home Northern Africa <title>" followed by "<title>": a breadcrumb ending with the next line.
        if following is not None and _short_label_before(unit.text, _without_bullet(following).text):
            self._drop(unit.text, "breadcrumb", unit)
            return True
        for earlier in self._repeat_candidates(unit.text):
            # "WorldIsrael and Morocco sign ..." after the title: a section label glued to a repeated title.
            if _short_label_before(unit.text, earlier.text):
                self._drop(unit.text, "duplicate", unit)
                return True
            # A photo caption repeated with the agency credit appended: "<caption> AP - Tsafrir Abayov".
            rest = _remainder_after(unit.text, earlier.text)
            if rest is not None and _looks_like_credit(rest):
                self._drop(unit.text[: len(unit.text) - len(rest)].strip(), "caption-repeat", unit)
                self._drop(rest, "photo-credit", unit)
                return True
        return False

    def _repeat_candidates(self, text: str) -> list[Paragraph]:
        """Earlier paragraphs, in order, that `text` could repeat behind a short label or before a credit."""
        found: dict[int, Paragraph] = {}
        # Behind a label: `text` ends with the earlier paragraph, after at most _MAX_PREFIX_CHARS of label.
        for cut in range(1, len(text)):
            if len(text[:cut].strip()) > _MAX_PREFIX_CHARS:
                break
            entry = self.by_text.get(text[cut:])
            if entry:
                found[entry[0]] = entry[1]
        # Before a credit: `text` starts with the earlier paragraph and goes on for at most _MAX_CREDIT_WORDS words.
        for cut in range(len(text) - 1, 0, -1):
            if len(text[cut:].lstrip(".").split()) > _MAX_CREDIT_WORDS:
                break
            for order, earlier in self.by_head.get(text[:cut], ()):
                found[order] = earlier
        return [found[order] for order in sorted(found)]

    def _trim_trailing_credit(self, unit: Paragraph) -> Paragraph:
        match = TRAILING_CREDIT.search(unit.text)
        if not match:
            return unit
        self._drop(match.group(1), "photo-credit", unit)
        cut = match.start()
        return Paragraph(unit.text[:cut], unit.start, unit.start + cut, unit.raw_index)


def _short_label_before(text: str, title: str) -> bool:
    """True when `text` is `title` with a short label (no sentence punctuation) in front of it."""
    if len(text) <= len(title) or not text.endswith(title) or len(title.split()) < 3:
        return False
    prefix = text[: -len(title)].strip()
    return (
        0 < len(prefix) <= _MAX_PREFIX_CHARS
        and len(prefix.split()) <= _MAX_PREFIX_WORDS
        and not any(ch in prefix for ch in ".!?؟,،:;")
    )


def _looks_like_credit(text: str) -> bool:
    """An agency credit ("AP - Tsafrir Abayov") or a bare name of a few capitalised words ("Tsafrir Abayov")."""
    words = text.split()
    if len(words) > _MAX_CREDIT_WORDS or ends_sentence(text):
        return False
    return bool(CREDIT_LINE.fullmatch(text)) or all(w[:1].isupper() or w in "-–—/|" for w in words)


def _remainder_after(text: str, earlier: str) -> str | None:
    """What follows `earlier` when `text` starts with it (ignoring a final full stop and whitespace), else None."""
    if len(earlier.split()) < 3:
        return None
    head = earlier.rstrip(".").strip()
    if not text.startswith(head) or len(text) <= len(earlier):
        return None
    rest = text[len(head) :].lstrip(".").strip()
    return rest or None
