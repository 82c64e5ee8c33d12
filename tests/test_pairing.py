"""Document pairing finds the seed pairs with no manifest, and leaves an unrelated article unpaired."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from align.encoder import MemoEncoder, get_encoder
from align.pairing import DocPair, pair_documents, pair_with_reasons
from align.synthetic import DATA_DIR
from mt.document import Document, Sentence
from mt.errors import InputError
from mt.loader import load_document

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
NTREX = DATA_DIR / "ntrex128"


@pytest.fixture(scope="module")
def enc() -> MemoEncoder:
    """The real encoder, remembering sentences already embedded so the tests encode each seed once."""
    return MemoEncoder(get_encoder())


@pytest.fixture(scope="module")
def seed_docs() -> list[Document]:
    """The five seed articles, loaded as `mtk` loads them."""
    return [load_document(p) for p in sorted(SEEDS.glob("*.txt"))]


def _short(pairs: list[DocPair]) -> set[tuple[str, str]]:
    return {(p.src.doc_id[:3], p.tgt.doc_id[:3]) for p in pairs}


def _unrelated_swahili() -> Document:
    """A Swahili news article on another event: the first NTREX-128 document (a BBC story)."""
    if not NTREX.is_dir():
        pytest.skip(f"{NTREX} (shared evaluation data) is not on this machine")
    ids = (NTREX / "ntrex128-document_ids.txt").read_text(encoding="utf-8").split("\n")
    sw = (NTREX / "ntrex128-newstest2019-ref.swa").read_text(encoding="utf-8").split("\n")
    texts = [t for t, d in zip(sw, ids, strict=True) if d == ids[0]]
    return Document("ntrex-sw", "sw", [Sentence(t, 0, i) for i, t in enumerate(texts)])


def test_seed_pairs_without_manifest(seed_docs: list[Document], enc: MemoEncoder) -> None:
    pairs, unpaired = pair_with_reasons(seed_docs, encoder=enc)
    assert _short(pairs) == {("000", "003"), ("001", "003"), ("002", "004")}
    assert all(p.score >= 1.005 for p in pairs)
    assert unpaired == {}


def test_unrelated_article_is_unpaired(seed_docs: list[Document], enc: MemoEncoder) -> None:
    stray = _unrelated_swahili()
    pairs, unpaired = pair_with_reasons(seed_docs + [stray], encoder=enc)
    assert _short(pairs) == {("000", "003"), ("001", "003"), ("002", "004")}
    assert list(unpaired) == ["ntrex-sw"]
    found = re.fullmatch(r"no English article scores as the same event \(best: (\w+), pairing score (\d\.\d{3}), "
                         r"pairs need 1\.005\)", unpaired["ntrex-sw"])
    assert found and found.group(1) in {d.doc_id for d in seed_docs} and float(found.group(2)) < 1.005
    # The score shown is rounded down, so that given as the threshold it pairs the two.
    pairs = pair_documents(seed_docs + [stray], encoder=enc, threshold=float(found.group(2)))
    assert ("ntrex-sw", found.group(1)) in {(p.src.doc_id, p.tgt.doc_id) for p in pairs}


def test_two_english_articles_on_one_event(seed_docs: list[Document], enc: MemoEncoder) -> None:
    # A second English outlet with the same story (003 with its sentences in reverse order) joins 000 as well.
    en = seed_docs[3]
    copy = Document("003copy", "en", [Sentence(s.text, 0, k) for k, s in enumerate(reversed(en.sentences))])
    pairs = pair_documents([seed_docs[0], en, copy, seed_docs[4]], encoder=enc)
    assert sorted((p.src.doc_id, p.tgt.doc_id) for p in pairs) == [
        (seed_docs[0].doc_id, en.doc_id), (seed_docs[0].doc_id, "003copy")]


def test_no_english_is_an_input_error(seed_docs: list[Document]) -> None:
    with pytest.raises(InputError):
        pair_documents(seed_docs[:3])


def test_threshold_leaves_sources_unpaired(seed_docs: list[Document], enc: MemoEncoder) -> None:
    assert pair_documents(seed_docs, encoder=enc, threshold=2.0) == []
