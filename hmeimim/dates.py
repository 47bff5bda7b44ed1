"""Temporal tagger and resolver for multilingual news text.

:func:`find_dates` finds date expressions (absolute dates, ranges, weekdays,
deictic words such as "yesterday", months and years) in text written in one of
ten languages (en, ru, uk, de, fr, it, es, pt, ar, zh) and resolves them to
calendar spans against the article's publication date, the way news temporal
taggers such as HeidelTime do.

Month and weekday names come from CLDR through :mod:`babel`; inflected forms,
spelling variants and cue words (last, since, between ... and ...) come from
``lexicon/date_words.csv``.  Each language gets a cached grammar: a list of
compiled alternatives ordered from the most to the least specific (ranges before
single dates before bare weekdays) and a cheap "starter" regex that finds the
only positions where a mention can begin (a number or a cue/month/weekday word).
Scanning left to right and trying the alternatives that fit the starting word
yields sorted, non-overlapping mentions, the longest construction winning.

>>> import datetime
>>> [m.as_written for m in find_dates("It landed on 26 October and left last Sunday.", "en")]
['on 26 October', 'last Sunday']
"""

from __future__ import annotations

import csv
import datetime
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Mapping, NamedTuple

__all__ = ["DateMention", "find_dates", "LANGUAGES"]

LANGUAGES: tuple[str, ...] = ("en", "ru", "uk", "de", "fr", "it", "es", "pt", "ar", "zh")

_LEXICON_PATH = Path(__file__).resolve().parent / "lexicon" / "date_words.csv"
_MIN_YEAR = 1900
_MAX_YEAR = 2100
# A year-less date may lie this far after publication before we assume the previous year.
_FUTURE_TOLERANCE = datetime.timedelta(days=14)
_ONE_DAY = datetime.timedelta(days=1)

# Extra CLDR locales whose month names are also read for a language (regional calendars).
_CLDR_LOCALES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"ar": ("ar", "ar_SY", "ar_IQ", "ar_LB", "ar_MA", "ar_DZ", "ar_TN")}
)


@dataclass(frozen=True, slots=True)
class DateMention:
    """One temporal expression found in a text.

    ``text[start:end] == as_written``.  ``date_start``/``date_end`` are the
    inclusive calendar span (``None`` when it cannot be resolved, for instance a
    weekday in an undated article).  ``kind`` is one of ``'date'``,
    ``'range'``, ``'weekday'``, ``'relative'``, ``'since'``, ``'month'`` or
    ``'year'``.  ``year_inferred`` is True when no year was written and the
    year was taken from the publication date or the reference year;
    ``resolved_from`` is ``'absolute'``, ``'publication'``,
    ``'reference_year'`` or ``''`` when unresolved.
    """

    start: int
    end: int
    as_written: str
    date_start: datetime.date | None
    date_end: datetime.date | None
    kind: str
    year_inferred: bool
    resolved_from: str


# --------------------------------------------------------------------------- lexicon

_APOSTROPHES_RE = re.compile("[’ʼ`´]")
_SEPARATORS_RE = re.compile(r"[\s\-]+")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ـ": None})


_NEEDS_FOLDING_RE = re.compile("[\\s\\-’ʼ`´أإآٱىـ]")


def _norm(word: str) -> str:
    """Lookup key of a word as written: lower case, one space, folded apostrophes and alefs.

    >>> _norm("Oct."), _norm("п’ятниця"), _norm("quarta-feira"), _norm("أكتوبر")
    ('oct', "п'ятниця", 'quarta feira', 'اكتوبر')
    """
    word = word.lower()
    if _NEEDS_FOLDING_RE.search(word) is None:
        return word.strip(" .")
    word = _APOSTROPHES_RE.sub("'", word)
    word = _SEPARATORS_RE.sub(" ", word).strip(" .")
    return word.translate(_ARABIC_FOLD)


class _Lexicon(NamedTuple):
    lang: str
    months: Mapping[str, int]  # every month form -> 1..12
    month_wide: frozenset[str]  # forms that may stand without a day number
    month_abbr: frozenset[str]  # abbreviations, only next to a day number
    weekdays: Mapping[str, int]  # every weekday form -> 0 (Monday) .. 6
    weekday_free: frozenset[str]  # forms that may stand without a cue
    words: Mapping[str, tuple[str, ...]]  # cue kind -> normalised words
    relative: Mapping[str, str]
    year_rel: Mapping[str, int]
    ambiguous_wide: tuple[str, ...]  # month names matched case-sensitively ("May", not "may")
    ambiguous_abbr: tuple[str, ...]  # abbreviations matched case-sensitively ("Mar")
    config: Mapping[str, str]

    def flag(self, name: str, default: bool) -> bool:
        return _lexicon_flag(self.config, name, default)


@functools.lru_cache(maxsize=1)
def _csv_rows() -> tuple[tuple[str, str, str, str], ...]:
    rows = []
    with _LEXICON_PATH.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            if not row or row[0].startswith("#") or row[0] == "lang" or len(row) < 3:
                continue
            lang, kind, word = (c.strip() for c in row[:3])
            value = row[3].strip() if len(row) > 3 else ""
            if lang and kind and word:
                rows.append((lang, kind, word, value))
    return tuple(rows)


