"""The translation engine: load a CTranslate2 model by catalog name or path, translate sentences and documents."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mt import hub
from mt.batching import make_batches, split_pieces
from mt.cache import TranslationCache
from mt.catalog import load_catalog
from mt.document import Document
from mt.errors import ModelError, first_line
from mt.families import Family, detect_family, read_metadata
from mt.options import TranslationOptions
from mt.progress import progress_bar
from mt.spm import Tokenizer

if TYPE_CHECKING:  # ctranslate2 itself is imported by Translator.load, when a model is first needed
    import ctranslate2


@dataclass
class TranslatedDocument:
    """A document with one English translation per sentence, and the model that produced them."""

    document: Document
    translations: list[str]
    model: str

    def records(self) -> list[dict]:
        """One dict per sentence: doc, paragraph, sentence, lang, src, translation, model."""
        d = self.document
        return [
            {"doc": d.doc_id, "paragraph": s.paragraph, "sentence": s.index, "lang": d.lang,
             "src": s.text, "translation": t, "model": self.model}
            for s, t in zip(d.sentences, self.translations, strict=True)
        ]

    def dropped_record(self) -> dict:
        """What cleaning removed from the document, as one record: {"doc", "model", "dropped": [...]}."""
        return {
            "doc": self.document.doc_id,
            "model": self.model,
            # Counted over the input's paragraphs (each line, or each hard-wrapped block, from 0); a sentence
            # record's "paragraph" counts the paragraphs that were kept, so the two keys have two names.
            "dropped": [{"text": x.text, "reason": x.reason, "input_paragraph": x.paragraph}
                        for x in self.document.dropped],
        }

    def text(self) -> str:
        """The translation as plain text: a paragraph's sentences joined by a space, paragraphs by a blank line."""
        paragraphs: dict[int, list[str]] = {}
        for s, t in zip(self.document.sentences, self.translations, strict=True):
            paragraphs.setdefault(s.paragraph, []).append(t)
        return "\n\n".join(" ".join(p for p in paragraphs[k] if p) for k in sorted(paragraphs))


# Part of every cache key: raise it when post-processing of model output changes, so older cached text is not reused
# (2: special and language tokens are removed from translations).
_OUTPUT_VERSION = 2


def model_label(name: str, revision: str | None) -> str:
    """How outputs name a model: `name@revision` (12 hex digits of a pinned commit) for a catalog model, else `name`."""
    if not revision:
        return name
    return f"{name}@{revision[:12] if re.fullmatch(r'[0-9a-f]{40}', revision) else revision}"


# Files up to this size are hashed whole; larger ones (model.bin) by their size and their first and last block.
_WHOLE_FILE = 4 << 20
_BLOCK = 1 << 20


