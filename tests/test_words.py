"""SimAlign word links on a tiny random BERT built here, offline."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from tiny_models import build_tiny_bert, text_document

from align.model import Alignment, Edge
from align.words import load_aligner, word_align
from mt.errors import ModelError

SRC = ["Morocco na Israel zimekubaliana kuimarisha ushirikiano wao", "Mkutano ulifanyika Rabat Jumanne"]
TGT = ["Morocco and Israel agreed to strengthen their cooperation", "The meeting took place in Rabat on Tuesday"]


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random 2-layer BERT whose WordPiece vocabulary holds the test words (some split into two pieces)."""
    return build_tiny_bert(tmp_path_factory.mktemp("tiny-bert"), SRC + TGT)


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


def test_identical_sentences_link_each_word_to_itself(tiny_bert: Path) -> None:
    # The same words in the same context get the same vectors, so argmax both ways is the diagonal:
    # this checks that word-piece positions are mapped back to whitespace-word indices.
    alignment = Alignment(text_document("s", "sw", SRC), text_document("e", "en", SRC),
                          [Edge(0, 0, 1.0), Edge(1, 1, 1.0)])
    word_align(alignment, str(tiny_bert))
    assert alignment.word_links[(0, 0)] == [(k, k) for k in range(len(SRC[0].split()))]
    assert alignment.word_links[(1, 1)] == [(k, k) for k in range(len(SRC[1].split()))]


def test_links_are_one_to_one_and_within_sentences(tiny_bert: Path) -> None:
    edges = [Edge(0, 0, 0.9), Edge(1, 1, 0.8), Edge(1, 0, 0.3)]
    alignment = Alignment(text_document("s", "sw", SRC), text_document("e", "en", TGT), edges)
    word_align(alignment, str(tiny_bert), method="a")
    assert set(alignment.word_links) == {(0, 0), (1, 1), (1, 0)}
    for (i, j), links in alignment.word_links.items():
        n_src, n_tgt = len(SRC[i].split()), len(TGT[j].split())
        assert links, "argmax intersection of two non-empty sentences has at least one link"
        assert all(0 <= a < n_src and 0 <= b < n_tgt for a, b in links)
        assert links == sorted(set(links))


def test_argmax_links_are_symmetric(tiny_bert: Path) -> None:
    # "a" intersects forward and backward argmax, so swapping the sides must transpose the links.
    forward = Alignment(text_document("s", "sw", SRC), text_document("e", "en", TGT), [Edge(0, 0, 0.9)])
    backward = Alignment(text_document("s", "sw", TGT), text_document("e", "en", SRC), [Edge(0, 0, 0.9)])
    word_align(forward, str(tiny_bert))
    word_align(backward, str(tiny_bert))
    assert sorted((b, a) for a, b in backward.word_links[(0, 0)]) == forward.word_links[(0, 0)]


def test_unaligned_sentences_get_no_links(tiny_bert: Path) -> None:
    alignment = Alignment(text_document("s", "sw", SRC), text_document("e", "en", TGT), [Edge(0, 0, 0.9)])
    word_align(alignment, str(tiny_bert))
    assert list(alignment.word_links) == [(0, 0)]


def test_missing_model_is_a_model_error(tmp_path: Path, tiny_bert: Path) -> None:
    alignment = Alignment(text_document("s", "sw", SRC), text_document("e", "en", TGT), [Edge(0, 0, 0.9)])
    with pytest.raises(ModelError, match="word-alignment model folder .*no-such-model not found"):
        word_align(alignment, str(tmp_path / "no-such-model"))


def test_a_missing_model_is_found_before_simalign_is_imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Importing simalign loads torch and transformers (seconds): a mistyped --word-model must not wait for that.
    from align import words

    def no_import() -> None:
        raise AssertionError("simalign imported before the model was checked")

    monkeypatch.setattr(words, "_sentence_aligner_class", no_import)
    with pytest.raises(ModelError, match="word-alignment model folder .*nowhere not found"):
        words.load_aligner(str(tmp_path / "nowhere"))


def test_corrupt_model_folder_is_a_model_error(tmp_path: Path, tiny_bert: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(tiny_bert, broken)
    (broken / "config.json").write_text("{not json", encoding="utf-8")
    alignment = Alignment(text_document("s", "sw", SRC), text_document("e", "en", TGT), [Edge(0, 0, 0.9)])
    with pytest.raises(ModelError, match="cannot load word-alignment model"):
        word_align(alignment, str(broken))


def test_hub_model_not_downloaded_fails_fast_when_the_hub_is_unreachable(monkeypatch: pytest.MonkeyPatch,
                                                                         tmp_path: Path) -> None:
    # A closed port on this machine stands in for a network that is down; nothing leaves the machine.
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub-cache"))
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with pytest.raises(ModelError, match="is not downloaded and the Hub cannot be reached"):
        load_aligner("some-org/some-word-model-not-here")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelError, match="not downloaded and HF_HUB_OFFLINE is set"):
        load_aligner("some-org/some-word-model-not-here")


def test_missing_extra_is_a_model_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "simalign", None)  # makes `import simalign` raise ImportError
    alignment = Alignment(text_document("s", "sw", SRC), text_document("e", "en", TGT), [Edge(0, 0, 0.9)])
    with pytest.raises(ModelError, match=r"pip install -e '\.\[words\]'"):
        word_align(alignment, "some-other-model")
