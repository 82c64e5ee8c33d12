"""load_document / document_from_text / document_from_lines on the seeds and on edge cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from align.synthetic import SHARED_DIR
from mt.errors import InputError
from mt.loader import document_from_lines, document_from_text, load_document
from mt.reading import read_text

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
GOLD = SHARED_DIR / "gold" / "sentences.json"
KEPT_KINDS = {"content", "headline", "caption"}

# (stem, language, kept sentences, dropped items, title)
SEED_SUMMARY = [
    (
        "000_c34c121e1dd8a5b8",
        "sw",
        13,
        7,
        "Morocco na Israel zataka kupanua ushirikiano wao katika 'vita vya kielektroniki'",
    ),
    ("001_1a95481d527c8dce", "ar", 10, 9, None),
    ("002_c72093ee3c81bb2f", "ar", 14, 1, "المغرب وإسرائيل يوقعان مذكرة دفاع تاريخية"),
    ("003_644d7ec9ad0a14b6", "en", 15, 18, "Israel and Morocco sign bilateral defence deal"),
    ("004_12f480076838e1d3", "en", 22, 6, "Israel and Morocco sign military cooperation agreement"),
]


@pytest.mark.parametrize(("stem", "lang", "kept", "dropped", "title"), SEED_SUMMARY)
def test_seed_documents(stem: str, lang: str, kept: int, dropped: int, title: str | None) -> None:
    path = SEEDS / f"{stem}.txt"
    doc = load_document(path)
    assert (doc.doc_id, doc.lang, doc.title, doc.path) == (stem, lang, title, str(path))
    assert (len(doc.sentences), len(doc.dropped)) == (kept, dropped)
    assert [s.index for s in doc.sentences] == list(range(kept))
    paragraphs = [s.paragraph for s in doc.sentences]
    assert paragraphs == sorted(paragraphs) and set(paragraphs) == set(range(len(doc.paragraphs)))
    original = read_text(path)
    for sentence in doc.sentences:
        assert 0 <= sentence.start < sentence.end <= len(original)
        # The located span is the sentence up to whitespace normalisation.
        assert " ".join(original[sentence.start : sentence.end].split()) == sentence.text


@pytest.mark.parametrize("stem", ["000_c34c121e1dd8a5b8", "003_644d7ec9ad0a14b6"])
def test_gold_sentences_kept_and_boilerplate_dropped(stem: str) -> None:
    if not GOLD.exists():
        pytest.skip("gold data is not in this checkout")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))[stem]
    doc = load_document(SEEDS / f"{stem}.txt")
    spans = {(s.start, s.end) for s in doc.sentences}
    assert {(g["start"], g["end"]) for g in gold if g["kind"] in KEPT_KINDS} == spans
    for g in gold:
        if g["kind"] not in KEPT_KINDS:
            assert not any(s.start < g["end"] and g["start"] < s.end for s in doc.sentences), g["id"]


def test_no_boilerplate_text_survives_in_004() -> None:
    texts = load_document(SEEDS / "004_12f480076838e1d3.txt").texts
    joined = "\n".join(texts)
    for junk in (
        "READ MORE",
        "Related news",
        "Latest news",
        "You might also like",
        "Recommended to you",
        "WorldIsrael",
    ):
        assert junk not in joined
    assert "Second visit of an Israeli minister" in texts


def test_lang_restriction_and_request() -> None:
    with pytest.raises(InputError, match="unsupported language 'en'"):
        load_document(SEEDS / "003_644d7ec9ad0a14b6.txt", allowed=("sw", "ar"))
    assert load_document(SEEDS / "000_c34c121e1dd8a5b8.txt", lang="swh", doc_id="x").lang == "sw"


def test_offsets_survive_nbsp_and_decomposed_text() -> None:
    text = "Kichwa cha habari\n\nRais\u00a0\u00a0alisema  Cafe\u0301 itafunguliwa. Dkt. Mwinyi alikubali.\n"
    doc = document_from_text(text, "sw", "t")
    assert doc.texts == ["Kichwa cha habari", "Rais alisema Café itafunguliwa.", "Dkt. Mwinyi alikubali."]
    second = doc.sentences[1]
    assert text[second.start : second.end] == "Rais\u00a0\u00a0alisema  Cafe\u0301 itafunguliwa."
    assert doc.title == "Kichwa cha habari" and doc.path is None and doc.doc_id == "t"


def test_repeated_sentence_inside_a_new_paragraph_is_dropped() -> None:
    text = (
        "Waziri alitia saini mkataba huo mjini Rabat.\n\n"
        "Mazungumzo yalichukua saa mbili. Waziri alitia saini mkataba huo mjini Rabat.\n"
    )
    doc = document_from_text(text, "sw")
    assert doc.texts == ["Waziri alitia saini mkataba huo mjini Rabat.", "Mazungumzo yalichukua saa mbili."]
    assert [(d.reason, d.paragraph) for d in doc.dropped] == [("duplicate", 1)]


def test_nothing_left_after_cleaning() -> None:
    with pytest.raises(InputError, match="no content sentences after removing boilerplate"):
        document_from_text("Advertisement\n\nShare\n\n0 Comments\n", "en", "junk")


def test_stdin_document(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("وقع المغرب وإسرائيل مذكرة تفاهم.\n".encode())))
    doc = load_document("-")
    assert (doc.doc_id, doc.lang, doc.path) == ("stdin", "ar", None)


def test_document_from_lines_keeps_lines_as_sentences() -> None:
    lines = ["Dkt. Mwinyi alisema. Bw. Juma alikubali.", "Advertisement", "", "Pata\u00a0taarifa kuu  "]
    doc = document_from_lines(lines, "sw", "flores")
    assert doc.texts == ["Dkt. Mwinyi alisema. Bw. Juma alikubali.", "Advertisement", "", "Pata taarifa kuu"]
    assert [s.index for s in doc.sentences] == [0, 1, 2, 3] and doc.dropped == []
    # Page chrome stays a sentence (ids are line numbers) but is marked, so that it is never aligned.
    assert doc.boilerplate == {1: "advertisement", 3: "navigation"}
    # Credits, embedded posts and "Read more" teasers are chrome on a page but translated text in a sentence-per-line
    # corpus (MAFAND pairs them): marking them lost 40 right links of 1,835 there. A bare header or a URL is marked.
    corpus = ["Picha na Andrew Huff.", "Soma zaidi: Kutana na Wagombea Urais wa Nigeria wa 2019",
              "AFEX (@AFEXafrica) August 6, 2019", "Soma pia:", "https://t.co/1sFKY10OPV", "Mkutano ulifanyika Rabat."]
    assert document_from_lines(corpus, "sw", "mafand").boilerplate == {3: "related-links", 4: "url"}
    joined = "\n".join(lines)
    last = doc.sentences[3]
    assert joined[last.start : last.end] == "Pata\u00a0taarifa kuu"


def test_document_from_lines_errors() -> None:
    with pytest.raises(InputError):
        document_from_lines([], "sw", "empty")
    with pytest.raises(InputError, match="no content sentences, every line is page chrome"):
        document_from_lines(["Pata taarifa kuu", "Matangazo ya kibiashara", "https://example.com/a"], "sw", "chrome")
    with pytest.raises(InputError, match="unsupported language"):
        document_from_lines(["The minister signed the agreement in Rabat."], "auto", "x", allowed=("sw", "ar"))


@pytest.mark.parametrize("text, message", [
    ("", "<stdin>: file is empty"),
    ("Advertisement\n\nShare\n", "<stdin>: no content sentences after removing boilerplate"),
    ("The minister said on Wednesday that the new road would open next year.\n",
     "<stdin>: unsupported language 'en' (detected)"),
])
def test_errors_name_stdin_one_way(text: str, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Reading errors said "<stdin>", those after it "stdin" (its article id, which reads as a file of that name).
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    with pytest.raises(InputError) as caught:
        load_document("-", allowed=("sw", "ar"))
    assert str(caught.value).startswith(message)
