"""Articles given by URL, fetched from a real HTTP server on this machine (no network beyond localhost)."""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from test_html_input import news_page

from eval.cli import main
from mt.errors import InputError
from mt.fetch import fetch, url_doc_id
from mt.loader import load_document
from mt.reading import source_label

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SW = SEEDS / "000_c34c121e1dd8a5b8.txt"
EN = SEEDS / "003_644d7ec9ad0a14b6.txt"
ARABIC = "اتفق المغرب وإسرائيل على تعزيز تعاونهما العسكري من خلال توسيعه ليشمل المخابرات والأمن السيبراني."


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# path -> (status, content type, body)
PAGES: dict[str, tuple[int, str, bytes]] = {
    "/habari/morocco-israel-ushirikiano.html": (200, "text/html; charset=utf-8", news_page(_lines(SW)).encode()),
    "/plain/000.txt": (200, "text/plain; charset=utf-8", SW.read_bytes()),
    # The charset only in the HTTP header, as many Arabic sites send it.
    "/ar/story": (200, "text/html; charset=windows-1256",
                  f"<html><body><article><p>{ARABIC}</p><p>{ARABIC[:50]} الرباط.</p></article></body></html>"
                  .encode("cp1256")),
    "/photo.jpg": (200, "image/jpeg", b"\xff\xd8\xff" + bytes(200)),
    # A server default that names the wrong charset for a UTF-8 page.
    "/latin1": (200, "text/html; charset=iso-8859-1",
                f"<html><body><article><p>{ARABIC}</p></article></body></html>".encode()),
    "/gz": (200, "text/html", gzip.compress(news_page(_lines(SW)).encode())),
    "/sw/habári kuu": (200, "text/html", news_page(_lines(SW)).encode()),
    "/gone": (404, "text/html", b"<html><body>Not here</body></html>"),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(2)
        if self.path == "/garbage":
            self.wfile.write(b"GARBAGE NOT HTTP\r\n\r\n")
            return
        if self.path in ("/cut", "/trickle"):
            body = news_page(_lines(SW)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.path == "/cut":
                self.wfile.write(body[: len(body) // 2])  # then the connection closes
                return
            for k in range(40):
                self.wfile.write(body[k:k + 1])
                self.wfile.flush()
                time.sleep(0.05)
            return
        if self.path in ("/loop", "/to-ftp"):
            self.send_response(302)
            self.send_header("Location", "/loop" if self.path == "/loop" else "ftp://127.0.0.1/x")
            self.end_headers()
            return
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/habari/morocco-israel-ushirikiano.html")
            self.end_headers()
            return
        status, content_type, body = PAGES.get(urllib.parse.unquote(self.path), (404, "text/plain", b"no"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if self.path == "/gz":
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def test_page_by_url_reads_like_the_file(server: str) -> None:
    doc = load_document(f"{server}/habari/morocco-israel-ushirikiano.html")
    assert doc.texts == load_document(SW).texts and doc.lang == "sw"
    assert doc.doc_id == "morocco-israel-ushirikiano"
    # Redirects are followed; plain text served as such is read as text.
    assert load_document(f"{server}/moved").texts == doc.texts
    assert load_document(f"{server}/plain/000.txt").texts == doc.texts


def test_charset_named_only_by_the_server(server: str) -> None:
    doc = load_document(f"{server}/ar/story")
    assert doc.lang == "ar" and doc.texts[0] == ARABIC and doc.doc_id == "ar"  # "story" names a page type


def test_servers_that_bend_the_rules(server: str) -> None:
    sw = load_document(SW).texts
    # A wrong charset header does not garble a UTF-8 page; gzip sent unasked is undone; a pasted URL with a space
    # and an accented letter is quoted.
    assert load_document(f"{server}/latin1").texts == [ARABIC]
    assert load_document(f"{server}/gz").texts == sw
    doc = load_document(f"{server}/sw/habári kuu")
    assert doc.texts == sw and doc.doc_id == "habári-kuu"


@pytest.mark.parametrize("path, message", [
    ("/gone", "HTTP 404 Not Found"),
    ("/photo.jpg", "not a web page (image/jpeg)"),
    ("/cut", "the connection closed after"),
    ("/loop", "HTTP 302 The HTTP server returned a redirect error that would lead to an infinite loop."),
    ("/to-ftp", "redirected to ftp://, which is not a web page"),
    ("/garbage", "cannot fetch ("),
])
def test_bad_urls_are_named_in_one_line(path: str, message: str, server: str) -> None:
    with pytest.raises(InputError) as caught:
        load_document(server + path)
    assert str(caught.value).startswith(f"{server}{path}: {message}") and "\n" not in str(caught.value)


def test_unreachable_host_and_size_cap(server: str) -> None:
    with socket.socket() as s:  # a port nobody listens on: bound, then closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(InputError, match=rf"http://127.0.0.1:{port}/x: cannot fetch \(.*refused"):
        fetch(f"http://127.0.0.1:{port}/x")
    with pytest.raises(InputError, match=r"/slow: no answer within 0.3 s"):
        fetch(f"{server}/slow", timeout=0.3)
    with pytest.raises(InputError, match=r"/trickle: page not received within 0.5 s"):
        fetch(f"{server}/trickle", timeout=5, total_timeout=0.5)
    with pytest.raises(InputError, match="a user name or password in the URL is not supported"):
        fetch(f"http://someone@127.0.0.1:{port}/x")
    # Named once, and without the password (messages end up in logs and bug reports).
    with pytest.raises(InputError) as caught:
        fetch(f"http://someone:secret@127.0.0.1:{port}/x")
    assert str(caught.value) == (f"http://someone:***@127.0.0.1:{port}/x: a user name or password in the URL is not "
                                 "supported")
    with pytest.raises(InputError, match="page larger than 0 MB"):
        fetch(f"{server}/plain/000.txt", max_bytes=100)


def test_a_file_address_reads_the_file_and_other_schemes_are_refused(tmp_path: Path) -> None:
    # A browser's address bar shows a saved page as file:///...; Path() read that as "file:/..." and found nothing.
    page = tmp_path / "habari kuu.txt"
    page.write_text(SW.read_text(encoding="utf-8"), encoding="utf-8")
    doc = load_document(page.as_uri())
    assert doc.texts == load_document(SW).texts and doc.doc_id == "habari kuu"
    for address, message in (("ftp://127.0.0.1/x.txt", "only http:// and https:// addresses can be fetched"),
                             ("file://elsewhere/x.txt", "a file:// address of another machine (elsewhere)")):
        with pytest.raises(InputError) as caught:
            load_document(address)
        assert str(caught.value).startswith(f"{address}: {message}")
    # A password is shown as *** whatever the scheme, and in the name commands give an input.
    with pytest.raises(InputError) as caught:
        load_document("ftp://bob:hunter2@127.0.0.1/x.txt")
    assert str(caught.value).startswith("ftp://bob:***@127.0.0.1/x.txt: only http")
    assert source_label("http://u:p@[::1/a") == "http://u:***@[::1/a"


@pytest.mark.parametrize("url, expected", [
    ("https://www.bbc.com/swahili/articles/c3g4x1p5e2lo", "c3g4x1p5e2lo"),
    ("https://example.org/news/2023/07/morocco-israel.html?utm_source=x#top", "morocco-israel"),
    ("https://example.org/", "example.org"),
    ("https://example.org/news/2021/index.html", "2021"),
    ("http://host/morocco-israel-deal/index.html?utm_source=x&id=5", "morocco-israel-deal-id-5"),
    ("https://example.org/habari/morocco-israel-deal/amp?fbclid=abc", "morocco-israel-deal"),
    ("https://example.org/index.html", "index"),
    ("https://example.org/article.php?id=7&utm_medium=social", "article-id-7"),
    ("http://[::1", "page"),
    ("https://example.org/ar/%D8%A7%D9%84%D9%85%D8%BA%D8%B1%D8%A8", "المغرب"),
])
def test_url_doc_ids(url: str, expected: str) -> None:
    assert url_doc_id(url) == expected


def test_align_two_urls(server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "a.jsonl"
    rc = main(["align", f"{server}/habari/morocco-israel-ushirikiano.html", str(EN), "--no-mt", "-o", str(out)])
    err = capsys.readouterr().err
    assert rc == 0, err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["src_doc"] for r in records} == {"morocco-israel-ushirikiano"}
    assert [r["src"] for r in records if r["src"] is not None] == load_document(SW).texts
    # A failed fetch is one line and leaves no output.
    out2 = tmp_path / "b.jsonl"
    assert main(["align", f"{server}/gone", str(EN), "--no-mt", "-o", str(out2)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"mtk: error: SRC {server}/gone: HTTP 404 Not Found"] and not out2.exists()