@functools.lru_cache(maxsize=None)
def _lexicon(lang: str) -> _Lexicon:
    from babel.dates import get_day_names, get_month_names

    months: dict[str, int] = {}
    wide: set[str] = set()
    abbr: set[str] = set()
    weekdays: dict[str, int] = {}
    free: set[str] = set()
    for loc in _CLDR_LOCALES.get(lang, (lang,)):
        for context in ("format", "stand-alone"):
            for num, name in get_month_names("wide", context, loc).items():
                key = _norm(name)
                months.setdefault(key, num)
                wide.add(key)
            for num, name in get_month_names("abbreviated", context, loc).items():
                key = _norm(name)
                months.setdefault(key, num)
                abbr.add(key)
            widths = ("wide", "abbreviated") if lang == "zh" else ("wide",)
            for width in widths:
                for num, name in get_day_names(width, context, loc).items():
                    key = _norm(name)
                    weekdays.setdefault(key, num)
                    free.add(key)

    words: dict[str, list[str]] = {}
    relative: dict[str, str] = {}
    year_rel: dict[str, int] = {}
    ambiguous: list[str] = []
    config: dict[str, str] = {}
    for row_lang, kind, word, value in _csv_rows():
        if row_lang != lang:
            continue
        # ordinals and year suffixes keep their dots and hyphens ("-го", "г.")
        key = word.lower() if kind in ("ordinal", "year_suffix") else _norm(word)
        if kind in ("month", "month_abbr"):
            months[key] = int(value)
            (wide if kind == "month" else abbr).add(key)
        elif kind in ("weekday", "weekday_cued"):
            weekdays[key] = int(value)
            if kind == "weekday":
                free.add(key)
        elif kind == "relative":
            relative[key] = value
        elif kind == "year_rel":
            year_rel[key] = int(value)
        elif kind == "ambiguous":
            ambiguous.append(word)
            months[key] = int(value)
        elif kind == "config":
            config[word] = value
        else:
            words.setdefault(kind, []).append(key)

    if not _lexicon_flag(config, "bare_weekday", True):
        free.clear()
    amb_keys = {_norm(w) for w in ambiguous}
    amb_wide = tuple(w for w in ambiguous if _norm(w) in wide)
    return _Lexicon(
        lang=lang,
        months=MappingProxyType(months),
        month_wide=frozenset(wide - amb_keys),
        month_abbr=frozenset(abbr - wide - amb_keys),
        weekdays=MappingProxyType(weekdays),
        weekday_free=frozenset(free),
        words=MappingProxyType({k: tuple(v) for k, v in words.items()}),
        relative=MappingProxyType(relative),
        year_rel=MappingProxyType(year_rel),
        ambiguous_wide=amb_wide,
        ambiguous_abbr=tuple(w for w in ambiguous if w not in amb_wide),
        config=MappingProxyType(config),
    )


def _lexicon_flag(config: Mapping[str, str], name: str, default: bool) -> bool:
    value = config.get(name)
    return default if value is None else value.strip() not in ("", "0", "false", "no")


# --------------------------------------------------------------------------- regex building


def _emit_char(ch: str, lang: str) -> str:
    if ch == " ":
        return r"\s*" if lang == "zh" else r"[\s\-]+"
    if ch == "'":
        return "['’ʼ`´]"
    if ch == "ا":
        return "[اأإآٱ]"
    if ch == "ي":
        return "[يى]"
    return re.escape(ch)


def _trie(words, lang: str) -> str:
    """Regex alternation of *words* (normalised keys) as a prefix trie, longest first.

    >>> _trie(["may", "march", "mar"], "en")
    'ma(?:r(?:ch)?|y)'
    """
    words = [w for w in set(words) if w]
    if not words:
        return "(?!)"
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [_emit_char(ch, lang) + emit(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return emit(root)


def _case_sensitive(words) -> str:
    forms = sorted({f for w in words for f in (w, w.upper())}, key=len, reverse=True)
    return "(?-i:" + "|".join(re.escape(f) for f in forms) + ")"


def _alt(*parts: str) -> str:
    parts = tuple(p for p in parts if p and p != "(?!)")
    if not parts:
        return "(?!)"
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


# Kinds of word an alternative can begin with ('digit' = a number; the rest are lexicon kinds).
_START_KINDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        name: frozenset(kinds.split())
        for name, kinds in {
            "rf_o": "range_open",
            "rf_d": "on article digit month",
            "rm_o": "range_open",
            "rm_d": "on article month",
            "rd_o": "range_open",
            "rd_d": "on article digit",
            "rw": "range_open",
            "ry": "range_open",
            "sd": "since",
            "sw": "since",
            "iso": "on digit",
            "dmy": "on article digit",
            "dt": "on article last_pre weekday digit month",
            "mo_y": "in part month",
            "mo_lp": "in article last_pre",
            "mo_lo": "in month",
            "mo_c": "in part",
            "yr": "in year_cue since",
            "wd_c": "on article last_pre",
            "wd_o": "article weekday",
            "wd_f": "article weekday",
            "rel": "relative",
            "zr": "range_open digit month year_rel",
            "zs": "since",
            "zs2": "digit month year_rel",
            "zrw": "range_open last_pre weekday",
            "zdt": "on digit month year_rel",
            "zmo": "in digit month year_rel",
            "zmc": "in",
            "zyr": "in digit",
            "zwd": "on last_pre weekday",
        }.items()
    }
)
# day.month.year with one separator throughout (26.10.2025, 26/10/2025, 26-10-2025)
_DMY = r"(?P<dmy_d>\d{1,2})(?P<dmy_sep>[./-])(?P<dmy_m>\d{1,2})(?P=dmy_sep)(?P<dmy_y>\d{4})(?!\d|[.,/]\d)"
_SINGLE_DATES = frozenset({"dt", "iso", "dmy", "zdt"})
_CUE_KINDS = ("on", "article", "in", "part", "year_cue", "last_pre", "since", "range_open")

# One alternative of a grammar: its name (which is also its group prefix), the bound
# ``match`` method of its compiled regex, and its handler.
_Alternative = tuple[str, Callable, Callable]


class _Grammar(NamedTuple):
    starter: re.Pattern  # cheap scan for the positions where a mention can begin
    # The starter after the character before the start (its lookbehinds are kept): searched
    # from ``pos - 1`` it finds the same starts as the starter from ``pos``, faster. A regex
    # that begins with a character class (a non-word character, where words and numbers
    # begin) lets the engine skip to the candidates in a tight loop instead of trying the
    # starter's lookbehinds at every position.
    lead: re.Pattern
    # first word (normalised) -> alternatives to try, in order; none for a word that begins no
    # alternative, such as "of" (the first word of the year_rel "of last year", read after a date)
    by_word: Mapping[str, tuple[_Alternative, ...]]
    by_digit: tuple[_Alternative, ...]  # alternatives that can begin with a number
    every: tuple[_Alternative, ...]  # all alternatives, most specific first
    lex: _Lexicon


