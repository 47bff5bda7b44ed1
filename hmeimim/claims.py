"""Claims stage: the check-worthy statements of each article, with their facts as columns.

:func:`claims_for_doc` turns one article (a :class:`~hmeimim.text.Doc`) and the rows the sources
and flights stages found in it into claim rows. A claim is a flight clause (one per clause the
flights stage read: a sentence naming two flights gives two claims) or a sentence that carries a
number, a date, a named person, body or place with an event, or an attribution. Sentences with
none of these (commentary: "the significance of the base cannot be overstated") are no claims.

Each claim carries its **facts** in a language-independent form, so that the spread stage can
match the same claim across languages (the Il-62M route of 26 October in Russian and Arabic):

* ``aircraft``/``aircraft_family``/``aircraft_as_written``/``count``/``event``/``route`` from the
  flights stage (``count_explicit``: the article wrote a number, "three times", not a default 1);
* ``date_start``/``date_end``/``date_as_written``: the flight's date, else the first resolved date
  of the sentence (:func:`hmeimim.dates.find_dates`); ``dates``: every resolved span;
* ``places``: canonical places (``lexicon/places.csv`` gazetteer, countries from CLDR);
* ``people``/``bodies``: canonical names from ``lexicon/source_aliases.csv`` (every script), plus
  names the lexicon does not know, found by capitalisation in languages that capitalise names
  only (not German, Arabic, Chinese); ``people_keys`` identifies a person across spellings and
  scripts (the canonical name, or ``~`` + a consonant skeleton: Abu Qasra = Abu Qusra = Абу Касра);
* ``entities``: other unknown capitalised names (a province, an armed group);
* ``numbers`` (digits and number words; dates and aircraft designators are not numbers) and
  ``durations`` ("six-month", "полугодового", "ستة أشهر" -> ``6mo``);
* ``concepts``: what happens, from ``lexicon/claim_cues.csv`` (resume, pause, attack, repel, oust,
  meet, visit, ...), one label across languages;
* ``source``/``via``/``source_as_written``/``source_types``: the sources cited in the sentence (cited
  or no-comment), ``attributed``: one of them is checkable (a named outlet, agency, tracker, body or
  person, or an anonymous source quoted through one of these), ``context_attributed``/
  ``context_sources``: the same for the sentence and its neighbours in the paragraph, ``channel``:
  the outlet or agency the claim reached the article through (cited in the sentence or quoted
  through, else in the paragraph, else the article's most-cited outlet or agency);
* ``hedged`` (reportedly, якобы, ...), ``restates`` (a flight clause that only restates others);
* ``facts``: all of it as compact JSON, with the character span of every value, so that a mutation
  can point at the words (``doc.text[s:e]``).

Multi-valued columns are joined with ``|``. ``kind`` is ``flight`` (a flight clause), ``meeting``
(a meeting or visit cue with a person, body, place or date), ``event`` (an event cue: resumed,
attack, repelled, ousted, fled, ...), ``attribution`` (a cited source and no event), ``date``,
``number`` or ``statement`` (names a person or body, nothing else).

>>> from hmeimim.text import make_doc
>>> d = make_doc("x", "Russian Defense Minister Andrei Belousov met Murhaf Abu Qasra on Tuesday.")
>>> [(r["kind"], r["people"]) for r in claims_for_doc(d, [], [])]
[('meeting', 'Andrei Belousov|Murhaf Abu Qasra')]
"""
from __future__ import annotations

import bisect
import functools
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from . import lexicons, schema
from .text import Doc, normalize

__all__ = ["CLAIM_COLUMNS", "CLAIMS_SCHEMA_EXTRA", "claims_for_doc", "find_claims", "person_key", "designator_key",
           "CHECKABLE_TYPES", "MEDIA_TYPES"]

#: Contract columns first, then the facts.
CLAIM_COLUMNS = ["article_id", "sentence_id", "start", "end", "text", "kind",
                 "claim_id", "paragraph", "language", "aircraft", "aircraft_family", "aircraft_as_written",
                 "aircraft_flag", "event", "count", "count_explicit", "date_start", "date_end", "date_as_written",
                 "dates", "route", "places", "people", "people_keys", "people_as_written", "bodies", "entities",
                 "numbers", "durations", "concepts", "source", "via", "source_as_written", "source_types",
                 "attributed", "context_attributed", "context_sources", "channel", "hedged", "restates", "facts"]

#: The codebook of the claims table beyond its contract columns (for ``schema.TABLES["claims"]``).
# The claims table's columns beyond the contract's six (defined in hmeimim/schema.py).
CLAIMS_SCHEMA_EXTRA: list[tuple[str, str, str]] = schema.TABLES["claims"][6:]

#: Source types that make a claim traceable (an anonymous source counts when quoted through one).
CHECKABLE_TYPES = frozenset({"outlet", "news agency", "flight-tracking data", "official body", "named person"})
MEDIA_TYPES = frozenset({"outlet", "news agency"})
_CITING = frozenset({"cited", "no_comment", "denied"})

_LANGS = ("en", "ru", "uk", "de", "fr", "it", "es", "pt", "ar", "zh")
_CASED_NAMES = frozenset({"en", "ru", "uk", "fr", "it", "es", "pt"})  # capitals mark names (not German nouns)
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_AR_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ـ": None})
_AR_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670]")
_ARABIC_RE = re.compile("[\u0600-\u06ff]")
_AR_CLITICS = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
_DIGITS = str.maketrans({**{0x0660 + i: str(i) for i in range(10)}, **{0x06f0 + i: str(i) for i in range(10)}})
_WORD = re.compile(rf"[^\W\d_{_CJK}]+(?:['’\-][^\W\d_{_CJK}]+)*")
# (a digit not after a word character, period or comma; the lookbehind follows the first digit, as
# a pattern that starts with a character class is searched much faster)
_NUMBER = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9](?<![\w.,].)[0-9\u0660-\u0669\u06f0-\u06f9]*"
                     r"(?:[.,][0-9\u0660-\u0669\u06f0-\u06f9]+)*")
_ZH_NUM = re.compile(r"([一二两三四五六七八九十]+|\d+)(个月|次|架|年|周|星期|天)")
_ZH_DIGIT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_PARTICLES = frozenset({"al", "el", "bin", "ibn", "bint", "ben", "de", "del", "della", "da", "dos", "das", "du",
                        "van", "von", "der", "la", "le", "di", "аль", "ал", "аш", "ад", "ас", "ат", "ан", "эль",
                        "бен", "бин", "ибн", "фон", "ван", "де"})
_NAME_PREFIXES = ("al-", "el-", "ad-", "as-", "ash-", "at-", "an-", "аль-", "ал-", "аш-", "ад-", "ас-", "ат-", "ан-",
                  "эль-", "ель-")
_PERSON_MARKERS = frozenset({"abu", "bin", "ibn", "bint", "абу", "бин", "ибн"})
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "its", "his", "her", "their",
                          "le", "la", "les", "l", "el", "los", "las", "il", "lo", "gli", "o", "os", "as", "un", "une",
                          "uno", "una", "um", "uma"})
