"""The embedding cache shares the translation cache's SQLite handling: damage rebuilds it, other trouble leaves it be."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from align.embed_cache import EmbeddingCache
from mt import sqlite_store


def _unit(n: int) -> list[np.ndarray]:
    vecs = np.random.default_rng(0).normal(size=(n, 8)).astype(np.float32)
    return list(vecs / np.linalg.norm(vecs, axis=1, keepdims=True))


def test_an_error_of_a_healthy_cache_does_not_delete_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # IntegrityError is a DatabaseError too: the embedding cache took a value its table refuses for damage and
    # deleted every stored vector. Here a table with a constraint (another tool's, or a later mtk's) refuses a row.
    path = tmp_path / "emb.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE emb (encoder TEXT, key BLOB, vec BLOB CHECK (length(vec) = 32), "
                   "PRIMARY KEY (encoder, key))")
    cache = EmbeddingCache(path)
    cache.put("e5", [f"sentence {i}" for i in range(50)], _unit(50))
    cache.put("e5", ["too long"], [np.ones(16, np.float32) / 4])
    err = capsys.readouterr().err
    assert "damaged" not in err and err.count("unusable") == 1 and "CHECK constraint failed" in err
    assert len(EmbeddingCache(path).get("e5", [f"sentence {i}" for i in range(50)], 8)) == 50


def test_a_locked_cache_is_given_up_for_the_rest_of_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    # Each store used to wait the whole busy timeout again (30 s per 256 sentences) and say so each time.
    path = tmp_path / "emb.sqlite3"
    EmbeddingCache(path).put("e5", ["kept"], _unit(1))
    monkeypatch.setattr(sqlite_store, "BUSY_TIMEOUT_S", 0.1)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    cache = EmbeddingCache(path)
    try:
        cache.put("e5", ["first"], _unit(1))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    cache.put("e5", ["second"], _unit(1))
    assert cache.get("e5", ["kept"], 8) == {}
    assert capsys.readouterr().err.count("unusable") == 1
    assert set(EmbeddingCache(path).get("e5", ["kept", "first", "second"], 8)) == {"kept"}


def test_processes_writing_one_cache_at_once_wait_for_each_other(tmp_path: Path) -> None:
    # Each write reads the highest row id first; under a plain BEGIN that read-then-write got "database is locked"
    # at once instead of waiting, and two of three writers gave the cache up.
    import subprocess
    import sys

    path = tmp_path / "emb.sqlite3"
    code = ("import sys, numpy as np; from pathlib import Path; from align.embed_cache import EmbeddingCache\n"
            "c = EmbeddingCache(Path(sys.argv[1]))\n"
            "for i in range(150):\n"
            "    v = np.ones(8, np.float32) / np.sqrt(8)\n"
            "    c.put('e5', [f'{sys.argv[2]} {i}'], [v])\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path), f"writer{k}"], stderr=subprocess.PIPE,
                              text=True) for k in range(3)]
    errs = [p.communicate(timeout=120)[1] for p in procs]
    assert all("unusable" not in err for err in errs), errs
    texts = [f"writer{k} {i}" for k in range(3) for i in range(150)]
    assert len(EmbeddingCache(path).get("e5", texts, 8)) == 450