def _first_words(lex: _Lexicon) -> dict[str, set[str]]:
    """First word of every lexicon entry that can begin a mention -> the kinds it belongs to."""
    sources: list[tuple[str, object]] = [(kind, lex.words.get(kind, ())) for kind in _CUE_KINDS]
    sources += [("month", lex.months), ("weekday", lex.weekdays)]
    sources += [("relative", lex.relative), ("year_rel", lex.year_rel)]
    first: dict[str, set[str]] = {}
    for kind, words in sources:
        for word in words:
            token = word.split(" ", 1)[0]
            if token:
                first.setdefault(token, set()).add(kind)
    return first


@functools.lru_cache(maxsize=None)
def _grammar(lang: str) -> _Grammar:
    lex = _lexicon(lang)
    alternatives = _zh_alternatives(lex) if lang == "zh" else _generic_alternatives(lex)
    compiled: list[tuple[_Alternative, frozenset[str]]] = []
    for name, body in alternatives:
        handler = _HANDLERS[name]
        compiled.append(((name, re.compile(body, re.IGNORECASE).match, handler), _START_KINDS[name]))
    every = tuple(alt for alt, _ in compiled)

    def select(kinds: set[str]) -> tuple[_Alternative, ...]:
        return tuple(alt for alt, start in compiled if start & kinds)

    first = _first_words(lex)
    by_word: dict[str, tuple[_Alternative, ...]] = {}
    for token in first:
        # the starter reports the longest word at a position; a shorter word starting there
        # (上 in 上周日, l' in l'altro) may begin a mention too, so take the kinds of every prefix
        kinds = set().union(*(first[token[:i]] for i in range(1, len(token) + 1) if token[:i] in first))
        if token[:1].isdigit() or token[:1] in _ZH_NUMERALS:
            kinds.add("digit")
        by_word[token] = select(kinds)
    starter, before = _starter_pattern(lex, first)
    return _Grammar(
        starter=re.compile(starter, re.IGNORECASE),
        lead=re.compile(f"{before}(?:{starter})", re.IGNORECASE),
        by_word=MappingProxyType(by_word),
        by_digit=select({"digit"}),
        every=every,
        lex=lex,
    )


_ZH_NUMERALS = "〇零一二三四五六七八九十"


def _starter_pattern(lex: _Lexicon, first: Mapping[str, set[str]]) -> tuple[str, str]:
    """Regex for the positions where an alternative can start: a number or a first word, and a
    character class for the character that can stand before such a position.

    Group ``w`` is a first word (look it up in ``_Grammar.by_word``), group ``d`` a number.
    """
    if lex.lang == "zh":
        starter = f"(?P<w>{_trie(first, 'zh')})|(?<![\\d{_ZH_NUMERALS}])(?P<d>[\\d{_ZH_NUMERALS}])"
        return starter, r"[\s\S]"  # any character: Chinese words need no boundary
    ar = lex.lang == "ar"
    boundary = r"(?:(?<!\w)|(?<=(?<!\w)[وبلف]))" if ar else r"(?<!\w)"
    open_end = [w for w in first if w.endswith("'")]  # l', dall': a number or word follows directly
    closed = _trie([w for w in first if not w.endswith("'")], lex.lang)
    words = _alt(closed + r"(?![^\W\d_])", _trie(open_end, lex.lang) if open_end else "")
    number = r"(?:(?<![\w.,:/])(?<!\w-)|(?<=(?<!\w)[وب]))" if ar else r"(?<![\w.,:/])(?<!\w-)"
    return f"{boundary}(?P<w>{words})|{number}(?P<d>\\d)", r"[\Wوبلف]" if ar else r"\W"


