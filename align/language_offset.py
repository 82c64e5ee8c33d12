"""Language offsets: the part of a multilingual sentence vector that says which language a sentence is in.

A multilingual encoder puts a Swahili sentence and its English translation near each other, but every Swahili vector
also carries a shared "this is Swahili" component, so cross-lingual cosines sit in a compressed band and a translated
pair can lose to an English sentence that merely shares the topic. Subtracting the language's mean vector and adding
the English mean (both measured once on parallel text, so the topic of that text cancels out) removes that component:
"language-neutral" representations (Libovický et al., 2020, "On the Language Neutrality of Pre-trained Multilingual
Representations"). A fixed vector per language and encoder: no model, no per-document statistics (centring each
document on its own mean removes its topic as well, and was measured worse).

The offsets ship in align/language_offsets.json, built by scripts/build_language_offsets.py from TICO-19 and
MAFAND-MT dev (data the synthetic evaluation does not use). An encoder or language with no offset there is used
unchanged.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import numpy as np

from align.encoder import Encoder
from align.token_encoder import TokenEncoder, own_token_encoder
from mt.langid import detect_language

OFFSETS_FILE = Path(__file__).parent / "language_offsets.json"


@functools.lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, dict[str, np.ndarray]]:
    """{encoder name: {language: offset}} from the offsets file; empty when it is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        table: dict[str, dict[str, np.ndarray]] = {}
        for entry in data["encoders"]:
            offsets = {lang: np.asarray(v["offset"], dtype=np.float32) for lang, v in entry["languages"].items()}
            for name in entry["names"]:
                table[name] = offsets
        return table
    except (OSError, ValueError, KeyError, TypeError) as exc:
        # A missing or damaged table costs accuracy, not correctness: alignment goes on with the raw vectors, and
        # says so once (the cache makes this run once per path).
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else f"{type(exc).__name__}: {exc}"
        print(f"mtk: language offsets unusable ({path}: {reason}); comparing raw sentence vectors", file=sys.stderr)
        return {}


def _offsets_of(encoder: Encoder, path: Path) -> dict[str, np.ndarray]:
    """{language: offset} measured for `encoder` (empty when it has none)."""
    return _load(path).get(getattr(encoder, "name", ""), {})


def language_offset(encoder: Encoder, lang: str | None, path: Path = OFFSETS_FILE) -> np.ndarray | None:
    """The offset to remove from `encoder`'s vectors of `lang` sentences, or None when none is known."""
    return _offsets_of(encoder, path).get(lang) if lang is not None else None


def remove_offset(emb: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """Rows of `emb` minus `offset`, L2-normalised again (float32)."""
    out = np.asarray(emb, dtype=np.float32) - offset[None, :]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return (out / np.maximum(norms, 1e-12)).astype(np.float32)


class OffsetEncoder:
    """An encoder for one source language: the base encoder's vectors with that language's offset removed."""

    def __init__(self, base: Encoder, offset: np.ndarray) -> None:
        self.base = base
        self.name: str = base.name
        self.offset = offset

    def encode(self, texts: list[str]) -> np.ndarray:
        """Language-neutral embeddings of `texts`."""
        emb = self.base.encode(texts)
        return remove_offset(emb, self.offset) if len(emb) else emb

    def token_encoder(self, layers: int) -> TokenEncoder | None:
        """The base encoder's word-piece view, unchanged (offsets are measured on sentence vectors only)."""
        return own_token_encoder(self.base, layers)


def source_encoder(encoder: Encoder, lang: str | None, texts: list[str] | None = None,
                   path: Path = OFFSETS_FILE) -> Encoder:
    """The encoder to embed `lang` sentences with: `encoder` without the language's offset when one is known.

    `lang` None: the language is detected from `texts` (only when the encoder has offsets at all).
    """
    offsets = _offsets_of(encoder, path)
    if lang is None and texts and offsets:
        lang = detect_language(" ".join(texts))
    offset = offsets.get(lang) if lang is not None else None
    return encoder if offset is None else OffsetEncoder(encoder, offset)
