"""`mtk run` end to end on the seed articles: with a tiny model, and in cross-lingual mode (--no-mt)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from align.export import TSV_COLUMNS
from eval.cli import main
from eval.corpus import load_corpus

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An empty MTK_HOME and no network for every run of this module."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MTK_HOME", str(home))
        mp.setenv("HF_HUB_OFFLINE", "1")
        yield home


@pytest.fixture(scope="module")
def mt_run(isolated_home: Path, tmp_path_factory: pytest.TempPathFactory, tiny_marian: Path) -> Path:
    """OUT of `mtk run seeds -o OUT --model tiny_marian`."""
    out = tmp_path_factory.mktemp("run_mt") / "out"
    assert main(["run", str(SEEDS), "-o", str(out), "--model", str(tiny_marian), "--offline",
                 "--max-length", "24"]) == 0  # random weights babble: keep their output short to embed fast
    return out


@pytest.fixture(scope="module")
def nomt_run(isolated_home: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """OUT of `mtk run seeds -o OUT --no-mt --manifest` and what it said on stderr."""
    import contextlib
    import io

    out = tmp_path_factory.mktemp("run_nomt") / "out"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["run", str(SEEDS), "-o", str(out), "--no-mt", "--manifest"]) == 0
    return out, err.getvalue()


def _check_common(out: Path) -> dict:
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    records = [json.loads(line) for line in (out / "alignments.jsonl").read_text(encoding="utf-8").splitlines()]
    assert records and all("src_doc" in r and "tgt" in r for r in records)
    tsv = (out / "corpus.tsv").read_text(encoding="utf-8").splitlines()
    assert all(len(line.split("\t")) == len(TSV_COLUMNS) for line in tsv)
    ET.parse(out / "corpus.tmx")  # well-formed XML
    # align.export writes one line-aligned pair of files per language pair: corpus.sw-en.sw + corpus.sw-en.en.
    moses = sorted(p.name for p in (out / "moses").iterdir())
    assert {"corpus.sw-en.sw", "corpus.sw-en.en", "corpus.ar-en.ar", "corpus.ar-en.en"} <= set(moses)
    for lang in ("sw", "ar"):
        counts = {len((out / "moses" / f"corpus.{lang}-en.{x}").read_text(encoding="utf-8").splitlines())
                  for x in (lang, "en")}
        assert len(counts) == 1
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count('<section class="pair"') == len(metrics["pairs"]) == 3
    # What cleaning removed is listed with its reason (seed 000 loses its "Matangazo ya kibiashara" advert line).
    assert page.count("Removed by cleaning:") == 3
    assert '<span class="reason">advertisement</span> Matangazo ya kibiashara' in page
    assert not list(out.rglob("*.part"))  # no temporary file left behind
    return metrics


def test_mt_run_writes_every_output(mt_run: Path) -> None:
    metrics = _check_common(mt_run)
    assert metrics["mode"] == "mt" and metrics["translation_quality"]["measured"]
    pseudo = metrics["translation_quality"]["pseudo_reference"]
    assert pseudo["label"] == "pseudo-reference (aligned English, not a translation)"
    assert set(pseudo["signatures"]) == {"BLEU", "chrF", "chrF++", "TER"}
    lines = [json.loads(x) for x in (mt_run / "translations.jsonl").read_text(encoding="utf-8").splitlines()]
    docs = {r["doc_id"] for r in lines}
    assert len(docs) == 3 and all(isinstance(r["translation"], str) for r in lines)
    for doc in docs:
        n = sum(r["doc_id"] == doc for r in lines)
        assert len((mt_run / "translations" / f"{doc}.txt").read_text(encoding="utf-8").splitlines()) == n
    pairs = {(p["coverage"]["src_doc"][:3], p["coverage"]["tgt_doc"][:3]) for p in metrics["pairs"]}
    assert pairs == {("000", "003"), ("001", "003"), ("002", "004")}


def test_no_mt_run_says_quality_not_measured(nomt_run: tuple[Path, str]) -> None:
    out, stderr = nomt_run
    metrics = _check_common(out)
    assert metrics["mode"] == "no-mt" and not metrics["translation_quality"]["measured"]
    assert "not measured" in metrics["translation_quality"]["note"]
    assert "not measured" in stderr
    assert "source facts found in English (numbers, dates and countries only for Arabic" in stderr
    assert "translation quality was not measured" in (out / "report.html").read_text(encoding="utf-8")
    assert not (out / "translations.jsonl").exists()
    # Nothing was translated, so there is no translation speed (once: millions of sentences a second).
    assert metrics["timing"]["translate_s"] is None and metrics["timing"]["sentences_per_s"] is None
    for p in metrics["pairs"]:
        assert p["coverage"]["src_sentences"] > 0 and p["facts"]["src"]
        assert all(r["status"] in ("found", "missing", "unchecked") and r["sentence_text"] for r in p["facts"]["src"])
        # Only Swahili's titles in everyday words go unchecked; Arabic source facts (numbers, dates) are all checked.
        unchecked = {r["value"] for r in p["facts"]["src"] if r["status"] == "unchecked"}
        assert unchecked == ({"Mkurugenzi wa Ofisi ya Masuala ya Kisiasa", "Waziri wa Ulinzi"}
                             if p["facts"]["src_doc"].startswith("000") else set())
        assert p["facts"]["src_unchecked"] == len(unchecked)


def test_run_totals_count_a_shared_english_article_once(nomt_run: tuple[Path, str]) -> None:
    metrics = json.loads((nomt_run[0] / "metrics.json").read_text(encoding="utf-8"))
    english = [d for d in metrics["documents"] if d["lang"] == "en"]
    # 003 is the partner of both 000 and 001: summing the pairs counted its sentences twice.
    assert sum(p["coverage"]["tgt_sentences"] for p in metrics["pairs"]) > sum(d["sentences"] for d in english)
    totals = metrics["totals"]
    assert totals["tgt_sentences"] == sum(d["sentences"] for d in english)
    covered = {(p["coverage"]["tgt_doc"], k) for p in metrics["pairs"] for k in range(p["coverage"]["tgt_covered"])}
    assert max(p["coverage"]["tgt_covered"] for p in metrics["pairs"]) <= totals["tgt_covered"] <= len(covered)
    settings = metrics["settings"]
    assert settings["threshold"] == 1.01 and settings["encoder"] == "e5-small:ct2-int8:split8" and settings["mtk_version"]
    assert settings["pairing"] == "manifest" and settings["pair_threshold"] is None
    assert "link threshold: 1.01 · pairing: manifest · encoder" in (nomt_run[0] / "report.html").read_text(
        encoding="utf-8")
    # Arabic without a translation has its numbers and dates checked, not its names: said wherever counts appear.
    assert [p["facts"]["src_names_checked"] for p in metrics["pairs"]] == [True, False, False]
    assert "Numbers, dates and countries only: other names in Arabic script" in (nomt_run[0] / "report.html").read_text(encoding="utf-8")


def test_run_threshold_keeps_fewer_surer_links(nomt_run: tuple[Path, str], isolated_home: Path,
                                               tmp_path: Path) -> None:
    out = tmp_path / "strict"
    assert main(["run", str(SEEDS), "-o", str(out), "--no-mt", "--manifest", "--threshold", "1.05"]) == 0
    default = json.loads((nomt_run[0] / "metrics.json").read_text(encoding="utf-8"))["totals"]
    strict = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["totals"]
    assert 0 < strict["src_aligned"] < default["src_aligned"]
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8"))["settings"]["threshold"] == 1.05


def test_pair_threshold_decides_which_articles_are_compared(tmp_path: Path, seed_folder: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    # The seed pairs score 1.033 (000-003), about 1.017 (001-003) and 1.006 (002-004): 1.025 keeps the first only.
    corpus = load_corpus(seed_folder, pair_threshold=1.025)
    assert [(s.doc_id[:3], t.doc_id[:3]) for s, t, _ in corpus.pairs] == [("000", "003")]
    assert sorted(d[:3] for d in corpus.unpaired) == ["001", "002", "004"]
    assert all("pairs need 1.025" in why for why in corpus.unpaired.values())
    capsys.readouterr()
    # Given to mtk run with --manifest it would do nothing; said, not ignored.
    assert main(["run", str(seed_folder), "-o", str(tmp_path / "o"), "--no-mt", "--manifest",
                 "--pair-threshold", "1.02"]) == 2
    assert capsys.readouterr().err.strip() == ("mtk: error: --pair-threshold applies to pairing by content; "
                                               "with --manifest the manifest pairs them")
    assert not (tmp_path / "o").exists()
    # Said first, not after "give at least one --model".
    assert main(["evaluate", str(seed_folder), "--manifest", "--pair-threshold", "1.02"]) == 2
    assert capsys.readouterr().err.strip().startswith("mtk: error: --pair-threshold applies to pairing by content")
    with pytest.raises(SystemExit) as stop:
        main(["evaluate", str(seed_folder), "--pair-threshold", "5", "--translations", str(tmp_path)])
    assert stop.value.code == 2
    assert "outside 0.9-1.5" in capsys.readouterr().err


def test_bad_inputs_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_home: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["run", str(empty), "-o", str(tmp_path / "o1"), "--no-mt"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("mtk: error:") and "\n" not in err
    only_sw = tmp_path / "only_sw"
    only_sw.mkdir()
    (only_sw / "a.txt").write_text((SEEDS / "000_c34c121e1dd8a5b8.txt").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["run", str(only_sw), "-o", str(tmp_path / "o2"), "--no-mt"]) == 2
    err = capsys.readouterr().err.strip()
    assert "no English article" in err and "\n" not in err
    assert not (tmp_path / "o1").exists() and not (tmp_path / "o2").exists()


def test_a_broken_model_or_a_lone_word_model_fails_before_the_folder_is_read(tmp_path: Path, tiny_marian: Path,
                                                                             capsys: pytest.CaptureFixture[str],
                                                                             isolated_home: Path) -> None:
    import shutil

    broken = tmp_path / "opus-mt-sw-en"
    shutil.copytree(tiny_marian, broken)
    (broken / "model.bin").write_bytes((broken / "model.bin").read_bytes()[:1000])
    empty = tmp_path / "empty"  # reading it would fail: the model's error must come first
    empty.mkdir()
    assert main(["run", str(empty), "-o", str(tmp_path / "o"), "--model", str(broken)]) == 3
    assert "model.bin is damaged" in capsys.readouterr().err
    assert main(["run", str(empty), "-o", str(tmp_path / "o"), "--word-model", "some/model"]) == 2
    assert capsys.readouterr().err.strip() == ("mtk: error: --word-model is the model of --words; add --words to "
                                               "compute word links")


def test_run_skips_a_stray_file_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            isolated_home: Path) -> None:
    # As mtk align --auto does: one unusable file does not stop a folder, and it is named everywhere.
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("000_c34c121e1dd8a5b8.txt", "003_644d7ec9ad0a14b6.txt"):
        (folder / name).write_bytes((SEEDS / name).read_bytes())
    (folder / "fr.txt").write_text("Le président de la République a annoncé mardi un nouveau plan pour les "
                                   "agriculteurs des régions rurales du pays.\n", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    assert main(["run", str(folder), "-o", str(tmp_path / "out"), "--no-mt"]) == 0
    err = capsys.readouterr().err
    assert "skipping fr.txt:" in err and "unsupported language 'fr'" in err and "skipping empty.txt:" in err
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))
    assert [s["file"] for s in metrics["skipped"]] == ["empty.txt", "fr.txt"] and len(metrics["pairs"]) == 1
    assert "Skipped: empty.txt (" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    # A manifest that pairs a skipped file cannot be followed: one line says which file and why.
    (folder / "manifest.json").write_text(json.dumps({"articles": [
        {"file": "000_c34c121e1dd8a5b8.txt", "same_event_as": "003_644d7ec9ad0a14b6.txt"},
        {"file": "fr.txt", "same_event_as": "003_644d7ec9ad0a14b6.txt"}]}), encoding="utf-8")
    assert main(["run", str(folder), "-o", str(tmp_path / "out2"), "--no-mt", "--manifest"]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("mtk: error:") and "fr.txt could not be used (" in last
    assert not (tmp_path / "out2").exists()


def test_run_names_an_article_that_is_in_no_pair(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                isolated_home: Path) -> None:
    # The Arabic seed 002 reports another event than the English 003: it was left out of every output without a word.
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("000_c34c121e1dd8a5b8.txt", "002_c72093ee3c81bb2f.txt", "003_644d7ec9ad0a14b6.txt"):
        (folder / name).write_bytes((SEEDS / name).read_bytes())
    assert main(["run", str(folder), "-o", str(tmp_path / "out"), "--no-mt"]) == 0
    err = capsys.readouterr().err
    # Said as mtk align --auto says it: each pair with its score, each article left out and why.
    assert "mtk: pair 000_c34c121e1dd8a5b8 (sw) -> 003_644d7ec9ad0a14b6 (en), score 1.0" in err
    assert "mtk: unpaired 002_c72093ee3c81bb2f (ar): no English article scores as the same event (best: " \
           "003_644d7ec9ad0a14b6, pairing score" in err
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))
    assert [u["doc_id"] for u in metrics["unpaired"]] == ["002_c72093ee3c81bb2f"] and len(metrics["pairs"]) == 1
    assert "Not compared: 002_c72093ee3c81bb2f (" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    # With no pair at all, the error gives each source's best score.
    (folder / "000_c34c121e1dd8a5b8.txt").unlink()
    (folder / "003_644d7ec9ad0a14b6.txt").write_text(
        "Local club wins the cup\n\nThe home side beat their rivals 3-1 in the final on Saturday evening.\n\n"
        "The winning goal came from a young striker in the second half.\n\n"
        "Fans celebrated in the streets of the town until late at night.\n\n"
        "The coach said the team would now focus on the league season.\n", encoding="utf-8")
    assert main(["run", str(folder), "-o", str(tmp_path / "out2"), "--no-mt"]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert "could be paired with an English one (002_c72093ee3c81bb2f: no English article" in last


def test_a_comet_model_that_cannot_be_used_fails_before_the_run(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    # It was silently "not measured" in metrics.json after the whole run; --words fails early the same way.
    out = tmp_path / "out"
    assert main(["run", str(SEEDS), "-o", str(out), "--no-mt", "--comet-model", str(tmp_path / "none")]) == 3
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and ("needs unbabel-comet" in err or "COMET model not found" in err)
    assert not out.exists()


def test_run_with_word_links_marks_them_in_the_report(isolated_home: Path, tmp_path: Path) -> None:
    from tiny_models import build_tiny_bert

    from mt.loader import load_document

    texts = [s for f in sorted(SEEDS.glob("00[03]_*.txt")) for s in load_document(f).texts]
    bert = build_tiny_bert(tmp_path / "bert", texts)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for f in sorted(SEEDS.glob("00[03]_*.txt")):
        (seeds / f.name).write_bytes(f.read_bytes())
    out = tmp_path / "out"
    assert main(["run", str(seeds), "-o", str(out), "--no-mt", "--words", "--word-model", str(bert)]) == 0
    records = [json.loads(line) for line in (out / "alignments.jsonl").read_text(encoding="utf-8").splitlines()]
    linked = [r for r in records if r.get("words")]
    assert linked and all(0 <= a and 0 <= b for r in linked for w in r["words"] for a, b in w["links"])
    assert 'class="wl"' in (out / "report.html").read_text(encoding="utf-8")  # highlights come from word links


def test_run_with_words_and_unusable_word_model_fails_before_writing(isolated_home: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    rc = main(["run", str(SEEDS), "-o", str(out), "--no-mt", "--words", "--word-model", str(tmp_path / "nothing")])
    err = capsys.readouterr().err
    assert rc in (2, 3) and len(err.strip().splitlines()) == 1 and not out.exists()


def _seed_pair(folder: Path) -> Path:
    """A folder holding the Swahili seed and its English article only."""
    import shutil

    folder.mkdir()
    for name in ("000_c34c121e1dd8a5b8.txt", "003_644d7ec9ad0a14b6.txt"):
        shutil.copy(SEEDS / name, folder / name)
    return folder


def test_no_mt_asked_for_is_a_note_and_no_model_a_warning(nomt_run: tuple[Path, str], isolated_home: Path,
                                                           tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # --no-mt was reported as a warning, with the reason "(cross-lingual mode requested (--no-mt))" repeating it.
    notes = [line for line in nomt_run[1].splitlines() if "not measured" in line]
    assert notes == [("mtk: --no-mt: aligning cross-lingually, without translation; translation quality is not "
                      "measured")]
    # No model here (an empty MTK_HOME, offline): that the user did not ask for, so it stays a warning with its reason.
    capsys.readouterr()
    assert main(["run", str(_seed_pair(tmp_path / "one")), "-o", str(tmp_path / "out"), "--offline"]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "not measured" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith("mtk: warning: translation quality was not measured: sentences were aligned "
                                  "cross-lingually, without translation (no-mt mode) (default model ")


def test_a_rerun_replaces_the_whole_output_folder(nomt_run: tuple[Path, str], isolated_home: Path,
                                                  tmp_path: Path) -> None:
    # The earlier run covered three pairs (Swahili and Arabic); this one only the Swahili pair. Files of the earlier
    # run must not stay beside the new ones, or translations/ and moses/ would mix two runs.
    import shutil

    out = tmp_path / "out"
    shutil.copytree(nomt_run[0], out)
    (out / "translations").mkdir()
    (out / "translations" / "001_1a95481d527c8dce.txt").write_text("stale\n", encoding="utf-8")
    (out / "translations.jsonl").write_text(json.dumps({"doc_id": "001_1a95481d527c8dce", "id": 0}) + "\n",
                                            encoding="utf-8")
    assert main(["run", str(_seed_pair(tmp_path / "one")), "-o", str(out), "--no-mt"]) == 0
    assert not (out / "translations").exists()
    assert sorted(p.name for p in (out / "moses").iterdir()) == ["corpus.en", "corpus.sw"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging folder left


def test_an_output_folder_with_other_files_is_refused_before_any_work(isolated_home: Path, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert main(["run", str(SEEDS), "-o", str(out), "--no-mt"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"mtk: error: {out} holds files this command does not write (notes.txt); give a new or empty " \
                  "folder, so that nothing of yours is replaced"
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert main(["run", str(SEEDS), "-o", str(SEEDS / "000_c34c121e1dd8a5b8.txt"), "--no-mt"]) == 2
    assert "it is a file, not a folder" in capsys.readouterr().err


@pytest.mark.parametrize("mine", ["moses/notes.txt", "moses/sub/corpus.en", "translations/extra.txt",
                                  "translations/000_c34c121e1dd8a5b8.txt/x"])
def test_a_file_of_yours_inside_an_earlier_runs_subfolder_is_refused(mine: str, mt_run: Path, isolated_home: Path,
                                                                      tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    # The folder is replaced whole: a user's file in moses/ or translations/ would go with it.
    import shutil

    out = tmp_path / "out"
    shutil.copytree(mt_run, out)
    target = out / mine
    if target.parent.is_file():
        target.parent.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("mine\n", encoding="utf-8")
    assert main(["run", str(_seed_pair(tmp_path / "one")), "-o", str(out), "--no-mt"]) == 2
    err = capsys.readouterr().err.strip()
    shown = mine.rsplit("/", 1)[0] if mine.count("/") > 1 else mine
    assert err == f"mtk: error: {out} holds files this command does not write ({shown}); give a new or empty " \
                  "folder, so that nothing of yours is replaced"
    assert target.read_text(encoding="utf-8") == "mine\n"


def test_an_earlier_runs_own_subfolders_are_replaced(mt_run: Path, isolated_home: Path, tmp_path: Path) -> None:
    import shutil

    out = tmp_path / "out"
    shutil.copytree(mt_run, out)
    assert "000_c34c121e1dd8a5b8.txt" in [p.name for p in (out / "translations").iterdir()]
    assert main(["run", str(_seed_pair(tmp_path / "one")), "-o", str(out), "--no-mt"]) == 0
    assert not (out / "translations").exists()


def test_a_failed_write_keeps_the_earlier_run_whole(nomt_run: tuple[Path, str], isolated_home: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import errno
    import shutil

    from align import export

    out = tmp_path / "out"
    shutil.copytree(nomt_run[0], out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export, "write_tmx", full_disk)
    assert main(["run", str(_seed_pair(tmp_path / "one")), "-o", str(out), "--no-mt"]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_copy_of_an_article_is_counted_once(isolated_home: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    folder = _seed_pair(tmp_path / "articles")
    shutil.copy(folder / "000_c34c121e1dd8a5b8.txt", folder / "zz-copy.txt")
    out = tmp_path / "out"
    assert main(["run", str(folder), "-o", str(out), "--no-mt"]) == 0
    assert "skipping zz-copy.txt: the same text as 000_c34c121e1dd8a5b8.txt" in capsys.readouterr().err
    assert len(json.loads((out / "metrics.json").read_text(encoding="utf-8"))["pairs"]) == 1


def test_a_manifest_pairing_the_wrong_languages_is_refused(isolated_home: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    # English -> Swahili was aligned the wrong way round, and Swahili -> Arabic scored Arabic as the English side.
    folder = _seed_pair(tmp_path / "articles")
    (folder / "manifest.json").write_text(json.dumps({"articles": [
        {"file": "003_644d7ec9ad0a14b6.txt", "same_event_as": "000_c34c121e1dd8a5b8.txt"}]}), encoding="utf-8")
    assert main(["run", str(folder), "-o", str(tmp_path / "out"), "--no-mt", "--manifest"]) == 2
    err = capsys.readouterr().err
    assert "003_644d7ec9ad0a14b6.txt (en) -> 000_c34c121e1dd8a5b8.txt (sw): expected a Swahili or Arabic article " \
           "paired with an English one" in err


def test_a_rerun_from_the_translation_cache_reports_no_speed(mt_run: Path, isolated_home: Path, tiny_marian: Path,
                                                             tmp_path: Path) -> None:
    # The first run filled the cache; this one translates nothing (it once reported 50,000 sentences a second).
    first = json.loads((mt_run / "metrics.json").read_text(encoding="utf-8"))["timing"]
    assert first["sentences_translated"] > 0 and first["sentences_per_s"] > 0
    out = tmp_path / "again"
    assert main(["run", str(SEEDS), "-o", str(out), "--model", str(tiny_marian), "--offline",
                 "--max-length", "24"]) == 0
    again = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["timing"]
    assert again["sentences_translated"] == 0 and again["sentences_per_s"] is None
    assert again["sentences_from_cache"] == first["sentences_translated"] + first["sentences_from_cache"]


@pytest.mark.parametrize("command", ["run", "evaluate"])
def test_presplit_without_references_is_a_usage_error(command: str, isolated_home: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    # It describes the references file (in mtk align, the articles): without one it was ignored and the run exit 0.
    out = tmp_path / "out"
    argv = ["run", str(SEEDS), "-o", str(out), "--no-mt"] if command == "run" else ["evaluate", str(SEEDS)]
    assert main([*argv, "--presplit"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mtk: error: --presplit describes the --references file") and err.count("\n") == 1
    assert "needs --references FILE" in err
    assert not out.exists()


def test_a_presplit_references_file_of_the_wrong_length_fails_before_translating(
        isolated_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Its length is known once the folder is paired; it was found after translating, and never with --no-mt.
    refs = tmp_path / "refs.txt"
    refs.write_text("One.\nTwo.\n", encoding="utf-8")
    assert main(["run", str(SEEDS), "-o", str(tmp_path / "out"), "--no-mt", "--references", str(refs),
                 "--presplit"]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith(f"mtk: error: references file {refs} has 2 lines but there are ") and \
        last.endswith(" source sentences")
    assert not (tmp_path / "out").exists()


def test_max_length_over_the_cap_is_refused_when_parsed(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # It was refused only once the folder had been paired, with the option named otherwise.
    def too_late(*args: object, **kwargs: object) -> None:
        raise AssertionError("the folder was read before --max-length was checked")

    monkeypatch.setattr("eval.pipeline.load_corpus", too_late)
    with pytest.raises(SystemExit) as stop:
        main(["run", str(SEEDS), "-o", str(tmp_path / "out"), "--max-length", "2000"])
    assert stop.value.code == 2 and "--max-length: must be at most 1024 tokens, got 2000" in capsys.readouterr().err