def _generic_alternatives(lex: _Lexicon) -> list[tuple[str, str]]:
    lang = lex.lang
    ar = lang == "ar"

    def W(kind: str) -> str:
        return _trie(lex.words.get(kind, ()), lang)

    WB = r"(?:(?<!\w)|(?<=(?<!\w)[وبلف]))" if ar else r"(?<!\w)"
    WE = r"(?!\w)"
    NB = r"(?:(?<![\w.,:/])(?<!\w-)|(?<=(?<!\w)[وب]))" if ar else r"(?<![\w.,:/])(?<!\w-)"
    SC = r"(?:[\s\-]+|(?<=['’ʼ`´]))"  # after a cue word; nothing needed after l', dall'
    SM = r"\s*" if ar else r"\s+"  # after a range middle word (Arabic و attaches)
    SP = r"\s+"
    DASH = r"\s*[-–—]\s*"
    COMMA = r"(?:[,،]\s*|\s+)"
    NEVER = "(?!)"

    ON, ART, IN, PART = W("on"), W("article"), W("in"), W("part")
    year_cues = set(lex.words.get("in", ())) | set(lex.words.get("year_cue", ())) | set(lex.words.get("since", ()))
    YCUE = _trie(year_cues, lang)
    YSUF, LP, LO, SINCE = W("year_suffix"), W("last_pre"), W("last_post"), W("since")
    OPEN, MID, OF, ORD = W("range_open"), W("range_mid"), W("of"), W("ordinal")
    YREL = _trie(lex.year_rel, lang)
    REL = _trie(lex.relative, lang)
    amb_wide, amb_abbr = lex.ambiguous_wide, lex.ambiguous_abbr
    WIDE = _alt(_case_sensitive(amb_wide) if amb_wide else "", _trie(lex.month_wide, lang))
    ABBR = _alt(_case_sensitive(amb_abbr) if amb_abbr else "", _trie(lex.month_abbr, lang))
    NOT_COMPOUND = r"(?!-[^\W\d_])"  # "May-class", "October-born" are not dates
    MONTH = f"(?:{WIDE}{WE}|{ABBR}{WE}\\.?){NOT_COMPOUND}"
    MONTH_W = f"{WIDE}{WE}{NOT_COMPOUND}"
    MTAIL = f"(?:\\s*/\\s*{WIDE}{WE})?" if ar else ""  # تشرين الأول/أكتوبر
    WD_ALL = _trie(lex.weekdays, lang)
    WD_FREE = _trie(lex.weekday_free, lang)
    md_order = lex.flag("month_day_order", False)
    suffix_required = lex.flag("year_needs_suffix", False)

    def opt(*parts: str) -> str:
        if any(x == NEVER for x in parts):
            return ""
        return "(?:" + "".join(parts) + ")?"

    def cue(x: str) -> str:  # optional cue word followed by its separator
        return opt(WB, "(?:", x, ")", SC)

    def named(g: str, x: str) -> str:
        return f"(?P<{g}>{x})"

    OF_ = opt("(?:", OF, ")", SP)
    ORD_ = opt(ORD)

    def year(g: str, need_suffix: bool = False) -> str:
        suffix = f"\\s*(?:{YSUF})(?!\\w)"
        if need_suffix:
            return named(g, r"\d{4}") + suffix
        guard = r"(?![\w]|-\w|[.,]\d)"
        if YSUF == NEVER:
            return named(g, r"\d{4}") + guard
        return named(g, r"\d{4}") + f"(?:{suffix}|{guard})"

    def yearpart(p: str, i: str, required: bool = False) -> str:
        body = f"(?:{COMMA}{OF_}{year(p + '_y' + i)}|{SP}{named(p + '_r' + i, YREL)}{WE})"
        return body if required else body + "?"

    def day(g: str, first: bool = True) -> str:  # inner tokens follow a separator: no boundary check
        return (NB if first else "") + named(g, r"\d{1,2}") + r"(?!\d)" + ORD_ + r"\.?"

    def dm(p: str, i: str) -> str:
        return day(p + "_d" + i, i != "2") + r"\s*" + OF_ + named(p + "_m" + i, MONTH) + MTAIL + yearpart(p, i)

    def md(p: str, i: str) -> str:
        yp = f"(?:{COMMA}{year(p + '_Y' + i)}|{SP}{named(p + '_R' + i, YREL)}{WE})?"
        head = (WB if i != "2" else "") + named(p + "_M" + i, MONTH) + r"\s*"
        return head + named(p + "_D" + i, r"\d{1,2}") + r"(?!\d)" + ORD_ + WE + yp

    def date(p: str, i: str) -> str:
        return f"(?:{dm(p, i)}|{md(p, i)})" if md_order else dm(p, i)

    def mid(p: str) -> str:
        return f"(?:{DASH}|{SP}{named(p + '_mid', MID)}{SM})"

    def lastpost(g: str) -> str:
        return opt(SP, named(g, LO), WE)

    def weekday(p: str, i: str = "") -> str:
        last = opt(WB, named(p + "_lp" + i, LP), SC)
        return cue(ART) + last + WB + named(p + "_w" + i, WD_ALL) + WE + lastpost(p + "_lo" + i)

    alts: list[tuple[str, str]] = []

    def add(name: str, body: str, *required: str) -> None:
        if all(r != NEVER for r in required):
            alts.append((name, body))

    # ranges of full dates: "between October 24 and October 26", "24 October - 2 November"
    opener = WB + named("{}_o", OPEN) + SC
    add("rf_o", opener.format("rf_o") + cue(ART) + date("rf_o", "1") + mid("rf_o") + cue(ART) + date("rf_o", "2"), OPEN)
    add("rf_d", cue(ON) + cue(ART) + date("rf_d", "1") + DASH + date("rf_d", "2"))
    if md_order:  # "October 24-29", "between October 24 and 26"
        for name, head, sep, needs in (
            ("rm_o", WB + named("rm_o_o", OPEN) + SC, mid("rm_o"), OPEN),
            ("rm_d", cue(ON) + cue(ART), DASH, ""),
        ):
            add(
                name,
                head + WB + named(name + "_m", MONTH) + r"\s*"
                + named(name + "_d1", r"\d{1,2}") + r"(?!\d)" + ORD_ + sep
                + named(name + "_d2", r"\d{1,2}") + r"(?!\d)" + ORD_ + WE
                + f"(?:{COMMA}{year(name + '_y')}|{SP}{named(name + '_r', YREL)}{WE})?",
                needs,
            )
    # day ranges within one month: "between 24-29 October", "с 24 по 29 октября", "del 24 al 29 de octubre"
    def month_tail(p: str) -> str:
        return r"\s*" + OF_ + named(p + "_m", MONTH) + MTAIL + yearpart(p, "")

    add(
        "rd_o",
        opener.format("rd_o") + cue(ART) + day("rd_o_d1") + mid("rd_o")
        + cue(ART) + day("rd_o_d2", False) + month_tail("rd_o"),
        OPEN,
    )
    add("rd_d", cue(ON) + cue(ART) + day("rd_d_d1") + DASH + day("rd_d_d2", False) + month_tail("rd_d"))
    # weekday ranges: "between last Friday and Wednesday", "с пятницы по среду"
    add("rw", opener.format("rw") + weekday("rw", "1") + mid("rw") + weekday("rw", "2"), OPEN, WD_ALL)
    # year ranges: "between 2011 and 2015", "с 2011 по 2015 год"
    add("ry", opener.format("ry") + cue(ART) + NB + named("ry_y1", r"\d{4}") + r"(?!\d)" + mid("ry") + year("ry_y2"), OPEN)
    # since: "since October 24", "seit dem 24. Oktober", "с 24 октября", "since Friday"
    add("sd", WB + named("sd_s", SINCE) + SC + cue(ON) + cue(ART) + date("sd", "1"), SINCE)
    add("sw", WB + named("sw_s", SINCE) + SC + weekday("sw"), SINCE, WD_ALL)
    # numeric dates
    add("iso", cue(ON) + NB + r"(?P<iso_y>\d{4})-(?P<iso_m>\d{1,2})-(?P<iso_d>\d{1,2})(?!\d)")
    add(
        "dmy",
        cue(ON) + cue(ART) + NB + _DMY
        + opt(r"\s*(?:", YSUF, r")(?!\w)"),
    )
    # single dates: "On October 26", "le 26 octobre", "el pasado 26 de octubre", "Sunday, 26 October"
    add(
        "dt",
        cue(ON) + cue(ART) + opt(WB, named("dt_lp", LP), SC) + opt(WB, WD_ALL, WE, r"[,،]?\s+", cue(ART))
        + date("dt", "1") + lastpost("dt_lo"),
    )
    # months: "in March 2025", "September 2015", "last December", "в марте", "diciembre pasado"
    def month_cue(p: str) -> str:
        return f"(?:{WB}{named(p + '_c', IN)}{SC}{opt(PART, SC)}|{WB}{named(p + '_pt', PART)}{SC})"

    add("mo_y", month_cue("mo_y") + "?" + WB + named("mo_y_m", MONTH_W) + MTAIL + yearpart("mo_y", "", True))
    add("mo_lp", cue(IN) + cue(ART) + WB + named("mo_lp_lp", LP) + SC + named("mo_lp_m", MONTH_W) + MTAIL, LP)
    add("mo_lo", cue(IN) + WB + named("mo_lo_m", MONTH_W) + MTAIL + SP + named("mo_lo_lo", LO) + WE, LO)
    not_day = r"(?!\.?\s*\d{1,2}(?!\d))" if md_order else ""
    add("mo_c", month_cue("mo_c") + WB + named("mo_c_m", MONTH_W) + MTAIL + not_day)
    # bare years need a cue: "in 2011", "в 2011 году", "seit 2015", "عام 2011"
    add("yr", WB + named("yr_c", YCUE) + SC + cue(ART) + NB + year("yr_y", suffix_required), YCUE)
    # weekdays: "on Tuesday", "last Sunday", "в прошлое воскресенье", "domenica scorsa", "Wednesday"
    add(
        "wd_c",
        f"(?:{WB}{named('wd_c_c', ON)}{SC}{cue(ART)}{opt(WB, named('wd_c_lp', LP), SC)}"
        f"|{cue(ART)}{WB}{named('wd_c_lp2', LP)}{SC})"
        + WB + named("wd_c_w", WD_ALL) + WE + lastpost("wd_c_lo"),
        WD_ALL,
    )
    add("wd_o", cue(ART) + WB + named("wd_o_w", WD_ALL) + WE + SP + named("wd_o_lo", LO) + WE, WD_ALL, LO)
    add("wd_f", cue(ART) + WB + named("wd_f_w", WD_FREE) + WE, WD_FREE)
    add("rel", WB + named("rel_w", REL) + WE, REL)
    return alts


