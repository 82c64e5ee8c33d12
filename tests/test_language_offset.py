"""Language offsets: the shipped table, their removal, the per-language source encoder and the script that builds them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from align.encoder import get_encoder
from align.language_offset import OFFSETS_FILE, OffsetEncoder, language_offset, remove_offset, source_encoder
from align.margin import E5_NAMES
from align.synthetic import DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
E5_NAME = "e5-small:ct2-int8:split8"


class _Fixed:
    """A stand-in encoder with a chosen name: each text's vector is a fixed random unit vector."""

    def __init__(self, name: str, dim: int = 384) -> None:
        self.name, self.dim = name, dim

    def encode(self, texts: list[str]) -> np.ndarray:
        """Deterministic unit vectors (seeded by the text's length and first letter)."""
        rows = [np.random.default_rng(len(t) * 131 + (ord(t[0]) if t else 0)).normal(size=self.dim) for t in texts]
        out = np.array(rows, dtype=np.float32).reshape(len(texts), self.dim)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    def token_encoder(self, layers: int) -> str:
        """A marker standing in for a word-piece view."""
        return f"tokens-{layers}"


def test_shipped_table_has_both_source_languages_for_e5() -> None:
    assert get_encoder().name == E5_NAME
    for name in E5_NAMES:
        for lang in ("sw", "ar"):
            offset = language_offset(_Fixed(name), lang)
            assert offset is not None and offset.shape == (384,)
            assert 0.1 < float(np.linalg.norm(offset)) < 0.5
        assert language_offset(_Fixed(name), "en") is None
    assert language_offset(_Fixed("sentence-transformers/LaBSE"), "sw") is None
    assert language_offset(_Fixed(E5_NAME), None) is None


def test_remove_offset_subtracts_and_renormalises() -> None:
    emb = _Fixed("x").encode(["alpha", "beta gamma"])
    offset = np.full(384, 0.01, dtype=np.float32)
    out = remove_offset(emb, offset)
    expected = (emb - offset) / np.linalg.norm(emb - offset, axis=1, keepdims=True)
    assert np.allclose(out, expected, atol=1e-6)
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)


def test_offset_encoder_wraps_vectors_and_keeps_the_token_view() -> None:
    base = _Fixed(E5_NAME)
    enc = source_encoder(base, "sw")
    assert isinstance(enc, OffsetEncoder) and enc.name == E5_NAME
    offset = language_offset(base, "sw")
    assert offset is not None
    assert np.allclose(enc.encode(["Habari"]), remove_offset(base.encode(["Habari"]), offset), atol=1e-6)
    assert enc.encode([]).shape == (0, 384)
    assert enc.token_encoder(8) == "tokens-8"


def test_no_offset_means_the_same_encoder() -> None:
    labse = _Fixed("sentence-transformers/LaBSE")
    assert source_encoder(labse, "sw") is labse
    e5 = _Fixed(E5_NAME)
    assert source_encoder(e5, "en") is e5


def test_language_detected_when_not_given() -> None:
    e5 = _Fixed(E5_NAME)
    sw = source_encoder(e5, None, ["Rais alihutubia taifa jana jioni kuhusu bajeti ya mwaka huu na mipango ya serikali."])
    ar = source_encoder(e5, None, ["أعلنت الحكومة عن خطة جديدة لدعم المزارعين في المناطق الريفية."])
    assert isinstance(sw, OffsetEncoder) and isinstance(ar, OffsetEncoder)
    assert np.array_equal(sw.offset, language_offset(e5, "sw"))
    assert np.array_equal(ar.offset, language_offset(e5, "ar"))
    assert source_encoder(e5, None, ["The central bank raised interest rates by half a point on Tuesday."]) is e5


