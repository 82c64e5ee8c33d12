"""Model families (NLLB-200, M2M-100, OPUS-MT/Marian): how to recognise them and how they mark languages."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from mt.errors import InputError, ModelError

METADATA_FILE = "mtk-model.json"  # written by `mtk models pull`: catalog name, revision, languages

NLLB_CODES = {"sw": "swh_Latn", "ar": "arb_Arab", "en": "eng_Latn"}
M2M_CODES = {"sw": "__sw__", "ar": "__ar__", "en": "__en__"}
TARGET = "en"
_FAIRSEQ_SPM = ("sentencepiece.bpe.model", "spm.128k.model")
_CONTROL_TOKENS = frozenset({"<s>", "</s>", "<pad>", "<unk>", "<mask>"})
# Language tokens of NLLB (eng_Latn), M2M-100 (__en__) and multi-target OPUS-MT (>>eng<<) models, and the
# fairseq vocabulary fillers (madeupword0).
_LANGUAGE_TOKEN = re.compile(
    r"[a-z]{3}_[A-Z][a-z]{3}|__[a-z]{2,3}(_[a-zA-Z]+)?__|>>[a-z]{2,3}(_[a-zA-Z]+)?<<|madeupword\d+"
)


def special_tokens(vocabulary: list[str]) -> frozenset[str]:
    """The control and language tokens of a model vocabulary: never part of a translation's text."""
    return _CONTROL_TOKENS | {t for t in vocabulary if _LANGUAGE_TOKEN.fullmatch(t)}


