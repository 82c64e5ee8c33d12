"""Sentence segmentation: sentencex, plus the repairs it needs for Swahili and Arabic news text."""

from __future__ import annotations

import re

from sentencex import segment

# sentencex has no Swahili abbreviation list and misses some Arabic and English ones: a piece that ends with one of
# these (compared case-insensitively, without the final dot) is joined to the next piece.
# (Eng. engineer, Amb. ambassador, Bal. ambassador, Mst./Mha. reverend, Inj. gospel, Kard. cardinal, Kmdr. commander,
# Mtk. holy, Sh. sheikh.)
_TITLES_SW = "bw bi dkt dk prof mhe mh mwl mch ust jen kan kap br mt taz k.m kny eng amb bal mst mha inj kard mtk kmdr sh"
_TITLES_EN = (
    "mr mrs ms mx dr prof gen lt col maj capt cpt sgt cpl adm cmdr brig gov sen rep rev hon pres supt insp st jr sr "
    "mt ft vs e.g i.e cf"
)
_TITLES_AR = "د أ.د م.د"  # doctor, professor, engineer-doctor
ABBREVIATIONS: dict[str, frozenset[str]] = {
    "sw": frozenset((_TITLES_SW + " " + _TITLES_EN).split()),  # Swahili news borrows English titles too
    "en": frozenset(_TITLES_EN.split()),
    "ar": frozenset(_TITLES_AR.split()),
}
# These end sentences too ("The answer was no."), so they only hold on to a following number: "No. 5", "Sh. 1,000".
NUMERIC_ABBREVIATIONS = frozenset(
    [
        "no",
        "nos",
        "art",
        "p",
        "pp",
        "fig",
        "est",
        "sh",
        "shs",
        "tsh",
        "ksh",
        "ush",
        "uk",
        "ukr",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "ص",
        "ج",
        "na",  # Swahili namba: "Na. 5"
    ]
)
_LAST_TOKEN = re.compile(r"(?:^|[\s(\"'“‘«])([^\s(\"'“‘«]+)\.$")
_WORD = re.compile(r"\w")
# "J. K. Nyerere": a capital letter alone before its dot. Not a digit: "on May 6." ends a sentence.
_INITIAL = re.compile(r"(?:^|\s)([^\W\d_])\.$")
# Arabic initials ("ج. ك. نيريري", J. K. Nyerere; "ص. ب." P.O. Box): a lone letter and its dot, two in a row or one
# before another. A lone "م." alone ends sentences ("عام 2020 م." after a year), so one initial by itself does not hold.
_AR_INITIAL_END = re.compile(r"(?:^|\s)[\u0621-\u064a]\.\s*[\u0621-\u064a]\.$")
_AR_INITIAL_START = re.compile(r"[\u0621-\u064a]\.(?:\s|$)")
_AR_LONE_INITIAL_END = re.compile(r"(?:^|\s)[\u0621-\u064a]\.$")
# A numbered item inside a sentence: "... (1) إغلاق المدارس، (2) ...".
_LIST_ITEM = re.compile(r"\(?\d{1,2}\)")
# An item number left alone before its item: "mambo matatu: 1." | "Bei ya mafuta itashuka." (not "on May 6.", nor
# a time, score or ratio: "at 10:30.", "3:2.").
_ITEM_NUMBER_END = re.compile(r"(?:^|[:;]\s+)\d{1,2}\.$")
# The next number of a list that runs inside one sentence: "1. Elimu bora kwa wote 2." | "Huduma za afya".
_NEXT_ITEM_END = re.compile(r"\s(\d{1,2})\.$")
_CLOSERS = "\"'”’»)]"
_LEADING_CLOSERS = re.compile(rf"[{re.escape(_CLOSERS)}]+(?=\s|$)")
# A quote that follows a space at a piece's very end opens the next sentence ('He came. " Then we left."').
_TRAILING_OPENER = re.compile(r"(?<=\s)[\"'“‘«„]$")
# Breaks sentencex does not see. Swahili "n.k." (etc.) ends a sentence before a capital, as "etc." does in English.
# A full stop glued to the next sentence ("الخرطوم.وقال", "mapigano.Msemaji", text run together by a page's markup):
# between two Arabic words, or between a lower-case word and a capitalised one. Not after one letter ("د.محمد",
# Dr Mohammed), after an abbreviation ("Dkt.Mpango") or inside a web or e-mail address ("www.Example.com"): _is_kept
# checks those two.
_EXTRA_BREAK = {
    "sw": re.compile(r"(?<=\bn\.k\.)\s+(?=[A-Z])|(?<=[a-z]{2}\.)(?=[A-Z][a-z])"),
    "en": re.compile(r"(?<=[a-z]{2}\.)(?=[A-Z][a-z])"),
    "ar": re.compile(r"(?<=[\u0621-\u064a]{2}\.)(?=[\u0621-\u064a])"),
}
_ADDRESS = re.compile(r"\S*(?:://|www\.|@|\.(?:com|org|net|co|go|ac|info|gov|edu|نت)\b)\S*", re.IGNORECASE)


