"""Read an input article as text: decode UTF-8 or BOM-marked UTF-16/32, refuse binary or undecodable files.

read_article also takes saved web pages: HTML is recognised by its content and its article text extracted (mt.html).
"""

from __future__ import annotations

import json
import os
import re
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from mt.errors import InputError

# Magic numbers of formats people hand us by mistake; named so the error says what the file is.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\x1f\x8b", "gzip data"),
    (b"PK\x03\x04", "zip archive"),
    (b"%PDF-", "PDF document"),
    (b"\x7fELF", "executable"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
)
# Byte-order marks and the codec that reads text starting with one (the mark included). Checked longest first: the
# UTF-32 LE BOM starts with the UTF-16 LE one.
BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v\x1b")
_MAX_CONTROL_SHARE = 0.10
_SNIFF_BYTES = 8192


def parse_json(text: str, label: str, position: bool = True) -> Any:
    """Parse JSON `text`, or raise a one-line InputError that starts with `label` (a file, or a file and a line)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f" at line {exc.lineno}, column {exc.colno}" if position else ""
        raise InputError(f"{label}: not valid JSON ({exc.msg}{where})") from None
    except (ValueError, RecursionError) as exc:
        # Valid JSON that Python refuses to load: a number of over 4,300 digits, or nesting too deep to parse.
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc).split(";")[0]
        raise InputError(f"{label}: cannot be read as JSON ({reason})") from None


def read_text(source: str | os.PathLike[str]) -> str:
    """Read a file ('-' for stdin) and return its text with LF newlines; InputError on anything that is not text."""
    return _plain_text(*_read_bytes(source))


def read_article(source: str | os.PathLike[str]) -> tuple[str, bool]:
    """Read an article (a file, '-' for stdin, or an http(s) URL) as text, extracting the article from an HTML page.

    Returns (text, was_html).
    """
    from mt.fetch import fetch, is_url
    from mt.html import (
        ARCHIVE_SUFFIXES,
        HTML_SUFFIXES,
        decode_page,
        has_markup,
        html_article_text,
        looks_like_html,
        looks_like_web_archive,
    )

    name = str(source)
    if is_url(name):
        label, data = name, fetch(name)
        suffix = Path(urllib.parse.urlsplit(name).path).suffix.lower()
    else:
        label, data = _read_bytes(source)
        suffix = "" if name == "-" else Path(source).suffix.lower()
    if not data.strip():
        return _plain_text(label, data), False  # says empty or whitespace-only
    if suffix in ARCHIVE_SUFFIXES or looks_like_web_archive(data):
        raise InputError(f"{label}: a web archive (.mhtml) cannot be read; save the page as "
                         "'Webpage, HTML only' or copy its text")
    # A page recognised by its start is HTML whatever else it holds (a stray NUL byte in a script included).
    page: bytes | str = data
    is_html = looks_like_html(data)
    if not is_html and suffix in HTML_SUFFIXES:
        kind = None if data.startswith(tuple(bom for bom, _ in BOMS)) else _binary_kind(data)
        if kind:
            raise InputError(f"{label}: binary file ({kind}), expected an HTML page")
        # A fragment (a copied <article>) is HTML; a text file given an .html name is read as text.
        page = decode_page(data)
        is_html = has_markup(page)
    if is_html:
        return normalize_newlines(html_article_text(page, label)), True
    return _plain_text(label, data), False


# How messages name standard input ("-"), as Python and many tools do; its article id is "stdin" (article_id).
STDIN_LABEL = "<stdin>"


def source_label(source: str | os.PathLike[str]) -> str:
    """How messages name an input: STDIN_LABEL for '-', else the file name or URL as given (displayable)."""
    from mt.fetch import without_password

    # An address's password is not repeated in messages, which end up in logs and bug reports.
    return STDIN_LABEL if str(source) == "-" else displayable(without_password(str(source)))


def article_id(source: str | os.PathLike[str]) -> str:
    """The id outputs name an article by: its file name without the suffix, a URL's (mt.fetch.url_doc_id), or stdin."""
    from mt.fetch import is_url, url_doc_id

    name = str(source)
    if name == "-":
        return "stdin"
    if is_url(name):
        return url_doc_id(name)
    try:
        return displayable(_local_path(name).stem)
    except InputError:
        return displayable(Path(source).stem)  # an address that cannot be read: reading it says why


