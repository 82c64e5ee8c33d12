"""Word links inside aligned sentence pairs with SimAlign (multilingual BERT embeddings, no training).

Word indices count whitespace tokens (`str.split()`) of the *source* sentence (never its machine translation: the
links are meant to relate source words to English words) and of the English sentence, both 0-based.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import logging
from typing import Any

from align.model import Alignment
from mt.errors import InputError, ModelError, first_line, install_hint

DEFAULT_WORD_MODEL = "bert-base-multilingual-cased"
MATCHING_METHODS = {"a": "inter", "m": "mwmf", "i": "itermax", "f": "fwd", "r": "rev"}
_INSTALL_HINT = f"word links need the words extra: {install_hint('words')}"
_ALIGNERS: dict[tuple[str, str, int, str], Any] = {}


def _sentence_aligner_class() -> Any:
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
        from simalign import SentenceAligner
    except ImportError:
        raise ModelError(_INSTALL_HINT) from None
    return SentenceAligner


def _installed(module: str) -> bool:
    """Whether `module` can be imported, found without importing it."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # ValueError: a module set to None in sys.modules (blocked)
        return False


def load_aligner(model: str = DEFAULT_WORD_MODEL, method: str = "a", layer: int = 8, device: str = "cpu") -> Any:
    """A cached simalign.SentenceAligner for `model` (hub name or local directory); ModelError when it cannot load."""
    if method not in MATCHING_METHODS:
        raise InputError(f"unknown word matching method {method!r}; choose one of {', '.join(MATCHING_METHODS)}")
    key = (model, method, layer, device)
    if key not in _ALIGNERS:
        if not all(_installed(name) for name in ("torch", "transformers", "simalign")):
            raise ModelError(_INSTALL_HINT)
        _check_available(model)  # before the import: simalign brings torch and transformers, seconds to load
        sentence_aligner = _sentence_aligner_class()
        # transformers logs load-report warnings to stderr; the CLI promises one line per failure, nothing else.
        # simalign logs an INFO line through a handler of its own, and transformers draws a "Loading weights" bar.
        loggers = [logging.getLogger(name) for name in ("transformers", "simalign", "simalign.simalign")]
        levels = [lg.level for lg in loggers]
        for lg in loggers:
            lg.setLevel(logging.ERROR)
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                aligner = sentence_aligner(model=model, token_type="bpe", matching_methods=method,
                                           device=device, layer=layer)
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelError(f"cannot load word-alignment model {model!r}: {first_line(exc)}") from None
        finally:
            for lg, level in zip(loggers, levels, strict=True):
                lg.setLevel(level)
        # simalign reads hidden layer 8 of mBERT; a smaller model has fewer, so take its last one instead of failing.
        n_layers = getattr(aligner.embed_loader.emb_model.config, "num_hidden_layers", layer)
        aligner.embed_loader.layer = min(layer, n_layers)
        _ALIGNERS[key] = aligner
    return _ALIGNERS[key]


def _check_available(model: str) -> None:
    """ModelError in one line when `model` is neither a local folder nor loadable from the Hub (cache or network).

    Without this, a mistyped path reaches huggingface_hub as a malformed repo id, and an offline machine spends half a
    minute retrying before transformers gives up.
    """
    from pathlib import Path

    from mt.hub import looks_like_local_path, require_hub_files

    path = Path(model).expanduser()
    if path.is_dir():
        return
    if looks_like_local_path(model):
        raise ModelError(f"word-alignment model folder {model} not found")
    require_hub_files(model, f"word-alignment model {model!r}",
                      f"there is no folder {model} here either; pass --word-model PATH to a local folder")


def word_links(aligner: Any, src: str, tgt: str, method: str = "a") -> list[tuple[int, int]]:
    """(source word, English word) index pairs for one sentence pair; empty when either side has no words."""
    src_words, tgt_words = src.split(), tgt.split()
    if not src_words or not tgt_words:
        return []
    result = aligner.get_word_aligns(src_words, tgt_words)
    return [(int(a), int(b)) for a, b in result[MATCHING_METHODS[method]]]


def word_align(alignment: Alignment, model: str = DEFAULT_WORD_MODEL, *, method: str = "a", layer: int = 8,
               device: str = "cpu") -> None:
    """Fill `alignment.word_links[(i, j)]` for every linked sentence pair (i source, j English)."""
    aligner = load_aligner(model, method, layer, device)
    for edge in sorted(alignment.edges, key=lambda e: (e.src, e.tgt)):
        src = alignment.src.sentences[edge.src].text
        tgt = alignment.tgt.sentences[edge.tgt].text
        alignment.word_links[(edge.src, edge.tgt)] = word_links(aligner, src, tgt, method)
