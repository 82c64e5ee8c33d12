"""`mtk evaluate`: two tiny models compared in one table; references that do not match are refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from eval.cli import main
from mt.loader import load_document

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_evaluate_two_models_prints_table(tmp_path: Path, tiny_marian: Path, tiny_marian_b: Path,
                                          capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MTK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    js, md = tmp_path / "cmp.json", tmp_path / "cmp.md"
    code = main(["evaluate", str(SEEDS), "--manifest", "--model", str(tiny_marian), "--model", str(tiny_marian_b),
                 "--max-length", "24", "--json", str(js), "--markdown", str(md), "--device", "cpu",
                 "--compute-type", "int8"])
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
    # Source facts are read from each system's translation: the counts behind each share are shown with it.
    table = md.read_text(encoding="utf-8")
    for row in result["models"]:
        assert f"{row['src_fact_coverage']:.3f} ({row['src_facts_found']}/{row['src_facts']})" in table
    if len({row["src_facts"] for row in result["models"]}) > 1:
        assert "rows count different facts (in brackets)" in table


def test_evaluate_refuses_mismatched_references(tmp_path: Path, tiny_marian: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"src": "This sentence is in no article.", "reference": "x"}) + "\n", encoding="utf-8")
    code = main(["evaluate", str(SEEDS), "--manifest", "--model", str(tiny_marian), "--references", str(refs)])
    # Not the line of a first run that prepares the encoder (a fresh MTK_HOME).
    *pairs, last = [line for line in capsys.readouterr().err.strip().splitlines()
                    if not line.startswith("mtk: preparing")]
    assert code == 2 and last.startswith("mtk: error:") and "does not match" in last
    assert len(pairs) == 3 and all(line.startswith("mtk: pair ") for line in pairs)  # before: only what was paired


def test_evaluate_needs_english(tmp_path: Path, tiny_marian: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text((SEEDS / "001_1a95481d527c8dce.txt").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["evaluate", str(tmp_path), "--model", str(tiny_marian)]) == 2
    assert "no English article" in capsys.readouterr().err


@pytest.fixture()
def ar_only_marian(tiny_marian: Path, tmp_path: Path) -> Path:
    """The tiny Marian model declared as an Arabic-English pair (as opus-mt-ar-en's tokenizer config says)."""
    import shutil

    model = tmp_path / "opus-mt-ar-en"
    shutil.copytree(tiny_marian, model)
    (model / "tokenizer_config.json").write_text('{"source_lang": "ar", "target_lang": "en"}', encoding="utf-8")
    return model


@pytest.fixture()
def ar_named_marian(tiny_marian: Path, tmp_path: Path) -> Path:
    """The tiny Marian model in a folder named opus-mt-ar-en with no tokenizer_config.json (plain ct2 conversion)."""
    model = tmp_path / "opus-mt-ar-en"
    shutil.copytree(tiny_marian, model)
    return model


@pytest.mark.parametrize("fixture", ["ar_only_marian", "ar_named_marian"])
def test_a_pair_model_is_scored_on_the_articles_of_its_language(fixture: str, request: pytest.FixtureRequest,
                                                                 tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # The README's example: opus-mt-ar-en on the seed folder, which also holds a Swahili article. Known by its name
    # alone, it was scored on all three (the Swahili one translated as if Arabic).
    ar_only_marian = request.getfixturevalue(fixture)
    js, md = tmp_path / "cmp.json", tmp_path / "cmp.md"
    assert main(["evaluate", str(SEEDS), "--manifest", "--model", str(ar_only_marian), "--max-length", "16",
                 "--json", str(js), "--markdown", str(md)]) == 0
    out, err = capsys.readouterr()
    assert "does not translate sw: it is scored on its 2 of 3 articles" in err
    # Said with the table too, which is read without the run's stderr.
    row = json.loads(js.read_text(encoding="utf-8"))["models"][0]
    note = f"{row['model']} translated 2 of the 3 source articles (the others are in a language it does not translate)"
    assert note in md.read_text(encoding="utf-8") and note in " ".join(out.split())
    arabic = ("001_1a95481d527c8dce", "002_c72093ee3c81bb2f")
    assert row["sentences"] == sum(len(load_document(str(SEEDS / f"{d}.txt")).sentences) for d in arabic)


@pytest.mark.parametrize("presplit", [False, True])
def test_references_for_the_whole_folder_score_a_model_of_one_language(presplit: bool, ar_only_marian: Path,
                                                                        tiny_marian: Path, tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    # References for every source sentence; opus-mt-ar-en translates only the Arabic ones. It used to fail after
    # translating ("does not match any input sentence"), so NLLB and OPUS-MT could not be compared on references.
    from eval.corpus import load_corpus

    sources = [s for d in load_corpus(SEEDS, use_manifest=True).sources for s in d.texts]  # folder order
    refs = tmp_path / ("refs.txt" if presplit else "refs.jsonl")
    refs.write_text("".join((f"Reference {k}." if presplit else json.dumps({"src": s, "reference": f"Reference {k}."}))
                            + "\n" for k, s in enumerate(sources)), encoding="utf-8")
    js = tmp_path / "cmp.json"
    args = ["evaluate", str(SEEDS), "--manifest", "--model", str(ar_only_marian), "--model", str(tiny_marian),
            "--max-length", "8", "--references", str(refs), "--json", str(js)] + (["--presplit"] if presplit else [])
    assert main(args) == 0, capsys.readouterr().err
    rows = json.loads(js.read_text(encoding="utf-8"))["models"]
    arabic = sum(len(load_document(str(SEEDS / f"{d}.txt")).sentences)
                 for d in ("001_1a95481d527c8dce", "002_c72093ee3c81bb2f"))
    assert [(r["scored_sentences"], r["references_given"]) for r in rows] == [(arabic, len(sources)),
                                                                              (len(sources), len(sources))]
    assert all(r["quality_against"] == "reference translation" and r["chrF"] is not None for r in rows)
    assert f"{arabic}/{len(sources)}" in capsys.readouterr().out


def test_a_pair_model_in_run_leaves_other_languages_cross_lingual(ar_only_marian: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["run", str(SEEDS), "-o", str(out), "--manifest", "--model", str(ar_only_marian),
                 "--max-length", "16"]) == 0
    assert "some sources were not translated (model opus-mt-ar-en does not translate sw)" in capsys.readouterr().err
    pairs = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["pairs"]
    modes = {p["coverage"]["src_doc"].split("_")[0]: p["mode"] for p in pairs}
    assert modes == {"000": "no-mt", "001": "mt", "002": "mt"}


def test_unwritable_outputs_and_a_zero_max_length_fail_before_any_model_runs(tiny_marian: Path, tmp_path: Path,
                                                                             capsys: pytest.CaptureFixture[str]
                                                                             ) -> None:
    assert main(["evaluate", str(SEEDS), "--model", str(tiny_marian), "--json", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == f"mtk: error: cannot write {tmp_path}: it is a folder; give a file name"
    # A table written over one of the run's inputs (an article, the manifest) would destroy it: refused first.
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    for option, name in (("--markdown", "003_644d7ec9ad0a14b6.txt"), ("--json", "manifest.json")):
        assert main(["evaluate", str(folder), "--model", str(tiny_marian), option, str(folder / name)]) == 2
        assert f"mtk: error: {option} {folder / name} is also an input file" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    # One file for both tables: the second write would replace the first.
    both = tmp_path / "table.out"
    assert main(["evaluate", str(SEEDS), "--model", str(tiny_marian), "--json", str(both), "--markdown",
                 str(tmp_path / "." / "table.out")]) == 2
    assert capsys.readouterr().err.strip().endswith("table.out; give two files") and not both.exists()
    with pytest.raises(SystemExit) as stop:
        main(["evaluate", str(SEEDS), "--model", str(tiny_marian), "--max-length", "0"])
    assert stop.value.code == 2 and "--max-length: must be at least 1, got 0" in capsys.readouterr().err


def test_rows_with_the_same_model_name_are_told_apart_by_path() -> None:
    from eval.compare import _distinct_names

    rows = [{"model": "model", "path": "x1/model"}, {"model": "model", "path": "x2/model"},
            {"model": "nllb", "path": "m/nllb"}]
    _distinct_names(rows)
    assert [r["model"] for r in rows] == ["model (x1/model)", "model (x2/model)", "nllb"]
    # Long paths that share a prefix: the table cut both to the same text; the differing ends tell them apart.
    rows = [{"model": "same", "path": "/tmp/a-long/shared/prefix/a/same"},
            {"model": "same", "path": "/tmp/a-long/shared/prefix/b/same"}]
    _distinct_names(rows)
    assert [r["model"] for r in rows] == ["same (a/same)", "same (b/same)"]


def test_the_table_prints_names_as_text_not_markup() -> None:
    import io

    from eval.compare import print_table

    row = {"model": "deepl[v2]", "path": "x/deepl[v2]", "signatures": {}, "peak_rss_mib": None}
    out = io.StringIO()
    # "a[/b]" raised rich's MarkupError after the whole evaluation; "[v2]" vanished as an unknown style.
    print_table({"input": "a[/b]", "models": [row, {**row, "model": "deepl[bold]"}]}, file=out)
    assert "a[/b]" in out.getvalue() and "deepl[v2]" in out.getvalue() and "deepl[bold]" in out.getvalue()


def test_one_model_folder_written_three_ways_is_one_row(tmp_path: Path) -> None:
    from eval.compare import _distinct

    (tmp_path / "a" / "same").mkdir(parents=True)
    spellings = [str(tmp_path / "a" / "same"), str(tmp_path / "a" / "same") + "/", str(tmp_path / "a/../a/same")]
    assert _distinct([*spellings, "nllb-200-distilled-600M", "nllb-200-distilled-600M"]) == [
        spellings[0], "nllb-200-distilled-600M"]


@pytest.mark.parametrize("damage", ["source.spm", "model.bin"])
def test_a_broken_model_fails_before_any_model_translates(damage: str, tiny_marian: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from eval import compare

    broken = tmp_path / "broken"
    shutil.copytree(tiny_marian, broken)
    (broken / damage).unlink()
    started: list[str] = []
    real = compare.translate_in_subprocess
    monkeypatch.setattr(compare, "translate_in_subprocess", lambda model, *a, **k: (started.append(model),
                                                                                     real(model, *a, **k))[1])
    assert main(["evaluate", str(SEEDS), "--manifest", "--model", str(tiny_marian), "--model", str(broken)]) == 3
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("mtk: error:") and str(broken) in err and started == []


def test_evaluate_takes_a_comet_model_and_checks_it_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # --comet-model existed on run only: a comparison of models could not carry a CometKiwi column.
    systems = tmp_path / "human"
    systems.mkdir()
    code = main(["evaluate", str(SEEDS), "--translations", str(systems), "--comet-model", str(tmp_path / "none")])
    err = capsys.readouterr().err.strip()
    assert code == 3 and "\n" not in err and ("needs unbabel-comet" in err or "COMET model not found" in err)


def test_the_comet_column_shows_only_when_measured() -> None:
    import io

    from eval.compare import markdown_table, print_table

    row = {"model": "m", "path": "m", "signatures": {}, "peak_rss_mib": None, "comet": None}
    result = {"input": "seeds", "models": [row]}
    assert "CometKiwi" not in markdown_table(result)
    result["models"].append({**row, "model": "n", "comet": 0.8123})
    table = markdown_table(result)
    assert "| CometKiwi |" in table.splitlines()[0] and "| 0.812 |" in table
    out = io.StringIO()
    print_table(result, file=out)
    assert "CometKiwi" in out.getvalue()


def test_run_and_evaluate_check_the_device_and_compute_type_first(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # --device and --compute-type existed on translate and align only; run and evaluate now take them, checked as
    # usage errors before the folder is read.
    import ctranslate2

    out = tmp_path / "out"
    assert main(["run", str(SEEDS), "-o", str(out), "--compute-type", "int3"]) == 2
    assert "unknown compute type 'int3'" in capsys.readouterr().err
    assert main(["evaluate", str(SEEDS), "--model", "x", "--compute-type", "int3"]) == 2
    # Also when nothing is translated here: mtk run --no-mt accepted any --compute-type where mtk align refused it.
    capsys.readouterr()
    assert main(["run", str(SEEDS), "-o", str(out), "--no-mt", "--compute-type", "int3"]) == 2
    assert "unknown compute type 'int3'" in capsys.readouterr().err
    assert main(["evaluate", str(SEEDS), "--translations", str(SEEDS), "--compute-type", "int3"]) == 2
    assert "unknown compute type 'int3'" in capsys.readouterr().err
    # mtk align took any --device and no --compute-type: "--device bogus --no-mt" ran and exited 0.
    pair = [str(SEEDS / "000_c34c121e1dd8a5b8.txt"), str(SEEDS / "003_644d7ec9ad0a14b6.txt"), "-o", str(out)]
    assert main(["align", *pair, "--compute-type", "int3"]) == 2
    assert "unknown compute type 'int3'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["align", *pair, "--no-mt", "--device", "bogus"])
    assert exit_.value.code == 2 and "invalid choice: 'bogus'" in capsys.readouterr().err
    if ctranslate2.get_cuda_device_count() == 0:
        assert main(["run", str(SEEDS), "-o", str(out), "--device", "cuda"]) == 2
        assert "--device cuda: CTranslate2 sees no CUDA GPU here" in capsys.readouterr().err
    assert not out.exists()


def test_a_reference_for_an_unpaired_article_says_it_is_unpaired(tiny_marian: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # It said "does not match any input sentence", though the sentence is in the folder: its article is in no pair.
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    (folder / "manifest.json").write_text(json.dumps({"articles": [
        {"file": "000_c34c121e1dd8a5b8.txt", "same_event_as": "003_644d7ec9ad0a14b6.txt"}]}), encoding="utf-8")
    unpaired = load_document(str(SEEDS / "002_c72093ee3c81bb2f.txt")).texts[0]
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"src": unpaired, "reference": "A reference."}) + "\n", encoding="utf-8")
    assert main(["evaluate", str(folder), "--manifest", "--model", str(tiny_marian), "--references", str(refs)]) == 2
    err = capsys.readouterr().err
    assert f"{refs}:1: this reference is for a sentence of 002_c72093ee3c81bb2f, which is in no pair (" in err
