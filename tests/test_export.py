"""Every export format round-trips: JSONL, TSV, TMX 1.4b (checked against the DTD) and Moses."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from tiny_models import text_document

from align.export import (
    aligned_groups,
    format_for,
    tsv_unescape,
    write_alignments,
    write_jsonl,
)
from align.model import Alignment, Edge
from mt.atomic import write_errors
from mt.errors import InputError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Element declarations of the TMX 1.4b DTD (https://www.gala-global.org/tmx-14b), limited to the elements mtk writes
# or may contain; <seg> is #PCDATA only because mtk never writes inline markup (bpt, ept, it, ph, hi, ut).
TMX14_DTD = """
<!ELEMENT tmx (header, body)>
<!ATTLIST tmx version CDATA #FIXED "1.4">
<!ELEMENT header (note|prop|ude)*>
<!ATTLIST header
  creationtool CDATA #REQUIRED
  creationtoolversion CDATA #REQUIRED
  segtype (block|paragraph|sentence|phrase) #REQUIRED
  o-tmf CDATA #REQUIRED
  adminlang CDATA #REQUIRED
  srclang CDATA #REQUIRED
  datatype CDATA #REQUIRED
  o-encoding CDATA #IMPLIED
  creationdate CDATA #IMPLIED
  creationid CDATA #IMPLIED
  changedate CDATA #IMPLIED
  changeid CDATA #IMPLIED>
