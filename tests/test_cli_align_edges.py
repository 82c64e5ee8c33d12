"""`mtk align` at its edges: pipes and full disks, stdin shared by several articles, its own JSONL read back, JSON
Python cannot load, outputs that would replace an input, one-sentence articles and invisible-only lines."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from align.export import TSV_COLUMNS
from eval.cli import main
from mt.loader import load_document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SW = SEEDS / "000_c34c121e1dd8a5b8.txt"
EN = SEEDS / "003_644d7ec9ad0a14b6.txt"


def _mtk(*argv: str, stdin: bytes | None = None, stdout: int | object = subprocess.PIPE
         ) -> subprocess.CompletedProcess:
    """`mtk` in a child process, as a shell runs it."""
    return subprocess.run([sys.executable, "-m", "eval.cli", *argv], input=stdin, stdout=stdout,
                          stderr=subprocess.PIPE, cwd=ROOT, timeout=300, check=False)


def _one_line_error(err: str) -> str:
    """The error line of a failed run (a first run in a fresh cache may also say it prepares the encoder)."""
    lines = [line for line in err.strip().splitlines() if "preparing" not in line]
    assert len(lines) == 1, err
    return lines[0]


def test_a_closed_stdout_is_a_one_line_error() -> None:
    # `mtk align SRC EN >&-`: Python starts with sys.stdout None, and the first write was an AttributeError traceback.
    done = subprocess.run([sys.executable, "-m", "eval.cli", "align", str(SW), str(EN), "--no-mt"], cwd=ROOT,
                          stderr=subprocess.PIPE, timeout=300, check=False, preexec_fn=lambda: os.close(1))
    assert done.returncode == 2
    assert _one_line_error(done.stderr.decode()) == "mtk: error: standard output is closed; give an output file with -o"


def test_a_closed_stdin_is_a_one_line_error() -> None:
    done = subprocess.run([sys.executable, "-m", "eval.cli", "align", "-", str(EN), "--no-mt"], cwd=ROOT,
                          capture_output=True, timeout=300, check=False, preexec_fn=lambda: os.close(0))
    assert done.returncode == 2 and not done.stdout
    assert _one_line_error(done.stderr.decode()) == ("mtk: error: SRC <stdin>: standard input is closed; give a file "
                                                     "instead of -")


def test_an_article_read_from_a_pipe_by_its_device_name() -> None:
    # `mtk align /dev/stdin EN` or `<(cat a.txt)`: a pipe exists but is no regular file ("no such file" before).
    done = _mtk("align", "/dev/stdin", str(EN), "--no-mt", stdin=SW.read_bytes())
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.decode().splitlines()[0])["src"] == load_document(SW).texts[0]


def test_a_closed_pipe_ends_the_run_quietly() -> None:
    # `mtk align ... | head -1`: the reader goes away after one line, which is no error of ours.
    proc = subprocess.Popen([sys.executable, "-m", "eval.cli", "align", str(SW), str(EN), "--no-mt"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    rc = proc.wait(timeout=300)
    err = proc.stderr.read().decode()
    assert json.loads(first)["src_doc"] == SW.stem
    assert rc == 0 and "error" not in err and "Traceback" not in err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_stdout_is_named_as_stdout() -> None:
    with open("/dev/full", "wb") as full:
        done = _mtk("align", str(SW), str(EN), "--no-mt", stdout=full)
    assert done.returncode == 2
    assert _one_line_error(done.stderr.decode()) == "mtk: error: cannot write to stdout: No space left on device"


@pytest.fixture()
def two_sources(tmp_path: Path) -> tuple[Path, Path]:
    """A folder with the Swahili seed, a shorter version of it, and its English article, and a JSONL of translations
    naming each (English sentences stand in for translations: the reader checks shape and language, not meaning)."""
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(EN, folder / EN.name)
    english = load_document(str(EN), lang="en").texts
    records = []
    paragraphs = SW.read_text(encoding="utf-8").split("\n\n")
    # Two different articles: a copy of the same text would be skipped as a duplicate.
    for name, text in (("a", "\n\n".join(paragraphs)), ("b", "\n\n".join(paragraphs[:-3]))):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        n = len(load_document(str(folder / f"{name}.txt"), lang="sw").texts)
        records += [{"doc": name, "translation": f"{name}{k}: {english[k % len(english)]}"} for k in range(n)]
    translations = tmp_path / "tr.jsonl"
    translations.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return folder, translations


def test_auto_reads_translations_from_stdin_once_for_every_article(two_sources: tuple[Path, Path],
                                                                   tmp_path: Path) -> None:
    folder, translations = two_sources
    out = tmp_path / "out.jsonl"
    done = _mtk("align", "--auto", str(folder), "--translations", "-", "-o", str(out),
                stdin=translations.read_bytes())
    assert done.returncode == 0, done.stderr.decode()
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["src_doc"] for r in records} == {"a", "b"}
    assert all(r["mode"] == "translations" for r in records)


def test_auto_reads_translations_from_a_pipe_once_for_every_article(two_sources: tuple[Path, Path],
                                                                    tmp_path: Path) -> None:
    # A pipe (bash's <(cmd)) can be read once, as stdin: the second article found it empty.
    import threading

    folder, translations = two_sources
    pipe = tmp_path / "tr.pipe"
    os.mkfifo(pipe)
    writer = threading.Thread(target=pipe.write_bytes, args=(translations.read_bytes(),), daemon=True)
    writer.start()
    out = tmp_path / "out.jsonl"
    try:
        assert main(["align", "--auto", str(folder), "--translations", str(pipe), "-o", str(out)]) == 0
    finally:
        writer.join(timeout=10)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["src_doc"] for r in records} == {"a", "b"}
    assert all(r["mode"] == "translations" for r in records)


def test_an_auto_alignment_jsonl_gives_its_translations_back(two_sources: tuple[Path, Path], tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    # mtk align --auto names each record's article in "src_doc"; re-aligning (another threshold, say) reuses them.
    folder, translations = two_sources
    first = tmp_path / "first.jsonl"
    assert main(["align", "--auto", str(folder), "--translations", str(translations), "-o", str(first)]) == 0
    again = tmp_path / "again.jsonl"
    assert main(["align", str(folder / "a.txt"), str(EN), "--translations", str(first), "-o", str(again)]) == 0
    assert main(["align", "--auto", str(folder), "--translations", str(first), "-o", str(again)]) == 0
    capsys.readouterr()
    given = {r["translation"] for r in map(json.loads, translations.read_text(encoding="utf-8").splitlines())}
    assert {r["translation"] for r in map(json.loads, again.read_text(encoding="utf-8").splitlines())
            if r["src"] is not None} == given


@pytest.mark.parametrize(("line", "message"), [
    ('{"translation": "half an emoji \\ud83d"}', "field 'translation' holds invalid Unicode"),
    ('{"translation": "x", "n": ' + "9" * 5000 + "}", "cannot be read as JSON (Exceeds the limit"),
    ("[" * 100_000, "cannot be read as JSON (nested too deeply)"),
])
def test_json_that_python_cannot_load_is_a_one_line_error(line: str, message: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    src, en, tr = tmp_path / "sw.txt", tmp_path / "en.txt", tmp_path / "tr.jsonl"
    src.write_text("Mkutano huo ulifanyika mjini Rabat siku ya Jumanne.\n", encoding="utf-8")
    en.write_text("The meeting took place in Rabat on Tuesday.\n", encoding="utf-8")
    tr.write_text(line + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["align", str(src), str(en), "--presplit", "--translations", str(tr), "-o", str(out)]) == 2
    error = _one_line_error(capsys.readouterr().err)
    assert error.startswith(f"mtk: error: {tr}: line 1") and message in error
    assert not out.exists()


def test_a_plain_translations_file_opening_with_deep_brackets_is_read_as_lines(tmp_path: Path,
                                                                               capsys: pytest.CaptureFixture[str]) -> None:
    src, en, tr = tmp_path / "sw.txt", tmp_path / "en.txt", tmp_path / "tr.txt"
    src.write_text("Mkutano huo ulifanyika mjini Rabat siku ya Jumanne.\n", encoding="utf-8")
    en.write_text("The meeting took place in Rabat on Tuesday.\n", encoding="utf-8")
    tr.write_text('{"a": ' + "[" * 100_000 + "\n", encoding="utf-8")  # not JSONL by its name; the sniffing must not crash
    out = tmp_path / "out.jsonl"
    assert main(["align", str(src), str(en), "--presplit", "--translations", str(tr), "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["translation"].startswith('{"a": [[[')


@pytest.mark.parametrize("which", ["src", "en"])
def test_an_output_that_is_an_input_is_refused(which: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    src, en = shutil.copy(SW, tmp_path / "sw.txt"), shutil.copy(EN, tmp_path / "en.txt")
    target = Path(src if which == "src" else en)
    before = target.read_bytes()
    assert main(["align", str(src), str(en), "--no-mt", "-o", str(target)]) == 2
    assert "is also an input file" in _one_line_error(capsys.readouterr().err)
    assert target.read_bytes() == before


def test_an_output_over_a_manifest_or_a_translation_file_is_refused(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    # Files read from a folder (--auto's manifest, a --translations folder's file) are inputs too.
    folder, system = tmp_path / "articles", tmp_path / "system"
    folder.mkdir()
    system.mkdir()
    for path in (SW, EN):
        shutil.copy(path, folder / path.name)
    manifest = folder / "manifest.json"
    manifest.write_text(json.dumps({"pairs": [[SW.name, EN.name]]}), encoding="utf-8")
    translation = system / f"{SW.stem}.txt"
    translation.write_text("Morocco and Israel want to expand their cooperation.\n", encoding="utf-8")
    for argv, target in ((["--auto", str(folder), "--manifest", "--no-mt"], manifest),
                         ([str(SW), str(EN), "--translations", str(system)], translation)):
        before = target.read_bytes()
        assert main(["align", *argv, "-o", str(target), "--format", "jsonl"]) == 2
        assert "is also an input file" in _one_line_error(capsys.readouterr().err)
        assert target.read_bytes() == before


@pytest.mark.parametrize(("argv", "message"), [
    ([str(SW), str(EN), "--pair-threshold", "1.1"],
     "--pair-threshold pairs the articles of --auto DIR; SRC and EN are already a pair"),
    (["--auto", str(SEEDS), "--src", "ar"], "--src gives SRC's language; --auto detects the language of each article"),
    ([str(SW), str(EN), "--word-model", "some/model"], "--word-model is the model of --words; add --words"),
])
def test_an_option_that_would_do_nothing_is_refused(argv: list[str], message: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    # Ignored before: --auto --src ar still read the Swahili article as Swahili.
    assert main(["align", *argv, "--no-mt"]) == 2
    assert _one_line_error(capsys.readouterr().err).startswith(f"mtk: error: {message}")


def test_an_output_ending_in_a_slash_is_not_written_as_a_file(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = f"{tmp_path / 'newdir'}{os.sep}"
    assert main(["align", str(SW), str(EN), "--no-mt", "-o", out]) == 2
    assert "names a folder" in _one_line_error(capsys.readouterr().err)
    assert not (tmp_path / "newdir").exists()


def test_an_output_symlink_keeps_pointing_at_the_written_file(tmp_path: Path) -> None:
    real, link = tmp_path / "real.jsonl", tmp_path / "link.jsonl"
    real.write_text("old\n", encoding="utf-8")
    link.symlink_to(real)
    assert main(["align", str(SW), str(EN), "--no-mt", "-o", str(link)]) == 0
    assert link.is_symlink() and json.loads(real.read_text(encoding="utf-8").splitlines()[0])["src_doc"] == SW.stem


def test_a_pair_threshold_that_is_not_a_number_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["align", "--auto", str(SEEDS), "--pair-threshold", "nan"])
    assert stop.value.code == 2
    assert "--pair-threshold: nan is outside 0.9-1.5" in _one_line_error(capsys.readouterr().err)


def test_two_one_sentence_articles_link_when_one_translates_the_other(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    # With one sentence a side every ratio margin is exactly 1.0, so before this an exact translation never linked.
    src, en, other = tmp_path / "sw.txt", tmp_path / "en.txt", tmp_path / "other.txt"
    src.write_text("Mtu mmoja alikufa katika ajali ya barabarani jana usiku, polisi walisema.\n", encoding="utf-8")
    en.write_text("One person died in a road accident last night, police said.\n", encoding="utf-8")
    other.write_text("The central bank raised interest rates to fight inflation.\n", encoding="utf-8")
    assert main(["align", str(src), str(en), "--no-mt", "--format", "tsv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 2 and rows[1].startswith("Mtu mmoja alikufa")
    assert main(["align", str(src), str(other), "--no-mt", "--format", "tsv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["\t".join(TSV_COLUMNS)]


def test_invisible_only_lines_count_as_blank_with_presplit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, en, out = tmp_path / "sw.txt", tmp_path / "en.txt", tmp_path / "out.jsonl"
    src.write_text("Mkutano huo ulifanyika mjini Rabat siku ya Jumanne.\n\u200b\u200f\n"
                   "Algeria inaona ukaribu huu kwa wasiwasi mkubwa sana.\n", encoding="utf-8")
    en.write_text("The meeting took place in Rabat on Tuesday.\nAlgeria views this with great suspicion.\n",
                  encoding="utf-8")
    assert main(["align", str(src), str(en), "--presplit", "--no-mt", "-o", str(out)]) == 0
    sources = [r["src"] for r in map(json.loads, out.read_text(encoding="utf-8").splitlines()) if r["src"] is not None]
    assert len(sources) == 2 and all(sources)


def test_translations_that_are_all_empty_are_reported_as_no_mt(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    src, en, tr, out = tmp_path / "sw.txt", tmp_path / "en.txt", tmp_path / "tr.jsonl", tmp_path / "out.jsonl"
    src.write_text("Mkutano huo ulifanyika mjini Rabat siku ya Jumanne.\nAlgeria ina wasiwasi.\n", encoding="utf-8")
    en.write_text("The meeting took place in Rabat on Tuesday.\nAlgeria is worried.\n", encoding="utf-8")
    tr.write_text('{"translation": ""}\n{"translation": "\\u200b"}\n', encoding="utf-8")
    assert main(["align", str(src), str(en), "--presplit", "--translations", str(tr), "-o", str(out)]) == 0
    assert "every translation of sw in" in capsys.readouterr().err
    assert {r["mode"] for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())} == {"no-mt"}


def test_a_copy_of_an_article_is_skipped_with_auto(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in (SW.name, EN.name):
        shutil.copy(SEEDS / name, folder / name)
    shutil.copy(SW, folder / "zz-copy.txt")
    out = tmp_path / "out.jsonl"
    assert main(["align", "--auto", str(folder), "--no-mt", "-o", str(out)]) == 0
    assert f"mtk: warning: skipping zz-copy.txt: the same text as {SW.name}" in capsys.readouterr().err
    assert {r["src_doc"] for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())} == {SW.stem}


def test_align_offline_refuses_to_download_a_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MTK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    assert main(["align", str(SW), str(EN), "--model", "nllb-200-distilled-600M", "--offline"]) == 3
    error = _one_line_error(capsys.readouterr().err)
    assert "not downloaded and downloading is off" in error and "mtk models pull nllb-200-distilled-600M" in error


def test_moses_output_inside_a_file_fails_before_aligning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x\n", encoding="utf-8")
    assert main(["align", str(SW), str(EN), "--no-mt", "--format", "moses", "-o", str(blocker / "moses")]) == 2
    assert _one_line_error(capsys.readouterr().err).endswith(f"{blocker} is a file, not a folder")


@pytest.mark.parametrize("form", ["lines", "jsonl"])
def test_translations_that_are_not_english_are_refused(form: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    # The source pasted in place of its translation, one line per sentence: it was scored as a system.
    sentences = load_document(str(SW), lang="sw").texts
    tr = tmp_path / ("tr.txt" if form == "lines" else "tr.jsonl")
    tr.write_text("".join((s if form == "lines" else json.dumps({"translation": s})) + "\n" for s in sentences),
                  encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["align", str(SW), str(EN), "--translations", str(tr), "-o", str(out)]) == 2
    assert _one_line_error(capsys.readouterr().err).endswith("the translations look like 'sw', not English")
    assert not out.exists()


def test_french_translations_are_refused_and_english_with_foreign_names_is_not(tmp_path: Path,
                                                                                capsys: pytest.CaptureFixture[str]
                                                                                ) -> None:
    src, en = tmp_path / "ar.txt", tmp_path / "en.txt"
    src.write_text("بلغت الميزانية ١٥٠٠٠٠ دينار في عام ٢٠٢٤ حسب وزارة المالية في بغداد.\n"
                   "قال الوزير إن الرواتب ستدفع متأخرة هذا العام في جميع المحافظات.\n", encoding="utf-8")
    en.write_text("The budget reached 150000 dinars.\nThe minister said salaries will be late.\n", encoding="utf-8")
    french = tmp_path / "fr.txt"
    french.write_text("Le budget a atteint 150000 dinars en 2024, selon le ministère des Finances à Bagdad.\n"
                      "Le ministre a déclaré que les salaires seront versés en retard cette année.\n", encoding="utf-8")
    args = ["align", str(src), str(en), "--presplit", "--src", "ar", "-o"]
    assert main([*args, str(tmp_path / "a.jsonl"), "--translations", str(french)]) == 2
    assert _one_line_error(capsys.readouterr().err).endswith("the translations look like 'fr', not English")
    # One English sentence with Arabic-script names and digits, one full of Swahili names: each reads as another
    # language to the identifier, but one sentence is not enough to refuse a file.
    names = tmp_path / "names.txt"
    names.write_text("The budget was ٢٠٢٣ ١٥٠٠٠٠ dinars in ٢٠٢٤, said محمد بن سلمان.\n"
                     "Rais Samia Suluhu Hassan met Mheshimiwa Kassim Majaliwa Majaliwa in Dodoma.\n", encoding="utf-8")
    assert main([*args, str(tmp_path / "b.jsonl"), "--translations", str(names)]) == 0


def test_a_file_name_that_is_not_utf8_is_written_as_u_fffd(tmp_path: Path) -> None:
    # Bytes of a file name that are not UTF-8 reach Python as lone surrogates, which no UTF-8 output accepts: the
    # JSONL and TSV writers raised UnicodeEncodeError (a traceback), and TMX dropped the byte.
    folder = os.fsencode(tmp_path)
    shutil.copy(SW, folder + b"/sw\xff.txt")
    out = tmp_path / "out.jsonl"
    assert main(["align", os.fsdecode(folder + b"/sw\xff.txt"), str(EN), "--no-mt", "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["src_doc"] for r in records} == {"sw\ufffd"}


def test_a_presplit_line_of_control_characters_is_blank_not_an_empty_sentence(tmp_path: Path) -> None:
    src, en = tmp_path / "a.sw.txt", tmp_path / "a.en.txt"
    src.write_text("Morocco na Israel zimekubaliana kuimarisha ushirikiano wao wa kijeshi.\n\x01\x02\n"
                   "Mkutano huo ulifanyika mjini Rabat siku ya Jumanne.\n", encoding="utf-8")
    en.write_text("Morocco and Israel agreed to strengthen their military cooperation.\n\x7f\n"
                  "The meeting was held in Rabat on Tuesday.\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["align", str(src), str(en), "--presplit", "--no-mt", "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["src"] for r in records if r["src"] is not None] == [
        "Morocco na Israel zimekubaliana kuimarisha ushirikiano wao wa kijeshi.",
        "Mkutano huo ulifanyika mjini Rabat siku ya Jumanne."]
    assert all(r["tgt"] and all(r["tgt"]) for r in records if r["src"] is None) and len(records) == 2


def test_small_messages_of_the_walkthrough_review(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # An address typed without https://, a folder as -o without --format moses, SRC and EN swapped, stdout output
    # without its summary line: each message now says what to do.
    src, en = SEEDS / "000_c34c121e1dd8a5b8.txt", SEEDS / "003_644d7ec9ad0a14b6.txt"
    assert main(["align", "www.bbc.com/swahili/articles/x", str(en), "--no-mt"]) == 2
    assert "no such file (a web address needs https:// in front)" in capsys.readouterr().err
    assert main(["align", str(src), str(en), "--no-mt", "-o", str(tmp_path)]) == 2
    assert "or --format moses to write the Moses files into it" in capsys.readouterr().err
    assert main(["align", str(en), str(src), "--no-mt"]) == 2
    assert "the English article goes second" in capsys.readouterr().err
    assert main(["align", str(src), str(en), "--no-mt"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("{") and "14/15 English sentences aligned" in err


def test_two_articles_on_unrelated_events_are_aligned_with_a_warning(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    # Margins are relative: the best of two unrelated articles' sentences still passes the threshold, so such links
    # are topical. mtk align says so, by the same test --auto pairs articles by; a real pair gets no warning.
    kenya = tmp_path / "ke.txt"
    kenya.write_text("Rais wa Kenya alizindua barabara mpya mjini Nairobi siku ya Jumatatu.\n"
                     "Mvua kubwa imenyesha katika maeneo ya pwani.\n", encoding="utf-8")
    english = str(SEEDS / "003_644d7ec9ad0a14b6.txt")
    assert main(["align", str(kenya), english, "--no-mt", "-o", str(tmp_path / "ke.tsv")]) == 0
    err = capsys.readouterr().err
    assert "mtk: warning: ke and 003_644d7ec9ad0a14b6 may not report the same event: 0 of the 2 sentences" in err
    assert main(["align", str(SEEDS / "000_c34c121e1dd8a5b8.txt"), english, "--no-mt",
                 "-o", str(tmp_path / "seed.tsv")]) == 0
    assert "may not report the same event" not in capsys.readouterr().err


def _presplit_pair(tmp_path: Path, sw: list[str], en: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Align two sentence-per-line files; stderr."""
    (tmp_path / "sw.txt").write_text("\n".join(sw) + "\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text("\n".join(en) + "\n", encoding="utf-8")
    assert main(["align", str(tmp_path / "sw.txt"), str(tmp_path / "en.txt"), "--presplit", "--no-mt",
                 "-o", str(tmp_path / "out.tsv")]) == 0
    return capsys.readouterr().err


def test_the_unrelated_warning_follows_auto_and_ignores_page_chrome(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    # Two exact translations (FLORES devtest 31-32) that --auto pairs by their clear score were warned about: the
    # test had left out --auto's clear-score exception.
    sw = [("Kwa sababu manyoya ya dinosau hayana chimbuko uliyostawishwa vizuri, inayoitwa rachi, lakini huwa na sifa "
          "zingine za manyoya — barbu na barbule — watafiti waligundua rachi labda ni maendeleo ya baadaye ya "
          "uvumbuzi kuliko sifa hizi nyingine."),
          ("Muundo wa manyoya unaonyesha kwamba hayakutumika katika kupeperuka bali yalitumiwa kudhibiti joto au "
          "uonyesho. Watafiti walipendekeza kwamba, ingawa huu ni mkia wa dinosauri mchanga, sampuli inaonyesha "
          "manyoya ya utu uzima na si manyoya laini ya ndani ya kifaranga.")]
    en = [("Because the dinosaur feathers do not have a well-developed shaft, called a rachis, but do have other "
          "features of feathers — barbs and barbules — the researchers inferred the rachis was likely a later "
          "evolutionary development that these other features."),
          ("The feathers' structure suggests that they were not used in flight but rather for temperature regulation "
          "or display. The researchers suggested that, even though this is the tail of a young dinosaur, the sample "
          "shows adult plumage and not a chick's down.")]
    assert "may not report the same event" not in _presplit_pair(tmp_path, sw, en, capsys)
    # Widget and URL lines, never aligned, are no evidence either: those of two unrelated files matched each other
    # and hid the warning.
    chrome = ["Subscribe", "View all comments", "https://a.com/x", "https://a.com/y", "Article Rating", "0 Comments",
              "Inline Feedbacks", "https://b.org/z"]
    unrelated_sw = ["Katika mwaka mmoja, mtu aliyeambukizwa huenda akaambukiza wato 10-15 wa karibu.",
                    ("Setilaiti, ambazo zote mbili zilikuwa na uzani wa zaidi ya pauni 1,000, ziligongana maili 491 "
                    "juu ya Dunia."), "Hata hivyo, asilimia ya XDR-TB katika kikundi kizima bado inaonekana kuwa chini."]
    unrelated_en = [("Subcultures can be distinctive because of the age, ethnicity, class, location, and/or gender of "
                    "the members."), ("The qualities that determine a subculture as distinct may be linguistic, "
                    "aesthetic, religious, political, sexual, geographical, or a combination of factors."),
                    ("Members of a subculture often signal their membership through a distinctive and symbolic use of "
                    "style, which includes fashions, mannerisms, and argot.")]
    err = _presplit_pair(tmp_path, unrelated_sw + chrome, unrelated_en + chrome, capsys)
    assert "may not report the same event: 0 of the 3 sentences" in err


def test_stdin_is_named_one_way_in_align_messages(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # "SRC - looks like English" beside "SRC <stdin>: file is empty": standard input is "<stdin>" in every message.
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(EN.read_bytes())))
    assert main(["align", "-", str(EN), "--no-mt"]) == 2
    assert _one_line_error(capsys.readouterr().err).startswith("mtk: error: SRC <stdin> looks like English;")