_POSSESSIVE = re.compile(r"['’]s?$")
_CYR_LAT = str.maketrans(dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
                    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t",
                     "u", "f", "h", "ts", "ch", "sh", "sh", "", "y", "", "e", "yu", "ya", "i", "i", "e", "g"])))
_CYR_TAILS = frozenset({"", "ье", "ья", "ью", "ьи", "ьем", "а", "я", "у", "ю", "е", "и", "ы", "о", "й", "ь", "ой", "ей", "ом", "ем", "ам", "ям", "ах",
                        "ях", "ами", "ями", "ов", "ев", "ую", "юю", "ая", "яя", "ое", "ее", "ые", "ие", "ого", "его",
                        "ому", "ему", "ым", "им", "ых", "их", "ию", "ии", "ия", "ія", "ії", "ію", "і", "ї", "є", "ою",
                        "ею", "ові", "еві", "ом", "ім", "ій", "ме", "ма", "му", "мом", "ми", "им", "име", "има", "иму"})
_CYR_ENDINGS = ("ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими", "ой", "ей", "ым", "им", "ом", "ем", "ах",
                "ях", "ов", "ев", "ую", "юю", "а", "я", "у", "ю", "е", "ы", "и", "і", "ї", "ь", "й")


# --- lexicons ------------------------------------------------------------------------------------------


def _hedge_pattern(hedges: tuple[str, ...], guards: tuple[str, ...], lang: str) -> "re.Pattern | None":
    """One regex for the hedge words of a language: whole words where words are spaced; in
    Chinese a substring, unless a guard word (``!数据`` in hedges.csv) starts just before it
    and swallows its first character (数据称 is "the data say", not 据称 "reportedly")."""
    if not hedges:
        return None
    alts = "|".join(re.escape(h) for h in sorted(hedges, key=len, reverse=True))
    if lang in ("zh", "ja"):
        lead = {g[:-1] for g in guards if len(g) >= 2}
        guard = "".join(f"(?<!{re.escape(x)})" for x in sorted(lead) if len(x) == 1)
        return re.compile(f"{guard}(?:{alts})")
    return re.compile(rf"(?<!\w)(?:{alts})(?!\w)")


def _fold_text(s: str) -> str:
    """Lower case, Arabic letter variants and diacritics folded, ё -> е, typographic apostrophes.
    Not memoised: for sentences and clauses (a text seldom repeats); words use :func:`_fold`."""
    s = s.lower()
    if _ARABIC_RE.search(s):  # the Arabic marks and letter variants are all in this block
        s = _AR_MARKS.sub("", s).translate(_AR_FOLD)
    return s.replace("ё", "е").replace("’", "'")


#: :func:`_fold_text` memoised, for words (which repeat across a corpus).
_fold = functools.lru_cache(maxsize=65_536)(_fold_text)


@dataclass
class _Cue:
    words: tuple[str, ...]
    concept: str
    cls: str
    match: str
    value: str


@dataclass
class _Lex:
    lang: str
    cue_word: dict[str, list[_Cue]] = field(default_factory=dict)     # first word (whole) -> cues
    cue_prefix: dict[str, list[_Cue]] = field(default_factory=dict)   # first word prefix -> cues
    cue_prefix_lens: tuple[int, ...] = ()
    cue_sub: list[_Cue] = field(default_factory=list)
    units: list[tuple[str, str, str]] = field(default_factory=list)   # (form, unit, match)
    numbers: dict[str, int] = field(default_factory=dict)
    stop: frozenset[str] = frozenset()       # capitalised words that are not names (folded)
    titles: frozenset[str] = frozenset()
    generic: frozenset[str] = frozenset()    # folded generic place/group names (multi-word allowed)
    body_words: frozenset[str] = frozenset()  # words that make a capitalised name a body (Force, Corps)
    hedges: tuple[str, ...] = ()
    hedge_re: "re.Pattern | None" = None     # hedge words, whole words (CJK: not inside a guard word)
    hints: dict[str, str] = field(default_factory=dict)
    gazetteer: "_Matcher | None" = None
    generic_first: frozenset[str] = frozenset()  # first words of the multi-word generic names
    word_memo: dict[str, "_Word"] = field(default_factory=dict)  # token -> what the finders need of it


def _rows(name: str) -> list[dict]:
    try:
        return lexicons.load(name)
    except FileNotFoundError:  # a lexicon owned by another stage may not exist yet
        return []


@functools.lru_cache(maxsize=1)
def _place_rows() -> dict[str, tuple[str, str]]:
    """canonical place -> (kind, parent)."""
    out = {}
    for r in _rows("places"):
        out.setdefault(r["canonical"], (r.get("kind", ""), r.get("parent", "")))
    return out


@functools.lru_cache(maxsize=1)
def _countries() -> dict[str, dict[str, str]]:
    """Country and region names per language from CLDR: lang -> {name: English name}."""
    try:
        from babel import Locale
    except ImportError:  # pragma: no cover
        return {}
    en = Locale("en").territories
    out: dict[str, dict[str, str]] = {}
    for lang in _LANGS:
        try:
            names = Locale(lang).territories
        except Exception:  # pragma: no cover
            continue
        d = {}
        for code, name in names.items():
            if code in en and len(name) > 2:
                d[name] = en[code]
        out[lang] = d
    return out


def _stem_form(form: str) -> str:
    """A Cyrillic name's stem: its last vowel or soft sign dropped (Сирия -> Сири, matching Сирии)."""
    return form[:-1] if len(form) > 4 and form[-1].lower() in "аяйьеоыиіїєу" else form


_GTOK = re.compile(rf"[^\W_]+(?:['’][^\W_]+)*")
_CJK_RE = re.compile(f"[{_CJK}]")
_CYR_RE = re.compile("[\u0400-\u04ff]")
_VOWELS_RE = re.compile("[aeiou]")
_REPEAT_RE = re.compile(r"(.)\1+")
_UNIT_WORD_RE = re.compile(r"[\s\-]*([^\W\d_]+)")
_THOUSANDS_RE = re.compile(r"\d{1,3}(,\d{3})+")


@functools.lru_cache(maxsize=4096)
def _alternation(words: tuple[str, ...]) -> "re.Pattern":
    return re.compile("|".join(re.escape(w) for w in words) or "$^")


def _without(seg: str, words: tuple[str, ...]) -> str:
    """``seg`` with every occurrence of the ``words`` removed (leftmost first, as a regex would)."""
    if not words:
        return seg
    if len(words) == 1:
        return seg.replace(words[0], "") if words[0] else seg
    return _alternation(words).sub("", seg)


# per-token memo tables (candidate entries, cues, number words) stop growing here: a bound on memory, not on speed
_MEMO_MAX = 50_000


def _gtoks(s: str) -> list[str]:
    return [_fold(t) for t in _GTOK.findall(s)]


@dataclass
class _Entry:
    toks: tuple[str, ...]
    stem: bool       # each word may take an ending of up to 4 letters (Russian, Ukrainian)
    cased: bool      # the text must start with a capital, as the form does
    kind: str        # place, person, body
    canonical: str
    typ: str         # place kind (city, country, ...) or source type


