"""`mtk models convert` on tiny random Hugging Face checkpoints (Marian and M2M-100), then translation with the result."""

from __future__ import annotations

import json
import shutil
import sys
import warnings
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="converting needs the convert extra (torch)")
pytest.importorskip("transformers", reason="converting needs the convert extra (transformers)")

import tiny_models

from mt.families import detect_family

SW_FILE = Path(__file__).resolve().parent.parent / "seeds" / "000_c34c121e1dd8a5b8.txt"
TINY = {"d_model": 16, "encoder_layers": 1, "decoder_layers": 1, "encoder_attention_heads": 2,
        "decoder_attention_heads": 2, "encoder_ffn_dim": 32, "decoder_ffn_dim": 32}


def _write_vocab(path: Path, spm_model: Path, first: list[str], last: tuple[str, ...] = ()) -> list[str]:
    """Write the vocab.json of a Transformers tokenizer: `first`, the SentencePiece pieces, `last`."""
    pieces = [p for p in tiny_models.spm_pieces(spm_model) if p not in ("<unk>", "<s>", "</s>", "<pad>")]
    vocab = first + pieces + list(last)
    path.write_text(json.dumps({t: i for i, t in enumerate(vocab)}), encoding="utf-8")
    return vocab


@pytest.fixture(scope="module")
def hf_marian(tmp_path_factory: pytest.TempPathFactory, spm_model: Path) -> Path:
    """A random Transformers MarianMT checkpoint (sw->en) with the seed SentencePiece model on both sides."""
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    d = tmp_path_factory.mktemp("hf_marian")
    # OPUS-MT layout: </s> and <unk> first, <pad> (the decoder start) last.
    vocab = _write_vocab(d / "vocab.json", spm_model, ["</s>", "<unk>"], ("<pad>",))
    for name in ("source.spm", "target.spm"):
        shutil.copyfile(spm_model, d / name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Recommended: pip install sacremoses", irrelevant here
        MarianTokenizer(
            vocab=str(d / "vocab.json"), source_spm=str(d / "source.spm"), target_spm=str(d / "target.spm"),
            source_lang="sw", target_lang="en",
        ).save_pretrained(d)
    pad = len(vocab) - 1
    config = MarianConfig(vocab_size=len(vocab), max_position_embeddings=512, pad_token_id=pad, eos_token_id=0,
                          decoder_start_token_id=pad, **TINY)
    torch.manual_seed(0)
    MarianMTModel(config).save_pretrained(d)
    return d


@pytest.fixture(scope="module")
def hf_m2m100(tmp_path_factory: pytest.TempPathFactory, spm_model: Path) -> Path:
    """A random Transformers M2M-100 checkpoint: fairseq vocabulary, 100 language tokens, 8 filler words."""
    import torch
    from transformers import (
        M2M100Config,
        M2M100ForConditionalGeneration,
        M2M100Tokenizer,
    )

    d = tmp_path_factory.mktemp("hf_m2m100")
    vocab = _write_vocab(d / "vocab.json", spm_model, ["<s>", "<pad>", "</s>", "<unk>"])
    M2M100Tokenizer(vocab_file=str(d / "vocab.json"), spm_file=str(spm_model), src_lang="sw", tgt_lang="en").save_pretrained(d)
    config = M2M100Config(vocab_size=len(vocab) + 100 + 8, max_position_embeddings=512, **TINY)
    torch.manual_seed(0)
    M2M100ForConditionalGeneration(config).save_pretrained(d)
    return d


@pytest.mark.parametrize("checkpoint, family", [("hf_marian", "marian"), ("hf_m2m100", "m2m100")])
def test_convert_then_translate(mtk_run, request, tmp_path: Path, checkpoint: str, family: str) -> None:
    out_dir = tmp_path / "converted"
    code, out, err = mtk_run("models", "convert", request.getfixturevalue(checkpoint), "-o", out_dir,
                         "--quantization", "int8")
    assert code == 0, err
    assert out.strip() == str(out_dir) and err == ""  # transformers' progress bars and advice stay quiet
    assert (out_dir / "model.bin").is_file() and not list(tmp_path.glob(".converted.*"))
    fam = detect_family(out_dir)
    assert fam.name == family
    if family == "m2m100":  # the language tokens survived conversion at their ids (see mt/convert.py)
        vocab = json.loads((out_dir / "shared_vocabulary.json").read_text(encoding="utf-8"))
        assert {"__sw__", "__en__", "__ar__"} <= set(vocab) and vocab[-1] == "madeupword7"
    else:
        assert fam.languages == ("sw",)  # read from the copied tokenizer_config.json

    result = tmp_path / "out.jsonl"
    code, _, err = mtk_run("translate", SW_FILE, "--model", out_dir, "--beam", "1", "--no-cache",
                       "--format", "jsonl", "-o", result)
    assert code == 0, err
    records = [json.loads(line) for line in result.read_text(encoding="utf-8").splitlines()]
    sentences = [r for r in records if "translation" in r]
    assert sentences and all(r["model"] == "converted" for r in sentences)
    assert any(r["translation"] for r in sentences)


def test_existing_output_needs_force(mtk_run, hf_marian: Path, tmp_path: Path) -> None:
    model_dir = tmp_path / "model"
    assert mtk_run("models", "convert", hf_marian, "-o", model_dir)[0] == 0
    (model_dir / "old-note.txt").write_text("from the earlier conversion", encoding="utf-8")
    code, _, err = mtk_run("models", "convert", hf_marian, "-o", model_dir)
    assert code == 2 and "--force" in err and (model_dir / "old-note.txt").exists()  # usage, as other -o errors
    # Not even with --force: the model folder holds a file that is no model's, which replacing it would delete.
    code, _, err = mtk_run("models", "convert", hf_marian, "-o", model_dir, "--force")
    assert code == 2 and "holds files that are no model's (old-note.txt)" in err
    assert (model_dir / "old-note.txt").exists()
    (model_dir / "old-note.txt").unlink()
    before = (model_dir / "model.bin").stat().st_mtime_ns
    code, _, err = mtk_run("models", "convert", hf_marian, "-o", model_dir, "--force")
    assert code == 0, err
    assert (model_dir / "model.bin").is_file() and (model_dir / "model.bin").stat().st_mtime_ns != before


def test_force_never_replaces_what_is_not_a_model(mtk_run, hf_marian: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # --force deleted any folder or file it was given, and `-o . --force` emptied the working directory.
    mine = tmp_path / "my-files"
    (mine / "keep").mkdir(parents=True)
    (mine / "keep" / "notes.txt").write_text("precious", encoding="utf-8")
    code, _, err = mtk_run("models", "convert", hf_marian, "-o", mine, "--force")
    assert code == 2 and "is not a CTranslate2 model (no model.bin)" in err
    assert (mine / "keep" / "notes.txt").read_text(encoding="utf-8") == "precious"
    note = tmp_path / "notes.txt"
    note.write_text("important", encoding="utf-8")
    code, _, err = mtk_run("models", "convert", hf_marian, "-o", note, "--force")
    assert code == 2 and "is a file" in err and note.read_text(encoding="utf-8") == "important"
    monkeypatch.chdir(mine)
    code, _, err = mtk_run("models", "convert", hf_marian, "-o", ".", "--force")
    assert code == 2 and "holds the current folder" in err
    assert sorted(p.name for p in mine.rglob("*")) == ["keep", "notes.txt"]


@pytest.mark.parametrize("kind", ["no-config", "ct2-model", "missing-path"])
def test_not_a_checkpoint_exits_3(mtk_run, tiny_marian: Path, tmp_path: Path, kind: str) -> None:
    if kind == "no-config":
        source = tmp_path / "notes"
        source.mkdir()
        (source / "readme.txt").write_text("not a model", encoding="utf-8")
    elif kind == "ct2-model":
        source = tiny_marian  # already converted: config.json has no model_type
    else:
        source = tmp_path / "nowhere"
    out_dir = tmp_path / "out"
    code, _, err = mtk_run("models", "convert", source, "-o", out_dir)
    assert code == 3
    assert err.startswith("mtk: error:") and len(err.strip().splitlines()) == 1 and str(source) in err
    assert not out_dir.exists() and not list(tmp_path.glob(".out.*"))


def test_a_hub_id_offline_fails_at_once_in_one_line(mtk_run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # mtk_run sets HF_HUB_OFFLINE=1; transformers alone retried for half a minute, then said it "couldn't connect".
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub-cache"))
    code, _, err = mtk_run("models", "convert", "some-org/opus-mt-xx-en", "-o", tmp_path / "out")
    assert code == 3 and len(err.strip().splitlines()) == 1
    assert "'some-org/opus-mt-xx-en' is not downloaded and HF_HUB_OFFLINE is set; convert a local checkpoint" in err
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # a closed local port: a network that is down
    code, _, err = mtk_run("models", "convert", "some-org/opus-mt-xx-en", "-o", tmp_path / "out")
    assert code == 3 and "the Hub cannot be reached" in err and not (tmp_path / "out").exists()


def test_missing_extra_is_one_line(mtk_run, hf_marian: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "transformers", None)  # what `import transformers` sees when it is absent
    code, _, err = mtk_run("models", "convert", hf_marian, "-o", tmp_path / "out")
    assert code == 3 and "converting needs transformers" in err and "'.[convert]'" in err
    assert len(err.strip().splitlines()) == 1


@pytest.fixture()
def no_converting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if a conversion starts: what is checked here must be refused before the weights are loaded."""
    from ctranslate2 import converters

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the checkpoint was loaded")

    monkeypatch.setattr(converters, "TransformersConverter", refuse)


@pytest.mark.parametrize("source", ["nosuchdir/", "bad id", "Helsinki-NLP/", "org/-bad", r"C:\models\x"])
def test_a_source_that_is_no_folder_and_no_hub_id_is_one_line(source: str, mtk_run, tmp_path: Path) -> None:
    # huggingface_hub's HFValidationError came out as a traceback.
    code, _, err = mtk_run("models", "convert", source, "-o", tmp_path / "out")
    assert code == 3 and len(err.splitlines()) == 1
    assert err.strip() == f"mtk: error: {source} is neither a checkpoint directory nor a Hugging Face model id"


def test_bad_options_are_refused_before_converting(mtk_run, hf_marian: Path, tmp_path: Path, no_converting) -> None:
    # --quantization bogus failed only after the whole conversion (minutes for a real model).
    code, _, err = mtk_run("models", "convert", hf_marian, "-o", tmp_path / "out", "--quantization", "bogus")
    assert code == 2 and err.startswith("mtk: error: --quantization bogus: not a CTranslate2 weight type; use one of "
                                        "int8, int8_float32")
    note = tmp_path / "notes.txt"
    note.write_text("x", encoding="utf-8")
    code, _, err = mtk_run("models", "convert", hf_marian, "-o", note / "model")  # tempfile's traceback
    assert code == 2 and err.strip() == f"mtk: error: cannot write -o {note / 'model'}: {note} is a file, not a folder"


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux's /sys, which no process may write in")
def test_an_unwritable_output_place_is_refused_before_converting(mtk_run, hf_marian: Path, no_converting) -> None:
    # As root the mode bits of a folder allow everything: /sys refuses even root.
    code, _, err = mtk_run("models", "convert", hf_marian, "-o", "/sys/mtk-model")
    assert code == 2 and len(err.splitlines()) == 1
    assert err.startswith("mtk: error: cannot write -o /sys/mtk-model: no file can be created in /sys (")


def test_a_checkpoint_into_another_language_is_refused_before_converting(mtk_run, hf_marian: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        no_converting) -> None:
    # It converted fully, then named its temporary folder: ".../.enfr.xarbmxja/model: an OPUS-MT model into fr".
    source = tmp_path / "checkpoint"
    shutil.copytree(hf_marian, source)
    config = json.loads((source / "tokenizer_config.json").read_text(encoding="utf-8"))
    (source / "tokenizer_config.json").write_text(json.dumps({**config, "target_lang": "fr"}), encoding="utf-8")
    code, _, err = mtk_run("models", "convert", source, "-o", tmp_path / "enfr")
    assert code == 3 and err.strip() == (f"mtk: error: {source}: an OPUS-MT model into fr (tokenizer_config.json), "
                                         "not English; mtk translates Swahili and Arabic into English")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub-cache"))  # a Hub id's name says it before any download
    code, _, err = mtk_run("models", "convert", "Helsinki-NLP/opus-mt-en-fr", "-o", tmp_path / "enfr")
    assert code == 3 and "an OPUS-MT model into fr (its name 'opus-mt-en-fr')" in err
    assert not list(tmp_path.glob("*enfr*"))


@pytest.mark.parametrize("damage, message", [
    ("no source.spm", "has no source.spm: the marian checkpoint's tokenizer needs it"),
    ("no vocab.json", "has no vocab.json: the marian checkpoint's tokenizer needs it"),
    ("bert", "is not a translation checkpoint mtk can use (model_type 'bert'); mtk converts Marian (OPUS-MT)"),
    ("bad json", "config.json is not valid JSON ("),
])
def test_a_checkpoint_mtk_cannot_use_is_named_before_converting(damage: str, message: str, mtk_run, hf_marian: Path,
                                                                tmp_path: Path, no_converting) -> None:
    # "expected str, bytes or os.PathLike object, not NoneType" and "'BertConfig' object has no attribute ...".
    source = tmp_path / "checkpoint"
    shutil.copytree(hf_marian, source)
    if damage.startswith("no "):
        (source / damage[3:]).unlink()
    elif damage == "bert":
        config = json.loads((source / "config.json").read_text(encoding="utf-8"))
        (source / "config.json").write_text(json.dumps({**config, "model_type": "bert"}), encoding="utf-8")
    else:
        (source / "config.json").write_text("{not json", encoding="utf-8")
    code, _, err = mtk_run("models", "convert", source, "-o", tmp_path / "out")
    assert code == 3 and len(err.splitlines()) == 1 and f"mtk: error: {source}" in err and message in err
