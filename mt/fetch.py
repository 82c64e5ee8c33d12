"""Articles given by URL: fetch the page over HTTP(S), with clear one-line errors, then read it like a saved page.

The standard library's urllib is enough for one GET per article (redirects, proxies from the environment, TLS);
what it lacks is done here: a size cap, a content-type check and messages that say what went wrong.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request

from mt.errors import InputError

URL_SCHEMES = ("http://", "https://")
TIMEOUT_S = 30.0
# A news page with inline images is a few MB; anything much larger is not an article.
MAX_BYTES = 50 * 1024 * 1024
# Some sites refuse urllib's default agent; this names the tool honestly.
USER_AGENT = "mtk/0.1 (news translation and alignment; +https://pypi.org/project/mtk/)"
_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")
_ID_CHARS = re.compile(r"[^\w.-]+")


def is_url(source: str) -> bool:
    """True when `source` is an http:// or https:// address rather than a file name."""
    return source.lower().startswith(URL_SCHEMES)


def url_doc_id(url: str) -> str:
    """An article id for a URL: its last path segment without a suffix ("morocco-israel-deal"), else its host."""
    parts = urllib.parse.urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    name = urllib.parse.unquote(segments[-1]) if segments else parts.hostname or "page"
    if segments and "." in name.strip("."):
        name = name.rsplit(".", 1)[0]
    return _ID_CHARS.sub("-", name).strip("-.") or (parts.hostname or "page")


def fetch(url: str, timeout: float = TIMEOUT_S, max_bytes: int = MAX_BYTES) -> bytes:
    """The body of a web page, as UTF-8 when the server names another charset; InputError naming the URL on failure."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            content_type = response.headers.get_content_type()
            if content_type not in _TEXT_TYPES:
                raise InputError(f"{url}: not a web page ({content_type})")
            body: bytes = response.read(max_bytes + 1)
            charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as exc:
        raise InputError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise InputError(f"{url}: no answer within {timeout:g} s") from None
        raise InputError(f"{url}: cannot fetch ({_reason(reason)})") from None
    except TimeoutError:
        raise InputError(f"{url}: no answer within {timeout:g} s") from None
    except (OSError, ValueError) as exc:  # a reset connection, a malformed address
        raise InputError(f"{url}: cannot fetch ({_reason(exc)})") from None
    if len(body) > max_bytes:
        raise InputError(f"{url}: page larger than {max_bytes // (1024 * 1024)} MB; save the article and give the file")
    return _as_utf8(body, charset)


def _reason(reason: object) -> str:
    """An OSError or a URLError reason as a short phrase, one line."""
    text = getattr(reason, "strerror", None) or str(reason)
    return " ".join(str(text).split()) or type(reason).__name__


def _as_utf8(body: bytes, charset: str | None) -> bytes:
    """The body re-encoded as UTF-8 when the HTTP header names another charset (pages often declare it only there)."""
    if not charset or charset.lower().replace("_", "-") in ("utf-8", "utf8"):
        return body
    try:
        return body.decode(charset).encode("utf-8")
    except (LookupError, UnicodeDecodeError):
        return body  # a wrong or unknown header: the page's own declaration and detection decide