class _Matcher:
    """Dictionary lookup of multi-word names on tokens (any script) and, for Chinese, on characters."""

    def __init__(self, entries: list[_Entry], lang: str):
        self.lang = lang
        self.exact: dict[str, list[_Entry]] = {}
        self.stems: dict[str, list[_Entry]] = {}
        self.cjk: dict[str, _Entry] = {}
        for e in entries:
            if not e.toks:
                continue
            if re.search(f"[{_CJK}]", e.toks[0]):
                self.cjk.setdefault("".join(e.toks), e)
                continue
            (self.stems if e.stem else self.exact).setdefault(e.toks[0], []).append(e)
        self.cjk_lens = sorted({len(k) for k in self.cjk}, reverse=True)
        # the first characters of the CJK names (no name starts anywhere else)
        self.cjk_start = re.compile("[" + "".join(sorted({re.escape(k[0]) for k in self.cjk})) + "]" if self.cjk else "$^")
        self._memo: dict[str, tuple[str, tuple[_Entry, ...]]] = {}  # token -> (fold, candidates)

    @staticmethod
    def _tok_ok(form: str, tok: str, stem: bool) -> bool:
        if tok == form:
            return True
        base = _POSSESSIVE.sub("", tok)
        if base == form:
            return True
        # a stem takes an inflectional ending (Латаки-я, Сири-и), not any letters (Само-лет is no Samoa)
        return stem and tok.startswith(form) and tok[len(form):] in _CYR_TAILS

    def _keys(self, tok: str) -> list[str]:
        keys = [tok]
        base = _POSSESSIVE.sub("", tok)
        if base != tok:
            keys.append(base)
        if self.lang == "ar":
            keys += _ar_key(tok)[1:]
        return keys

    def _cands(self, raw: str) -> tuple[str, tuple[_Entry, ...]]:
        """A token's fold and the entries it may start (exact keys, and stems it extends by up to
        4 letters), memoised per token as written, as words repeat across a corpus. The tests that
        depend on this token alone (case, first word) are done here, once; the entries come longest
        first, so that the first whose other words match is the longest match (ties in lexicon order)."""
        got = self._memo.get(raw)
        if got is None:
            f = _fold(raw)
            cands: list[_Entry] = []
            for k in self._keys(f):
                cands += self.exact.get(k, ())
            for n in range(0, 5):
                if len(f) - n >= 3:
                    cands += self.stems.get(f[: len(f) - n], ())
            upper = raw[:1].isupper()
            ar_keys = self._keys(f) if self.lang == "ar" else ()
            cands = [c for c in cands if (upper or not c.cased)
                     and (self._tok_ok(c.toks[0], f, c.stem) or c.toks[0] in ar_keys)]
            cands.sort(key=lambda c: -len(c.toks))
            got = (f, tuple(cands))
            if len(self._memo) < _MEMO_MAX:
                self._memo[raw] = got
        return got

    def _rest_follows(self, c: _Entry, ms: list, i: int, text: str) -> bool:
        """The words of ``c`` after the first follow the token ``ms[i]``, one by one, with at most
        spaces and hyphens between them."""
        for j in range(1, len(c.toks)):
            raw = ms[i + j].group()
            f = (self._memo.get(raw) or self._cands(raw))[0]
            # (a word that does not even start with the form fails at once, without the full test)
            if not (f.startswith(c.toks[j]) and self._tok_ok(c.toks[j], f, c.stem)) \
                    or text[ms[i + j - 1].end():ms[i + j].start()].strip(" -"):
                return False
        return True

    def find(self, text: str, lo: int, hi: int) -> list[_Val]:
        out: list[_Val] = []
        ms = list(_GTOK.finditer(text, lo, hi))
        n_toks = len(ms)
        memo, cands_of = self._memo, self._cands
        skip = 0  # tokens inside the last match
        for i, m in enumerate(ms):
            if i < skip:
                continue
            raw = m.group()
            cands = (memo.get(raw) or cands_of(raw))[1]
            if not cands:
                continue
            for c in cands:  # longest first: the first whose other words follow is the match
                n = len(c.toks)
                if i + n > n_toks:
                    continue
                if n == 1 or self._rest_follows(c, ms, i, text):
                    s, end = m.start(), ms[i + n - 1].end()
                    written = _POSSESSIVE.sub("", text[s:end]) if not c.stem else text[s:end]
                    out.append(_Val(c.canonical, s, s + len(written), written, {"kind": c.kind, "type": c.typ}))
                    skip = i + n
                    break
        if self.cjk:
            # longest name at each position, left to right; only where a name can start
            seg = text[lo:hi]
            j = 0
            start = self.cjk_start.search
            while (m := start(seg, j)) is not None:
                j = m.start()
                for n in self.cjk_lens:
                    c = self.cjk.get(seg[j:j + n])
                    if c is not None:
                        out.append(_Val(c.canonical, lo + j, lo + j + n, seg[j:j + n], {"kind": c.kind, "type": c.typ}))
                        j += n
                        break
                else:
                    j += 1
            out.sort(key=lambda v: v.start)
        return out


def _gazetteer(lang: str) -> _Matcher:
    """Places (gazetteer and CLDR countries) and named people, bodies and outlets of one language."""
    entries: list[_Entry] = []
    seen = set()
    cyr = lang in ("ru", "uk")
    cased = lang in _CASED_NAMES

    def add(form, kind, canon, typ, stem):
        key = (_fold(form), kind)
        if key in seen:
            return
        seen.add(key)
        toks = tuple(_gtoks(form)) if not re.search(f"[{_CJK}]", form) else (form,)
        entries.append(_Entry(toks, stem, cased and form[:1].isupper(), kind, canon, typ))

    # Russian and Ukrainian share most Cyrillic spellings of places (Москва, Латакия/Латакія)
    near = {"ru": ("uk",), "uk": ("ru",)}.get(lang, ())
    for r in _rows("places"):
        if r.get("lang", "") not in ("", lang) + near:
            continue
        stem = r.get("match") == "stem" or (cyr and bool(re.search("[\u0400-\u04ff]", r["form"])))
        add(r["form"] if r.get("match") != "stem" else r["form"], "place", r["canonical"], r.get("kind", ""), stem)
    places = _place_rows()
    for name, en_name in _countries().get(lang, {}).items():
        kind = places.get(en_name, ("country", ""))[0] or "country"
        add(_stem_form(name) if cyr else name, "place", en_name, kind, cyr)
    for r in _rows("source_aliases"):
        t = r.get("source_type", "")
        if r.get("lang") not in ("*", lang) or t not in ("named person", "official body", "outlet", "news agency",
                                                         "flight-tracking data"):
            continue
        kind = "person" if t == "named person" else "body"
        alias = r["alias"]
        stem = cyr and bool(re.search("[\u0400-\u04ff]", alias))
        add(" ".join(_stem_form(w) for w in alias.split()) if stem else alias, kind, r["canonical"], t, stem)
    return _Matcher(entries, lang)


