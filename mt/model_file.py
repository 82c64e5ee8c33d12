"""The record layout of CTranslate2's model.bin, read without loading the model: to find damage before a long run.

Written here because CTranslate2 offers no reader: its Python package only writes the file
(ctranslate2.specs.model_spec._serialize) and its loader reads it whole. Binary version 6 (CTranslate2 3.x and 4.x):
a version number, the spec's name and revision, then per variable its name, rank, dimensions, type, byte count and
data, then aliases (pairs of names). Strings are a 16-bit length counting a final NUL, then the bytes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

BINARY_VERSION = 6
# Type ids in the order of CTranslate2's DataType enum (include/ctranslate2/types.h).
_TYPE_IDS = {np.dtype(np.float32): 0, np.dtype(np.int8): 1, np.dtype(np.int16): 2, np.dtype(np.int32): 3,
             np.dtype(np.float16): 4}


@dataclass(frozen=True)
class Record:
    """One variable's record: its name and where it starts and ends in the file."""

    name: str
    start: int
    end: int


def _unpack(stream: BinaryIO, fmt: str) -> tuple[int, ...]:
    """Read one struct from the stream; ValueError when the file ends first."""
    size = struct.calcsize(fmt)
    raw = stream.read(size)
    if len(raw) != size:
        raise ValueError(f"it ends at byte {stream.tell()}, inside a record")
    return struct.unpack(fmt, raw)


def _string(stream: BinaryIO) -> str:
    """One length-prefixed, NUL-ended string."""
    (length,) = _unpack(stream, "<H")
    raw = stream.read(length)
    if len(raw) != length or not raw.endswith(b"\0"):
        raise ValueError(f"it ends at byte {stream.tell()}, inside a record")
    return raw[:-1].decode("utf-8", "replace")


def read_records(stream: BinaryIO, size: int) -> list[Record] | None:
    """The variable records of a model.bin of `size` bytes, or None when it is of another binary version.

    ValueError when the file is cut short or has bytes after its last record. Data is skipped, not read."""
    (version,) = _unpack(stream, "<I")
    if version != BINARY_VERSION:
        return None
    _string(stream)
    _unpack(stream, "<I")  # the spec's revision
    (count,) = _unpack(stream, "<I")
    records = []
    for _ in range(count):
        start = stream.tell()
        name = _string(stream)
        (rank,) = _unpack(stream, "<B")
        _unpack(stream, f"<{rank}IB")  # dimensions, type
        (nbytes,) = _unpack(stream, "<I")
        end = stream.tell() + nbytes
        if end > size:
            raise ValueError(f"it holds {size} bytes, but the data of {name} runs to byte {end}")
        stream.seek(end)
        records.append(Record(name, start, end))
    (aliases,) = _unpack(stream, "<I")
    for _ in range(2 * aliases):
        _string(stream)
    if stream.tell() != size:
        raise ValueError(f"it holds {size} bytes, but its records end at byte {stream.tell()}")
    return records


def damage(path: Path) -> str | None:
    """Why the model.bin at `path` is damaged (cut short, bytes added), or None.

    None also for a binary version not read here: the loader then judges it."""
    try:
        with path.open("rb") as stream:
            read_records(stream, path.stat().st_size)
    except ValueError as exc:
        return str(exc)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def encode_record(name: str, array: np.ndarray) -> bytes:
    """The model.bin record of one variable (float32, float16 or integer array)."""
    encoded = name.encode("utf-8")
    return b"".join([struct.pack("<H", len(encoded) + 1), encoded, b"\0", struct.pack("<B", array.ndim),
                     struct.pack(f"<{array.ndim}I", *array.shape), struct.pack("<B", _TYPE_IDS[array.dtype]),
                     struct.pack("<I", array.nbytes), np.ascontiguousarray(array).tobytes()])
