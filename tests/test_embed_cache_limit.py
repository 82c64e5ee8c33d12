"""The embedding cache stays under its size limit by dropping its oldest entries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from align.embed_cache import DEFAULT_MAX_MB, MAX_MB_ENV, EmbeddingCache, max_cache_bytes
from mt.errors import InputError

DIM = 32


def _chunk(n: int, start: int) -> tuple[list[str], list[np.ndarray]]:
    texts = [f"sentence number {start + i}" for i in range(n)]
    rng = np.random.default_rng(start)
    return texts, [rng.standard_normal((40, DIM)).astype(np.float32) for _ in texts]


def _used_bytes(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        size, pages, free = (db.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_size", "page_count", "freelist_count"))
        return (pages - free) * size
    finally:
        db.close()


def test_oldest_entries_go_when_the_limit_is_reached(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    limit = 200_000  # each matrix is 40 x 32 float16 = 2,560 bytes; 40 chunks of 20 hold about 2 MB
    cache = EmbeddingCache(path, max_bytes=limit)
    for k in range(40):
        cache.put_matrices("enc", *_chunk(20, 20 * k))
    cache.close()
    assert _used_bytes(path) <= limit + 20 * 4096  # at most one chunk over, before its own eviction ran
    fresh = EmbeddingCache(path, max_bytes=limit)
    newest, _ = _chunk(20, 20 * 39)
    oldest, _ = _chunk(20, 0)
    assert len(fresh.get_matrices("enc", newest, DIM)) == 20
    assert fresh.get_matrices("enc", oldest, DIM) == {}
    kept = len(fresh.get_matrices("enc", [f"sentence number {i}" for i in range(800)], DIM))
    assert 20 < kept < 200
    fresh.close()
    # Freed pages are reused: more writes do not grow the file.
    size = path.stat().st_size  # the last connection's close folds the write-ahead log in
    again = EmbeddingCache(path, max_bytes=limit)
    for k in range(40, 80):
        again.put_matrices("enc", *_chunk(20, 20 * k))
    again.close()
    assert path.stat().st_size <= 2 * size


def test_a_write_larger_than_the_limit_keeps_itself(tmp_path: Path) -> None:
    # With MTK_EMBED_CACHE_MAX_MB=1, a word-piece write of about the limit evicted the sentence vectors stored just
    # before it and then its own rows: 2,560 of 2,560 misses right after writing.
    cache = EmbeddingCache(tmp_path / "c.sqlite3", max_bytes=60_000)
    cache.put_matrices("enc", *_chunk(10, 0))
    big, mats = _chunk(40, 100)  # about 100 KB: more than the limit
    cache.put_matrices("enc", big, mats)
    assert len(cache.get_matrices("enc", big, DIM)) == 40
    assert cache.get_matrices("enc", _chunk(10, 0)[0], DIM) == {}  # what came before made room
    cache.close()


def test_under_the_limit_nothing_is_dropped(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite3", max_bytes=50_000_000)
    for k in range(10):
        cache.put_matrices("enc", *_chunk(20, 20 * k))
    assert len(cache.get_matrices("enc", [f"sentence number {i}" for i in range(200)], DIM)) == 200
    cache.close()


def test_limit_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MAX_MB_ENV, raising=False)
    assert max_cache_bytes() == int(DEFAULT_MAX_MB * 1024 * 1024)
    monkeypatch.setenv(MAX_MB_ENV, "1.5")
    assert max_cache_bytes() == int(1.5 * 1024 * 1024)
    for bad in ("0", "-3", "lots", "nan", "inf"):
        monkeypatch.setenv(MAX_MB_ENV, bad)
        with pytest.raises(InputError, match=MAX_MB_ENV):
            max_cache_bytes()