def _zh_alternatives(lex: _Lexicon) -> list[tuple[str, str]]:
    lang = lex.lang

    def W(kind: str) -> str:
        return _trie(lex.words.get(kind, ()), lang)

    NUMS = "〇零一二三四五六七八九十"
    ZB = f"(?<![\\d{NUMS}])"
    ZN = f"(?:\\d{{1,2}}|[{NUMS}]{{1,3}})"
    MONTH = _trie(lex.months, lang)
    WD = _trie(lex.weekdays, lang)
    ON, IN, SINCE, OPEN, MID, LP = W("on"), W("in"), W("since"), W("range_open"), W("range_mid"), W("last_pre")
    YREL = _trie(lex.year_rel, lang)
    REL = _trie(lex.relative, lang)
    DASH = "[-–—~～]"
    POST = "(?:以来|起|至今)"
    DAY_SUFFIX = r"\s*[日号]"

    def named(g: str, x: str) -> str:
        return f"(?P<{g}>{x})"

    def year(g: str) -> str:
        return ZB + named(g, "\\d{4}|[〇零一二三四五六七八九]{4}") + r"\s*年"

    def date(p: str, i: str, day_suffix: str = DAY_SUFFIX) -> str:
        return (
            f"(?:(?:{year(p + '_y' + i)}|{named(p + '_r' + i, YREL)})\\s*)?{ZB}{named(p + '_m' + i, MONTH)}\\s*"
            + named(p + "_d" + i, ZN) + day_suffix
        )

    not_day = f"(?:份)?(?!\\s*{ZN}\\s*[日号])"

    def wd(p: str, i: str) -> str:
        return f"(?:{named(p + '_lp' + i, LP)}\\s*)?{named(p + '_w' + i, WD)}"

    return [
        (
            "zr",
            f"(?:{named('zr_o', OPEN)}\\s*)?" + date("zr", "1", DAY_SUFFIX + "?") + f"\\s*(?:{MID}|{DASH})\\s*"
            + f"(?:(?:{year('zr_y2')}\\s*)?{ZB}{named('zr_m2', MONTH)}\\s*)?"
            + named("zr_d2", ZN) + f"(?:\\s*[日号]|(?![月\\d{NUMS}]))",
        ),
        ("zs", named("zs_s", SINCE) + r"\s*" + date("zs", "1") + f"(?:\\s*{named('zs_p', POST)})?"),
        ("zs2", date("zs2", "1") + r"\s*" + named("zs2_p", POST)),
        ("zrw", f"(?:{named('zrw_o', OPEN)}\\s*)?" + wd("zrw", "1") + f"\\s*(?:{MID}|{DASH})\\s*" + wd("zrw", "2")),
        ("zdt", f"(?:{named('zdt_c', ON)}\\s*)?" + date("zdt", "1")),
        (
            "zmo",
            f"(?:{named('zmo_c', IN)}\\s*)?(?:{year('zmo_y')}|{named('zmo_r', YREL)})\\s*{ZB}{named('zmo_m', MONTH)}{not_day}",
        ),
        ("zmc", f"{named('zmc_c', IN)}\\s*{ZB}{named('zmc_m', MONTH)}{not_day}"),
        ("zyr", f"(?:{named('zyr_c', IN)}\\s*)?{year('zyr_y')}(?!\\s*{ZB}(?:{MONTH}))(?:\\s*{named('zyr_p', POST)})?"),
        ("iso", r"(?<!\d)(?P<iso_y>\d{4})-(?P<iso_m>\d{1,2})-(?P<iso_d>\d{1,2})(?!\d)"),
        ("dmy", r"(?<![\d.])" + _DMY),
        ("zwd", f"(?:{named('zwd_c', ON)}\\s*)?" + wd("zwd", "")),
        ("rel", named("rel_w", REL)),
    ]


# --------------------------------------------------------------------------- resolution


class _Ctx(NamedTuple):
    pub: datetime.date | None
    ref_year: int | None


class _Res(NamedTuple):
    date_start: datetime.date | None
    date_end: datetime.date | None
    kind: str
    year_inferred: bool
    resolved_from: str


_IGNORE = object()  # matched, consumed, but not a date ("اليوم التالي" = the next day)
_ZH_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


