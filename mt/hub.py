"""Download catalog models from the Hugging Face Hub (or $HF_ENDPOINT) into $MTK_HOME/models, atomically."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from mt import paths
from mt.catalog import ModelEntry, load_catalog
from mt.errors import InputError, ModelError, first_line
from mt.families import METADATA_FILE, detect_family
from mt.model_file import damage
from mt.output_checks import try_creating_a_file


def offline_from_env() -> bool:
    """True when the environment asks for no network access (HF_HUB_OFFLINE=1)."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def model_path(name: str) -> Path:
    """Where a pulled catalog model lives."""
    return paths.models_dir() / name


def is_pulled(name: str) -> bool:
    """Whether a complete copy of catalog model `name` is on disk."""
    return (model_path(name) / "model.bin").is_file() and (model_path(name) / METADATA_FILE).is_file()


def model_bin_problem(path: Path) -> str | None:
    """Why the model folder `path` has no usable model.bin (none, or cut short by a killed copy or a full disk)."""
    model_bin = path / "model.bin"
    if not model_bin.is_file():
        return f"{path} has no model.bin; it is not a (complete) CTranslate2 model directory"
    why = damage(model_bin)
    return f"{model_bin} is damaged: {why}" if why is not None else None


def folder_problem(path: Path) -> str | None:
    """Why the model folder `path` cannot translate (model.bin, config.json, vocabulary or SentencePiece files), or None.

    Judged without loading the weights."""
    from mt.spm import Tokenizer

    why = model_bin_problem(path)
    if why is not None:
        return why
    try:
        Tokenizer(path, detect_family(path))
    except ModelError as exc:
        return str(exc)
    return None


def download_damage(name: str) -> str | None:
    """Why the downloaded copy of catalog model `name` cannot be used (model.bin damaged, a file missing), else None."""
    return folder_problem(model_path(name))


def not_downloaded_message(name: str) -> str:
    """The one-line explanation given when a model is needed but absent and downloading is not allowed."""
    return (
        f"model '{name}' is not downloaded and downloading is off (--offline or HF_HUB_OFFLINE=1); "
        f"run `mtk models pull {name}` on a machine with "
        "internet, or give a CTranslate2 directory you have as --model PATH"
    )


def _entry(name: str) -> ModelEntry:
    entry = load_catalog().get(name)
    if entry is None:
        raise ModelError(f"unknown model '{name}'; `mtk models list` shows the catalog")
    return entry


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_reachable(endpoint: str | None = None, timeout: float = 5.0) -> None:
    """Fail fast with one line when the Hub cannot be reached, instead of huggingface_hub's minute of retries."""
    url = _hub_url(endpoint)
    reason = _unreachable(endpoint, timeout)
    if reason is not None:
        raise ModelError(
            f"cannot reach {url.scheme}://{url.netloc} to download models ({reason}); "
            "connect to the internet, or give a CTranslate2 directory you have to mtk translate/align/run as "
            "--model PATH"
        )


def _hub_url(endpoint: str | None) -> SplitResult:
    """The Hub's address: `endpoint`, else HF_ENDPOINT, else huggingface.co."""
    return urlsplit(endpoint or os.environ.get("HF_ENDPOINT") or "https://huggingface.co")


def _unreachable(endpoint: str | None = None, timeout: float = 5.0) -> str | None:
    """Why the Hub cannot be reached (its socket error), or None when a connection opens."""
    url = _hub_url(endpoint)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname or "", port), timeout=timeout).close()
    except OSError as exc:
        return str(exc.strerror or exc)
    return None


def looks_like_local_path(name: str) -> bool:
    """Whether `name` reads as a file-system path rather than a Hub id ("org/model" or "model")."""
    return name.startswith((".", "/", "~")) or name.count("/") > 1


def is_hub_id(name: str) -> bool:
    """Whether `name` is a well-formed Hugging Face repository id ("org/model" or "model")."""
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    try:
        validate_repo_id(name)
    except HFValidationError:
        return False
    return True


def require_hub_files(repo_id: str, what: str, hint: str) -> None:
    """Return when `repo_id` is in the local Hugging Face cache or the Hub answers; else one-line ModelError.

    transformers would otherwise retry for half a minute and then say it "couldn't connect", without saying what to
    do instead. `what` names the thing ("word-alignment model 'x'"), `hint` the offline way ("pass --word-model PATH").
    """
    from huggingface_hub import try_to_load_from_cache

    if not is_hub_id(repo_id):  # huggingface_hub would raise HFValidationError, a traceback
        raise ModelError(f"{what} is not a well-formed Hugging Face model id; {hint}")
    if isinstance(try_to_load_from_cache(repo_id, "config.json"), str):
        return  # downloaded before: loaded from the cache
    if offline_from_env():
        raise ModelError(f"{what} is not downloaded and HF_HUB_OFFLINE is set; {hint}")
    reason = _unreachable()
    if reason is not None:
        raise ModelError(f"{what} is not downloaded and the Hub cannot be reached ({reason}); {hint}")