@functools.lru_cache(maxsize=None)
def _lex(lang: str) -> _Lex:
    lang = lang if lang in _LANGS else "en"
    lx = _Lex(lang)
    for r in _rows("claim_cues"):
        if r["lang"] != lang:
            continue
        cue = _Cue(tuple(_fold(w) for w in r["form"].split()), r["concept"], r["class"], r["match"], r.get("value", ""))
        if r["match"] == "sub" and (lang == "zh" or len(cue.words) == 1):
            lx.cue_sub.append(cue)
        elif r["match"] == "prefix":
            lx.cue_prefix.setdefault(cue.words[0], []).append(cue)
        else:
            lx.cue_word.setdefault(cue.words[0], []).append(cue)
    lx.cue_prefix_lens = tuple(sorted({len(k) for k in lx.cue_prefix}, reverse=True))
    lx.units = [(_fold(r["form"]), r["unit"], r["match"]) for r in _rows("claim_units") if r["lang"] == lang]
    for r in _rows("numbers"):
        if r.get("lang") == lang and r.get("kind") in ("num", "times") and r.get("value", "").isdigit():
            lx.numbers.setdefault(_fold(r["form"]), int(r["value"]))
    stop, titles, generic, body = set(), set(), set(), set()
    for r in _rows("claim_name_stopwords"):
        if r["lang"] == lang:
            {"title": titles, "generic": generic, "body": body}.get(r["role"], stop).add(_fold(r["word"]))
    for r in _rows("source_titles"):
        if r.get("lang") == lang:
            titles.update(_fold(w) for w in r["word"].split())
    for r in _rows("source_groups"):
        if r.get("lang") == lang and r.get("role") == "nat":
            stop.add(_fold(r["word"]))
    try:
        from babel.dates import get_day_names, get_month_names

        for width in ("wide", "abbreviated"):
            for ctx in ("format", "stand-alone"):
                stop.update(_fold(n).rstrip(".") for n in get_month_names(width, ctx, lang).values())
                stop.update(_fold(n).rstrip(".") for n in get_day_names(width, ctx, lang).values())
    except Exception:  # pragma: no cover
        pass
    lx.stop = frozenset(stop | titles | _DETERMINERS)
    lx.titles = frozenset(titles)
    lx.generic = frozenset(generic)
    lx.generic_first = frozenset(g.split(" ")[0] for g in generic if " " in g)
    lx.body_words = frozenset(body)
    words = [r["word"] for r in _rows("hedges") if r.get("lang") == lang and r.get("word")]
    lx.hedges = tuple(_fold(w) for w in words if not w.startswith("!"))
    lx.hedge_re = _hedge_pattern(lx.hedges, tuple(_fold(w[1:]) for w in words if w.startswith("!")), lang)
    lx.hints = {_fold(r["word"]): r["source_type"] for r in _rows("source_type_hints") if r.get("lang") == lang}
    lx.gazetteer = _gazetteer(lang)
    return lx


# --- keys ------------------------------------------------------------------------------------------------


def _translit(s: str) -> str:
    return s.lower().translate(_CYR_LAT)


def _strip_cyr_ending(tok: str) -> str:
    if len(tok) > 4 and _CYR_RE.search(tok):
        for end in _CYR_ENDINGS:
            if tok.endswith(end) and len(tok) - len(end) >= 3:
                return tok[: -len(end)]
    return tok


@functools.lru_cache(maxsize=65_536)
def _skeleton(tok: str) -> str:
    t = unicodedata.normalize("NFKD", _translit(_strip_cyr_ending(tok)))
    t = "".join(ch for ch in t if ch.isalpha() and ord(ch) < 128)
    for a, b in (("kh", "h"), ("ph", "f"), ("sh", "s"), ("ch", "s"), ("zh", "z"), ("ts", "s"), ("q", "k"),
                 ("c", "k"), ("w", "v"), ("j", "i"), ("y", "i"), ("x", "ks")):
        t = t.replace(a, b)
    t = t[:1] + _VOWELS_RE.sub("", t[1:])
    return _REPEAT_RE.sub(r"\1", t)


@functools.lru_cache(maxsize=65_536)
def person_key(name: str) -> str:
    """A spelling- and script-independent key for a name: the consonant skeleton of its words,
    without articles such as al-/аль- (so Abu Qasra, Abu Qusra and Абу Касра share one key).

    >>> person_key("Abu Qasra") == person_key("Abu Qusra") == person_key("Абу Касра")
    True
    >>> person_key("Bashar al-Assad"), person_key("Maher al-Assad")
    ('bsr asd', 'mhr asd')
    """
    toks = []
    for w in re.findall(r"[^\W\d_]+", name):
        lw = w.lower()
        if lw in _PARTICLES:
            continue
        toks.append(_skeleton(lw))
    return " ".join(t for t in toks if t)


@functools.lru_cache(maxsize=4096)
def _designator_key(as_written: str, canonical: str) -> str:
    """:func:`designator_key`, memoised (aircraft are written the same few ways)."""
    return designator_key(as_written, canonical)


_DESIG = re.compile(r"(\d{1,4})\s*([A-Za-z\u0400-\u04ff]{0,3})(?:-(\d{1,4}[A-Za-z\u0400-\u04ff]{0,2}))?")


def designator_key(as_written: str, canonical: str = "") -> str:
    """The designator as written, in Latin letters, with the canonical maker prefix: ``Ил-26М`` with
    canonical ``Il-62M`` -> ``Il-26M``; ``An-124-100 'Ruslan'`` -> ``An-124-100``; '' if it has no number.

    >>> designator_key("Ил-26М", "Il-62M"), designator_key("Antonov An-124-100 ‘Ruslan’", "An-124-100")
    ('Il-26M', 'An-124-100')
    """
    if not isinstance(as_written, str):
        return ""
    m = _DESIG.search(normalize(as_written).translate(_DIGITS))  # OCR: I1-62 -> Il-62
    if not m:
        return ""
    prefix = canonical.split("-")[0] if isinstance(canonical, str) and "-" in canonical else ""
    suffix = _translit(m.group(2)).upper() if m.group(2) else ""
    key = f"{prefix}-{m.group(1)}{suffix}" if prefix else f"{m.group(1)}{suffix}"
    if m.group(3):
        key += "-" + _translit(m.group(3)).upper()
    return key


# --- finders ---------------------------------------------------------------------------------------------


@dataclass
class _Val:
    value: str
    start: int
    end: int
    written: str
    extra: dict = field(default_factory=dict)


def _tokens(text: str, lo: int, hi: int) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text, lo, hi)]


def _ar_key(tok: str) -> list[str]:
    f = _fold(tok)
    out = [f]
    for c in _AR_CLITICS:
        if f.startswith(c) and len(f) - len(c) >= 2:
            out.append(f[len(c):])
    return out


def _cue_cands(tok: str, lx: _Lex) -> tuple[_Cue, ...]:
    """The cues a token (as written) may start."""
    keys = _ar_key(tok) if lx.lang == "ar" else [_fold(tok)]
    found_c: list[_Cue] = []
    for k in keys:
        found_c += lx.cue_word.get(k, ())
        for n in lx.cue_prefix_lens:
            if len(k) >= n:
                found_c += lx.cue_prefix.get(k[:n], ())
    return tuple(found_c)


