"""Flight events: which aircraft flew where, when and how often, as each article claims it.

One row per aircraft mentioned in a flight clause. The evidence span (``start``/``end``) is the
clause of the sentence that carries the aircraft, so ``doc.text[start:end]`` shows the words
behind every value. All language knowledge is data in ``hmeimim/lexicon/``:

* ``aircraft.csv``  - real types, designator prefixes in every script (Il, Ил, Іл, 伊尔, إيل ...),
  manufacturers, popular names (Ruslan) and aircraft nouns;
* ``places.csv``    - gazetteer with spellings, ru/uk stems, Arabic clitics, containment (parent);
* ``numbers.csv``   - number words, "N times" words and occurrence nouns for counts;
* ``flight_events.csv`` - event cues and the function words read around places and aircraft;
* ``operators.csv`` - operators (Russian Air Force, ВКС России, ...);
* ``hedges.csv``    - hedge words (read only; owned by the sources stage).

Dates come from :func:`hmeimim.dates.find_dates` on the sentence.

Rules, in short:

* **Aircraft** - a designator regex (manufacturer name? + prefix alias in any script + number +
  suffix letters + ``-100`` variant + popular name) maps prefix aliases to canonical prefixes and
  reads the type from the table of real types. A designation that names no real type (``Il-26M``)
  is read as the nearest real type of the same manufacturer (one digit edit or transposition;
  ties go to a family the same article names elsewhere, then to a matching suffix, then to a
  transposition) and flagged ``nonexistent_designator``. A manufacturer alone next to an
  aircraft noun ("an Ilyushin transport plane") is its own value, flagged ``manufacturer_only``.
  A sentence with no aircraft that starts with "It"/"The plane"/"Он"... and carries an event
  with a date, count or place continues the single aircraft of the sentence before
  (flag ``anaphora``).
* **Clauses** - aircraft mentions joined only by "and"-words share one clause; otherwise a
  sentence is cut between mentions at the last comma/semicolon/dash.
* **Count** - "N times"-words, a number (digits or words) followed within two words by an
  occurrence noun ("three separate occasions", "три рейса", "ثلاث مرات", "三次"), or a number right
  before the aircraft ("two An-124s"); else 1.
* **Places** - a place counts when a role word stands at most two words before it
  (from/to/at/via in the article's language) or when places are chained by hyphens or dashes
  ("the Libya-Latakia-Moscow region route"). A place directly followed or preceded by one it
  contains is dropped ("Libya's Tripoli" -> Tripoli; "Hmeimim ... in Latakia" -> Hmeimim).
  Arabic bi-/li- written on a name give it a role. With no role word anywhere in the clause, a
  bare air base or airport counts ("Хмеймим трижды посетил Ан-124"). A place followed by a
  possessive and no place ("Moscow's influence") is the state, not a stop.
  Route = places in text order with "from" places first; origin = first, destination = last
  (a departure's single place is its origin).
  "there" (там, dort, هناك, 那里 ...) points at the last place named before, "the base" at the
  last air base.
* **Event** - route when two or more places remain; else arrival, departure, overflight,
  sighting by cue (a bare "flew" gets its direction from its place role); rows with no event
  cue are kept only as restatements.
* **Date** - the date mention inside the clause nearest the event cue (date/range/weekday/
  relative before month before year; "since ..." and vague words such as "recently" are not a
  flight date); a date that opens the sentence before its first aircraft applies to every clause;
  dates listed with "and" ("on Oct. 28 and Oct. 29") make one window.
* **Restatements** - a row restates another row of the same family (Il-62 ~ Il-62M ~ Il-26M read
  as Il-62M; a manufacturer-only mention matches its manufacturer) that is richer (own date,
  count and places weigh more) and compatible with it (dates overlap or are written alike,
  counts agree, places are the same or contain each other). Ties go to the earlier row.
  "another"-words block it. Restating rows are kept with ``restates=True`` and add no flights.
* **Known gaps** - generic or habitual statements ("a hub for flights to Libya, using Il-76 and
  An-124 aircraft") and negated ones ("no Il-76 had landed") still give rows; a weekday window
  is only checked when its dates resolve.
* **Vague mentions with no type** ("at least two Russian aircraft") produce **no row**: without a
  type they can neither be counted as a flight nor tied to the flight they summarise.
* **Contradictions** - a weekday said of the flight (in its clause, or in the next sentence when
  that sentence names no aircraft but speaks of flights) that cannot fall inside the flight's
  date window: the weekdays of the window are computed from its resolved dates (year as
  written, inferred from publication or the reference year).
"""
from __future__ import annotations

import bisect
import calendar
import functools
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Iterable

import pandas as pd

from . import lexicons
from .text import Doc

__all__ = ["FLIGHT_COLUMNS", "EXTRA_COLUMNS", "flights_for_doc", "find_flights"]

FLIGHT_COLUMNS = ["article_id", "sentence_id", "start", "end", "aircraft", "aircraft_as_written", "operator",
                  "event", "count", "date_start", "date_end", "date_as_written", "origin", "destination", "route",
                  "hedged", "restates", "aircraft_flag", "date_year_inferred", "contradiction"]
#: Extra columns after the contract ones: the article language, the cue words behind event and
#: count, the kind of the governing date mention and the aircraft family (Il-62 for Il-62M).
EXTRA_COLUMNS = ["language", "event_as_written", "count_as_written", "date_kind", "aircraft_family"]

LANGS = ("en", "ru", "uk", "de", "fr", "it", "es", "pt", "ar", "zh")

# --- character classes ---------------------------------------------------------------------

_LC = "A-Za-z\u00c0-\u024f\u0400-\u04ff"            # Latin and Cyrillic letters
_AR = "\u0600-\u06ff"                                # Arabic block
_DIGITS = "0-9\u0660-\u0669\u06f0-\u06f9"
_DIGIT_TABLE = {**{0x0660 + i: str(i) for i in range(10)}, **{0x06f0 + i: str(i) for i in range(10)}}
_CLITICS = "\u0648\u0641\u0628\u0644\u0643"          # و ف ب ل ك
_QUOTES_OPEN = "\u2018'\"\u201c\u00ab\u201e\u300c\u300e"
_QUOTES_CLOSE = "\u2019'\"\u201d\u00bb\u201c\u300d\u300f"
_CLAUSE_PUNCT = re.compile(r"[,;:\u2014\u2013\uff0c\uff1b\u060c\u061b]|\s-\s")
_CLAUSE_END = re.compile(r"[;:\uff1b\uff1a\u061b](?:\s|$)")
_SENTENCE_PUNCT = re.compile(r"[;:.!?\u3002\u061b]")
_PLACE_CHAIN = re.compile(r"\s*[\-\u2013\u2014\u2192>/]\s*|\s*-\s*")
_POSSESSIVE = re.compile(r"['\u2019]s\s")
_ROLE_STOP = re.compile(r"[,;:.!?\u060c\u061b]")
_WORDS = re.compile(r"[^\W_]+")
_LATIN_START = re.compile(r"[A-Za-z]")
_NOT_AIRCRAFT_AFTER = re.compile(r"\s*(?:-[A-Za-z]|%|[\u00b0\u2103]|years?\b|hours?\b|per\b|km\b|kg\b)")
_SPACES_HYPHENS = re.compile(r"[\s\-]+")

