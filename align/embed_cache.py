"""Persistent sentence-embedding cache keyed by (encoder name, text), in SQLite under the mtk cache directory."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

from mt.errors import InputError
from mt.paths import cache_dir
from mt.progress import progress_bar
from mt.sqlite_store import SqliteStore, select_in

DISABLE_ENV = "MTK_NO_EMBED_CACHE"
MAX_MB_ENV = "MTK_EMBED_CACHE_MAX_MB"
# Word-piece matrices take about 30 KB per sentence, so an uncapped cache grows by about 30 GB per million aligned
# sentences; 2 GB keeps those of about 60,000 sentences.
DEFAULT_MAX_MB = 2048.0
T = TypeVar("T")
# Texts encoded and stored per transaction by the caching encoders: each chunk is written before the next one
# starts, so an interrupted run keeps most of its work.
STORE_CHUNK = 256
_SCHEMA = "CREATE TABLE IF NOT EXISTS emb (encoder TEXT, key BLOB, vec BLOB, PRIMARY KEY (encoder, key))"


def compute_missing(found: dict[str, T], unique: list[str], compute: Callable[[list[str]], list[T]],
                    store: Callable[[list[str], list[T]], None], description: str = "embedding sentences") -> None:
    """Compute the texts of `unique` that `found` lacks and add them to `found`, storing each chunk as it is done.

    STORE_CHUNK texts at a time, each chunk stored before the next starts (an interrupted run keeps its work); a
    progress bar when there is much to do."""
    missing = [t for t in unique if t not in found]
    # An article embeds in a second or two; a bar only for the long first run on a big input (about 10 s and more).
    with progress_bar(len(missing) if len(missing) > STORE_CHUNK else 0, description) as advance:
        for i in range(0, len(missing), STORE_CHUNK):
            part = missing[i:i + STORE_CHUNK]
            values = compute(part)
            store(part, values)
            found.update(zip(part, values, strict=True))
            advance(len(part))


def default_cache_path() -> Path:
    """Where the embedding cache lives: <cache_dir>/embeddings.sqlite3."""
    return cache_dir() / "embeddings.sqlite3"


def cache_enabled() -> bool:
    """False when the user set MTK_NO_EMBED_CACHE to a non-empty value other than 0."""
    return os.environ.get(DISABLE_ENV, "") in ("", "0")


def max_cache_bytes() -> int:
    """The embedding cache's size limit: MTK_EMBED_CACHE_MAX_MB megabytes, 2048 by default."""
    raw = os.environ.get(MAX_MB_ENV, "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_MAX_MB
    except ValueError:
        mb = -1.0
    if not mb > 0 or mb == float("inf"):
        raise InputError(f"{MAX_MB_ENV} must be a positive number of megabytes, not {raw!r}")
    return int(mb * 1024 * 1024)


def _key(text: str) -> bytes:
    # A digest keeps the index small for long paragraphs; sha1 collisions are not a practical risk here.
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()


class EmbeddingCache:
    """SQLite store of float32 vectors (and float16 word-piece matrices); each put() is one transaction, so an interrupted run loses nothing written."""

    def __init__(self, path: Path | None = None, max_bytes: int | None = None) -> None:
        """The cache at `path` (default: the mtk cache directory), kept under `max_bytes`; opened on first use."""
        self.path = path or default_cache_path()
        self.max_bytes = max_bytes if max_bytes is not None else max_cache_bytes()
        self._store = SqliteStore(self.path, _SCHEMA, "embedding cache", "continuing without it")

    def _read(self, encoder: str, texts: list[str]) -> dict[str, bytes]:
        """Stored blobs of those `texts` that are in the cache for `encoder`."""
        by_key = {_key(t): t for t in texts}
        query = "SELECT key, vec FROM emb WHERE encoder = ? AND key IN ({marks})"
        return self._store.run(lambda db: {by_key[key]: vec for key, vec in select_in(db, query, list(by_key), encoder)},
                               {})

    def _write(self, encoder: str, texts: list[str], blobs: list[bytes]) -> None:
        """Store one blob per text for `encoder` (replacing older entries), in one transaction."""
        rows = [(encoder, _key(t), b) for t, b in zip(texts, blobs, strict=True)]

        def write(db: sqlite3.Connection) -> None:
            stored_before = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM emb").fetchone()[0]
            db.executemany("INSERT OR REPLACE INTO emb VALUES (?, ?, ?)", rows)
            self._evict(db, stored_before)

        self._store.transaction(write)

    def _evict(self, db: sqlite3.Connection, stored_before: int) -> None:
        """Delete the oldest entries (first stored first) until the data is back under 90% of the size limit.

        Only entries stored before this write (rowid up to `stored_before`) go: with a small limit, a write of word
        pieces had evicted the sentence vectors stored just before it, and itself, so the cache kept nothing."""
        page_size, pages, free = (db.execute(f"PRAGMA {p}").fetchone()[0]
                                  for p in ("page_size", "page_count", "freelist_count"))
        used = (pages - free) * page_size
        if used <= self.max_bytes:
            return
        excess = used - int(0.9 * self.max_bytes)
        # Freed pages are reused by later writes, so the file stops growing near the limit without a VACUUM.
        # Rows replaced by INSERT OR REPLACE get a new rowid: an entry stored again counts as new.
        freed, last = 0, None
        for rowid, size in db.execute("SELECT rowid, length(vec) + 64 FROM emb WHERE rowid <= ? ORDER BY rowid",
                                      (stored_before,)):
            freed += size
            last = rowid
            if freed >= excess:
                break
        if last is not None:
            db.execute("DELETE FROM emb WHERE rowid <= ?", (last,))

    def get(self, encoder: str, texts: list[str], dim: int) -> dict[str, np.ndarray]:
        """Cached vectors of those `texts` that are in the cache for `encoder`."""
        # A row of another size is stale (another model under the same name), and one that is not a finite vector
        # of unit length (a damaged or hand-edited database) is not what was stored: both are misses.
        found = {t: np.frombuffer(b, dtype=np.float32) for t, b in self._read(encoder, texts).items()
                 if isinstance(b, bytes) and len(b) == 4 * dim}
        return {t: v for t, v in found.items() if np.all(np.isfinite(v)) and abs(float(v @ v) - 1.0) < 1e-2}

    def put(self, encoder: str, texts: list[str], vectors: list[np.ndarray] | np.ndarray) -> None:
        """Store one vector per text for `encoder` (replacing older entries), in one transaction."""
        self._write(encoder, texts, [np.ascontiguousarray(v, dtype=np.float32).tobytes() for v in vectors])

    def get_matrices(self, encoder: str, texts: list[str], dim: int) -> dict[str, np.ndarray]:
        """Cached (rows, dim) matrices (word-piece vectors) of those `texts` that are in the cache for `encoder`."""
        # Stored as float16: word-piece vectors are many, and matching them needs no more precision.
        found = {t: np.frombuffer(b, dtype=np.float16).reshape(-1, dim).astype(np.float32)
                 for t, b in self._read(encoder, texts).items() if isinstance(b, bytes) and b and len(b) % (2 * dim) == 0}
        return {t: m for t, m in found.items() if np.all(np.isfinite(m))}

    def put_matrices(self, encoder: str, texts: list[str], matrices: list[np.ndarray]) -> None:
        """Store one (rows, dim) matrix per text for `encoder`, as float16, in one transaction."""
        self._write(encoder, texts, [np.ascontiguousarray(m, dtype=np.float16).tobytes() for m in matrices])

    def close(self) -> None:
        """Close the database connection (reopened on next use)."""
        self._store.close()