class _Word(NamedTuple):
    """What the finders need to know of a word as written (memoised per language: words repeat)."""
    fold: str
    cap: bool     # capitalised as names are (also al-Assad, аль-Асад)
    shape: int    # for _headline: 0 three letters or fewer, 1 longer, 2 longer and capitalised
    trim: bool    # a stopword or name particle: never the first or last word of an unknown name
    cues: tuple   # the cues it may start
    number: int   # its value as a number word if 2 or more, else 0


def _word(tok: str, lx: _Lex) -> _Word:
    v = _number_word(tok, lx)
    w = _Word(_fold(tok), _is_cap(tok), 0 if len(tok) <= 3 else 2 if tok[:1].isupper() else 1,
              _stopword(tok, lx) or tok.lower() in _PARTICLES, _cue_cands(tok, lx), v if v is not None and v >= 2 else 0)
    if len(lx.word_memo) < _MEMO_MAX:
        lx.word_memo[tok] = w
    return w


class _Words:
    """The tokens of a sentence or clause and their :class:`_Word` fields as columns: one memo
    lookup per token serves every finder, and a finder whose column is empty (no cue, no number
    word) skips the sentence."""
    __slots__ = ("toks", "fold", "cap", "shape", "trim", "cues", "number")

    def __init__(self, toks: list[tuple[str, int, int]], lx: _Lex):
        self.toks = toks
        words = [t for t, _, _ in toks]
        infos = list(map(lx.word_memo.get, words))
        if not all(infos):  # words not seen yet
            infos = [w or _word(t, lx) for w, t in zip(infos, words)]
        self.fold, self.cap, self.shape, self.trim, self.cues, self.number = zip(*infos) if infos else ((),) * 6


def _concepts(text: str, lo: int, hi: int, words: _Words, lx: _Lex) -> list[_Val]:
    found: list[_Val] = []
    toks = words.toks
    for i, cands in enumerate(words.cues) if any(words.cues) else ():  # (most sentences have no cue word)
        for cue in cands:
            ok = True
            for j, w in enumerate(cue.words[1:], 1):
                if i + j >= len(toks):
                    ok = False
                    break
                nxt = words.fold[i + j]
                ok = nxt.startswith(w) if cue.match == "prefix" else nxt == w
                if not ok:
                    break
            if ok:
                s, e = toks[i][1], toks[min(i + len(cue.words) - 1, len(toks) - 1)][2]
                found.append(_Val(cue.concept, s, e, text[s:e], {"class": cue.cls, "v": cue.value}))
    if lx.cue_sub:
        if lx.lang == "zh":
            seg = _fold_text(text[lo:hi])
            for cue in lx.cue_sub:
                w = cue.words[0]
                pos = seg.find(w)
                if pos >= 0:
                    found.append(_Val(cue.concept, lo + pos, lo + pos + len(w), w, {"class": cue.cls, "v": cue.value}))
        elif toks:
            # the first token whose fold holds the cue: one search of the folded tokens, joined
            # with a character no word holds, and the separators before the hit count the token
            joined = "\0".join(words.fold)
            for cue in lx.cue_sub:
                pos = joined.find(cue.words[0])
                if pos >= 0:
                    t, s, e = toks[joined.count("\0", 0, pos)]
                    found.append(_Val(cue.concept, s, e, t, {"class": cue.cls, "v": cue.value}))
    return found


def _unit_after(text: str, end: int, hi: int, lx: _Lex) -> str:
    """The duration unit right after a number ("six months", "six-month", "ستة أشهر", "六个月")."""
    tail = text[end:min(hi, end + 24)]
    m = _UNIT_WORD_RE.match(tail)
    if not m:
        return ""
    word = _fold(m.group(1))
    for form, unit, match in lx.units:
        if (match == "prefix" and word.startswith(form)) or (match == "sub" and (form in word or tail.lstrip().startswith(form))):
            return unit
    return ""


def _number_word(tok: str, lx: _Lex) -> int | None:
    """The value of a number word (its first part: "six-month" is six), or None."""
    v = lx.numbers.get(_fold(tok.split("-")[0]))
    if v is None and lx.lang == "ar":
        v = next((lx.numbers[k] for k in _ar_key(tok) if k in lx.numbers), None)
    return v


def _numbers(text: str, lo: int, hi: int, words: _Words, lx: _Lex, taken: list[tuple[int, int]]) -> tuple[list[_Val], list[_Val]]:
    """Numbers and durations of ``text[lo:hi]`` outside the spans in ``taken`` (dates, designators)."""
    nums, durs = [], []

    def free(s, e):
        return not any(s < te and ts < e for ts, te in taken)

    if lx.lang == "zh":
        for m in _ZH_NUM.finditer(text, lo, hi):
            raw = m.group(1)
            if raw.isdigit():
                v = int(raw)
            elif raw == "十":
                v = 10
            elif len(raw) == 1:
                v = _ZH_DIGIT.get(raw, 0)
            else:
                v = 0
            if v >= 2 and free(m.start(), m.end()):
                nums.append(_Val(str(v), m.start(), m.end(), m.group()))
                unit = next((u for f, u, _ in lx.units if m.group(2).startswith(f)), "")
                if unit:
                    durs.append(_Val(f"{v}{unit}", m.start(), m.end(), m.group()))
        return nums, durs
    for m in _NUMBER.finditer(text, lo, hi):
        s, e = m.start(), m.end()
        before = text[s - 1] if s > 0 else " "
        after = text[e] if e < len(text) else " "
        if before.isalpha() or (before == "-" and s > 1 and text[s - 2].isalnum()) or after.isalpha():
            continue  # a designator (Il-62, Flightradar24) or an ordinal (24th)
        if after == "-" and e + 1 < len(text) and text[e + 1].isalpha() and not _unit_after(text, e, hi, lx):
            continue  # "F-16"-like compounds read the other way round
        if not free(s, e):
            continue
        raw = m.group().translate(_DIGITS)
        v = raw.replace(",", "") if _THOUSANDS_RE.fullmatch(raw) else raw.replace(",", ".")
        nums.append(_Val(v, s, e, m.group()))
        unit = _unit_after(text, e, hi, lx)
        if unit:
            durs.append(_Val(f"{v}{unit}", s, e, m.group()))
    for (t, s, e), v in zip(words.toks, words.number) if any(words.number) else ():  # (few sentences have any)
        if not v or not free(s, e):
            continue
        nums.append(_Val(str(v), s, e, t))
        parts = t.split("-")
        if len(parts) > 1:
            rest = _fold("-".join(parts[1:]))
            unit = next((u for form, u, mt in lx.units if rest.startswith(form)), "")
        else:
            unit = _unit_after(text, e, hi, lx)
        if unit:
            durs.append(_Val(f"{v}{unit}", s, e, t))
    return nums, durs


def _gazetteer_hits(text: str, lo: int, hi: int, lx: _Lex) -> list[_Val]:
    return lx.gazetteer.find(text, lo, hi) if lx.gazetteer is not None else []


@functools.lru_cache(maxsize=65_536)
def _is_cap(tok: str) -> bool:
    if tok[:1].isupper():
        return True
    low = tok.lower()
    return any(low.startswith(p) and len(tok) > len(p) and tok[len(p)].isupper() for p in _NAME_PREFIXES)