def split_sentences(text: str, lang: str) -> list[str]:
    """Split a paragraph into stripped sentences."""
    return [text[start:end] for start, end in split_with_offsets(text, lang)]


def split_with_offsets(text: str, lang: str) -> list[tuple[int, int]]:
    """Split a paragraph into sentences, returned as (start, end) character offsets into `text`."""
    spans = _sentencex_spans(text, lang)
    spans = _move_leading_closers(text, spans)
    spans = _move_trailing_openers(text, spans)
    spans = _join_false_breaks(text, spans, lang)
    extra = _EXTRA_BREAK.get(lang)
    if extra:
        spans = [piece for span in spans for piece in _split_span(text, span, extra, lang)]
    spans = [piece for span in spans for piece in _cap_length(text, span)]
    return _attach_bare_punctuation(text, spans)


# Longest sentence kept whole, in characters (about 300 words). News sentences stay far below it (the seed and
# benchmark articles' longest are under 700); a longer "sentence" is text without full stops (a transcript, a page
# of list items), which made one 300 KB line take 110 s to align for nothing.
MAX_SENTENCE_CHARS = 2000
_CLAUSE_END = re.compile(r"[,;:\u060c\u061b]\s")


def _cap_length(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """`span` cut into pieces of at most MAX_SENTENCE_CHARS, each at a clause boundary near its end if there is one,
    else at a space."""
    start, end = span
    pieces: list[tuple[int, int]] = []
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        floor = start + MAX_SENTENCE_CHARS // 2  # never a piece shorter than half the limit
        clause = [m.end() - 1 for m in _CLAUSE_END.finditer(text, floor, limit)]
        cut = clause[-1] if clause else text.rfind(" ", floor, limit)
        if cut <= start:
            cut = limit  # no space at all (a run of one script without spaces): cut where the limit falls
        pieces.append(_strip_span(text, start, cut))
        start = cut
    pieces.append(_strip_span(text, start, end))
    return [piece for piece in pieces if piece[0] < piece[1]]


def _attach_bare_punctuation(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A piece with no letter or digit joins the sentence before it (a trailing "…"), or goes when none does.

    Left as a sentence of its own, the stray "." of ". Scientists say ..." was an English sentence with no partner
    in every alignment.
    """
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if _WORD.search(text, start, end):
            out.append((start, end))
        elif out:
            out[-1] = (out[-1][0], end)
    # Nothing but punctuation: kept whole, for cleaning to judge (it drops such paragraphs).
    return out or spans


def _sentencex_spans(text: str, lang: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in segment(lang, text):
        found = text.find(piece, cursor)
        if found < 0:  # sentencex returns substrings; guard anyway so a surprise cannot lose text
            found = cursor
        start, end = _strip_span(text, found, found + len(piece))
        if start < end:
            spans.append((start, end))
        cursor = max(cursor, found + len(piece))
    if not spans and text.strip():
        spans.append(_strip_span(text, 0, len(text)))
    return spans


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _move_leading_closers(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A closing quote or bracket split off to the next piece belongs to the sentence it closes."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        match = _LEADING_CLOSERS.match(text, start, end)
        if out and match:
            out[-1] = (out[-1][0], match.end())
            start, end = _strip_span(text, match.end(), end)
            if start >= end:
                continue
        out.append((start, end))
    return out


def _move_trailing_openers(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A bare opening quote left at the end of a piece belongs to the sentence it opens, the next one."""
    out = list(spans)
    for i in range(len(out) - 1):
        start, end = out[i]
        if _TRAILING_OPENER.search(text, start, end) and _WORD.search(text, start, end - 1):
            out[i] = _strip_span(text, start, end - 1)
            out[i + 1] = (end - 1, out[i + 1][1])
    return out


def _join_false_breaks(text: str, spans: list[tuple[int, int]], lang: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for span in spans:
        if out and _is_false_break(text, out[-1], span, lang):
            out[-1] = (out[-1][0], span[1])
        else:
            out.append(span)
    return out


def _is_false_break(text: str, prev: tuple[int, int], nxt: tuple[int, int], lang: str) -> bool:
    """True when the boundary between two pieces is not a sentence end."""
    left = text[prev[0] : prev[1]]
    right = text[nxt[0] : nxt[1]]
    if "\n\n" in text[prev[1] : nxt[0]]:
        return False  # a blank line ends a paragraph, whatever follows it
    if prev[1] == nxt[0] and left.endswith("."):
        return True  # a dot with no space after it: "3.5", "U.S.", "example.com"
    if right[:1].islower():
        return True  # a sentence does not start in lower case: "n.k. kwa", "etc. and"
    if right[:1] in ",،":
        return True  # nor with a comma: '"Did you leak it?", she said' (Arabic "؟، قالت")
    if _LIST_ITEM.match(right) and not left.rstrip("\"'”’»)] ").endswith(tuple(".!?؟…")):
        return True  # sentencex breaks before "(2)" of a list inside one sentence
    if lang == "sw" and (left == "Je!" or left.endswith((" Je!", '"Je!'))):
        return True  # "Je! Serikali itafanya nini?": the interjection opens the question
    if lang == "ar" and (_AR_INITIAL_END.search(left)
                         or (_AR_LONE_INITIAL_END.search(left) and _AR_INITIAL_START.match(right))):
        return True
    if not left.endswith("."):
        return False
    initial = _INITIAL.search(left)
    if initial and initial.group(1).isupper() and lang != "ar":
        return True
    if _ITEM_NUMBER_END.search(left):
        return True
    item = _NEXT_ITEM_END.search(left)
    if item and int(item.group(1)) > 1:
        # The previous number opening an item (a capital follows it), with no sentence end between it and this one:
        # "1. Elimu bora kwa wote 2." (not "nafasi ya 1. mwaka jana ... ya 2.").
        previous = list(re.finditer(rf"(?:^|\s){int(item.group(1)) - 1}\.\s(?=[A-Z\u0621-\u064a])", left))
        if previous and not re.search(r"[.!?]\s", left[previous[-1].end():item.start()]):
            return True
    match = _LAST_TOKEN.search(left)
    if not match:
        return False
    token = match.group(1).casefold()
    if token in ABBREVIATIONS.get(lang, ABBREVIATIONS["en"]):
        return True
    return token in NUMERIC_ABBREVIATIONS and right[:1].isdigit()


def _split_span(text: str, span: tuple[int, int], pattern: re.Pattern[str], lang: str) -> list[tuple[int, int]]:
    start, end = span
    pieces: list[tuple[int, int]] = []
    for match in pattern.finditer(text, start, end):
        if _is_kept(text, match.start(), lang):
            continue
        pieces.append(_strip_span(text, start, match.start()))
        start = match.end()
    pieces.append(_strip_span(text, start, end))
    return [piece for piece in pieces if piece[0] < piece[1]]


def _is_kept(text: str, at: int, lang: str) -> bool:
    """True when a glued break at `at` falls inside a web or e-mail address or just after an abbreviation."""
    left = text.rfind(" ", 0, at) + 1
    right = text.find(" ", at)
    word = text[left:] if right < 0 else text[left:right]
    if _ADDRESS.fullmatch(word):
        return True
    before = text[left:at].rstrip(".").lstrip("(\"'“‘«[").casefold()
    return before in ABBREVIATIONS.get(lang, ABBREVIATIONS["en"])
