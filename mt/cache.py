"""SQLite cache of sentence translations, keyed by model identity, options, source language and sentence."""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from mt import paths

T = TypeVar("T")
# Errors of a healthy database (DatabaseError's other subclasses): given up on, never a reason to delete the file.
_NOT_DAMAGE = (sqlite3.OperationalError, sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.DataError,
               sqlite3.InterfaceError, sqlite3.NotSupportedError)
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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._warned = False
        self._lock = threading.Lock()  # one connection, usable from any thread of the caller
        self._db: sqlite3.Connection | None = None
        try:
            self._db = self._connect()
        except sqlite3.OperationalError:
            raise  # locked or read-only: open_or_none says so; deleting a file another run has open loses its work
        except sqlite3.DatabaseError as exc:
            self._rebuild(exc)
            self._db = self._connect()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(_SCHEMA)
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _rebuild(self, exc: sqlite3.DatabaseError) -> None:
        """Delete a damaged cache file (and its journal files): it holds only saved time, never data."""
        print(f"mtk: warning: translation cache {self.path} is damaged ({exc}); rebuilding it", file=sys.stderr)
        if self._db is not None:
            self._db.close()
            self._db = None
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def _run(self, action: Callable[[sqlite3.Connection], T], default: T) -> T:
        """`action` on the database; a damaged one is rebuilt once, an unusable one given up (returning `default`)."""
        for attempt in range(2):
            if self._db is None:
                return default
            try:
                with self._lock:
                    return action(self._db)
            except _NOT_DAMAGE as exc:  # locked, read-only, another program's table, a value it refuses
                return self._give_up(exc, default)
            except sqlite3.DatabaseError as exc:  # "database disk image is malformed", "file is not a database"
                if attempt:
                    return self._give_up(exc, default)
                self._rebuild(exc)
                try:
                    self._db = self._connect()
                except sqlite3.Error as again:
                    return self._give_up(again, default)
        return default

    def _give_up(self, exc: sqlite3.Error, default: T) -> T:
        """Say once that the cache is unusable, and go on without it for the rest of the run."""
        if not self._warned:
            print(f"mtk: warning: translation cache {self.path} unusable ({exc}); translating without it",
                  file=sys.stderr)
            self._warned = True
        if self._db is not None:
            self._db.close()
            self._db = None
        return default

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
        def read(db: sqlite3.Connection) -> dict[str, str]:
            found: dict[str, str] = {}
            step = 500  # stay under SQLite's limit on bound parameters
            for i in range(0, len(keys), step):
                part = keys[i : i + step]
                marks = ",".join("?" * len(part))
                rows = db.execute(f"SELECT key, translation FROM translations WHERE key IN ({marks})", part)
                found.update(rows.fetchall())
            return found

        return self._run(read, {})

    def put_many(self, items: Iterable[tuple[str, str]]) -> None:
        """Store translations in one transaction."""
        now = time.time()
        rows = [(k, t, now) for k, t in items]

        def write(db: sqlite3.Connection) -> None:
            with db:
                db.execute("BEGIN")
                db.executemany("INSERT OR REPLACE INTO translations (key, translation, created) VALUES (?, ?, ?)",
                               rows)

        self._run(write, None)

    def __len__(self) -> int:
        """Number of cached translations (0 when the cache could not be used)."""
        return int(self._run(lambda db: db.execute("SELECT COUNT(*) FROM translations").fetchone()[0], 0))

    def close(self) -> None:
        """Close the database connection."""
        if self._db is not None:
            self._db.close()
            self._db = None
