"""Translations made elsewhere (`mtk run/evaluate --translations DIR`) are aligned and scored like a model's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from align.synthetic import SHARED_DIR
from eval.cli import main

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
GOLD = SHARED_DIR / "gold"
SRC_ID = "000_c34c121e1dd8a5b8"
pytestmark = pytest.mark.skipif(not (GOLD / "references.json").is_file(), reason="gold data not present")


@pytest.fixture
def folder_and_system(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A folder with the seed pair 000/003, a 'system' folder holding the gold references of 000 written as an
    article, and those references as a references file."""
    folder, system = tmp_path / "articles", tmp_path / "human"
    folder.mkdir()
    system.mkdir()
    for name in (f"{SRC_ID}.txt", "003_644d7ec9ad0a14b6.txt"):
        shutil.copy(SEEDS / name, folder / name)
    refs = json.loads((GOLD / "references.json").read_text(encoding="utf-8"))[SRC_ID]
    sentences = {s["id"]: s["text"] for s in json.loads((GOLD / "sentences.json").read_text(encoding="utf-8"))[SRC_ID]}
    (system / f"{SRC_ID}.txt").write_text("\n\n".join(r["reference"] for r in refs) + "\n", encoding="utf-8")
    references = tmp_path / "refs.jsonl"
    references.write_text("".join(json.dumps({"src": sentences[r["id"]], "reference": r["reference"]},
                                             ensure_ascii=False) + "\n" for r in refs), encoding="utf-8")
    return folder, system, references


