"""Language identification with py3langid, folded to ISO 639-1 codes, and checks of requested languages."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from mt.errors import InputError

SOURCE_LANGUAGES = ("sw", "ar")  # the languages mtk translates into English and aligns with it
LANGUAGES = {"sw": "Swahili", "ar": "Arabic", "en": "English"}
UNDETERMINED = "und"

# Variants and ISO 639-2/3 codes that mean one of our languages (py3langid itself emits ary and arz).
_ALIASES = {
    "sw": {"sw", "swa", "swh", "swc", "swahili", "kiswahili"},
    "ar": {
        "ar",
        "ara",
        "arb",
        "ary",
        "arz",
        "apc",
        "apd",
        "acm",
        "acq",
        "acw",
        "aeb",
        "afb",
        "ajp",
        "arq",
        "ars",
        "ayl",
        "ayp",
        "abv",
        "shu",
        "ssh",
        "arabic",
    },
    "en": {"en", "eng", "english"},
}
_ALIAS_TO_CODE = {alias: code for code, aliases in _ALIASES.items() for alias in aliases}
# Other py3langid labels that are variants of a macro-language.
_FOLD = {"uzs": "uz", "wuu": "zh", "yue": "zh", "gug": "gn", "sdh": "ku", "hbo": "he"}
_MIN_LETTERS = 20  # below this, n-gram statistics are too thin to trust over the full label set
_MIN_CONFIDENCE = 0.5
# A paragraph or more that no label claims, and that reads as none of our languages either, is not text in any of
# them ("aaaa...", keyboard mashing, a list of names): guessing would align or translate noise without a word.
# Real articles score 1.0 (the seeds, all 40 MAFAND test documents); noise of that length scores under 0.02.
_PARAGRAPH_LETTERS = 200
_MIN_GUESS = 0.1
# py3langid's label for text with no linguistic content (random letters score 1.0 on it).
_NO_LANGUAGE = "zxx"
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff\uff21-\uff3a\uff41-\uff5a]")  # with fullwidth
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def _arabic_letters(text: str) -> int:
    """Letters of `text` in Arabic script; the vowel marks are in the same blocks but are not letters."""
    return sum(1 for ch in _ARABIC_LETTER.findall(text) if ch.isalpha())


@functools.lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """The py3langid model (about a second to load), shared by every call."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def canonical_code(code: str) -> str:
    """Map a language code or alias ('swh', 'arb', 'eng', 'sw_Latn', 'ar-EG') to ISO 639-1 where we know it."""
    base = re.split(r"[_\-]", code.strip().lower(), maxsplit=1)[0]
    return _ALIAS_TO_CODE.get(base, _FOLD.get(base, base))


def _scores_by_code(text: str) -> dict[str, float]:
    """The identifier's probabilities for `text`, summed per language code (its labels fold as canonical_code does)."""
    scores: dict[str, float] = {}
    for label, score in _identifier().rank(text):
        code = canonical_code(label)
        scores[code] = scores.get(code, 0.0) + score
    return scores


def detect_language(text: str) -> str:
    """ISO 639-1 code of the main language of `text`; 'und' when it has no letters or reads as no language."""
    letters = sum(ch.isalpha() for ch in text)
    if letters == 0:
        return UNDETERMINED
    scores = _scores_by_code(text)
    best = max(scores, key=scores.__getitem__)
    if letters >= _MIN_LETTERS and scores[best] >= _MIN_CONFIDENCE:
        return UNDETERMINED if best == _NO_LANGUAGE else best
    # Short or ambiguous text (a headline, a name): choose among the languages this toolkit handles, by script first.
    arabic = _arabic_letters(text)
    if arabic * 2 > letters:
        return "ar"
    if (len(_LATIN_LETTER.findall(text)) + arabic) * 2 <= letters:
        # Mostly another script (Cyrillic, Greek, CJK): none of ours, however short; "Привет" was read as Swahili.
        return best if best not in (_NO_LANGUAGE, *LANGUAGES) else UNDETERMINED
    guess = max((code for code in LANGUAGES if code != "ar"), key=lambda code: scores.get(code, 0.0))
    if letters >= _PARAGRAPH_LETTERS and scores.get(guess, 0.0) < _MIN_GUESS:
        return UNDETERMINED
    return guess


