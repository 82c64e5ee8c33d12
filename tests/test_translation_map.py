"""A translated article, segmented its own way, is matched to the source sentences it translates (in order)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from align.encoder import get_encoder
from align.translation_map import _best_path, _collect, map_translation
from eval.cli import main

SW = ["Rais wa Kenya aliwasili Nairobi siku ya Jumatatu.",
      "Alitia saini mkataba wa biashara wenye thamani ya dola milioni 20.",
      "Mvua kubwa ilisababisha mafuriko katika mji wa pwani wa Mombasa, na mamia ya familia walihamishwa.",
      "Bei ya mafuta ya taa imepanda sana katika masoko ya vijijini.",
      "Wakulima wanasema mavuno ya mahindi yatakuwa mazuri mwaka huu."]
# As a translator hands it back: the first two sentences joined, the third split, the fourth left out, a line added.
MERGED = "The president of Kenya arrived in Nairobi on Monday and signed a trade agreement worth 20 million dollars."
SPLIT = ["Heavy rain caused flooding in the coastal city of Mombasa.", "Hundreds of families were evacuated."]
ADDED = "Football fans celebrated the national team's victory in the final."
FARMERS = "Farmers say this year's maize harvest will be good."
TRANSLATED = [MERGED, *SPLIT, ADDED, FARMERS]


def test_path_takes_every_kind_of_step() -> None:
    # Source 0 = translated 0; source 1 = translated 1 + 2; translated 3 is an added line; sources 2 + 3 = translated 4.
    g11 = np.full((4, 5), -0.08)
    g11[0, 0], g11[1, 1], g11[1, 2], g11[2, 4], g11[3, 4] = 0.10, 0.02, 0.01, 0.03, 0.02
    g12 = np.full((4, 4), -0.08)
    g12[1, 1] = 0.09
    g21 = np.full((3, 5), -0.08)
    g21[2, 4] = 0.08
    path = _best_path(g11, g12, g21)
    assert [(i, j, di, dj) for i, j, di, dj in path] == [(0, 0, 1, 1), (1, 1, 1, 2), (2, 3, 0, 1), (2, 4, 2, 1)]
    mapped = _collect(path, ["a", "b", "c", "d"], ["A", "B1", "B2", "junk", "CD"])
    assert mapped.translations == ["A", "B1 B2", "CD", "CD"]
    assert (mapped.unmatched_src, mapped.unused_translated) == (0, 1)


def test_joins_splits_omissions_and_additions_are_recovered() -> None:
    mapped = map_translation(SW, TRANSLATED, get_encoder(), "sw")
    assert mapped.translations == [MERGED, MERGED, " ".join(SPLIT), "", FARMERS]
    assert (mapped.unmatched_src, mapped.unused_translated) == (1, 1)


def test_nothing_to_match() -> None:
    assert map_translation(SW[:2], [], get_encoder(), "sw").translations == ["", ""]
    assert map_translation([], TRANSLATED, get_encoder(), "sw").unused_translated == len(TRANSLATED)


def _article(tmp_path: Path, name: str, paragraphs: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def test_cli_reads_a_translated_article(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _article(tmp_path, "sw.txt", [" ".join(SW[:2]), " ".join(SW[2:])])
    en = _article(tmp_path, "en.txt", ["Kenya's president signed a 20 million dollar trade deal in Nairobi.",
                                        "Floods hit Mombasa after heavy rain, forcing hundreds of families out.",
                                        "Maize farmers expect a good harvest this year.", ADDED])
    translated = _article(tmp_path, "tr.txt", [MERGED, " ".join(SPLIT), ADDED, FARMERS])
    out = tmp_path / "a.jsonl"
    rc = main(["align", str(src), str(en), "--translations", str(translated), "-o", str(out)])
    err = capsys.readouterr().err
    assert rc == 0, err
    assert "read as a translated article" in err and "4 of 5 source sentences found their translation" in err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_src = {r["src"]: r for r in records if r["src"] is not None}
    # The sentence the article leaves out has no translation (null), and was aligned cross-lingually.
    assert [by_src[s]["translation"] for s in SW] == [MERGED, MERGED, " ".join(SPLIT), None, FARMERS]
    assert by_src[SW[3]]["mode"] == "no-mt"
    assert by_src[SW[4]]["tgt"] == ["Maize farmers expect a good harvest this year."]


@pytest.mark.parametrize(("paragraphs", "message"), [
    (SW, "the translations look like 'sw', not English"),
    (["The central bank raised interest rates by half a percentage point on Tuesday.",
      "Analysts expect inflation to slow next year as fuel prices fall across the region."],
     "does not translate this source"),
])
def test_cli_refuses_what_is_no_translation_of_the_source(paragraphs: list[str], message: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    src = _article(tmp_path, "sw.txt", [" ".join(SW)])
    en = _article(tmp_path, "en.txt", [MERGED, " ".join(SPLIT), FARMERS])
    translated = _article(tmp_path, "tr.txt", paragraphs)
    out = tmp_path / "a.jsonl"
    rc = main(["align", str(src), str(en), "--translations", str(translated), "-o", str(out)])
    err = capsys.readouterr().err
    # A first run in a fresh cache also says it prepares the encoder; the failure itself is one line.
    errors = [line for line in err.splitlines() if not line.startswith("mtk: preparing")]
    assert rc == 2 and len(errors) == 1 and errors[0].startswith("mtk: error:") and message in errors[0]
    assert not out.exists()


def test_paragraphs_that_number_as_many_lines_as_sentences_are_read_as_an_article(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Three paragraphs and the two blank lines between them: five lines for five source sentences, but read line by
    # line the second paragraph (kerosene) would face the third source sentence (the floods).
    kerosene = "The price of kerosene has risen sharply in rural markets."
    src = _article(tmp_path, "sw.txt", [" ".join(SW)])
    en = _article(tmp_path, "en.txt", [MERGED, " ".join(SPLIT), FARMERS])
    paragraphs = _article(tmp_path, "tr.txt", [f"{MERGED} {' '.join(SPLIT)}", kerosene, FARMERS])
    assert len(paragraphs.read_text(encoding="utf-8").splitlines()) == len(SW)
    out = tmp_path / "a.jsonl"
    assert main(["align", str(src), str(en), "--translations", str(paragraphs), "-o", str(out)]) == 0
    assert "read as a translated article" in capsys.readouterr().err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["translation"] for r in records if r["src"] is not None] == [MERGED, MERGED, " ".join(SPLIT), kerosene,
                                                                           FARMERS]
    # One line per sentence with one left untranslated keeps the line reading, although the article reading would
    # give that sentence its neighbour's translation.
    lines = tmp_path / "lines.txt"
    lines.write_text("\n".join([MERGED, "", " ".join(SPLIT), kerosene, FARMERS]) + "\n", encoding="utf-8")
    assert main(["align", str(src), str(en), "--translations", str(lines), "-o", str(out)]) == 0
    assert "read as a translated article" not in capsys.readouterr().err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["translation"] for r in records if r["src"] is not None][1] is None


def test_translations_can_come_from_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    import io
    import sys

    src = _article(tmp_path, "sw.txt", [" ".join(SW)])
    en = _article(tmp_path, "en.txt", [MERGED, " ".join(SPLIT), FARMERS])
    article = "\n\n".join([MERGED, " ".join(SPLIT), ADDED, FARMERS]) + "\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(article.encode("utf-8")), encoding="utf-8"))
    out = tmp_path / "a.jsonl"
    assert main(["align", str(src), str(en), "--translations", "-", "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["translation"] for r in records if r["src"] is not None][4] == FARMERS
    capsys.readouterr()
    assert main(["align", "-", str(en), "--translations", "-", "-o", str(out)]) == 2
    assert "only one input can be read from stdin" in capsys.readouterr().err


def test_a_translation_without_the_headline_leaves_the_headline_untranslated() -> None:
    # Text copied without its headline: "headline + lead" was matched to the lead's translation, the headline given
    # the lead's translation, and every sentence said found.
    headline = "Rais wa Kenya asaini mkataba wa biashara"
    src = [headline, *SW[:2]]
    lead = "The president of Kenya arrived in Nairobi on Monday."
    second = "He signed a trade agreement worth 20 million dollars."
    mapped = map_translation(src, [lead, second], get_encoder(), "sw")
    assert mapped.translations == ["", lead, second] and mapped.unmatched_src == 1
