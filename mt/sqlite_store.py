"""A SQLite file that only saves work (the translation and embedding caches): damage rebuilds it, other trouble is
given up on for the rest of the run, and neither ever stops the run."""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
# Errors of a healthy database (DatabaseError's other subclasses): locked, read-only, another program's table, a
# value it refuses. Given up on, never a reason to delete the file: a locked cache belongs to a run still using it.
NOT_DAMAGE = (sqlite3.OperationalError, sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.DataError,
              sqlite3.InterfaceError, sqlite3.NotSupportedError)
# How long a write waits for another mtk process's write before the cache is given up on.
BUSY_TIMEOUT_S = 30.0
_IN_CHUNK = 500  # keys per query: SQLite limits bound parameters (999 in older builds)


def select_in(db: sqlite3.Connection, query: str, keys: Sequence[object], *leading: object) -> list[tuple]:
    """The rows of `query` for all `keys`: its "{marks}" becomes an IN list, asked in chunks; `leading` binds first."""
    rows: list[tuple] = []
    for i in range(0, len(keys), _IN_CHUNK):
        part = keys[i:i + _IN_CHUNK]
        rows += db.execute(query.format(marks=",".join("?" * len(part))), [*leading, *part]).fetchall()
    return rows


class SqliteStore:
    """One connection to a cache database at `path`, shared by the caller's threads, opened on first use."""

    def __init__(self, path: Path, schema: str, label: str, going_on: str) -> None:
        """A store whose tables `schema` creates; `label` and `going_on` word its warnings ("translation cache")."""
        self.path = path
        self._schema = schema
        self._label = label
        self._going_on = going_on
        self._db: sqlite3.Connection | None = None
        self._given_up = False
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        """A new connection in WAL mode (readers never block, a killed run loses only its last transaction)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(self._schema)
        except sqlite3.Error:
            db.close()
            raise
        return db

    def open(self) -> None:
        """Connect now, rebuilding a damaged file; OSError or sqlite3.OperationalError when it cannot be used."""
        with self._lock:
            if self._db is not None:
                return
            try:
                self._db = self._connect()
            except NOT_DAMAGE:
                raise
            except sqlite3.DatabaseError as exc:  # "file is not a database"
                self._rebuild(exc)
                self._db = self._connect()

    def run(self, action: Callable[[sqlite3.Connection], T], default: T) -> T:
        """`action` on the database; a damaged file is rebuilt once, an unusable one given up on (returning `default`)."""
        for attempt in range(2):
            try:
                with self._lock:
                    if self._given_up:
                        return default
                    if self._db is None:
                        self._db = self._connect()
                    return action(self._db)
            except (OSError, *NOT_DAMAGE) as exc:
                return self._give_up(exc, default)
            except sqlite3.DatabaseError as exc:  # "database disk image is malformed", "file is not a database"
                if attempt:
                    return self._give_up(exc, default)
                try:
                    with self._lock:
                        self._rebuild(exc)
                except OSError as undeletable:
                    return self._give_up(undeletable, default)
        return default

    def transaction(self, action: Callable[[sqlite3.Connection], object]) -> None:
        """Run `action` as one transaction: all of it is stored, or none."""
        def in_transaction(db: sqlite3.Connection) -> None:
            with db:  # commits, or rolls back when `action` raises
                # IMMEDIATE: the write lock is taken (waiting up to the busy timeout) before `action` reads. A plain
                # BEGIN that reads first cannot wait when it turns into a write: SQLite answers "locked" at once, and
                # two of three processes filling one cache gave it up.
                db.execute("BEGIN IMMEDIATE")
                action(db)

        self.run(in_transaction, None)

    def _rebuild(self, exc: sqlite3.DatabaseError) -> None:
        """Delete the damaged file and its journals (the caller holds the lock): it held only saved time."""
        print(f"mtk: warning: {self._label} {self.path} is damaged ({exc}); rebuilding it", file=sys.stderr)
        self._close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def _give_up(self, exc: Exception, default: T) -> T:
        """Say once that the cache is unusable and leave it alone for the rest of the run."""
        with self._lock:
            if not self._given_up:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                print(f"mtk: warning: {self._label} {self.path} unusable ({reason}); {self._going_on}",
                      file=sys.stderr)
                self._given_up = True
            self._close()
        return default

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def close(self) -> None:
        """Close the connection (a later use opens it again, unless the cache was given up on)."""
        with self._lock:
            self._close()
