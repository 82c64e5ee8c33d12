"""Line patterns of web-page boilerplate (navigation, widgets, ads, credits) in English, Swahili and Arabic news sites.

Each rule matches a whole line (or hard-wrapped paragraph), never part of a sentence, so a content sentence that merely
mentions "share" or "advertisement" is kept. No maintained library covers Swahili and Arabic page chrome on plain text
(trafilatura and friends need the HTML), hence these hand-written lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mt.calendar import MONTHS

_TERMINAL = ".!?؟…"
# Punctuation around a label that does not change what it is: "Share :", "(Advertisement)", "- Related -".
_LABEL_TRIM = " \t:：.,;،؛|•·»«›‹>()[]{}-–—_*#\"'“”‘’"
# Arabic labels are spelled with or without short vowels and hamza ("اقرأ أيضًا", "اقرأ ايضاً", "إقرأ أيضا"): lines and
# patterns are compared with the vowel marks removed and every alef with hamza or madda read as a bare alef.
_ARABIC_MARKS = re.compile("[\u064b-\u0652\u0670]")
_ALEFS = str.maketrans("أإآٱ", "اااا")


def fold_arabic(text: str) -> str:
    """`text` with Arabic short vowels removed and alef variants made bare alef (other scripts unchanged)."""
    return _ARABIC_MARKS.sub("", text).translate(_ALEFS)


@dataclass(frozen=True)
class Rule:
    """Lines matching `pattern` (whole line, case-insensitive) are dropped with `reason`."""

    reason: str
    pattern: re.Pattern[str]
    max_words: int = 1000  # a long line is content even if it starts like boilerplate
    # A line that reads as prose (mt.cleaning: a sentence with lower-case words, no time stamp) and has this many words
    # or more is content even if it matches ("Image source is unclear, officials said."); 0: no such exception.
    sentence_words: int = 0


def _phrases(reason: str, phrases: str) -> Rule:
    """Rule for a '|'-separated list of exact labels (surrounding punctuation ignored)."""
    alternatives = "|".join(re.escape(fold_arabic(p.strip())).replace(r"\ ", r"\s+")
                            for p in phrases.split("|") if p.strip())
    return Rule(reason, re.compile(rf"(?:{alternatives})", re.IGNORECASE))


def _regex(reason: str, pattern: str, max_words: int = 1000, sentence_words: int = 0) -> Rule:
    return Rule(reason, re.compile(fold_arabic(pattern), re.IGNORECASE), max_words, sentence_words)


# Longest first, so that "september" is not read as "sep" followed by letters; a two-word spelling takes any spaces.
_MONTHS = "|".join(re.escape(m).replace(r"\ ", r"\s+") for m in sorted(MONTHS, key=len, reverse=True))
# What makes a line a time stamp rather than a sentence that mentions publishing ("Ilichapishwa mwaka 1967, ..."):
# a day with its month, a clock time, a numeric date, or a time ago.
_DATE_OR_TIME = (
    rf"\d{{1,2}}:\d{{2}}|\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}"
    rf"|\d{{1,2}}\s+(?:{_MONTHS})\b|\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b"
    r"|(?<!\d)\d{1,4}\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago"
    r"|\b(?:an?|one)\s+(?:minute|hour|day|week|month|year)\s+ago"
    r"|(?:sekunde|dakika|saa|siku|wiki|mwezi|miezi|mwaka|miaka)\s+\d+\s+(?:zilizopita|iliyopita|uliopita|ulioopita)"
    r"|(?:منذ|قبل)\s+(?:\d{1,4}\s*)?(?:ثانية|ثوان|ثواني|دقيقة|دقائق|دقيقتين|ساعة|ساعات|ساعتين|يوم|أيام|يومين|أسبوع|أسابيع|"
    r"أسبوعين|شهر|أشهر|شهرين)"
)
_TIME_WORDS = (
    r"updated|last\s+updated|published|posted|modified|on|at|gmt|utc|bst|eat|cat|wat|am|pm|a\.m|p\.m|ago|"
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun|"
    "imesasishwa|imechapishwa|ilichapishwa|ilisasishwa|saa|asubuhi|mchana|jioni|usiku|tarehe|"
    "jumatatu|jumanne|jumatano|alhamisi|ijumaa|jumamosi|jumapili|"
    r"آخر\s+تحديث|تحديث|نشر|في|بتوقيت|غرينتش|مكة|المكرمة|ص|م|صباحا|مساء|"
    "الاثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|الأحد"
)


_AGENCIES = (
    r"(?:AP|AFP|Reuters|REUTERS|EPA(?:-EFE)?|EFE|Getty\s+Images|Getty|Xinhua|Anadolu(?:\s+Agency)?|AA|DPA|Bloomberg|"
    r"Shutterstock|IRNA|WAM|SPA|MAP|Pool|ANP|PA|UPI|Sipa|Abaca|NurPhoto|TASS|Sputnik|KUNA|QNA|MENA)"
)
# A credit is an agency optionally followed by a separator and a photographer's name (at most five words).
_CREDIT = rf"(?:©\s*)?{_AGENCIES}(?:\s*(?:[-–—/|:]|via)\s*[\w.'’-]+(?:\s+[\w.'’-]+){{0,4}})?"
CREDIT_LINE = re.compile(rf"{_CREDIT}")  # case-sensitive: "AP", not the word "ap"
TRAILING_CREDIT = re.compile(rf"(?<=[.!?؟\"”»])\s+({_CREDIT})$")
URL = re.compile(r"(?:(?:https?://|www\.)\S+\s*)+", re.IGNORECASE)

NEUTRAL_RULES: tuple[Rule, ...] = (
    _regex("url", r"(?:(?:https?://|www\.)\S+\s*)+"),
    _regex("counter", r"(?=.*\d)[\d\s.,:/|·•+%()-]{1,24}"),
    # "Copyright 2024 ...", "Copyright © BBC", "Copyright BBC News"; not "Copyright infringement cases rose ..." nor
    # "Copyright Act amendments were passed ...".
    _regex("copyright", r"(?:©|\(c\)|copyright\s*(?:©|\(c\)|\d{4})).{0,120}", max_words=20),
    _regex("copyright", r"copyright\s+(?-i:[A-Z]).{0,60}", max_words=6, sentence_words=1),
    _regex("photo-credit", r"(?:©|\(c\))\s*.{1,60}", max_words=10),
    # An embedded tweet's signature: "— Jane Doe (@janedoe) June 4, 2024".
    _regex("embedded-post", rf"[^()]{{1,60}}\(@\w{{1,30}}\)\s*(?:(?:{_MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}}|"
           rf"\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{4}})", max_words=14),
    _regex("embedded-post", r"pic\.twitter\.com/\S+", max_words=1),
    _regex("navigation", r"(?:page\s+|ukurasa\s+|صفحة\s+)?\d{1,4}(?:\s*[|/·•]\s*\d{1,4})+(?:\s*[|/·•]?\s*(?:next|previous|prev|"
           r"ijayo|iliyopita|التالي|السابق|»|«|›|‹))?", max_words=20),
)

# Tried after the language rules, which name a line more precisely ("Image source: Getty / AFP" is a credit).
LAST_RULES: tuple[Rule, ...] = (
    # Each part holds a letter: "Simba | 10 | 8 | 1 | 1 | 25" is a table row.
    _regex("breadcrumb", r"(?=[^›»>/|]*[^\W\d_])[^.!?؟]{1,60}(?:\s[›»>/|]\s(?=[^›»>/|]*[^\W\d_])[^.!?؟›»>/|]{1,80}){2,}",
           max_words=20, sentence_words=6),
)

RULES: dict[str, tuple[Rule, ...]] = {
    "en": (
        _regex("reading-time", r".*\b\d+\s*(?:min(?:ute)?s?|mins?)\.?\s+read\b.*", max_words=14),
        _regex("not-found", r"(?:error\s+)?404(?:\s*[-:!.]\s*.*)?", max_words=12),
        _regex(
            "not-found",
            r"(?:oops|sorry|error)?[!.,:\s]*(?:the\s+|this\s+)?page\s+(?:was\s+)?not\s+found"
            r"(?:\s+on\s+(?:this|our)\s+(?:server|site|website))?(?:[.!:]\s*.{0,150}|\s*[-–|]\s*.{1,60})?|"
            r"(?:oops|sorry)?[!.,:\s]*(?:the\s+|this\s+|that\s+)?page\s+(?:you\s+\w+\s+(?:looking|searching)\s+for\s+|"
            r"you\s+requested\s+)?(?:could\s+not|cannot|can'?t)\s+be\s+found.*|"
            r"the\s+(?:page|content|article)\s+you\s+(?:are|were)\s+(?:looking|searching)\s+for.*",
            max_words=30,
        ),
        _regex("not-found", r"(?:nothing\s+found|no\s+results\s+found)\.?", max_words=6),
        _phrases(
            "advertisement",
            "advertisement|advertisements|advertising|ad|ads|sponsored|sponsored content|promoted|paid content|"
            "scroll to continue with content|continue reading below|story continues below|"
            "story continues below advertisement|article continues below advertisement",
        ),
        _regex(
            "share-widget",
            r"(?:share(?:\s+(?:this|the|on|via|with|article|story|post|page))*|tweet|email|e-mail|print|copy\s+link|"
            r"facebook|twitter|x|whatsapp|telegram|linkedin|pinterest|reddit|messenger|viber)"
            r"(?:[\s:,|/]+(?:share|tweet|email|e-mail|print|copy\s+link|facebook|twitter|x|whatsapp|telegram|linkedin|"
            r"pinterest|reddit|messenger|viber|this|article|story|on|via|with))*",
            max_words=12,
        ),
        _regex(
            "comment-widget",
            r"(?:\d+\s+)?\d+\s+votes?|article\s+rating|subscribe|notify\s+of|guest|\d+\s+comments?|comments?|oldest|"
            r"newest|newest\s+most\s+voted|most\s+voted|inline\s+feedbacks|view\s+all\s+comments|leave\s+a\s+(?:comment|reply)|"
            r"post\s+(?:a\s+)?comment|add\s+(?:a\s+)?comment|(?:please\s+)?log\s*in\s+to\s+comment|"
            r"be\s+the\s+first\s+to\s+comment.*|no\s+comments(?:\s+yet)?|reply|report|load\s+more\s+comments|"
            r"join\s+the\s+discussion|show\s+comments|hide\s+comments",
        ),
        _phrases(
            "navigation",
            "home|homepage|menu|main menu|skip to content|skip to main content|search|top stories|back to top|"
            "go to top|sign in|sign up|log in|login|register|newsletter|sections|next article|previous article|"
            "next post|previous post|next|previous|prev|close|open menu|toggle navigation|go to|follow us|"
            "follow us on|download our app|listen to this article|listen|audio|video|watch|watch live|live|more",
        ),
        _regex("breadcrumb", r"home\s*[›»>/|]\s*.{1,150}", max_words=20),
        _regex("byline", r"(?-i:By\s+[A-Z][\w.'’-]*(?:\s+(?:and\s+)?[A-Z][\w.'’-]*){0,4})", max_words=8),
        _regex(
            "byline",
            r"(?:(?:written|reported|reporting|edited|editing|compiled|additional\s+reporting)\s+by|"
            r"(?:author|reporter|correspondent|staff\s+writer|editor)\s*:)\s*[^.!?]{1,80}",
            max_words=14, sentence_words=7,
        ),
        _regex("source-credit", r"(?:source|sources|via|credit|credits)\s*:\s*.{1,80}", max_words=12),
        _regex(
            "timestamp",
            rf"(?=.*(?:{_DATE_OR_TIME}))(?:published|updated|last\s+updated|posted|modified)(?:\s+on)?\s*:?\s*.{{0,80}}",
            max_words=12, sentence_words=6,
        ),
        _regex("tags", r"(?:tags|topics|keywords|filed\s+under)\s*:.{0,200}|tags|topics", max_words=30),
        _regex("copyright", r"all\s+rights\s+reserved.*", max_words=15),
        _regex(
            "photo-credit", r"(?:(?:image|photo|picture)\s+(?:copyright|source|credit)|photo|picture|image|credit|"
            r"photograph|file\s+photo)\s*[:/]\s*.{1,60}", max_words=10,
        ),
        # BBC-style "Image copyright Getty Images", "Photo by Jane Doe/AP": a name, not "photos by the hundred".
        _regex("photo-credit", r"(?:image|photo|picture)\s+(?:copyright|source|credit)\b.{1,60}", max_words=10,
               sentence_words=6),
        _phrases("caption-label", "image caption|media caption|caption|video caption"),
        _regex("photo-credit", r"(?:photo|picture|image)s?\s+(?:by|courtesy\s+of)\s+(?-i:[A-Z]).{0,60}", max_words=8),
        _regex("navigation", r"follow\s+us\s+on\s+.{1,40}|subscribe\s+to\s+(?:our|the)\s+newsletter.{0,40}",
               max_words=8),
        _regex("navigation", r"(?:join|follow|subscribe\s+to)\s+(?:us|our)\s+(?:on\s+)?(?:channel\s+on\s+)?"
               r"(?:whatsapp|telegram|youtube|instagram|facebook|twitter|x|tiktok)\b.{0,40}", max_words=10),
        _phrases("navigation", "skip to navigation"),
        _regex("cookie-notice", r"(?:this\s+(?:web)?site|we)\s+uses?\s+cookies.{0,400}", max_words=80),
        _regex("cookie-notice", r"(?:accept|reject|allow|manage)(?:\s+all)?\s+cookies|cookie\s+(?:settings|policy|"
               r"preferences|notice)", max_words=6),
        # Agency and site widgets: Reuters' licensing link, AP's credit and copy button, Al Jazeera's list markers.
        _regex("navigation", r"purchase\s+licensing\s+rights(?:\s*,\s*opens\s+new\s+tab)?|list\s+of\s+\d+\s+items|"
               r"end\s+of\s+list", max_words=6),
        _phrases("share-widget", "copy link copied|link copied|copy link"),
        _regex("photo-credit", r"(?-i:(?:AP|AFP|Reuters|EPA|Getty)\s+Photo\s*/\s*.{1,60})", max_words=8),
    ),
    "sw": (
        _regex("reading-time", r".*\bdakika\s+\d+\s+(?:za\s+)?(?:kusoma|kusomwa)\b.*", max_words=14),
        # The page, its content or the article "is not found / has been removed", said of the reader's own request
        # ("unaoutafuta", "unayojaribu kuyatafuta": that you look for; "uliouomba") or of "this page", not a report
        # that some article was removed ("Makala hiyo imeondolewa baada ya malalamiko.").
        _regex(
            "not-found",
            r"(?:samahani[,!.]?\s*)?(?:ukurasa|maudhui|makala)(?:\s+(?:huu|hii|haya))?(?:\s+u(?:na|li)\w+(?:\s+\S+)?)?"
            r"\s+(?:haupatikani|haipatikani|hayapatikani|hazipatikani|haikupatikana|haukupatikana|haupo|haipo|hayapo|"
            r"yameondolewa|imeondolewa|umeondolewa|yamekwishaondolewa)\b(?:\s+(?:kwa\s+sasa|tena|au|\w*ondolewa|"
            r"\w*hamishwa))*(?:[.!]\s*.{0,150}|\s*[-–|]\s*.{1,60})?",
            max_words=14,
        ),
        _phrases(
            "advertisement", "matangazo|matangazo ya kibiashara|tangazo|tangazo la biashara|matangazo ya biashara"
        ),
        _phrases("share-widget", "kusambaza|sambaza|shiriki|shirikisha|sambaza habari hii|shiriki habari hii|"
                 "shirikisha habari hii"),
        _regex(
            "comment-widget",
            r"maoni|toa\s+maoni|andika\s+maoni|acha\s+maoni|\d+\s+maoni|maoni\s+\d+|hakuna\s+maoni(?:\s+bado)?",
        ),
        _phrases(
            "navigation",
            "pata taarifa kuu|habari kuu|nyumbani|mwanzo|tafuta|ingia|jiunge|jisajili|menyu|rudi juu|"
            "habari za hivi punde|fuatilia|tufuate|pakua programu yetu",
        ),
        _regex("breadcrumb", r"(?:nyumbani|mwanzo)\s*[›»>/|]\s*.{1,150}", max_words=20),
        _regex(
            "byline",
            r"(?:(?:imeandikwa|imeandaliwa|imehaririwa|imetafsiriwa|iliyoandikwa)\s+na|mwandishi\s*:|mhariri\s*:)"
            r"\s*[^.!?]{1,80}|na\s+mwandishi\s+wetu.{0,60}",
            max_words=12,
        ),
        _regex("source-credit", r"(?:chanzo|vyanzo)\s*:\s*.{1,80}", max_words=12),
        _regex("timestamp", rf"(?=.*(?:{_DATE_OR_TIME}))(?:imechapishwa|ilichapishwa|imesasishwa|ilisasishwa|imepakiwa)"
               r"\b.{0,60}", max_words=12, sentence_words=6),
        _regex("tags", r"(?:mada|vitambulisho)\s*:.{0,200}", max_words=30),
        _regex("copyright", r"haki\s+zote\s+zimehifadhiwa.*", max_words=15),
        _regex("photo-credit", r"(?:picha|chanzo\s+cha\s+picha)\s*[:/]\s*.{1,60}|chanzo\s+cha\s+picha\s*,.{1,60}",
               max_words=10),
        _phrases("caption-label", "maelezo ya picha|maelezo ya video"),
        # "Na Esther Namuhisa" (by ...): two or three capitalised words and no full stop, so "Na Rais alisema", a
        # title ("Na Rais Samia Suluhu Hassan") and a title-case headline ("Na Wanawake Wanapaswa Kulitumia.") are
        # not bylines.
        _regex("byline", r"(?-i:Na\s+(?!(?:Rais|Waziri|Mhe|Mheshimiwa|Dkt|Dk|Bw|Bi|Mungu|Serikali|Wanawake|Wananchi)\b)"
               r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2}|NA\s+[A-Z'’-]{2,}(?:\s+[A-Z'’-]{2,}){1,2})", max_words=4,
               sentence_words=1),
        # "Picha na Simão Hossi, CC-BY 3.0" (photo by ...): a capitalised name, so "Picha na video zilionyesha" stays.
        _regex("photo-credit", r"picha\s+(?:na|kwa\s+hisani\s+ya)\s+(?-i:[A-Z]).{0,60}", max_words=8),
        _regex("navigation", r"(?:tufuate|tufuatilie|fuatilia)\s+(?:kwenye|katika|kupitia)\s+.{1,40}|"
               r"jiunge\s+na\s+jarida\s+letu.{0,40}", max_words=8),
        # The site's own channel ("chaneli yetu", our channel) is a prompt even as a sentence; another group is news.
        _regex("navigation", r"(?=.*\b(?:yetu|letu|wetu|zetu|nasi)\b)(?:jiunge|tufuate|jisajili)\s+(?:na|nasi|kwenye|"
               r"katika)?\s*(?:\w+\s+){0,3}(?:whatsapp|telegram|youtube|instagram|facebook|twitter|tiktok)\b.{0,60}",
               max_words=14),
        _regex("navigation", r"(?:jiunge|tufuate|jisajili)\s+(?:na|nasi|kwenye|katika)?\s*(?:\w+\s+){0,3}"
               r"(?:whatsapp|telegram|youtube|instagram|facebook|twitter|tiktok)\b.{0,40}", max_words=10,
               sentence_words=6),
        # BBC's markers around an embedded post and its disclaimer: "Ruka Twitter ujumbe, 1", "Mwisho wa Twitter ujumbe".
        _regex("embedded-post", r"(?:ruka|mwisho\s+wa)\s+(?:twitter|x|facebook|instagram|youtube|tiktok)\s+ujumbe"
               r"(?:\s*,?\s*\d+)?", max_words=6),
        _regex("embedded-post", r"bbc\s+haihusiki\s+na\s+maudhui\s+ya\s+kurasa\s+za\s+nje.{0,80}", max_words=25),
        _phrases("navigation", "ruka hadi maudhui"),
        _regex("cookie-notice", r"tovuti\s+hii\s+inatumia\s+(?:vidakuzi|cookies).{0,400}", max_words=80),
    ),
    "ar": (
        _regex(
            "reading-time",
            r".*(?:(?<!\d)\d{1,3}\s*(?:دقائق|دقيقة|دقيقتان|د)\s*(?:لل)?قراءة|(?:وقت\s+ال)?قراءة\s*:?\s*\d{1,3}\s*"
            r"(?:دقائق|دقيقة|د)).*",
            max_words=14,
        ),
        _regex(
            "not-found",
            # The page or content "you are looking for" / "requested": not "the item the agency published was deleted".
            r"(?:عذرا[،,]?\s*)?(?:خطأ\s*404\s*[-:]?\s*)?(?:ال)?(?:صفحة|محتوى|مقال|خبر)\s+"
            r"(?:(?:التي|الذي)\s+(?:تبحث|تحاول|طلبت)\S*(?:\s+\S+){0,2}?\s+|المطلوبة?\s+)?(?:قد\s+)?"
            r"(?:غير\s+موجود|غير\s+متوفر|غير\s+متاح|لم\s+يتم\s+العثور|تم\s+حذف)\S*"
            r"(?:\s+(?:حاليا|الآن|او|أو|ربما|تم|حذفها|حذفه|نقلها|نقله|عليها|عليه))*(?:[.!]\s*.{0,150}|\s*[-–|]\s*.{1,60})?",
            max_words=20,
        ),
        _phrases(
            "advertisement",
            "إعلان|اعلان|إعلانات|اعلانات|محتوى مدعوم|محتوى إعلاني|مساحة إعلانية|مساحة اعلانية|إعلان تجاري",
        ),
        _phrases(
            "share-widget",
            "شارك|شارك الخبر|شارك المقال|شارك هذا المقال|شارك هذا الخبر|مشاركة|مشاركة الخبر|انشر|نشر|طباعة|"
            "شارك على فيسبوك|شارك على تويتر|فيسبوك|تويتر|واتساب|تيليجرام|تلغرام|نسخ الرابط",
        ),
        _regex(
            "comment-widget",
            r"تعليقات|التعليقات|أضف\s+تعليق(?:ك|ا)?|اضف\s+تعليق(?:ك|ا)?|اترك\s+تعليق(?:ا|اً)?|\d+\s+تعليق(?:ات)?|"
            r"لا\s+توجد\s+تعليقات|أرسل\s+تعليق(?:ك|ا)?",
        ),
        _phrases(
            "navigation",
            "الرئيسية|الصفحة الرئيسية|القائمة|القائمة الرئيسية|بحث|ابحث|تسجيل الدخول|دخول|اشترك|اشترك الآن|"
            "النشرة البريدية|تابعنا|تابعونا|تابعنا على|العودة للأعلى|حمل تطبيقنا|استمع|فيديو|مباشر",
        ),
        _regex("breadcrumb", r"(?:الرئيسية|الصفحة\s+الرئيسية)\s*[›»>/|<«-]\s*.{1,150}", max_words=20),
        # "ناظورسيتي: متابعة" ("Nador City: follow-up"): a site's attribution, not a fact.
        _regex(
            "byline",
            r"[^.:؟!]{1,40}\s*[:：-]\s*(?:متابعة|متابعات|متابعة\s+خاصة|وكالات|خاص|تقرير|مراسلة|ترجمة)"
            r"|بقلم\s*[:：]?\s*[^.؟!]{1,50}"
            r"|(?:متابعة|كتب|كتبت|تحرير|إعداد|اعداد|المحرر|مراسل|ترجمة)\s*[:：]\s*[^.؟!]{1,50}",
            max_words=7,
        ),
        _regex("source-credit", r"(?:المصدر|مصدر|المصادر|عن)\s*[:：]\s*.{1,80}", max_words=12),
        _regex(
            "timestamp",
            rf"(?=.*(?:{_DATE_OR_TIME}))(?:نشر\s+في|نُشر\s+في|تاريخ\s+النشر|آخر\s+تحديث|اخر\s+تحديث|تم\s+التحديث|محدث)"
            r"\s*:?.{0,60}",
            max_words=12, sentence_words=6,
        ),
        _regex("tags", r"(?:الوسوم|وسوم|الكلمات\s+المفتاحية|كلمات\s+مفتاحية|مواضيع)\s*:.{0,200}", max_words=30),
        _regex("copyright", r"(?:جميع\s+الحقوق\s+محفوظة|حقوق\s+النشر).*", max_words=15),
        _regex("photo-credit", r"(?:صورة|الصورة|تصوير|مصدر\s+الصورة|صور)\s*[:/]\s*.{1,60}|مصدر\s+الصورة\s*[،,].{1,60}",
               max_words=10),
        _phrases("caption-label", "التعليق على الصورة|تعليق الصورة|شرح الصورة|التعليق على الفيديو"),
        _regex("navigation", r"تابعونا?\s+على\s+.{1,40}|اشترك\s+في\s+(?:نشرتنا|النشرة).{0,40}", max_words=8),
        _phrases("navigation", "انتقل إلى المحتوى|تخطى إلى المحتوى"),
        # BBC Arabic's markers around an embedded post or podcast.
        _regex("embedded-post", r"(?:تخطى|تخط|نهاية)\s+(?:تويتر|فيسبوك|انستغرام|إنستغرام|يوتيوب|البودكاست|تيك\s*توك)"
               r"(?:\s+\S+){0,3}", max_words=6),
        _regex("cookie-notice", r"(?:يستخدم|نستخدم)\s+(?:هذا\s+الموقع\s+)?(?:ملفات\s+)?(?:تعريف\s+الارتباط|الكوكيز|كوكيز)"
               r".{0,400}", max_words=80),
    ),
}

# "Read also"-style labels. Alone (or with a glued section name: "You might also likeRELATED") they head a block of
# links and teaser titles; the "teaser" ones may also carry a single teaser title on the same line.
# A site's section names ("Michezo", Sport). Alone in the text they may be a crosshead ("Afya" over the health part of
# an article), so mt.cleaning drops them only where a menu stands: at the top of the page or among other page chrome.
_SECTION_LABELS = {
    "en": "news|world|africa|politics|business|sport|sports|health|culture|technology|science|opinion|entertainment|"
    "lifestyle|travel",
    "sw": "habari|michezo|biashara|burudani|afya|siasa|uchumi|teknolojia|makala|video|sauti|matukio|kimataifa|"
    "kitaifa|dunia|afrika",
    "ar": "أخبار|سياسة|اقتصاد|رياضة|ثقافة|منوعات|تكنولوجيا|صحة|مجتمع|تقارير|مقالات|آراء|رأي",
}


def section_label_pattern(lang: str) -> re.Pattern[str]:
    """Whole-line pattern of the section names of the languages that apply to `lang` (match it against label())."""
    return re.compile(rf"(?:{_alternation(p for c in languages_for(lang) for p in _SECTION_LABELS[c].split('|'))})",
                      re.IGNORECASE)


_DATE_OR_TIME_RE = re.compile(fold_arabic(_DATE_OR_TIME), re.IGNORECASE)
_TIME_WORD_RE = re.compile(fold_arabic(rf"\b(?:{_MONTHS}|{_TIME_WORDS})\b|\d+"), re.IGNORECASE)
_FILLER = re.compile(r"[\s,.:;|/–—()-]+")
TIMESTAMP_MAX_WORDS = 12


def is_timestamp_line(text: str) -> bool:
    """True for a line that is only a date or time: "4 June 2024", "Dakika 5 zilizopita", "Updated 10:42 GMT".

    Done by removing the parts rather than by one regular expression over the line: a pattern of optional
    separators between tokens that may also hold them ("12/05/...") took tens of seconds on a line of digits."""
    if not _DATE_OR_TIME_RE.search(text):
        return False
    rest = _TIME_WORD_RE.sub(" ", _DATE_OR_TIME_RE.sub(" ", text))
    return not _FILLER.sub("", rest)


_RELATED_TEASER = {
    "en": "read also|also read|read more|see also|watch also|also see|more on this",
    "sw": "soma pia|soma zaidi|soma habari zaidi|tazama pia|pia soma|habari zinazohusiana",
    "ar": "اقرأ أيضا|اقرأ أيضاً|اقرأ ايضا|إقرأ أيضا|إقرأ أيضاً|اقرأ المزيد|شاهد أيضا|شاهد أيضاً|اقرأ كذلك|طالع أيضا|"
    "طالع أيضاً",
}
_RELATED_HEADER = {
    "en": "related|related story|related article|related news|related articles|related posts|related stories|related content|related topics|latest news|"
    "latest stories|latest|latest posts|you might also like|you may also like|you might like|recommended to you|"
    "recommended for you|recommended|more stories|more news|more from|most read|most popular|popular|trending|"
    "trending now|don't miss|editor's picks|further reading|other news|in other news|top news|more in",
    "sw": "habari zaidi|habari nyingine|habari za hivi punde|habari mpya|zilizosomwa zaidi|unaweza pia kupenda|"
    "makala zinazohusiana|habari zinazofanana|habari maarufu|mada zinazohusiana|unaweza pia kusoma",
    "ar": "ذات صلة|مواضيع ذات صلة|أخبار ذات صلة|اخبار ذات صلة|مقالات ذات صلة|آخر الأخبار|اخر الاخبار|آخر الاخبار|الأكثر قراءة|"
    "الأكثر مشاهدة|الاكثر قراءة|قد يهمك أيضا|قد يهمك أيضاً|قد يهمك|قد يعجبك أيضا|قد يعجبك أيضاً|أخبار متعلقة|"
    "المزيد من الأخبار|أخبار أخرى|المزيد",
}


def _alternation(phrases: Iterable[str]) -> str:
    ordered = sorted({fold_arabic(p.strip()) for p in phrases if p.strip()}, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


def languages_for(lang: str) -> tuple[str, ...]:
    """Pattern sets to apply for a page in `lang`: its own and English (site chrome is often English); all if unknown."""
    if lang in RULES:
        return tuple(dict.fromkeys((lang, "en")))
    return tuple(RULES)


def rules_for(lang: str) -> tuple[Rule, ...]:
    """Neutral rules, the rules of the languages that apply to `lang`, then the breadcrumb rule."""
    return NEUTRAL_RULES + tuple(rule for code in languages_for(lang) for rule in RULES[code]) + LAST_RULES


def related_patterns(lang: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(header-only pattern, teaser pattern) for related-article labels of the languages that apply to `lang`."""
    codes = languages_for(lang)
    teaser = _alternation(p for code in codes for p in _RELATED_TEASER[code].split("|"))
    header = _alternation(p for code in codes for p in (_RELATED_HEADER[code] + "|" + _RELATED_TEASER[code]).split("|"))
    # Alone, or followed by a section label glued on in capitals ("You might also likeRELATED").
    header_only = re.compile(rf"(?:{header})(?:\s*[:：\-–—|]?\s*(?-i:[A-Z][A-Z &]{{2,30}}))?", re.IGNORECASE)
    teaser_line = re.compile(rf"(?:{teaser})\s*[:：\-–—|]?\s+\S.*", re.IGNORECASE)
    return header_only, teaser_line


def label(text: str) -> str:
    """`text` without the punctuation that frames a label, Arabic folded (fold_arabic), for whole-line matching."""
    return fold_arabic(text.strip(_LABEL_TRIM))


def ends_sentence(text: str) -> bool:
    """True when `text` ends like a sentence (full stop, question or exclamation mark, maybe inside quotes)."""
    return text.rstrip("\"'”’»)] ").endswith(tuple(_TERMINAL))