def _headline(words: _Words) -> bool:
    """Most words of four letters or more capitalised ("Russia Resumes Flights To Hmeimim")."""
    n_long = len(words.shape) - words.shape.count(0)
    return n_long >= 4 and words.shape.count(2) >= 0.6 * n_long


def _unknown_names(text: str, words: _Words, lx: _Lex, covered: list[tuple[int, int]], sent_start: int,
                   mid_caps: frozenset[str], headline: bool | None = None) -> list[_Val]:
    """Capitalised names that no lexicon knows: runs of capitalised words (with name particles),
    without leading titles, nationality words, months and weekdays; a lone capitalised first word
    of a sentence only if the article also capitalises it mid-sentence."""
    if lx.lang not in _CASED_NAMES or (_headline(words) if headline is None else headline):
        return []
    covered = list(covered)
    toks, folds, caps = words.toks, words.fold, words.cap
    if not lx.generic_first.isdisjoint(folds):
        raw = [t for t, _, _ in toks]
        for a, f in enumerate(folds):  # broad names of two or three words ("Middle East") are no names to check
            if f not in lx.generic_first:
                continue
            for w in (3, 2):
                if a + w <= len(toks) and _fold(" ".join(raw[a:a + w])) in lx.generic:
                    covered.append((toks[a][1], toks[a + w - 1][2]))
    out: list[_Val] = []
    i, n = 0, len(toks)
    while True:
        try:
            i = caps.index(True, i)  # the next capitalised word
        except ValueError:
            break
        t, s, e = toks[i]
        if any(s < ce and cs < e for cs, ce in covered):
            i += 1
            continue
        run = [i]
        j = i + 1
        while j < n:
            gap = text[toks[j - 1][2]:toks[j][1]]
            if gap.strip():
                break
            tj = toks[j][0]
            if any(toks[j][1] < ce and cs < toks[j][2] for cs, ce in covered):
                break
            if caps[j]:
                run.append(j)
                j += 1
            elif tj.lower() in _PARTICLES and j + 1 < n and caps[j + 1] and not text[toks[j][2]:toks[j + 1][1]].strip():
                run.append(j)
                j += 1
            else:
                break
        i = j
        titled = False
        while run and words.trim[run[0]]:
            f0 = folds[run[0]]
            titled = titled or f0 in lx.titles or f0.rstrip("s") in lx.titles
            run.pop(0)
        while run and words.trim[run[-1]]:
            run.pop()
        if not run:
            continue
        s0, e0 = toks[run[0]][1], toks[run[-1]][2]
        written = _POSSESSIVE.sub("", text[s0:e0])
        e0 = s0 + len(written)
        folded = _fold(written)
        if folded in lx.generic or folded in lx.stop:
            continue
        if len(run) == 1 and _initial(text, toks[run[0]][1], sent_start) and toks[run[0]][0] not in mid_caps:
            continue
        if len(written) < 3:
            continue
        run_folds = [folds[k] for k in run]
        hint = next((lx.hints[w] for w in run_folds if w in lx.hints), "") or \
            next(("official body" for w in run_folds if w in lx.body_words), "")
        person = not hint and (titled or any(w in _PERSON_MARKERS for w in run_folds)
                               or any(w.startswith(_NAME_PREFIXES) for w in run_folds))
        kind = "body" if hint else "person" if person else "entity"
        out.append(_Val(written, s0, e0, written, {"kind": kind, "type": hint}))
    return out


def _person_before(text: str, v: _Val, toks, lx: _Lex, headline: bool = False) -> int | None:
    """Start of a capitalised given name written right before a surname match ("Maher al-Assad"
    is not "Bashar al-Assad"), or None."""
    k = bisect.bisect_left([s for _, s, _ in toks], v.start) - 1
    if k < 0 or headline:
        return None
    t, s, e = toks[k]
    if text[e:v.start].strip() or not t[:1].isupper() or lx.lang not in _CASED_NAMES or _stopword(t, lx):
        return None
    if k == 0 or _initial(text, s, toks[0][1]):
        return None  # a sentence-initial word is no evidence of a name
    pt, ps, pe = toks[k - 1]
    if not text[pe:s].strip() and pt[:1].isupper() and _fold(pt) not in lx.titles:
        return None  # a run of capitalised words ("President Meets With Putin") is a headline, not a name
    return s


def _stopword(tok: str, lx: _Lex) -> bool:
    f = _fold(_POSSESSIVE.sub("", tok))
    return f in lx.stop or (f.endswith("s") and f[:-1] in lx.stop) or f in lx.generic


_OPENING = "\"'“‘«„([{:—–-‹"


def _initial(text: str, pos: int, sent_start: int) -> bool:
    """The word at ``pos`` starts its sentence or a quotation or parenthesis inside it."""
    before = text[sent_start:pos].rstrip()
    return not before or before[-1] in _OPENING


# --- the stage -------------------------------------------------------------------------------------------


def _iso(d) -> str:
    return d.isoformat() if d is not None else ""


def _join(vals) -> str:
    """The distinct non-empty values, in first-seen order, joined with ``|``."""
    if not vals:  # an empty list
        return ""
    return "|".join(dict.fromkeys(filter(None, vals)))


def _specific_place(canon: str, kind: str) -> bool:
    return kind not in ("country", "continent", "region_world", "generic", "")


