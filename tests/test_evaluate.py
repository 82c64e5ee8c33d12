"""`mtk evaluate`: two tiny models compared in one table; references that do not match are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.cli import main

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_evaluate_two_models_prints_table(tmp_path: Path, tiny_marian: Path, tiny_marian_b: Path,
                                          capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MTK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    js, md = tmp_path / "cmp.json", tmp_path / "cmp.md"
    code = main(["evaluate", str(SEEDS), "--manifest", "--model", str(tiny_marian), "--model", str(tiny_marian_b),
                 "--max-length", "24", "--json", str(js), "--markdown", str(md)])
    out = capsys.readouterr().out
    assert code == 0
    assert "opus-mt-tiny" in out and "opus-mt-tiny-b" in out and "chrF" in out and "peak RSS" in out
    assert "nrefs:1|case:mixed|eff:yes|nc:6|nw:0" in out  # chrF signature printed
    result = json.loads(js.read_text(encoding="utf-8"))
    assert [r["model"] for r in result["models"]] == ["opus-mt-tiny", "opus-mt-tiny-b"]
    for row in result["models"]:
        assert row["size_mib"] > 0 and row["peak_rss_mib"] > 0 and row["sentences_per_s"] > 0
        assert row["quality_against"] == "pseudo-reference (aligned English, not a translation)"
        assert 0 <= row["chrF"] <= 100
    assert md.read_text(encoding="utf-8").startswith("| model | chrF |")


def test_evaluate_refuses_mismatched_references(tmp_path: Path, tiny_marian: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"src": "This sentence is in no article.", "reference": "x"}) + "\n", encoding="utf-8")
    code = main(["evaluate", str(SEEDS), "--manifest", "--model", str(tiny_marian), "--references", str(refs)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("mtk: error:") and "does not match" in err and "\n" not in err


def test_evaluate_needs_english(tmp_path: Path, tiny_marian: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text((SEEDS / "001_1a95481d527c8dce.txt").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["evaluate", str(tmp_path), "--model", str(tiny_marian)]) == 2
    assert "no English article" in capsys.readouterr().err
