"""Optional neural quality estimate with COMET / CometKiwi, when unbabel-comet is installed and a model is given."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mt.errors import ModelError, first_line, install_hint


def comet_available() -> bool:
    """True when the `comet` package (unbabel-comet) can be imported."""
    return importlib.util.find_spec("comet") is not None


def comet_checkpoint(model_path: str) -> Path:
    """The checkpoint file of a COMET model given as a file or a downloaded model folder; ModelError when absent."""
    path = Path(model_path)
    ckpt = path if path.is_file() else path / "checkpoints" / "model.ckpt"
    if not ckpt.is_file():
        raise ModelError(f"COMET model not found: {model_path} (give a checkpoint or a downloaded model folder)")
    return ckpt


def comet_scores(sources: Sequence[str], hypotheses: Sequence[str], model_path: str | None) -> dict[str, Any]:
    """Reference-free CometKiwi system score of the translations, or a 'not measured' status saying why."""
    # Reference-based COMET is not offered: mtk's references are scored with sacrebleu, and a second code path that
    # no command reaches would go untested.
    label = "CometKiwi (reference-free)"
    if not model_path:
        return {"label": label, "score": None, "status": "not measured: no --comet-model given"}
    if not comet_available():
        return {"label": label, "score": None,
                "status": f"not measured: unbabel-comet is not installed ({install_hint('comet')})"}
    ckpt = comet_checkpoint(model_path)
    from comet import load_from_checkpoint

    try:
        model = load_from_checkpoint(str(ckpt))
    except Exception as exc:  # comet raises assorted errors for a bad checkpoint; the user needs one line
        raise ModelError(f"cannot load COMET model {ckpt}: {first_line(exc)}") from exc
    data = [{"src": s, "mt": h} for s, h in zip(sources, hypotheses, strict=True)]
    try:
        result = model.predict(data, batch_size=16, gpus=0, progress_bar=False)
    except Exception as exc:  # same: torch/lightning failures (memory, a checkpoint of the wrong kind) end as one line
        raise ModelError(f"COMET scoring with {ckpt} failed: {first_line(exc)}") from exc
    return {"label": label, "score": round(float(result.system_score), 4), "n": len(data),
            "status": f"measured with {ckpt}"}