def model_fingerprint(path: Path) -> str:
    """A digest of every file of a model directory that can change its output, for the translation cache's key.

    Size and time of model.bin alone let a different model in the same folder reuse the old model's translations when
    its files kept their times (tar, cp -p, rsync -a) or when only the SentencePiece model or vocabulary changed.
    Reading model.bin whole (hundreds of MB) at every load would be slow: its ends, its size and its time are read.
    """
    digest = hashlib.sha256()
    for f in sorted(p for p in path.iterdir() if p.is_file()):
        try:
            st = f.stat()
            # Size and time too: a fine-tune that leaves the embeddings and the encoder alone changes only the middle
            # of model.bin, which the digest does not read.
            digest.update(f"{f.name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
            with f.open("rb") as fh:
                if st.st_size <= _WHOLE_FILE:
                    digest.update(fh.read())
                else:
                    digest.update(fh.read(_BLOCK))
                    fh.seek(-_BLOCK, os.SEEK_END)
                    digest.update(fh.read(_BLOCK))
        except OSError as exc:
            raise ModelError(f"cannot read {f} of model {path}: {exc.strerror or exc}") from None
    return digest.hexdigest()[:32]


def check_model(name_or_path: str, offline: bool | None = None) -> None:
    """ModelError now when a model cannot be loaded later (missing folder, name, model.bin or tokenizer files).

    Also when it is not downloaded while offline, or its model.bin is cut short; it never downloads (other damage
    shows when the model is loaded).
    `mtk evaluate` checks every model first, so that a bad one fails before the good ones have spent their time.
    """
    path = Path(name_or_path).expanduser()
    catalog_name = None
    if not path.exists():
        entry = load_catalog().get(name_or_path)
        if entry is None or not hub.is_pulled(entry.name):
            # Unknown names, missing folders and models that may not be downloaded fail with _resolve's message.
            if entry is None or (offline if offline is not None else hub.offline_from_env()):
                _resolve(name_or_path, True, False)
            return
        path, catalog_name = hub.model_path(entry.name), entry.name
    elif not path.is_dir():
        _resolve(name_or_path, True, False)
    why = hub.folder_problem(path)
    if why is not None:
        raise ModelError(f"{why}{_pull_again(catalog_name)}")


def check_model_file(path: Path, catalog_name: str | None = None) -> None:
    """ModelError when the folder has no model.bin or one cut short (a killed copy, a full disk), before any work.

    `catalog_name` names the catalog model the folder holds, whose message then says how to download it again."""
    why = hub.model_bin_problem(path)
    if why is not None:
        raise ModelError(f"{why}{_pull_again(catalog_name)}")


def _pull_again(catalog_name: str | None) -> str:
    """How a damaged catalog model is mended (pulled again), to end its error; "" for a folder of the user's."""
    return f"; `mtk models pull {catalog_name} --force` downloads it again" if catalog_name else ""


@contextlib.contextmanager
def _pull_hint(catalog_name: str | None) -> Iterator[None]:
    """A ModelError raised inside ends with how to mend the catalog model (a download that lost a file)."""
    try:
        yield
    except ModelError as exc:
        raise ModelError(f"{exc}{_pull_again(catalog_name)}") from None


def _resolve(name_or_path: str, offline: bool, progress: bool) -> tuple[str, str, Path, str]:
    """(name, label, directory, identity prefix) of a model given as a directory or a catalog name."""
    path = Path(name_or_path).expanduser()
    if path.exists():
        if not path.is_dir():
            raise ModelError(f"{path} is not a directory; --model takes a CTranslate2 model directory or a catalog name")
        meta = read_metadata(path)  # a pulled catalog model keeps its name, revision and commit here
        name = meta.get("name", path.name)
        return name, model_label(name, meta.get("commit") or meta.get("revision")), path, f"path:{path.resolve()}"
    entry = load_catalog().get(name_or_path)
    if entry is not None:
        if not hub.is_pulled(entry.name):
            if offline:
                raise ModelError(hub.not_downloaded_message(entry.name))
            hub.pull(entry.name, progress=progress)
        # The commit the pull resolved: an unpinned entry's revision ("main") names different weights over time.
        revision = read_metadata(hub.model_path(entry.name)).get("commit") or entry.revision
        identity = f"catalog:{entry.name}@{revision}"
        return entry.name, model_label(entry.name, revision), hub.model_path(entry.name), identity
    if "/" in name_or_path or name_or_path.startswith((".", "~")):
        raise ModelError(f"model directory {path} does not exist")
    raise ModelError(
        f"unknown model '{name_or_path}'; `mtk models list` shows the catalog, or pass a CTranslate2 directory"
    )


def _wait(handle: ctranslate2.AsyncTranslationResult) -> ctranslate2.TranslationResult:
    """The result of an asynchronous batch, waited for in short sleeps.

    result() blocks inside CTranslate2, where Python cannot run its signal handlers: Ctrl-C and SIGTERM were seen only
    once the batch had finished (10 s and more for long batches)."""
    while not handle.done():
        time.sleep(0.005)
    return handle.result()


class Translator:
    """A loaded model plus tokenizer, options and cache; translates Swahili or Arabic into English."""

    def __init__(
        self,
        *,
        name: str,
        path: Path,
        label: str | None = None,
        family: Family,
        tokenizer: Tokenizer,
        engine: ctranslate2.Translator,
        options: TranslationOptions,
        model_id: str,
        cache: TranslationCache | None,
        progress: bool | None,
    ) -> None:
        """Assemble a translator from loaded parts; use `Translator.load` instead."""
        self.name = name
        self.label = label or name  # what output records name the model by, e.g. nllb-200-distilled-600M@f84941bd4325
        self.path = path
        self.family = family
        self.options = options
        self.size_bytes = sum(f.stat().st_size for f in path.iterdir() if f.is_file())
        self._tokenizer = tokenizer
        self._engine = engine
        self._model_id = model_id
        self._cache = cache
        self._progress = progress
        # Sentences this translator ran through the model, and those it took from the cache: a speed is honest only
        # over the first (a rerun from the cache once reported 50,000 sentences a second).
        self.translated_count = 0
        self.cached_count = 0

    @classmethod
    def load(
        cls,
        name_or_path: str,
        *,
        offline: bool | None = None,
        options: TranslationOptions | None = None,
        cache: bool = True,
        progress: bool | None = None,
    ) -> Translator:
        """Load a model directory or catalog name (pulling it unless offline); every failure is a ModelError."""
        import ctranslate2

        options = options or TranslationOptions()
        if offline is None:
            offline = hub.offline_from_env()
        name, label, path, identity = _resolve(name_or_path, offline, progress is not False)
        catalog_name = name if identity.startswith("catalog:") else None
        check_model_file(path, catalog_name)
        with _pull_hint(catalog_name):
            family = detect_family(path)
        if not family.source_languages:
            # Such a model is then used for any source language: a wrong one gives fluent nonsense, said by no error.
            print(f"mtk: warning: cannot tell which language {label} translates from; its folder has no "
                  "tokenizer_config.json with source_lang and its name is not opus-mt-SRC-TGT, so it is used for "
                  "every source language", file=sys.stderr)
        with _pull_hint(catalog_name):
            tokenizer = Tokenizer(path, family)
        options.check_runtime()
        dev = options.resolved_device()
        ctype = options.resolved_compute_type()
        try:
            engine = ctranslate2.Translator(
                str(path), device=dev, compute_type=ctype,
                inter_threads=options.inter_threads, intra_threads=options.intra_threads,
            )
        except Exception as exc:  # noqa: BLE001 - ctranslate2 raises RuntimeError/ValueError for bad files
            # A downloaded catalog model damaged on disk (a full disk, a killed copy) is mended by pulling it again.
            raise ModelError(f"cannot load model {path}: {first_line(exc)}{_pull_again(catalog_name)}") from None
        model_id = f"{identity}:{model_fingerprint(path)}:{dev}:{ctype}:{_OUTPUT_VERSION}"
        return cls(
            name=name, path=path, label=label, family=family, tokenizer=tokenizer, engine=engine, options=options,
            model_id=model_id, cache=TranslationCache.open_or_none() if cache else None, progress=progress,
        )

    def translate_sentences(self, sentences: list[str], src_lang: str) -> list[str]:
        """Translate sentences from `src_lang` into English, in order, using the cache where possible."""
        self.family.check_language(src_lang, self.label)
        if not sentences:
            return []
        opts_key = self.options.cache_key()
        keys = [TranslationCache.key(self._model_id, opts_key, src_lang, s) for s in sentences]
        done: dict[str, str] = self._cache.get_many(keys) if self._cache is not None else {}
        todo: dict[str, str] = {}  # key -> sentence, deduplicated
        for k, s in zip(keys, sentences):
            if k not in done:
                todo.setdefault(k, s)
        hits = sum(k in done for k in keys)
        self.cached_count += hits
        self.translated_count += len(keys) - hits
        if todo:
            done.update(self._translate_uncached(todo, src_lang))
        return [done[k] for k in keys]

    def _translate_uncached(self, todo: dict[str, str], src_lang: str) -> dict[str, str]:
        todo_keys = list(todo)
        pieces = self._tokenizer.encode([todo[k].strip() for k in todo_keys])
        limit = self.options.max_input_length - self.family.special_count
        units: list[list[str]] = []  # model inputs
        owner: list[int] = []  # which todo sentence each unit belongs to
        for i, p in enumerate(pieces):
            if not p:
                continue
            for chunk in split_pieces(p, limit):
                units.append(self.family.source_tokens(chunk, src_lang))
                owner.append(i)
        parts: list[list[str | None]] = [[] for _ in todo_keys]
        slot: list[int] = []
        for o in owner:
            slot.append(len(parts[o]))
            parts[o].append(None)
        remaining = [len(p) for p in parts]
        result: dict[str, str] = {k: "" for i, k in enumerate(todo_keys) if remaining[i] == 0}

        batches = make_batches([len(u) for u in units], self.options.max_batch_tokens)
        prefix = self.family.target_prefix()
        kwargs = self.options.decoding_kwargs()
        window = max(2, 2 * self.options.inter_threads)  # keep the engine busy while Python decodes
        pending: deque = deque()

        def submit(batch: list[int]) -> None:
            batch_units = [units[i] for i in batch]
            handle = self._engine.translate_batch(
                batch_units, target_prefix=[prefix] * len(batch) if prefix else None,
                asynchronous=True, **kwargs,
            )
            pending.append((batch, handle))

        next_batch = 0
        with progress_bar(len(units), f"translating {src_lang}→en", self._progress) as advance:
            while next_batch < len(batches) or pending:
                while next_batch < len(batches) and len(pending) < window:
                    submit(batches[next_batch])
                    next_batch += 1
                batch, handles = pending.popleft()
                try:
                    outputs = [_wait(h).hypotheses[0] for h in handles]
                except Exception as exc:  # noqa: BLE001 - any engine failure is one line for the user
                    raise ModelError(f"translation failed in model {self.path}: {first_line(exc)}") from None
                texts = self._tokenizer.decode([self.family.strip_output(o) for o in outputs])
                finished: list[tuple[str, str]] = []
                for i, text in zip(batch, texts):
                    o = owner[i]
                    parts[o][slot[i]] = text.strip()
                    remaining[o] -= 1
                    if remaining[o] == 0:
                        finished.append((todo_keys[o], " ".join(t for t in parts[o] if t)))
                result.update(finished)
                if self._cache is not None and finished:
                    self._cache.put_many(finished)  # per batch, so an interrupted run keeps what it finished
                advance(len(batch))
        if self._cache is not None:
            self._cache.put_many((k, v) for k, v in result.items() if v == "")
        return result

    def translate_document(self, doc: Document | str, src_lang: str | None = None) -> TranslatedDocument:
        """Translate every sentence of a cleaned document (or raw text, which is cleaned and segmented first)."""
        if isinstance(doc, str):
            from mt.loader import document_from_text

            doc = document_from_text(doc, lang=src_lang or "auto")
        lang = src_lang if src_lang and src_lang != "auto" else doc.lang
        return TranslatedDocument(doc, self.translate_sentences(doc.texts, lang), self.label)

    def close(self) -> None:
        """Release the cache connection (the model is freed with the object)."""
        if self._cache is not None:
            self._cache.close()
