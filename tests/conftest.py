"""Session fixtures: a SentencePiece model trained on the seeds and tiny random-weight CTranslate2 models."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # make tests/tiny_models.py importable
# The measuring scripts hold the gold-pair readers the tests share (scripts/eval_facts.py).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import tiny_models

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def pytest_configure(config: pytest.Config) -> None:
    """Point MTK_HOME at a fresh folder for the whole run, so tests never read or write the user's models and caches."""
    import os
    import tempfile

    os.environ["MTK_HOME"] = config._mtk_home = tempfile.mkdtemp(prefix="mtk-test-home-")  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the run's MTK_HOME."""
    import shutil

    home = getattr(config, "_mtk_home", None)
    if home:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def seed_files() -> list[Path]:
    """The seed article files (Swahili, Arabic, English)."""
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture
def seed_folder(tmp_path: Path, seed_files: list[Path]) -> Path:
    """A fresh folder holding a copy of the five seed articles (tmp_path/articles)."""
    folder = tmp_path / "articles"
    folder.mkdir()
    import shutil

    for path in seed_files:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="session")
def spm_model(tmp_path_factory: pytest.TempPathFactory, seed_files: list[Path]) -> Path:
    """Path of a small unigram SentencePiece model trained on all seed articles."""
    out = tmp_path_factory.mktemp("spm") / "seeds.model"
    return tiny_models.train_spm(tiny_models.seed_text(seed_files), out, vocab_size=600)


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory: pytest.TempPathFactory, spm_model: Path) -> Path:
    """A random-weight CTranslate2 model directory in the OPUS-MT/Marian layout."""
    return tiny_models.build_marian(tmp_path_factory.mktemp("marian") / "opus-mt-tiny", spm_model, seed=0)


@pytest.fixture(scope="session")
def tiny_marian_b(tmp_path_factory: pytest.TempPathFactory, spm_model: Path) -> Path:
    """A second Marian-layout model with different random weights."""
    return tiny_models.build_marian(tmp_path_factory.mktemp("marian_b") / "opus-mt-tiny-b", spm_model, seed=7)


@pytest.fixture(scope="session")
def tiny_nllb(tmp_path_factory: pytest.TempPathFactory, spm_model: Path) -> Path:
    """A random-weight CTranslate2 model directory in the NLLB-200 layout (language tokens such as swh_Latn)."""
    return tiny_models.build_nllb(tmp_path_factory.mktemp("nllb") / "nllb-tiny", spm_model, seed=1)


@pytest.fixture(scope="session")
def tiny_m2m100(tmp_path_factory: pytest.TempPathFactory, spm_model: Path) -> Path:
    """A random-weight CTranslate2 model directory in the M2M-100 layout (`__sw__` language tokens)."""
    return tiny_models.build_m2m100(tmp_path_factory.mktemp("m2m") / "m2m-tiny", spm_model, seed=2)


@pytest.fixture()
def mtk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty MTK_HOME so models and caches of one test never leak into another."""
    home = tmp_path / "mtk_home"
    monkeypatch.setenv("MTK_HOME", str(home))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    return home


@pytest.fixture()
def mtk_run(mtk_home: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch):
    """Call `mtk` in-process with no network access (HF_HUB_OFFLINE=1); returns (exit code, stdout, stderr)."""
    from eval.cli import main

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    def _run(*argv: object) -> tuple[int, str, str]:
        capsys.readouterr()  # drop what fixtures printed while building models
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture(scope="session")
def seed_translation_lines() -> list[str]:
    """An English translation of each segmented sentence of seed 000: the gold references of the sentences it covers.

    Skips the test when the shared gold data is absent; a sentence with no reference (page chrome) keeps its text."""
    import json

    from align.synthetic import SHARED_DIR
    from mt.loader import load_document

    gold = SHARED_DIR / "gold"
    if not (gold / "references.json").is_file():
        pytest.skip("gold data not present")
    doc_id = "000_c34c121e1dd8a5b8"
    refs = {r["id"]: r["reference"] for r in json.loads((gold / "references.json").read_text("utf-8"))[doc_id]}
    spans = json.loads((gold / "sentences.json").read_text("utf-8"))[doc_id]
    lines = []
    for s in load_document(str(SEEDS / f"{doc_id}.txt"), lang="sw").sentences:
        covered = [refs[g["id"]] for g in spans if g["start"] < s.end and s.start < g["end"] and g["id"] in refs]
        lines.append(" ".join(covered) or s.text)
    return lines
