"""Fact extraction: the numbers, dates, weekdays and names each sentence states, in a language-neutral form.

Hand-written rules, because no maintained library extracts dates and names for Swahili and Maghrebi Arabic
(Moroccan month names such as "نونبر" or "يوليوز" are unknown to dateparser-style tools) and the facts
only need to be compared across languages, not fully parsed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from align.features import STOPWORDS
from eval.common_words import WORD, common_words
from eval.territories import arabic_places
from mt.calendar import MONTHS, WEEKDAYS
from mt.normalize import ARABIC_DIGITS

# English three-letter abbreviations collide with words ("may", "mar", "dec"); only full names count alone.
_AMBIGUOUS_MONTHS = {"jan", "feb", "mar", "apr", "may", "mei", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}


# An optional one-letter clitic (wa-, bi-, fa-, li-) glued to Arabic month and weekday names.
_AR_CLITIC = "[وبفل]?"
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
# A month, then (US style, "November 3, 2021", "Nov. 3") a day, then a year.
_MONTH_RE = re.compile(
    rf"(?<![\w]){_AR_CLITIC}(?P<month>{_MONTH_ALT})\.?(?![\w])"
    r"(?:\s+(?P<day_after>[0-3]?\d)(?:st|nd|rd|th)?(?![\d\w]))?"
    r"(?:\s*,?\s*(?P<year>(?:1[89]|20)\d\d)(?!\d))?",
    re.IGNORECASE,
)
# A day just before a month: "3 November", "3rd of November", "tarehe 3 Mei"; `range` catches "24-25 November" and
# "between 24 and 25 November", whose second day alone is not the date.
_DAY_BEFORE_RE = re.compile(r"(?<![\d.,])(?P<range>\d{1,2}\s*(?:[-–]|to|and|hadi|na|إلى|و)\s*)?"
                            r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:\s+of)?\s*$", re.IGNORECASE)
_ISO_DATE_RE = re.compile(r"(?<![\w.-])(?P<year>(?:1[89]|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?![\w-])")
# After a month's day: a range ("November 24-25"), or a count rather than a day ("November 30,000 people").
_NOT_A_DAY_AFTER_RE = re.compile(r"\s*[-–]\s*\d|[,.]\d")
_DAY_RANGE_AFTER_RE = re.compile(r"\s*[-–]\s*[0-3]?\d(?:st|nd|rd|th)?(?![\d\w])"
                                 r"(?:\s*,?\s*(?P<year>(?:1[89]|20)\d\d)(?!\d))?")
_NUMBER_RE = re.compile(
    r"(?<![\w.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)"
    r"(?P<pct>\s*(?:%|percent\b|per cent\b|في المائة|في المئة|بالمائة|بالمئة))?",
    re.IGNORECASE,
)
_PERCENT_WORD_RE = re.compile(r"\basilimia\s+(?P<num>\d+(?:[.,]\d+)?)", re.IGNORECASE)
# With or without يوم/يومي ("on the day of"): "يومي الاثنين والثلاثاء" (Monday and Tuesday), "الأربعاء". Monday and
# Sunday are also words ("بين الاثنين", between the two; "الأحد عشر", the eleven): alone they need يوم, or another
# weekday joined to them by و.
_AR_AMBIGUOUS_DAYS = ("الاثنين", "الإثنين", "الأحد", "الاحد")
_AR_DAY_ALT = "|".join(w for w in WEEKDAYS if not w.isascii())
_AR_PLAIN_DAY_ALT = "|".join(w for w in WEEKDAYS if not w.isascii() and w not in _AR_AMBIGUOUS_DAYS)
_AR_WEEKDAY_RE = re.compile(
    r"(?<![\w])(?:" + _AR_CLITIC + r"يومي?\s+" + _AR_CLITIC + r"(?P<day>" + _AR_DAY_ALT + r")"
    r"|" + _AR_CLITIC + r"(?P<plain>" + _AR_PLAIN_DAY_ALT + r")"
    r"|" + _AR_CLITIC + r"(?P<listed>" + "|".join(_AR_AMBIGUOUS_DAYS) + r")(?=\s+و(?:" + _AR_DAY_ALT + r")))"
    r"(?![\w])")
_LATIN_WEEKDAY_RE = re.compile(r"\b(?P<day>" + "|".join(w for w in WEEKDAYS if w.isascii()) + r")\b", re.IGNORECASE)

# A dotted acronym ("U.S.", "U.N.") is one word: read letter by letter, each letter was too short to be a name.
_TOKEN_RE = re.compile(rf"(?:[A-Z]\.){{2,}}|{WORD}|\d+|[\"“”«»:;()\[\]]|\S", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s$")
CONNECTORS = {"of", "the", "ya", "wa", "la", "za", "cha", "vya", "al", "el", "de", "du", "bin", "ibn", "bint"}
# Words that open a run of capitals without being part of a name: "Between Casablanca", "Mnamo Jumatatu" (on
# Monday), "Siku ya Jumanne", "Former Israeli army chief". English function words, the adjectives that put a title in
# time, and the Swahili words that start sentences.
_STOP_INITIAL = STOPWORDS | set("""
former ex late then outgoing incoming acting current retired
mnamo katika kwa na lakini hata pia hii hiyo huyo hao wakati baada kabla kulingana ingawa hivyo kama ni si tangu
kwamba mimi yeye wao sisi wewe hapo huko hapa pamoja bila kutokana kuhusu dhidi zaidi ambapo ambaye ambao hadi mpaka
au ila bali je siku mwaka mwezi leo jana kesho
""".split())  # noqa: SIM905
_OPENERS = {'"', "“", "«", ":", ";", "(", "["}


@dataclass(frozen=True)
class Fact:
    """One checkable fact as it occurs in one sentence."""

    kind: str  # "number", "percent", "year", "date", "month", "weekday", "name"
    value: str  # language-neutral form: "80%", "2021-11", "month:7", "Benny Gantz"
    text: str  # the words as written
    sentence: int  # index of the sentence in its document
    via_translation: bool = False  # extracted from the machine translation, not from the original text

    def offered(self) -> set[str]:
        """Keys this fact offers to facts of the other side (a date offers its month and its year too)."""
        if self.kind == "date":
            year, month, *day = self.value.split("-")
            offered = {f"date:{self.value}", f"date:{year}-{month}", f"month:{int(month)}", f"year:{year}",
                       f"number:{year}"}
            # "*": the month without a day, which neither states nor contradicts another article's day.
            return offered | ({f"month:{int(month)}-{day[0]}"} if day else {f"date:{year}-{month}-*",
                                                                            f"month:{int(month)}-*"})
        if self.kind == "year":
            return {f"year:{self.value}", f"number:{self.value}"}
        if self.kind == "month":
            month = self.value.split("-")[0]
            return {self.value, month} | (set() if "-" in self.value else {f"{month}-*"})
        return {f"{self.kind}:{self.value}"}

    def wanted(self) -> set[str]:
        """The keys of which the other side must offer one for this fact to count as found.

        A date with a day is found where the other article gives that day, or that month with no day at all; only
        another day of the month is a miss ("3 November" against "30 November")."""
        if self.kind == "date":
            with_day = self.value.count("-") == 2
            return {f"date:{self.value}"} | ({f"date:{self.value.rsplit('-', 1)[0]}-*"} if with_day else set())
        if self.kind == "month":
            return {self.value} | ({self.value.split("-")[0] + "-*"} if "-" in self.value else set())
        return {f"{self.kind}:{self.value}"}


def normalise_digits(text: str) -> str:
    """Map Arabic-Indic and Persian digits, and the Arabic percent/decimal signs, to ASCII."""
    return unicodedata.normalize("NFKC", text).translate(ARABIC_DIGITS)


def _clean_number(raw: str) -> str:
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
        raw = raw.replace(",", "")
    raw = raw.replace(",", ".")
    if "." in raw:
        raw = raw.rstrip("0").rstrip(".")
    return raw.lstrip("0") or "0"


def _dates_and_numbers(text: str, sentence: int) -> list[Fact]:
    text = normalise_digits(text)
    facts: list[Fact] = []
    taken: list[tuple[int, int]] = []
    for m in _ISO_DATE_RE.finditer(text):  # "2021-11-03": a date, not a year and two numbers
        if 1 <= int(m.group("month")) <= 12 and 1 <= int(m.group("day")) <= 31:
            facts.append(Fact("date", f"{m.group('year')}-{m.group('month')}-{m.group('day')}", m.group(0), sentence))
            taken.append(m.span())
    for m in _MONTH_RE.finditer(text):
        word, written = m.group("month").lower(), m.group("month")
        start, end = m.start(), m.end()
        day_after, year = _day_after(text, m), m.group("year")
        if m.group("day_after") and not day_after:
            end, year = m.start("day_after"), None  # "May 45", "November 30,000": a number, read as one below
            days = _DAY_RANGE_AFTER_RE.match(text, m.end("day_after"))
            if days:  # "November 24-25, 2021": the month (and year) is the fact, the days are no numbers
                end, year = days.end(), days.group("year")
        window = text[max(0, start - 16):start]
        before = _DAY_BEFORE_RE.search(window)
        before = before if before and 1 <= int(before.group("day")) <= 31 else None
        # An abbreviation ("Nov.", "May") is a month only capitalised and next to a day or a year.
        if word in _AMBIGUOUS_MONTHS and not (written[0].isupper() and (day_after or before or year)):
            continue
        if word == "march" and written[0].islower():
            continue
        if word.isascii() and not written[0].isupper() and not year:
            continue  # lower-case English "may"/"march" is a verb far more often than a month
        month = MONTHS[word]
        if end == m.end() and word not in _AMBIGUOUS_MONTHS and text[end - 1] == ".":
            end -= 1  # "in August." ends the sentence: the period is no abbreviation's, and not part of the fact
        if before:
            start -= len(window) - before.start()
            # A range's days are not one date: the month (and year) is the fact.
            day_after = None if before.group("range") else day_after or before.group("day")
        # The day is part of the fact: "3 November 2021" is not stated by "30 November 2021".
        suffix = f"-{int(day_after):02d}" if day_after else ""
        if year:
            facts.append(Fact("date", f"{year}-{month:02d}{suffix}", text[start:end].strip(), sentence))
        else:
            facts.append(Fact("month", f"month:{month}{suffix}", text[start:end].strip(), sentence))
        taken.append((start, end))
    for rx in (_AR_WEEKDAY_RE, _LATIN_WEEKDAY_RE):
        for m in rx.finditer(text):
            day = next(g for g in (m.groupdict().get(k) for k in ("day", "plain", "listed")) if g)
            facts.append(Fact("weekday", str(WEEKDAYS[day.lower()]), m.group(0), sentence))
    for m in _PERCENT_WORD_RE.finditer(text):
        facts.append(Fact("percent", _clean_number(m.group("num")) + "%", m.group(0), sentence))
        taken.append(m.span())
    for m in _NUMBER_RE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        value = _clean_number(m.group("num"))
        if m.group("pct"):
            facts.append(Fact("percent", value + "%", m.group(0), sentence))
        elif re.fullmatch(r"(?:1[89]|20)\d\d", value):
            facts.append(Fact("year", value, m.group(0), sentence))
        else:
            facts.append(Fact("number", value, m.group(0), sentence))
    return facts


def _day_after(text: str, m: re.Match[str]) -> str | None:
    """The day written after the month of match `m` ("November 3", "Nov. 3rd"), or None.

    None for a range ("November 24-25"), a count ("November 30,000", "In November 25 people were killed": a day is
    followed by a lower-case word only after "on"), and numbers over 31."""
    raw = m.group("day_after")
    if not raw or not 1 <= int(raw) <= 31 or _NOT_A_DAY_AFTER_RE.match(text, m.end("day_after")):
        return None
    follows = re.match(r"\s+([a-z])", text[m.end("day_after"):])
    if follows and not re.search(r"\bon\s+$", text[max(0, m.start() - 4):m.start()], re.IGNORECASE):
        return None
    return raw


def _is_cap(token: str) -> bool:
    return token[:1].isupper() and token[:1].isalpha()


def _mid_sentence_capitals(texts: list[str]) -> set[str]:
    """Words written capitalised somewhere other than at the start of a sentence or quote: likely names."""
    seen: set[str] = set()
    for text in texts:
        tokens = _TOKEN_RE.findall(text)
        for k, tok in enumerate(tokens):
            if k > 0 and tokens[k - 1] not in _OPENERS and tokens[k - 1] not in ".!?" and _is_cap(tok):
                seen.add(_POSSESSIVE.sub("", tok))  # names are compared without their possessive ending
    return seen


def _names(text: str, sentence: int, known: set[str], via_translation: bool = False,
           lenient: bool = False) -> list[Fact]:
    """Names of one sentence; `lenient` keeps a capitalised first word of a sentence even if it is nowhere else."""
    tokens = _TOKEN_RE.findall(text)
    facts: list[Fact] = []
    k = 0
    while k < len(tokens):
        if not _is_cap(tokens[k]):
            k += 1
            continue
        run = [k]
        j = k + 1
        # A possessive ends a name: "Morocco's Abdellatif Loudiyi" is Morocco and a person, not one name that the
        # word Morocco alone would match.
        while j < len(tokens) and not _POSSESSIVE.search(tokens[run[-1]]):
            if _is_cap(tokens[j]):
                run.append(j)
                j += 1
            elif tokens[j].lower() in CONNECTORS and j + 1 < len(tokens) and _is_cap(tokens[j + 1]):
                run += [j, j + 1]
                j += 2
            else:
                break
        words = [_POSSESSIVE.sub("", tokens[i]) for i in run]
        initial = k == 0 or tokens[k - 1] in _OPENERS or tokens[k - 1] in ".!?"
        # A capital at the start of a sentence proves nothing: keep that word only if it is capitalised elsewhere.
        # (A run of two or more capitalised words, "Benny Gantz met", is a name even at the start.)
        initial = initial and not lenient and not (len(run) >= 2 and run[1] == k + 1 and _is_cap(tokens[k + 1]))
        # An acronym is a name even when it spells a function word ("US", "IT").
        while words and ((initial and words[0] not in known) or len(words[0]) < 2
                         or (words[0].lower() in _STOP_INITIAL and not words[0].isupper())
                         or words[0].lower() in CONNECTORS
                         or (len(words) > 1 and (words[0].lower() in WEEKDAYS or words[0].lower() in MONTHS))):
            words = words[1:]
            initial = False
        if len(words) == 1:
            words = [w for w in words if w.lower() not in MONTHS and w.lower() not in WEEKDAYS]
        while words and words[-1].lower() in CONNECTORS:
            words = words[:-1]
        if words and not all(w.lower() in MONTHS or w.lower() in WEEKDAYS for w in words):
            facts.append(Fact("name", " ".join(words), " ".join(words), sentence, via_translation))
        k = j
    return facts


def has_latin_capitals(lang: str) -> bool:
    """Whether names in `lang` are written with capital letters (not in Arabic, Persian, Urdu or Hebrew script)."""
    return lang not in {"ar", "fa", "ur", "he"}


def name_candidates(texts: list[str]) -> list[Fact]:
    """Every run of capitalised words, a sentence's first word included: where a name of the other side may stand.

    Extraction leaves a sentence's capitalised first word out unless it is capitalised elsewhere too ("Lionsgate
    studio received ..."), which is right for counting facts but not for looking one up.
    """
    return [f for i, text in enumerate(texts) for f in _names(text, i, set(), lenient=True)]


def extract_facts(texts: list[str], lang: str, translations: list[str] | None = None) -> list[Fact]:
    """Facts of every sentence: numbers and dates from the text, names from its translation when given, else from it.

    Names come from the translation whenever there is one, in Swahili too: it gives titles and places in the English
    form the other article uses ("Waziri wa Ulinzi" is "Defence Minister"), which spelling cannot match. Without one,
    an Arabic text's names are its countries and regions only (eval.territories), in their English form."""
    facts: list[Fact] = []
    known = _mid_sentence_capitals(texts) if has_latin_capitals(lang) else set()
    known_tr = _mid_sentence_capitals(translations) if translations else set()
    for i, text in enumerate(texts):
        facts += _dates_and_numbers(text, i)
        if translations is not None and i < len(translations) and translations[i].strip():
            facts += _names(translations[i], i, known_tr, via_translation=True)
        elif has_latin_capitals(lang):
            facts += [part for fact in _names(text, i, known) for part in split_at_verbs(fact, lang)]
        elif lang == "ar":
            # Arabic script has no capitals to find names by; countries and regions have standard Arabic names.
            facts += [Fact("name", english, words, i) for english, words in arabic_places(text)]
    return facts


