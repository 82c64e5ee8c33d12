"""sacrebleu metrics: values equal sacrebleu called directly; references must match the sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sacrebleu
from test_coverage import gold_alignment, needs_gold

from align.synthetic import SHARED_DIR
from eval.metrics import (
    PSEUDO_LABEL,
    corpus_scores,
    load_references,
    pseudo_reference_pairs,
    score_against_pseudo_references,
    sentence_scores,
)
from mt.errors import InputError

HYPS = ["The cat sat on the mat.", "Morocco and Israel signed a deal in Rabat in November 2021."]
REFS = ["The cat was sitting on the mat.", "In November 2021 Israel and Morocco signed an agreement in Rabat."]


def test_corpus_scores_equal_sacrebleu() -> None:
    got = corpus_scores(HYPS, REFS)
    assert got["scores"]["BLEU"] == round(sacrebleu.corpus_bleu(HYPS, [REFS]).score, 2)
    assert got["scores"]["chrF"] == round(sacrebleu.corpus_chrf(HYPS, [REFS]).score, 2)
    assert got["scores"]["chrF++"] == round(sacrebleu.corpus_chrf(HYPS, [REFS], word_order=2).score, 2)
    assert got["scores"]["TER"] == round(sacrebleu.corpus_ter(HYPS, [REFS]).score, 2)
    assert got["signatures"]["BLEU"].startswith("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:")
    assert "nw:2" in got["signatures"]["chrF++"] and "nw:0" in got["signatures"]["chrF"]
    assert got["n"] == 2


def test_hand_checked_values() -> None:
    # Identical text: BLEU and chrF are 100, TER 0. Nothing shared: BLEU 0.
    same = corpus_scores(["a b c d e"], ["a b c d e"])["scores"]
    assert same == {"BLEU": 100.0, "chrF": 100.0, "chrF++": 100.0, "TER": 0.0}
    assert corpus_scores(["x y z w"], ["a b c d"])["scores"]["BLEU"] == 0.0
    # TER: one substitution in four words = 25.
    assert corpus_scores(["a b c d"], ["a b c e"])["scores"]["TER"] == 25.0


def test_sentence_scores_equal_sacrebleu() -> None:
    got = sentence_scores(HYPS, REFS)
    for row, h, r in zip(got, HYPS, REFS, strict=True):
        assert row["BLEU"] == round(sacrebleu.sentence_bleu(h, [r]).score, 2)  # sentence_bleu uses effective order
        assert row["chrF"] == round(sacrebleu.sentence_chrf(h, [r]).score, 2)
        assert row["TER"] == round(sacrebleu.sentence_ter(h, [r]).score, 2)


def test_jsonl_references_keyed_by_source(tmp_path: Path) -> None:
    path = tmp_path / "refs.jsonl"
    path.write_text(json.dumps({"src": "Habari  ya Rabat.", "reference": "News from Rabat."}) + "\n", encoding="utf-8")
    assert load_references(path, ["Kwanza.", "Habari ya Rabat."]) == {1: "News from Rabat."}


def test_references_that_do_not_match_are_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "refs.jsonl"
    path.write_text(json.dumps({"src": "Something else entirely", "reference": "x"}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="does not match"):
        load_references(path, ["Kwanza."])
    lines = tmp_path / "refs.txt"
    lines.write_text("one\ntwo\n", encoding="utf-8")
    with pytest.raises(InputError, match="2 lines but there are 3"):
        load_references(lines, ["a", "b", "c"], presplit=True)
    assert load_references(lines, ["a", "b"], presplit=True) == {0: "one", 1: "two"}
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad.jsonl:1"):
        load_references(bad, ["a"])
    bad.write_text("[" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad.jsonl:1: expected a JSON object"):
        load_references(bad, ["a"])


def test_empty_references_are_not_scored(tmp_path: Path) -> None:
    # Scored against "", every translation would count as wrong: BLEU 0, TER 100, as if measured.
    empty = tmp_path / "empty.jsonl"
    empty.write_text(json.dumps({"src": "Kwanza.", "reference": " "}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="empty.jsonl:1: the reference is empty"):
        load_references(empty, ["Kwanza."])
    lines = tmp_path / "refs.txt"
    lines.write_text("one\n\nthree\n", encoding="utf-8")
    assert load_references(lines, ["a", "b", "c"], presplit=True) == {0: "one", 2: "three"}
    lines.write_text("\n\u200b\n", encoding="utf-8")
    with pytest.raises(InputError, match="holds no references"):
        load_references(lines, ["a", "b"], presplit=True)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_references_are_decoded_like_articles(encoding: str, tmp_path: Path) -> None:
    path = tmp_path / "refs.jsonl"
    path.write_text(json.dumps({"src": "Kwanza.", "reference": "First."}) + "\n", encoding=encoding)
    assert load_references(path, ["Kwanza."]) == {0: "First."}


@needs_gold
def test_pseudo_references_use_only_aligned_sentences() -> None:
    refs = json.loads((SHARED_DIR / "gold" / "references.json").read_text(encoding="utf-8"))["000_c34c121e1dd8a5b8"]
    alignment, index = gold_alignment()
    by_id = {r["id"]: r["reference"] for r in refs}
    translations = [by_id[k] for k in sorted(index, key=index.get) if k.startswith("000")]
    alignment.translations, alignment.mode = translations, "translations"
    hyps, pseudo, ids = pseudo_reference_pairs(alignment)
    assert len(ids) == 12 and index["000-s12"] not in ids  # 000-s12 has no English partner
    result = score_against_pseudo_references([alignment])
    assert result["label"] == PSEUDO_LABEL
    assert result["scores"]["chrF"] == round(sacrebleu.corpus_chrf(hyps, [pseudo]).score, 2)


def test_reference_lines_end_at_newlines_only(tmp_path: Path) -> None:
    # wc -l and sacrebleu count "\n": a form feed or U+2028 inside a line split it, shifting every later reference.
    lines = tmp_path / "refs.txt"
    lines.write_text("one\x0cstill one\ntwo\u2028still two\nthree\u0085\n", encoding="utf-8")
    assert load_references(lines, ["a", "b", "c"], presplit=True) == {
        0: "one\x0cstill one", 1: "two\u2028still two", 2: "three\u0085".strip()}
    # A valid JSONL line may hold a raw U+2028 (json.dumps(ensure_ascii=False) writes it so).
    path = tmp_path / "refs.jsonl"
    path.write_text(json.dumps({"src": "Kwanza.", "reference": "First\u2028line."}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    assert load_references(path, ["Kwanza."]) == {0: "First\u2028line."}


def test_a_references_file_read_the_wrong_way_says_so(tmp_path: Path) -> None:
    # Read line by line, JSONL scored against '{"src": ...}' strings: BLEU 19 where the right reading gives 100.
    path = tmp_path / "refs.jsonl"
    path.write_text("".join(json.dumps({"src": s, "reference": r}) + "\n" for s, r in (("a", "A."), ("b", "B."))),
                    encoding="utf-8")
    with pytest.raises(InputError, match="is JSONL with 'reference' fields, not one reference per line; drop "
                                         "--presplit"):
        load_references(path, ["a", "b"], presplit=True)
    lines = tmp_path / "refs.txt"
    lines.write_text("A.\nB.\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"refs.txt:1: expected a JSON object .* needs --presplit\)$"):
        load_references(lines, ["a", "b"])