def _int(s: str | None) -> int | None:
    if s is None:
        return None
    try:
        return int(s)
    except ValueError:
        pass
    try:  # Chinese numerals: 二十六, 十, 二〇二五
        if "十" in s:
            tens, _, ones = s.partition("十")
            if len(ones) > 1 or len(tens) > 1:
                return None
            return (_ZH_DIGITS[tens] if tens else 1) * 10 + (_ZH_DIGITS[ones] if ones else 0)
        return int("".join(str(_ZH_DIGITS[c]) for c in s)) if s else None
    except KeyError:
        return None


def _in_range(d: datetime.date | None) -> bool:
    return d is None or _MIN_YEAR <= d.year <= _MAX_YEAR


def _safe_date(y: int, m: int, d: int) -> datetime.date | None:
    try:
        return datetime.date(y, m, d)
    except (ValueError, OverflowError):
        return None


def _month_end(y: int, m: int) -> datetime.date:
    return datetime.date(y + (m == 12), m % 12 + 1, 1) - _ONE_DAY


def _plausible(month: int | None, day: int | None) -> bool:
    return month is not None and day is not None and _safe_date(2000, month, day) is not None


def _resolve_day(ctx: _Ctx, day, month, year, yrel=None, strict_past=False):
    """(date | None, year_inferred, resolved_from), or None when the date cannot exist."""
    if not _plausible(month, day):
        return None
    if year is not None:
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            return None
        d = _safe_date(year, month, day)
        return None if d is None else (d, False, "absolute")
    pub = ctx.pub
    if yrel is not None:
        if pub is None:
            return (None, False, "")
        d = _safe_date(pub.year + yrel, month, day)
        return (d, True, "publication") if d else (None, False, "")
    if pub is not None:
        d = _safe_date(pub.year, month, day)
        if d is not None and (d > pub + _FUTURE_TOLERANCE or (strict_past and d > pub)):
            d = _safe_date(pub.year - 1, month, day)
        return (d, True, "publication") if d else (None, False, "")
    if ctx.ref_year is not None:
        d = _safe_date(ctx.ref_year, month, day)
        return (d, True, "reference_year") if d else (None, False, "")
    return (None, False, "")


def _resolve_range(ctx: _Ctx, p1, p2):
    """Resolve a range of two (day, month, year, yrel) tuples: the end first, the start before it."""
    d1, m1, y1, r1 = p1
    d2, m2, y2, r2 = p2
    if y2 is None and r2 is None and (y1 is not None or r1 is not None):
        end = _resolve_day(ctx, d2, m2, y1, r1)
        if end is not None and end[0] is not None and _plausible(m1, d1):
            start_date = _safe_date(end[0].year, m1, d1)
            if start_date is not None and start_date > end[0]:  # "30 December 2025 - 2 January" is not written
                end = _resolve_day(ctx, d2, m2, (y1 if y1 is not None else end[0].year) + 1)
    else:
        end = _resolve_day(ctx, d2, m2, y2, r2)
    if end is None or not _plausible(m1, d1):
        return None
    end_date, inferred, source = end
    if y1 is not None:
        start = _resolve_day(ctx, d1, m1, y1)
        if start is None:
            return None
        start_date = start[0]
        inferred = inferred and start[1]
    elif end_date is None:
        return _Res(None, None, "range", False, "")
    else:
        start_date = _safe_date(end_date.year, m1, d1)
        if start_date is not None and start_date > end_date:
            start_date = _safe_date(end_date.year - 1, m1, d1)
        if start_date is None:
            return _Res(None, None, "range", False, "")
    if start_date is not None and end_date is not None and start_date > end_date:
        return None
    return _Res(start_date, end_date, "range", inferred, source)


def _weekday_before(ref: datetime.date, wd: int, strict: bool) -> datetime.date:
    delta = (ref.weekday() - wd) % 7
    if strict and delta == 0:
        delta = 7
    return ref - datetime.timedelta(days=delta)


def _resolve_relative(code: str, pub: datetime.date):
    if code == "today":
        return pub, pub
    if code == "yesterday":
        return pub - _ONE_DAY, pub - _ONE_DAY
    if code == "daybefore":
        d = pub - 2 * _ONE_DAY
        return d, d
    if code == "tomorrow":
        return pub + _ONE_DAY, pub + _ONE_DAY
    monday = pub - datetime.timedelta(days=pub.weekday())
    if code == "lastweek":
        return monday - 7 * _ONE_DAY, monday - _ONE_DAY
    if code == "thisweek":
        return monday, pub
    if code == "lastmonth":
        last = pub.replace(day=1) - _ONE_DAY
        return last.replace(day=1), last
    if code == "thismonth":
        return pub.replace(day=1), pub
    if code == "lastyear":
        return datetime.date(pub.year - 1, 1, 1), datetime.date(pub.year - 1, 12, 31)
    if code == "thisyear":
        return datetime.date(pub.year, 1, 1), pub
    return None


# --------------------------------------------------------------------------- handlers
# Each handler gets (match, alternative name, lexicon, context) and returns a _Res,
# None (not a valid date: rescan from the next character) or _IGNORE.


def _month_of(lex: _Lexicon, s: str | None) -> int | None:
    return None if s is None else lex.months.get(s.lower()) or lex.months.get(_norm(s))


def _weekday_of(lex: _Lexicon, s: str | None) -> int | None:
    if s is None:
        return None
    wd = lex.weekdays.get(s.lower())
    return wd if wd is not None else lex.weekdays.get(_norm(s))


def _yrel_of(lex: _Lexicon, s: str | None) -> int | None:
    return None if s is None else lex.year_rel.get(_norm(s))


def _date_parts(m: re.Match, p: str, i: str, lex: _Lexicon):
    g = m.group
    d = g(f"{p}_d{i}")
    if d is not None:
        return _int(d), _month_of(lex, g(f"{p}_m{i}")), _int(g(f"{p}_y{i}")), _yrel_of(lex, g(f"{p}_r{i}"))
    return _int(g(f"{p}_D{i}")), _month_of(lex, g(f"{p}_M{i}")), _int(g(f"{p}_Y{i}")), _yrel_of(lex, g(f"{p}_R{i}"))


def _h_range_full(m, p, lex, ctx):
    return _resolve_range(ctx, _date_parts(m, p, "1", lex), _date_parts(m, p, "2", lex))