def split_at_verbs(fact: Fact, lang: str) -> list[Fact]:
    """A Swahili name run cut at a capitalised verb or "Na" between names: "Aviv Kochavi Alikwenda Morocco" is two.

    Captions and title-case headlines capitalise their verbs ("Alikwenda", went), which joined two names into one
    that neither article states; a verb at a run's edge is left out too. A verb is an everyday word
    (eval.common_words) that opens with a subject and a tense prefix (a-li-kwenda, wa-me-fika): many Swahili personal
    names are everyday words too (Suluhu, Amani, Baraka), so being everyday alone is no reason to cut, and no Swahili
    morphology library is maintained for this."""
    words = fact.value.split()
    if lang != "sw" or fact.kind != "name" or len(words) < 2:
        return [fact]
    everyday = common_words(lang)
    # "Na" (and) of a title-case headline is cut at too: "Samia Suluhu Hassan Na Joe Biden".
    verb = [w.lower() == "na" or (len(w) >= 6 and w.lower() in everyday and bool(_SW_VERB_RE.fullmatch(w.lower())))
            for w in words]
    if not any(verb):
        return [fact]
    parts, part = [], []
    for word, is_verb in zip([*words, "na"], [*verb, True], strict=True):
        if not is_verb:
            part.append(word)
            continue
        while part and part[-1].lower() in CONNECTORS:
            part.pop()
        while part and part[0].lower() in CONNECTORS:
            part.pop(0)
        if part:
            parts.append(" ".join(part))
        part = []
    return [Fact("name", p, p, fact.sentence, fact.via_translation) for p in parts]


# A person as subject (a-, he or she; wa-, they) then a tense or aspect marker. Other subject prefixes read nouns as
# verbs: u-li-nzi is "Ulinzi" (defence), in "Waziri wa Ulinzi Benny Gantz".
_SW_VERB_RE = re.compile(r"(?:a|wa)(?:li|me|ta|na|nge|ngali|ki|sha|ka)[a-z]{2,}")