def _resolved_commit(entry: ModelEntry) -> str:
    """The commit `entry.revision` names now (a branch such as "main" moves), asked of the Hub once before downloading.

    Every file is then fetched at that commit, so a pull never mixes two versions of a repository, and outputs can
    name the version they came from (an unpinned model read "opus-mt-ar-en@main" before and after new weights).
    """
    if re.fullmatch(r"[0-9a-f]{40}", entry.revision):
        return entry.revision
    from huggingface_hub import get_hf_file_metadata, hf_hub_url

    probe = entry.files[0] if entry.files else "config.json"
    url = hf_hub_url(entry.repo, probe, revision=entry.revision, endpoint=os.environ.get("HF_ENDPOINT") or None)
    try:
        commit = get_hf_file_metadata(url).commit_hash
    except Exception as exc:  # noqa: BLE001 - as in _download_files
        raise ModelError(f"cannot resolve {entry.repo}@{entry.revision}: {first_line(exc)}") from None
    return commit or entry.revision


def _download_files(entry: ModelEntry, staging: Path, progress: bool, revision: str) -> None:
    from huggingface_hub import hf_hub_download
    from huggingface_hub.utils import disable_progress_bars, enable_progress_bars

    # hf_hub_download resumes from `.incomplete` files kept under local_dir, so the staging dir is stable.
    endpoint = os.environ.get("HF_ENDPOINT") or None
    (disable_progress_bars if not progress else enable_progress_bars)()
    for filename in entry.files:
        try:
            hf_hub_download(
                entry.repo, filename, revision=revision, local_dir=staging, endpoint=endpoint
            )
        except Exception as exc:  # noqa: BLE001 - network, HTTP and disk errors end the same way for the user
            raise ModelError(
                f"cannot download {filename} of model '{entry.name}' from {entry.repo}@{entry.revision}: {first_line(exc)}"
            ) from None


def _convert_checkpoint(entry: ModelEntry, staging: Path, progress: bool, revision: str) -> None:
    from huggingface_hub import snapshot_download

    from mt.convert import convert, require_converter

    require_converter()
    source = staging.parent / f".{entry.name}.checkpoint"
    try:
        snapshot_download(
            entry.repo, revision=revision, local_dir=source,
            endpoint=os.environ.get("HF_ENDPOINT") or None,
            ignore_patterns=["*.h5", "*.msgpack", "tf_model*", "flax_model*", "*.ot"],
        )
    except Exception as exc:  # noqa: BLE001 - as in _download_files
        raise ModelError(f"cannot download checkpoint {entry.repo}@{entry.revision}: {first_line(exc)}") from None
    if staging.exists():
        shutil.rmtree(staging)
    convert(str(source), staging, quantization="int8")
    shutil.rmtree(source, ignore_errors=True)


class _CorruptDownload(ModelError):
    """A download that completed but is wrong (checksum, unloadable): resuming into it would keep it wrong."""


def _verify(entry: ModelEntry, staging: Path) -> None:
    for filename, expected in entry.sha256.items():
        path = staging / filename
        if not path.is_file():
            raise ModelError(f"model '{entry.name}': {filename} is missing after download")
        actual = _sha256(path)
        if actual != expected.lower():
            raise _CorruptDownload(
                f"model '{entry.name}': checksum mismatch for {filename} (expected {expected[:12]}…, got {actual[:12]}…); "
                "nothing was stored, try again"
            )
    detect_family(staging)
    try:
        import ctranslate2

        ctranslate2.Translator(str(staging), device="cpu", compute_type="int8")
    except Exception as exc:  # noqa: BLE001 - ctranslate2 raises RuntimeError/ValueError for unloadable files
        raise _CorruptDownload(f"model '{entry.name}' was downloaded but does not load: {first_line(exc)}") from None


def _writable_models_dir(name: str) -> Path:
    """The models folder, created if need be; ModelError naming it when no model can be stored there."""
    folder = paths.models_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        try_creating_a_file(folder)
    except OSError as exc:
        raise ModelError(f"cannot download model '{name}': cannot write the models folder {folder} "
                         f"({exc.strerror or exc}); set MTK_HOME to a folder you can write") from None
    return folder