def resolve_language(text: str, requested: str = "auto", allowed: Iterable[str] | None = None) -> str:
    """The language to use: `requested` (an alias is fine) or, for 'auto', the detected one; InputError if not allowed."""
    permitted = [canonical_code(code) for code in (allowed if allowed is not None else LANGUAGES)]
    if requested.strip().lower() in ("", "auto"):
        code = detect_language(text)
        if code == UNDETERMINED:
            if not any(ch.isalpha() for ch in text):
                raise InputError("cannot detect the language of a text without letters; give the language explicitly")
            names = ", ".join(LANGUAGES.values())
            raise InputError(f"cannot identify the language: the text reads as none of {names} nor any other "
                             "language; give the language explicitly")
        how = " (detected)"
    else:
        code = canonical_code(requested)
        how = ""
        _refuse_other_script(text, code)
    if code not in permitted:
        names = ", ".join(f"{c} ({LANGUAGES.get(c, c)})" for c in permitted)
        raise InputError(f"unsupported language '{code}'{how}; supported: {names}")
    return code


# A language given by the user is trusted (the identifier can be misled by long English quotes), unless the text is
# not even in its script: at least this share of the letters in the other one.
_OTHER_SCRIPT_SHARE = 0.8


def _refuse_other_script(text: str, code: str) -> None:
    """InputError when `text` is written in Latin letters and `code` is Arabic, or the other way round."""
    letters = sum(ch.isalpha() for ch in text)
    if code not in LANGUAGES or letters == 0:
        return
    arabic = _arabic_letters(text) / letters
    latin = len(_LATIN_LETTER.findall(text)) / letters
    name = LANGUAGES[code]
    if code == "ar" and latin >= _OTHER_SCRIPT_SHARE:
        raise InputError(f"the text is in Latin letters ({latin:.0%}), not in Arabic script, so it is not {name}; "
                         "leave the language out to detect it")
    if code != "ar" and arabic >= _OTHER_SCRIPT_SHARE:
        raise InputError(f"the text is in Arabic script ({arabic:.0%}), so it is not {name}; leave the language out "
                         "to detect it")


# A sentence counts as written in another language only when the identifier is this sure of it: a Swahili sentence
# full of English names must not count as English.
_SURE = 0.9
# Warn when at least this share of an article's letters is in sentences of another supported language.
_MIXED_SHARE = 0.3


def _sentence_language(text: str) -> tuple[str, float]:
    """The most probable language of one sentence and its probability, summed over the labels of that language.

    The identifier splits an Arabic sentence between ar, arz, fa and ur; they fold to one code or stay apart."""
    scores = _scores_by_code(text)
    letters = sum(ch.isalpha() for ch in text)
    if letters and _arabic_letters(text) * 2 > letters:
        # Written in Arabic script: among the languages read here, only Arabic can be it.
        scores["ar"] = max(scores.get("ar", 0.0), sum(v for c, v in scores.items() if c not in ("sw", "en")))
    best = max(scores, key=scores.__getitem__)
    return best, scores[best]


def other_language_share(texts: list[str], lang: str, any_language: bool = False) -> tuple[float, str | None, int]:
    """(share of letters, language, sentence count) of the sentences of `texts` clearly in another supported language.

    Detection runs per sentence; only sentences of at least 20 letters identified with probability 0.9 or more count.
    `any_language` counts languages this toolkit does not handle too (French machine translation, say).
    """
    counts: dict[str, int] = {}
    letters: dict[str, int] = {}
    total = 0
    for text in texts:
        n = sum(ch.isalpha() for ch in text)
        total += n
        if n < _MIN_LETTERS:
            continue
        code, prob = _sentence_language(text)
        if code != lang and (code in LANGUAGES or (any_language and code != _NO_LANGUAGE)) and prob >= _SURE:
            counts[code] = counts.get(code, 0) + 1
            letters[code] = letters.get(code, 0) + n
    if not letters or total == 0:
        return 0.0, None, 0
    other = max(letters, key=letters.__getitem__)
    return letters[other] / total, other, counts[other]


def mixed_language_warning(texts: list[str], lang: str, label: str) -> str | None:
    """A one-line warning when much of an article labelled `lang` is clearly in another supported language."""
    share, other, count = other_language_share(texts, lang)
    if other is None or share < _MIXED_SHARE:
        return None
    name, other_name = LANGUAGES.get(lang, lang), LANGUAGES[other]
    # The whole text's language is told by its strongest features (Arabic script), so the other one can be most of it.
    most = f", more than the {name} the article was read as" if share > 0.5 else ""
    return (f"{label}: {count} of {len(texts)} sentences read as {other_name}, not {name} ({share:.0%} of the "
            f"text{most}); they are processed as {name}: give each language its own file")
