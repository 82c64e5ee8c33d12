"""Articles given by URL: fetch the page over HTTP(S), with clear one-line errors, then read it like a saved page.

The standard library's urllib is enough for one GET per article (redirects, proxies from the environment, TLS);
what it lacks is done here: limits on size and time, a content-type check, a check that the whole body arrived, and
messages that say what went wrong in one line.
"""

from __future__ import annotations

import http.client
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from typing import IO

from mt.errors import InputError

URL_SCHEMES = ("http://", "https://")
# Per network operation (connecting, each read) ...
TIMEOUT_S = 30.0
# ... and for the whole page: a server trickling a byte a second never trips the first.
TOTAL_TIMEOUT_S = 120.0
# A news page with inline images is a few MB; anything much larger is not an article.
MAX_BYTES = 50 * 1024 * 1024
# Some sites refuse urllib's default agent; this names the tool honestly.
USER_AGENT = "mtk/0.1 (news translation and alignment; +https://pypi.org/project/mtk/)"
_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")
_ID_CHARS = re.compile(r"[^\w.-]+")
# Last path segments that name a page type, not the article: the segment before them does.
_GENERIC_SEGMENTS = frozenset({"index", "amp", "default", "main", "article", "story", "print"})
# Query parameters that track the click, not name the article.
_TRACKING = re.compile(r"utm_|fbclid$|gclid$|ocid$|ref$|at_", re.IGNORECASE)
_CHUNK = 65536


def is_url(source: str) -> bool:
    """True when `source` is an http:// or https:// address rather than a file name."""
    return source.strip().lower().startswith(URL_SCHEMES)


