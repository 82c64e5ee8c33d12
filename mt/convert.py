"""Convert a Transformers translation checkpoint (Marian, NLLB, M2M-100) to a CTranslate2 directory."""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from pathlib import Path

from mt.errors import ModelError

# Tokenizer files the engine needs next to model.bin, whichever family the checkpoint is.
_TOKENIZER_FILES = (
    "source.spm", "target.spm", "sentencepiece.bpe.model", "spm.128k.model",
    "tokenizer_config.json", "special_tokens_map.json", "generation_config.json",
)


def require_converter() -> None:
    """Raise ModelError unless torch and transformers (the `convert` extra) are importable."""
    missing = [m for m in ("torch", "transformers") if importlib.util.find_spec(m) is None]
    if missing:
        raise ModelError(f"converting needs {' and '.join(missing)}: install mtk[convert]")


def convert(hf_id_or_dir: str, output_dir: str | Path, quantization: str = "int8", force: bool = False) -> Path:
    """Convert `hf_id_or_dir` into `output_dir` (written to a temp dir, then renamed) and copy its spm files."""
    require_converter()
    from ctranslate2.converters import TransformersConverter

    out = Path(output_dir)
    if out.exists() and any(out.iterdir()) and not force:
        raise ModelError(f"{out} exists and is not empty; remove it or pass --force")
    src_dir = Path(hf_id_or_dir)
    copy = [f for f in _TOKENIZER_FILES if (src_dir / f).is_file()] if src_dir.is_dir() else []
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        TransformersConverter(hf_id_or_dir, copy_files=copy or None).convert(
            str(tmp / "model"), quantization=quantization, force=True
        )
        if out.exists():
            shutil.rmtree(out)
        (tmp / "model").replace(out)
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"cannot convert {hf_id_or_dir}: {str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out