_CYR2LAT = str.maketrans(dict(zip("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯІЇЄҐ",
                    ["A", "B", "V", "G", "D", "E", "E", "Zh", "Z", "I", "Y", "K", "L", "M", "N", "O", "P", "R",
                     "S", "T", "U", "F", "Kh", "Ts", "Ch", "Sh", "Shch", "", "Y", "", "E", "Yu", "Ya", "I", "Yi",
                     "Ye", "G"])))


def _is_cjk(s: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in s)


def _is_arabic(s: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in s)


def _lang(language: str | None) -> str:
    return (language or "en").strip().lower().replace("_", "-").split("-")[0]


def _langs_for(lang: str) -> frozenset[str]:
    """Lexicon rows used for an article: its language's, plus English in a text of another script
    (quoted English, loan words); every language when the article's language has no rows of its
    own. Latin-script languages do not take English rows: German "Land" is no landing."""
    if lang in ("ru", "uk", "ar", "zh"):
        return frozenset({lang, "en", ""})
    if lang in LANGS:
        return frozenset({lang, ""})
    return frozenset(LANGS) | {""}


def _lit(form: str) -> str:
    """Regex for a lexicon form: spaces match runs of whitespace or hyphens, apostrophes any apostrophe."""
    out = []
    for ch in form:
        if ch == " ":
            out.append(r"[\s\-]+")
        elif ch in "'\u2019":
            out.append("['\u2019\u02bc]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _body(form: str, match: str) -> str:
    """Regex for a form without its word boundaries: a stem form lets every word take an ending."""
    if match == "stem" and not _is_cjk(form):
        return r"[\s\-]+".join(_lit(tok) + r"[^\W\d_]{0,5}" for tok in form.split())
    return _lit(form)


def _script_of(form: str, match: str) -> str:
    if match == "sub" or _is_cjk(form):
        return "sub"
    return "ar" if _is_arabic(form) else "lc"


def _word_pattern(form: str, match: str) -> str:
    """Regex for one cue/place/operator form according to its ``match`` kind (word, stem, sub)."""
    script, body = _script_of(form, match), _body(form, match)
    if script == "sub":
        return body
    if script == "ar":
        return rf"(?<![{_AR}])(?:[{_CLITICS}]{{0,2}})(?:{body})(?![{_AR}])"
    return rf"(?<![^\W_]){body}(?![^\W_])"


class _Alternation:
    """Many forms compiled into one regex; ``lookup(m)`` returns the value of the form that matched.

    ``items`` are ``(form, match, value)``. Forms are grouped by script (word boundaries are
    tested once per group) and dispatched on their first character, so a scan costs about one
    test per position instead of one per form. In a case-sensitive alternation the first
    character of a Latin/Cyrillic form is written before its group, as a literal the regex
    engine can check without entering the branch (much faster than a lookahead per first
    character); the group of such a form then starts at its second character.
    """

    def __init__(self, items: list[tuple[str, str, object]], flags: int = 0):
        self.values: list = []
        groups: dict[str, dict[str, list[tuple[str, str, object]]]] = {"lc": {}, "ar": {}, "sub": {}}
        expanded = []
        for form, match, value in items:
            expanded.append((form, match, value))
            if _is_arabic(form) and form.startswith("\u0627\u0644") and match != "sub":
                # li- + al-X is written lil-X: للاذقية, للقوات
                expanded.append(("\u0644\u0644" + form[2:], match, value))
        for form, match, value in expanded:
            if not form:
                continue
            script = _script_of(form, match)
            first = form[0].casefold() if flags & re.I else form[0]
            groups[script].setdefault(first, []).append((form, match, value))
        parts, starts = [], set()  # starts: every character a match can begin with
        for script, by_first in groups.items():
            if not by_first:
                continue
            branches = []
            for first, forms in sorted(by_first.items()):
                chars = {first, first.upper(), first.lower()} if flags & re.I else {first}
                lead = re.escape(first)
                hoist = script == "lc" and not flags & re.I and all(
                    _body(form, match).startswith(lead) for form, match, _ in forms)
                alts = []
                for form, match, value in sorted(forms, key=lambda f: -len(f[0])):
                    self.values.append(value)
                    end = {"lc": r"(?![^\W_])", "ar": rf"(?![{_AR}])", "sub": ""}[script]
                    body = _body(form, match)
                    alts.append(f"({body[len(lead):] if hoist else body}{end})")
                cls = "".join(re.escape(c) for c in sorted(chars))
                branches.append(f"{lead}(?:{'|'.join(alts)})" if hoist else f"(?=[{cls}])(?:{'|'.join(alts)})")
            firsts = {c for f in by_first for c in ({f, f.upper(), f.lower()} if flags & re.I else {f})}
            starts |= firsts | (set(_CLITICS) if script == "ar" else set())
            body = f"(?=[{''.join(re.escape(c) for c in sorted(firsts))}])(?:{'|'.join(branches)})"
            if script == "lc":
                parts.append(rf"(?<![^\W_])(?:{body})")
            elif script == "ar":
                parts.append(rf"(?<![{_AR}])(?:[{_CLITICS}]{{0,2}}(?:{body}))")
            else:
                parts.append(f"(?:{body})")
        # (the first test, on the character where a match begins, rejects most positions at once)
        start = "".join(re.escape(c) for c in sorted(starts))
        self.regex = re.compile(f"(?=[{start}])(?:{'|'.join(parts)})", flags) if parts else None

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None):
        if self.regex is None:
            return iter(())
        return self.regex.finditer(text, pos, len(text) if endpos is None else endpos)

    def lookup(self, m: re.Match):
        return self.values[m.lastindex - 1]


class _Scan:
    """``regex.finditer(text)`` for a regex without IGNORECASE whose matches all begin with a
    character of the class ``firsts``, found faster in a whole article. A regex that begins with
    a character class lets the engine skip to those characters in a tight loop, and only there
    a lookahead tests ``regex`` (which, beginning with lookarounds, is tried at every position)."""

    def __init__(self, regex: re.Pattern, firsts: str):
        self.regex = regex
        # the character, then, looking back at it, the regex from there
        self._finder = re.compile(f"[{firsts}](?<=(?={regex.pattern}).)", regex.flags)

    def finditer(self, text: str):
        pos = 0
        while (c := self._finder.search(text, pos)) is not None:
            m = self.regex.match(text, c.start())
            yield m
            pos = m.end()  # never empty: a match holds at least its first character


# --- lexicons (built once) -----------------------------------------------------------------


