"""Decoding and runtime options of the translation engine."""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mt.errors import InputError

if TYPE_CHECKING:
    import argparse

_CPU_DEFAULT = "int8"
_CUDA_DEFAULT = "int8_float16"


MAX_BEAM = 64
# NLLB-200 and M2M-100 have 1,024 positions, OPUS-MT models 512.
MAX_LENGTH = 1024
# CTranslate2's compute types (https://opennmt.net/CTranslate2/quantization.html); "default" is mtk's choice.
COMPUTE_TYPES = ("default", "auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float32",
                 "float16", "bfloat16")
DEVICES = ("auto", "cpu", "cuda")


# The command-line spelling of the options `mtk translate` takes under another name.
_FLAGS = {"beam_size": "--beam", "max_decoding_length": "--max-length", "max_batch_tokens": "--max-batch-tokens"}


def _flag(name: str) -> str:
    """How an error names option `name`: its flag where mtk has one, else its name with dashes."""
    return _FLAGS.get(name, name.replace("_", "-"))


@dataclass(frozen=True)
class TranslationOptions:
    """How to decode: beam search settings, length limits, batching budget and device; sampling is never used."""

    beam_size: int = 4
    length_penalty: float = 1.0
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    max_decoding_length: int = 256
    max_input_length: int = 256  # source tokens; longer sentences are split into chunks, never truncated
    max_batch_tokens: int = 2048
    device: str = "auto"
    compute_type: str = "default"
    inter_threads: int = 1
    intra_threads: int = 0  # 0 lets CTranslate2 use one thread per core

    def __post_init__(self) -> None:
        # Errors name the options as `mtk translate` spells them, the one place users set most of them.
        for name in ("beam_size", "max_decoding_length", "max_input_length", "max_batch_tokens", "inter_threads"):
            if getattr(self, name) < 1:
                raise InputError(f"{_flag(name)} must be at least 1, got {getattr(self, name)}")
        if self.beam_size > MAX_BEAM:
            # CTranslate2 keeps beam x batch hypotheses in memory: --beam 100000 took 12 GB and could not be stopped
            # with Ctrl-C, which is only seen between translation calls. Published systems use 4 to 12.
            raise InputError(f"--beam must be at most {MAX_BEAM}, got {self.beam_size}")
        if self.no_repeat_ngram_size < 0:
            raise InputError(f"--no-repeat-ngram-size must be 0 (off) or more, got {self.no_repeat_ngram_size}")
        # CTranslate2 divides by the repetition penalty; NaN or infinite penalties make every beam score NaN.
        if not (math.isfinite(self.repetition_penalty) and self.repetition_penalty > 0):
            raise InputError(f"--repetition-penalty must be a positive number, got {self.repetition_penalty}")
        if not math.isfinite(self.length_penalty):
            raise InputError(f"--length-penalty must be a finite number, got {self.length_penalty}")
        if self.max_decoding_length > MAX_LENGTH:
            # A model that never ends a sentence decodes to this length, and Ctrl-C is only seen between batches.
            raise InputError(f"--max-length must be at most {MAX_LENGTH} tokens (the longest output the supported "
                             f"models are trained for), got {self.max_decoding_length}")
        if self.max_input_length < 4:
            raise InputError("max-input-length must be at least 4 tokens")
        if self.device not in ("auto", "cpu", "cuda"):
            raise InputError(f"unknown device {self.device!r}; use auto, cpu or cuda")
        if self.compute_type not in COMPUTE_TYPES:
            raise InputError(f"unknown compute type {self.compute_type!r}; use one of {', '.join(COMPUTE_TYPES)}")

    def check_runtime(self) -> None:
        """InputError when this machine cannot run the device or compute type asked for (before a model loads).

        Said as a usage error naming the option: CTranslate2's own message blamed the model ("cannot load model")."""
        import ctranslate2

        if self.device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
            raise InputError("--device cuda: CTranslate2 sees no CUDA GPU here; use --device cpu (or auto)")
        if self.compute_type in ("default", "auto"):
            return
        device = self.resolved_device()
        supported = sorted(ctranslate2.get_supported_compute_types(device))
        if self.compute_type not in supported:
            raise InputError(f"--compute-type {self.compute_type} is not available on {device} here; "
                             f"use one of {', '.join(supported)} (or leave the default)")

    def resolved_device(self) -> str:
        """The concrete device: cuda when CTranslate2 sees a GPU and device is 'auto', else what was asked."""
        if self.device != "auto":
            return self.device
        import ctranslate2

        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"

    def resolved_compute_type(self) -> str:
        """The concrete compute type: int8 on CPU and int8_float16 on CUDA unless one was given."""
        if self.compute_type != "default":
            return self.compute_type
        return _CUDA_DEFAULT if self.resolved_device() == "cuda" else _CPU_DEFAULT

    def decoding_kwargs(self) -> dict:
        """Keyword arguments for `ctranslate2.Translator.translate_batch` (greedy/beam only, deterministic)."""
        return {
            "beam_size": self.beam_size,
            "length_penalty": self.length_penalty,
            "repetition_penalty": self.repetition_penalty,
            "no_repeat_ngram_size": self.no_repeat_ngram_size,
            "max_decoding_length": self.max_decoding_length,
            "sampling_topk": 1,
        }

    def cache_key(self) -> str:
        """The options that change the output, as a stable string (device and threads do not change it)."""
        out_affecting = {
            k: v
            for k, v in dataclasses.asdict(self).items()
            if k not in ("device", "inter_threads", "intra_threads", "max_batch_tokens")
        }
        return json.dumps(out_affecting, sort_keys=True)


def add_device_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --device and --compute-type, spelled and explained alike by every command that translates."""
    parser.add_argument("--device", default="auto", choices=DEVICES,
                        help="device for translation (default: cuda if available)")
    parser.add_argument("--compute-type", default="default", metavar="TYPE",
                        help="CTranslate2 compute type (default: int8 on CPU, int8_float16 on CUDA)")


def check_device_arguments(options: TranslationOptions) -> None:
    """InputError now, before any input is read, for a device or compute type this machine lacks."""
    # The defaults run on any machine: checking them would only import CTranslate2.
    if options.device != "auto" or options.compute_type != "default":
        options.check_runtime()
