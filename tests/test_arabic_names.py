"""eval.arabic_names: English names found in Arabic text by their consonants, for fact checks without MT."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.arabic_names import ArabicText, arabic_skeleton, english_skeletons, searchable

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = ["ووقع المذكرة نائب رئيس الوزراء الإسرائيلي ووزير الدفاع بيني غانتس الذي يقوم بزيارة.",
             "وعقد المسؤول الإسرائيلي اجتماعا مع وزير الخارجية ناصر بوريطة.",
             "وقد احتل الأسترالي ميتشل جورلي المركز الحادي عشر.",
             "وشارك في رئاسة الاجتماع المفتش العام بلخير الفاروق."]


def test_skeletons_keep_the_consonants_both_scripts_write() -> None:
    assert arabic_skeleton("غانتس") == "gnts" and "gnts" in english_skeletons("Gantz")
    # "tch" is read as sh or ts: ميتشل writes t-sh.
    assert arabic_skeleton("ميتشل") in english_skeletons("Mitchell")
    assert english_skeletons("Kochavi") == {"kf", "ksf", "ktsf"}


@pytest.mark.parametrize("name, where", [
    ("Israeli Defence Minister Benny Gantz", [0]), ("Moroccan Foreign Minister Nasser Burita", [1]),
    ("Mitchell Gourley", [2]), ("FAR Inspector General Belkhir El Farouk", [3]),
    # Another person with one of the same names, or a name the text does not hold, is not found.
    ("Benny Wong", []), ("Nasser Hussein", []), ("Donald Trump", []),
])
def test_names_are_found_where_their_consonants_stand(name: str, where: list[int]) -> None:
    assert ArabicText(SENTENCES).sentences_naming(name) == where


def test_only_names_of_two_words_with_two_consonants_each_are_looked_for() -> None:
    # One word (Gantz), or a word of one consonant (Aviv: f), would meet unrelated Arabic words too often.
    assert searchable("Benny Gantz") and not searchable("Gantz") and not searchable("Aviv Kochavi")
    assert not searchable("Defence Minister")  # everyday words are titles, not names


def test_english_names_found_in_arabic_count_as_found_the_rest_stay_unchecked() -> None:
    from align.model import Alignment, Edge
    from eval.facts import fact_coverage
    from mt.document import Document, Sentence

    ar = Document("ar", "ar", [Sentence(SENTENCES[0], 0, 0), Sentence(SENTENCES[1], 0, 0)])
    en = Document("en", "en", [Sentence("The memorandum was signed by Defence Minister Benny Gantz in Rabat.", 0, 0),
                               Sentence("He later met Foreign Minister Nasser Burita and Joe Biden.", 0, 0)])
    facts = fact_coverage(Alignment(ar, en, [Edge(0, 0, 1.1)]))
    status = {f["value"]: (f["status"], f["matches"], f["in_aligned"]) for f in facts["tgt"] if f["kind"] == "name"}
    assert status["Defence Minister Benny Gantz"] == ("found", [0], True)
    assert status["Foreign Minister Nasser Burita"] == ("found", [1], False)  # sentence 1 has no partner
    assert status["Joe Biden"][0] == "unchecked" and status["Rabat"][0] == "unchecked"
    assert (facts["tgt_facts"], facts["tgt_found"], facts["tgt_unchecked"]) == (2, 2, 2)


def test_the_measuring_script_runs_on_small_sets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import eval_name_transliteration as script

    english = ["Minister Benny Gantz arrived.", "Nasser Burita spoke.", "It rained.", "Rain fell.", "The end.",
               "Cats slept.", "Dogs ran."]
    arabic = [SENTENCES[0], SENTENCES[1], "أمطرت.", "هطل المطر.", "النهاية.", "نامت القطط.", "ركضت الكلاب."]
    for en_name, ar_name in script.SETS:
        (tmp_path / en_name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / en_name).write_text("\n".join(english) + "\n", encoding="utf-8")
        (tmp_path / ar_name).write_text("\n".join(arabic) + "\n", encoding="utf-8")
    assert script.main(["--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "all: 6 multi-word names, found in their Arabic line 6 (100.0%); found in an unrelated line 0 of" in out
    assert script.main(["--data", str(tmp_path / "missing")]) == 1


def test_a_surname_alone_is_found_where_the_full_name_is() -> None:
    from align.model import Alignment, Edge
    from eval.facts import fact_coverage
    from mt.document import Document, Sentence

    ar = Document("ar", "ar", [Sentence(SENTENCES[0], 0, 0), Sentence("وعقد اجتماعا مع وزير الخارجية.", 0, 0)])
    en = Document("en", "en", [Sentence("The memo was signed by Benny Gantz in Rabat.", 0, 0),
                               Sentence("After that, Gantz met Kochavi.", 0, 0)])
    facts = fact_coverage(Alignment(ar, en, [Edge(0, 0, 1.1), Edge(1, 1, 1.1)]))
    status = {f["value"]: (f["status"], f["matches"], f["in_aligned"]) for f in facts["tgt"] if f["kind"] == "name"}
    assert status["Benny Gantz"] == ("found", [0], True)
    # Gantz is the man named in full in Arabic sentence 0, which is not sentence 1's partner; Kochavi is nowhere.
    assert status["Gantz"] == ("found", [0], False) and status["Kochavi"][0] == "unchecked"
