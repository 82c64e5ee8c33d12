"""The catalog of models `mtk` can download by name (models/catalog.toml, plus $MTK_CATALOG if set)."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from mt.errors import ModelError


@dataclass(frozen=True)
class ModelEntry:
    """One downloadable model: where it lives on the Hub, at which pinned revision, and what it translates."""

    name: str
    family: str
    languages: tuple[str, ...]
    repo: str
    revision: str
    files: tuple[str, ...] = ()
    sha256: dict[str, str] = field(default_factory=dict)
    size_mb: int = 0
    licence: str = ""
    convert: bool = False
    description: str = ""

    @property
    def pinned(self) -> bool:
        """Whether `revision` is a full commit hash, so every pull gets the same files."""
        return re.fullmatch(r"[0-9a-f]{40}", self.revision) is not None


@dataclass(frozen=True)
class Catalog:
    """All catalog entries by name, the overall default and the default per source language."""

    models: dict[str, ModelEntry]
    default: str
    defaults: dict[str, str]

    def get(self, name: str) -> ModelEntry | None:
        """The entry called `name`, or None."""
        return self.models.get(name)

    def default_for(self, lang: str | None) -> str:
        """The model to use for source language `lang` (the overall default when unknown)."""
        return self.defaults.get(lang or "", self.default)


def _entry(raw: dict, origin: str) -> ModelEntry:
    try:
        return ModelEntry(
            name=raw["name"],
            family=raw["family"],
            languages=tuple(raw.get("languages", ())),
            repo=raw["repo"],
            revision=raw.get("revision", "main"),
            files=tuple(raw.get("files", ())),
            sha256=dict(raw.get("sha256", {})),
            size_mb=int(raw.get("size_mb", 0)),
            licence=raw.get("licence", ""),
            convert=bool(raw.get("convert", False)),
            description=raw.get("description", ""),
        )
    except KeyError as exc:
        raise ModelError(f"catalog {origin}: a model entry lacks the {exc.args[0]!r} field") from None


def _parse(text: str, origin: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ModelError(f"catalog {origin} is not valid TOML: {exc}") from None


def load_catalog() -> Catalog:
    """Read the packaged catalog, then let entries of the file named by $MTK_CATALOG add to or override it."""
    sources = [("models/catalog.toml", resources.files("models").joinpath("catalog.toml").read_text("utf-8"))]
    extra = os.environ.get("MTK_CATALOG")
    if extra:
        try:
            sources.append((extra, Path(extra).read_text(encoding="utf-8")))
        except OSError as exc:
            raise ModelError(f"cannot read MTK_CATALOG file {extra}: {exc.strerror}") from None
    models: dict[str, ModelEntry] = {}
    default = ""
    defaults: dict[str, str] = {}
    for origin, text in sources:
        data = _parse(text, origin)
        for raw in data.get("model", []):
            entry = _entry(raw, origin)
            models[entry.name] = entry
        default = data.get("default", default)
        defaults.update(data.get("defaults", {}))
    return Catalog(models=models, default=default, defaults=defaults)
