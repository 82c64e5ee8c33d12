"""Saved web pages as input: recognise HTML and take the article's text out of it with trafilatura.

A page saved from a browser holds the article among menus, scripts, cookie banners, related-story lists and
comments. trafilatura finds the main text (it is the best-measured open extractor for news pages); what slips
through it is plain text again, and the cleaning that handles pasted pages (mt.cleaning) removes it as usual.
"""

from __future__ import annotations

import logging
import re

from mt.errors import InputError

# Names people give saved pages; content is checked too, so a page piped through stdin is recognised as well.
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
# An HTML document starts (after a byte-order mark, an XHTML page's XML declaration, blanks and comments) with a doctype or one of these elements.
_HTML_START = re.compile(rb"\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
                         re.IGNORECASE | re.DOTALL)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_SNIFF_BYTES = 4096
_MIN_TITLE_WORDS = 3
_TITLE_SEARCH_BLOCKS = 5


def looks_like_html(data: bytes) -> bool:
    """True when `data` starts like an HTML document (doctype, <html>, <head>, ...), whatever its encoding."""
    head = data[:_SNIFF_BYTES]
    for bom in _BOMS:
        if head.startswith(bom):
            # UTF-16 pages: their markup is ASCII, so dropping the zero bytes is enough to recognise it.
            head = head[len(bom):].replace(b"\x00", b"")
            break
    return bool(_HTML_START.match(head))


def html_article_text(data: bytes | str, label: str) -> str:
    """The article text of an HTML page (title first, one paragraph per line); InputError when it holds none.

    Bytes are decoded by the page's own declaration or, without one, by detection (an Arabic page saved as
    windows-1256 is common), so HTML is not held to the UTF-8 rule of plain-text articles.
    """
    from trafilatura import bare_extraction, load_html

    # trafilatura reports pages it cannot use through logging warnings; the one-line error below says it instead.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    if isinstance(data, bytes):
        for bom, codec in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
            if data.startswith(bom):
                data = data.decode(codec, errors="replace")
                break
    tree = load_html(data)
    if tree is None:
        raise InputError(f"{label}: cannot parse the HTML page")
    # favor_recall: what the extractor lets through is cleaned again as text; what it drops is lost. Tables come out
    # as "| a | b |" rows, which are not sentences.
    found = bare_extraction(tree, with_metadata=True, favor_recall=True, include_comments=False,
                            include_tables=False)
    text = (getattr(found, "text", None) or "").strip() if found is not None else ""
    if not text:
        raise InputError(f"{label}: no article text found in the HTML page")
    # One block per line in trafilatura's output; blank lines between them keep a run of similar-length lines from
    # reading as one hard-wrapped paragraph to mt.cleaning.
    blocks = [line.strip() for line in text.splitlines() if line.strip()]
    title = " ".join((getattr(found, "title", None) or "").split())
    # The headline often stands outside the <article> element the text came from. trafilatura takes the title from
    # og:title or <title> without the site's name; a title of a word or two ("Home", "Page") is no headline, and one
    # the top of the text already states (under a kicker or a breadcrumb) is not repeated.
    top = " ".join(blocks[:_TITLE_SEARCH_BLOCKS]).casefold()
    if len(title.split()) >= _MIN_TITLE_WORDS and title.casefold() not in top:
        blocks.insert(0, title)
    return "\n\n".join(blocks)