@dataclass(frozen=True)
class _AircraftLex:
    types: dict            # designator -> maker
    families: dict         # "Il-62" -> (designators, ...)
    by_prefix: dict        # "Il" -> ((num, suffix, variant, designator), ...)
    prefixes: dict         # alias -> (canonical prefix, mode)
    makers: dict           # alias -> (maker, mode, canonical prefix)
    names: dict            # folded name -> family
    designator: _Scan
    standalone: _Scan
    nouns: re.Pattern
    script_suffixes: dict = None  # suffix letter in another script -> Latin letter ("إم" -> "M")


_DESIG_SPLIT = re.compile(r"^(?P<p>[A-Za-z]+)-(?P<n>\d+)(?P<s>[A-Za-z]*\d?)(?P<v>(?:-[0-9A-Za-z]+)?)$")


def _fold(s: str) -> str:
    return unicodedata.normalize("NFC", s).casefold()


@functools.lru_cache(maxsize=1)
def _aircraft_lex() -> _AircraftLex:
    rows = lexicons.load("aircraft")
    types, families, by_prefix = {}, {}, {}
    prefixes, makers, names, nouns = {}, {}, {}, []
    script_suffixes: dict = {}
    for r in rows:
        kind, form = r["kind"], r["form"]
        if kind == "type":
            m = _DESIG_SPLIT.match(form)
            if not m:
                continue
            types[form] = r["canonical"]
            fam = f"{m['p']}-{m['n']}"
            families.setdefault(fam, []).append(form)
            by_prefix.setdefault(m["p"], []).append((m["n"], m["s"], m["v"], form))
        elif kind == "prefix":
            prefixes[form] = (r["canonical"], r["mode"] or "any")
        elif kind == "maker":
            makers[form] = (r["canonical"], r["mode"] or "standalone", r["role"])
        elif kind == "name":
            names[_fold(form)] = r["canonical"]
        elif kind == "noun":
            nouns.append(form)
        elif kind == "suffix":
            script_suffixes[form] = r["canonical"]
    # A manufacturer written straight before a number ("Ilyushin-62", "أنتونوف-124") is a prefix too.
    for form, (maker, _mode, pfx) in makers.items():
        prefixes.setdefault(form, (pfx, "any"))
    pfx_alt = "|".join(re.escape(a) for a in sorted(prefixes, key=len, reverse=True))
    maker_alt = "|".join(re.escape(a) for a in sorted(makers, key=len, reverse=True))
    name_alt = "|".join(_lit(a) for a in sorted({r["form"] for r in rows if r["kind"] == "name"}, key=len, reverse=True))
    firsts = "".join(sorted({re.escape(a[0]) for a in list(prefixes) + list(makers)}))
    xsuf_alt = "|".join(re.escape(a) for a in sorted(script_suffixes, key=len, reverse=True)) or r"(?!x)x"
    designator = re.compile(
        rf"(?<![{_LC}0-9\-])(?=[{firsts}])"
        rf"(?:(?P<maker>{maker_alt})[\s\-]*)?"
        rf"(?P<pfx>{pfx_alt})"
        rf"(?P<sep>[\-\s]?)"
        rf"(?P<num>[{_DIGITS}]{{1,3}})"
        rf"(?:(?P<suf>[A-Z\u0410-\u042f\u0401\u0406](?:[A-Z\u0410-\u042f\u0401\u0406]|h){{0,4}}[0-9]?)"
        rf"|(?P<xsuf>(?:\s?(?:{xsuf_alt})){{1,3}})(?![{_AR}]))?"
        rf"(?P<var>-[0-9]{{2,3}}[A-Z\u0410-\u042f]?)?"
        rf"(?P<pl>s|['\u2019]s)?"
        rf"(?![{_LC}0-9])"
        rf"(?P<nm>\s*[{_QUOTES_OPEN}]\s*(?P<qname>{name_alt})\s*,?\s*[{_QUOTES_CLOSE}]"
        rf"|\s*(?P<name>{name_alt})(?![{_LC}]))?"
    )
    name_forms = [r["form"] for r in rows if r["kind"] == "name"]
    sfirsts = "".join(sorted({re.escape(a[0]) for a in list(makers) + name_forms} | {re.escape(q) for q in _QUOTES_OPEN}))
    standalone = re.compile(
        rf"(?<![{_LC}])(?=[{sfirsts}])(?:(?P<maker>{'|'.join(re.escape(a) for a, v in sorted(makers.items(), key=lambda kv: -len(kv[0])) if v[1] == 'standalone')})"
        rf"|[{_QUOTES_OPEN}]\s*(?P<qname>{name_alt})\s*,?\s*[{_QUOTES_CLOSE}]|(?P<name>{name_alt}))(?![{_LC}])"
    )
    noun_re = re.compile("|".join(_word_pattern(n, "word") for n in sorted(nouns, key=len, reverse=True)), re.I)
    return _AircraftLex(types, {k: tuple(v) for k, v in families.items()},
                        {k: tuple(v) for k, v in by_prefix.items()}, prefixes, makers, names,
                        _Scan(designator, firsts), _Scan(standalone, sfirsts), noun_re, script_suffixes)


@dataclass(frozen=True)
class _LangLex:
    events: _Alternation   # value = event
    roles: _Alternation    # value = from / to / at / via
    there: _Alternation    # value = there / base_ref
    anaphor: _Alternation
    vague: _Alternation
    another: _Alternation
    place_noun: _Alternation
    since: _Alternation
    conj: _Alternation
    times: _Alternation    # value = int
    unit_count: re.Pattern
    num_values: dict       # folded number word -> int
    num_before: re.Pattern
    operators: _Alternation
    hedges: _Alternation


_EVENTS = ("arrival", "departure", "route", "flight", "sighting", "overflight")
_ROLES = ("from", "to", "at", "via")


def _rows_for(name: str, langs: frozenset[str]) -> list[dict]:
    try:
        rows = lexicons.load(name)
    except FileNotFoundError:
        return []
    return [r for r in rows if r.get("lang", "") in langs]


