"""SentencePiece tokenisation of a model family's source and target sides."""

from __future__ import annotations

from pathlib import Path

import sentencepiece as spm

from mt.errors import ModelError, first_line
from mt.families import Family


def _load(path: Path) -> spm.SentencePieceProcessor:
    if not path.is_file():
        raise ModelError(f"SentencePiece model {path} is missing; the model directory is incomplete")
    try:
        return spm.SentencePieceProcessor(model_file=str(path))
    except (RuntimeError, OSError) as exc:
        raise ModelError(f"cannot read SentencePiece model {path}: {first_line(exc)}") from None


class Tokenizer:
    """Encode source text to pieces and decode target pieces to text for one model directory."""

    def __init__(self, model_dir: Path, family: Family) -> None:
        """Load the source and target SentencePiece models that `family` names in `model_dir`."""
        self.source = _load(model_dir / family.source_spm)
        self.target = (
            self.source if family.target_spm == family.source_spm else _load(model_dir / family.target_spm)
        )

    def encode(self, texts: list[str]) -> list[list[str]]:
        """Source texts to pieces (batched in C++)."""
        return self.source.encode(texts, out_type=str)

    def decode(self, pieces: list[list[str]]) -> list[str]:
        """Target pieces to detokenised texts."""
        return [self.target.decode_pieces(p) for p in pieces]
