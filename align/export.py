"""Write alignments as JSONL records, a TSV parallel corpus, TMX 1.4b or Moses line-aligned files."""

from __future__ import annotations

import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from align.model import Alignment
from mt.atomic import atomic_output, atomic_outputs
from mt.errors import InputError
from mt.version import toolkit_version

FORMATS = ("jsonl", "tsv", "tmx", "moses")
_SUFFIXES = {".jsonl": "jsonl", ".json": "jsonl", ".tsv": "tsv", ".tmx": "tmx"}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 forbids anywhere in a document (C0 controls other than tab/LF/CR, surrogates, U+FFFE/U+FFFF).
_XML_FORBIDDEN = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TSV_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_TSV_UNESCAPES = {v: k for k, v in _TSV_ESCAPES.items()}


@dataclass(frozen=True)
class Group:
    """A connected set of linked sentences: source ids, English ids, their texts joined by a space, a score."""

    src_doc: str
    tgt_doc: str
    src_lang: str
    src_ids: list[int]
    tgt_ids: list[int]
    src: str
    tgt: str
    score: float


def format_for(path: str | os.PathLike[str] | None, requested: str | None) -> str:
    """The export format: the one asked for, else the one the output suffix implies, else JSONL."""
    if requested:
        if requested not in FORMATS:
            raise InputError(f"unknown format {requested!r}; choose one of {', '.join(FORMATS)}")
        return requested
    if path is not None and str(path) != "-":
        return _SUFFIXES.get(Path(path).suffix.lower(), "jsonl")
    return "jsonl"


def suffix_mismatch(path: str | os.PathLike[str] | None, fmt: str) -> str | None:
    """A warning when the output name says another format than the one written (`-o pairs.xml`, `-o a.tsv` as TMX)."""
    if path is None or str(path) == "-" or fmt == "moses":
        return None
    if os.path.exists(path) and not os.path.isfile(path):
        return None  # a device or a pipe (/dev/stdout, a FIFO) has no name to agree with
    implied = _SUFFIXES.get(Path(path).suffix.lower())
    if implied is None:
        suffix = Path(path).suffix
        named = f"{suffix} is not" if suffix else "has no suffix of"
        return f"{path}: {named} .jsonl, .tsv or .tmx; writing {fmt}"
    if implied != fmt:
        return f"{path} is named like {implied}, but {fmt} is written (--format {fmt})"
    return None


def aligned_groups(alignment: Alignment) -> list[Group]:
    """Aligned sentences as groups: connected components of the link graph, in source order; score is the mean link."""
    # Union-find over "s<i>"/"t<j>" nodes, so many-to-many links become one group and no sentence is written twice.
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for e in alignment.edges:
        parent[find(f"s{e.src}")] = find(f"t{e.tgt}")
    members: dict[str, tuple[set[int], set[int], list[float]]] = {}
    for e in alignment.edges:
        srcs, tgts, scores = members.setdefault(find(f"s{e.src}"), (set(), set(), []))
        srcs.add(e.src)
        tgts.add(e.tgt)
        scores.append(e.score)
    groups = []
    for srcs, tgts, scores in members.values():
        src_ids, tgt_ids = sorted(srcs), sorted(tgts)
        groups.append(Group(
            src_doc=alignment.src.doc_id,
            tgt_doc=alignment.tgt.doc_id,
            src_lang=alignment.src.lang,
            src_ids=src_ids,
            tgt_ids=tgt_ids,
            src=" ".join(alignment.src.sentences[i].text for i in src_ids),
            tgt=" ".join(alignment.tgt.sentences[j].text for j in tgt_ids),
            score=sum(scores) / len(scores),
        ))
    return sorted(groups, key=lambda g: (g.src_ids[0], g.tgt_ids[0]))


def jsonl_records(alignment: Alignment) -> list[dict[str, Any]]:
    """Alignment.records(), plus a `words` field (links per English sentence) when word links were computed."""
    records = alignment.records()
    if not alignment.word_links:
        return records
    for i, record in enumerate(records[: len(alignment.src.sentences)]):
        record["words"] = [
            {"tgt_id": j, "links": [list(pair) for pair in alignment.word_links.get((i, j), [])]}
            for j in record["tgt_ids"]
        ]
    return records


def write_jsonl(alignments: list[Alignment], path: str | os.PathLike[str] | None) -> None:
    """One JSON object per line: every source sentence of every alignment, then its unaligned English sentences."""
    with atomic_output(path) as fh:
        for alignment in alignments:
            for record in jsonl_records(alignment):
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def tsv_escape(text: str) -> str:
    """Escape backslash, tab, newline and carriage return so a field stays on one line and one column."""
    return "".join(_TSV_ESCAPES.get(ch, ch) for ch in text)


def tsv_unescape(field: str) -> str:
    """Undo tsv_escape."""
    return re.sub(r"\\[\\tnr]", lambda m: _TSV_UNESCAPES[m.group(0)], field)


TSV_COLUMNS = ("src", "tgt", "score", "src_lang", "src_doc", "tgt_doc", "src_ids", "tgt_ids")


def write_tsv(alignments: list[Alignment], path: str | os.PathLike[str] | None) -> None:
    """A parallel corpus: a header of TSV_COLUMNS, then one line per aligned group (ids comma-separated)."""
    # Hand-written escaping: the csv module quotes fields instead, which parallel-corpus tools (cut, paste, Moses
    # scripts) do not undo. Readers that know quoting must be told there is none (Python csv and pandas:
    # quoting=csv.QUOTE_NONE), or a text starting with a quote mark is read as a quoted field.
    with atomic_output(path) as fh:
        fh.write("\t".join(TSV_COLUMNS) + "\n")
        for alignment in alignments:
            for g in aligned_groups(alignment):
                fields = (tsv_escape(g.src), tsv_escape(g.tgt), f"{g.score:.4f}", g.src_lang, tsv_escape(g.src_doc),
                          tsv_escape(g.tgt_doc), ",".join(map(str, g.src_ids)), ",".join(map(str, g.tgt_ids)))
                fh.write("\t".join(fields) + "\n")