@pytest.mark.parametrize("content", ["", "not json", '{"encoders": [{"names": ["e5-small:ct2-int8"]}]}'])
def test_missing_or_damaged_table_leaves_vectors_unchanged(tmp_path: Path, content: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "offsets.json"
    if content:
        path.write_text(content, encoding="utf-8")
    e5 = _Fixed(E5_NAME)
    assert language_offset(e5, "sw", path) is None
    assert source_encoder(e5, "sw", path=path) is e5
    # Said once, in one line, naming the file.
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("mtk: language offsets unusable (") and str(path) in err[0]


@pytest.mark.skipif(not DATA_DIR.is_dir(), reason="shared data not present")
@pytest.mark.parametrize(("lang", "name"), [("sw", "flores200-devtest.swh_Latn"), ("ar", "flores200-devtest.arb_Arab")])
def test_offsets_make_translations_stand_out(lang: str, name: str) -> None:
    # FLORES-200 is not among the data the offsets were measured on. Removing the language component must widen the
    # cosine gap between a sentence's translation and the closest wrong English sentence.
    flores = DATA_DIR / "flores200"
    src = (flores / name).read_text(encoding="utf-8").splitlines()[200:240]
    eng = (flores / "flores200-devtest.eng_Latn").read_text(encoding="utf-8").splitlines()[200:240]
    enc = get_encoder()
    english = enc.encode(eng)

    def gap(vectors: np.ndarray) -> float:
        cos = vectors @ english.T
        wrong = np.where(np.eye(len(cos), dtype=bool), -np.inf, cos).max(axis=1)
        return float(np.mean(np.diag(cos) - wrong))

    plain, neutral = gap(enc.encode(src)), gap(source_encoder(enc, lang).encode(src))
    assert neutral > plain


def _write_parallel(data: Path, n: int = 6) -> None:
    """A tiny stand-in for the shared data folder, with the file names the build script reads."""
    sw = [f"Habari nambari {k} kuhusu mkutano wa viongozi." for k in range(n)]
    ar = [f"خبر رقم {k} عن اجتماع القادة." for k in range(n)]
    en = [f"News item {k} about the leaders' meeting." for k in range(n)]
    files = {"tico19/tico19-test.swa-eng.swa": sw, "tico19/tico19-test.swa-eng.eng": en,
             "tico19/tico19-test.ara-eng.ara": ar, "tico19/tico19-test.ara-eng.eng": en,
             "mafand/mafand-dev.swa": sw[:3], "mafand/mafand-dev.eng": en[:3]}
    for rel, lines in files.items():
        (data / rel).parent.mkdir(parents=True, exist_ok=True)
        (data / rel).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _build(data: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "build_language_offsets.py"), "--data", str(data),
                           "--out", str(out)], check=False, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_build_script_writes_a_table_the_aligner_reads(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "offsets.json"
    _write_parallel(data)
    proc = _build(data, out)
    assert proc.returncode == 0, proc.stderr
    table = json.loads(out.read_text(encoding="utf-8"))
    entry = table["encoders"][0]
    assert E5_NAME in entry["names"]
    assert entry["languages"]["sw"]["segments"] == 9 and entry["languages"]["ar"]["segments"] == 6
    # The offset is the mean source vector minus the mean English vector of the parallel lines.
    enc = get_encoder()
    ar = (data / "tico19/tico19-test.ara-eng.ara").read_text(encoding="utf-8").splitlines()
    en = (data / "tico19/tico19-test.ara-eng.eng").read_text(encoding="utf-8").splitlines()
    expected = enc.encode(ar).mean(axis=0) - enc.encode(en).mean(axis=0)
    got = language_offset(enc, "ar", out)
    assert got is not None and np.allclose(got, expected, atol=1e-5)
    assert OFFSETS_FILE.name == "language_offsets.json"


def test_build_script_rejects_unaligned_files_without_writing(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "offsets.json"
    _write_parallel(data)
    (data / "mafand/mafand-dev.eng").write_text("only one line\n", encoding="utf-8")
    proc = _build(data, out)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1].startswith("build_language_offsets: ")
    assert "differ in length" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [data]
