"""report.html: self-contained, escaped, one section per pair, heat map and metric tables; rendered by Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest
from test_coverage import gold_alignment, needs_gold

from align.synthetic import SHARED_DIR
from eval.coverage import coverage
from eval.facts import fact_coverage
from eval.metrics import score_against_pseudo_references
from eval.report import render_report, write_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _report_inputs() -> tuple[list, dict, list]:
    refs = json.loads((SHARED_DIR / "gold" / "references.json").read_text(encoding="utf-8"))["000_c34c121e1dd8a5b8"]
    alignment, index = gold_alignment()
    by_id = {r["id"]: r["reference"] for r in refs}
    alignment.translations = [by_id[k] for k in sorted(index, key=index.get) if k.startswith("000")]
    alignment.mode, alignment.model = "translations", "gold <references>"
    plain, _ = gold_alignment()
    metrics = {
        "mode": "mt", "model": "gold <references>",
        "pairs": [{"index": k, "pair_score": 0.9, "coverage": coverage(a), "facts": fact_coverage(a)}
                  for k, a in enumerate([alignment, plain])],
        "translation_quality": {"measured": True, "pseudo_reference": score_against_pseudo_references([alignment])},
    }
    rng = np.random.default_rng(0)
    matrices = [rng.random((len(a.src.sentences), len(a.tgt.sentences))).astype(np.float32) for a in (alignment, plain)]
    return [alignment, plain], metrics, matrices


@needs_gold
def test_report_is_self_contained_and_escaped() -> None:
    alignments, metrics, matrices = _report_inputs()
    alignments[1].tgt.sentences[0] = type(alignments[1].tgt.sentences[0])("<script>alert(1)</script> & co", 0, 0)
    page = render_report(alignments, metrics, matrices)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert page.count('<section class="pair"') == 2
    assert page.count("<svg") == 2 and "gold &lt;references&gt;" in page
    # No external asset: nothing is fetched from the network or from disk.
    for needle in ("http://", "https://", "<link", " src=", "@import", "url("):
        assert needle not in page.replace('xmlns="http://www.w3.org/2000/svg"', ""), needle
    assert "<mark>" in page and 'class="fact missing"' in page and 'class="fact found"' in page
    assert "pseudo-reference (aligned English, not a translation)" in page
    # Said where a reader looks: pseudo-reference scores are agreement of wording, not translation quality; the
    # marks are explained; missing facts are open, not folded away.
    assert "not how good the translation is" in page and "✓ a fact (name, number, date)" in page
    assert page.count("<details open><summary>Missing facts") == 2


@needs_gold
def test_not_measured_banner() -> None:
    alignments, metrics, _ = _report_inputs()
    metrics["translation_quality"] = {"measured": False, "note": "translation quality was not measured: no model"}
    page = render_report(alignments[1:], metrics | {"pairs": metrics["pairs"][1:]}, None)
    assert 'class="banner"' in page and "translation quality was not measured" in page


def test_large_heat_map_is_one_image(tmp_path: Path) -> None:
    import base64
    import re

    from align.model import Alignment, Edge
    from eval.report import MAX_SVG_CELLS, heatmap_svg
    from mt.document import Document, Sentence

    def doc(lang: str, n: int) -> Document:
        return Document(doc_id=lang, lang=lang, sentences=[Sentence(f"s{k}", 0, k) for k in range(n)])

    n, m = 437, 432  # a FLORES-sized pair: one rectangle per cell made a 22 MB report
    matrix = np.random.default_rng(0).random((n, m)).astype(np.float32)
    alignment = Alignment(doc("sw", n), doc("en", m), [Edge(k, k, 1.2) for k in range(min(n, m))])
    svg = heatmap_svg(matrix, alignment)
    assert n * m > MAX_SVG_CELLS and len(svg) < 3_000_000
    assert svg.count("<rect") == min(n, m) and "src 5 / en 5:" in svg  # links outlined, with their scores
    png = base64.b64decode(re.search(r'href="data:image/png;base64,([^"]+)"', svg).group(1))
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (m, n)
    (tmp_path / "heat.png").write_bytes(png)
    assert _png_is_not_blank(tmp_path / "heat.png")
    # A pair without a score (NaN) is grey; it used to turn every cell black.
    nan_map = heatmap_svg(np.array([[0.1, np.nan], [0.5, 0.9]], dtype=np.float32),
                          Alignment(doc("sw", 2), doc("en", 2), []))
    assert 'fill="rgb(200,200,200)"' in nan_map and 'fill="rgb(255,255,255)"' in nan_map
    # A small pair keeps one rectangle per cell, each with its score as a tooltip.
    small = heatmap_svg(matrix[:20, :30], Alignment(doc("sw", 20), doc("en", 30), []))
    assert small.count("<rect") == 600 and "<image" not in small


def _png_is_not_blank(path: Path) -> bool:
    """Decode the PNG's pixel rows (stdlib zlib) and check they are not all one value."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    return len(set(raw[: 2_000_000])) > 8


