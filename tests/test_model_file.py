"""Reading CTranslate2's model.bin records: damage found before loading, and records written back as the loader reads them."""

from __future__ import annotations

import io
import itertools
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from mt.model_file import damage, encode_record, read_records

ROOT = Path(__file__).resolve().parent.parent
SW_FILE = ROOT / "seeds" / "000_c34c121e1dd8a5b8.txt"


def test_a_sound_model_reads_whole(tiny_marian: Path) -> None:
    data = (tiny_marian / "model.bin").read_bytes()
    records = read_records(io.BytesIO(data), len(data))
    assert records is not None and len(records) > 10
    assert all(a.end <= b.start for a, b in itertools.pairwise(records)) and records[-1].end <= len(data)
    assert any(r.name.endswith("embeddings/weight") for r in records)
    assert damage(tiny_marian / "model.bin") is None


@pytest.mark.parametrize("how", ["cut", "cut-in-header", "extra"])
def test_damage_is_found(how: str, tiny_marian: Path, tmp_path: Path) -> None:
    data = (tiny_marian / "model.bin").read_bytes()
    path = tmp_path / "model.bin"
    path.write_bytes({"cut": data[:len(data) - 1000], "cut-in-header": data[:40], "extra": data + b"\0" * 16}[how])
    why = damage(path)
    assert why is not None and ("ends at byte" in why or "runs to byte" in why or "records end at" in why)


def test_other_versions_are_left_to_the_loader(tmp_path: Path) -> None:
    path = tmp_path / "model.bin"
    path.write_bytes(struct.pack("<I", 5) + b"anything")
    assert read_records(io.BytesIO(path.read_bytes()), path.stat().st_size) is None
    assert damage(path) is None
    assert damage(tmp_path / "missing.bin") is not None


def _decode(record: bytes) -> tuple[str, np.ndarray]:
    """Name and array of one record as CTranslate2's writer lays it out."""
    (length,) = struct.unpack_from("<H", record, 0)
    name = record[2:2 + length - 1].decode()
    off = 2 + length
    rank = record[off]
    dims = struct.unpack_from(f"<{rank}I", record, off + 1)
    off += 1 + 4 * rank
    dtype = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}[record[off]]
    (nbytes,) = struct.unpack_from("<I", record, off + 1)
    return name, np.frombuffer(record[off + 5:off + 5 + nbytes], dtype=dtype).reshape(dims)


def test_records_are_written_as_ctranslate2_writes_them(tiny_marian: Path) -> None:
    data = (tiny_marian / "model.bin").read_bytes()
    records = read_records(io.BytesIO(data), len(data))
    assert records is not None
    kinds = set()
    for r in records:
        raw = data[r.start:r.end]
        name, array = _decode(raw)
        assert name == r.name and encode_record(name, array) == raw
        kinds.add(array.ndim)
    assert {1, 2} <= kinds  # vectors and matrices


def test_mtk_refuses_a_cut_model_before_any_work(mtk_run, tiny_marian: Path, tmp_path: Path) -> None:
    broken = tmp_path / "opus-mt-sw-en"
    shutil.copytree(tiny_marian, broken)
    data = (broken / "model.bin").read_bytes()
    (broken / "model.bin").write_bytes(data[:len(data) // 2])  # a copy killed half way
    out = tmp_path / "out.txt"
    code, _, err = mtk_run("translate", SW_FILE, "--model", broken, "-o", out)
    assert code == 3 and len(err.splitlines()) == 1 and f"{broken / 'model.bin'} is damaged: it holds" in err
    assert not out.exists()
    code, _, err = mtk_run("models", "info", broken)
    assert code == 3 and "is damaged" in err and len(err.splitlines()) == 1
