"""Saved web pages as input: the article text is extracted (mt.html) and then read like a pasted page."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pytest

from eval.cli import main
from mt.errors import InputError
from mt.html import looks_like_html
from mt.loader import load_document
from mt.reading import article_files

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
SW = SEEDS / "000_c34c121e1dd8a5b8.txt"
EN = SEEDS / "003_644d7ec9ad0a14b6.txt"
ARABIC = "اتفق المغرب وإسرائيل على تعزيز تعاونهما العسكري من خلال توسيعه ليشمل المخابرات والأمن السيبراني."


def news_page(lines: list[str], title: str = "Habari - Tovuti", headline: str = "") -> str:
    """A page as a browser saves it: the article's lines as paragraphs amid scripts, menus, banners and a footer."""
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<script>window.dataLayer = window.dataLayer || []; function track() {{ return 1; }}</script>
<style>body {{ font-family: serif; }}</style></head>
<body><header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport</a></li></ul></nav></header>
<div class="cookie-banner">We use cookies to improve our services. <button>Accept</button></div>
{f"<h1>{html.escape(headline)}</h1>" if headline else ""}
<main><article>
{body}
</article>
<aside><h2>Related</h2><ul><li><a href="/a">Floods hit the coast</a></li><li><a href="/b">Markets rally</a></li></ul>
</aside></main>
<footer><p>&copy; 2023 Example News. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>"""


def _seed_page(seed: Path, folder: Path, name: str | None = None) -> Path:
    lines = [line.strip() for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    page = folder / (name or f"{seed.stem}.html")
    page.write_text(news_page(lines), encoding="utf-8")
    return page


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name[:3])
def test_saved_page_reads_like_its_text(seed: Path, tmp_path: Path) -> None:
    page = load_document(_seed_page(seed, tmp_path))
    text = load_document(seed)
    # Menus, banner, related links and footer are gone; the seed's own boilerplate is dropped as in the text file.
    assert page.texts == text.texts
    assert page.title == text.title and page.lang == text.lang


def test_headline_outside_the_article_comes_from_the_title(tmp_path: Path) -> None:
    lines = [line for line in SW.read_text(encoding="utf-8").splitlines()[4:] if line.strip()]
    headline = "Morocco na Israel zataka kupanua ushirikiano wao"
    page = tmp_path / "page.html"
    page.write_text(news_page(lines, title=f"{headline} - Habari", headline=headline), encoding="utf-8")
    doc = load_document(page)
    assert doc.texts[0] == headline and doc.title == headline
    assert doc.texts.count(headline) == 1
    # A title of a word or two is the site's, not a headline.
    page.write_text(news_page(lines, title="Habari"), encoding="utf-8")
    assert "Habari" not in load_document(page).texts


def test_site_name_in_the_title_is_not_a_headline(tmp_path: Path) -> None:
    lines = [line for line in SW.read_text(encoding="utf-8").splitlines()[4:] if line.strip()]
    page = tmp_path / "page.html"
    page.write_text(news_page(lines, title="BBC News Swahili - Habari za hivi punde"), encoding="utf-8")
    doc = load_document(page)
    assert doc.texts == load_document(SW).texts[1:] and doc.title is None


def test_headline_cut_by_a_line_break_is_one_sentence(tmp_path: Path) -> None:
    lines = [line for line in SW.read_text(encoding="utf-8").splitlines()[4:] if line.strip()]
    page = tmp_path / "page.html"
    page.write_text(news_page(lines, headline="HEAD").replace("<h1>HEAD</h1>", "<h1>Morocco na Israel<br>zataka "
                                                                             "kupanua ushirikiano</h1>"),
                    encoding="utf-8")
    doc = load_document(page)
    assert doc.texts[0] == doc.title == "Morocco na Israel zataka kupanua ushirikiano"


def test_inline_date_and_quotation_stay_in_their_sentence(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(news_page([
        ("The two countries held their first committee meeting on <time datetime='2023-07-18'>Tuesday, 18 July</time> "
        "in Rabat, the army said."),
        ("The army called the cooperation <q>a partnership built on <em>mutual</em> trust</q> in a statement issued "
        "after the meeting.")]).replace("&lt;", "<").replace("&gt;", ">").replace("&#x27;", "'"), encoding="utf-8")
    assert load_document(page).texts == [
        "The two countries held their first committee meeting on Tuesday, 18 July in Rabat, the army said.",
        ("The army called the cooperation \u201ca partnership built on mutual trust\u201d in a statement issued after "
        "the meeting.")]


@pytest.mark.parametrize("layout", ["unclosed-font", "inline-image"])
def test_nothing_lost_on_deep_or_huge_pages(layout: str, tmp_path: Path) -> None:
    sentences = [f"Habari nambari {i} inaeleza mkutano wa Rabat kwa kina zaidi." for i in range(300)]
    if layout == "unclosed-font":
        # Old pages never close <font> or <p>: every paragraph nests one level deeper (libxml2 stops at 255).
        markup = "<html><body><div>" + "".join(f"<p><font size=3>{s}" for s in sentences) + "</div></body></html>"
    else:
        # A page saved with its images inlined (SingleFile): one 8 MB attribute before the text.
        image = "data:image/png;base64," + "A" * 8_000_000
        markup = (f"<html><body><img src='{image}'><article>"
                  + "".join(f"<p>{s}</p>" for s in sentences) + "</article></body></html>")
    page = tmp_path / "page.html"
    page.write_text(markup, encoding="utf-8")
    assert load_document(page).texts == sentences


@pytest.mark.parametrize("declared", [True, False], ids=["meta-charset", "detected"])
def test_page_in_a_legacy_encoding(declared: bool, tmp_path: Path) -> None:
    meta = '<meta charset="windows-1256">' if declared else ""
    page = tmp_path / "ar.html"
    page.write_bytes(f"<html><head>{meta}</head><body><article><p>{ARABIC}</p><p>{ARABIC[:60]} الرباط.</p>"
                     "</article></body></html>".encode("cp1256"))
    doc = load_document(page)
    assert doc.lang == "ar" and doc.texts[0] == ARABIC


@pytest.mark.parametrize("data, expected", [
    (b"<!DOCTYPE html><html><body></body></html>", True),
    (b"\n  <!-- saved from url=(0014)about:internet -->\n<html lang='sw'>", True),
    (b"\xef\xbb\xbf<html><head><title>x</title></head>", True),
    (b"\xff\xfe" + "<!doctype html><html>".encode("utf-16-le"), True),
    (b"<HEAD><TITLE>Old page</TITLE></HEAD>", True),
    (b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">', True),
    (b"Morocco na Israel <zimekubaliana> kuimarisha ushirikiano.", False),
    (b"<p>a fragment</p>", False),
    (b"<htmlx>", False),
])
def test_looks_like_html(data: bytes, expected: bool) -> None:
    assert looks_like_html(data) is expected


FRAGMENT_SENTENCES = ["Morocco na Israel zimekubaliana kuimarisha ushirikiano wao wa kijeshi na wa ujasusi.",
                      "Mkutano huo ulifanyika mjini Rabat siku ya Jumanne wiki hii."]


@pytest.mark.parametrize("template", [
    "<div><p>{0}</p><p>{1}</p></div>",
    "<article class='story'><div class='story-body'><p>{0}</p><p>{1}</p></div></article>",
    "<p>{0} {1}</p>",
], ids=["div", "one-article", "one-p"])
def test_a_fragment_named_html_is_read_as_html(template: str, tmp_path: Path) -> None:
    page = tmp_path / "fragment.html"
    page.write_text(template.format(*FRAGMENT_SENTENCES), encoding="utf-8")
    doc = load_document(page)
    assert doc.lang == "sw" and doc.texts == FRAGMENT_SENTENCES


def test_plain_text_named_htm_is_read_as_text(tmp_path: Path) -> None:
    page = tmp_path / "article.htm"
    shutil.copy(SW, page)
    assert load_document(page).texts == load_document(SW).texts


def test_page_on_stdin_starting_with_a_script_and_holding_a_nul(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    import io
    import sys

    markup = ("<script>var tracker = '\x00';</script>\n" + news_page(FRAGMENT_SENTENCES)).encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(markup)))
    assert load_document("-").texts == FRAGMENT_SENTENCES


def _bad_align(capsys: pytest.CaptureFixture[str], out: Path, *argv: str | Path) -> str:
    rc = main(["align", *map(str, argv), "--no-mt", "-o", str(out)])
    err = capsys.readouterr().err
    assert rc == 2 and "Traceback" not in err
    # A first run in a fresh cache also says it prepares the encoder; the failure itself is one line.
    lines = [line for line in err.strip().splitlines() if not line.startswith("mtk: preparing")]
    assert len(lines) == 1 and lines[0].startswith("mtk: error: "), err
    assert not out.exists()
    return lines[0]


@pytest.mark.parametrize("data, message", [
    (b"<html><body><script>var x = 1;</script><nav><a href='/'>Home</a></nav></body></html>", "no content sentences"),
    (b"<html><body></body></html>", "no article text found in the HTML page"),
    (b"", "file is empty"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary file (PNG image), expected an HTML page"),
    ((b"From: <Saved by Blink>\nSnapshot-Content-Location: https://example.org/\nSubject: Habari\n"
     b"MIME-Version: 1.0\nContent-Type: multipart/related;\n\ttype=\"text/html\"\n\n------MultipartBoundary--x\n"),
     "a web archive (.mhtml) cannot be read; save the page as 'Webpage, HTML only'"),
], ids=["menus-only", "no-text", "empty", "png", "mhtml"])
def test_bad_pages_fail_in_one_line(data: bytes, message: str, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(data)
    assert message in _bad_align(capsys, tmp_path / "out.jsonl", page, EN)


def test_presplit_refuses_a_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = _seed_page(SW, tmp_path)
    assert "an HTML page has no sentence per line" in _bad_align(capsys, tmp_path / "o.jsonl", page, EN, "--presplit")


def test_folder_articles_and_id_clashes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("a.txt", "b.HTML", "c.htm", "e.shtml", "f.php", "notes.md", "d.jsonl"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in article_files(tmp_path)] == ["a.txt", "b.HTML", "c.htm", "e.shtml", "f.php"]
    (tmp_path / "a.html").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="a.html and a.txt would both be article 'a'"):
        article_files(tmp_path)
    # Said at once, before the encoder is prepared (about 10 s on first use), after the file it does not read.
    capsys.readouterr()
    assert main(["align", "--auto", str(tmp_path), "--no-mt", "-o", str(tmp_path / "o.jsonl")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "mtk: not read as articles (only .txt and saved web pages are): notes.md"
    assert len(err) == 2 and "would both be article 'a'" in err[1]


def test_auto_pairs_saved_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for seed in SEED_FILES:
        if seed.name.startswith(("000", "002")):
            _seed_page(seed, folder)
        else:
            shutil.copy(seed, folder / seed.name)
    out = tmp_path / "all.jsonl"
    rc = main(["align", "--auto", str(folder), "--no-mt", "-o", str(out)])
    err = capsys.readouterr().err
    assert rc == 0, err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted({(r["src_doc"][:3], r["tgt_doc"][:3]) for r in records}) == [
        ("000", "003"), ("001", "003"), ("002", "004")]
    from_page = [r["src"] for r in records if r["src_doc"].startswith("000") and r["src"] is not None]
    assert from_page == load_document(SW).texts


def test_a_crosshead_after_a_read_also_header_whose_links_went_is_kept(tmp_path: Path) -> None:
    # trafilatura removes the link list of a "Soma pia" block and keeps its header: the crosshead after it was
    # dropped as one more teaser title.
    from mt.loader import load_document

    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><article><h1>Mvua kubwa yaleta mafuriko jijini Dar es Salaam</h1>"
        "<p>Mvua kubwa iliyonyesha usiku wa kuamkia jana imesababisha mafuriko katika maeneo mengi ya jiji.</p>"
        "<p>Watu watatu wamethibitishwa kufariki dunia na mamia wengine wamekosa makazi, kwa mujibu wa polisi.</p>"
        "<p>Soma pia:</p><ul><li><a href='/a'>Rais azindua mradi wa maji safi</a></li>"
        "<li><a href='/b'>Simba yaichapa Yanga mabao mawili</a></li></ul>"
        "<h2>Historia ya mafuriko jijini</h2>"
        "<p>Mafuriko ya mwaka 2011 yaliua watu zaidi ya arobaini katika jiji hilo, kwa mujibu wa takwimu.</p>"
        "</article></body></html>", encoding="utf-8")
    doc = load_document(page)
    assert "Historia ya mafuriko jijini" in doc.texts
    assert [(d.reason, d.text) for d in doc.dropped] == [("related-links", "Soma pia:")]


def test_read_also_titles_written_as_link_paragraphs_go_and_the_article_stays(tmp_path: Path) -> None:
    # Teaser titles as link paragraphs survive extraction; they are removed while they are still links, so the
    # crosshead and the pull quote after such blocks stay (the review of a first fix found these titles kept).
    from mt.loader import load_document

    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><article><h1>Mvua kubwa yaleta mafuriko jijini Dar es Salaam</h1>"
        "<p>Mvua kubwa iliyonyesha usiku wa kuamkia jana imesababisha mafuriko katika maeneo mengi ya jiji.</p>"
        "<p>Soma pia:</p><p><a href='/a'>Rais azindua mradi wa maji safi</a></p>"
        "<p><strong><a href='/b'>Simba yaichapa Yanga mabao mawili</a></strong></p>"
        "<h2>Historia ya mafuriko jijini</h2>"
        "<p>Mafuriko ya mwaka 2011 yaliua watu zaidi ya arobaini katika jiji hilo, kwa mujibu wa takwimu.</p>"
        "<p>Soma zaidi</p><ul><li><a href='/c'>Serikali yatoa msaada kwa waathirika wa mafuriko</a></li></ul>"
        "<p>“Tutajenga upya nyumba zote,” waziri alisema.</p></article></body></html>", encoding="utf-8")
    doc = load_document(page)
    assert not any("Simba" in t or "Rais azindua" in t or "msaada" in t for t in doc.texts)
    assert "Historia ya mafuriko jijini" in doc.texts and "“Tutajenga upya nyumba zote,” waziri alisema." in doc.texts
    assert [d.text for d in doc.dropped] == ["Soma pia:", "Soma zaidi"]
