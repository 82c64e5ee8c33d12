"""detect_language / resolve_language on the seeds, on short text and with language aliases."""

from __future__ import annotations

from pathlib import Path

import pytest

from mt.errors import InputError
from mt.langid import (
    LANGUAGES,
    SOURCE_LANGUAGES,
    canonical_code,
    detect_language,
    mixed_language_warning,
    resolve_language,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.mark.parametrize(
    ("stem", "lang"),
    [
        ("000_c34c121e1dd8a5b8", "sw"),
        ("001_1a95481d527c8dce", "ar"),
        ("002_c72093ee3c81bb2f", "ar"),
        ("003_644d7ec9ad0a14b6", "en"),
        ("004_12f480076838e1d3", "en"),
    ],
)
def test_seed_languages(stem: str, lang: str) -> None:
    assert detect_language((SEEDS / f"{stem}.txt").read_text(encoding="utf-8")) == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Habari", "sw"),
        ("Pata taarifa kuu", "sw"),
        ("وقال الوزير", "ar"),  # py3langid says ary/arz for some short Arabic: folded to ar
        ("Israel and Morocco sign deal", "en"),
        ("Le ministre a signé un accord de coopération militaire avec son homologue marocain.", "fr"),
    ],
)
def test_short_and_other_text(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_text_without_letters_is_undetermined() -> None:
    assert detect_language("24 / 7 - 2021") == "und"
    with pytest.raises(InputError, match="cannot detect"):
        resolve_language("24 / 7")


@pytest.mark.parametrize(
    "noise",
    ["a" * 2000, "asdf qwer zxcv " * 50, "Morocco Israel Rabat Gantz Kochavi Belkhir El Farouk Dror Shalom FAR " * 10,
     "".join("abcdefghijklmnopqrstuvwxyz "[(i * 7919) % 27] for i in range(2000))],
    ids=["one-letter", "keyboard", "names-only", "letter-soup"],
)
def test_a_paragraph_in_no_language_is_undetermined(noise: str) -> None:
    assert detect_language(noise) == "und"
    with pytest.raises(InputError, match="cannot identify the language: the text reads as none of Swahili"):
        resolve_language(noise)
    assert resolve_language(noise, "sw") == "sw"  # an explicit language is taken as given


def test_short_text_still_gets_a_guess() -> None:
    # Below a paragraph the fallback guesses among the toolkit's languages, as for a headline or a name.
    assert detect_language("a" * 150) in {"sw", "en"}
    assert detect_language("Rabat") in {"sw", "en"}


@pytest.mark.parametrize(
    ("alias", "code"),
    [
        ("swh", "sw"),
        ("swa", "sw"),
        ("sw_Latn", "sw"),
        ("swh_Latn", "sw"),
        ("SW", "sw"),
        ("ara", "ar"),
        ("arb", "ar"),
        ("arb_Arab", "ar"),
        ("ary", "ar"),
        ("arz", "ar"),
        ("ar-EG", "ar"),
        ("eng", "en"),
        ("eng_Latn", "en"),
        ("en-US", "en"),
        ("fr", "fr"),
    ],
)
def test_aliases(alias: str, code: str) -> None:
    assert canonical_code(alias) == code


def test_resolve_requested_and_detected() -> None:
    assert resolve_language("anything", "swh", SOURCE_LANGUAGES) == "sw"
    assert resolve_language("وقع المغرب وإسرائيل مذكرة تفاهم في الشؤون الدفاعية.", "auto", SOURCE_LANGUAGES) == "ar"
    assert resolve_language("The two countries signed an agreement.") == "en"
    assert set(LANGUAGES) == {"sw", "ar", "en"}


def test_a_given_language_in_the_wrong_script_is_refused() -> None:
    # --src ar on a Swahili article only warned, then read it as Arabic: 18 "sentences" instead of 13, Swahili
    # boilerplate kept, and a corpus labelled ar.
    swahili = (SEEDS / "000_c34c121e1dd8a5b8.txt").read_text(encoding="utf-8")
    arabic = (SEEDS / "001_1a95481d527c8dce.txt").read_text(encoding="utf-8")
    with pytest.raises(InputError, match=r"in Latin letters \(100%\), not in Arabic script"):
        resolve_language(swahili, "ar", SOURCE_LANGUAGES)
    with pytest.raises(InputError, match=r"in Arabic script \(100%\), so it is not Swahili"):
        resolve_language(arabic, "sw", SOURCE_LANGUAGES)
    # The same script is the user's call: a Swahili article the identifier reads as English (long quotes).
    english = (SEEDS / "003_644d7ec9ad0a14b6.txt").read_text(encoding="utf-8")
    assert resolve_language(english, "sw", SOURCE_LANGUAGES) == "sw"
    assert resolve_language(arabic, "ar", SOURCE_LANGUAGES) == "ar"


def test_resolve_refuses_unsupported_language() -> None:
    with pytest.raises(InputError) as info:
        resolve_language("The two countries signed an agreement in Rabat on Wednesday.", "auto", SOURCE_LANGUAGES)
    message = str(info.value)
    assert message.startswith("unsupported language 'en'") and "supported: sw" in message and "\n" not in message
    with pytest.raises(InputError, match="unsupported language 'fr'"):
        resolve_language("texte", "fr")


def test_an_article_half_in_english_gets_a_warning_and_a_clean_one_none() -> None:
    swahili = [
        "Morocco na Israel zimekubaliana kuimarisha ushirikiano wao wa kijeshi na kiusalama.",
        "Mkutano huo ulifanyika mjini Rabat siku ya Jumanne na Jumatatu.",
        "Algeria inaona ukaribu huu kwa wasiwasi mkubwa sana tangu mwaka jana.",
    ]
    english = [
        "The meeting was co-chaired by the inspector general of the armed forces.",
        "Various aspects of cooperation were also examined by both sides.",
    ]
    assert mixed_language_warning(swahili, "sw", "a.txt") is None
    warning = mixed_language_warning(swahili + english, "sw", "a.txt")
    assert warning is not None and warning.startswith("a.txt: 2 of 5 sentences read as English, not Swahili")
    assert "more than" not in warning and warning.endswith("give each language its own file")
    # Most of it in the other language: said so, not left to contradict the language the article was read as.
    most = mixed_language_warning(swahili[:1] + english, "sw", "a.txt")
    assert most is not None and ", more than the Swahili the article was read as); they are processed as" in most
    # Names and numbers alone do not make a Swahili sentence English.
    assert mixed_language_warning(swahili + ["Benny Gantz, Aviv Kochavi na Belkhir El Farouk."], "sw", "a") is None


@pytest.mark.parametrize("text", ["Привет, как дела?", "Москва — столица России.", "你好世界，今天天气很好。",
                                  "東京は日本の首都です。", "Καλημέρα κόσμε"])
def test_short_text_in_another_script_is_not_swahili(text: str) -> None:
    # Below the identifier's length floor the choice was only between Swahili and English, whatever the script.
    with pytest.raises(InputError, match="unsupported language|cannot identify"):
        resolve_language(text)


def test_half_arabic_half_english_and_fullwidth_latin_are_read_as_ours() -> None:
    assert detect_language("مرحبا Hello") in ("ar", "en")
    assert detect_language("Ｓｗａｈｉｌｉ ｎｅｗｓ") in ("sw", "en")


def test_arabic_vowel_marks_do_not_count_as_letters_in_the_script_vote() -> None:
    # Short text is given to the script most of its letters are in; marks (fatha, damma...) are not letters, and
    # counting them read a Latin name with one vowelled Arabic word as Arabic.
    assert detect_language("Gantz قَالَ") == detect_language("Gantz قال")
    assert detect_language("قَالَ") == "ar"