<!ELEMENT ude (map*)>
<!ATTLIST ude name CDATA #REQUIRED base CDATA #IMPLIED>
<!ELEMENT map EMPTY>
<!ATTLIST map unicode CDATA #REQUIRED code CDATA #IMPLIED ent CDATA #IMPLIED subst CDATA #IMPLIED>
<!ELEMENT note (#PCDATA)>
<!ATTLIST note xml:lang CDATA #IMPLIED o-encoding CDATA #IMPLIED>
<!ELEMENT prop (#PCDATA)>
<!ATTLIST prop type CDATA #REQUIRED xml:lang CDATA #IMPLIED o-encoding CDATA #IMPLIED>
<!ELEMENT body (tu*)>
<!ELEMENT tu ((note|prop)*, tuv+)>
<!ATTLIST tu
  tuid CDATA #IMPLIED
  o-encoding CDATA #IMPLIED
  datatype CDATA #IMPLIED
  usagecount CDATA #IMPLIED
  lastusagedate CDATA #IMPLIED
  creationtool CDATA #IMPLIED
  creationtoolversion CDATA #IMPLIED
  creationdate CDATA #IMPLIED
  creationid CDATA #IMPLIED
  changedate CDATA #IMPLIED
  segtype (block|paragraph|sentence|phrase) #IMPLIED
  changeid CDATA #IMPLIED
  o-tmf CDATA #IMPLIED
  srclang CDATA #IMPLIED>
<!ELEMENT tuv ((note|prop)*, seg)>
<!ATTLIST tuv
  xml:lang CDATA #REQUIRED
  o-encoding CDATA #IMPLIED
  datatype CDATA #IMPLIED
  usagecount CDATA #IMPLIED
  lastusagedate CDATA #IMPLIED
  creationtool CDATA #IMPLIED
  creationtoolversion CDATA #IMPLIED
  creationdate CDATA #IMPLIED
  creationid CDATA #IMPLIED
  changedate CDATA #IMPLIED
  changeid CDATA #IMPLIED
  o-tmf CDATA #IMPLIED>
<!ELEMENT seg (#PCDATA)>
"""

HEADER_REQUIRED = ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype")


def _swahili() -> Alignment:
    """Source 0 -> English 0, sources 1+2 -> English 1 (many-to-one), source 3 unaligned, English 2 unaligned."""
    src = text_document("000", "sw", [
        "Morocco na Israel <zimekubaliana> & \"kushirikiana\".",
        "Mkutano ulifanyika\tRabat",
        "siku ya Jumanne.\x07",
        "Matangazo ya kibiashara",
    ])
    tgt = text_document("003", "en", [
        "Morocco & Israel <agreed> to cooperate.",
        "The meeting took place in Rabat on Tuesday.",
        "Follow us on Twitter",
    ])
    edges = [Edge(0, 0, 0.9), Edge(1, 1, 0.8), Edge(2, 1, 0.6)]
    return Alignment(src, tgt, edges, translations=["t0", "t1", "t2", "t3"], mode="translations")


def _arabic() -> Alignment:
    src = text_document("001", "ar", ["اتفق المغرب وإسرائيل على تعزيز تعاونهما العسكري", "سطر\nجديد"])
    tgt = text_document("003", "en", ["Morocco and Israel agreed to strengthen military ties.", "A new line."])
    return Alignment(src, tgt, [Edge(0, 0, 0.7), Edge(1, 1, 0.5)])


def test_groups_merge_many_to_one_links() -> None:
    groups = aligned_groups(_swahili())
    assert [(g.src_ids, g.tgt_ids) for g in groups] == [([0], [0]), ([1, 2], [1])]
    assert groups[1].src == "Mkutano ulifanyika\tRabat siku ya Jumanne.\x07"
    assert groups[1].score == pytest.approx(0.7)


def test_jsonl_round_trip(tmp_path: Path) -> None:
    alignments = [_swahili(), _arabic()]
    out = tmp_path / "a.jsonl"
    write_alignments(alignments, out, "jsonl")
    lines = out.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    expected = [r for a in alignments for r in a.records()]
    assert records == expected
    assert "اتفق" in out.read_text(encoding="utf-8")  # ensure_ascii=False keeps the script readable
    # every source sentence has a record, unaligned English sentences come with src null
    assert [r["src"] for r in records[:4]] == [s.text for s in alignments[0].src.sentences]
    assert records[4] == {**records[4], "src": None, "tgt": ["Follow us on Twitter"], "tgt_ids": [2]}


def test_jsonl_words_field(tmp_path: Path) -> None:
    alignment = _swahili()
    alignment.word_links = {(0, 0): [(0, 0), (2, 2)], (1, 1): [(1, 5)]}
    out = tmp_path / "w.jsonl"
    write_alignments([alignment], out, "jsonl")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records[0]["words"] == [{"tgt_id": 0, "links": [[0, 0], [2, 2]]}]
    assert records[1]["words"] == [{"tgt_id": 1, "links": [[1, 5]]}]
    assert records[3]["words"] == []  # unaligned source sentence
    assert "words" not in records[-1]


def test_tsv_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "a.tsv"
    write_alignments([_swahili(), _arabic()], out, "tsv")
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[0] == "src\ttgt\tscore\tsrc_lang\tsrc_doc\ttgt_doc\tsrc_ids\ttgt_ids" and lines[-1] == ""
    rows = [line.split("\t") for line in lines[1:-1]]
    assert all(len(r) == 8 for r in rows)
    assert len(rows) == 4
    parsed = [(tsv_unescape(a), tsv_unescape(b), float(c)) for a, b, c, *_ in rows]
    assert parsed[1] == ("Mkutano ulifanyika\tRabat siku ya Jumanne.\x07",
                         "The meeting took place in Rabat on Tuesday.", 0.7)
    assert parsed[3][0] == "سطر\nجديد"
    # A mixed corpus says which language and article each row comes from.
    assert [r[3] for r in rows] == ["sw", "sw", "ar", "ar"] and rows[0][4:6] == ["000", "003"]
    # Read as documented: no quoting, so a text that starts with a quote mark stays one field.
    with out.open(encoding="utf-8", newline="") as fh:
        read = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert read == [lines[0].split("\t"), *rows]


def test_tsv_reads_back_with_csv_when_quoting_is_off(tmp_path: Path) -> None:
    # News text often starts with a quote mark; a CSV reader with its default quoting would take it as a quoted field.
    src = text_document("000", "sw", ['"Tutashinda," alisema.'])
    tgt = text_document("003", "en", ['"We will win," he said.'])
    out = tmp_path / "q.tsv"
    write_alignments([Alignment(src, tgt, [Edge(0, 0, 1.1)])], out, "tsv")
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[1][:3] == ['"Tutashinda," alisema.', '"We will win," he said.', "1.1000"]
    assert rows[1][3:] == ["sw", "000", "003", "0", "0"]


def _tmx_root(path: Path) -> ET.Element:
    text = path.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n')
    return ET.fromstring(text.encode("utf-8"))


def test_tmx_structure(tmp_path: Path) -> None:
    out = tmp_path / "a.tmx"
    write_alignments([_swahili()], out, "tmx")
    root = _tmx_root(out)
    assert root.tag == "tmx" and root.get("version") == "1.4"
    assert [c.tag for c in root] == ["header", "body"]
    header = root.find("header")
    assert all(header.get(a) for a in HEADER_REQUIRED)
    assert header.get("srclang") == "sw" and header.get("segtype") == "sentence"
    tus = root.findall("body/tu")
    assert len(tus) == 2
    for tu in tus:
        tags = [c.tag for c in tu]
        assert tags[-2:] == ["tuv", "tuv"] and set(tags[:-2]) == {"prop"}  # (note|prop)*, tuv+
        assert [tuv.get(XML_LANG) for tuv in tu.findall("tuv")] == ["sw", "en"]
        assert all([c.tag for c in tuv] == ["seg"] for tuv in tu.findall("tuv"))
    props = {p.get("type"): p.text for p in tus[0].findall("prop")}
    assert props["x-score"] == "0.9000" and (props["x-src-doc"], props["x-tgt-doc"]) == ("000", "003")
    segs = [tuv.find("seg").text for tuv in tus[0].findall("tuv")]
    assert segs == ["Morocco na Israel <zimekubaliana> & \"kushirikiana\".", "Morocco & Israel <agreed> to cooperate."]
    # the BEL character XML 1.0 forbids is removed, the tab is kept
    assert tus[1].find("tuv/seg").text == "Mkutano ulifanyika\tRabat siku ya Jumanne."
    # ids separated as in the TSV (they were "1 2" here and "1,2" there)
    assert {p.get("type"): p.text for p in tus[1].findall("prop")}["x-src-ids"] == "1,2"


def test_tmx_mixed_source_languages_validates_against_dtd(tmp_path: Path) -> None:
    etree = pytest.importorskip("lxml.etree", reason="lxml is needed for DTD validation")
    out = tmp_path / "a.tmx"
    write_alignments([_swahili(), _arabic()], out, "tmx")
    root = _tmx_root(out)
    assert root.find("header").get("srclang") == "*all*"
    assert [tu.get("srclang") for tu in root.findall("body/tu")] == ["sw", "sw", "ar", "ar"]
    dtd = etree.DTD(io.StringIO(TMX14_DTD))
    doc = etree.parse(str(out))
    assert dtd.validate(doc), dtd.error_log.filter_from_errors()


def test_dtd_rejects_a_header_without_required_attributes() -> None:
    etree = pytest.importorskip("lxml.etree", reason="lxml is needed for DTD validation")
    dtd = etree.DTD(io.StringIO(TMX14_DTD))
    bad = etree.fromstring('<tmx version="1.4"><header creationtool="x"/><body/></tmx>')
    assert not dtd.validate(bad)


def test_moses_line_counts(tmp_path: Path) -> None:
    out = tmp_path / "moses"
    write_alignments([_swahili()], out, "moses")
    sw = (out / "corpus.sw").read_text(encoding="utf-8").splitlines()
    en = (out / "corpus.en").read_text(encoding="utf-8").splitlines()
    assert len(sw) == len(en) == 2
    assert sw[1] == "Mkutano ulifanyika Rabat siku ya Jumanne.\x07"
    assert en[1] == "The meeting took place in Rabat on Tuesday."


def test_moses_mixed_languages_one_pair_per_language(tmp_path: Path) -> None:
    out = tmp_path / "moses"
    write_alignments([_swahili(), _arabic()], out, "moses")
    names = sorted(p.name for p in out.iterdir())
    assert names == ["corpus.ar-en.ar", "corpus.ar-en.en", "corpus.sw-en.en", "corpus.sw-en.sw"]
    ar = (out / "corpus.ar-en.ar").read_text(encoding="utf-8").splitlines()
    assert ar[1] == "سطر جديد"  # the newline inside the sentence would break line alignment
    for lang in ("sw", "ar"):
        a = (out / f"corpus.{lang}-en.{lang}").read_text(encoding="utf-8").splitlines()
        b = (out / f"corpus.{lang}-en.en").read_text(encoding="utf-8").splitlines()
        assert len(a) == len(b) > 0


def test_moses_files_of_another_mix_go_in_the_locked_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # They were removed after the folder's lock was let go: two runs writing different mixes at once each removed
    # the other's new files and the folder ended empty.
    import contextlib

    from align import export
    from mt import locks

    out = tmp_path / "moses"
    write_alignments([_swahili(), _arabic()], out, "moses")
    held: list[bool] = []
    real_lock, real_remove = locks.folders_locked, export._remove_stale

    @contextlib.contextmanager
    def recording_lock(folders: list[Path]):  # type: ignore[no-untyped-def]
        with real_lock(folders):
            held.append(True)
            yield
            held.pop()

    def remove(*args):  # type: ignore[no-untyped-def]
        assert held, "stale Moses files removed outside the folder lock"
        real_remove(*args)

    monkeypatch.setattr(locks, "folders_locked", recording_lock)
    monkeypatch.setattr(export, "_remove_stale", remove)
    write_alignments([_swahili()], out, "moses")
    assert sorted(p.name for p in out.iterdir()) == ["corpus.en", "corpus.sw"]


def test_moses_needs_a_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        write_alignments([_swahili()], None, "moses")
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(InputError):
        write_alignments([_swahili()], target, "moses")


def test_format_from_suffix() -> None:
    assert format_for("out.tmx", None) == "tmx"
    assert format_for("out.TSV", None) == "tsv"
    assert format_for(None, None) == "jsonl"
    assert format_for("out.tmx", "moses") == "moses"
    with pytest.raises(InputError):
        format_for(None, "csv")


def test_write_errors_turn_os_errors_into_one_line(tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match=r"^cannot write .*a-file/out\.jsonl: "), write_errors(target / "out.jsonl"):
        write_jsonl([], target / "out.jsonl")  # a file stands where the parent folder should be


def test_records_of_a_large_alignment_group_shared_targets() -> None:
    # 2,000 sentences a side: records() once asked targets_of for every pair of sentences, cubic in the size (8.5 s
    # at 800; scripts/bench_align_speed.py times the whole path). Built once now, this is instant.
    n = 2000
    src, tgt = text_document("s", "sw", [f"s{i}." for i in range(n)]), text_document("e", "en", [f"e{i}." for i in range(n)])
    edges = [Edge(i, i, 1.0) for i in range(n) if i not in (5, 7)] + [Edge(5, 6, 1.1), Edge(7, 6, 1.0)]
    records = Alignment(src, tgt, edges).records()
    assert records[5]["src_ids"] == records[7]["src_ids"] == [5, 6, 7] and records[5]["tgt_ids"] == [6]
    assert records[5]["score"] == 1.1 and records[7]["score"] == 1.0
    assert [r["tgt_ids"] for r in records[n:]] == [[5], [7]]  # the unaligned English sentences