def read_vocabulary(model_dir: Path) -> list[str]:
    """The source (or shared) vocabulary of a CTranslate2 model directory, from its .json or .txt file."""
    for stem in ("shared_vocabulary", "source_vocabulary"):
        js = model_dir / f"{stem}.json"
        if js.is_file():
            try:
                tokens = json.loads(js.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise ModelError(f"{js} is not a valid vocabulary file: {exc}") from None
            if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
                raise ModelError(f"{js} is not a valid vocabulary file: expected a JSON list of tokens")
            return tokens
        txt = model_dir / f"{stem}.txt"
        if txt.is_file():
            return txt.read_text(encoding="utf-8", errors="replace").splitlines()
    raise ModelError(f"{model_dir} has no shared_vocabulary or source_vocabulary file; is it a CTranslate2 model?")


def read_metadata(model_dir: Path) -> dict:
    """The `mtk-model.json` written at pull time, or {} for a directory made elsewhere."""
    # Only what mtk wrote is trusted: a hand-edited file of another shape is ignored, as an unreadable one is.
    data = _json_object(model_dir / METADATA_FILE)
    if not (isinstance(data.get("languages"), list) and all(isinstance(c, str) for c in data["languages"])):
        data.pop("languages", None)
    return {k: v for k, v in data.items() if k == "languages" or isinstance(v, str)}


@dataclass(frozen=True)
class Family:
    """What differs between model families: SentencePiece files, source markers and the target prefix."""

    name: str
    source_spm: str
    target_spm: str
    codes: dict[str, str] = field(default_factory=dict)  # ISO 639-1 -> language token; empty for Marian
    languages: tuple[str, ...] = ()  # source languages a language-pair model accepts; () = trust the user
    specials: frozenset[str] = _CONTROL_TOKENS  # tokens dropped from the output, see `special_tokens`

    def accepts(self, src_lang: str) -> bool:
        """Whether this model translates from `src_lang` into English (a pair model with no languages: trusted)."""
        if self.codes:
            return src_lang in self.codes and src_lang != TARGET
        return not self.languages or src_lang in self.languages

    @property
    def source_languages(self) -> tuple[str, ...]:
        """The languages this model is known to translate into English; () when it does not say (then trusted)."""
        if self.codes:
            return tuple(c for c in self.codes if c != TARGET)
        return self.languages

    def check_language(self, src_lang: str, label: str | None = None) -> None:
        """Raise InputError when this model (called `label`) cannot translate from `src_lang` into English."""
        if self.accepts(src_lang):
            return
        if self.codes:
            raise InputError(f"unsupported source language {src_lang!r} for {self.name}; use sw or ar")
        who = f"model {label} ({self.name})" if label else f"this {self.name} model"
        raise InputError(f"{who} translates from {', '.join(self.languages)}, not {src_lang!r}; pick another --model")

    def source_tokens(self, pieces: list[str], src_lang: str) -> list[str]:
        """The model input for one chunk: language token (NLLB/M2M) + pieces + </s>."""
        if self.codes:
            return [self.codes[src_lang], *pieces, "</s>"]
        return [*pieces, "</s>"]

    def target_prefix(self) -> list[str] | None:
        """The forced first target tokens: the English language token, or None for Marian."""
        return [self.codes[TARGET]] if self.codes else None

    def strip_output(self, tokens: list[str]) -> list[str]:
        """Drop control and language tokens (the forced English token, stray <pad>, <unk>, other languages)."""
        # A weak or random-weight model can emit them anywhere, not just first; SentencePiece would print them.
        return [t for t in tokens if t not in self.specials]

    @property
    def special_count(self) -> int:
        """How many tokens `source_tokens` adds around the pieces."""
        return 2 if self.codes else 1


# OPUS-MT source codes that name Swahili or Arabic, and the language groups (ISO 639-5, as OPUS-MT names its
# multilingual models: opus-mt-mul-en, -bnt-en, -sem-en ...) that include them.
_MARIAN_SOURCES = {"swa": ("sw",), "swc": ("sw",), "swh": ("sw",), "ara": ("ar",), "arb": ("ar",),
                   "mul": ("sw", "ar"), "bnt": ("sw",), "nic": ("sw",), "alv": ("sw",), "sem": ("ar",),
                   "afa": ("ar",)}


# Helsinki-NLP's names: opus-mt-SRC-TGT, opus-mt-tc-big-SRC-TGT, opus-mt-tc-bible-base-SRC-TGT; SRC is one code or
# several joined by "_". The size words are listed: a loose prefix would read "tc-big-ar-en" as big -> ar.
_OPUS_NAME = re.compile(
    r"(?<![a-z])opus-mt-(?:tc-(?:[a-z]+-)*?(?:big|base|small|tiny|large)-)?(?!tc-)"
    r"(?P<src>[a-z]{2,3}(?:_[a-z]{2,3})*)-(?P<tgt>[a-z]{2,3}(?:_[a-z]{2,3})*)(?![a-z])"
)
# Target codes under which an OPUS-MT model writes English: English itself, and the groups that include it.
_ENGLISH_TARGETS = frozenset({"en", "eng", "mul", "gem", "gmw", "ine"})


def _refuse_other_target(model_dir: Path | str, targets: list[str], where: str) -> None:
    """ModelError when an OPUS-MT model's target codes (from `where`) leave English out: mtk translates into English."""
    if not _ENGLISH_TARGETS.intersection(targets):
        raise ModelError(f"{model_dir}: an OPUS-MT model into {'_'.join(targets)} ({where}), not English; "
                         "mtk translates Swahili and Arabic into English")


def refuse_other_target(source: str, checkpoint_dir: Path | None = None) -> None:
    """ModelError when a checkpoint to convert says it translates into another language than English.

    Its tokenizer_config.json (`target_lang`) says so first, else its Helsinki-NLP name (`source`: a folder or a
    Hub id such as Helsinki-NLP/opus-mt-en-fr); checked before converting, which takes minutes for a real model."""
    data = _tokenizer_config(checkpoint_dir) if checkpoint_dir is not None else {}
    tgt = data.get("target_lang")
    if isinstance(tgt, str) and len(tgt) in (2, 3):
        _refuse_other_target(source, [tgt.lower()], "tokenizer_config.json")
        return
    paths = [source] + ([str(checkpoint_dir.resolve())] if checkpoint_dir is not None else [])  # "." has no name
    for name in (Path(p.rstrip("/")).name for p in paths):
        found = _OPUS_NAME.search(name.lower())
        if found:
            _refuse_other_target(source, found["tgt"].split("_"), f"its name {name!r}")
            return


def _tokenizer_config(model_dir: Path) -> dict:
    """The folder's tokenizer_config.json, or {} when it has none or it is no JSON object."""
    return _json_object(model_dir / "tokenizer_config.json")


def _json_object(path: Path) -> dict:
    """The JSON object in `path`, or {} when there is no such file or it holds no readable JSON object."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _sources_of(codes: list[str]) -> tuple[str, ...]:
    """The languages OPUS-MT source codes stand for (a group such as mul: every one of ours it includes)."""
    out: list[str] = []
    for code in codes:
        out += [c for c in _MARIAN_SOURCES.get(code, (code,)) if c not in out]
    return tuple(out)


def _marian_languages(model_dir: Path, meta: dict) -> tuple[str, ...]:
    """Source languages a Marian model accepts: mtk's metadata, the tokenizer's source_lang, the name; () = any."""
    if meta.get("languages"):
        return tuple(meta["languages"])
    data = _tokenizer_config(model_dir)
    src = data.get("source_lang")
    tgt = data.get("target_lang")
    if isinstance(tgt, str) and len(tgt) in (2, 3):
        _refuse_other_target(model_dir, [tgt.lower()], "tokenizer_config.json")
    if isinstance(src, str) and len(src) in (2, 3):
        return _sources_of([src.lower()])
    # `ct2-transformers-converter` copies no tokenizer_config.json unless asked, and such a folder (opus-mt-ar-en)
    # was used for Swahili without a word; its Helsinki-NLP name still says the pair. The resolved name too: "-o .".
    for name in (meta.get("name", ""), model_dir.name, model_dir.resolve().name):
        found = _OPUS_NAME.search(name.lower())
        if found:
            _refuse_other_target(model_dir, found["tgt"].split("_"), f"its name {name!r}")
            return _sources_of(found["src"].split("_"))
    return ()


def detect_family(model_dir: Path) -> Family:
    """Recognise the family of a CTranslate2 model directory from its vocabulary and tokenizer files."""
    if not (model_dir / "config.json").is_file():
        # CTranslate2 then fails with "[json.exception.type_error.302] type must be string, but is null".
        raise ModelError(f"{model_dir} has no config.json; it is not a complete CTranslate2 model directory")
    vocabulary = read_vocabulary(model_dir)
    vocab = set(vocabulary)
    specials = special_tokens(vocabulary)
    meta = read_metadata(model_dir)
    if "eng_Latn" in vocab or "__en__" in vocab:
        # The converted hub repos name the SentencePiece model differently (M2M-100 ships spm.128k.model).
        spm_name = next((n for n in _FAIRSEQ_SPM if (model_dir / n).is_file()), _FAIRSEQ_SPM[0])
        if "eng_Latn" in vocab:
            return Family("nllb", spm_name, spm_name, NLLB_CODES, specials=specials)
        return Family("m2m100", spm_name, spm_name, M2M_CODES, specials=specials)
    if (model_dir / "source.spm").exists() or (model_dir / "target.spm").exists():
        return Family("marian", "source.spm", "target.spm", {}, _marian_languages(model_dir, meta), specials)
    raise ModelError(
        f"{model_dir}: unknown model family (expected NLLB-200, M2M-100 or OPUS-MT with source.spm/target.spm)"
    )
