"""report.html: one self-contained page (inline CSS and SVG, no external asset) showing every aligned pair."""

from __future__ import annotations

import base64
import html
import os
import re
import struct
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from align.features import STOPWORDS
from align.model import Alignment
from mt.atomic import atomic_output
from mt.document import Document

_WORD_RE = re.compile(r"\w[\w'’\-]*", re.UNICODE)
# Function words (and reporting verbs) shared by any two English sentences say nothing about a match, so they are not
# highlighted.
_NOT_HIGHLIGHTED = STOPWORDS | {"said", "says"}

_NOT_MEASURED = "Translation quality was not measured."
# "unchecked": an English name with no translation of an Arabic source to look for it in.
_STATUS_MARK = {"found": "✓ ", "missing": "✗ ", "unchecked": "? "}
_CSS = """
:root{--bg:#fbfbfd;--fg:#1d1d22;--mute:#6b6b78;--line:#e3e3ea;--acc:#2f5bd3;--hit:#fff1a8;--miss:#ffd9d6;--ok:#dcf3e2}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Naskh Arabic",sans-serif;
color:var(--fg);background:var(--bg)}header{padding:24px 32px;background:#fff;border-bottom:1px solid var(--line)}
h1{margin:0 0 4px;font-size:22px}h2{font-size:18px;margin:28px 0 10px}
h3{font-size:15px;margin:18px 0 8px;color:var(--mute)}
main{padding:8px 32px 48px;max-width:1400px}.sub{color:var(--mute);font-size:13px}
.banner{margin:14px 0;padding:10px 14px;border-radius:8px;background:#fff4e0;border:1px solid #f3c77a}
table{border-collapse:collapse;background:#fff;border:1px solid var(--line);border-radius:8px;overflow:hidden}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top;text-align:left}
th{background:#f2f3f8;font-weight:600;font-size:13px}td.num{text-align:right;font-variant-numeric:tabular-nums}
.sig{font:11px/1.3 ui-monospace,Menlo,Consolas,monospace;color:var(--mute);word-break:break-all}
section.pair{margin:28px 0;padding:18px 20px;background:#fff;border:1px solid var(--line);border-radius:12px}
section.pair h2{margin-top:0}.grid{display:grid;grid-template-columns:minmax(0,1fr);gap:18px}
table.side{width:100%;table-layout:fixed}table.side td{font-size:14px}
table.side col.c-id{width:44px}table.side col.c-score{width:60px}
.reason{font-weight:600;margin-right:.3em}td.rtl{direction:rtl;text-align:right}tr.unaligned td{background:#fff8e8}
mark{background:var(--hit);padding:0 1px;border-radius:2px}mark.wl{box-shadow:inset 0 -2px 0 #c9a400}
.fact{display:inline-block;margin:1px 3px 1px 0;padding:0 6px;border-radius:10px;font-size:12px;
border:1px solid transparent}
.fact.found{background:var(--ok);border-color:#9bd3ad}.fact.missing{background:var(--miss);border-color:#eea19a}
.fact.unchecked{background:#f3f3f3;border-color:#ccc;color:var(--mute)}
.fact.found.elsewhere{background:#fff;border-style:dashed}
.tag{font-size:11px;color:var(--mute);text-transform:uppercase;letter-spacing:.04em}
.heat{overflow:auto;max-width:100%}.heat svg{background:#fff}
.legend{font-size:12px;color:var(--mute)}details summary{cursor:pointer;color:var(--acc)}
"""


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _tokens(text: str) -> set[str]:
    return {w.lower() for w in _WORD_RE.findall(text) if w.lower() not in _NOT_HIGHLIGHTED and (len(w) > 2 or w.isdigit())}