def claims_for_doc(doc: Doc, sources: list[dict], flights: list[dict], flight_dates: dict | None = None) -> list[dict]:
    """Claim rows of one article: :data:`CLAIM_COLUMNS` (contract columns first). ``sources`` and
    ``flights`` are the rows :func:`hmeimim.sources.sources_for_doc` and
    :func:`hmeimim.flights.flights_for_doc` returned for the same ``doc``; ``flight_dates`` the
    date mentions it found per sentence (its ``date_cache``), which are not looked for again."""
    if not doc.text or not doc.sentences:
        return []
    from .dates import find_dates

    text = doc.text
    lx = _lex(doc.language)
    nl = [m.start() for m in re.finditer("\n", text)]
    para = {s.sentence_id: bisect.bisect_left(nl, s.start) for s in doc.sentences}
    by_sid_flights: dict[int, list[dict]] = {}
    for r in flights or []:
        by_sid_flights.setdefault(int(r["sentence_id"]), []).append(r)
    by_sid_sources: dict[int, list[dict]] = {}
    for r in sources or []:
        if (r.get("stance") or "cited") in _CITING and r.get("source"):
            by_sid_sources.setdefault(int(r["sentence_id"]), []).append(r)
    media = Counter(r["source"] for rs in by_sid_sources.values() for r in rs if r.get("source_type") in MEDIA_TYPES)
    first_media = {}
    for sid in sorted(by_sid_sources):
        for r in by_sid_sources[sid]:
            if r.get("source_type") in MEDIA_TYPES:
                first_media.setdefault(r["source"], sid)
    primary = min(media, key=lambda k: (-media[k], first_media[k])) if media else ""
    sent_toks = {s.sentence_id: _tokens(text, s.start, s.end) for s in doc.sentences}
    mid_caps = frozenset(t for toks in sent_toks.values() for t, ts, _ in toks[1:] if t[:1].isupper())
    order = [s.sentence_id for s in doc.sentences]
    pos_of = {sid: i for i, sid in enumerate(order)}

    def checkable(rs):
        return [r for r in rs if r.get("stance", "cited") == "cited" and
                (r.get("source_type") in CHECKABLE_TYPES or (r.get("via") or ""))] + \
               [r for r in rs if r.get("stance") in ("no_comment", "denied") and r.get("source_type") in CHECKABLE_TYPES]

    def window(sid):
        i = pos_of[sid]
        out = [sid]
        for j in (i - 1, i + 1):
            if 0 <= j < len(order) and para[order[j]] == para[sid]:
                out.append(order[j])
        return out

    def channel(sid):
        for sids in ([sid], window(sid)):
            for x in sids:
                for r in by_sid_sources.get(x, []):
                    if r.get("source_type") in MEDIA_TYPES and r.get("stance", "cited") == "cited":
                        return r["source"]
                    if (r.get("via") or "") and r.get("stance", "cited") == "cited":
                        return r["via"]
        return primary

    checkable_of = {sid: checkable(rs) for sid, rs in by_sid_sources.items()}
    rows: list[dict] = []
    date_cache: dict[int, list] = {}
    for s in doc.sentences:
        sid = s.sentence_id
        srcs = by_sid_sources.get(sid, [])
        fl = [r for r in by_sid_flights.get(sid, []) if r.get("start") is not None]
        if sid not in date_cache and flight_dates and sid in flight_dates and _same_lang(doc.language):
            date_cache[sid] = [(m, m.start, m.end) for m in flight_dates[sid]]  # already in article offsets
        if sid not in date_cache:
            date_cache[sid] = [(m, s.start + m.start, s.start + m.end) for m in
                               find_dates(text[s.start:s.end], doc.language, doc.published, doc.ref_year)]
        dates = date_cache[sid]
        clauses: list[tuple[int, int, list[dict]]] = []
        if fl:
            spans: dict[tuple[int, int], list[dict]] = {}
            for r in fl:
                spans.setdefault((int(r["start"]), int(r["end"])), []).append(r)
            clauses = [(a, b, rs) for (a, b), rs in sorted(spans.items())]
        else:
            clauses = [(s.start, s.end, [])]
        ctx = [r for x in window(sid) for r in checkable_of.get(x, ())]
        own_checkable = checkable_of.get(sid)
        hedged = bool(lx.hedge_re and lx.hedge_re.search(_fold_text(text[s.start:s.end]))) or any(r.get("hedged") for r in srcs)
        for k, (lo, hi, frs) in enumerate(clauses):
            row = _claim(doc, lx, s, lo, hi, frs, srcs, dates, mid_caps,
                         sent_toks[sid] if (lo, hi) == (s.start, s.end) else None)
            if row is None:
                continue
            row["claim_id"] = f"{doc.article_id}#{sid}" + (f".{k}" if len(clauses) > 1 else "")
            row["paragraph"] = para[sid]
            row["language"] = doc.language
            row["attributed"] = bool(own_checkable)
            row["context_attributed"] = bool(ctx)
            row["context_sources"] = _join([r["source"] for r in ctx])
            row["channel"] = channel(sid)
            row["hedged"] = bool(hedged or any(r.get("hedged") for r in frs))
            rows.append(row)
    return rows


@functools.lru_cache(maxsize=64)
def _same_lang(language: str) -> bool:
    """The flights stage reads dates in this very language code (so its dates can be reused)."""
    from .flights import _lang

    return _lang(language) == language


