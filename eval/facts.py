"""Fact coverage: the facts of each side of an aligned pair (eval.fact_extraction), each marked found or missing."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from typing import Any

from align.model import Alignment
from eval.arabic_names import ArabicText, name_words
from eval.common_words import is_everyday_phrase
from eval.coverage import share
from eval.fact_extraction import CONNECTORS, Fact, extract_facts, has_latin_capitals, name_candidates
from eval.place_names import canonical_places
from eval.territories import is_place, place_word


@dataclass
class FactCheck:
    """A fact of one side and where (if anywhere) the other side states it."""

    fact: Fact
    found: bool
    matches: list[int] = field(default_factory=list)  # sentence indices on the other side
    in_aligned: bool = False  # found in a sentence aligned with the fact's sentence


def _name_tokens(name: str) -> list[str]:
    return [t.lower() for t in re.findall(r"[^\W\d_]+", name) if t.lower() not in CONNECTORS]


def _variants(word: str) -> list[str]:
    # Swahili marks peoples and languages with noun-class prefixes: Wapalestina = Palestinians, Kiarabu = Arabic.
    return [word] + [word[len(p):] for p in ("wa", "ki", "m") if word.startswith(p) and len(word) - len(p) >= 4]


def _same_word(a: str, b: str) -> bool:
    # Ratio 0.8 accepts inflected or borrowed forms ("Israel"/"Israeli", "Palestina"/"Palestinians"); a country and
    # its adjective or people are one place too ("Japan"/"Japanese", 0.77), as the Arabic المصريين is Egypt.
    if any(x == y or (min(len(x), len(y)) >= 4 and SequenceMatcher(None, x, y).ratio() >= 0.8)
           for x in _variants(a) for y in _variants(b)):
        return True
    place = place_word(a.lower())
    return place is not None and place == place_word(b.lower())


def _key(token: str) -> str:
    # The same 5-letter prefix as the aligner's content words: "Israel"/"Israeli" and "Moroccan"/"Morocco" meet.
    return token.lower()[:5]


def names_match(a: str, b: str, common: frozenset[str] = frozenset()) -> bool:
    """True when at least half of the words of the shorter name appear (fuzzily) in the other.

    And, when name `a` has words outside `common` (the event's everyday names, see common_name_keys), one of those
    must be among them."""
    ca, cb = canonical_places(a), canonical_places(b)
    ta, tb = _name_tokens(ca), _name_tokens(cb)
    if not ta or not tb:
        return False
    if "".join(ta) == "".join(tb):  # "Wi-Fi" / "WiFi", "Al-Farouk" / "AlFarouk"
        return True
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    hits = sum(any(_same_word(w, v) for v in long_) for w in short)
    if hits < max(1, (len(short) + 1) // 2):
        return False
    if _other_person(ca, cb):
        return False
    # "Rais Zebedayo Mwakalinga wa Morocco" is not found because the other side says "Morocco": its own words that
    # every sentence does not repeat must be there too.
    own = [w for w in ta if _key(w) not in common]
    return not own or any(_same_word(w, v) for w in own for v in tb)


def _other_person(a: str, b: str) -> bool:
    """True for two names that share a first word but end in different capitalised words: two people.

    "Aviv Kochavi" and "Aviv Cohen", "Belkhir El Farouk" and "Belkhir Hassan": half their words match, which is how a
    translated name is found ("Kamati ya Olimpiki" / "Olympic Committee"), but a journalist must see the other person
    as missing. A last word that matches anywhere in the other name ("jeshi la Israel" / "Israeli army") is no sign.
    """
    wa = [w for w in re.findall(r"[^\W\d_]+", a) if w.lower() not in CONNECTORS]
    wb = [w for w in re.findall(r"[^\W\d_]+", b) if w.lower() not in CONNECTORS]
    if len(wa) < 2 or len(wb) < 2 or not (wa[-1][0].isupper() and wb[-1][0].isupper()):
        return False
    la, lb = wa[-1].lower(), wb[-1].lower()
    if any(_same_word(la, v.lower()) for v in wb) or any(_same_word(lb, v.lower()) for v in wa):
        return False
    # Only clearly unrelated surnames: transliterations of one name differ a lot too (Haniyeh / Haniya 0.77,
    # Gaddafi / Kadhafi 0.71, Loudiyi / Ludiya 0.77), different people far more (Cohen / Kochavi 0.33, Tusk / Trump
    # 0.44).
    if SequenceMatcher(None, la, lb).ratio() >= _SAME_SURNAME_FLOOR:
        return False
    return any(_same_word(x.lower(), y.lower()) for x in wa[:-1] for y in wb[:-1])


_SAME_SURNAME_FLOOR = 0.5


def common_name_keys(texts: list[str], share: float = 0.25) -> frozenset[str]:
    """Keys (see _key) of the words that at least `share` of the sentences hold, e.g. the two countries of the event."""
    counts: dict[str, int] = {}
    for text in texts:
        for key in {_key(t) for t in re.findall(r"[^\W\d_]+", text)}:
            counts[key] = counts.get(key, 0) + 1
    return frozenset(k for k, n in counts.items() if n >= share * max(len(texts), 1))


def _matches(fact: Fact, others: list[Fact], common: frozenset[str]) -> list[int]:
    if fact.kind == "name":
        return sorted({o.sentence for o in others if o.kind == "name" and names_match(fact.value, o.value, common)})
    want = fact.wanted()
    return sorted({o.sentence for o in others if want & o.offered()})


def check_facts(facts: list[Fact], others: list[Fact], partners: dict[int, list[int]],
                common: frozenset[str] = frozenset()) -> list[FactCheck]:
    """Mark each fact found or missing among `others`.

    `partners` maps a sentence to its aligned sentences; a name must match on a word outside `common` when it has
    one (names_match)."""
    out = []
    for fact in facts:
        hits = _matches(fact, others, common)
        aligned = set(partners.get(fact.sentence, []))
        out.append(FactCheck(fact, bool(hits), hits, bool(aligned & set(hits))))
    return out


def fact_coverage(alignment: Alignment) -> dict[str, Any]:
    """Source facts checked against the English article and English facts against the source, all listed."""
    src_texts = alignment.src.texts
    tgt_texts = alignment.tgt.texts
    src_facts = extract_facts(src_texts, alignment.src.lang, alignment.translations)
    if has_latin_capitals(alignment.src.lang) and alignment.translations is not None:
        # A name translated into English form ("Sahara Magharibi" -> "Western Sahara") is still the same name.
        src_facts_for_en = src_facts + [
            Fact("name", f.value, f.text, f.sentence, True)
            for f in extract_facts(alignment.translations, "en") if f.kind == "name"
        ]
    else:
        src_facts_for_en = src_facts
    tgt_facts = extract_facts(tgt_texts, alignment.tgt.lang)
    src_partners = {i: alignment.targets_of(i) for i in range(len(src_texts))}
    tgt_partners = {j: alignment.sources_of(j) for j in range(len(tgt_texts))}
    # Collapse repeats of one fact in one sentence ("Morocco ... Morocco") so counts reflect distinct facts.
    # Arabic script holds none of these words: its sentences would only dilute the share (Israel in every English one).
    latin_src = list(src_texts) if has_latin_capitals(alignment.src.lang) else []
    common = common_name_keys(latin_src + list(tgt_texts) + list(alignment.translations or []))
    # A fact is looked for among the other side's facts and also among all its capitalised words (a name can open a
    # sentence there, where extraction does not count it).
    tgt_lookup = tgt_facts + name_candidates(list(tgt_texts))
    src_lookup = src_facts_for_en + (name_candidates(list(src_texts)) if has_latin_capitals(alignment.src.lang) else [])
    if alignment.translations is not None:
        src_lookup += name_candidates(list(alignment.translations))
    src_checks = _dedupe(check_facts(src_facts, tgt_lookup, src_partners, common))
    tgt_checks = _dedupe(check_facts(tgt_facts, src_lookup, tgt_partners, common))
    unchecked: list[FactCheck] = []
    src_unchecked: list[FactCheck] = []
    if not (has_latin_capitals(alignment.src.lang) or alignment.translations is not None):
        tgt_checks, unchecked = _check_in_arabic(tgt_checks, src_texts, tgt_partners)
    elif alignment.translations is None:
        # Spelling alone compares the names: a title in everyday words ("Waziri wa Ulinzi", "Director") is worded
        # differently by the other language, so not finding it proves nothing.
        src_checks, src_unchecked = _split_titles(src_checks, alignment.src.lang)
        tgt_checks, unchecked = _split_titles(tgt_checks, alignment.tgt.lang)
    elif gaps := set(alignment.untranslated()):
        # A sentence no translation was found for gives its names in its own words, as without MT.
        titles = {id(c) for c in _split_titles([c for c in src_checks if c.fact.sentence in gaps],
                                               alignment.src.lang)[1]}
        src_unchecked = [c for c in src_checks if id(c) in titles]
        src_checks = [c for c in src_checks if id(c) not in titles]
    src_found = sum(c.found for c in src_checks)
    tgt_found = sum(c.found for c in tgt_checks)
    return {
        "src_doc": alignment.src.doc_id,
        "tgt_doc": alignment.tgt.doc_id,
        "src_facts": len(src_checks),
        "src_found": src_found,
        "src_fact_coverage": share(src_found, len(src_checks)),
        "tgt_facts": len(tgt_checks),
        "tgt_found": tgt_found,
        "tgt_fact_coverage": share(tgt_found, len(tgt_checks)),
        "tgt_unchecked": len(unchecked),
        "names_via_translation": alignment.translations is not None,
        # Arabic script has no capitals to find names by: without a translation only numbers, dates and places count.
        "src_names_checked": has_latin_capitals(alignment.src.lang) or alignment.translations is not None,
        "src_unchecked": len(src_unchecked),
        "src": [_as_record(c, src_texts) for c in src_checks]
        + [_as_record(c, src_texts, "unchecked") for c in src_unchecked],
        "tgt": [_as_record(c, tgt_texts) for c in tgt_checks] + [_as_record(c, tgt_texts, "unchecked") for c in unchecked],
    }


def _check_in_arabic(checks: list[FactCheck], arabic: list[str],
                     partners: dict[int, list[int]]) -> tuple[list[FactCheck], list[FactCheck]]:
    """(English fact checks kept, English names left unchecked) against an Arabic article with no translation.

    English names cannot be looked for in Arabic script by spelling. Countries and regions can (eval.territories),
    and so can one word that matched one ("Moroccan"); a longer name that matched only through its country ("US
    President Donald Trump") is a person, found where its consonants are (eval.arabic_names), and so is a surname
    alone once its full name is found. A name not found so is unchecked, not missing: transliteration can show a
    name is there, not that it is absent."""
    text = ArabicText(arabic)
    wheres = {c.fact.value: text.sentences_naming(c.fact.value) for c in checks if c.fact.kind == "name"}
    # A surname alone ("Gantz said") is the person the article named in full before: found where the full name is.
    by_word: dict[str, set[int]] = {}
    for name, where in wheres.items():
        for word in name_words(name) if where else ():  # not its titles: "Minister" alone is nobody
            by_word.setdefault(word.lower(), set()).update(where)
    kept: list[FactCheck] = []
    unchecked: list[FactCheck] = []
    for c in checks:
        if c.fact.kind != "name" or is_place(c.fact.value) or (c.found and len(c.fact.value.split()) == 1):
            kept.append(c)
            continue
        where = wheres[c.fact.value] or sorted(by_word.get(c.fact.value.lower(), ()))
        if where:
            kept.append(FactCheck(c.fact, True, where, bool(set(partners.get(c.fact.sentence, [])) & set(where))))
        else:
            unchecked.append(c)
    return kept, unchecked


def _split_titles(checks: list[FactCheck], lang: str) -> tuple[list[FactCheck], list[FactCheck]]:
    """(checks kept, names not found that are titles in everyday words of `lang`, which spelling cannot check).

    A place in everyday words ("Umoja wa Mataifa", United Nations) is no title: its English form is known."""
    kept: list[FactCheck] = []
    titles: list[FactCheck] = []
    for c in checks:
        title = (c.fact.kind == "name" and not c.found and is_everyday_phrase(c.fact.value, lang, CONNECTORS)
                 and canonical_places(c.fact.value) == c.fact.value)
        (titles if title else kept).append(c)
    return kept, titles


def _dedupe(checks: list[FactCheck]) -> list[FactCheck]:
    seen: set[tuple[str, str, int]] = set()
    out = []
    for c in checks:
        key = (c.fact.kind, c.fact.value, c.fact.sentence)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _as_record(check: FactCheck, texts: list[str], status: str | None = None) -> dict[str, Any]:
    rec = asdict(check.fact)
    rec.update({
        "status": status or ("found" if check.found else "missing"),
        "matches": check.matches,
        "in_aligned": check.in_aligned,
        "sentence_text": texts[check.fact.sentence],
    })
    return rec
