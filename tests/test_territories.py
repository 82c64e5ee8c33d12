"""eval.territories: countries and regions found in Arabic text by their CLDR names, for fact checks without MT."""

from __future__ import annotations

from eval.territories import arabic_places, is_place, normalise_arabic


def test_names_with_clitics_article_adjectives_and_short_vowels() -> None:
    text = ("وقع المغرب وإسرائيلَ بالرباط مذكرة مع الولايات المتحدة الأمريكية، ورحب مسؤول مغربي والوزيرة "
            "الإسرائيلية بالاتفاق للمغرب والصحراء الغربية.")
    assert arabic_places(text) == [
        ("Morocco", "المغرب"), ("Israel", "وإسرائيلَ"), ("United States", "الولايات المتحدة"), ("Morocco", "مغربي"),
        ("Israel", "الإسرائيلية"), ("Morocco", "للمغرب"), ("Western Sahara", "والصحراء الغربية")]


def test_words_that_only_contain_a_name_or_are_everyday_words_are_no_places() -> None:
    # مصرف (bank) holds مصر (Egypt), الهندسة (engineering) الهند (India); مالي (financial) is Mali's name too.
    assert arabic_places("افتتح مصرف كلية الهندسة بدعم مالي من العالم") == []
    # An article name without its article is an adjective only with a nisba ending: مغرب alone is "west".
    assert arabic_places("صلاة مغرب اليوم") == []
    assert arabic_places("زار مصر والهند وفرنسا") == [("Egypt", "مصر"), ("India", "والهند"), ("France", "وفرنسا")]


def test_english_place_names() -> None:
    assert is_place("Morocco") and is_place("Western Sahara") and is_place("US") and is_place("Britain")
    assert not is_place("Rabat") and not is_place("Moroccan") and not is_place("Benny Gantz")
    assert normalise_arabic("إِسْرَائِيل") == "اسرائيل"


def test_arabic_fact_checks_without_translation_cover_places_only() -> None:
    from align.model import Alignment, Edge
    from eval.facts import fact_coverage
    from mt.document import Document, Sentence

    ar = Document("ar", "ar", [Sentence("وقع المغرب وإسرائيل مذكرة في الرباط.", 0, 0),
                               Sentence("وزار وزير الدفاع الإسرائيلي بيني غانتس الرباط.", 0, 0)])
    en = Document("en", "en", [Sentence("On Monday Morocco and Israel signed a memorandum with Algeria in Rabat.", 0, 0),
                               Sentence("The Moroccan army said US President Joe Biden welcomed it.", 0, 0)])
    facts = fact_coverage(Alignment(ar, en, [Edge(0, 0, 1.1)]))
    src = {(f["value"], f["text"], f["status"]) for f in facts["src"] if f["kind"] == "name"}
    assert src == {("Morocco", "المغرب", "found"), ("Israel", "وإسرائيل", "found"),
                   ("Israel", "الإسرائيلي", "found")}
    tgt = {f["value"]: f["status"] for f in facts["tgt"] if f["kind"] == "name"}
    # Algeria is a place the Arabic does not name: missing. Moroccan is one word that matched a place. A person
    # found only through a country ("US ... Joe Biden"), and a city, stay unchecked.
    assert tgt == {"Morocco": "found", "Israel": "found", "Algeria": "missing", "Rabat": "unchecked",
                   "Moroccan": "found", "US President Joe Biden": "unchecked"}
    assert facts["tgt_unchecked"] == 2 and (facts["tgt_facts"], facts["tgt_found"]) == (5, 3)  # and Monday, missing


def test_swahili_country_names_from_cldr_meet_the_english_ones() -> None:
    from eval.facts import names_match
    from eval.place_names import canonical_places

    # Not in the hand-written list, and too far apart in spelling for fuzzy matching: CLDR gives them.
    assert names_match("Ayalandi", "Ireland") and names_match("Falme za Kiarabu", "United Arab Emirates")
    assert names_match("Saiprasi", "Cyprus") and not names_match("Saiprasi", "Ireland")
    # The hand-written forms win where news and CLDR differ: Uingereza, and CLDR's own name, are both Britain.
    assert canonical_places("Uingereza") == canonical_places("Ufalme wa Muungano") == canonical_places("UK") == "Britain"


def test_a_country_and_its_people_or_adjective_are_one_place() -> None:
    from eval.facts import names_match
    from eval.territories import place_word

    for word, place in (("swedish", "sweden"), ("japanese", "japan"), ("greek", "greece"), ("portuguese", "portugal"),
                        ("nigerian", "nigeria"), ("egyptians", "egypt"), ("moroccan", "morocco"), ("kenya", "kenya")):
        assert place_word(word) == place, word
    # Words that only start like a place, and irregular adjectives, name none.
    for word in ("indiana", "chinatown", "georgetown", "french", "michael", "maghreb"):
        assert place_word(word) is None, word
    # The Arabic السويديون (the Swedes) is Sweden, which the English states as "Swedish Kings"; Niger is not Nigeria's.
    assert names_match("Sweden", "Great Deeds by Swedish Kings") and names_match("Japan", "Japanese")
    assert not names_match("Niger", "Nigerian") and not names_match("Aviv Kochavi", "Aviv Cohen")
