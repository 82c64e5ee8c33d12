"""SQLite cache of sentence translations, keyed by model identity, options, source language and sentence."""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from mt import paths

_SCHEMA = "CREATE TABLE IF NOT EXISTS translations (key TEXT PRIMARY KEY, translation TEXT NOT NULL, created REAL)"


def cache_path() -> Path:
    """Where the translation cache lives."""
    return paths.cache_dir() / "translations.sqlite"


class TranslationCache:
    """A persistent key -> translation map; WAL mode so readers never block and a killed run loses only its last batch."""

    def __init__(self, path: Path | None = None) -> None:
        """Open (creating if needed) the cache database at `path` or the default location."""
        self.path = Path(path) if path else cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
        except sqlite3.DatabaseError:
            # A damaged cache is only a cache: start a fresh one instead of failing the translation.
            self._db.close()
            self.path.unlink(missing_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(_SCHEMA)

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
        found: dict[str, str] = {}
        step = 500  # stay under SQLite's limit on bound parameters
        for i in range(0, len(keys), step):
            part = keys[i : i + step]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(f"SELECT key, translation FROM translations WHERE key IN ({marks})", part)
            found.update(rows.fetchall())
        return found

    def put_many(self, items: Iterable[tuple[str, str]]) -> None:
        """Store translations in one transaction."""
        now = time.time()
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO translations (key, translation, created) VALUES (?, ?, ?)",
                [(k, t, now) for k, t in items],
            )

    def __len__(self) -> int:
        """Number of cached translations."""
        return self._db.execute("SELECT COUNT(*) FROM translations").fetchone()[0]

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()