def _claim(doc: Doc, lx: _Lex, s, lo: int, hi: int, frs: list[dict], srcs: list[dict], dates, mid_caps,
           toks=None) -> dict | None:
    text = doc.text
    toks = _tokens(text, lo, hi) if toks is None else toks
    gaz = _gazetteer_hits(text, lo, hi, lx)
    people, bodies, places, entities = [], [], [], []
    covered = []
    for r in frs:  # an aircraft's maker or popular name (Ilyushin, Ruslan) is not a name to check
        w = r.get("aircraft_as_written") or ""
        p = text.find(w, lo, hi) if w else -1
        if p < 0 and w:
            w = normalize(w)
            p = text.find(w, lo, hi)
        if p >= 0:
            covered.append((p, p + len(w)))
    words = _Words(toks, lx)
    headline = _headline(words)
    for v in gaz:
        kind = v.extra["kind"]
        if kind == "person":
            st = _person_before(text, v, toks, lx, headline)
            if st is not None and " " not in v.written.strip():
                # a surname right after an unknown given name is another person (Maher al-Assad)
                written = text[st:v.end]
                people.append(_Val(written, st, v.end, written, {"key": person_key(written), "known": False}))
                covered.append((st, v.end))
                continue
            people.append(_Val(v.value, v.start, v.end, v.written, {"key": person_key(v.value), "known": True}))
        elif kind == "body":
            bodies.append(_Val(v.value, v.start, v.end, v.written, {"type": v.extra["type"]}))
        else:
            places.append(_Val(v.value, v.start, v.end, v.written, {"kind": v.extra["type"]}))
        covered.append((v.start, v.end))
    for v in _unknown_names(text, words, lx, covered, s.start, mid_caps, headline):
        kind = v.extra["kind"]
        if kind == "person":
            people.append(_Val(v.value, v.start, v.end, v.written, {"key": person_key(v.written), "known": False}))
        elif kind == "body":
            bodies.append(_Val(v.value, v.start, v.end, v.written, {"type": v.extra["type"]}))
        else:
            entities.append(_Val(v.value, v.start, v.end, v.written, {"key": person_key(v.written)}))
    own_dates = [(m, a, b) for m, a, b in dates if lo <= a and b <= hi] if frs else dates
    if not frs and not srcs:
        # a dateline or a bare date ("15:24, 30 октября 2025") states nothing
        rest = [t for t, a, b in toks if not any(da <= a and b <= db for _, da, db in own_dates)]
        if len(rest) < 2 and len(_CJK_RE.findall(_without(text[lo:hi], tuple(m.as_written for m, _, _ in own_dates)))) < 4:
            return None
    taken = [(a, b) for _, a, b in own_dates]
    nums, durs = _numbers(text, lo, hi, words, lx, taken)
    all_concepts = _concepts(text, lo, hi, words, lx)
    for cv in all_concepts:
        if cv.extra["class"] == "duration" and cv.extra.get("v"):
            durs.append(_Val(f"{cv.extra['v']}mo", cv.start, cv.end, cv.written))
    concepts = [c for c in all_concepts if c.extra["class"] != "duration"]
    for r in srcs:  # a source that did not answer or denied is what the sentence states
        if r.get("stance") in ("no_comment", "denied"):
            a, b = int(r.get("cue_start", r["start"])), int(r.get("cue_end", r["end"]))
            concepts.append(_Val(r["stance"], a, b, text[a:b], {"class": "support", "v": ""}))
    classes = {c.extra["class"] for c in concepts}
    fl_places = []
    for r in frs:
        for p in (r.get("route") or "").split(" → "):
            if p:
                fl_places.append(p)
    resolved = [(m, a, b) for m, a, b in own_dates if m.date_start is not None]
    specific_places = [p for p in places if _specific_place(p.value, p.extra.get("kind", ""))]
    anchors = people or bodies or entities or specific_places
    if frs:
        kind = "flight"
    elif "meeting" in classes and (anchors or places or resolved):
        kind = "meeting"
    elif "event" in classes and (anchors or places or resolved or nums or durs):
        kind = "event"
    elif srcs:
        kind = "attribution"
    elif own_dates:
        kind = "date"
    elif nums or durs:
        kind = "number"
    elif people or bodies:
        kind = "statement"
    else:
        return None
    main = [r for r in frs if not r.get("restates")] or frs
    fr = main[0] if main else {}
    if fr:
        date_start, date_end, date_written = fr.get("date_start") or "", fr.get("date_end") or "", fr.get("date_as_written") or ""
    elif resolved:
        m = resolved[0][0]
        date_start, date_end, date_written = _iso(m.date_start), _iso(m.date_end), m.as_written
    else:
        date_start = date_end = ""
        date_written = own_dates[0][0].as_written if own_dates else ""
    count_explicit = bool(fr.get("count_as_written")) if fr else False

    def span_of(needle: str) -> list[int]:
        if needle:
            p = text.find(needle, lo, hi)
            if p >= 0:
                return [p, p + len(needle)]
            # the flights stage keeps the file's spelling (I1-26M) where the text was repaired (Il-26M)
            n = normalize(needle)
            p = text.find(n, lo, hi) if n and n != needle else -1
            if p >= 0:
                return [p, p + len(n)]
        return [lo, hi]

    facts = {}  # the non-empty facts, in this order
    if frs:
        facts["aircraft"] = [
            {"v": r.get("aircraft") or "", "f": r.get("aircraft_family") or "", "w": r.get("aircraft_as_written") or "",
             "flag": r.get("aircraft_flag") or "", "restates": bool(r.get("restates")),
             "d": _designator_key(r.get("aircraft_as_written") or "", r.get("aircraft") or ""),
             "span": span_of(r.get("aircraft_as_written") or "")} for r in frs]
    if count_explicit:
        facts["count"] = {"v": fr.get("count"), "w": fr.get("count_as_written"), "span": span_of(fr.get("count_as_written") or "")}
    if own_dates:
        facts["dates"] = [{"ds": _iso(m.date_start), "de": _iso(m.date_end), "k": m.kind, "w": m.as_written, "span": [a, b]}
                          for m, a, b in own_dates]
    if places or fl_places:
        place_values = {x.value for x in places}
        facts["places"] = ([{"v": p.value, "w": p.written, "k": p.extra.get("kind", ""), "span": [p.start, p.end]} for p in places]
                           + [{"v": p, "w": p, "k": _place_rows().get(p, ("", ""))[0], "span": [lo, hi], "route": True}
                              for p in fl_places if p not in place_values])
    if people:
        facts["people"] = [{"v": p.value, "key": p.extra["key"], "w": p.written, "known": p.extra.get("known", False),
                            "span": [p.start, p.end]} for p in people]
    if bodies:
        facts["bodies"] = [{"v": b.value, "w": b.written, "t": b.extra.get("type", ""), "span": [b.start, b.end]} for b in bodies]
    if entities:
        facts["entities"] = [{"v": e.value, "key": e.extra["key"], "span": [e.start, e.end]} for e in entities]
    if nums:
        facts["numbers"] = [{"v": n.value, "w": n.written, "span": [n.start, n.end]} for n in nums]
    if durs:
        facts["durations"] = [{"v": d.value, "w": d.written, "span": [d.start, d.end]} for d in durs]
    if concepts:
        facts["concepts"] = [{"v": c.value, "c": c.extra["class"], "span": [c.start, c.end]} for c in concepts]
    if srcs:
        facts["sources"] = [{"v": r["source"], "t": r.get("source_type") or "", "via": r.get("via") or "", "w": r.get("as_written") or "",
                             "stance": r.get("stance") or "cited",
                             "span": [int(r.get("source_start", r["start"])), int(r.get("source_end", r["end"]))]} for r in srcs]
    event = fr.get("event") or "" if fr else ""
    route = fr.get("route") or "" if fr else ""
    if event:
        facts["event"] = event
    if route:
        facts["route"] = route
    # the row, in the order of CLAIM_COLUMNS; claims_for_doc fills in the None placeholders
    return {
        "article_id": doc.article_id, "sentence_id": s.sentence_id, "start": lo, "end": hi, "text": text[lo:hi],
        "kind": kind,
        "claim_id": None, "paragraph": None, "language": None,
        "aircraft": _join([r.get("aircraft") for r in frs]) if frs else "",
        "aircraft_family": _join([r.get("aircraft_family") for r in frs]) if frs else "",
        "aircraft_as_written": _join([r.get("aircraft_as_written") for r in frs]) if frs else "",
        "aircraft_flag": _join([r.get("aircraft_flag") for r in frs]) if frs else "",
        "event": event,
        "count": int(fr["count"]) if fr and fr.get("count") is not None else None,
        "count_explicit": count_explicit,
        "date_start": date_start, "date_end": date_end, "date_as_written": date_written,
        "dates": _join([f"{_iso(m.date_start)}/{_iso(m.date_end)}" for m, _, _ in resolved]) if resolved else "",
        "route": route,
        "places": _join([p.value for p in places] + fl_places),
        "people": _join([p.value for p in people]) if people else "",
        "people_keys": _join([p.extra["key"] for p in people]) if people else "",
        "people_as_written": _join([p.written for p in people]) if people else "",
        "bodies": _join([b.value for b in bodies]) if bodies else "",
        "entities": _join([e.value for e in entities]) if entities else "",
        "numbers": _join([n.value for n in nums]) if nums else "",
        "durations": _join([d.value for d in durs]) if durs else "",
        "concepts": _join([c.value for c in concepts]) if concepts else "",
        "source": _join([r["source"] for r in srcs]) if srcs else "",
        "via": _join([r.get("via") or "" for r in srcs]) if srcs else "",
        "source_as_written": _join([r.get("as_written") or "" for r in srcs]) if srcs else "",
        "source_types": _join([r.get("source_type") or "" for r in srcs]) if srcs else "",
        "attributed": None, "context_attributed": None, "context_sources": None, "channel": None, "hedged": None,
        "restates": bool(frs) and all(r.get("restates") for r in frs),
        "facts": _FACTS_JSON.encode(facts),
    }


#: the encoder of the ``facts`` column (as ``json.dumps(facts, ensure_ascii=False, separators=(",", ":"))``)
_FACTS_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def find_claims(docs, sources=None, flights=None):
    """Claims of many articles as one DataFrame (for notebooks and tests); the sources and flights
    stages are run when their rows are not given."""
    import pandas as pd

    from . import flights as _fl
    from . import sources as _src

    rows = []
    for d in docs:
        src = _src.sources_for_doc(d) if sources is None else [r for r in sources if r["article_id"] == d.article_id]
        fl = _fl.flights_for_doc(d) if flights is None else [r for r in flights if r["article_id"] == d.article_id]
        rows += claims_for_doc(d, src, fl)
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)
