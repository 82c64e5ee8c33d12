"""split_sentences / split_with_offsets: the repairs on top of sentencex for Swahili, Arabic and English."""

from __future__ import annotations

import pytest

from mt.segment import split_sentences, split_with_offsets


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "sw",
            "Dkt. Hussein Mwinyi alisema. Bw. Juma na Bi. Asha walifika.",
            ["Dkt. Hussein Mwinyi alisema.", "Bw. Juma na Bi. Asha walifika."],
        ),
        (
            "sw",
            "Prof. Lipumba na Mhe. Rais walikutana. Mh. Spika alikuwepo.",
            ["Prof. Lipumba na Mhe. Rais walikutana.", "Mh. Spika alikuwepo."],
        ),
        ("sw", "Bei ni Sh. 1,000 kwa kilo. Ilipanda.", ["Bei ni Sh. 1,000 kwa kilo.", "Ilipanda."]),
        (
            "sw",
            "Walinunua mchele, unga n.k. kwa ajili ya sherehe. Kisha wakaondoka.",
            ["Walinunua mchele, unga n.k. kwa ajili ya sherehe.", "Kisha wakaondoka."],
        ),
        (
            "sw",
            "Matunda, k.m. Maembe, yaliuzwa. Wote walinunua.",
            ["Matunda, k.m. Maembe, yaliuzwa.", "Wote walinunua."],
        ),
        (
            "sw",
            "Morocco inadhibiti 80% ya eneo hilo. Kiwango ni 3.5 sasa.",
            ["Morocco inadhibiti 80% ya eneo hilo.", "Kiwango ni 3.5 sasa."],
        ),
        (
            "sw",
            'Alisema "Tutaendelea na kazi." Kisha akaondoka.',
            ['Alisema "Tutaendelea na kazi."', "Kisha akaondoka."],
        ),
        ("sw", "J. K. Nyerere alikuwa Rais. Alifariki 1999.", ["J. K. Nyerere alikuwa Rais.", "Alifariki 1999."]),
        (
            "en",
            "Dr. Smith met Gen. Gantz in the U.S. on Monday. He said “We will go.” Then he left.",
            ["Dr. Smith met Gen. Gantz in the U.S. on Monday.", "He said “We will go.”", "Then he left."],
        ),
        (
            "en",
            "The answer was no. Then came No. 5 on the list.",
            ["The answer was no.", "Then came No. 5 on the list."],
        ),
        (
            "en",
            "Prices rose 3.5% to 1,000.25 dollars. Visit example.com today.",
            ["Prices rose 3.5% to 1,000.25 dollars.", "Visit example.com today."],
        ),
        (
            "ar",
            "هل ذهبت إلى الرباط؟ نعم ذهبت. قال د. محمد إن النسبة بلغت 3.5 في المئة.",
            ["هل ذهبت إلى الرباط؟", "نعم ذهبت.", "قال د. محمد إن النسبة بلغت 3.5 في المئة."],
        ),
        (
            "ar",
            "وأضاف الوزير: «لقد اتخذنا خطوة تاريخية.» ثم غادر؛ وانتهى الاجتماع.",
            ["وأضاف الوزير: «لقد اتخذنا خطوة تاريخية.»", "ثم غادر؛ وانتهى الاجتماع."],
        ),
        # The Arabic semicolon joins clauses as ";" does in English: splitting there made 19 of 22 FLORES, 7 of 7
        # NTREX and 56 of 56 TICO-19 lines that hold one more pieces than their English.
        ("ar", "قال إنه سيعود؛ وأضاف أن الوضع صعب.", ["قال إنه سيعود؛ وأضاف أن الوضع صعب."]),
        # A day of the month before the full stop is no initial: 51 of 53 such lines of the test sets were glued.
        ("en", "The talks began on May 6. The army attended.", ["The talks began on May 6.", "The army attended."]),
        ("sw", "Walifika Julai 9. Nakala ilifika London.", ["Walifika Julai 9.", "Nakala ilifika London."]),
        # "n.k." (etc.) ends a sentence before a capital; more Swahili titles, and Na. (namba) before a number.
        ("sw", "Walinunua mchele, unga n.k. Baadaye walilala.", ["Walinunua mchele, unga n.k.", "Baadaye walilala."]),
        ("sw", "Nyumba Na. 5 iliungua. Eng. Juma na Amb. Mahiga walifika. Sh. Ponda alisema.",
         ["Nyumba Na. 5 iliungua.", "Eng. Juma na Amb. Mahiga walifika.", "Sh. Ponda alisema."]),
        # A full stop with no space before the next sentence (text run together by a page's markup) ...
        ("ar", "وصل الوفد إلى الخرطوم.وقال المتحدث إن المحادثات بدأت.",
         ["وصل الوفد إلى الخرطوم.", "وقال المتحدث إن المحادثات بدأت."]),
        ("sw", "Walifika mapigano.Msemaji alisema hayo.", ["Walifika mapigano.", "Msemaji alisema hayo."]),
        # ... but not after a title, nor in an address.
        ("ar", "قال د.محمد إن الوضع صعب.", ["قال د.محمد إن الوضع صعب."]),
        ("sw", "Dkt.Mpango alisema. Tembelea www.Example.com au andika kwa juma.Hamisi@mail.com leo.",
         ["Dkt.Mpango alisema.", "Tembelea www.Example.com au andika kwa juma.Hamisi@mail.com leo."]),
        ("en", "Visit Google.Com today.", ["Visit Google.Com today."]),
        # Numbered items inside one sentence (FLORES, TICO-19), Arabic initials, and Swahili "Je!" opening a question.
        ("ar", "وتشمل الإجراءات (1) إغلاق المدارس، (2) منع التجمعات، (3) العمل عن بعد.",
         ["وتشمل الإجراءات (1) إغلاق المدارس، (2) منع التجمعات، (3) العمل عن بعد."]),
        ("en", "The plan has three parts. (1) Schools close. (2) Markets open.",
         ["The plan has three parts.", "(1) Schools close.", "(2) Markets open."]),
        ("ar", "قال الرئيس ج. ك. نيريري إن الوحدة مهمة. راسلونا على ص. ب. 1234 في الرباط.",
         ["قال الرئيس ج. ك. نيريري إن الوحدة مهمة.", "راسلونا على ص. ب. 1234 في الرباط."]),
        ("sw", "Je! Serikali itafanya nini sasa? Hakuna anayejua.", ["Je! Serikali itafanya nini sasa?", "Hakuna anayejua."]),
        # A numbered list inside a paragraph keeps each number with its item (not "on May 6." above).
        ("sw", "Waziri alitaja mambo matatu: 1. Bei ya mafuta itashuka. 2. Kodi itapunguzwa.",
         ["Waziri alitaja mambo matatu: 1. Bei ya mafuta itashuka.", "2. Kodi itapunguzwa."]),
        # ... a list that runs inside one sentence stays one, and a time or a score before a full stop is no number.
        ("sw", "Serikali ina vipaumbele vitatu: 1. Elimu bora kwa wote 2. Huduma za afya 3. Maji safi.",
         ["Serikali ina vipaumbele vitatu: 1. Elimu bora kwa wote 2. Huduma za afya 3. Maji safi."]),
        ("en", "The meeting began at 10:30. County leaders attended.",
         ["The meeting began at 10:30.", "County leaders attended."]),
        ("sw", "Simba ilishinda 3:2. Mashabiki walifurahi.", ["Simba ilishinda 3:2.", "Mashabiki walifurahi."]),
        # ... but a number in a sentence is no list: "nafasi ya 1." (position 1) before lower-case words.
        ("sw", "Timu ilishika nafasi ya 1. mwaka jana na sasa ni ya 2. Kocha alifukuzwa.",
         ["Timu ilishika nafasi ya 1. mwaka jana na sasa ni ya 2.", "Kocha alifukuzwa."]),
        # An Arabic site name written like an address, and a title inside brackets, hold their glued dots.
        ("ar", "وقال المتحدث للجزيرة.نت إن المحادثات بدأت.", ["وقال المتحدث للجزيرة.نت إن المحادثات بدأت."]),
        ("sw", "Alisema (Dkt.Mpango) atakuja. Kisha akaondoka.", ["Alisema (Dkt.Mpango) atakuja.", "Kisha akaondoka."]),
        ("ar", "وصل 1,000 شخص إلى المدينة. وغادر 80% منهم.", ["وصل 1,000 شخص إلى المدينة.", "وغادر 80% منهم."]),
        # A bare opening quote after a space opens the next sentence; a final one has nothing to open.
        ("sw", 'Alisema hivi. " Tutashinda ," aliongeza.', ["Alisema hivi.", '" Tutashinda ," aliongeza.']),
        ("en", '"Hello." " Then we left."', ['"Hello."', '" Then we left."']),
        ("en", "He came. « Then we left. »", ["He came.", "« Then we left. »"]),
        ("en", 'It ended. "', ['It ended. "']),
        # A question quoted before "she said": the comma goes on with the sentence, it does not start one.
        ("ar", 'هل قمتِ بتسريب تلك الوثيقة؟، قالت "أوه، ماذا؟" ثم ذهبت.',
         ['هل قمتِ بتسريب تلك الوثيقة؟، قالت "أوه، ماذا؟"', "ثم ذهبت."]),
        ("sw", "Je, umevujisha hati hiyo? , alisema. Kisha akaondoka.",
         ["Je, umevujisha hati hiyo? , alisema.", "Kisha akaondoka."]),
        # ... but not across a blank line: that is a new paragraph, however it starts.
        ("ar", "وصل الرئيس.\n\n، وفي المساء غادر.", ["وصل الرئيس.", "، وفي المساء غادر."]),
        ("en", "He left.\n\nand then nothing.", ["He left.", "and then nothing."]),
    ],
)
def test_split_sentences(lang: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, lang) == expected


