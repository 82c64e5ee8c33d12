#!/usr/bin/env python
"""Check the fact checker on the gold pair 000 -> 003: gold facts it finds, and the "missing" it reports wrongly.

The gold sentences and links are taken as given, so that only fact checking is measured, not alignment. Both modes:
no translation, and the gold reference translations given as translations. For each side it prints the facts
listed, found, missing and unchecked; how many of the 21 gold facts (each stated by both articles) are found at
their gold sentence by one of their anchors; and how many "missing" facts are a gold fact's anchor, which the other
article does state (false missing).

Usage: python scripts/eval_facts.py
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from eval_alignment import GOLD_DIR, SRC_ID, TGT_ID, _gold_json

from align.model import Alignment, Edge
from eval.fact_extraction import normalise_digits
from eval.facts import fact_coverage, names_match
from mt.document import Document, Sentence
from mt.errors import MtkError

KINDS = ("content", "headline", "caption")  # the sentences the gold links and facts are about


def gold_alignment(translations: list[str] | None = None) -> tuple[Alignment, dict[str, int]]:
    """The gold pair as an Alignment (its content, headline and caption sentences, its gold links, `translations`
    if given), and each gold sentence id's index."""
    sentences, index, docs = _gold_json("sentences.json"), {}, []
    for doc_id, lang in ((SRC_ID, "sw"), (TGT_ID, "en")):
        kept = [s for s in sentences[doc_id] if s["kind"] in KINDS]
        index.update({s["id"]: i for i, s in enumerate(kept)})
        docs.append(Document(doc_id=doc_id, lang=lang, sentences=[
            Sentence(s["text"], 0, i, s["start"], s["end"]) for i, s in enumerate(kept)]))
    links = _gold_json("alignments.json")["000-003"]["links"]
    edges = [Edge(index[link["src"]], index[t], 1.0) for link in links for t in link["tgt"]
             if link["src"] in index and t in index]
    mode = "no-mt" if translations is None else "translations"
    return Alignment(docs[0], docs[1], edges, translations=translations, mode=mode), index


def reference_translations(index: dict[str, int]) -> list[str]:
    """The gold reference translation of each kept source sentence, in order."""
    refs = {r["id"]: r["reference"] for r in _gold_json("references.json")[SRC_ID]}
    return [refs[i] for i, _ in sorted(index.items(), key=lambda x: x[1]) if i.startswith("000")]


def _states(record: dict[str, Any], anchors: list[str]) -> bool:
    """Whether a listed fact is one of a gold fact's anchors (a name that matches it, or its number or date)."""
    return any(names_match(a, record["text"]) or normalise_digits(record["text"]) in normalise_digits(a)
               for a in anchors)


def gold_facts_found(records: list[dict[str, Any]], index: dict[str, int], side: str) -> int:
    """Gold facts of which a listed fact of `side` ("src" or "tgt") is found, at its gold sentence, in the gold partner
    sentence, by one of the fact's anchors."""
    own, other, anchors = ("src", "tgt", "anchors_src") if side == "src" else ("tgt", "src", "anchors_en")
    return sum(any(r["sentence"] == index[g[own]] and r["status"] == "found" and index[g[other]] in r["matches"]
                   and _states(r, g[anchors]) for r in records) for g in _gold_json("facts.json")["000-003"])


def measure(use_refs: bool) -> dict[str, dict[str, int]]:
    """Per side: facts listed, found, missing, unchecked, gold facts found, false missing."""
    alignment, index = gold_alignment()
    if use_refs:
        alignment, index = gold_alignment(reference_translations(index))
    facts = fact_coverage(alignment)
    gold = _gold_json("facts.json")["000-003"]
    out = {}
    for side, anchors in (("src", "anchors_src"), ("tgt", "anchors_en")):
        records = facts[side]
        false_missing = sum(r["status"] == "missing" and any(r["sentence"] == index[g[side]] and _states(r, g[anchors])
                                                             for g in gold) for r in records)
        out[side] = {"facts": len(records), **{s: sum(r["status"] == s for r in records)
                                               for s in ("found", "missing", "unchecked")},
                     "gold found": gold_facts_found(records, index, side), "gold facts": len(gold),
                     "false missing": false_missing}
    return out


def main(argv: list[str] | None = None) -> int:
    """Print both modes' counts."""
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    if not GOLD_DIR.is_dir():
        print(f"eval_facts: no gold data at {GOLD_DIR}", file=sys.stderr)
        return 1
    try:
        for use_refs, mode in ((False, "no translation"), (True, "gold reference translations")):
            for side, c in measure(use_refs).items():
                name = "Swahili facts" if side == "src" else "English facts"
                print(f"{mode}, {name}: {c['facts']} listed, {c['found']} found, {c['missing']} missing, "
                      f"{c['unchecked']} unchecked; gold facts found {c['gold found']}/{c['gold facts']}; "
                      f"false missing {c['false missing']}")
    except (MtkError, OSError, KeyError) as exc:
        print(f"eval_facts: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
