"""manifest.json: the pairs a user gives by hand, read strictly and explained in one line when wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from align.manifest import manifest_pairs, unpaired_by_manifest
from mt.document import Document, Sentence
from mt.errors import InputError

_DOCS = {name: Document(name[:-4], lang, [Sentence("x", 0, 0)])
         for name, lang in (("sw.txt", "sw"), ("ar.txt", "ar"), ("en1.txt", "en"), ("en2.txt", "en"))}


def _pairs(tmp_path: Path, content: str | bytes, skipped: dict[str, str] | None = None) -> list[tuple[str, str]]:
    path = tmp_path / "manifest.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return [(s.doc_id, t.doc_id) for s, t in manifest_pairs(tmp_path, _DOCS, skipped or {})]


def test_pairs_one_or_several_outlets_and_names_the_rest(tmp_path: Path) -> None:
    manifest = {"articles": [{"file": "sw.txt", "same_event_as": ["en1.txt", "en2.txt"]},
                             {"file": "ar.txt", "same_event_as": "en1.txt"}, {"file": "en1.txt"},
                             {"file": "ar.txt", "same_event_as": "en1.txt"}]}  # said twice, paired once
    assert _pairs(tmp_path, json.dumps(manifest)) == [("sw", "en1"), ("sw", "en2"), ("ar", "en1")]
    # A byte-order mark, as Windows editors write one, is not an error.
    assert _pairs(tmp_path, b"\xef\xbb\xbf" + json.dumps(manifest).encode()) == [("sw", "en1"), ("sw", "en2"),
                                                                                 ("ar", "en1")]
    only_sw = [(_DOCS["sw.txt"], _DOCS["en1.txt"])]
    assert unpaired_by_manifest(list(_DOCS.values()), only_sw) == {"ar": "not paired in manifest.json",
                                                                   "en2": "not paired in manifest.json"}


@pytest.mark.parametrize(("content", "message"), [
    ('{"articles": [', "not valid JSON (Expecting value at line 1, column 15)"),
    ("[" * 100_000, "cannot be read as JSON (nested too deeply)"),
    ('{"articles": ' + "9" * 5000 + "}", "cannot be read as JSON (Exceeds the limit"),
    (b"\xff\xfe{}", "not UTF-8 text"),
    ('{"articles": {"file": "sw.txt"}}', "expected {'articles': [{'file': NAME, 'same_event_as': NAME or [NAMES]}]}"),
    ('{"articles": [{"file": "sw.txt", "same_event_as": [["en1.txt"]]}]}', "expected {'articles'"),
    ('{"articles": [{"file": 3, "same_event_as": "en1.txt"}]}', "expected {'articles'"),
    ('[]', "expected {'articles'"),
    ('{"articles": [{"file": "en1.txt", "same_event_as": "sw.txt"}]}',
     "en1.txt (en) -> sw.txt (sw): expected a Swahili or Arabic article paired with an English one"),
    ('{"articles": [{"file": "sw.txt", "same_event_as": "gone.txt"}]}', "sw.txt -> gone.txt names a file that is not"),
])
def test_a_wrong_manifest_is_one_clear_error(tmp_path: Path, content: str | bytes, message: str) -> None:
    with pytest.raises(InputError) as err:
        _pairs(tmp_path, content)
    assert str(err.value).startswith(f"{tmp_path / 'manifest.json'}: {message}")


def test_a_skipped_file_and_a_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"sw.txt -> en1.txt: en1.txt could not be used \(empty\)"):
        _pairs(tmp_path, '{"articles": [{"file": "sw.txt", "same_event_as": "en1.txt"}]}', {"en1.txt": "empty"})
    (tmp_path / "manifest.json").unlink()
    with pytest.raises(InputError, match="--manifest given but .* does not exist"):
        manifest_pairs(tmp_path, _DOCS, {})


def test_a_second_outlet_in_a_manifest_is_not_warned_about(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A reprint of half of 004 lowers the margins of both outlets (1.001 in the seed folder): a low score alone is
    # no mistake.
    from eval.corpus import load_corpus

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    for name in ("002_c72093ee3c81bb2f.txt", "004_12f480076838e1d3.txt"):
        (tmp_path / name).write_bytes((seeds / name).read_bytes())
    lines = [x for x in (seeds / "004_12f480076838e1d3.txt").read_text(encoding="utf-8").splitlines() if x.strip()]
    (tmp_path / "005_reprint.txt").write_text("\n\n".join(lines[::2]) + "\n", encoding="utf-8")
    (tmp_path / "manifest.json").write_text(json.dumps({"articles": [
        {"file": "002_c72093ee3c81bb2f.txt", "same_event_as": ["004_12f480076838e1d3.txt", "005_reprint.txt"]}]}),
        encoding="utf-8")
    corpus = load_corpus(tmp_path, use_manifest=True)
    err = capsys.readouterr().err
    assert "warning: manifest.json" not in err and err.count("from manifest.json, pairing score") == 2
    assert all(score is not None for _, _, score in corpus.pairs)  # kept for metrics.json, not only said
