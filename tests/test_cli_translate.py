"""`mtk translate` and `mtk models` through the real command line entry point."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from eval.cli import main
from mt.translator import Translator

ROOT = Path(__file__).resolve().parent.parent
SW_FILE = ROOT / "seeds" / "000_c34c121e1dd8a5b8.txt"
AR_FILE = ROOT / "seeds" / "001_1a95481d527c8dce.txt"
FRENCH = (
    "Le Maroc et Israël ont signé mercredi un accord de coopération militaire. Le ministre de la Défense "
    "israélien était en visite à Rabat pour la première fois. Cet accord prévoit des échanges de renseignements.\n"
)


def test_text_output_several_inputs(mtk_run, tiny_nllb: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    code, _, err = mtk_run("translate", SW_FILE, AR_FILE, "--model", tiny_nllb, "-o", out, "--beam", "1")
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert text.endswith("\n") and text.count("\n\n") >= 2


def test_text_output_of_several_articles_can_be_split_back_into_them(mtk_run, tiny_nllb: Path,
                                                                     tmp_path: Path) -> None:
    # Articles were separated by one blank line, as paragraphs are: the output could not be split back.
    out = tmp_path / "out.txt"
    code, _, err = mtk_run("translate", SW_FILE, AR_FILE, "--model", tiny_nllb, "-o", out, "--beam", "1")
    assert code == 0, err
    parts = re.split(r"^==> (.+) <==\n", out.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert parts[0] == "" and parts[1::2] == [SW_FILE.stem, AR_FILE.stem]
    for source, part in zip((SW_FILE, AR_FILE), parts[2::2], strict=True):
        code, alone, err = mtk_run("translate", source, "--model", tiny_nllb, "--beam", "1")
        assert code == 0, err
        assert not alone.startswith("==>")  # one article: no header
        assert part.rstrip("\n") == alone.rstrip("\n")


def test_jsonl_output_and_dropped(mtk_run, tiny_nllb: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    code, _, err = mtk_run("translate", SW_FILE, AR_FILE, "--model", tiny_nllb, "-o", out, "--format", "jsonl",
                       "--show-dropped", "--no-cache", "--beam", "1")
    assert code == 0, err
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    sentences = [r for r in recs if "translation" in r]
    dropped = [r for r in recs if "dropped" in r]
    assert {r["lang"] for r in sentences} == {"sw", "ar"}
    assert [r["doc"] for r in dropped] == [SW_FILE.stem, AR_FILE.stem]
    assert all(r["model"] == "nllb-tiny" for r in sentences)
    # The input's paragraph numbers: another count than the sentence records' kept "paragraph", so another name.
    assert all(set(x) == {"text", "reason", "input_paragraph"} for r in dropped for x in r["dropped"])
    if dropped[0]["dropped"]:
        assert "dropped (" in err and ", input paragraph " in err


def test_show_dropped_needs_no_model(mtk_run, tmp_path: Path) -> None:
    # Offline with no model pulled: translation fails, but what cleaning removed is still shown, before the error.
    code, _, err = mtk_run("translate", AR_FILE, "--src", "ar", "--show-dropped", "--offline", "-o", tmp_path / "o.txt")
    lines = err.strip().splitlines()
    assert code == 3 and lines[-1].startswith("mtk: error:") and not (tmp_path / "o.txt").exists()
    assert any(line.startswith(f"{AR_FILE.stem}: dropped (") for line in lines[:-1])


def test_stdin(mtk_home: Path, tiny_marian: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "eval.cli", "translate", "-", "--model", str(tiny_marian), "--src", "sw", "--beam", "1"],
        input=SW_FILE.read_bytes(), capture_output=True, cwd=ROOT, env={**os.environ, "MTK_HOME": str(mtk_home)},
        timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.strip()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG"),
        (b"Habari za leo " * 20 + b"\xff\xfe\xfa broken", "UTF-8"),
        (FRENCH.encode(), "unsupported language"),
        (b"asdf qwer zxcv " * 40, "bad.txt: cannot identify the language"),
    ],
    ids=["empty", "binary", "invalid-utf8", "french", "no-language"],
)
def test_bad_input_exits_2(mtk_run, tiny_nllb: Path, tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    out = tmp_path / "out.txt"
    code, _, err = mtk_run("translate", bad, "--model", tiny_nllb, "-o", out)
    assert code == 2
    assert err.startswith("mtk: error:") and message.lower() in err.lower() and len(err.splitlines()) == 1
    assert not out.exists()


def test_two_inputs_with_one_article_id_are_refused(mtk_run, tiny_nllb: Path, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    copy = tmp_path / "a" / SW_FILE.name
    copy.write_bytes(SW_FILE.read_bytes())
    out = tmp_path / "out.jsonl"
    for argv in ([SW_FILE, copy], [SW_FILE, SW_FILE]):
        code, _, err = mtk_run("translate", *argv, "--model", tiny_nllb, "--format", "jsonl", "-o", out)
        assert code == 2 and len(err.splitlines()) == 1, err
        assert f"would both be article '{SW_FILE.stem}'" in err and not out.exists()


def test_unsupported_src_flag(mtk_run, tiny_nllb: Path) -> None:
    code, _, err = mtk_run("translate", SW_FILE, "--src", "fr", "--model", tiny_nllb)
    assert code == 2 and "unsupported source language 'fr'" in err


def test_missing_model_offline_exits_3(mtk_run, tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    code, _, err = mtk_run("translate", SW_FILE, "--offline", "-o", out)
    assert code == 3
    assert "not downloaded and downloading is off" in err and "mtk models pull nllb-200-distilled-600M" in err
    assert not out.exists()


def test_corrupt_model_exits_3(mtk_run, tiny_nllb: Path, tmp_path: Path) -> None:
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(tiny_nllb, broken)
    (broken / "model.bin").write_bytes(b"\xff" * 4 + os.urandom(4996))
    code, _, err = mtk_run("translate", SW_FILE, "--model", broken)
    assert code == 3 and "is not a CTranslate2 model file" in err and len(err.splitlines()) == 1


def test_interrupted_run_leaves_no_output(mtk_run, tiny_nllb: Path, tmp_path: Path, monkeypatch) -> None:
    real = Translator.translate_document
    calls = []

    def second_call_interrupted(self, doc, src_lang=None):
        calls.append(doc.doc_id)
        if len(calls) == 2:
            raise KeyboardInterrupt  # as if the user pressed Ctrl-C after the first document was written
        return real(self, doc, src_lang)

    monkeypatch.setattr(Translator, "translate_document", second_call_interrupted)
    out = tmp_path / "out.txt"
    code, _, _ = mtk_run("translate", SW_FILE, AR_FILE, "--model", tiny_nllb, "-o", out, "--beam", "1")
    assert code == 130 and len(calls) == 2
    assert not out.exists()
    assert list(tmp_path.glob("*.part")) == []


def test_killed_subprocess_leaves_no_output(mtk_home: Path, tiny_nllb: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("\n\n".join([SW_FILE.read_text(encoding="utf-8")] * 30), encoding="utf-8")
    out = tmp_path / "out.txt"
    proc = subprocess.Popen(
        [sys.executable, "-m", "eval.cli", "translate", str(big), "--model", str(tiny_nllb), "-o", str(out),
         "--no-cache", "--max-batch-tokens", "64"],
        cwd=ROOT, env={**os.environ, "MTK_HOME": str(mtk_home)}, stderr=subprocess.PIPE,
    )
    try:
        proc.wait(timeout=4)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        # Killed while writing: no output, only the temporary the next write sweeps. Killed in the moment between
        # the rename and the exit: the output is the finished file, its temporary gone.
        leftovers = list(tmp_path.glob(".out.txt.*.part"))
        assert (not out.exists() and len(leftovers) <= 1) or (out.exists() and not leftovers)
    else:
        assert proc.returncode == 0 and out.exists()  # finished before the kill: then the file is complete


def test_models_list_info_remove(mtk_run, mtk_home: Path) -> None:
    code, out, _ = mtk_run("models", "list")
    assert code == 0 and "nllb-200-distilled-600M (default)" in out and "opus-mt-ar-en" in out
    code, out, _ = mtk_run("models", "info", "opus-mt-ar-en")
    assert code == 0 and "repo: gaudi/opus-mt-ar-en-ctranslate2" in out and "downloaded: no" in out
    assert "revision: main (unpinned" in out
    code, out, _ = mtk_run("models", "info", "nllb-200-distilled-600M")
    assert "revision: f84941bd43259bdf2e6e56ab779bc30b481df5a0\n" in out and "unpinned" not in out
    code, _, err = mtk_run("models", "info", "nope")
    assert code == 3 and "unknown model" in err
    # A catalog model that is not downloaded is a missing model, exit 3 as for an unknown name (it was 2).
    code, _, err = mtk_run("models", "remove", "opus-mt-ar-en")
    assert code == 3 and "model 'opus-mt-ar-en' is not downloaded" in err
    # A name in no catalog is said as info and pull say it, not as "not downloaded".
    code, _, err = mtk_run("models", "remove", "nope")
    assert code == 3 and "unknown model 'nope'" in err
    code, _, err = mtk_run("translate", "")
    assert code == 2 and err.strip() == "mtk: error: an empty file name was given"  # was ".: is a directory"


def test_models_info_on_directory(mtk_run, tiny_marian: Path, tmp_path: Path) -> None:
    code, out, _ = mtk_run("models", "info", tiny_marian)
    assert code == 0 and "detected family: marian" in out
    for name in ("", str(tmp_path)):  # once printed nothing and exited 0
        code, out, err = mtk_run("models", "info", name)
        assert code == 3 and not out and "neither a catalog model nor a CTranslate2 model directory" in err
    # A folder without its SentencePiece model was reported as fine; mtk translate then failed on it.
    broken = tmp_path / "nospm"
    shutil.copytree(tiny_marian, broken)
    (broken / "source.spm").unlink()
    code, out, err = mtk_run("models", "info", broken)
    assert code == 3 and "detected family: marian" in out and "source.spm is missing" in err


def test_an_opus_mt_folder_without_tokenizer_config_is_checked_by_its_name(mtk_run, tiny_marian: Path,
                                                                          tmp_path: Path) -> None:
    # The reviewer's copy of a converted opus-mt-ar-en with no tokenizer_config.json translated Swahili, exit 0.
    model = tmp_path / "m" / "opus-mt-ar-en"
    shutil.copytree(tiny_marian, model)
    code, out, err = mtk_run("translate", SW_FILE, "--model", model)
    assert code == 2 and not out and "translates from ar, not 'sw'" in err
    code, out, _ = mtk_run("models", "info", model)
    assert code == 0 and "detected source languages: ar\n" in out
    code, out, _ = mtk_run("models", "info", tiny_marian)
    assert code == 0 and "detected source languages: unknown" in out
    # A name that says nothing: trusted, and said once however many articles it translates.
    code, _, err = mtk_run("translate", SW_FILE, AR_FILE,
                           "--model", tiny_marian, "--max-length", "4", "--no-cache")
    assert code == 0 and err.count("mtk: warning: cannot tell which language opus-mt-tiny translates from") == 1


def test_converting_a_ctranslate2_folder_says_it_is_one(mtk_run, tiny_marian: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    # It gave transformers' "Unrecognized model ... Should have a `model_type` key"; no converter is needed to say so.
    out_dir = tmp_path / "out"
    code, out, err = mtk_run("models", "convert", tiny_marian, "-o", out_dir)
    assert code == 3 and not out and err.strip() == (
        f"mtk: error: {tiny_marian} is already a CTranslate2 model (it has model.bin); use it as --model "
        f"{tiny_marian}, or see `mtk models info {tiny_marian}`")
    assert not out_dir.exists() and not list(tmp_path.glob(".out.*"))
    with pytest.raises(SystemExit):
        main(["models", "convert", "--help"])
    assert "a Hugging Face model id" in capsys.readouterr().out  # the positional argument had no help


def test_decoding_flags_reach_the_engine(mtk_run, tiny_marian: Path, tmp_path: Path) -> None:
    def words(*flags: object) -> list[int]:
        out = tmp_path / "out.jsonl"
        code, _, err = mtk_run("translate", SW_FILE, "--model", tiny_marian, "-o", out, "--format", "jsonl",
                               "--no-cache", "--beam", "1", *flags)
        assert code == 0, err
        recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        return [len(r["translation"].split()) for r in recs if "translation" in r]

    # Random weights babble up to the length limit, so a 3-token limit must shorten every sentence's output.
    assert max(words("--max-length", "3")) <= 3 < max(words("--max-length", "40"))
    out = tmp_path / "bad.txt"
    code, _, err = mtk_run("translate", SW_FILE, "--model", tiny_marian, "--beam", "0", "-o", out)
    assert code == 2 and "--beam must be at least 1" in err and not out.exists()
    # A huge beam held gigabytes inside one translation call, where Ctrl-C is not seen: refused before loading.
    code, _, err = mtk_run("translate", SW_FILE, "--model", tiny_marian, "--beam", "100000", "-o", out)
    assert code == 2 and "--beam must be at most 64, got 100000" in err and not out.exists()


def test_translate_jsonl_feeds_align_translations(mtk_run, tiny_nllb: Path, tmp_path: Path) -> None:
    # mtk translate's JSONL (sentence records of two articles, then a "dropped" record each) is what mtk align
    # --translations reads: the records of the article being aligned are picked by their "doc" field.
    translated = tmp_path / "tr.jsonl"
    code, _, err = mtk_run("translate", SW_FILE, AR_FILE, "--model", tiny_nllb, "-o", translated, "--format", "jsonl",
                           "--beam", "1", "--max-length", "8")
    assert code == 0, err
    expected = [r["translation"] for r in map(json.loads, translated.read_text(encoding="utf-8").splitlines())
                if r.get("doc") == SW_FILE.stem and "translation" in r]
    out = tmp_path / "a.jsonl"
    code, _, err = mtk_run("align", SW_FILE, ROOT / "seeds" / "003_644d7ec9ad0a14b6.txt", "--translations", translated,
                           "-o", out)
    assert code == 0, err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["translation"] for r in records if r["src"] is not None] == expected
    assert {r["mode"] for r in records} == {"translations"}
    # A file that holds other articles only says so.
    other = tmp_path / "other.jsonl"
    other.write_text("".join(line + "\n" for line in translated.read_text(encoding="utf-8").splitlines()
                             if json.loads(line).get("doc") == AR_FILE.stem), encoding="utf-8")
    other.write_text(other.read_text(encoding="utf-8") + json.dumps({"doc": "x", "translation": "y"}) + "\n",
                     encoding="utf-8")
    code, _, err = mtk_run("align", SW_FILE, ROOT / "seeds" / "003_644d7ec9ad0a14b6.txt", "--translations", other,
                           "-o", tmp_path / "b.jsonl")
    assert code == 2 and f"none of {SW_FILE.stem}" in err


def test_translate_jsonl_of_a_folder_feeds_align_auto(mtk_run, tiny_nllb: Path, tmp_path: Path) -> None:
    sources = sorted(p for p in (ROOT / "seeds").glob("00[012]_*.txt"))
    translated = tmp_path / "tr.jsonl"
    code, _, err = mtk_run("translate", *sources, "--model", tiny_nllb, "-o", translated, "--format", "jsonl",
                           "--beam", "1", "--max-length", "8")
    assert code == 0, err
    out = tmp_path / "a.jsonl"
    code, _, err = mtk_run("align", "--auto", ROOT / "seeds", "--translations", translated, "-o", out)
    assert code == 0, err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["mode"] for r in records} == {"translations"}
    assert all(isinstance(r["translation"], str) for r in records if r["src"] is not None)


@pytest.mark.parametrize(("flag", "value", "message"), [
    ("--no-repeat-ngram-size", "-3", "no-repeat-ngram-size must be 0 (off) or more"),
    ("--repetition-penalty", "0", "repetition-penalty must be a positive number"),
    ("--length-penalty", "nan", "length-penalty must be a finite number"),
])
def test_bad_decoding_options_are_usage_errors(flag: str, value: str, message: str, tiny_marian: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["translate", str(SW_FILE), "--model", str(tiny_marian), flag, value]) == 2
    assert message in capsys.readouterr().err


def test_an_output_folder_or_a_path_inside_a_file_fails_before_translating(tiny_marian: Path, tmp_path: Path,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["translate", str(SW_FILE), "--model", str(tiny_marian), "-o", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == f"mtk: error: cannot write {tmp_path}: it is a folder; give a file name"
    inside = tmp_path / "file.txt"
    inside.write_text("x\n", encoding="utf-8")
    assert main(["translate", str(SW_FILE), "--model", str(tiny_marian), "-o", str(inside / "out.txt")]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_an_unusable_mtk_home_translates_without_the_cache(tiny_marian: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home-is-a-file"
    home.write_text("x\n", encoding="utf-8")
    monkeypatch.setenv("MTK_HOME", str(home))
    assert main(["translate", str(SW_FILE), "--model", str(tiny_marian), "--max-length", "8"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() and "cannot use the translation cache" in err and "translating without it" in err


def test_a_broken_model_is_refused_before_any_article_is_read(tiny_marian: Path, tmp_path: Path, mtk_run) -> None:
    # Reading (or fetching) every article first made a broken --model fail only after that work.
    broken = tmp_path / "opus-mt-sw-en"
    shutil.copytree(tiny_marian, broken)
    whole = (broken / "model.bin").read_bytes()
    (broken / "model.bin").write_bytes(whole[: len(whole) // 2])
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    for model, message in ((broken, "model.bin is damaged"), (tmp_path / "nowhere", "does not exist"),
                           ("no-such-model", "unknown model 'no-such-model'")):
        code, out, err = mtk_run("translate", empty, "--model", model)
        assert code == 3 and not out and message in err and "empty" not in err.replace(str(empty), "")


def test_the_output_name_chooses_jsonl_and_a_contradicting_format_is_warned_about(tiny_marian: Path, tmp_path: Path,
                                                                                   mtk_run) -> None:
    # `-o out.jsonl` wrote plain text without a word.
    out = tmp_path / "out.jsonl"
    code, _, err = mtk_run("translate", SW_FILE, "--model", tiny_marian, "--max-length", "4", "-o", out)
    assert code == 0 and "is named like" not in err
    assert all("translation" in json.loads(line) or "dropped" in json.loads(line)
               for line in out.read_text(encoding="utf-8").splitlines())
    text = tmp_path / "out.txt"
    code, _, err = mtk_run("translate", SW_FILE, "--model", tiny_marian, "--max-length", "4", "-o", text,
                           "--format", "jsonl")
    assert code == 0 and f"mtk: warning: {text} is named like text, but jsonl is written (--format jsonl)" in err
    assert json.loads(text.read_text(encoding="utf-8").splitlines()[0])["translation"] is not None