def test_offsets_point_at_stripped_sentences() -> None:
    text = "  Dkt. Mwinyi alisema.   Bw. Juma alifika.  "
    spans = split_with_offsets(text, "sw")
    assert [text[s:e] for s, e in spans] == ["Dkt. Mwinyi alisema.", "Bw. Juma alifika."]
    assert spans[0][0] == 2


def test_text_without_final_stop_is_one_sentence() -> None:
    assert split_sentences("Israel and Morocco sign bilateral defence deal", "en") == [
        "Israel and Morocco sign bilateral defence deal"
    ]


def test_blank_text_has_no_sentences() -> None:
    assert split_sentences("   ", "sw") == []


@pytest.mark.parametrize(("text", "expected"), [
    # A stray full stop at the head of a line (FLORES devtest line 34) is no sentence of its own.
    (". Scientists say the result is strong.", ["Scientists say the result is strong."]),
    ("The team won. ... Fans cheered.", ["The team won. ...", "Fans cheered."]),
    ("The team won. ?!", ["The team won. ?!"]),
    ("…", ["…"]),  # a paragraph of punctuation only stays whole: cleaning drops it
])
def test_pieces_without_words_are_not_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text, "en") == expected


def test_paragraphs_of_punctuation_are_dropped() -> None:
    from mt.loader import document_from_text

    doc = document_from_text("The team won the cup.\n\n…\n\n* * *\n\nFans cheered in the streets.", lang="en")
    assert doc.texts == ["The team won the cup.", "Fans cheered in the streets."]
    assert [(d.text, d.reason) for d in doc.dropped] == [("…", "punctuation"), ("* * *", "punctuation")]


def test_text_without_full_stops_is_cut_into_sentence_sized_pieces() -> None:
    # One 300 KB line (a transcript, list items with no punctuation) took 110 s to align as one "sentence".
    from mt.segment import MAX_SENTENCE_CHARS

    words = ["habari", "za", "leo", "serikali", "imesema", "kwamba", "mpango"]
    text = " ".join(words[(i * 7919) % len(words)] for i in range(40_000))
    spans = split_with_offsets(text, "sw")
    assert len(spans) > 100 and all(end - start <= MAX_SENTENCE_CHARS for start, end in spans)
    assert " ".join(text[s:e] for s, e in spans) == text  # nothing lost, cut at spaces only
    # Where a clause ends near the limit, the cut falls after its comma.
    clauses = ", ".join(" ".join(words) for _ in range(400))
    first = split_with_offsets(clauses, "sw")[0]
    assert clauses[first[0]:first[1]].endswith(",")