@functools.lru_cache(maxsize=16)
def _lang_lex(lang: str) -> _LangLex:
    langs = _langs_for(lang)
    cues = _rows_for("flight_events", langs)

    def alt(kinds, value=None):
        items = [(r["cue"], r["match"], value if value is not None else r["event"])
                 for r in cues if r["event"] in kinds]
        return _Alternation(items, re.I)

    events = alt(set(_EVENTS))
    nums = _rows_for("numbers", langs)
    num_values = {_fold(r["form"]): int(r["value"]) for r in nums if r["kind"] == "num"}
    times = _Alternation([(r["form"], "sub" if lang == "zh" else "word", int(r["value"]))
                          for r in nums if r["kind"] == "times"], re.I)
    num_alt = "|".join(_lit(f) for f in sorted((r["form"] for r in nums if r["kind"] == "num"), key=len, reverse=True))
    unit_alt = "|".join(_lit(f) for f in sorted((r["form"] for r in nums if r["kind"] == "unit"), key=len, reverse=True))
    if lang == "zh":
        digits = rf"(?<![0-9A-Za-z\-.,/:])[{_DIGITS}]{{1,2}}(?![0-9A-Za-z\-.,/:])"
    else:
        digits = rf"(?<![\w\-.,/:])[{_DIGITS}]{{1,2}}(?![\w\-.,/:])"
    nb = rf"(?<![^\W_])" if lang != "zh" else r"(?<!第)"
    unit_end = "" if lang == "zh" else r"(?![^\W\d_])"
    # number, up to two words, occurrence noun ("three separate occasions"); CJK: number + unit directly.
    num_forms = [r["form"] for r in nums if r["kind"] == "num"]
    firsts = "".join(sorted({re.escape(c) for f in num_forms for c in (f[0].lower(), f[0].upper())}))
    unit_count = re.compile(
        rf"(?=[{_DIGITS}{firsts}])(?P<num>{digits}|{nb}(?:{num_alt}))"
        rf"(?P<gap>(?:\s+[^\W\d_][\w'\u2019\-]*){{0,2}}\s+|\s*)"
        rf"(?P<unit>{unit_alt}){unit_end}" if num_alt and unit_alt else r"(?!x)x", re.I)
    num_before = re.compile(rf"(?:(?P<num>{digits})|{nb}(?P<word>{num_alt}))\s*(?:架|名)?\s*$" if num_alt else r"(?!x)x", re.I)
    ops = _rows_for("operators", langs)
    operators = _Alternation([(r["form"], r["match"], r["canonical"]) for r in ops], re.I)
    hedge_rows = _rows_for("hedges", langs)
    # "!word" is a guard: matched like a hedge but worth False, so that a hedge starting inside it
    # (数据称 "the data say" holds 据称) is consumed by the earlier, longer match and does not count
    hedges = _Alternation([(w.lstrip("!"), "sub" if lang == "zh" else "word", not w.startswith("!"))
                           for w in (r.get("word") or r.get("form", "") for r in hedge_rows) if w.lstrip("!")], re.I)
    return _LangLex(events, alt(set(_ROLES)), alt({"there", "base_ref"}), alt({"anaphor"}), alt({"vague_time"}),
                    alt({"another"}), alt({"place_noun"}), alt({"since"}), alt({"and"}), times, unit_count, num_values,
                    num_before, operators, hedges)


@dataclass(frozen=True)
class _Place:
    canonical: str
    kind: str
    parent: str


@functools.lru_cache(maxsize=1)
def _places() -> tuple[_Alternation, dict]:
    rows = lexicons.load("places")
    info: dict[str, _Place] = {}
    items = []
    for r in rows:
        c = r["canonical"]
        info.setdefault(c, _Place(c, r.get("kind", ""), r.get("parent", "")))
        form, match = r["form"], r.get("match") or "word"
        items.append((form, match, c))
    return _Alternation(items), info


def _ancestors(place: str, info: dict) -> set[str]:
    out, p = set(), info.get(place)
    while p and p.parent and p.parent not in out:
        out.add(p.parent)
        p = info.get(p.parent)
    return out


def _related(a: str, b: str, info: dict) -> bool:
    return a == b or a in _ancestors(b, info) or b in _ancestors(a, info)


# --- aircraft mentions ---------------------------------------------------------------------


@dataclass
class _Aircraft:
    start: int
    end: int
    as_written: str
    prefix: str            # canonical prefix (Il) or "" for a manufacturer alone
    num: str
    suffix: str
    variant: str
    maker: str             # manufacturer (Ilyushin)
    canonical: str = ""
    family: str = ""
    flag: str = ""
    candidates: tuple = ()  # nearest real types for a nonexistent designator


