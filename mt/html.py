"""Saved web pages as input: recognise HTML and take the article's text out of it with trafilatura.

A page saved from a browser holds the article among menus, scripts, cookie banners, related-story lists and
comments. trafilatura finds the main text (it is the best-measured open extractor for news pages); what slips
through it is plain text again, and the cleaning that handles pasted pages (mt.cleaning) removes it as usual.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from mt.errors import InputError
from mt.reading import BOMS

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# Names people give saved pages, and the server-side names that `wget` and some browsers keep (story.php,
# index.shtml); content is checked too, so a page piped through stdin is recognised as well.
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx", ".jsp")
# Saved "single file" web archives wrap the page in MIME parts (quoted-printable): not readable as HTML or as text.
ARCHIVE_SUFFIXES = (".mhtml", ".mht")
# An HTML document starts (after a byte-order mark, an XHTML page's XML declaration, blanks and comments) with a
# doctype or one of these elements; saved pages also start with a script, a style sheet or a link.
_HTML_START = re.compile(
    rb"(?:\s|\xc2\xa0)*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*"
    rb"<(?:!doctype\s+html|html|head|body|meta|title|script|style|link)\b",
    re.IGNORECASE | re.DOTALL)
_MHTML_START = re.compile(rb"\s*(?:From:.*\n)?(?:[\w-]+:.*\n)*?MIME-Version:", re.IGNORECASE)
_MARKUP = re.compile(r"<(?:[a-zA-Z][\w:-]*|!--|!doctype)[\s/>]", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# A long comment or a large inline script can come before <html>; the regex stops at the first tag.
_SNIFF_BYTES = 65536
_MIN_HEADLINE_WORDS = 3
_HEADLINE_SEARCH_BLOCKS = 5


def _head(data: bytes) -> bytes:
    """The start of `data` as ASCII-compatible bytes (a UTF-16/32 page's BOM and zero bytes removed)."""
    head = data[:_SNIFF_BYTES]
    for bom, codec in BOMS:
        if head.startswith(bom):
            # UTF-16/32: the markup is ASCII, so dropping the zero bytes is enough to recognise it.
            return head[len(bom):] if codec == "utf-8-sig" else head[len(bom):].replace(b"\x00", b"")
    return head


def looks_like_html(data: bytes) -> bool:
    """True when `data` starts like an HTML document (doctype, <html>, <head>, ...), whatever its encoding."""
    return bool(_HTML_START.match(_head(data)))


def looks_like_web_archive(data: bytes) -> bool:
    """True for a page saved as one MIME file (.mhtml: Chrome's "Webpage, Single File")."""
    head = _head(data)[:4096]
    return bool(_MHTML_START.match(head)) and b"multipart/related" in head.lower()


def has_markup(text: str) -> bool:
    """True when `text` holds HTML tags (a file named .html may still be plain text)."""
    return bool(_MARKUP.search(text[:_SNIFF_BYTES]))


def decode_page(data: bytes) -> str:
    """The page as text: its byte-order mark, else its own declaration, else detection (trafilatura's decoder).

    HTML is not held to the UTF-8 rule of plain-text articles: an Arabic page saved as windows-1256 is common.
    """
    from trafilatura.utils import decode_file

    for bom, codec in BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    return decode_file(data)


def _parse(text: str) -> HtmlElement:
    """The page's element tree; a fragment (a copied <article> or a lone <p>) gets its <html> and <body>."""
    from lxml.html import HTMLParser, document_fromstring

    # huge_tree: libxml2 otherwise stops at 255 levels of nesting (old pages that never close <font> or <p> reach
    # that) and drops any text node over 10 MB (an image inlined as base64), losing the article without an error.
    parser = HTMLParser(collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True,
                        huge_tree=True)
    # lxml refuses a Unicode string that still declares its byte encoding.
    tree: HtmlElement = document_fromstring(_XML_DECLARATION.sub("", text), parser=parser)
    return tree


def _keep_inline_text(tree: HtmlElement) -> None:
    """Unwrap inline elements whose words the extractor would drop or cut the sentence at (in place)."""
    # "met on <time>Tuesday, 18 July</time> in Rabat" lost its date; "<q>a partnership</q>" split the sentence and
    # lost its quotation marks.
    for q in tree.iter("q"):
        q.text = "\u201c" + (q.text or "")
        if len(q):
            q[-1].tail = (q[-1].tail or "") + "\u201d"
        else:
            q.text += "\u201d"
    for element in list(tree.iter("time", "q")):
        if element.getparent() is not None:
            element.drop_tag()


def _headline(tree: HtmlElement) -> str:
    """The page's visible headline: the text of its first <h1>, spaces collapsed ('' when it has none)."""
    for h1 in tree.iter("h1"):
        # A line break inside the headline separates words: "Morocco na Israel<br>zataka" is not "Israelzataka".
        for br in h1.iter("br"):
            br.tail = " " + (br.tail or "")
        return " ".join(h1.text_content().split())
    return ""


def _links_only(element: HtmlElement) -> bool:
    """True when all the text of `element` is the text of links in it (a teaser title, a list of them)."""
    words = element.text_content().split()
    linked = [w for a in element.iter("a") for w in a.text_content().split()]
    return bool(words) and words == linked


_MAX_HEADER_CHARS = 60  # a "Read also" header is a short label


def _short_text(element: HtmlElement, limit: int) -> str | None:
    """The text of `element`, spaces collapsed, or None as soon as it is longer than `limit` characters."""
    # Read piece by piece and given up early: text_content() of every enclosing <div> of a deeply nested page built
    # the whole article again for each level (a 1 MB page 200 levels deep took 3 s).
    pieces: list[str] = []
    length = 0
    for piece in element.itertext():
        pieces.append(piece)
        # A lower bound of what the piece adds to the collapsed whole (its head collapsed), so giving up is exact;
        # read from the head only, or the first piece, the whole article, is scanned again for every level.
        length += len(" ".join(piece[:4 * limit].split()))
        if length > limit:
            return None
    text = " ".join("".join(pieces).split())
    return text if len(text) <= limit else None


def _drop_read_also_links(tree: HtmlElement) -> None:
    """Remove the link paragraphs and link lists that follow a "Read also" header ("Soma pia", "اقرأ أيضا").

    Done here, where links are still links: in the extracted text a teaser title and the article's own crosshead
    after the header look alike, and mt.cleaning, told that the text comes from a page, drops only the header."""
    from mt.boilerplate import label, related_patterns

    header, _ = related_patterns("auto")
    for element in list(tree.iter("p", "div", "h2", "h3", "h4", "h5", "h6", "span", "strong", "b", "li", "section")):
        text = _short_text(element, _MAX_HEADER_CHARS)
        if not text or not header.fullmatch(label(text)):
            continue
        follower = element.getnext()
        while follower is not None and _links_only(follower):
            after = follower.getnext()
            _remove_keeping_tail(follower)
            follower = after


def _remove_keeping_tail(element: HtmlElement) -> None:
    """Remove `element` but not the text that follows it inside its parent (lxml drops the tail with it)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def html_article_text(page: bytes | str, label: str) -> str:
    """The article text of an HTML page given as bytes or text: headline first, one paragraph per block.

    InputError when the page holds no article text."""
    from trafilatura import extract

    # trafilatura reports pages it cannot use through logging warnings; the one-line error below says it instead.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    tree = _parse(decode_page(page) if isinstance(page, bytes) else page)
    headline = _headline(tree)
    _keep_inline_text(tree)
    _drop_read_also_links(tree)
    # favor_recall: what the extractor lets through is cleaned again as text; what it drops is lost. Tables come out
    # as "| a | b |" rows, which are not sentences. No metadata: the <title> and og:title often carry the site's name
    # or slogan rather than the headline, and the metadata pass searches the whole page for dates.
    text = extract(tree, favor_recall=True, include_comments=False, include_tables=False, with_metadata=False) or ""
    # One block per line in trafilatura's output; blank lines between them keep a run of similar-length lines from
    # reading as one hard-wrapped paragraph to mt.cleaning.
    blocks = [line.strip() for line in text.splitlines() if line.strip()]
    if not blocks:
        raise InputError(f"{label}: no article text found in the HTML page")
    # The headline often stands outside the <article> element the text came from; one the top of the text already
    # states (under a kicker or a breadcrumb) is not repeated, and one of a word or two is a logo, not a headline.
    if len(headline.split()) >= _MIN_HEADLINE_WORDS:
        _place_headline(blocks, headline)
    return "\n\n".join(blocks)


def _place_headline(blocks: list[str], headline: str) -> None:
    """Put the headline first unless the top of the text states it; one the extractor cut at a <br> is rejoined."""
    top = blocks[:_HEADLINE_SEARCH_BLOCKS]
    for start in range(len(top)):
        for end in range(start + 2, len(top) + 1):
            if " ".join(top[start:end]) == headline:
                blocks[start:end] = [headline]
                return
    if headline.casefold() not in " ".join(top).casefold():
        blocks.insert(0, headline)