def xml_text(text: str) -> str:
    """Remove the characters XML 1.0 cannot hold at all (escaping of <, & and quotes is ElementTree's job)."""
    return _XML_FORBIDDEN.sub("", text)


def tmx_tree(alignments: list[Alignment]) -> ET.Element:
    """The <tmx> element: a header with every DTD-required attribute and one <tu> per aligned group."""
    src_langs = sorted({a.src.lang for a in alignments})
    root = ET.Element("tmx", version="1.4")
    ET.SubElement(root, "header", {
        "creationtool": "mtk",
        "creationtoolversion": toolkit_version(),
        "segtype": "sentence",
        "o-tmf": "mtk",
        "adminlang": "en",
        # TMX 1.4 spells "units in several source languages" as *all*.
        "srclang": src_langs[0] if len(src_langs) == 1 else "*all*",
        "datatype": "plaintext",
    })
    body = ET.SubElement(root, "body")
    for alignment in alignments:
        for g in aligned_groups(alignment):
            tu = ET.SubElement(body, "tu", srclang=g.src_lang)
            for prop_type, value in (
                ("x-score", f"{g.score:.4f}"),
                ("x-src-doc", g.src_doc),
                ("x-tgt-doc", g.tgt_doc),
                ("x-src-ids", ",".join(map(str, g.src_ids))),
                ("x-tgt-ids", ",".join(map(str, g.tgt_ids))),
                ("x-mode", alignment.mode_of(g.src_ids)),
            ):
                ET.SubElement(tu, "prop", type=prop_type).text = xml_text(value)
            for lang, text in ((g.src_lang, g.src), ("en", g.tgt)):
                tuv = ET.SubElement(tu, "tuv", {_XML_LANG: lang})
                ET.SubElement(tuv, "seg").text = xml_text(text)
    ET.indent(root)
    return root


def write_tmx(alignments: list[Alignment], path: str | os.PathLike[str] | None) -> None:
    """A TMX 1.4b translation memory of the aligned groups."""
    xml = ET.tostring(tmx_tree(alignments), encoding="unicode")
    with atomic_output(path) as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n')
        fh.write(xml + "\n")


def moses_files(alignments: list[Alignment]) -> dict[str, list[str]]:
    """File name -> lines: `corpus.<src>` + `corpus.en`, or `corpus.<src>-en.<src|en>` per language when mixed."""
    by_lang: dict[str, list[Group]] = {}
    for alignment in alignments:
        by_lang.setdefault(alignment.src.lang, []).extend(aligned_groups(alignment))
    files: dict[str, list[str]] = {}
    for lang, groups in sorted(by_lang.items()):
        prefix = "corpus" if len(by_lang) == 1 else f"corpus.{lang}-en"
        # Line alignment is the format: a newline inside a sentence would shift every following line.
        files[f"{prefix}.{lang}"] = [" ".join(g.src.split()) for g in groups]
        files[f"{prefix}.en"] = [" ".join(g.tgt.split()) for g in groups]
    return files


def moses_names() -> frozenset[str]:
    """Every file name moses_files can give, for any mix of source languages."""
    from mt.langid import SOURCE_LANGUAGES

    return frozenset(name for lang in SOURCE_LANGUAGES for prefix in ("corpus", f"corpus.{lang}-en")
                     for name in (f"{prefix}.{lang}", f"{prefix}.en"))


def _remove_stale(out: Path, names: frozenset[str], removed: list[Path]) -> None:
    """Delete the files of `out` named in `names`, adding each to `removed`."""
    for path in sorted(p for p in out.iterdir() if p.name in names and p.is_file()):
        path.unlink()
        removed.append(path)


def write_moses(alignments: list[Alignment], directory: str | os.PathLike[str]) -> list[Path]:
    """Line-aligned plain-text files in `directory`; returns their paths.

    Moses files of an earlier run that this one does not write (another mix of languages: `corpus.sw` beside the new
    `corpus.sw-en.sw`) are removed, so that `cat DIR/*.en` never mixes two corpora.
    """
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise InputError(f"moses output needs a directory, but {out} is a file")
    files = moses_files(alignments)
    # Replaced together, so a failure leaves no mismatched pair; the stale files go in the same step, under the same
    # lock, so that a second run writing another mix at the same moment cannot remove this run's files.
    stale: list[Path] = []
    with atomic_outputs([out / name for name in files],
                        replaces=lambda: _remove_stale(out, moses_names() - files.keys(), stale)) as handles:
        for fh, lines in zip(handles, files.values(), strict=True):
            fh.writelines(line + "\n" for line in lines)
    if stale:
        print(f"mtk: removed {', '.join(p.name for p in stale)} of an earlier run from {out}", file=sys.stderr)
    return [out / name for name in files]


def write_alignments(alignments: list[Alignment], out: str | os.PathLike[str] | None, fmt: str) -> list[Path]:
    """Write every alignment into `out` (a file, stdout when None, or a directory for moses); returns the files."""
    if fmt == "moses":
        if out is None or str(out) == "-":
            raise InputError("--format moses writes two files: give an output directory with -o DIR")
        return write_moses(alignments, out)
    if fmt == "jsonl":
        write_jsonl(alignments, out)
    elif fmt == "tsv":
        write_tsv(alignments, out)
    elif fmt == "tmx":
        write_tmx(alignments, out)
    else:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return [] if out is None or str(out) == "-" else [Path(out)]
