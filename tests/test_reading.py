"""read_text: encodings, newline normalisation, and one-line InputErrors for everything that is not text."""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

import pytest

from mt.errors import InputError
from mt.reading import read_text

TEXT = "Habari ya leo.\nمرحبا بالعالم.\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"


def _write(tmp_path: Path, data: bytes, name: str = "in.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # BOM in native order
        b"\xff\xfe" + TEXT.encode("utf-16-le"),
        b"\xfe\xff" + TEXT.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "utf16", "utf16-le-bom", "utf16-be-bom"],
)
def test_decodes_utf8_and_utf16_with_bom(tmp_path: Path, data: bytes) -> None:
    assert read_text(_write(tmp_path, data)) == TEXT


def test_crlf_and_cr_become_lf(tmp_path: Path) -> None:
    assert read_text(_write(tmp_path, b"one\r\ntwo\rthree\n")) == "one\ntwo\nthree\n"


def test_stdin_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode("utf-8"))))
    assert read_text("-") == TEXT


def _error(source: object) -> str:
    with pytest.raises(InputError) as info:
        read_text(source)  # type: ignore[arg-type]
    message = str(info.value)
    assert "\n" not in message
    return message


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    message = _error(path)
    assert str(path) in message and "no such file" in message


def test_directory(tmp_path: Path) -> None:
    assert "directory" in _error(tmp_path)


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n  "], ids=["empty", "whitespace"])
def test_empty_or_blank_file(tmp_path: Path, data: bytes) -> None:
    path = _write(tmp_path, data)
    message = _error(path)
    assert str(path) in message and ("empty" in message or "whitespace" in message)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PNG, "PNG"),
        (gzip.compress(b"hello world"), "gzip"),
        (b"abc\x00def", "NUL"),
        (bytes(range(1, 9)) * 40, "control"),
    ],
    ids=["png", "gzip", "nul", "controls"],
)
def test_binary_file(tmp_path: Path, data: bytes, kind: str) -> None:
    path = _write(tmp_path, data, "image.bin")
    message = _error(path)
    assert "binary" in message and kind in message and str(path) in message


def test_invalid_utf8_names_byte_offset(tmp_path: Path) -> None:
    path = _write(tmp_path, b"Habari " + b"\xff\xfe" + b" nzuri")
    message = _error(path)
    assert "invalid UTF-8" in message and "byte offset 7" in message and str(path) in message


def test_invalid_utf8_offset_counts_the_bom(tmp_path: Path) -> None:
    message = _error(_write(tmp_path, b"\xef\xbb\xbfab\xc3("))
    assert "byte offset 5" in message


def test_latin1_file_is_refused(tmp_path: Path) -> None:
    assert "invalid UTF-8" in _error(_write(tmp_path, "café au lait".encode("latin-1")))


def test_hidden_files_are_not_articles(tmp_path: Path) -> None:
    from mt.reading import article_files

    for name in ("b.txt", ".a.txt", "._b.txt", "c.html", "notes.md"):
        (tmp_path / name).write_text("Rais alihutubia taifa jana.", encoding="utf-8")
    assert [p.name for p in article_files(tmp_path)] == ["b.txt", "c.html"]


def test_a_folder_of_language_subfolders_gets_a_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from eval.cli import main

    for lang in ("sw", "en"):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "a.txt").write_text("Rais alihutubia taifa jana.", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    for argv in (["align", "--auto", str(tmp_path), "--no-mt"], ["run", str(tmp_path), "-o", str(tmp_path / "out")]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert err.endswith("no articles (*.txt, *.html); articles are read from the folder itself, not from its "
                            "subfolders (en, sw)"), err


def test_files_of_a_folder_that_are_not_read_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # An English article saved as en.md was left out in silence: "no English article in DIR".
    from mt.reading import article_files

    for name in ("sw.txt", "en.md", "page.html", "manifest.json", "old.tsv", ".hidden.txt~", "notes.docx"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in article_files(tmp_path)] == ["page.html", "sw.txt"]
    err = capsys.readouterr().err
    assert err == "mtk: not read as articles (only .txt and saved web pages are): en.md, notes.docx\n"
