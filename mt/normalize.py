"""Unicode and whitespace normalisation that remembers, for each output character, where it came from."""

from __future__ import annotations

import unicodedata

# Removed outright: zero-width characters, bidi controls and the soft hyphen are invisible formatting, and the Arabic
# tatweel (U+0640) only stretches letters. ZWNJ (U+200C) changes spelling in Persian, Urdu and Kurdish, but not in
# Swahili, Arabic or English, the only languages this toolkit reads, so removing it is safe here.
_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u0640\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_LINE_BREAKS = frozenset("\n\v\f\u0085\u2028\u2029")


# Arabic-Indic (U+0660..) and Extended Arabic-Indic / Persian (U+06F0..) digits, and the Arabic percent, decimal and
# thousands signs, as ASCII: numbers are compared across languages in that form.
ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٪٫٬", "01234567890123456789%.,")


def is_blank(line: str) -> bool:
    """True when `line` holds nothing visible: only what normalize_text removes or collapses.

    Whitespace, invisible characters (zero-width, bidi marks), control characters and noncharacters: a line of them
    is an empty sentence."""
    # Stops at the first visible character, so a long text costs no more than its first word.
    return not any(not ch.isspace() and ch not in _INVISIBLE and unicodedata.category(ch) != "Cc"
                   and not _is_noncharacter(ch) for ch in line)


def normalize_text(text: str) -> str:
    """NFC, no-break and other spaces to plain spaces, invisible characters removed, spaces collapsed, lines stripped.

    Arabic presentation forms (glyph shapes from old PDFs and pages) become the letters they show."""
    return normalize_with_spans(text)[0]


def normalize_with_spans(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Normalise like normalize_text and return, per output character, its (start, end) span in `text`."""
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    line_start = 0  # index in `chars` where the current output line begins

    def end_line() -> None:
        while len(chars) > line_start and chars[-1] == " ":
            chars.pop()
            spans.pop()

    for piece, start, end in _nfc_pieces(text):
        for ch in piece:
            if ch in _LINE_BREAKS:
                end_line()
                chars.append("\n")
                spans.append((start, end))
                line_start = len(chars)
            elif ch in _INVISIBLE:
                continue
            elif ch == "\t" or unicodedata.category(ch) == "Zs":
                # Leading spaces are dropped and runs collapse to the first space.
                if len(chars) > line_start and chars[-1] != " ":
                    chars.append(" ")
                    spans.append((start, end))
            elif unicodedata.category(ch) == "Cc" or _is_noncharacter(ch):
                # Stray control characters (the reader has already refused binary files), and Unicode's
                # noncharacters (U+FFFE, U+FFFF, ...), which XML forbids: TMX could not carry them, the TSV could.
                continue
            else:
                for out in _base_letters(ch):
                    chars.append(out)
                    spans.append((start, end))
    end_line()
    return "".join(chars), spans


def _base_letters(ch: str) -> str:
    """`ch`, or the letters an Arabic presentation form (U+FB50-FDFF, U+FE70-FEFF) shows.

    Text of such glyph shapes (old PDFs and pages) was identified as Chinese and refused."""
    if not ("\ufb50" <= ch <= "\ufdff" or "\ufe70" <= ch <= "\ufeff"):
        return ch
    letters = unicodedata.normalize("NFKC", ch)  # the ligature ﻻ is lam and alef; ﷺ a whole phrase
    if letters.startswith(" ") and unicodedata.combining(letters[1:2] or "a"):
        letters = letters[1:]  # an isolated vowel sign comes out as a space before the mark
    return unicodedata.normalize("NFC", letters)


def _is_noncharacter(ch: str) -> bool:
    """True for the 66 code points Unicode reserves as noncharacters (U+FDD0-U+FDEF and U+nFFFE, U+nFFFF)."""
    cp = ord(ch)
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


def _nfc_pieces(text: str) -> list[tuple[str, int, int]]:
    """Split `text` into runs that NFC can compose independently and return each run composed, with its span."""
    if unicodedata.is_normalized("NFC", text):
        return [(ch, i, i + 1) for i, ch in enumerate(text)]
    pieces: list[tuple[str, int, int]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or _starts_nfc_run(text[i - 1], text[i]):
            pieces.append((unicodedata.normalize("NFC", text[start:i]), start, i))
            start = i
    return pieces


def _starts_nfc_run(prev: str, ch: str) -> bool:
    """True when `ch` cannot compose with what precedes it, so NFC may start afresh there."""
    if ch.isascii() and prev.isascii():
        return True
    if unicodedata.combining(ch):
        return False
    # Hangul jamo and a few two-part vowels compose although their combining class is 0.
    return unicodedata.normalize("NFC", prev + ch) == unicodedata.normalize("NFC", prev) + unicodedata.normalize(
        "NFC", ch
    )
