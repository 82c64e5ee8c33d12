"""Convert a Transformers translation checkpoint (Marian, NLLB, M2M-100) to a CTranslate2 directory."""

from __future__ import annotations

import contextlib
import importlib
import json
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

from mt.errors import InputError, ModelError, first_line, install_hint
from mt.families import detect_family, refuse_other_target
from mt.hub import is_hub_id, looks_like_local_path, require_hub_files
from mt.output_checks import refuse_unwritable_place

# Tokenizer files the engine needs next to model.bin, whichever family the checkpoint is.
_TOKENIZER_FILES = (
    "source.spm", "target.spm", "sentencepiece.bpe.model", "spm.128k.model",
    "tokenizer_config.json", "special_tokens_map.json", "generation_config.json",
)
# ctranslate2's own list (ctranslate2.specs.model_spec.ACCEPTED_MODEL_TYPES), which it checks only after converting.
QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32")
# What a checkpoint's tokenizer needs to be converted and then run by mtk, per Transformers model_type (NLLB-200
# checkpoints are m2m_100 too): any one file of each tuple.
_NEEDED_FILES = {
    "marian": (("source.spm",), ("target.spm",), ("vocab.json",)),
    "m2m_100": (("sentencepiece.bpe.model", "spm.128k.model"),),
}


def require_converter() -> None:
    """Raise ModelError unless torch and transformers (the `convert` extra) can be imported."""
    missing = []
    for module in ("torch", "transformers"):
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise ModelError(f"converting needs {' and '.join(missing)}: {install_hint('convert')}")


@contextlib.contextmanager
def _fairseq_vocabulary_fix() -> Iterator[None]:
    """Make ctranslate2 keep the language tokens of M2M-100 and NLLB checkpoints under transformers 5.

    transformers 5 no longer lists those tokens in `get_vocab()` or `special_tokens_map`, so ctranslate2's loader
    (4.x) fills their ids with made-up words: the model then has no `__en__`/`eng_Latn` and cannot be steered.
    ctranslate2 offers no hook for this, so its loader for M2M100Config is swapped for the duration of a conversion.
    """
    from ctranslate2.converters import transformers as ct2_transformers

    base = ct2_transformers.M2M100Loader
    registry = ct2_transformers._MODEL_LOADERS

    class Loader(base):  # type: ignore[misc, valid-type]
        def get_vocabulary(self, model, tokenizer):  # ctranslate2's untyped signature
            """The tokens in id order: ids past get_vocab() are the language tokens, then fairseq's fillers."""
            known = len(tokenizer.get_vocab())
            tokens = super().get_vocabulary(model, tokenizer)[:known]
            seen = set(tokens)
            filler = 0
            for i in range(known, model.config.vocab_size):
                token = tokenizer.convert_ids_to_tokens(i)
                if not token or token == tokenizer.unk_token or token in seen:
                    token, filler = f"madeupword{filler}", filler + 1
                tokens.append(token)
                seen.add(token)
            return tokens

    previous = registry.get("M2M100Config")
    registry["M2M100Config"] = Loader()
    try:
        yield
    finally:
        registry["M2M100Config"] = previous


@contextlib.contextmanager
def _quiet_transformers() -> Iterator[None]:
    """Silence the progress bars and advice transformers prints while loading a checkpoint."""
    from transformers.utils import logging as hf_logging

    level = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        hf_logging.set_verbosity(level)
        hf_logging.enable_progress_bar()


def _check_source(hf_id_or_dir: str) -> Path | None:
    """The checkpoint directory (None for a hub id); ModelError when a local path is missing or not a checkpoint."""
    src = Path(hf_id_or_dir).expanduser()
    if src.is_dir():
        # A CTranslate2 folder has a config.json too, so transformers got as far as "Unrecognized model".
        if (src / "model.bin").is_file():
            raise ModelError(f"{src} is already a CTranslate2 model (it has model.bin); use it as --model {src}, or see "
                             f"`mtk models info {src}`")
        if not (src / "config.json").is_file():
            raise ModelError(f"{src} is not a Transformers checkpoint (no config.json)")
        _check_checkpoint_files(src)
        return src
    if src.exists() or looks_like_local_path(hf_id_or_dir) or not is_hub_id(hf_id_or_dir):
        raise ModelError(f"{hf_id_or_dir} is neither a checkpoint directory nor a Hugging Face model id")
    return None


