"""`mtk align` output paths and corpus files: what a re-run, a wrong name or a translation made elsewhere leaves."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import align.aligner
from eval.cli import main
from mt.loader import load_document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SW = SEEDS / "000_c34c121e1dd8a5b8.txt"
EN = SEEDS / "003_644d7ec9ad0a14b6.txt"


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    lines = [line for line in capsys.readouterr().err.strip().splitlines() if "preparing" not in line]
    assert len(lines) == 1, lines
    return lines[0]


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """The Swahili seed and its English article in a folder of their own."""
    articles = tmp_path / "articles"
    articles.mkdir()
    for path in (SW, EN):
        shutil.copy(path, articles / path.name)
    return articles


def test_auto_refuses_an_output_that_would_be_read_as_an_article(folder: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    for name, message in ((SW.name, "is also an input file"),
                          ("corpus.txt", "would be read as an article by the next --auto run")):
        assert main(["align", "--auto", str(folder), "--no-mt", "-o", str(folder / name)]) == 2
        assert message in _error(capsys)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    # Another suffix in the same folder is no article, and is written.
    assert main(["align", "--auto", str(folder), "--no-mt", "-o", str(folder / "corpus.jsonl")]) == 0


def test_an_output_through_an_existing_file_is_a_one_line_error(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    existing = tmp_path / "a.tsv"
    existing.write_text("keep\n", encoding="utf-8")
    assert main(["align", str(SW), str(EN), "--no-mt", "-o", f"{existing}/"]) == 2
    assert "names a folder (it ends with '/')" in _error(capsys)
    assert existing.read_text(encoding="utf-8") == "keep\n"


def test_an_output_name_of_another_format_is_warned_about(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["align", str(SW), str(EN), "--no-mt", "-o", str(tmp_path / "pairs.xml")]) == 0
    assert "pairs.xml: .xml is not .jsonl, .tsv or .tmx; writing jsonl" in capsys.readouterr().err
    assert main(["align", str(SW), str(EN), "--no-mt", "--format", "tmx", "-o", str(tmp_path / "a.tsv")]) == 0
    assert "a.tsv is named like tsv, but tmx is written" in capsys.readouterr().err
    assert main(["align", str(SW), str(EN), "--no-mt", "-o", str(tmp_path / "a.tmx")]) == 0
    assert "warning" not in capsys.readouterr().err


def test_moses_rerun_with_other_languages_leaves_no_stale_corpus(folder: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "moses"
    assert main(["align", str(SW), str(EN), "--no-mt", "--format", "moses", "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["corpus.en", "corpus.sw"]
    capsys.readouterr()
    shutil.copy(SEEDS / "001_1a95481d527c8dce.txt", folder)  # Arabic too: files per language pair now
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert main(["align", "--auto", str(folder), "--no-mt", "--format", "moses", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == [
        "corpus.ar-en.ar", "corpus.ar-en.en", "corpus.sw-en.en", "corpus.sw-en.sw", "notes.txt"]
    assert "removed corpus.en, corpus.sw of an earlier run" in err
    assert f"wrote {out / 'corpus.ar-en.ar'}, " in err


def test_auto_reads_every_translation_before_aligning(folder: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(SEEDS / "001_1a95481d527c8dce.txt", folder)
    translations = tmp_path / "tr"
    translations.mkdir()
    n = len(load_document(str(SW), lang="sw").texts)
    (translations / f"{SW.stem}.txt").write_text("The meeting was held.\n" * n, encoding="utf-8")

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("aligned before every translation was read")

    monkeypatch.setattr(align.aligner, "align_documents", must_not_run)
    out = tmp_path / "o.jsonl"
    assert main(["align", "--auto", str(folder), "--translations", str(translations), "-o", str(out)]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]  # after the lines that name the pairs
    assert last.startswith("mtk: error:") and "translation" in last and "001_1a95481d527c8dce" in last
    assert not out.exists()


def test_translations_made_elsewhere_are_normalised_to_one_line(tmp_path: Path,
                                                                seed_translation_lines: list[str]) -> None:
    lines = ["Morocco and Israel\u2028agreed\x0bto\x01 cooperate.", *seed_translation_lines[1:]]
    (tmp_path / "tr.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["align", str(SW), str(EN), "--translations", str(tmp_path / "tr.txt"), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    records = [json.loads(line) for line in text.split("\n") if line]
    assert len(text.splitlines()) == len(records)
    assert records[0]["translation"] == "Morocco and Israel agreed to cooperate."


def test_jsonl_records_name_their_own_sentence(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    assert main(["align", str(SW), str(EN), "--no-mt", "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    sources = [r for r in records if r["src"] is not None]
    assert [r["src_id"] for r in sources] == list(range(len(sources)))
    assert all(r["src_id"] in r["src_ids"] for r in sources)
    assert all(r["src_id"] is None for r in records if r["src"] is None)


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_a_terminated_run_leaves_no_partial_file(signame: str, tmp_path: Path) -> None:
    # `timeout` and `docker stop` send SIGTERM, a closed terminal SIGHUP: handled like Ctrl-C, temporary files go.
    out = tmp_path / "o.jsonl"
    script = (
        "import os, signal, align.export as e\n"
        "def stop(alignments, path):\n"
        "    with e.atomic_output(path) as fh:\n"
        "        fh.write('half')\n"
        f"        os.kill(os.getpid(), signal.{signame})\n"
        "e.write_jsonl = stop\n"
        "from eval.cli import main\n"
        f"raise SystemExit(main(['align', {str(SW)!r}, {str(EN)!r}, '--no-mt', '-o', {str(out)!r}]))\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 128 + getattr(signal, signame), proc.stderr
    assert "interrupted; no partial output was written" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_translation_lines_that_do_not_face_their_sentences_are_matched_or_refused(
        tmp_path: Path, seed_translation_lines: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # A file with one line per source sentence was trusted line by line: shifted by one line (its first line lost,
    # a line added at the end), every sentence got its neighbour's translation, and a reversed file was used as is.
    true = seed_translation_lines
    shifted, reversed_ = tmp_path / "shifted.txt", tmp_path / "reversed.txt"
    shifted.write_text("\n".join([*true[1:], "Follow us on Twitter for more news."]) + "\n", encoding="utf-8")
    reversed_.write_text("\n".join(true[::-1]) + "\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["align", str(SW), str(EN), "--translations", str(shifted), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "line N translates source sentence N+1" in err and "read as a translated article" in err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["translation"] for r in records if r["src"] is not None][1:] == true[1:]
    out.unlink()
    assert main(["align", str(SW), str(EN), "--translations", str(reversed_), "-o", str(out)]) == 2
    assert "does not translate this source" in _error(capsys)
    assert not out.exists()


def test_presplit_and_jsonl_translations_must_face_their_sentences(
        tmp_path: Path, seed_translation_lines: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # Line-aligned by definition (--presplit, JSONL records without "src"): a shifted file is refused, not re-read.
    src, en = tmp_path / "src.txt", tmp_path / "en.txt"
    src.write_text("\n".join(load_document(str(SW), lang="sw").texts) + "\n", encoding="utf-8")
    en.write_text("\n".join(load_document(str(EN), lang="en").texts) + "\n", encoding="utf-8")
    shifted = [*seed_translation_lines[1:], "Follow us on Twitter for more news."]
    lines, records = tmp_path / "shifted.txt", tmp_path / "shifted.jsonl"
    lines.write_text("\n".join(shifted) + "\n", encoding="utf-8")
    records.write_text("".join(json.dumps({"translation": t}) + "\n" for t in shifted), encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["align", str(src), str(en), "--presplit", "--translations", str(lines), "-o", str(out)]) == 2
    error = _error(capsys)
    assert "lines translate the source sentence they face; line N translates source sentence N+1" in error
    assert "line by line" in error
    assert main(["align", str(SW), str(EN), "--translations", str(records), "-o", str(out)]) == 2
    assert "records translate the source sentence they face" in _error(capsys)
    assert not out.exists()
    # The true lines pass both ways.
    lines.write_text("\n".join(seed_translation_lines) + "\n", encoding="utf-8")
    assert main(["align", str(src), str(en), "--presplit", "--translations", str(lines), "-o", str(out)]) == 0


@pytest.mark.parametrize("which", ["translations", "source"])
def test_presplit_counts_ignore_blank_lines_at_the_end(tmp_path: Path, seed_translation_lines: list[str],
                                                       which: str) -> None:
    # One trailing empty line (an editor's, or `echo >>`) made the counts differ: "14 translation lines for 13".
    src, en, tr = tmp_path / "src.txt", tmp_path / "en.txt", tmp_path / "tr.txt"
    src_text = "\n".join(load_document(str(SW), lang="sw").texts) + "\n"
    tr_text = "\n".join(seed_translation_lines) + "\n"
    src.write_text(src_text + ("\n\n" if which == "source" else ""), encoding="utf-8")
    tr.write_text(tr_text + ("\n" if which == "translations" else ""), encoding="utf-8")
    en.write_text("\n".join(load_document(str(EN), lang="en").texts) + "\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["align", str(src), str(en), "--presplit", "--translations", str(tr), "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["translation"] for r in records if r["src"] is not None] == seed_translation_lines