def _h_range_month_days(m, p, lex, ctx):  # "October 24-29", "between 24-29 October"
    g = m.group
    month = _month_of(lex, g(f"{p}_m"))
    year, yrel = _int(g(f"{p}_y")), _yrel_of(lex, g(f"{p}_r"))
    d1, d2 = _int(g(f"{p}_d1")), _int(g(f"{p}_d2"))
    if d1 is None or d2 is None or d1 >= d2:
        return None
    return _resolve_range(ctx, (d1, month, year, yrel), (d2, month, year, yrel))


def _h_range_weekdays(m, p, lex, ctx):
    g = m.group
    w1, w2 = _weekday_of(lex, g(f"{p}_w1")), _weekday_of(lex, g(f"{p}_w2"))
    if w1 is None or w2 is None:
        return None
    if ctx.pub is None:
        return _Res(None, None, "range", False, "")
    last2 = g(f"{p}_lp2") is not None or (p != "zrw" and g(f"{p}_lo2") is not None)
    end = _weekday_before(ctx.pub, w2, strict=last2)
    start = _weekday_before(end, w1, strict=True)
    return _Res(start, end, "range", True, "publication")


def _h_range_years(m, p, lex, ctx):
    y1, y2 = _int(m.group("ry_y1")), _int(m.group("ry_y2"))
    if y1 is None or y2 is None or not _MIN_YEAR <= y1 < y2 <= _MAX_YEAR:
        return None
    return _Res(datetime.date(y1, 1, 1), datetime.date(y2, 12, 31), "range", False, "absolute")


def _since(ctx: _Ctx, start) -> _Res | None:
    if start is None:
        return None
    start_date, inferred, source = start
    end = ctx.pub if start_date is not None and ctx.pub is not None and ctx.pub >= start_date else None
    return _Res(start_date, end, "since", inferred, source)


def _h_since_date(m, p, lex, ctx):
    return _since(ctx, _resolve_day(ctx, *_date_parts(m, p, "1", lex)))


def _h_since_weekday(m, p, lex, ctx):
    w = _weekday_of(lex, m.group(f"{p}_w"))
    if w is None:
        return None
    if ctx.pub is None:
        return _Res(None, None, "since", False, "")
    strict = m.group(f"{p}_lp") is not None or m.group(f"{p}_lo") is not None
    return _Res(_weekday_before(ctx.pub, w, strict), ctx.pub, "since", True, "publication")


def _h_iso(m, p, lex, ctx):
    res = _resolve_day(ctx, _int(m.group("iso_d")), _int(m.group("iso_m")), _int(m.group("iso_y")))
    return None if res is None else _Res(res[0], res[0], "date", False, "absolute")


def _h_dmy(m, p, lex, ctx):
    d, mo, y = _int(m.group("dmy_d")), _int(m.group("dmy_m")), _int(m.group("dmy_y"))
    if lex.lang == "en" and m.group("dmy_sep") == "/" and d is not None and d <= 12:
        d, mo = mo, d  # US order 10/26/2025 unless the first number cannot be a month
    res = _resolve_day(ctx, d, mo, y)
    return None if res is None else _Res(res[0], res[0], "date", False, "absolute")


def _h_date(m, p, lex, ctx):
    strict = p == "dt" and (m.group("dt_lp") is not None or m.group("dt_lo") is not None)
    res = _resolve_day(ctx, *_date_parts(m, p, "1", lex), strict_past=strict)
    return None if res is None else _Res(res[0], res[0], "date", res[1], res[2])


def _month_span(y: int, month: int) -> tuple[datetime.date, datetime.date] | None:
    if not _MIN_YEAR <= y <= _MAX_YEAR:
        return None
    return datetime.date(y, month, 1), _month_end(y, month)


def _h_month(m, p, lex, ctx):
    g = m.group
    month = _month_of(lex, g(f"{p}_m"))
    if month is None:
        return None
    pub = ctx.pub
    if p in ("mo_y", "zmo"):
        year, yrel = _int(g(f"{p}_y")), _yrel_of(lex, g(f"{p}_r"))
        if year is not None:
            span = _month_span(year, month)
            return None if span is None else _Res(*span, "month", False, "absolute")
        if yrel is None or pub is None:
            return _Res(None, None, "month", False, "")
        span = _month_span(pub.year + yrel, month)
        return _Res(*span, "month", True, "publication") if span else _Res(None, None, "month", False, "")
    if p in ("mo_lp", "mo_lo"):  # the most recent such month before the publication month
        if pub is None:
            return _Res(None, None, "month", False, "")
        span = _month_span(pub.year if month < pub.month else pub.year - 1, month)
        return _Res(*span, "month", True, "publication") if span else _Res(None, None, "month", False, "")
    # cue only ("in March"): publication year unless that lies well in the future
    if pub is not None:
        y = pub.year - 1 if datetime.date(pub.year, month, 1) > pub + _FUTURE_TOLERANCE else pub.year
        span, source = _month_span(y, month), "publication"
    elif ctx.ref_year is not None:
        span, source = _month_span(ctx.ref_year, month), "reference_year"
    else:
        span, source = None, ""
    return _Res(*span, "month", True, source) if span else _Res(None, None, "month", False, "")


def _h_year(m, p, lex, ctx):
    y = _int(m.group(f"{p}_y"))
    if y is None or not _MIN_YEAR <= y <= _MAX_YEAR:
        return None
    return _Res(datetime.date(y, 1, 1), datetime.date(y, 12, 31), "year", False, "absolute")


def _h_weekday(m, p, lex, ctx):
    g = m.group
    w = _weekday_of(lex, g(f"{p}_w"))
    if w is None:
        return None
    if ctx.pub is None:
        return _Res(None, None, "weekday", False, "")
    if p == "wd_c":
        strict = g("wd_c_lp") is not None or g("wd_c_lp2") is not None or g("wd_c_lo") is not None
    elif p == "wd_o":
        strict = True
    elif p == "zwd":
        strict = g("zwd_lp") is not None
    else:
        strict = False
    d = _weekday_before(ctx.pub, w, strict)
    return _Res(d, d, "weekday", True, "publication")


def _h_relative(m, p, lex, ctx):
    code = lex.relative.get(_norm(m.group("rel_w")))
    if code is None:
        return None
    if code == "ignore":
        return _IGNORE
    if ctx.pub is None:
        return _Res(None, None, "relative", False, "")
    span = _resolve_relative(code, ctx.pub)
    if span is None:
        return None
    return _Res(span[0], span[1], "relative", True, "publication")


