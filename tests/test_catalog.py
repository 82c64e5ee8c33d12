"""The packaged model catalog and the $MTK_CATALOG override."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mt.catalog import load_catalog
from mt.errors import ModelError


def test_packaged_catalog_is_consistent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MTK_CATALOG", raising=False)
    cat = load_catalog()
    assert cat.default == "nllb-200-distilled-600M"
    assert {"nllb-200-distilled-600M", "nllb-200-distilled-1.3B", "opus-mt-ar-en", "m2m100-418M"} <= set(cat.models)
    assert any(e.family == "marian" and "sw" in e.languages for e in cat.models.values())
    for lang in ("sw", "ar"):
        assert cat.default_for(lang) in cat.models
    for e in cat.models.values():
        assert e.family in ("nllb", "m2m100", "marian")
        assert set(e.languages) <= {"sw", "ar"}
        assert e.revision == "main" or re.fullmatch(r"[0-9a-f]{40}", e.revision)
        assert e.convert or "model.bin" in e.files


def test_override_adds_and_replaces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "c.toml"
    extra.write_text(
        'default = "mine"\n[[model]]\nname = "mine"\nfamily = "marian"\nlanguages = ["ar"]\nrepo = "me/mine"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("MTK_CATALOG", str(extra))
    cat = load_catalog()
    assert cat.default == "mine" and cat.get("mine").revision == "main"
    assert cat.get("opus-mt-ar-en") is not None


def test_bad_override_is_model_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[model]]\nname = \n", encoding="utf-8")
    monkeypatch.setenv("MTK_CATALOG", str(bad))
    with pytest.raises(ModelError, match="not valid TOML"):
        load_catalog()
    bad.write_text('[[model]]\nname = "x"\n', encoding="utf-8")
    with pytest.raises(ModelError, match="lacks the 'family' field"):
        load_catalog()