def displayable(name: str) -> str:
    """`name` (a file name) with each byte that is not UTF-8 shown as U+FFFD, so that it can be written to any output.

    Python holds such bytes of a file name as lone surrogates, which no UTF-8 output (JSONL, TSV, a report) accepts.
    """
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in name)


def refuse_shared_ids(sources: list[str], where: str = "") -> None:
    """InputError when two of `sources` (or one given twice) would be one article id (`where` prefixes the message).

    Outputs are named by id (translations/<id>.txt) and JSONL records name their article by it: two articles under
    one id would overwrite each other or read back as one.
    """
    first_of: dict[str, str] = {}
    for source in sources:
        key = article_id(source)
        if key in first_of:
            raise InputError(f"{where}{first_of[key]} and {source} would both be article {key!r}; "
                             "rename or remove one")
        first_of[key] = source


def _is_article_name(path: Path) -> bool:
    from mt.html import HTML_SUFFIXES

    # Hidden files are an editor's or a system's (".article.txt.swp", macOS "._article.txt"), not the user's articles.
    return not path.name.startswith(".") and path.suffix.lower() in (".txt", *HTML_SUFFIXES)


# Files a folder of articles holds besides them, not worth a word: its manifest and the outputs mtk writes.
_NOT_ARTICLES = (".json", ".jsonl", ".tsv", ".tmx")


def article_files(folder: Path) -> list[Path]:
    """The article files of a folder, sorted: *.txt and saved web pages, not hidden; InputError when two share an id.

    Other files are named on stderr: an article saved as .md or .docx was otherwise missing without a word."""
    files, others = [], []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        if _is_article_name(path):
            files.append(path)
        elif path.suffix.lower() not in _NOT_ARTICLES:
            others.append(path.name)
    if others:
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        print(f"mtk: not read as articles (only .txt and saved web pages are): {shown}", file=sys.stderr)
    refuse_shared_ids([p.name for p in files], where=f"{folder}: ")
    return files


T = TypeVar("T")


def distinct_articles(files: list[Path], load: Callable[[Path], T], texts_of: Callable[[T], list[str]],
                      skipped: dict[str, str]) -> Iterator[tuple[Path, T]]:
    """Each of `files` loaded, in order, except those that fail to load or repeat an earlier file's text.

    Those are put in `skipped` with why, and said on stderr as skipped: one stray file (empty, another language,
    unreadable) should not stop a folder, and nothing is left out silently."""
    seen: dict[tuple[str, ...], str] = {}
    for path in files:
        try:
            item = load(path)
        except InputError as exc:
            why = str(exc)
        else:
            first = seen.setdefault(tuple(texts_of(item)), path.name)
            if first == path.name:
                yield path, item
                continue
            # A saved copy of the same page would be paired and counted twice: every corpus line and total doubled.
            why = f"the same text as {first}"
        skipped[path.name] = why
        print(f"mtk: warning: skipping {path.name}: {why}", file=sys.stderr)


def no_articles_error(folder: Path, where: str) -> InputError:
    """The error for a folder with no article files, pointing at subfolders that hold some (sw/, ar/, en/)."""
    holding = sorted(d.name for d in folder.iterdir() if d.is_dir() and not d.name.startswith(".")
                     and any(p.is_file() and _is_article_name(p) for p in d.iterdir()))
    hint = ""
    if holding:
        shown = ", ".join(holding[:3]) + (", ..." if len(holding) > 3 else "")
        hint = f"; articles are read from the folder itself, not from its subfolders ({shown})"
    return InputError(f"{where}no articles (*.txt, *.html){hint}")