@needs_gold
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    alignments, metrics, matrices = _report_inputs()
    html_path = tmp_path / "report.html"
    write_report(html_path, alignments, metrics, matrices)
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(flags + ["--dump-dom", html_path.as_uri()], capture_output=True, text=True, timeout=120,
                         check=False)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count('<section class="pair"') == 2
    assert 'class="heatmap"' in dom.stdout and 'class="metrics coverage"' in dom.stdout
    assert 'class="metrics quality"' in dom.stdout
    png = tmp_path / "shot.png"
    shot = subprocess.run(flags + [f"--screenshot={png}", "--window-size=1280,2000", html_path.as_uri()],
                          capture_output=True, text=True, timeout=120, check=False)
    assert shot.returncode == 0 and png.is_file(), shot.stderr[-2000:]
    assert _png_is_not_blank(png)
    keep = Path("/tmp/mtk_report_shot.png")
    keep.write_bytes(png.read_bytes())  # kept for a human look at the layout


@needs_gold
def test_a_fact_found_only_outside_the_partner_is_shown_apart() -> None:
    # "Rabat" of the meeting was ✓ because the English names Rabat in a sentence about another event.
    alignments, metrics, matrices = _report_inputs()
    found = [f for f in metrics["pairs"][1]["facts"]["src"] if f["status"] == "found"]
    assert any(not f["in_aligned"] for f in found) and any(f["in_aligned"] for f in found)
    page = render_report(alignments, metrics, matrices)
    assert 'class="fact found elsewhere"' in page and 'class="fact found"' in page
    assert "dashed when only another of its sentences does" in page
    assert 'except a title in everyday words ("Waziri wa Ulinzi", "Director"), which is marked ?' in page
    # An Arabic source without a translation is checked by places and transliterated names: its own note says so.
    alignments[1].src.lang = "ar"
    page = render_report(alignments, metrics, matrices)
    assert "Arabic script cannot be matched with English spelling" in page
    assert "countries and regions by their Arabic names, and English people's names by their consonants" in page


@needs_gold
def test_the_coverage_table_has_totals_and_says_what_its_numbers_count() -> None:
    alignments, metrics, matrices = _report_inputs()
    metrics["totals"] = {"src_aligned": 24, "src_sentences": 37, "src_coverage": 0.6486, "tgt_covered": 21,
                         "tgt_sentences": 37, "tgt_coverage": 0.5676, "src_found": 40, "src_facts": 50,
                         "src_fact_coverage": 0.8, "tgt_found": 30, "tgt_facts": 39, "tgt_fact_coverage": 0.7692}
    page = render_report(alignments, metrics, matrices)
    assert '<tr class="totals"><td><b>all articles</b> (each counted once)' in page and "40/50 (80%)" in page
    assert "Pairing score: how specifically" in page and "counts three times" in page


@needs_gold
def test_long_removed_text_is_shown_whole_behind_a_fold() -> None:
    from mt.document import Dropped

    alignments, metrics, matrices = _report_inputs()
    long_piece = "Read also: " + " ".join(f"https://example.org/story-{k}" for k in range(20)) + " END"
    alignments[0].src.dropped.append(Dropped(text=long_piece, reason="related-links", paragraph=99))
    page = render_report(alignments, metrics, matrices)
    # It was cut at 160 characters, so a reader could not check that nothing real had gone.
    assert "story-19 END</details>" in page and "<details><summary>Read also: https://example.org/story-0" in page
