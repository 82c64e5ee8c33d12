"""Document pairing finds the seed pairs with no manifest, and leaves an unrelated article unpaired."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from align.encoder import MemoEncoder, get_encoder
from align.pairing import (
    DocPair,
    PairingEvidence,
    document_evidence,
    pair_documents,
    pair_with_reasons,
    pairs_from_evidence,
)
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


def _ntrex(doc: str | None, lang: str, doc_id: str) -> Document:
    """One NTREX-128 news document in Swahili or English (`doc` None: the first one, a BBC story)."""
    if not NTREX.is_dir():
        pytest.skip(f"{NTREX} (shared evaluation data) is not on this machine")
    ids = (NTREX / "ntrex128-document_ids.txt").read_text(encoding="utf-8").split("\n")
    name = "ntrex128-newstest2019-ref.swa" if lang == "sw" else "ntrex128-newstest2019-src.eng"
    lines = (NTREX / name).read_text(encoding="utf-8").split("\n")
    texts = [t for t, d in zip(lines, ids, strict=True) if d == (doc or ids[0])]
    return Document(doc_id, lang, [Sentence(t, 0, i) for i, t in enumerate(texts)])


def _unrelated_swahili() -> Document:
    """A Swahili news article on another event than the seeds'."""
    return _ntrex(None, "sw", "ntrex-sw")


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
                         r"pairs need 1\.005(; \d+ of the shorter article's \d+ sentences match at translation level, pairs need 25% and at least 2)?\)",
                         unpaired["ntrex-sw"])
    assert found and found.group(1) in {d.doc_id for d in seed_docs} and float(found.group(2)) < 1.005


def test_the_score_shown_as_threshold_pairs_the_two(seed_docs: list[Document], enc: MemoEncoder) -> None:
    # 000-003 scores about 1.034: above that no pair, and the score it is said to have is rounded down.
    pairs, unpaired = pair_with_reasons(seed_docs[:1] + seed_docs[3:4], encoder=enc, threshold=1.2)
    found = re.fullmatch(r"no English article scores as the same event \(best: 003_\w+, pairing score (\d\.\d{3}), "
                         r"pairs need 1\.2\)", unpaired[seed_docs[0].doc_id])
    assert pairs == [] and found, unpaired
    assert len(pair_documents(seed_docs[:1] + seed_docs[3:4], encoder=enc, threshold=float(found.group(1)))) == 1


def test_two_unrelated_articles_alone_are_not_paired(enc: MemoEncoder) -> None:
    # Each is the other's only neighbourhood, so margins alone call them one event; few sentences match, though.
    sw = _ntrex("nytimes.184860", "sw", "nyt-sw")
    en = _ntrex("dailymail.co.uk.298732", "en", "dailymail-en")
    evidence = document_evidence([sw], [en], enc)
    sharing = evidence.sharing()
    assert evidence.scores[0, 0] >= 1.005 and sharing is not None and not sharing[0, 0]
    pairs, unpaired = pair_with_reasons([sw, en], encoder=enc)
    assert pairs == []
    assert re.fullmatch(r"no English article scores as the same event \(best: dailymail-en, pairing score 1\.\d{3}, "
                        r"pairs need 1\.005; [0-3] of the shorter article's 18 sentences match at translation level, "
                        r"pairs need 25% and at least 2; --manifest pairs them anyway\)",
                        unpaired["nyt-sw"]), unpaired
    # The same article with its own English is paired.
    own = _ntrex("nytimes.184860", "en", "nyt-en")
    assert [(p.src.doc_id, p.tgt.doc_id) for p in pair_documents([sw, en, own], encoder=enc)] == [("nyt-sw", "nyt-en")]


def test_articles_sharing_too_few_sentences_are_out_before_the_best_is_chosen() -> None:
    docs = [Document(name, lang, [Sentence("x", 0, 0)]) for name, lang in (("s", "sw"), ("a", "en"), ("b", "en"))]

    def tgts(scores: list[float], matched: list[int], shorter: list[int]) -> list[str]:
        evidence = PairingEvidence(np.array([scores]), np.array([matched]), np.array([shorter]))
        return [p.tgt.doc_id for p in pairs_from_evidence(docs[:1], docs[1:], evidence)]

    # English "a" scores best but shares too little (1 of 10); "b" is then this source's best, and pairs.
    assert tgts([1.015, 1.01], [1, 5], [10, 10]) == ["b"]
    # One match is no evidence even in a 4-sentence article (a quarter); in a 1-sentence article it is all there is.
    assert tgts([1.015, 1.01], [1, 0], [4, 10]) == []
    assert tgts([1.015, 1.01], [1, 0], [1, 10]) == ["a"]
    # A clear score needs no shared sentences.
    assert tgts([1.03, 1.01], [0, 0], [10, 10]) == ["a"]
    # An encoder with no measured level gives no counts: scores alone decide (both, "b" as a second outlet).
    assert [p.tgt.doc_id for p in pairs_from_evidence(docs[:1], docs[1:], PairingEvidence(np.array([[1.015, 1.01]])))
            ] == ["a", "b"]


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