def url_doc_id(url: str) -> str:
    """An article id for a URL: its last telling path segment without a suffix ("morocco-israel-deal"), else its host.

    Page-type segments after it (.../morocco-israel-deal/index.html, .../amp) are left out; a path of nothing else
    keeps them. A query (article.php?id=7) is kept in it, tracking parameters aside, so two articles of one site get
    two ids."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        host = parts.hostname or "page"
    except ValueError:
        return "page"
    names: list[str] = []
    for segment in reversed([s for s in parts.path.split("/") if s]):
        name = urllib.parse.unquote(segment)
        if "." in name.strip("."):
            name = name.rsplit(".", 1)[0]
        if name.lower() not in _GENERIC_SEGMENTS:
            names = [name]  # the page-type segments after it named no article
            break
        names.insert(0, name)
    name = "-".join(names) or host
    query = [f"{k}-{v}" for k, v in urllib.parse.parse_qsl(parts.query) if not _TRACKING.match(k)]
    if query:
        name += "-" + "-".join(query)
    return _ID_CHARS.sub("-", name).strip("-.") or host


# "scheme://user:password@": matched as text, so that a malformed address ("http://u:p@[::1") is covered too.
_PASSWORD = re.compile(r"(://[^/@:\s]*:)[^/@\s]*@")


def without_password(address: str) -> str:
    """`address` with the password of a "user:password@" part, if any, shown as ***."""
    return _PASSWORD.sub(r"\1***@", address)


def _quoted(url: str) -> str:
    """`url` with spaces and non-ASCII characters percent-encoded (pasted Arabic slugs often are not)."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.username or parts.password:
        raise InputError("a user name or password in the URL is not supported")  # fetch names the URL
    host = parts.hostname.encode("idna").decode("ascii") if parts.hostname else ""
    netloc = (f"[{host}]" if ":" in host else host) + ("" if parts.port is None else f":{parts.port}")  # [IPv6]
    return urllib.parse.urlunsplit((parts.scheme, netloc, urllib.parse.quote(parts.path, safe="/%:@!$&'()*+,;=~"),
                                    urllib.parse.quote(parts.query, safe="=&%/:+,;?@~"), ""))


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only (urllib would follow one to ftp://)."""

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: http.client.HTTPMessage, newurl: str) -> urllib.request.Request | None:
        """The request for the redirect target; InputError when it leaves http(s)."""
        if not is_url(newurl):
            raise InputError(f"redirected to {newurl.split(':', 1)[0]}://, which is not a web page")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, timeout: float = TIMEOUT_S, max_bytes: int = MAX_BYTES,
          total_timeout: float = TOTAL_TIMEOUT_S) -> bytes:
    """The body of a web page, as UTF-8 when the server names another charset; InputError naming the URL on failure."""
    url = url.strip()
    shown = without_password(url)  # an error message ends up in logs and bug reports
    try:
        request = urllib.request.Request(_quoted(url), headers={"User-Agent": USER_AGENT,
                                                                 "Accept": "text/html,*/*;q=0.5"})
        opener = urllib.request.build_opener(_HttpOnlyRedirects)
        with opener.open(request, timeout=timeout) as response:
            content_type = response.headers.get_content_type()
            if content_type not in _TEXT_TYPES:
                raise InputError(f"not a web page ({content_type})")
            body = _read_body(response, max_bytes, time.monotonic() + total_timeout, total_timeout)
            body = _decompressed(body, response.headers.get("Content-Encoding", ""), max_bytes)
            charset = response.headers.get_content_charset()
    except InputError as exc:
        raise InputError(f"{shown}: {exc}") from None
    except urllib.error.HTTPError as exc:
        raise InputError(f"{shown}: HTTP {exc.code} {_one_line(exc.reason)}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise InputError(f"{shown}: no answer within {timeout:g} s") from None
        raise InputError(f"{shown}: cannot fetch ({_one_line(exc.reason)})") from None
    except TimeoutError:
        raise InputError(f"{shown}: no answer within {timeout:g} s") from None
    except http.client.IncompleteRead as exc:
        raise InputError(f"{shown}: the connection closed after {len(exc.partial)} bytes of the page") from None
    except (http.client.HTTPException, OSError, ValueError, UnicodeError) as exc:
        # Not HTTP at all, an overlong header, a reset connection, a malformed address.
        raise InputError(f"{shown}: cannot fetch ({_one_line(exc)})") from None
    return _as_utf8(body, charset)


def _read_body(response: http.client.HTTPResponse, max_bytes: int, deadline: float, total_timeout: float) -> bytes:
    """The whole body, in chunks, within the size cap and the deadline; InputError when it is cut short."""
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(_CHUNK):
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        if time.monotonic() > deadline:
            raise InputError(f"page not received within {total_timeout:g} s")
    expected = response.headers.get("Content-Length", "")
    # read() returns what came before the server closed: a body shorter than announced is half an article.
    if expected.isdigit() and not response.headers.get("Content-Encoding") and size < int(expected):
        raise InputError(f"the connection closed after {size} of {expected} bytes of the page")
    return b"".join(chunks)


def _decompressed(body: bytes, encoding: str, max_bytes: int) -> bytes:
    """The body without a gzip or deflate Content-Encoding (sent by some servers even unasked)."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise InputError(f"the page is sent with Content-Encoding {encoding}, which mtk cannot read")
    try:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS)
        out = inflater.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise InputError(f"the page's {encoding} data is corrupt ({exc})") from None
    if len(out) > max_bytes:
        raise _too_large(max_bytes)
    return out


def _too_large(max_bytes: int) -> InputError:
    """The error for a page (or its decompressed body) over the size cap."""
    return InputError(f"page larger than {max_bytes // (1024 * 1024)} MB; save the article and give the file")


def _one_line(reason: object) -> str:
    """An exception or a URLError reason as a short phrase on one line."""
    text = getattr(reason, "strerror", None) or str(reason)
    lines = str(text).strip().splitlines()
    return " ".join(lines[0].split()) if lines else type(reason).__name__


def _as_utf8(body: bytes, charset: str | None) -> bytes:
    """The body as UTF-8 bytes, decoded with the charset the HTTP header names when it is not UTF-8 already."""
    try:
        body.decode("utf-8")
        # Valid UTF-8 is UTF-8 whatever the header says: a header naming ISO-8859-1 or UTF-16 for a UTF-8 page is a
        # common server default, and decoding by it would turn Arabic into mojibake without any error.
        return body
    except UnicodeDecodeError:
        pass
    if not charset:
        return body  # the page's own declaration and detection decide
    try:
        return body.decode(charset).encode("utf-8")
    except (LookupError, UnicodeDecodeError):
        return body
