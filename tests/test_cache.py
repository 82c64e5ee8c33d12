"""The SQLite translation cache: keys, persistence, WAL mode, recovery from a damaged file."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from mt.cache import TranslationCache, cache_path


def test_roundtrip_and_persistence(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite"
    c = TranslationCache(db)
    k = TranslationCache.key("m", "o", "sw", "Habari")
    c.put_many([(k, "News")])
    c.close()
    c2 = TranslationCache(db)
    assert c2.get_many([k, "missing"]) == {k: "News"}
    assert len(c2) == 1
    mode = sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_key_depends_on_every_part() -> None:
    base = ("model", "opts", "sw", "sentence")
    keys = {TranslationCache.key(*base)}
    for i in range(4):
        changed = list(base)
        changed[i] += "x"
        keys.add(TranslationCache.key(*changed))
    assert len(keys) == 5
    # Parts are delimited, so moving text across the boundary changes the key.
    assert TranslationCache.key("ab", "c", "sw", "s") != TranslationCache.key("a", "bc", "sw", "s")


def test_many_keys_beyond_sqlite_parameter_limit(tmp_path: Path) -> None:
    c = TranslationCache(tmp_path / "t.sqlite")
    items = [(f"k{i}", f"v{i}") for i in range(1200)]
    c.put_many(items)
    assert c.get_many([k for k, _ in items]) == dict(items)


def test_damaged_cache_is_replaced(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite"
    db.write_bytes(b"this is not a database" * 100)
    c = TranslationCache(db)
    c.put_many([("k", "v")])
    assert c.get_many(["k"]) == {"k": "v"}


def test_default_location_under_mtk_home(mtk_home: Path) -> None:
    assert cache_path() == mtk_home / "cache" / "translations.sqlite"


def test_damage_found_while_reading_rebuilds_the_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The header is intact, so opening works; the pages behind it are not: reading raised "database disk image is
    # malformed" as a traceback in the middle of a translation.
    db = tmp_path / "t.sqlite"
    c = TranslationCache(db)
    c.put_many([(f"key{i}", "x" * 200) for i in range(2000)])
    c.close()
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with db.open("r+b") as fh:
        fh.seek(8192)
        fh.write(os.urandom(40960))
    c = TranslationCache(db)
    assert c.get_many([f"key{i}" for i in range(2000)]) == {}
    c.put_many([("k", "v")])
    assert c.get_many(["k"]) == {"k": "v"}
    assert "is damaged" in capsys.readouterr().err


def test_a_cache_that_cannot_be_used_is_left_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Another program's table under the name: "no such column" was a traceback; a locked cache was deleted.
    db = tmp_path / "t.sqlite"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE translations (other TEXT)")
        con.execute("INSERT INTO translations VALUES ('theirs')")
    c = TranslationCache(db)
    assert c.get_many(["k"]) == {}
    c.put_many([("k", "v")])  # silently skipped: said once
    assert capsys.readouterr().err.count("unusable") == 1
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT other FROM translations").fetchall() == [("theirs",)]


def test_a_locked_cache_is_not_deleted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "t.sqlite"
    c = TranslationCache(db)
    c.put_many([("k", "v")])
    c.close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("PRAGMA journal_mode=DELETE")
    holder.execute("BEGIN EXCLUSIVE")
    real_connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: real_connect(*a, **{**k, "timeout": 0.1}))
    try:
        monkeypatch.setattr("mt.cache.cache_path", lambda: db)
        assert TranslationCache.open_or_none() is None
        assert "cannot use the translation cache" in capsys.readouterr().err
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    monkeypatch.undo()
    assert TranslationCache(db).get_many(["k"]) == {"k": "v"}


def test_an_error_of_a_healthy_cache_does_not_delete_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # IntegrityError is a DatabaseError too: a refused value wiped 500 good entries as "damage".
    db = tmp_path / "t.sqlite"
    c = TranslationCache(db)
    c.put_many([(f"k{i}", "v") for i in range(500)])
    c.put_many([("bad", None)])  # type: ignore[list-item]
    assert "damaged" not in capsys.readouterr().err
    assert len(TranslationCache(db)) == 500
