"""SQLite cache of sentence translations, keyed by model identity, options, source language and sentence."""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from mt import paths
from mt.sqlite_store import SqliteStore, select_in

_SCHEMA = "CREATE TABLE IF NOT EXISTS translations (key TEXT PRIMARY KEY, translation TEXT NOT NULL, created REAL)"


def cache_path() -> Path:
    """Where the translation cache lives."""
    return paths.cache_dir() / "translations.sqlite"


class TranslationCache:
    """A persistent key -> translation map; WAL mode so readers never block and a killed run loses only its last batch.

    A cache is only a cache: a damaged one is rebuilt, and one that cannot be used (locked past the timeout,
    read-only, another program's file) is left alone with a warning while translation goes on without it.
    """

    def __init__(self, path: Path | None = None) -> None:
        """Open (creating if needed) the cache database at `path` or the default location."""
        self.path = Path(path) if path else cache_path()
        self._store = SqliteStore(self.path, _SCHEMA, "translation cache", "translating without it")
        # Opened now, not on first use, so that open_or_none can say at once that MTK_HOME cannot hold it.
        self._store.open()

    @classmethod
    def open_or_none(cls) -> TranslationCache | None:
        """The default cache, or None (said once on stderr) when MTK_HOME cannot hold it: a cache is only a cache."""
        try:
            return cls()
        except (OSError, sqlite3.Error) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            print(f"mtk: warning: cannot use the translation cache in {cache_path().parent} ({reason}); translating "
                  "without it (set MTK_HOME to a writable folder)", file=sys.stderr)
            return None

    @staticmethod
    def key(model_id: str, options_key: str, src_lang: str, sentence: str) -> str:
        """The cache key of one sentence translated by one model with one set of options."""
        h = hashlib.sha256()
        for part in (model_id, options_key, src_lang, sentence):
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, str]:
        """The cached translations of those keys that are present."""
        return self._store.run(lambda db: dict(select_in(
            db, "SELECT key, translation FROM translations WHERE key IN ({marks})", keys)), {})

    def put_many(self, items: Iterable[tuple[str, str]]) -> None:
        """Store translations in one transaction."""
        now = time.time()
        rows = [(k, t, now) for k, t in items]
        self._store.transaction(lambda db: db.executemany(
            "INSERT OR REPLACE INTO translations (key, translation, created) VALUES (?, ?, ?)", rows))

    def __len__(self) -> int:
        """Number of cached translations (0 when the cache could not be used)."""
        return int(self._store.run(lambda db: db.execute("SELECT COUNT(*) FROM translations").fetchone()[0], 0))

    def close(self) -> None:
        """Close the database connection."""
        self._store.close()