def pull(name: str, *, offline: bool = False, progress: bool = True, force: bool = False) -> Path:
    """Make catalog model `name` available locally and return its directory; download only what is missing.

    A downloaded copy whose model.bin is damaged (cut short by a full disk or a killed copy) is downloaded again."""
    entry = _entry(name)
    target = model_path(name)
    why = download_damage(name) if is_pulled(name) else None
    if is_pulled(name) and not force and why is None:
        return target
    if offline or offline_from_env():
        if why is not None:
            raise ModelError(f"{why}; downloading is off (--offline or "
                             f"HF_HUB_OFFLINE=1): run `mtk models pull {name} --force` on a machine with internet")
        raise ModelError(not_downloaded_message(name))
    _writable_models_dir(name)  # before the network: a download with nowhere to go is refused at once
    check_reachable()
    commit = _resolved_commit(entry)  # before the staging folder: a failure here leaves nothing behind
    staging = target.parent / f".{name}.partial"
    try:
        staging.mkdir(exist_ok=True)
    except OSError as exc:
        raise ModelError(f"cannot download model '{name}': cannot create {staging} ({exc.strerror or exc})") from None
    try:
        if entry.convert:
            _convert_checkpoint(entry, staging, progress, commit)
        else:
            _download_files(entry, staging, progress, commit)
        _verify(entry, staging)
    except _CorruptDownload:
        # A corrupt download must not be resumed into; partial files are kept only after network errors.
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(staging / ".cache", ignore_errors=True)  # huggingface_hub's bookkeeping for resumption
    meta = {"name": entry.name, "repo": entry.repo, "revision": entry.revision, "commit": commit,
            "family": entry.family, "languages": list(entry.languages)}
    try:
        (staging / METADATA_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        if target.exists():
            _delete_whole(target)
        os.replace(staging, target)  # same filesystem: the model appears complete or not at all
    except OSError as exc:
        raise ModelError(f"cannot store model '{name}' in {target.parent}: {exc.strerror or exc}") from None
    return target


def _refuse_unremovable(path: Path) -> None:
    """ModelError when a folder in `path` may not have its files deleted (judged from its permissions)."""
    for folder in (path, *path.rglob("*")):
        if folder.is_dir() and not folder.is_symlink() and not os.access(folder, os.W_OK | os.X_OK):
            raise ModelError(f"cannot remove {path}: {folder} is read-only; nothing was removed")


def _delete_whole(path: Path) -> None:
    """Delete a folder of the models folder whole or not at all; ModelError, with nothing deleted, when it cannot be.

    rmtree alone stops at the first file it may not delete, leaving a model with half its files that still looks
    downloaded; so the folder is checked first, and renamed out of the way (one step) before it is emptied."""
    _refuse_unremovable(path)
    trash = path.with_name(f".{path.name.lstrip('.')}.removing")
    shutil.rmtree(trash, ignore_errors=True)  # left by a removal killed half way
    try:
        os.replace(path, trash)
    except OSError as exc:
        raise ModelError(f"cannot remove {path}: {path.parent} refuses changes ({exc.strerror or exc}); "
                         "nothing was removed") from None
    shutil.rmtree(trash, ignore_errors=True)


def remove(name: str) -> list[Path]:
    """Delete a pulled catalog model and any unfinished download of it, each whole; returns the removed folders.

    Only a model folder directly inside the models folder is ever deleted: a name with a path in it ("/data",
    "../x", ".") is refused, since rmtree would otherwise delete whatever folder it names.
    """
    if not name or name in (".", "..") or Path(name).name != name or "\\" in name:
        raise InputError(f"'{name}' is not a model name; `mtk models list` shows the downloaded ones")
    target = model_path(name)
    staging = target.parent / f".{name}.partial"
    if load_catalog().get(name) is None:
        # As `models info`, `models pull` and `translate --model` say it: what they call unknown is not removed either.
        mine = f" ({target} is no catalog model's: delete it yourself if it is yours)" if target.exists() else ""
        raise ModelError(f"unknown model '{name}'; `mtk models list` shows the catalog and what is downloaded{mine}")
    if not target.exists() and not staging.exists():
        # A model that is missing is a model problem (exit 3), as for an unknown name and for translating offline
        # with it; exit 2 stays for a name that is no model name at all, and for refusing to delete what is no model.
        raise ModelError(f"model '{name}' is not downloaded; there is nothing to remove")
    if target.exists() and not ((target / "model.bin").is_file() or (target / METADATA_FILE).is_file()):
        raise InputError(f"{target} does not look like a downloaded model (no model.bin); not deleting it")
    removed = [path for path in (target, staging) if path.exists()]
    for path in removed:
        _refuse_unremovable(path)  # both checked before either goes
    for path in removed:
        _delete_whole(path)
    return removed