def _osa(a: str, b: str) -> int:
    """Optimal string alignment distance (edits with adjacent transpositions)."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


@functools.lru_cache(maxsize=4096)
def _resolve_designator(prefix: str, num: str, suffix: str, variant: str) -> tuple[str, str, tuple]:
    """(canonical, flag, nearest candidates) for a parsed designator; canonical '' = not a type."""
    lex = _aircraft_lex()
    fam = f"{prefix}-{num}"
    full = fam + suffix + variant
    if full in lex.types:
        return full, "", ()
    if fam in lex.families:
        if fam + suffix in lex.types and not variant:
            return fam + suffix, "", ()
        return full, "unlisted_variant", ()
    cands = []
    if len(num) >= 2:
        for n, s, v, desig in lex.by_prefix.get(prefix, ()):
            d = _osa(num, n)
            if d > 1:
                continue
            transposed = sorted(n) == sorted(num) and n != num
            mismatch = (s != suffix) + (v != variant)
            cands.append(((d, mismatch, not transposed), desig))
    cands.sort()
    if cands:
        return cands[0][1], "nonexistent_designator", tuple(c for c in cands if c[0][0] == cands[0][0][0])
    return full, "unknown_designator", ()


def _family(designator: str) -> str:
    m = _DESIG_SPLIT.match(designator)
    return f"{m['p']}-{m['n']}" if m else designator


def _translit_suffix(s: str) -> str:
    return s.translate(_CYR2LAT) if s else ""


def _aircraft_mentions(text: str) -> list[_Aircraft]:
    lex = _aircraft_lex()
    out: list[_Aircraft] = []
    for m in lex.designator.finditer(text):
        alias = m["pfx"]
        pfx, mode = lex.prefixes[alias]
        sep = m["sep"]
        num = m["num"].translate(_DIGIT_TABLE).lstrip("0") or "0"
        suffix = _translit_suffix(m["suf"] or "")
        if m["xsuf"]:
            # "إيل-62 إم": suffix letters in Arabic script, with or without a space
            alt = "|".join(re.escape(a) for a in sorted(lex.script_suffixes, key=len, reverse=True))
            suffix = "".join(lex.script_suffixes[t] for t in re.findall(alt, m["xsuf"]))
        variant = m["var"] or ""
        fam = f"{pfx}-{num}"
        known = fam in lex.families
        if _is_arabic(alias):
            k = m.start("pfx") if not m["maker"] else m.start()
            j = k
            while j > 0 and "\u0600" <= text[j - 1] <= "\u06ff":
                j -= 1
            if k - j > 2 or any(ch not in _CLITICS for ch in text[j:k]):
                continue
        if mode == "hyphen":
            if not known or not (sep == "-" or (sep == "" and _is_cjk(alias))):
                continue
        elif sep == " " and not known:
            continue
        if sep == " " and not (suffix or m["maker"] or not _LATIN_START.match(alias)
                               or lex.nouns.search(text, max(0, m.start() - 30), min(len(text), m.end() + 25))):
            continue   # "Su 24 años": a Latin prefix and a bare number need an aircraft word nearby
        if sep == " " and _NOT_AIRCRAFT_AFTER.match(text, m.end("num")):
            continue
        canonical, flag, cands = _resolve_designator(pfx, num, suffix, variant)
        maker = lex.makers[m["maker"]][0] if m["maker"] else ""
        if not maker:
            desig = canonical if canonical in lex.types else (lex.families.get(fam, ("",))[0])
            maker = lex.types.get(desig, "") or next((v[0] for a, v in lex.makers.items() if v[2] == pfx), "")
        end = m.end()
        # keep the closing quote of a quoted name, drop trailing spaces
        as_written = text[m.start():end].rstrip()
        out.append(_Aircraft(m.start(), m.start() + len(as_written), as_written, pfx, num, suffix, variant,
                             maker, canonical, _family(canonical), flag, cands))
    taken = [(a.start, a.end) for a in out]
    for m in lex.standalone.finditer(text):
        if any(s <= m.start() < e or s < m.end() <= e for s, e in taken):
            continue
        window = text[max(0, m.start() - 30):m.end() + 30]
        if m["maker"]:
            if not lex.nouns.search(window):
                continue
            maker = lex.makers[m["maker"]][0]
            out.append(_Aircraft(m.start(), m.end(), m.group(), "", "", "", "", maker, maker, maker, "manufacturer_only"))
        else:
            nm = m["qname"] or m["name"]
            if m["name"] and not lex.nouns.search(window):
                continue
            fam = lex.names.get(_fold(nm))
            if not fam:
                continue
            maker = lex.types.get(fam, "")
            out.append(_Aircraft(m.start(), m.end(), m.group(), fam.split("-")[0], fam.split("-")[1], "", "",
                                 maker, fam, fam, "name_only"))
    out.sort(key=lambda a: a.start)
    return out


def _settle_nearest(mentions: list[_Aircraft]) -> None:
    """Read a nonexistent designator as the nearest real type, preferring a family the article names."""
    attested = {a.family for a in mentions if not a.flag}
    for a in mentions:
        if a.flag == "nonexistent_designator" and a.candidates:
            best = sorted(a.candidates, key=lambda c: (_family(c[1]) not in attested, c[0]))[0][1]
            a.canonical, a.family = best, _family(best)


# --- per-clause reading ----------------------------------------------------------------------


@dataclass
class _Row:
    sentence_id: int
    start: int
    end: int
    aircraft: _Aircraft
    event: str = ""
    event_as_written: str = ""
    event_pos: int = -1
    count: int = 1
    count_explicit: bool = False
    count_as_written: str = ""
    date: object = None               # DateMention (offsets into the doc text) or None
    places: list = field(default_factory=list)   # [(canonical, role, start, end)]
    operator: str | None = None
    hedged: bool = False
    another: bool = False
    restates: bool = False
    contradiction: str = ""

    @property
    def place_names(self) -> list[str]:
        return [p[0] for p in self.places]


def _date_mentions(doc: Doc, sid: int, cache: dict, lang: str) -> list:
    """Date mentions of a sentence with offsets shifted into the doc text (cached per sentence)."""
    found = cache.get(sid)
    if found is None:
        from .dates import DateMention, find_dates
        s = doc.sentences[sid]
        k = s.start
        cache[sid] = found = [DateMention(d.start + k, d.end + k, d.as_written, d.date_start, d.date_end, d.kind,
                                          d.year_inferred, d.resolved_from)
                              for d in find_dates(doc.text[s.start:s.end], lang, doc.published, doc.ref_year)]
    return found


def _events_in(text: str, lo: int, hi: int, ll: _LangLex) -> list[tuple[str, int, str]]:
    return [(ll.events.lookup(m), m.start(), m.group()) for m in ll.events.finditer(text, lo, hi)]


def _places_in(text: str, lo: int, hi: int, lang: str, ll: _LangLex) -> list[tuple[str, str, int, int]]:
    """Places of a clause with their role (from/to/at/via/chain), filtered and collapsed."""
    alt, info = _places()
    found, clitic_role = [], {}
    for m in alt.finditer(text, lo, hi):
        found.append((alt.lookup(m), m.start(), m.end()))
        if "\u0600" <= text[m.start()] <= "\u06ff":
            # Arabic prepositions written on the name: bi- (at), li-/lil- (to)
            pre = text[m.start():m.start(m.lastindex)]
            core = m.group(m.lastindex)
            if "\u0644" in pre or core.startswith("\u0644\u0644"):
                clitic_role[m.start()] = "to"
            elif "\u0628" in pre:
                clitic_role[m.start()] = "at"
    if not found:
        return []
    roles = [(ll.roles.lookup(m), m.start(), m.end()) for m in ll.roles.finditer(text, lo, hi)]
    cjk = lang == "zh"
    chained = set()
    for i in range(len(found) - 1):
        gap = text[found[i][2]:found[i + 1][1]]
        if _PLACE_CHAIN.fullmatch(gap):
            chained.update({i, i + 1})
    out = []
    for i, (c, s, e) in enumerate(found):
        # "Moscow's influence": a possessive not followed by a place is the state, not a stop
        if _POSSESSIVE.match(text, e, e + 3) and not (i + 1 < len(found) and found[i + 1][1] - e <= 4):
            continue
        role = ""
        for r, rs, re_ in reversed(roles):
            if re_ > s:
                continue
            between = text[re_:s]
            if cjk:
                if len(between.strip()) <= 3:
                    role = r
                    break
                if len(between) > 8:
                    break
                continue
            if _ROLE_STOP.search(between):
                break
            words = len(_WORDS.findall(between))
            # a short "from" word (de, da, з, с: also "of", "with") governs the next word or the one
            # after an article; other role words reach two words ("in den Großraum Moskau")
            if words <= (1 if r == "from" and len(text[rs:re_].strip()) <= 2 else 2):
                role = r
                if r == "from":
                    words_before = _WORDS.findall(text, max(lo, rs - 40), rs)[-2:]
                    if any(ll.place_noun.regex is not None and ll.place_noun.regex.fullmatch(w) for w in words_before):
                        role = "at"   # "la base aérea de Hmeimim": de = of
                break
            if words > 3:
                break
        if not role:
            role = clitic_role.get(s, "")
        if not role and i in chained:
            role = "chain"
        if not role:
            continue
        out.append((c, role, s, e))
    if not out:
        # nothing with a role word: an air base or airport named bare is where it happened
        # ("Хмеймим трижды посетил Ан-124"); bare countries and cities are too often the state
        bare = [(c, "at", s, e) for c, s, e in found if info[c].kind in ("airbase", "airport")
                and not _POSSESSIVE.match(text, e, e + 3)]
        out = bare[:1]
    # drop a place next to one it contains; merge repeats
    collapsed: list[tuple[str, str, int, int]] = []
    for p in out:
        if collapsed and collapsed[-1][0] == p[0]:
            continue
        if collapsed and collapsed[-1][0] in _ancestors(p[0], info):
            prev = collapsed.pop()
            role = prev[1] if prev[1] in ("from", "via") else p[1]
            p = (p[0], role, prev[2], p[3])
        elif collapsed and p[0] in _ancestors(collapsed[-1][0], info):
            continue
        collapsed.append(p)
    return collapsed


def _route(places: list[tuple[str, str, int, int]]) -> list[tuple[str, str, int, int]]:
    origins = [p for p in places if p[1] == "from"]
    rest = [p for p in places if p[1] != "from"]
    seq = origins + rest
    out = []
    for p in seq:
        if not out or out[-1][0] != p[0]:
            out.append(p)
    return out


def _count(text: str, lo: int, hi: int, ll: _LangLex, anchor: int, dates: list = ()) -> tuple[int, bool, str]:
    """(count, explicit, words) of a clause: the count expression nearest ``anchor``.

    A count is explicit when it says more than "a flight": two or more, or an "N times" word.
    Numbers inside date mentions ("26 октября совершил перелет") are not counts."""
    best = None

    def in_date(a, b):
        return any(d.start < b and d.end > a for d in dates)

    for m in ll.times.finditer(text, lo, hi):
        if not in_date(m.start(), m.end()):
            cand = (abs(m.start() - anchor), ll.times.lookup(m), m.group())
            best = cand if best is None or cand < best else best
    for m in ll.unit_count.finditer(text, lo, hi):
        val = _num_value(m["num"], ll)
        if val is None or val < 2 or in_date(m.start("num"), m.end("num")):
            continue
        cand = (abs(m.start() - anchor), val, m.group())
        best = cand if best is None or cand < best else best
    if best:
        return best[1], True, best[2]
    return 1, False, ""


def _num_value(raw: str, ll: _LangLex) -> int | None:
    raw = raw.strip()
    d = raw.translate(_DIGIT_TABLE)
    if d.isdigit():
        return int(d)
    return ll.num_values.get(_fold(_SPACES_HYPHENS.sub(" ", raw)))


def _is_since(text: str, lo: int, d, ll: _LangLex) -> bool:
    """A date that opens or follows a "since" word ("since 2015", "с 2015 года") is a start point,
    not the date of a flight."""
    if ll.since.regex is None:
        return False
    if ll.since.regex.match(text, d.start):
        return True
    before = text[max(lo, d.start - 15):d.start].rstrip()
    return any(m.end() == len(before) for m in ll.since.regex.finditer(before))


def _pick_date(dates: list, lo: int, hi: int, anchor: int, ll: _LangLex, text: str):
    cands = []
    for d in dates:
        if d.end <= lo or d.start >= hi or d.kind == "since":
            continue
        if d.kind != "range" and _is_since(text, lo, d, ll):
            continue
        if ll.vague.regex is not None and ll.vague.regex.fullmatch(text[d.start:d.end].strip()):
            continue
        rank = 0 if d.kind in ("date", "range", "weekday", "relative") else 1 if d.kind == "month" else 2
        cands.append((rank, min(abs(d.start - anchor), abs(d.end - anchor)), d.start, d))
    if not cands:
        return None
    best = min(cands, key=lambda c: c[:3])[3]
    return _join_listed_dates(best, [c[3] for c in cands], ll, text)


def _join_listed_dates(best, cands: list, ll: _LangLex, text: str):
    """Dates listed with "and" or commas ("on Oct. 28 and Oct. 29", "26 и 27 октября") make one
    window from the first to the last, as written from the first word to the last."""
    if best.kind not in ("date", "weekday") or best.date_start is None:
        return best
    listed = sorted((d for d in cands if d.kind == best.kind and d.date_start is not None), key=lambda d: d.start)
    i = listed.index(best)
    lo_i = hi_i = i

    def joined(a, b) -> bool:
        gap = text[a.end:b.start]
        return len(gap) <= 8 and (gap.strip() in (",", "\u060c", "\u3001")
                                  or any(True for _ in ll.conj.finditer(text, a.end, b.start)))

    while lo_i > 0 and joined(listed[lo_i - 1], listed[lo_i]):
        lo_i -= 1
    while hi_i + 1 < len(listed) and joined(listed[hi_i], listed[hi_i + 1]):
        hi_i += 1
    if lo_i == hi_i:
        return best
    first, last = listed[lo_i], listed[hi_i]
    return replace(best, start=first.start, end=last.end, as_written=text[first.start:last.end],
                   date_start=min(d.date_start for d in listed[lo_i:hi_i + 1]),
                   date_end=max(d.date_end or d.date_start for d in listed[lo_i:hi_i + 1]),
                   kind="range", year_inferred=any(d.year_inferred for d in listed[lo_i:hi_i + 1]))


def _group_mentions(text: str, ms: list[_Aircraft], ll: _LangLex, dates: list) -> list[list[_Aircraft]]:
    groups = [[ms[0]]]
    for prev, cur in zip(ms, ms[1:]):
        gap_lo, gap_hi = prev.end, cur.start
        gap = text[gap_lo:gap_hi]
        joined = (len(gap) <= 80
                  and (any(True for _ in ll.conj.finditer(text, gap_lo, gap_hi)) or gap.strip() in ("", ",", "/"))
                  and not _events_in(text, gap_lo, gap_hi, ll)
                  and not any(d.start < gap_hi and d.end > gap_lo for d in dates)
                  and not _count(text, gap_lo, gap_hi, ll, gap_lo, dates)[1]
                  and not _SENTENCE_PUNCT.search(gap))
        if joined:
            groups[-1].append(cur)
        else:
            groups.append([cur])
    return groups


def _clause_spans(text: str, s_lo: int, s_hi: int, groups: list[list[_Aircraft]]) -> list[tuple[int, int]]:
    cuts = [s_lo]
    for g, nxt in zip(groups, groups[1:]):
        lo, hi = g[-1].end, nxt[0].start
        cut = hi
        for m in _CLAUSE_PUNCT.finditer(text, lo, hi):
            cut = m.start()
        cuts.append(cut)
    # the last clause ends at a semicolon or colon that follows its aircraft
    # ("... flew on to Moscow, the crew said: nothing more ...")
    m = _CLAUSE_END.search(text, groups[-1][-1].end, s_hi)
    cuts.append(m.start() if m else s_hi)
    spans = []
    for a, b in zip(cuts, cuts[1:]):
        while a < b and (text[a].isspace() or text[a] in ",;:\uff0c\uff1b\u060c\u2014-"):
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        spans.append((a, b))
    return spans


def _read_clause(doc: Doc, lang: str, ll: _LangLex, sid: int, lo: int, hi: int, group: list[_Aircraft],
                 dates: list, sentence_date) -> dict:
    text = doc.text
    s = doc.sentences[sid]
    events = _events_in(text, lo, hi, ll)
    anchor = group[0].start
    places = _places_in(text, lo, hi, lang, ll)
    route = _route(places)
    ev_set = {e for e, _, _ in events}
    chain = any(p[1] == "chain" for p in route)
    event, ev_word, ev_pos = "", "", -1

    def first(ev):
        return next(((w, p) for e, p, w in events if e == ev), ("", -1))

    if len(route) >= 2 and (ev_set or chain or any(p[1] == "from" for p in route)):
        event = "route"
        ev_word, ev_pos = next(((w, p) for e, p, w in events if e in ("route", "flight", "departure", "arrival")), ("", -1))
    else:
        for ev in ("arrival", "departure", "route", "flight", "overflight", "sighting"):
            if ev in ev_set:
                event = ev
                ev_word, ev_pos = first(ev)
                break
        if event in ("route", "flight") and len(route) == 1:
            event = "departure" if route[0][1] == "from" else "arrival"
        elif event == "route" and not route:
            event = "flight"
    if ev_pos >= 0:
        anchor = ev_pos
    count, explicit, count_written = _count(text, lo, hi, ll, anchor, dates)
    if not explicit:
        m = ll.num_before.search(text, max(lo, group[0].start - 20), group[0].start)
        if m and not any(d.start < m.end() and d.end > m.start() for d in dates):
            v = _num_value(m["num"] or m["word"], ll)
            if v and v >= 2:
                count, explicit, count_written = v, True, m.group().strip()
    d = _pick_date(dates, lo, hi, anchor, ll, text)
    if d is None and sentence_date is not None and sentence_date.end <= lo:
        d = sentence_date
    ops = [(ll.operators.lookup(m), m.start()) for m in ll.operators.finditer(text, lo, hi)]
    operator = min(ops, key=lambda o: abs(o[1] - group[0].start))[0] if ops else None
    hedged = any(ll.hedges.lookup(m) for m in ll.hedges.finditer(text, s.start, hi))
    another = any(True for _ in ll.another.finditer(text, max(lo, group[0].start - 25), group[0].start))
    if not route:
        # "landed there", "at the base": the place named last before
        there = next((ll.there.lookup(m) for m in ll.there.finditer(text, lo, hi)
                      if not (ll.there.lookup(m) == "base_ref" and _OF_AFTER.match(text, m.end()))), "")
        if there:
            route = _recent_places(doc, lang, ll, sid, lo, base=there == "base_ref")
            if route and event in ("flight", "route"):
                event = "arrival"
    return dict(event=event, event_as_written=ev_word, event_pos=ev_pos, count=count, count_explicit=explicit,
                count_as_written=count_written, date=d, places=route, operator=operator, hedged=hedged,
                another=another)


# "sur la base de", "sulla base di", "auf der Basis von": "on the basis of", not the air base
_OF_AFTER = re.compile(r"\s*(?:de|des|du|d['\u2019]|di|del|dello|della|dei|degli|delle|dell['\u2019]|do|da|dos|das"
                       r"|von|of)(?![^\W_])", re.I)


def _recent_places(doc: Doc, lang: str, ll: _LangLex, sid: int, before: int, base: bool = False) -> list:
    """The place "there" points at: the most specific place named last in the sentence up to
    ``before``, else in the three sentences before it; for "the base", the last air base."""
    _, info = _places()
    for k in range(sid, max(-1, sid - 4), -1):
        s = doc.sentences[k]
        hi = before if k == sid else s.end
        ps = _places_in(doc.text, s.start, hi, lang, ll)
        if base:
            ps = [p for p in ps if info[p[0]].kind == "airbase"]
        if ps:
            # the most specific place named last
            specific = [p for p in ps if not any(p[0] in _ancestors(q[0], info) for q in ps)]
            return [(specific[-1][0], "at", specific[-1][2], specific[-1][3])]
    return []


# --- restatements and contradictions ---------------------------------------------------------


def _has_date(r: _Row) -> bool:
    return r.date is not None


def _richness(r: _Row) -> float:
    return (2 * _has_date(r) + 2 * r.count_explicit + len(r.places) + 0.5 * bool(r.operator)
            + 0.5 * (r.event in ("arrival", "departure", "route")))


def _same_aircraft(a: _Aircraft, b: _Aircraft) -> bool:
    if a.flag == "manufacturer_only" or b.flag == "manufacturer_only":
        return bool(a.maker) and a.maker == b.maker
    return a.family == b.family


def _compatible(m: _Row, n: _Row) -> bool:
    if _has_date(m) and _has_date(n):
        dm, dn = m.date, n.date
        if dm.date_start and dm.date_end and dn.date_start and dn.date_end:
            if dm.date_end < dn.date_start or dn.date_end < dm.date_start:
                return False
        elif _fold(dm.as_written) != _fold(dn.as_written):
            return False
    if m.count_explicit and n.count_explicit and m.count != n.count:
        return False
    _, info = _places()
    thin, rich = (m, n) if _richness(m) <= _richness(n) else (n, m)
    if thin.places and rich.places:
        if not all(any(_related(p, q, info) for q in rich.place_names) for p in thin.place_names):
            return False
    return True


def _mark_restatements(rows: list[_Row]) -> None:
    for i, m in enumerate(rows):
        if m.another:
            continue
        rm = _richness(m)
        for j, n in enumerate(rows):
            # a mention with no flight event of its own (dropped later) is nobody's anchor
            if i == j or not n.event or not _same_aircraft(m.aircraft, n.aircraft) or n.restates and j < i:
                continue
            rn = _richness(n)
            if (rn > rm or (rn == rm and j < i)) and _compatible(m, n):
                m.restates = True
                break


def _weekday_of(doc: Doc, lang: str, sid: int, mention) -> int | None:
    """Weekday (0 = Monday) that a weekday mention names, resolved or not."""
    if mention.date_start is not None and mention.kind == "weekday":
        return mention.date_start.weekday()
    from .dates import find_dates
    s = doc.sentences[sid]
    # Resolve the sentence again against an arbitrary publication date: whatever day the weekday
    # lands on, its weekday is the one the text names.
    anchor = date(2001, 1, 10)
    for d in find_dates(doc.text[s.start:s.end], lang, anchor, anchor.year):
        if d.start + s.start == mention.start and d.date_start is not None:
            return d.date_start.weekday()
    return None


def _check_contradictions(doc: Doc, lang: str, ll: _LangLex, rows: list[_Row], date_cache: dict,
                          aircraft_sids: set[int]) -> None:
    for r in rows:
        if r.restates or r.date is None or r.date.date_start is None or r.date.date_end is None:
            continue
        ws, we = r.date.date_start, r.date.date_end
        if we < ws:
            r.contradiction = f"date window '{r.date.as_written}' ends ({we}) before it starts ({ws})"
            continue
        checks = [(r.sentence_id, d) for d in _date_mentions(doc, r.sentence_id, date_cache, lang)
                  if d.kind == "weekday" and r.start <= d.start < r.end
                  and not (r.date.start <= d.start < r.date.end)]
        nxt = r.sentence_id + 1
        if nxt < len(doc.sentences) and nxt not in aircraft_sids:
            # the next sentence names no aircraft but speaks of flights ("the final one on Wednesday")
            s = doc.sentences[nxt]
            if _events_in(doc.text, s.start, s.end, ll):
                checks += [(nxt, d) for d in _date_mentions(doc, nxt, date_cache, lang) if d.kind == "weekday"]
        notes = []
        span_days = (we - ws).days + 1
        window_wd = {(ws + timedelta(k)).weekday() for k in range(min(span_days, 7))}
        for sid, d in checks:
            if d.date_start is not None and d.date_end is not None and (d.date_end < ws or d.date_start > we):
                notes.append(f"'{d.as_written}' (sentence {sid}) resolves to {d.date_start}, outside "
                             f"'{r.date.as_written}' ({ws}..{we})")
                continue
            wd = _weekday_of(doc, lang, sid, d)
            if wd is None or span_days >= 7 or wd in window_wd:
                continue
            days = "-".join(calendar.day_abbr[x] for x in ((ws + timedelta(k)).weekday() for k in (0, span_days - 1)))
            notes.append(f"'{d.as_written}' (sentence {sid}) is a {calendar.day_name[wd]}, but "
                         f"'{r.date.as_written}' is {ws}..{we} ({days}), which holds no {calendar.day_name[wd]}")
        if notes:
            r.contradiction = "; ".join(notes)


# --- the article -------------------------------------------------------------------------------


def _iso(d) -> str | None:
    return d.isoformat() if d is not None else None


def flights_for_doc(doc: Doc, date_cache: dict | None = None) -> list[dict]:
    """Flight rows of one article (pure: depends only on ``doc`` and the lexicons).

    ``date_cache``: a dict that receives the date mentions found per sentence id (offsets in
    the article text), for the claims stage to reuse."""
    text = doc.text
    lang = _lang(doc.language)
    ll = _lang_lex(lang)
    mentions = _aircraft_mentions(text)
    _settle_nearest(mentions)
    if not doc.sentences:
        return []
    by_sentence: dict[int, list[_Aircraft]] = {}
    starts = [s.start for s in doc.sentences]
    for a in mentions:
        k = bisect.bisect_right(starts, a.start) - 1
        if k >= 0 and a.start < doc.sentences[k].end:
            by_sentence.setdefault(k, []).append(a)
    date_cache = {} if date_cache is None else date_cache
    rows: list[_Row] = []
    for sid in range(len(doc.sentences)):
        s = doc.sentences[sid]
        ms = by_sentence.get(sid)
        if ms:
            dates = _date_mentions(doc, sid, date_cache, lang)
            groups = _group_mentions(text, ms, ll, dates)
            spans = _clause_spans(text, s.start, s.end, groups)
            first = groups[0][0].start
            sentence_date = _pick_date([d for d in dates if d.kind not in ("year", "month")], s.start, first,
                                       first, ll, text)
            for g, (lo, hi) in zip(groups, spans):
                info = _read_clause(doc, lang, ll, sid, lo, hi, g, dates, sentence_date)
                for a in g:
                    rows.append(_Row(sid, lo, hi, a, **info))
        elif sid - 1 in by_sentence and len({a.family for a in by_sentence[sid - 1]}) == 1:
            row = _anaphoric_row(doc, lang, ll, sid, by_sentence[sid - 1][-1], date_cache)
            if row is not None:
                rows.append(row)
    if not rows:
        return []
    _mark_restatements(rows)
    rows = [r for r in rows if r.restates or r.event]
    aircraft_sids = set(by_sentence)
    _check_contradictions(doc, lang, ll, rows, date_cache, aircraft_sids)
    return [_emit(doc, lang, r) for r in rows]


def _anaphoric_row(doc: Doc, lang: str, ll: _LangLex, sid: int, antecedent: _Aircraft, date_cache: dict):
    s = doc.sentences[sid]
    head = doc.text[s.start:min(s.end, s.start + 30)]
    m = ll.anaphor.regex.match(head) if ll.anaphor.regex is not None else None
    if m is None:
        return None
    dates = _date_mentions(doc, sid, date_cache, lang)
    info = _read_clause(doc, lang, ll, sid, s.start, s.end, [replace(antecedent, start=s.start, end=s.start)], dates, None)
    if info["event"] in ("", "sighting") or not (info["count_explicit"] or info["date"] is not None or info["places"]):
        return None
    a = replace(antecedent, flag=antecedent.flag or "anaphora")
    return _Row(sid, s.start, s.end, a, **info)


def _emit(doc: Doc, lang: str, r: _Row) -> dict:
    a = r.aircraft
    places = r.places
    origin = destination = None
    if len(places) >= 2:
        origin, destination = places[0][0], places[-1][0]
    elif len(places) == 1:
        if places[0][1] == "from" or (r.event == "departure" and places[0][1] != "to"):
            origin = places[0][0]
        else:
            destination = places[0][0]
    d = r.date
    return {
        "article_id": doc.article_id,
        "sentence_id": r.sentence_id,
        "start": r.start,
        "end": r.end,
        "aircraft": a.canonical,
        # as the file wrote it: an OCR repair in the text (I1-26M -> Il-26M) is undone here
        "aircraft_as_written": doc.as_in_file(a.start, a.end) if doc.repairs else a.as_written,
        "operator": r.operator,
        "event": r.event or None,
        "count": int(r.count),
        "date_start": _iso(d.date_start) if d is not None else None,
        "date_end": _iso(d.date_end) if d is not None else None,
        "date_as_written": d.as_written if d is not None else None,
        "origin": origin,
        "destination": destination,
        "route": " \u2192 ".join(p[0] for p in places) if places else None,
        "hedged": bool(r.hedged),
        "restates": bool(r.restates),
        "aircraft_flag": a.flag,
        "date_year_inferred": bool(d.year_inferred) if d is not None else False,
        "contradiction": r.contradiction,
        "language": lang,
        "event_as_written": r.event_as_written or None,
        "count_as_written": r.count_as_written or None,
        "date_kind": d.kind if d is not None else None,
        "aircraft_family": a.family,
        "ocr_repaired": any(a.start <= rs and re_ <= a.end for rs, re_, _ in doc.repairs),
    }


def find_flights(docs: Iterable[Doc]) -> pd.DataFrame:
    """Flight rows of many articles: columns :data:`FLIGHT_COLUMNS` (then :data:`EXTRA_COLUMNS`),
    sorted by article_id and start."""
    rows = [r for d in docs for r in flights_for_doc(d)]
    df = pd.DataFrame(rows, columns=FLIGHT_COLUMNS + EXTRA_COLUMNS)
    try:
        from . import schema
        df = schema.conform("flights", df)
    except (ImportError, KeyError):  # pragma: no cover - schema is part of the package
        pass
    return df.sort_values(["article_id", "start"], kind="stable").reset_index(drop=True)
