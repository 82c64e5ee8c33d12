"""The SQLite translation cache: keys, persistence, WAL mode, recovery from a damaged file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

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