def _plain_text(label: str, data: bytes) -> str:
    """Decoded text with LF newlines; InputError for empty or whitespace-only content."""
    text = decode_bytes(data, label)
    if not text.strip():
        raise InputError(f"{label}: file is empty" if not text else f"{label}: file contains only whitespace")
    return normalize_newlines(text)


def split_lines(text: str) -> list[str]:
    """The lines of `text`, broken at line feeds only (as wc -l counts); a final one ends the last line."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def normalize_newlines(text: str) -> str:
    """Turn CRLF and lone CR line ends into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes, label: str = "<input>") -> str:
    """Decode UTF-8 (BOM optional) or UTF-16/32 with a BOM; InputError naming `label` for binary or bad bytes."""
    if not data:
        raise InputError(f"{label}: file is empty")
    for bom, codec in BOMS:
        if data.startswith(bom):
            if codec == "utf-8-sig":
                return _decode_utf8(data[len(bom) :], label, offset=len(bom))
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(f"{label}: invalid {codec.upper()} at byte offset {exc.start}") from None
    kind = _binary_kind(data)
    if kind:
        raise InputError(f"{label}: binary file ({kind}), expected UTF-8 or UTF-16 text")
    return _decode_utf8(data, label, offset=0)


def _decode_utf8(data: bytes, label: str, offset: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise InputError(
            f"{label}: invalid UTF-8 at byte offset {exc.start + offset} (byte 0x{bad}); convert the file to UTF-8"
        ) from None


def _binary_kind(data: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        return "NUL bytes; UTF-16 needs a byte-order mark"
    controls = sum(1 for b in head if (b < 0x20 or b == 0x7F) and b not in _TEXT_CONTROLS)
    if controls > _MAX_CONTROL_SHARE * len(head):
        return "mostly control bytes"
    return None


# "www.bbc.com/swahili/..." or "bbc.com/swahili/...": an address typed without its scheme.
_BARE_ADDRESS = re.compile(r"(?:www\.|[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|info|co|go|ac|tz|ke|ug|news)/)", re.IGNORECASE)


def missing_file(path: str | os.PathLike[str]) -> str:
    """The message for a file that is not there, with a hint when it looks like a web address without https://."""
    hint = " (a web address needs https:// in front)" if _BARE_ADDRESS.match(str(path)) else ""
    return f"{path}: no such file{hint}"


# An address with a scheme: Path() would read "file:///tmp/a.html" as the file "file:/tmp/a.html".
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]+)://")


def _local_path(source: str) -> Path:
    """The file `source` names: a path, or a file:// address (as a browser's address bar shows a saved page)."""
    scheme = _SCHEME.match(source)
    if scheme is None:
        return Path(source)
    label = source_label(source)
    if scheme.group(1).lower() != "file":
        raise InputError(f"{label}: only http:// and https:// addresses can be fetched")
    parts = urllib.parse.urlsplit(source)
    if parts.netloc not in ("", "localhost"):
        raise InputError(f"{label}: a file:// address of another machine ({parts.hostname}) cannot be read")
    return Path(urllib.request.url2pathname(parts.path))


def _read_bytes(source: str | os.PathLike[str]) -> tuple[str, bytes]:
    if str(source) == "-":
        if sys.stdin is None:  # started with standard input closed (<&-): Python leaves it None
            raise InputError("standard input is closed; give a file instead of -")
        return STDIN_LABEL, sys.stdin.buffer.read()
    if not str(source).strip():
        raise InputError("an empty file name was given")  # Path("") is ".", the current folder
    path = _local_path(str(source))
    label = str(path)
    if not path.exists():
        raise InputError(missing_file(label))
    if path.is_dir():
        raise InputError(f"{label}: is a directory, expected a text file")
    try:
        return label, path.read_bytes()
    except OSError as exc:
        raise InputError(f"{label}: cannot read file ({exc.strerror or exc})") from None