def test_evaluate_scores_a_folder_of_translations_like_a_model(folder_and_system: tuple[Path, Path, Path],
                                                               tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    folder, system, references = folder_and_system
    js = tmp_path / "cmp.json"
    assert main(["evaluate", str(folder), "--translations", str(system), "--references", str(references),
                 "--json", str(js)]) == 0
    out, err = capsys.readouterr()
    assert "human" in out and "read as a translated article" in err
    row = json.loads(js.read_text(encoding="utf-8"))["models"][0]
    # The references scored against themselves: the article was matched back to the right sentences.
    assert row["model"] == "human" and row["BLEU"] == 100.0 and row["chrF"] == 100.0
    assert row["chrF++"] == 100.0 and row["TER"] == 0.0  # all four of sacrebleu's scores, as the README says
    assert "TER signature: nrefs:1" in out and "memory:" not in out  # no model ran: no memory was measured
    assert row["quality_against"] == "reference translation"
    # Translated elsewhere: speed, size and memory were not measured here.
    assert row["sentences_per_s"] is None and row["size_mib"] is None and row["peak_rss_mib"] is None


def test_run_uses_the_translations_and_says_where_they_came_from(folder_and_system: tuple[Path, Path, Path],
                                                                 tmp_path: Path) -> None:
    folder, system, _ = folder_and_system
    out = tmp_path / "out"
    assert main(["run", str(folder), "-o", str(out), "--translations", str(system)]) == 0
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["mode"] == "translations" and metrics["model"] == "human"
    assert metrics["translation_quality"]["measured"] and metrics["timing"]["translate_s"] is None
    records = [json.loads(line) for line in (out / "translations.jsonl").read_text(encoding="utf-8").splitlines()]
    assert records[0]["translation"].startswith("Morocco and Israel want to expand")
    assert all(r["model"] == "human" for r in records)


@pytest.mark.parametrize("output", ["translations", "translations.jsonl"])
def test_a_runs_translations_can_be_scored_again(output: str, folder_and_system: tuple[Path, Path, Path],
                                                 tmp_path: Path) -> None:
    # translations/<doc_id>.txt has one line per segmented sentence; translations.jsonl names each record's article.
    folder, system, references = folder_and_system
    out = tmp_path / "out"
    assert main(["run", str(folder), "-o", str(out), "--translations", str(system)]) == 0
    js = tmp_path / "cmp.json"
    assert main(["evaluate", str(folder), "--translations", str(out / output), "--references",
                 str(references), "--json", str(js)]) == 0
    row = json.loads(js.read_text(encoding="utf-8"))["models"][0]
    assert row["model"] == output and row["BLEU"] == 100.0


def test_align_auto_takes_a_folder_of_translations(folder_and_system: tuple[Path, Path, Path], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    folder, system, _ = folder_and_system
    out = tmp_path / "a.jsonl"
    assert main(["align", "--auto", str(folder), "--translations", str(system), "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    translated = [r["translation"] for r in records if r["src"] is not None]
    assert translated[0].startswith("Morocco and Israel want to expand") and all(translated)
    assert "(translations)" in capsys.readouterr().err
    # One file cannot translate every article of a folder.
    single = system / f"{SRC_ID}.txt"
    assert main(["align", "--auto", str(folder), "--translations", str(single), "-o", str(out)]) == 2
    assert "one text file cannot translate several articles" in capsys.readouterr().err


def test_a_runs_translations_jsonl_feeds_align_auto(folder_and_system: tuple[Path, Path, Path], tmp_path: Path) -> None:
    folder, system, _ = folder_and_system
    out = tmp_path / "out"
    assert main(["run", str(folder), "-o", str(out), "--translations", str(system)]) == 0
    aligned = tmp_path / "a.jsonl"
    # translations.jsonl names each record's article by "doc_id".
    assert main(["align", "--auto", str(folder), "--translations", str(out / "translations.jsonl"),
                 "-o", str(aligned)]) == 0
    records = [json.loads(line) for line in aligned.read_text(encoding="utf-8").splitlines()]
    assert next(r["translation"] for r in records if r["src"] is not None).startswith("Morocco and Israel want")


def test_an_alignments_jsonl_gives_its_translations_back(folder_and_system: tuple[Path, Path, Path],
                                                         tmp_path: Path) -> None:
    folder, system, _ = folder_and_system
    src, en = folder / f"{SRC_ID}.txt", folder / "003_644d7ec9ad0a14b6.txt"
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    assert main(["align", str(src), str(en), "--translations", str(system / f"{SRC_ID}.txt"), "-o", str(first)]) == 0
    # Re-aligning (another threshold, say) reuses the translations: English-only records (src null) are skipped.
    assert main(["align", str(src), str(en), "--translations", str(first), "--threshold", "1.05",
                 "-o", str(second)]) == 0

    def translations(path: Path) -> list[str]:
        return [r["translation"] for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())
                if r["src"] is not None]

    assert translations(second) == translations(first)


def test_one_file_for_several_articles_must_name_them(folder_and_system: tuple[Path, Path, Path], tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    folder, system, _ = folder_and_system
    first = tmp_path / "first"
    assert main(["run", str(folder), "-o", str(first), "--translations", str(system)]) == 0
    # Records that name no article cannot be shared out among several.
    anonymous = tmp_path / "anonymous.jsonl"
    anonymous.write_text("".join(json.dumps({"translation": r["translation"]}) + "\n" for r in map(
        json.loads, (first / "translations.jsonl").read_text(encoding="utf-8").splitlines())), encoding="utf-8")
    capsys.readouterr()
    assert main(["run", str(folder), "-o", str(tmp_path / "second"), "--translations", str(anonymous)]) == 2
    assert f"holds no records with 'doc' (or 'doc_id', 'src_doc') {SRC_ID}" in capsys.readouterr().err


def test_every_missing_translation_file_is_named_at_once(tmp_path: Path, seed_folder: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    folder = seed_folder
    translations = tmp_path / "tr"
    translations.mkdir()
    (translations / "000_c34c121e1dd8a5b8.txt").write_text("Morocco and Israel expand cooperation.\n", encoding="utf-8")
    for argv in (["run", str(folder), "-o", str(tmp_path / "out"), "--translations", str(translations)],
                 ["align", "--auto", str(folder), "-o", str(tmp_path / "a.jsonl"), "--translations", str(translations)]):
        assert main(argv) == 2
        last = capsys.readouterr().err.strip().splitlines()[-1]
        assert last == (f"mtk: error: --translations {translations}: no translation of 2 article(s): "
                        "001_1a95481d527c8dce, 002_c72093ee3c81bb2f (expected <article>.jsonl or <article>.txt or "
                        "<article>.en.txt)"), last
    assert not (tmp_path / "out").exists() and not (tmp_path / "a.jsonl").exists()


def test_a_mistyped_translations_path_fails_before_pairing(tmp_path: Path, seed_folder: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    # Pairing a large folder and preparing the encoder take a while: a path that is not there is said first.
    def too_late(*args: object, **kwargs: object) -> None:
        raise AssertionError("the folder was read before the --translations path was checked")

    monkeypatch.setattr("eval.corpus.load_corpus", too_late)
    monkeypatch.setattr("eval.pipeline.load_corpus", too_late)
    monkeypatch.setattr("align.cli.get_encoder", too_late)
    absent = tmp_path / "nowhere"
    for argv in (["run", str(seed_folder), "-o", str(tmp_path / "out"), "--translations", str(absent)],
                 ["evaluate", str(seed_folder), "--translations", str(absent)],
                 ["align", "--auto", str(seed_folder), "-o", str(tmp_path / "a.jsonl"), "--translations", str(absent)],
                 ["align", str(seed_folder / f"{SRC_ID}.txt"), str(seed_folder / "003_644d7ec9ad0a14b6.txt"),
                  "--translations", str(absent)]):
        assert main(argv) == 2
        assert capsys.readouterr().err.strip() == f"mtk: error: --translations {absent}: no such file or folder"
    assert not (tmp_path / "out").exists() and not (tmp_path / "a.jsonl").exists()


def test_each_sentence_score_says_which_sentence_it_is(folder_and_system: tuple[Path, Path, Path],
                                                       tmp_path: Path) -> None:
    folder, system, references = folder_and_system
    out = tmp_path / "out"
    assert main(["run", str(folder), "-o", str(out), "--translations", str(system),
                 "--references", str(references)]) == 0
    scored = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["translation_quality"]["reference"]
    # 13 sentence scores with nothing to tell which sentence each belonged to.
    assert len(scored["sentences"]) == 13 and {s["doc"] for s in scored["sentences"]} == {SRC_ID}
    assert [s["id"] for s in scored["sentences"]] == sorted(s["id"] for s in scored["sentences"])
    assert all(s["BLEU"] == 100 for s in scored["sentences"])


def test_sentences_a_translated_article_leaves_out_are_not_scored(folder_and_system: tuple[Path, Path, Path],
                                                                  tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # A file that translates only the first sentences: the rest were aligned cross-lingually, so scoring them as
    # empty translations would blame the system for lines missing from a file.
    folder, system, references = folder_and_system
    article = system / f"{SRC_ID}.txt"
    paragraphs = article.read_text(encoding="utf-8").split("\n\n")
    article.write_text("\n\n".join(paragraphs[:8]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(folder), "-o", str(out), "--translations", str(system), "--references",
                 str(references)]) == 0
    assert "8 of 13 source sentences found their translation" in capsys.readouterr().err
    quality = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["translation_quality"]
    assert quality["reference"]["scores"]["BLEU"] == 100.0  # only the sentences it translated: the references
    assert quality["reference"]["n"] == 8 and quality["reference"]["untranslated"] == 5
    assert quality["pseudo_reference"]["untranslated"] >= 1
    records = [json.loads(line) for line in (out / "alignments.jsonl").read_text(encoding="utf-8").splitlines()]
    left_out = [r for r in records if r["src"] is not None and r["translation"] is None]
    assert len(left_out) == 5 and {r["mode"] for r in left_out} == {"no-mt"}
    import xml.etree.ElementTree as ET

    units = ET.parse(out / "corpus.tmx").getroot().iter("tu")
    modes = {tuple(int(i) for i in props["x-src-ids"].split(",")): props["x-mode"]
             for props in ({p.get("type"): p.text for p in tu.iter("prop")} for tu in units)
             if props["x-src-doc"] == SRC_ID}
    gaps = {r["src_id"] for r in left_out}
    assert modes and all(mode == ("no-mt" if set(ids) <= gaps else "translations") for ids, mode in modes.items())
    report = (out / "report.html").read_text(encoding="utf-8")
    assert report.count("no translation: aligned cross-lingually") == 5
    assert "5 sentence(s) that would be scored have no translation" in report
    # The "Waziri wa Ulinzi" of a sentence left untranslated is a title spelling cannot check, as without MT.
    facts = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["pairs"][0]["facts"]
    assert ("Waziri wa Ulinzi", "unchecked") in [(f["value"], f["status"]) for f in facts["src"]]
    # Those records read back as "no translation" (null), as blank lines would.
    again = tmp_path / "again.jsonl"
    assert main(["align", str(folder / f"{SRC_ID}.txt"), str(folder / "003_644d7ec9ad0a14b6.txt"),
                 "--translations", str(out / "alignments.jsonl"), "-o", str(again)]) == 0
    back = [json.loads(line) for line in again.read_text(encoding="utf-8").splitlines()]
    assert [r["translation"] for r in back if r["src"] is not None] == [r["translation"] for r in records
                                                                       if r["src"] is not None]


def test_a_translation_named_after_the_wrong_article_is_refused(folder_and_system: tuple[Path, Path, Path],
                                                                tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    # Both articles report Morocco-Israel defence ties, so the misnamed file still finds counterparts in 002.
    folder, system, _ = folder_and_system
    for name in ("002_c72093ee3c81bb2f.txt", "004_12f480076838e1d3.txt"):
        shutil.copy(SEEDS / name, folder / name)
    shutil.copy(system / f"{SRC_ID}.txt", system / "002_c72093ee3c81bb2f.txt")
    for command in (["run", str(folder), "-o", str(tmp_path / "out")], ["align", "--auto", str(folder)]):
        assert main([*command, "--translations", str(system)]) == 2
        err = capsys.readouterr().err.strip().splitlines()[-1]
        assert err.startswith(f"mtk: error: {system / '002_c72093ee3c81bb2f.txt'}: reads as a translation of "
                              f"{SRC_ID}, not of 002_c72093ee3c81bb2f (its sentences are closer to {SRC_ID}'s: ")
    assert not (tmp_path / "out").exists()


def test_two_files_for_one_article_are_refused(folder_and_system: tuple[Path, Path, Path], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    folder, system, _ = folder_and_system
    (system / f"{SRC_ID}.en.txt").write_text("Morocco and Israel.\n", encoding="utf-8")
    assert main(["run", str(folder), "-o", str(tmp_path / "out"), "--translations", str(system)]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"mtk: error: --translations {system}: {SRC_ID}.txt and {SRC_ID}.en.txt both translate {SRC_ID}; keep one")