def _check_checkpoint_files(src: Path) -> None:
    """ModelError when the checkpoint is no translation model mtk runs, or lacks a tokenizer file it needs.

    transformers and ctranslate2 say neither plainly ("expected str, bytes or os.PathLike object, not NoneType" for a
    missing source.spm), and only after loading the weights."""
    try:
        config = json.loads((src / "config.json").read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"{src}/config.json is not valid JSON ({first_line(exc)})") from None
    model_type = config.get("model_type") if isinstance(config, dict) else None
    if model_type not in _NEEDED_FILES:
        raise ModelError(f"{src} is not a translation checkpoint mtk can use (model_type {model_type!r}); mtk converts "
                         "Marian (OPUS-MT), M2M-100 and NLLB-200 checkpoints")
    for names in _NEEDED_FILES[model_type]:
        if not any((src / name).is_file() for name in names):
            raise ModelError(f"{src} has no {' or '.join(names)}: the {model_type} checkpoint's tokenizer needs it "
                             "(save the tokenizer with save_pretrained into the same folder)")


def _refuse_unsafe_output(out: Path, force: bool) -> None:
    """InputError unless `out` may become the model folder: new, empty, or (with --force) a CTranslate2 model.

    --force replaces what is there, so it must never reach a folder of the user's files, a file, or the folder the
    command runs in (`-o . --force` emptied the working directory)."""
    if not out.exists():
        return
    if not out.is_dir():
        raise InputError(f"-o {out} is a file; give a folder for the model")
    here = Path.cwd().resolve()
    if out.resolve() == here or out.resolve() in here.parents:
        raise InputError(f"-o {out} holds the current folder; give a new folder for the model, such as models/NAME")
    if not any(out.iterdir()):
        return
    if not force:
        raise InputError(f"{out} exists and is not empty; remove it or pass --force")  # a usage error, as -o elsewhere
    if not (out / "model.bin").is_file():
        raise InputError(f"-o {out} holds files and is not a CTranslate2 model (no model.bin); --force replaces only "
                         "a model folder, never other files")
    _refuse_other_files(out, [p.name for p in out.iterdir() if not (p.is_file() and _MODEL_FILE.fullmatch(p.name))])


# What a converted model folder holds: the weights, configuration, vocabularies, tokenizer files, mtk's metadata.
_MODEL_FILE = re.compile(r"model\.bin|[\w.-]*config\.json|[\w.-]*vocab[\w.-]*|[\w.-]+\.spm|[\w.-]*\.model|"
                         r"special_tokens_map\.json|mtk-model\.json")


def _refuse_other_files(out: Path, others: list[str]) -> None:
    """InputError naming `others`, files of a model folder --force would delete that are no model's."""
    if others:
        shown = ", ".join(sorted(others)[:3]) + (", ..." if len(others) > 3 else "")
        raise InputError(f"-o {out} holds files that are no model's ({shown}); --force replaces only a model folder, "
                         "never other files: move them first")


def convert(hf_id_or_dir: str, output_dir: str | Path, quantization: str = "int8", force: bool = False) -> Path:
    """Convert `hf_id_or_dir` into `output_dir` (written to a temp dir, then renamed) and copy its spm files."""
    # Everything that can be judged without the weights is checked before converting, which takes minutes.
    if quantization not in QUANTIZATIONS:
        raise InputError(f"--quantization {quantization}: not a CTranslate2 weight type; use one of "
                         f"{', '.join(QUANTIZATIONS)}")
    src_dir = _check_source(hf_id_or_dir)  # first: a folder that needs no converting needs no converter either
    refuse_other_target(hf_id_or_dir, src_dir)
    require_converter()
    from ctranslate2.converters import TransformersConverter

    out = Path(output_dir)
    _refuse_unsafe_output(out, force)
    refuse_unwritable_place(out.absolute(), name=f"-o {out}")  # the model is written beside it, then renamed
    out = out.resolve()  # "-o ." has no name to put the temporary folder beside
    if src_dir is None:
        require_hub_files(hf_id_or_dir, f"checkpoint {hf_id_or_dir!r}",
                          "convert a local checkpoint directory instead (one saved with save_pretrained)")
    copy = [f for f in _TOKENIZER_FILES if (src_dir / f).is_file()] if src_dir else []
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        with _quiet_transformers(), _fairseq_vocabulary_fix():
            TransformersConverter(hf_id_or_dir, copy_files=copy or None).convert(
                str(tmp / "model"), quantization=quantization, force=True
            )
        detect_family(tmp / "model")  # refuse to install a model the engine could not use
        if out.exists():
            shutil.rmtree(out) if out.is_dir() else out.unlink()
        (tmp / "model").replace(out)
    except Exception as exc:  # noqa: BLE001 - transformers/ctranslate2 raise OSError, ValueError, RuntimeError...
        # The temporary folder is gone when the user reads this: the model is named where it would have been.
        why = (str(exc) if isinstance(exc, ModelError) else first_line(exc)).replace(str(tmp / "model"), str(out))
        raise ModelError(f"cannot convert {hf_id_or_dir}: {why}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out