def _h_zh_range(m, p, lex, ctx):  # 10月24日至29日, 10月24日到10月29日: the end inherits month and year
    p1 = _date_parts(m, p, "1", lex)
    month2 = _month_of(lex, m.group(f"{p}_m2")) if m.group(f"{p}_m2") is not None else p1[1]
    return _resolve_range(ctx, p1, (_int(m.group(f"{p}_d2")), month2, _int(m.group(f"{p}_y2")), None))



_HANDLERS: Mapping[str, Callable] = MappingProxyType(
    {
        "rf_o": _h_range_full,
        "rf_d": _h_range_full,
        "rm_o": _h_range_month_days,
        "rm_d": _h_range_month_days,
        "rd_o": _h_range_month_days,
        "rd_d": _h_range_month_days,
        "rw": _h_range_weekdays,
        "ry": _h_range_years,
        "sd": _h_since_date,
        "sw": _h_since_weekday,
        "iso": _h_iso,
        "dmy": _h_dmy,
        "dt": _h_date,
        "mo_y": _h_month,
        "mo_lp": _h_month,
        "mo_lo": _h_month,
        "mo_c": _h_month,
        "yr": _h_year,
        "wd_c": _h_weekday,
        "wd_o": _h_weekday,
        "wd_f": _h_weekday,
        "rel": _h_relative,
        # Chinese
        "zr": _h_zh_range,
        "zs": _h_since_date,
        "zs2": _h_since_date,
        "zrw": _h_range_weekdays,
        "zdt": _h_date,
        "zmo": _h_month,
        "zmc": _h_month,
        "zyr": _h_year,
        "zwd": _h_weekday,
    }
)


# --------------------------------------------------------------------------- public API


def _language(language) -> str:
    return _language_code(language) if isinstance(language, str) else "en"


@functools.lru_cache(maxsize=256)
def _language_code(language: str) -> str:
    code = language.strip().lower().replace("_", "-").split("-", 1)[0]
    return code if code in LANGUAGES else "en"


def _coerce_date(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return datetime.date.fromisoformat(value.strip()[:10])
    raise TypeError(f"published must be a datetime.date or None, not {type(value).__name__}")


def _finish(res: _Res) -> _Res:
    """Enforce the invariants: dates within 1900..2100 and start <= end, else unresolved."""
    ds, de = res.date_start, res.date_end
    if not (_in_range(ds) and _in_range(de)) or (ds is not None and de is not None and ds > de):
        return _Res(None, None, res.kind, False, "")
    return res


def find_dates(
    text: str,
    language: str,
    published: datetime.date | None = None,
    ref_year: int | None = None,
) -> list[DateMention]:
    """Find and resolve the temporal expressions in *text*.

    *language* is an ISO 639-1 code (en, ru, uk, de, fr, it, es, pt, ar, zh);
    other codes fall back to English plus the numeric patterns.  Year-less
    dates take the year of *published* (the previous year when that would put
    them more than 14 days after publication), else *ref_year*; weekdays and
    words such as "yesterday" need *published* and are left unresolved
    (``None``) without it.  Mentions are sorted by ``start`` and never overlap.

    >>> import datetime
    >>> pub = datetime.date(2025, 10, 30)
    >>> m, = find_dates("three times between Friday and Wednesday", "en", pub)
    >>> m.as_written, str(m.date_start), str(m.date_end), m.kind
    ('between Friday and Wednesday', '2025-10-24', '2025-10-29', 'range')
    >>> m, = find_dates("Il-62M прилетел в прошлое воскресенье", "ru", pub)
    >>> m.as_written, str(m.date_start)
    ('в прошлое воскресенье', '2025-10-26')
    >>> m, = find_dates("between 24-29 October", "en", datetime.date(2025, 10, 31))
    >>> str(m.date_start), str(m.date_end), m.year_inferred, m.resolved_from
    ('2025-10-24', '2025-10-29', True, 'publication')
    >>> m, = find_dates("between October 24 and October 26", "en", ref_year=2025)
    >>> str(m.date_start), str(m.date_end), m.resolved_from
    ('2025-10-24', '2025-10-26', 'reference_year')
    >>> m, = find_dates("last Sunday", "en")
    >>> m.as_written, m.date_start, m.date_end, m.resolved_from
    ('last Sunday', None, None, '')
    >>> [(m.as_written, str(m.date_start)) for m in find_dates("10月24日至29日，上周日", "zh", pub)]
    [('10月24日至29日', '2025-10-24'), ('上周日', '2025-10-26')]
    """
    if text is None:
        return []
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if not text:
        return []
    grammar = _grammar(_language(language))
    if not isinstance(ref_year, int) or isinstance(ref_year, bool):
        ref_year = None
    ctx = _Ctx(_coerce_date(published), ref_year)
    first_start, next_start = grammar.starter.match, grammar.lead.search
    by_word, by_digit, lex = grammar.by_word, grammar.by_digit, grammar.lex
    out: list[DateMention] = []
    pos, n = 0, len(text)
    while pos < n:
        # (no character stands before position 0: the starter is tried there itself)
        s = next_start(text, pos - 1) if pos else (first_start(text, 0) or next_start(text, 0))
        if s is None:
            break
        kind = s.lastgroup  # 'w' or 'd'
        at = s.start(kind)
        if kind == "d":
            candidates = by_digit
        else:
            word = s.group(kind)
            candidates = by_word.get(word.lower())
            if candidates is None:
                candidates = by_word.get(_norm(word), grammar.every)
        pos = at + 1
        for name, match, handler in candidates:
            m = match(text, at)
            if m is None:
                continue
            try:
                res = handler(m, name, lex, ctx)
            except (ValueError, OverflowError):  # date arithmetic at the ends of the calendar
                res = _Res(None, None, "date", False, "")
            if res is None:  # not a valid date: try the next alternative
                if name in _SINGLE_DATES:  # and let no part of "31 February 2025" be read as a date
                    pos = max(pos, m.end())
                continue
            end = m.end()
            if res is not _IGNORE:
                out.append(DateMention(at, end, m.group(), *_finish(res)))
            pos = max(end, at + 1)
            break
    return out