def _highlight(text: str, words: set[str]) -> str:
    """HTML-escaped `text` with the words in `words` (lower-cased) wrapped in <mark>."""
    out, last = [], 0
    for m in _WORD_RE.finditer(text):
        if m.group(0).lower() in words:
            out += [_e(text[last:m.start()]), "<mark>", _e(m.group(0)), "</mark>"]
            last = m.end()
    out.append(_e(text[last:]))
    return "".join(out)


def _highlight_indices(text: str, indices: set[int]) -> str:
    """Escape `text`, marking whitespace-separated words by position (the word-link convention)."""
    parts = re.split(r"(\s+)", text)
    out, k = [], 0
    for part in parts:
        if not part or part.isspace():
            out.append(_e(part))
            continue
        out.append(f'<mark class="wl" title="word link (SimAlign)">{_e(part)}</mark>' if k in indices else _e(part))
        k += 1
    return "".join(out)


def _score_cell(score: float | None) -> str:
    return "" if score is None else f"{score:.2f}"


# Above this many cells the map is one embedded PNG, not one SVG rectangle (with its tooltip) per cell: a 437 x 432
# pair made a 22 MB report that way.
MAX_SVG_CELLS = 10_000


def _png(rgb: np.ndarray) -> bytes:
    """A truecolour PNG of an (height, width, 3) uint8 array.

    Written by hand (a dozen lines of the PNG spec) so that the report needs no imaging library.
    """
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    h, w, _ = rgb.shape
    rows = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))  # filter type 0 (none) per scanline
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def heatmap_svg(matrix: np.ndarray, alignment: Alignment, cell: int = 12) -> str:
    """Inline SVG of the source x English link-score matrix (margins plus anchors); linked cells are outlined."""
    n, m = matrix.shape
    large = n * m > MAX_SVG_CELLS
    if large:
        cell = max(2, min(cell, 1600 // max(n, m, 1)))
    pad = 36
    w, h = pad + m * cell + 4, pad + n * cell + 4
    finite = matrix[np.isfinite(matrix)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    span = (hi - lo) or 1.0
    linked = {(e.src, e.tgt) for e in alignment.edges}
    parts = [(f'<svg class="heatmap" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
              f'viewBox="0 0 {w} {h}" role="img" aria-label="alignment score matrix">')]
    parts.append(f'<text x="{pad}" y="12" font-size="10" fill="#6b6b78">English sentence →</text>')
    parts.append(f'<text x="10" y="{pad}" font-size="10" fill="#6b6b78" transform="rotate(90 10 {pad})">'
                 'source sentence →</text>')
    step = 5 if not large else 5 * max(1, 60 // cell)  # labels stay apart however small the cells
    for j in range(0, m, step):
        parts.append(f'<text x="{pad + j * cell + 2}" y="{pad - 6}" font-size="8" fill="#6b6b78">{j}</text>')
    for i in range(0, n, step):
        parts.append(f'<text x="{pad - 14}" y="{pad + i * cell + 9}" font-size="8" fill="#6b6b78">{i}</text>')
    v = np.nan_to_num((matrix.astype(np.float64) - lo) / span, nan=0.0, posinf=1.0, neginf=0.0)
    # White -> deep blue ramp: readable in print and for most colour-vision deficiencies.
    rgb = np.stack([255 - 208 * v, 255 - 164 * v, 255 - 44 * v], axis=-1).astype(np.uint8)
    rgb[~np.isfinite(matrix)] = (200, 200, 200)  # a pair with no score: grey, not the darkest blue
    if large:
        png = base64.b64encode(_png(rgb)).decode("ascii")
        parts.append(f'<image x="{pad}" y="{pad}" width="{m * cell}" height="{n * cell}" preserveAspectRatio="none" '
                     f'style="image-rendering:pixelated" href="data:image/png;base64,{png}"/>')
        parts += [f'<rect x="{pad + j * cell}" y="{pad + i * cell}" width="{cell}" height="{cell}" fill="none" '
                  f'stroke="#d6336c" stroke-width="1"><title>src {i} / en {j}: {matrix[i, j]:.3f}</title></rect>'
                  for i, j in sorted(linked)]
    else:
        for i in range(n):
            for j in range(m):
                r, g, b = rgb[i, j]
                stroke = ' stroke="#d6336c" stroke-width="2"' if (i, j) in linked else ""
                parts.append(f'<rect x="{pad + j * cell}" y="{pad + i * cell}" width="{cell}" height="{cell}" '
                             f'fill="rgb({r},{g},{b})"{stroke}><title>src {i} / en {j}: {matrix[i, j]:.3f}</title>'
                             '</rect>')
    parts.append("</svg>")
    return "".join(parts)


def _facts_by_sentence(facts: Sequence[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for f in facts:
        out.setdefault(f["sentence"], []).append(f)
    return out


def _fact_badges(facts: Sequence[dict[str, Any]]) -> str:
    return "".join(
        f'<span class="fact {_e(f["status"])}{_elsewhere(f)}" title="{_e(f["kind"])}: {_e(f["status"])}'
        f'{" (in another sentence, not in this one&#39;s partner)" if _elsewhere(f) else ""}">'
        f'{_STATUS_MARK.get(f["status"], "")}{_e(f["text"])}</span>'
        for f in facts
    )


def _elsewhere(fact: dict[str, Any]) -> str:
    """' elsewhere' for a fact the other article states only outside this sentence's partners, else ''.

    Told apart from one its partner states: "Rabat" found in a sentence about another meeting is not the
    meeting's place confirmed."""
    return " elsewhere" if fact["status"] == "found" and not fact.get("in_aligned", True) else ""


def _highlighted_cells(alignment: Alignment, i: int, tgt_ids: list[int]) -> tuple[str, str, str]:
    """Source sentence `i`, its translation and its English partners `tgt_ids` as HTML, the words they share marked."""
    sent, tgt = alignment.src.sentences[i], alignment.tgt
    translation = alignment.translation_of(i)
    en_texts = [tgt.sentences[j].text for j in tgt_ids]
    word_links = {}
    for j in tgt_ids:
        word_links.update({(j, a, b): True for a, b in alignment.word_links.get((i, j), [])})
    if word_links:
        src_html = _highlight_indices(sent.text, {a for (_, a, _) in word_links})
        en_html = "<br>".join(
            f'<span class="tag">en {j}</span> '
            + _highlight_indices(tgt.sentences[j].text, {b for (jj, _, b) in word_links if jj == j})
            for j in tgt_ids
        )
        tr_html = _e(translation) if translation is not None else ""
    else:
        # Without word links, highlight what the English shares with the translation
        # (or with the source itself: names and numbers).
        basis = translation if translation is not None else sent.text
        shared = _tokens(basis) & _tokens(" ".join(en_texts))
        src_html = _highlight(sent.text, shared if translation is None else set())
        tr_html = _highlight(translation, shared) if translation is not None else ""
        en_html = "<br>".join(
            f'<span class="tag">en {j}</span> ' + _highlight(tgt.sentences[j].text, shared) for j in tgt_ids
        )
    return src_html, tr_html, en_html


def _source_rows(alignment: Alignment, src_facts: dict[int, list[dict[str, Any]]]) -> list[str]:
    """One table row per source sentence: its id, text and facts, translation, English partners and link score."""
    src = alignment.src
    rtl = ' class="rtl" dir="rtl"' if src.lang in {"ar", "fa", "ur", "he"} else ""
    rows = []
    for i in range(len(src.sentences)):
        tgt_ids = alignment.targets_of(i)
        src_html, tr_html, en_html = _highlighted_cells(alignment, i, tgt_ids)
        badges = _fact_badges(src_facts.get(i, []))
        cls = "" if tgt_ids else ' class="unaligned"'
        en_cell = en_html or '<span class="tag">no English partner</span>'
        if alignment.translations is not None and alignment.translation_of(i) is None:
            tr_html = '<span class="tag">no translation: aligned cross-lingually</span>'
        rows.append(
            f"<tr{cls}><td class=\"num\">{i}</td><td{rtl}>{src_html}"
            f"{'<div>' + badges + '</div>' if badges else ''}</td>"
            f"<td>{tr_html}</td><td>{en_cell}</td>"
            f"<td class=\"num\">{_score_cell(alignment.score_of(i))}</td></tr>"
        )
    return rows


def _unaligned_rows(alignment: Alignment, tgt_facts: dict[int, list[dict[str, Any]]]) -> list[str]:
    """One table row per English sentence with no source partner: its id, text and facts."""
    unaligned = []
    for j in alignment.unaligned_tgt():
        badges = _fact_badges(tgt_facts.get(j, []))
        unaligned.append(f'<tr class="unaligned"><td class="num">{j}</td><td>{_e(alignment.tgt.sentences[j].text)}'
                         f"{'<div>' + badges + '</div>' if badges else ''}</td></tr>")
    return unaligned


def _heat_map(matrix: np.ndarray | None, alignment: Alignment) -> str:
    """The heat map of the link scores with its legend, or '' without a score matrix."""
    return (f'<h3>Alignment heat map</h3><div class="heat">{heatmap_svg(matrix, alignment)}</div>'
            '<p class="legend">The aligner\'s link score of every sentence pair: a ratio margin of the embedding '
            'similarities plus shared numbers and names, about 1.0 for unrelated pairs (darker is higher); '
            'outlined cells are links. A dark cell is not always a link: each sentence links to its best partner, '
            'and to more only when together they state it better; with a translation, a weak pair whose words '
            'share no content is dropped. A link can sit below the threshold when its group, or its '
            'translation\'s words, carried it.</p>'
            if matrix is not None and matrix.size else "")


def _missing_facts(facts: dict[str, Any], spelling_note: str) -> str:
    """The open list of the facts each article states and the other does not, with `spelling_note` under it."""
    missing_src = [f for f in facts.get("src", []) if f["status"] == "missing"]
    missing_tgt = [f for f in facts.get("tgt", []) if f["status"] == "missing"]
    missing_items = "\n".join(
        "".join(f'<li>{side} #{f["sentence"]}: <span class="fact missing">{_e(f["text"])}</span> '
                f'({_e(f["kind"])})</li>' for f in group)
        for side, group in (("source", missing_src), ("English", missing_tgt)))
    return (f"<details open><summary>Missing facts: {len(missing_src)} source, {len(missing_tgt)} English</summary>\n"
            f'<ul class="missing-facts">{missing_items}</ul>{spelling_note}</details>')


def _spelling_note(alignment: Alignment) -> str:
    """The legend that says how the pair's names were compared, and so why a name may be listed as missing."""
    if alignment.translations is not None:
        return ('<p class="legend">Source names are read from the translation and compared with the English '
                "article's: a name or title the translation renders differently from the English article is "
                "listed as missing although both state it.</p>")
    if alignment.src.lang == "ar":
        return ('<p class="legend">Without a translation, Arabic script cannot be matched with English spelling: '
                "numbers, dates and weekdays are checked, countries and regions by their Arabic names, and English "
                "people's names by their consonants where they stand in Arabic letters (Benny Gantz, بيني غانتس). "
                "Other English names, and a person's name not found so, are marked ?: transliteration can show "
                "that a name is there, not that it is absent.</p>")
    return ('<p class="legend">Without a translation, names are compared by their spelling (and country names '
            "across Swahili and English): a name the other article translates is listed as missing although both "
            'state it, except a title in everyday words ("Waziri wa Ulinzi", "Director"), which is marked ?.</p>')


def _unchecked_notes(facts: dict[str, Any], src_lang: str) -> tuple[str, str]:
    """What the counts of the English and the source facts leave unchecked, and why (empty when nothing is)."""
    n_tgt, n_src = facts.get("tgt_unchecked", 0), facts.get("src_unchecked", 0)
    if not facts.get("src_names_checked", True):
        tgt = (f" ({n_tgt} English names unchecked: an Arabic source needs a translation to look for them; countries "
               "and regions are checked by their Arabic names, and people found by their consonants)")
        return (tgt if n_tgt else ""), ""
    def note(n: int, lang: str) -> str:
        title = "title" if n == 1 else "titles"
        return (f" ({n} {lang} {title} in everyday words, which the other language words differently: a translation "
                "is needed to check them)") if n else ""

    return note(n_tgt, "English"), note(n_src, _e(src_lang))


def _pair_section(k: int, alignment: Alignment, pair: dict[str, Any], matrix: np.ndarray | None) -> str:
    """The report's section of one article pair: its counts, both articles side by side, missing facts, heat map."""
    src, tgt = alignment.src, alignment.tgt
    facts = pair.get("facts") or {}
    cov = pair.get("coverage") or {}
    rows = _source_rows(alignment, _facts_by_sentence(facts.get("src", [])))
    unaligned = _unaligned_rows(alignment, _facts_by_sentence(facts.get("tgt", [])))
    tr_head = (f"translation ({_e(alignment.model)})" if alignment.translations is not None
               else "translation (none: cross-lingual mode)")
    unaligned_rows = "".join(unaligned) or "<tr><td></td><td>none</td></tr>"
    unchecked, src_unchecked = _unchecked_notes(facts, src.lang)
    return f"""
<section class="pair" id="pair-{k}" data-src="{_e(src.doc_id)}" data-tgt="{_e(tgt.doc_id)}">
<h2>{_e(src.doc_id)} ({_e(src.lang)}) → {_e(tgt.doc_id)} (en)</h2>
<p class="sub">{_e(src.title or '')}{' — ' if src.title and tgt.title else ''}{_e(tgt.title or '')}</p>
<p>Source sentences with an English partner: <b>{cov.get('src_aligned', '?')}/{cov.get('src_sentences', '?')}</b>;
English sentences covered: <b>{cov.get('tgt_covered', '?')}/{cov.get('tgt_sentences', '?')}</b>;
facts found in English: <b>{facts.get('src_found', '?')}/{facts.get('src_facts', '?')}</b>{src_unchecked};
English facts found in the source: <b>{facts.get('tgt_found', '?')}/{facts.get('tgt_facts', '?')}</b>{unchecked}.</p>
<div class="grid">
<table class="side"><colgroup><col class="c-id"><col><col><col><col class="c-score"></colgroup>
<thead><tr><th>#</th><th>source ({_e(src.lang)})</th><th>{tr_head}</th><th>linked English sentence(s)</th>\
<th>score</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>
<p class="legend">✓ a fact (name, number, date) the other article also states: filled when the linked sentence(s)
state it, dashed when only another of its sentences does (the same name or number, perhaps about something else);
✗ one it does not state; ? one that cannot be checked. Highlighted rows have no partner in the other article: what
only this article says (or says in words the aligner did not match).</p>
<div><h3>English sentences with no source partner ({len(unaligned)})</h3>
<table class="side unaligned-en"><colgroup><col class="c-id"><col></colgroup>\
<tbody>{unaligned_rows}</tbody></table></div>
{_missing_facts(facts, _spelling_note(alignment))}
{_dropped_section(src, tgt)}
{_heat_map(matrix, alignment)}
</div></section>"""


def _dropped_section(src: Document, tgt: Document) -> str:
    """What cleaning removed from either article (navigation, captions, repeats...), with the reason, folded."""
    items = [f'<li>{side} ¶{d.paragraph}: <span class="reason">{_e(d.reason)}</span> {_removed_text(d.text)}</li>'
             for side, doc in (("source", src), ("English", tgt)) for d in doc.dropped]
    if not items:
        return ""
    return (f"<details><summary>Removed by cleaning: {len(src.dropped)} source, {len(tgt.dropped)} English "
            f'pieces, not aligned</summary><ul class="dropped">{"".join(items)}</ul></details>')


def _removed_text(text: str, limit: int = 160) -> str:
    """A removed piece, escaped: whole when short, else its start with the rest one click away.

    Whole, because the reader checks that no real content went; folded, because a removed link list can be long."""
    if len(text) <= limit:
        return _e(text)
    return f"<details><summary>{_e(text[: limit - 1])}…</summary>{_e(text)}</details>"


def _quality_table(quality: dict[str, Any]) -> str:
    rows = []
    for key in ("reference", "pseudo_reference"):
        block = quality.get(key)
        if not block or not block.get("scores"):
            continue
        for name, value in block["scores"].items():
            rows.append(f'<tr><td>{_e(block["label"])}</td><td>{_e(name)}</td><td class="num">{value:.2f}</td>'
                        f'<td class="num">{block["n"]}</td><td class="sig">{_e(block["signatures"][name])}</td></tr>')
    comet = quality.get("comet")
    if comet:
        value = comet.get("score")
        rows.append(f'<tr><td>{_e(comet.get("label", "COMET"))}</td><td>COMET</td><td class="num">'
                    f'{"" if value is None else f"{value:.4f}"}</td><td class="num">{_e(comet.get("n", ""))}</td>'
                    f'<td class="sig">{_e(comet.get("status"))}</td></tr>')
    if not rows:
        return f'<p class="banner">{_e(quality.get("note", _NOT_MEASURED))}</p>'
    missing = max((quality.get(key) or {}).get("untranslated") or 0 for key in ("reference", "pseudo_reference"))
    gaps = ("" if not missing else
            f'<p class="legend">{missing} sentence(s) that would be scored have no translation (the translated '
            'article leaves them out): they are not scored, and were aligned cross-lingually.</p>')
    caveat = ("" if not (quality.get("pseudo_reference") or {}).get("scores") else
              '<p class="legend">Pseudo-reference scores compare each translation with the English sentences it was '
              'linked to, which another journalist wrote independently: they say how closely the two articles\' '
              'wording agrees, not how good the translation is (a perfect translation scores far below 100). Give '
              'reference translations with --references for scores of translation quality.</p>')
    return ('<table class="metrics quality"><thead><tr><th>against</th><th>metric</th><th>score</th><th>sentences</th>'
            f'<th>sacrebleu signature</th></tr></thead><tbody>{"".join(rows)}</tbody></table>{gaps}{caveat}')


def _count_cells(c: dict[str, Any], f: dict[str, Any], mark: str) -> str:
    """The four count cells of a coverage row: sentences aligned and covered (`c`), facts found each way (`f`)."""
    return (f'<td class="num">{c.get("src_aligned")}/{c.get("src_sentences")} ({_pct(c.get("src_coverage"))})</td>'
            f'<td class="num">{c.get("tgt_covered")}/{c.get("tgt_sentences")} ({_pct(c.get("tgt_coverage"))})</td>'
            f'<td class="num">{f.get("src_found")}/{f.get("src_facts")} ({_pct(f.get("src_fact_coverage"))}){mark}</td>'
            f'<td class="num">{f.get("tgt_found")}/{f.get("tgt_facts")} ({_pct(f.get("tgt_fact_coverage"))}){mark}</td>')


def _pairs_table(pairs: Sequence[dict[str, Any]], totals: dict[str, Any] | None = None) -> str:
    rows = []
    for p in pairs:
        c, f = p.get("coverage") or {}, p.get("facts") or {}
        mark = "" if f.get("src_names_checked", True) else " *"
        rows.append(
            f'<tr><td><a href="#pair-{p["index"]}">{_e(c.get("src_doc"))} → {_e(c.get("tgt_doc"))}</a></td>'
            f'<td class="num">{_e(p.get("pair_score", ""))}</td>{_count_cells(c, f, mark)}</tr>'
        )
    mixed = not all((p.get("facts") or {}).get("src_names_checked", True) for p in pairs)
    if totals and len(pairs) > 1:
        rows.append('<tr class="totals"><td><b>all articles</b> (each counted once)</td><td></td>'
                    f'{_count_cells(totals, totals, " *" if mixed else "")}</tr>')
    note = ('<p class="legend">Pairing score: how specifically the two articles\' sentences match, against every '
            "article of the folder (about 1.0: no closer than unrelated articles on the topic; with --manifest the "
            "manifest pairs them and the score is only shown). Facts are counted per sentence: a name stated in three "
            "sentences counts three times.</p>")
    if mixed:
        note += ('<p class="legend">* Numbers, dates and countries only: other names in Arabic script can be compared '
                 "only through a translation, so these counts are not comparable with the other rows'.</p>")
    return ('<table class="metrics coverage"><thead><tr><th>pair</th><th>pairing score</th><th>source aligned</th>'
            '<th>English covered</th><th>source facts found</th><th>English facts found</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>{note}')


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


def render_report(
    alignments: Sequence[Alignment],
    metrics: dict[str, Any],
    matrices: Sequence[np.ndarray | None] | None = None,
    title: str = "mtk report",
) -> str:
    """The whole report as one HTML string; `metrics` is the metrics.json content (pairs in alignment order)."""
    pairs = metrics.get("pairs", [])
    quality = metrics.get("translation_quality", {})
    note = quality.get("note", _NOT_MEASURED)
    if quality.get("why_not_translated"):  # the cause and its fix, as the command line said it
        note = f'{note.rstrip(".")}. Not translated because: {quality["why_not_translated"]}.'
    banner = "" if quality.get("measured") else f'<div class="banner">{_e(note)}</div>'
    # Files of the folder that took no part (named as on stderr), and articles that were read but matched no article
    # of the other side: neither is in any section below.
    for label, key, name in (("Skipped", "skipped", "file"), ("Not compared", "unpaired", "doc_id")):
        left_out = metrics.get(key) or []
        if left_out:
            banner += (f'<div class="banner">{label}: '
                       + "; ".join(f'{_e(x[name])} ({_e(x["why"])})' for x in left_out) + "</div>")
    settings = metrics.get("settings", {})
    used = "".join(f" · {label}: {_e(str(settings[key]))}" for key, label in
                   (("threshold", "link threshold"), ("pairing", "pairing"), ("pair_threshold", "pair threshold"),
                    ("encoder", "encoder"), ("mtk_version", "mtk")) if settings.get(key) is not None)
    sections = "".join(
        _pair_section(k, a, pairs[k] if k < len(pairs) else {}, matrices[k] if matrices else None)
        for k, a in enumerate(alignments)
    )
    mode = metrics.get("mode", "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{_e(title)}</title><style>{_CSS}</style></head>
<body><header><h1>{_e(title)}</h1>
<div class="sub">mode: {_e(mode)} · model: {_e(metrics.get('model') or 'none')}{used} · {len(alignments)} article \
pair(s) · {_e(metrics.get('created', ''))}</div>
{banner}</header>
<main>
<h2>Coverage</h2>{_pairs_table(pairs, metrics.get("totals"))}
<h2>Translation quality</h2>{_quality_table(quality)}
{sections}
</main></body></html>
"""


def write_report(path: str | os.PathLike[str], alignments: Sequence[Alignment], metrics: dict[str, Any],
                 matrices: Sequence[np.ndarray | None] | None = None, title: str = "mtk report") -> None:
    """Write report.html atomically."""
    page = render_report(alignments, metrics, matrices, title)
    with atomic_output(path) as fh:
        fh.write(page)

