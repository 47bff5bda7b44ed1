"""Sources stage: every attribution in an article, with a canonical source, in ten languages.

An attribution is a cue ("according to", "said", "citing", "по данным", "laut", "据", "وفقا") and the
source its grammar points at: the noun phrase after a prepositional cue, the subject before a
reporting verb (or after it, where the language inverts: "..., said Peskov", "пишет УНН"), the object
of "citing" / "cited ... as saying" (a source cited *via* the clause's main source), the recipient of
"told" ("an official told Reuters": the official via Reuters, and Reuters).

Everything language-specific is lexicon data in ``hmeimim/lexicon/``:

* ``attribution_cues.csv`` -- cues per language with their position and kind;
* ``source_aliases.csv`` -- canonical sources and their spellings in every script;
* ``source_groups.csv`` -- parts of unnamed and anonymous sources ("Russian military sources");
* ``source_backrefs.csv`` -- "the news agency", "издание", "该社" ... (refer back to the last outlet);
* ``source_titles.csv`` -- titles that tie "the Syrian president" to the person named earlier;
* ``source_function_words.csv`` -- articles, auxiliaries, clause boundaries, coordinators, recipients;
* ``source_type_hints.csv`` -- words that suggest the type of a source the lexicon does not know;
* ``hedges.csv`` -- hedge words ("reportedly", "якобы", "据称"); also read by the flights stage.

Matching is token by token on the lower-cased form or the simplemma lemma, so one spelling per lemma
covers inflection (сообщил / сообщила / сообщили -> сообщить); Russian and Ukrainian names also match
on a stem (Пескова -> Песков); Arabic words also match without their clitics (لوكالة -> وكالة).

Row semantics (:data:`SOURCE_COLUMNS`):

* ``start``/``end`` -- offsets into ``doc.text`` of the whole attribution phrase (cue and source words);
* ``as_written`` -- the source's own words as written (``doc.text[source_start:source_end]``, e.g.
  ``"a source within the Kremlin"`` or ``"the news agency"``);
* ``source`` -- the canonical source (``Bloomberg``, ``anonymous Kremlin source``, ``analysts``, ...);
* ``source_type`` -- one of :data:`SOURCE_TYPES`;
* ``cue`` -- the cue as written in the text ("According to", "citing", "have not yet replied");
* ``via`` -- the source through which this one is cited ("" when cited directly);
* ``stance`` -- ``cited``, ``no_comment`` or ``denied``; ``hedged`` -- a hedge word in the sentence.

Extra columns (:data:`EXTRA_COLUMNS`): ``lang``, ``cue_start``, ``cue_end``, ``source_start``,
``source_end``.

>>> from hmeimim.text import make_doc
>>> d = make_doc("x", "According to Bloomberg, citing Flightradar24 data, two jets landed.")
>>> [(r["source"], r["via"]) for r in sources_for_doc(d)]
[('Bloomberg', ''), ('Flightradar24', 'Bloomberg')]
"""
from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from . import lexicons
from .text import Doc

__all__ = ["SOURCE_COLUMNS", "EXTRA_COLUMNS", "SOURCE_TYPES", "sources_for_doc", "find_sources",
           "canonical_source"]

SOURCE_COLUMNS = ["article_id", "sentence_id", "start", "end", "source", "source_type", "as_written",
                  "cue", "via", "stance", "hedged"]
EXTRA_COLUMNS = ["lang", "cue_start", "cue_end", "source_start", "source_end"]
SOURCE_TYPES = ("outlet", "news agency", "flight-tracking data", "official body", "named person",
                "anonymous source", "unnamed group")
LANGS = ("en", "ru", "uk", "de", "fr", "it", "es", "pt", "ar", "zh")

_MEDIA = frozenset({"outlet", "news agency"})
_LEMMA_LANGS = frozenset({"en", "ru", "uk", "de", "fr", "it", "es", "pt"})
_ARTICLE_LANGS = frozenset({"en", "de", "fr", "it", "es", "pt"})
_CASED_LANGS = frozenset({"en", "ru", "uk", "fr", "it", "es", "pt"})  # capitals mark names
_GAP = "\x00gap"
# no function-word roles: an empty tuple, not an empty frozenset, so that the cached token entries
# of an open vocabulary hold only atoms and the garbage collector stops tracking them
_NO_ROLES: tuple = ()
# fields of a token entry (_tok_entry)
_E_KEYS, _E_CUE, _E_HIT, _E_CAP, _E_PUNCT, _E_CAL, _E_PBND, _E_ROLES = (
    operator.itemgetter(k) for k in (0, 2, 3, 4, 5, 6, 7, 8))

# --- tokens and keys ---------------------------------------------------------------------------

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_AR_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
# a word: letters and digits (not "_", not CJK: every CJK character is a token) and Arabic marks,
# joined by "-" or "."; anything else that is not a space is a token of its own. (A word, any run of
# letters, digits and marks, is spelled as: a first character, letters, then marks and letters;
# the regex engine matches that faster than the equivalent "(?:letters+|marks+)++".)
_L = rf"[^\W_{_CJK}]"  # a letter or digit
_W = rf"(?:{_L}|[{_AR_MARKS}]){_L}*+(?:[{_AR_MARKS}]+{_L}*+)*+"
_TOKEN_RE = re.compile(rf"{_W}(?:[-.]{_W})*+|\S")
# the same, capturing: split() gives [gap, token, gap, token, ..., gap] (strings only, no match objects)
_TOKEN_SPLIT_RE = re.compile(f"({_TOKEN_RE.pattern})")
_AR_DIAC_RE = re.compile(f"[{_AR_MARKS}]")
_AR_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_APOS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "ё": "е", "Ё": "Е"})
_CYR_ENDINGS = tuple(sorted(("ого", "ему", "ому", "ой", "ым", "ом", "ем", "ую", "ей", "ых", "ою", "им",
                             "ою", "а", "у", "е", "ы", "и", "я", "ю", "й", "ь", "і", "ї", "є", "ові"),
                            key=len, reverse=True))


def _is_arabic(s: str) -> bool:
    return bool(s) and "\u0600" <= s[0] <= "\u06ff"


def _is_cyrillic(s: str) -> bool:
    return bool(s) and "\u0400" <= s[0] <= "\u04ff"


def _is_cap(tok: str) -> bool:
    """A capitalised word: "Novak", "al-Sharaa", "аш-Шараа" (a lower-case particle before a hyphen)."""
    if not tok or not tok[0].isalpha():
        return False
    if tok[0].isupper():
        return True
    h = tok.find("-")
    return 0 < h <= 4 and h + 1 < len(tok) and tok[h + 1].isupper()


def _ar_norm(s: str) -> str:
    return _AR_DIAC_RE.sub("", s).translate(_AR_FOLD)


def _ar_core(s: str) -> str:
    return s[2:] if s.startswith("ال") and len(s) > 4 else s


def _ar_variants(w: str) -> list[str]:
    """The word and the word without its clitics (و ف, then ب ل ك, then the article ال)."""
    out = [w]
    stage1 = [w]
    if len(w) >= 3 and w[0] in "وف":
        stage1.append(w[1:])
    for s in stage1:
        forms = [s]
        if len(s) > 3 and s[0] in "بلك":
            forms.append(s[1:])
            if s.startswith("لل") and len(s) > 4:
                forms.append("ال" + s[2:])
        for f in forms:
            out.append(f)
            if f.startswith("ال") and len(f) > 4:
                out.append(f[2:])
    seen = []
    for f in out:
        if f not in seen:
            seen.append(f)
    return seen


def _cyr_stem(low: str) -> str:
    for e in _CYR_ENDINGS:
        if low.endswith(e) and len(low) - len(e) >= 3:
            return low[: -len(e)]
    return low


# --- lemmas --------------------------------------------------------------------------------------
#
# Lemmas are simplemma's. Loading its dictionary costs about a second and over 100 MB per language
# and process, so what this stage needs of it is precomputed in ``lexicon/source_lemmas.tsv``
# (``tools/build_source_lemmas.py``): the lemma of every word of the lexicons, and, for the words of
# running text, the dictionary entries whose lemma or form is a key of the lexicons (a lemma that is
# no lexicon key matches nothing), plus, in Russian and Ukrainian, the entries for names (capitalised
# lemmas, for "Владислава Шурыгина" -> "Владислав Шурыгин"). A text word the table does not have is
# one whose lemma is not a lexicon key, or a word the dictionary does not know (its lemma is then
# the word itself). If the lexicons change and the table was not rebuilt, the stage falls back to
# simplemma for that language, so results never depend on a stale table.

_LEMMA_TABLE = "source_lemmas.tsv"


@functools.lru_cache(maxsize=None)
def _lemma_fn():
    import simplemma
    return simplemma.lemmatize


def _fold(s: str) -> str:
    return s.casefold().translate(_APOS)


@functools.lru_cache(maxsize=50_000)
def _simplemma_raw(tok: str, lang: str) -> str:
    """simplemma's lemma of ``tok`` as it returns it (loads the language's dictionary)."""
    try:
        return _lemma_fn()(tok, lang=lang)
    except Exception:  # pragma: no cover - a lemmatiser failure must never stop the stage
        return tok


@functools.lru_cache(maxsize=None)
def _lemma_tables() -> dict[str, tuple[dict, dict, str]]:
    """lang -> (lexicon word -> raw lemma, text form -> raw lemma, digest of the lexicon keys)."""
    out: dict[str, tuple[dict, dict, str]] = {}
    try:
        text = (lexicons.path("x").parent / _LEMMA_TABLE).read_text(encoding="utf-8")
    except OSError:  # pragma: no cover - no table: simplemma for everything
        return out
    lex = forms = None
    for line in text.split("\n"):
        if not line or line[0] == "#":
            continue
        kind, a, b = line.split("\t")
        if kind == "T":
            forms[a] = b or a
        elif kind == "L":
            lex[a] = b or a
        elif kind == "@":
            lex, forms = {}, {}
            out[a] = (lex, forms, b)
    return out


def _lex_lemma(tok: str, lang: str) -> str:
    """Lemma key of a lexicon word (as simplemma gives it)."""
    t = _lemma_tables().get(lang)
    raw = t[0].get(tok) if t else None
    return _fold(raw if raw is not None else _simplemma_raw(tok, lang))


def _form_raw(tok: str, lang: str) -> "str | None":
    """simplemma's lemma of a text word if the table has it (None if not, or if the table is stale,
    or for a word the table cannot answer exactly: one with an apostrophe)."""
    forms = _text_forms(lang)
    if forms is None or "\u02bc" in tok or "'" in tok or "\u2019" in tok:
        return None
    if not tok.isascii():
        tok = unicodedata.normalize("NFC", tok)
    r = forms.get(tok)
    if r is None:
        r = forms.get(tok.lower() if tok[:1].isupper() else tok.capitalize())
    return r


def _table_ok(lang: str) -> bool:
    return _text_forms(lang) is not None or lang not in _LEMMA_LANGS


@functools.lru_cache(maxsize=None)
def _text_forms(lang: str) -> "dict | None":
    """The table's text forms of ``lang``, if it was built from the lexicons as they are."""
    t = _lemma_tables().get(lang)
    if t is None or t[2] != _keys_digest(_lexicon(lang)):
        return None
    return t[1]


def _keys_digest(lex: "_Lex") -> str:
    """A digest of every key of the lexicon (trie labels and cue words)."""
    import hashlib
    return hashlib.sha1("\n".join(sorted(_lexicon_keys(lex))).encode("utf-8")).hexdigest()[:16]


def _lexicon_keys(lex: "_Lex") -> set[str]:
    out: set[str] = set()
    stack = [lex.trie]
    while stack:
        node = stack.pop()
        for k, child in node.items():
            if k is not None:
                out.add(k)
                stack.append(child)
    for lst in lex.cues.values():
        for pat, *_ in lst:
            out.update(pat)
    out.discard(_GAP)
    return out


@functools.lru_cache(maxsize=300_000)
def _lemma(tok: str, lang: str) -> str:
    """The lemma key of a text word: as simplemma gives it where it is a lexicon key (or the word's
    own lower case is); else the word's lower case (see above)."""
    if lang not in _LEMMA_LANGS or not tok[:1].isalpha():
        return _fold(tok)
    if not _table_ok(lang):
        return _fold(_simplemma_raw(tok, lang))
    r = _form_raw(tok, lang)
    return _fold(r if r is not None else tok)


def _lemma_exact(tok: str, lang: str) -> str:
    """The lemma key of any word exactly as simplemma gives it (from the table where it has it)."""
    if lang not in _LEMMA_LANGS or not tok[:1].isalpha():
        return _fold(tok)
    r = _form_raw(tok, lang) if "\u02bc" not in tok else None
    return _fold(r if r is not None else _simplemma_raw(tok, lang))


def _name_lemma(tok: str, lang: str) -> str:
    """simplemma's lemma of a Russian or Ukrainian first name, as written (from the table where it
    has it)."""
    r = _form_raw(tok, lang)
    return r if r is not None else _simplemma_raw(tok, lang)


@functools.lru_cache(maxsize=300_000)
def _token_keys(tok: str, lang: str) -> tuple[str, ...]:
    """All the keys a text token matches on: lower case, lemma, Cyrillic name stem, Arabic clitic-free."""
    if _is_arabic(tok):
        return tuple(_ar_variants(_ar_norm(tok)))
    low = tok.casefold().translate(_APOS)
    keys = [low]
    if tok[:1].isalpha():
        lem = _lemma.__wrapped__(tok, lang)  # not through its cache: this function caches the keys
        if lem != low:
            keys.append(lem)
        if _is_cyrillic(tok) and _is_cap(tok):
            keys.append("~" + _cyr_stem(low))
    return tuple(keys)


# an Arabic article written with a hyphen in transliterations: "al-Sharaa" is also written "al Sharaa"
_PARTICLE_HYPHEN = re.compile(r"\b(al|el|ash|as|ad|ar|an|at|az|аш|аль|ас|ад|ар|ан|ат)-", re.IGNORECASE)


def _split(phrase: str) -> list[str]:
    return _TOKEN_RE.findall(phrase)


# --- lexicons ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lex:
    trie: dict
    cues: dict          # first key -> list of (pattern, position, kind, hint)
    countries: frozenset
    calendar: frozenset
    tokens: dict        # token -> _tok_entry(...): filled as texts are read


def _paths(phrase: str, lang: str, *, alias: bool, lemma: bool = True) -> list[tuple[str, ...]]:
    """Key paths under which a lexicon phrase is stored in the trie.

    Every phrase is stored as written (lower-cased); in inflecting languages also as lemmas, so that
    "Министерство обороны России" matches "Министерства обороны России". ``lemma=False`` keeps a
    surface-only entry (a hedge like French "aurait" must not match every form of "avoir")."""
    toks = _split(phrase)
    if not toks:
        return []
    if _is_arabic(toks[0]) or any(_is_arabic(t) for t in toks):
        norm = [_ar_norm(t) for t in toks]
        return [tuple(_ar_core(t) if alias else t for t in norm)]
    low = tuple(t.casefold().translate(_APOS) for t in toks)
    paths = [low]
    if lemma and lang in _LEMMA_LANGS and lang != "en":
        lem = tuple(_lex_lemma(t, lang) if t[:1].isalpha() else t.casefold().translate(_APOS) for t in toks)
        if lem != low:
            paths.append(lem)
    if alias and any(_is_cyrillic(t) and _is_cap(t) for t in toks):
        base = paths[-1]
        stem = tuple("~" + _cyr_stem(t.casefold().translate(_APOS)) if _is_cyrillic(t) and _is_cap(t)
                     else b for t, b in zip(toks, base))
        paths.append(stem)
    return paths


def _add(trie: dict, path: tuple[str, ...], payload: tuple) -> None:
    node = trie
    for k in path:
        node = node.setdefault(k, {})
    lst = node.setdefault(None, [])
    if payload not in lst:
        lst.append(payload)


@functools.lru_cache(maxsize=None)
def _babel_names(lang: str) -> tuple[frozenset, frozenset]:
    """Country names and month/day names in ``lang`` (babel), lower-cased."""
    countries, cal = set(), set()
    try:
        from babel import Locale
        for code in {lang, "en"}:
            loc = Locale.parse(code)
            countries.update(v.casefold() for k, v in loc.territories.items() if not k.isdigit())
            for ctx in ("format", "stand-alone"):
                for width in ("wide", "abbreviated"):
                    cal.update(v.casefold().rstrip(".") for v in loc.months[ctx][width].values())
                    cal.update(v.casefold().rstrip(".") for v in loc.days[ctx][width].values())
    except Exception:  # pragma: no cover - babel data missing: no filtering
        pass
    return frozenset(countries), frozenset(cal)


@functools.lru_cache(maxsize=None)
def _lexicon(lang: str) -> _Lex:
    trie: dict = {}
    for r in lexicons.load("source_aliases"):
        forms = {r["alias"], _PARTICLE_HYPHEN.sub(r"\1 ", r["alias"])}
        for form in forms:
            # Lemmatise only the aliases of the article's own language: loading every language's
            # lemma dictionary for every article costs seconds per process and adds little (a
            # foreign name inside an article mostly stands in its dictionary form).
            for p in _paths(form, r["lang"], alias=True, lemma=r["lang"] == lang):
                _add(trie, p, ("alias", r["canonical"], r["source_type"]))
    for r in lexicons.load("source_groups"):
        if r["lang"] != lang:
            continue
        role = r["role"]
        payload = (role, r["canonical"], r["source_type"] or "unnamed group")
        for p in _paths(r["word"], lang, alias=role == "phrase"):
            _add(trie, p, payload)
    for r in lexicons.load("source_backrefs"):
        if r["lang"] == lang:
            for p in _paths(r["word"], lang, alias=False):
                _add(trie, p, ("backref", r["refers_to"], r["needs_article"] == "1"))
    for r in lexicons.load("source_titles"):
        if r["lang"] == lang:
            for p in _paths(r["word"], lang, alias=False):
                _add(trie, p, ("title",))
    # function words and hedges are listed as written, except in Russian and Ukrainian, where the
    # lists give lemmas ("который", "неподтвержденный") that stand for every case form
    surface_only = lang not in ("ru", "uk")
    for r in lexicons.load("source_function_words"):
        if r["lang"] == lang:
            for p in _paths(r["word"], lang, alias=False, lemma=not surface_only):
                _add(trie, p, ("fw", r["role"]))
    for r in lexicons.load("hedges"):
        if r["lang"] == lang and r["word"]:
            word, cat = (r["word"][1:], "nohedge") if r["word"].startswith("!") else (r["word"], "hedge")
            for p in _paths(word, lang, alias=False, lemma=not surface_only):
                _add(trie, p, (cat,))
    for r in lexicons.load("source_type_hints"):
        if r["lang"] == lang:
            for p in _paths(r["word"], lang, alias=False):
                _add(trie, p, ("hint", r["source_type"]))
    cues: dict = {}
    for r in lexicons.load("attribution_cues"):
        if r["lang"] != lang:
            continue
        pat = []
        for t in _split(r["cue"]):
            if t == "*":
                pat.append(_GAP)
            elif _is_arabic(t):
                pat.append(_ar_norm(t))
            else:
                pat.append(t.casefold().translate(_APOS))
        cues.setdefault(pat[0], []).append((tuple(pat), r["position"], r["kind"], r.get("hint", "")))
    for lst in cues.values():
        lst.sort(key=lambda c: -len(c[0]))
    countries, cal = _babel_names(lang)
    return _Lex(trie, cues, countries, cal, {})


def _tok_entry(lex: _Lex, tok: str, lang: str) -> tuple:
    """What the stage needs to know of a token on its own, cached in the lexicon: (keys, single-token
    profile, may start a cue, matches the lexicon beyond function words or may start a longer match,
    capitalised, punctuation, a month or day name, punctuation that bounds a phrase, function-word
    roles)."""
    ks = _token_keys(tok, lang)
    cues = lex.cues
    prof = _single_profile(lex.trie, ks)
    hit = prof is not _NO_HIT and bool(prof[0] or prof[1])
    roles = prof[2] if prof is not _NO_HIT and prof[2] else _NO_ROLES
    e = (ks, prof, not cues.keys().isdisjoint(ks), hit, _is_cap(tok), len(tok) == 1 and not tok.isalnum(),
         tok.casefold() in lex.calendar, tok in _PUNCT_BOUNDARY, roles)
    if len(lex.tokens) < 50_000:  # per language: bounded memory on an open vocabulary
        lex.tokens[tok] = e
    return e


_NO_HIT = object()


def _single_profile(trie: dict, ks: tuple[str, ...]):
    """What a token with keys ``ks`` matches on its own: (has longer matches, ((category, payload),
    ...), function-word roles, has a category in _SPECIAL_CATS, the keys that continue a longer
    match, ((category, payload), ...) in the order of :func:`_walk`), or _NO_HIT. Cached per lexicon,
    so most tokens skip the trie walk: a token that could start a longer match is walked only if
    the next token has a key that continues one."""
    if trie.keys().isdisjoint(ks):
        return _NO_HIT
    nodes = [trie[k] for k in ks if k in trie]
    deep = any(len(nd) > (1 if None in nd else 0) for nd in nodes)
    cats: dict = {}
    roles = set()
    for nd in nodes:
        for p in nd.get(None, ()):
            if p[0] == "fw":
                roles.add(p[1])
            else:
                cats.setdefault(p[0], p)
    cont = frozenset(k for nd in nodes for k in nd if k is not None)
    walk_cats: dict = {}  # _walk visits the nodes of the keys in reverse order
    for nd in reversed(nodes):
        for p in nd.get(None, ()):
            if p[0] != "fw":
                walk_cats.setdefault(p[0], p)
    return (deep, tuple(cats.items()), frozenset(roles), not _SPECIAL_CATS.isdisjoint(cats), cont,
            tuple(walk_cats.items()))


# the categories that the context notes beyond the match itself (see _Ctx.__init__)
_SPECIAL_CATS = frozenset(("nat", "mod", "title", "head", "nohedge", "hedge", "alias"))


def _walk(trie: dict, keys: list, i: int, n: int) -> list[tuple[int, list]]:
    """All lexicon matches starting at token ``i``: (end token, payloads)."""
    out = []
    stack = [(trie[k], i + 1) for k in keys[i] if k in trie]
    while stack:
        node, j = stack.pop()
        pl = node.get(None)
        if pl:
            out.append((j, pl))
        if j < n and len(node) > (1 if pl else 0):
            for k in keys[j]:
                child = node.get(k)
                if child is not None:
                    stack.append((child, j + 1))
    return out


def _full_match(trie: dict, key_seqs: list[tuple[str, ...]], cat: str = "alias"):
    """The payload of category ``cat`` that matches the whole key sequence exactly, or None."""
    frontier = [trie]
    for ks in key_seqs:
        nxt = []
        for node in frontier:
            for k in ks:
                child = node.get(k)
                if child is not None:
                    nxt.append(child)
        frontier = nxt
        if not frontier:
            return None
    for node in frontier:
        for p in node.get(None, ()):
            if p[0] == cat:
                return p
    return None


# --- per-document context ------------------------------------------------------------------------

_PUNCT_BOUNDARY = frozenset(",;:()[]\"“”«»„‟—–-?!…。，；：、（）「」『』!?" + "\u060c\u061b")
_QUOTES = frozenset("\"“”«»„‟「」『』'")
_OPEN_QUOTES = frozenset("\"“«„‟「『")
_OPEN_QUOTE_RE = re.compile("[" + re.escape("".join(sorted(_OPEN_QUOTES))) + "]")
_COMMAS = frozenset(",\u060c，")
# lower-case words inside a name: "Institute for the Study of War", "Osama bin Laden"
_NAME_PARTICLES = frozenset(("bin", "ibn", "von", "van", "de", "da", "di", "del", "della", "des", "du",
                             "ben", "of", "for", "the", "on", "für", "der", "la", "le"))


@dataclass(slots=True)
class _Src:
    i0: int
    i1: int
    source: str
    stype: str
    prio: int  # lower is more specific


@dataclass(slots=True)
class _Att:
    sid: int
    i0: int           # source token span
    i1: int
    c0: int           # cue token span
    c1: int
    source: str
    stype: str
    kind: str
    role: str = "main"   # main | cited | recipient
    via: str = ""
    parent: "_Att | None" = None


class _Ctx:
    """Tokens, lexicon matches and the article's history of sources for one document."""

    def __init__(self, doc: Doc, lang: str):
        self.doc = doc
        self.lang = lang
        lex = self.lex = _lexicon(lang)
        text = doc.text
        parts = _TOKEN_SPLIT_RE.split(text)
        toks = parts[1::2]
        offsets = list(itertools.accumulate(map(len, parts)))  # end of each part
        starts, ends = offsets[0:-1:2], offsets[1::2]
        del parts, offsets
        self.toks, self.starts, self.ends = toks, starts, ends
        n = self.n = len(toks)
        # per token: its _tok_entry, cached per language
        ents = list(map(lex.tokens.get, toks))
        if None in ents:
            for i, e in enumerate(ents):
                if e is None:
                    ents[i] = _tok_entry(lex, toks[i], lang)
        self.keys = keys = list(map(_E_KEYS, ents))
        self.cue_cands = list(itertools.compress(itertools.count(), map(_E_CUE, ents)))
        self.cap = list(map(_E_CAP, ents))        # _is_cap of each token
        self.punct = list(map(_E_PUNCT, ents))    # is_punct of each token
        self.cal = list(map(_E_CAL, ents))        # a month or day name
        self.pbnd = list(map(_E_PBND, ents))      # in _PUNCT_BOUNDARY
        # sentence of each token
        sent = [0] * n
        sbounds = []
        j = 0
        for s in doc.sentences:
            k = bisect.bisect_left(starts, s.start, j)
            if k > j:
                sent[j:k] = [max(s.sentence_id - 1, 0)] * (k - j)
                j = k
            a = j
            k = bisect.bisect_left(starts, s.end, j)
            if k > j:
                sent[j:k] = [s.sentence_id] * (k - j)
                j = k
            sbounds.append((s.sentence_id, a, j))
        if j < n:
            sent[j:n] = [sbounds[-1][0] if sbounds else 0] * (n - j)
        if not sbounds:
            sbounds = [(0, 0, n)]
        self.sent, self.sbounds = sent, sbounds
        self.sent_start = {sid: a for sid, a, _ in sbounds}
        # lexicon matches
        trie = lex.trie
        self.m: list = [None] * n    # i -> {cat: (end, payload)} longest per category
        self.alias_at: dict[int, tuple[int, str, str]] = {}
        self.hedged_sents: set[int] = set()
        fw_cover: list = list(map(_E_ROLES, ents))   # roles covering token i (a collection)
        alias_end = 0
        nohedge_end = 0
        title_ends = set()
        mod_end: dict[int, tuple] = {}  # end token -> (start, "nat"|"mod", payload)
        self.mod_end = mod_end
        m = self.m
        # the tokens that match more than function words on their own, or may start a longer match
        for i in itertools.compress(itertools.count(), map(_E_HIT, ents)):
            deep, rel_cats, roles, special, cont, walk_cats = ents[i][1]
            if not deep:
                # the common case: a word that matches the lexicon only on its own ("said")
                cats = {c: (i + 1, p) for c, p in rel_cats}
                if not special:
                    m[i] = cats
                    continue
            elif i + 1 >= n or cont.isdisjoint(keys[i + 1]):
                # no longer match can start here: what the walk would find on this token alone
                if not walk_cats:
                    continue
                cats = {c: (i + 1, p) for c, p in walk_cats}
            else:
                cats = {}
                for end, pls in _walk(trie, keys, i, n):
                    for p in pls:
                        c = p[0]
                        if c == "fw":
                            if end > i + 1:
                                for k in range(i, end):
                                    fw_cover[k] = frozenset(fw_cover[k]) | {p[1]}
                            continue
                        prev = cats.get(c)
                        if prev is None or end > prev[0]:
                            cats[c] = (end, p)
                if not cats:
                    continue
            self.m[i] = cats
            for c in ("nat", "mod"):
                if c in cats:
                    mod_end.setdefault(cats[c][0], (i, c, cats[c][1]))
            if "title" in cats:
                title_ends.add(cats["title"][0])
            if "head" in cats and lang in _CASED_LANGS:
                title_ends.add(cats["head"][0])
            if "nohedge" in cats:
                nohedge_end = max(nohedge_end, cats["nohedge"][0])
            if "hedge" in cats and not (i < nohedge_end and "nohedge" not in cats):
                # a hedge that starts inside a guard word is not one: 数据称 ("the data say")
                self.hedged_sents.add(sent[i])
            a = cats.get("alias")
            if a and i >= alias_end:
                self.alias_at[i] = (a[0], a[1][1], a[1][2])
                alias_end = a[0]
        self.fw = fw_cover
        self.alias_cover = [False] * n
        self.alias_from = [-1] * n  # start of the alias covering token k
        for i, (e, _, _) in self.alias_at.items():
            for k in range(i, e):
                self.alias_cover[k] = True
                self.alias_from[k] = i
        self.name_quotes = self._name_quotes()
        self.outlet = _outlet_source(doc.outlet, lang) if doc.outlet else ""
        self.title_ends = title_ends
        self._persons()

    def _name_quotes(self) -> set[int]:
        """Quote marks around a short capitalised name («Коммерсантъ», „Spiegel“): not boundaries."""
        out: set[int] = set()
        toks = self.toks
        n = self.n
        starts = self.starts
        # an opening quote mark is always a token of its own
        for q in _OPEN_QUOTE_RE.finditer(self.doc.text):
            i = bisect.bisect_left(starts, q.start())
            if i + 1 >= n:
                continue
            first = toks[i + 1]
            if not (_is_cap(first) or first[:1].isdigit() or _is_arabic(first)):
                continue
            for j in range(i + 2, min(n, i + 7)):
                tj = toks[j]
                if tj in _QUOTES:
                    if self.sent[j] == self.sent[i]:
                        out.add(i)
                        out.add(j)
                    break
                if len(tj) == 1 and not tj.isalnum() and tj not in "-'.&":
                    break
        return out

    # -- small predicates --

    def role(self, i: int, r: str) -> bool:
        return r in self.fw[i]

    def is_punct(self, i: int) -> bool:
        return self.punct[i]

    def cat(self, i: int, c: str):
        mi = self.m[i]
        return mi.get(c) if mi else None

    # -- persons, titles and surnames --

    def _title_before(self, p: int, lo: int) -> tuple[int, list[str]]:
        """Title phrase ending right before token ``p``: (start, keys for the title map)."""
        ends_title = {}
        j = p - 1
        start = p
        while j >= lo and p - j <= 7:
            t = self.toks[j]
            if self.is_punct(j) and t not in "'\u2019":
                break
            if self.role(j, "det") or self.role(j, "boundary"):
                break
            ok = False
            for k in range(j, max(lo, j - 3) - 1, -1):
                tm = self.cat(k, "title") or self.cat(k, "head")
                if tm and tm[0] == j + 1:
                    ends_title[j + 1] = True
                    ok = True
                    break
            if not ok and not (_is_cap(t) or self.cat(j, "nat") or self.cat(j, "mod") or self.cat(j, "title")
                               or t in ("'", "\u2019", "s") or self.lang in ("ar", "zh")):
                break
            start = j
            j -= 1
        if not ends_title:
            return p, []
        first = start
        keys = []
        for e in sorted(ends_title):
            for s in range(first, e):
                keys.append(self._key_str(s, e))
        if first < p and not self.cat(first, "title") and not self.cat(first, "head") \
                and (_is_cap(self.toks[first]) or self.cat(first, "nat")):
            keys.append(self._key_str(first, first + 1) + " *")  # "the Syrian leader"
        return first, keys

    def _key_str(self, a: int, b: int) -> str:
        """Title-map key of tokens [a, b): lemmas in Russian and Ukrainian, else lower case."""
        if self.lang in ("ru", "uk"):
            return " ".join(_lemma_exact(self.toks[k], self.lang) for k in range(a, b) if not self.is_punct(k))
        return " ".join(self.keys[k][0] for k in range(a, b)
                        if not self.is_punct(k) or self.toks[k] in "'\u2019")

    def _name_run(self, i: int, hi: int) -> int:
        """End of a run of capitalised name words starting at ``i`` (``i`` if none)."""
        j = i
        cap, fw, m, cal = self.cap, self.fw, self.m, self.cal
        while j < hi:
            if cap[j] and "det" not in fw[j] and "boundary" not in fw[j] \
                    and not (m[j] and "title" in m[j]) and not cal[j]:
                j += 1
                continue
            # a lower-case particle inside a name: "bin", "von", "de"
            if j > i and self.toks[j] in _NAME_PARTICLES:
                k = j
                while k < hi and k - j < 3 and self.toks[k] in _NAME_PARTICLES:
                    k += 1
                if k < hi and cap[k] and "boundary" not in fw[k]:
                    j = k
                    continue
            break
        return j

    def _persons(self) -> None:
        """Person mentions, the title map ("syrian president" -> person) and the surname map."""
        self.person_at: list[tuple[int, str]] = []      # (token, canonical), sorted
        self.group_hist: dict[str, str] = {}            # group head -> last full group name
        self.title_map: dict[str, list[tuple[int, str]]] = {}
        self.surnames: dict[str, str] = {}
        n = self.n
        # only a named-person alias or a word after a title can start a mention
        cands = {i for i, a in self.alias_at.items() if a[2] == "named person"}
        if self.lang in _CASED_LANGS:
            cands.update(i for i in self.title_ends if i < n)
        pos = 0
        for i in sorted(cands):
            if i < pos:
                continue
            a = self.alias_at.get(i)
            canon = None
            keys = None
            if a and a[2] == "named person":
                canon, end = a[1], a[0]
            elif i in self.title_ends and self.lang in _CASED_LANGS and self.cap[i] \
                    and not self.alias_cover[i]:
                tb, keys = self._title_before(i, self.sent_start.get(self.sent[i], 0))
                if keys:
                    e = self._name_run(i, n)
                    if e > i and not any(self.alias_cover[k] for k in range(i, e)):
                        canon = " ".join(_slavic_nominative(self.toks[i:e], self.lang))
                        end = e
                        if e - i == 1 and self.toks[i].casefold() in self.surnames:
                            canon = self.surnames[self.toks[i].casefold()]
            if canon:
                self.person_at.append((i, canon))
                if keys is None:
                    keys = self._title_before(i, self.sent_start.get(self.sent[i], 0))[1] \
                        if i in self.title_ends else ()
                for k in keys:
                    self.title_map.setdefault(k, []).append((i, canon))
                words = canon.split()
                if len(words) >= 2:
                    self.surnames.setdefault(words[-1].casefold(), canon)
                    last = self.toks[end - 1].casefold()
                    self.surnames.setdefault(last, canon)
                pos = end

    def note_person(self, i: int, canon: str) -> None:
        """Remember a person found as a source (for "he said" later)."""
        bisect.insort(self.person_at, (i, canon))

    def last_person(self, before: int, key: str | None = None) -> str | None:
        if key is not None:
            lst = self.title_map.get(key)
            if not lst:
                return None
            cands = [c for t, c in lst if t < before]
            return cands[-1] if cands else None
        sid = self.sent[before] if before < self.n else self.sent[-1]
        for t, c in reversed(self.person_at):
            if t < before:
                return c if sid - self.sent[t] <= 3 else None
        return None

    def last_of_types(self, before: int, types: frozenset, contains: str = "") -> str | None:
        for i in sorted((k for k in self.alias_at if k < before), reverse=True):
            e, canon, st = self.alias_at[i]
            if st in types and canon != self.outlet and canon[:1].isupper() \
                    and (not contains or contains in canon.casefold()):
                return canon
        return None


# --- noun phrases ----------------------------------------------------------------------------


def _clean_name(ctx: _Ctx, a: int, b: int) -> str:
    """The source's own words without leading articles and trailing punctuation."""
    fw, punct = ctx.fw, ctx.punct
    while a < b and ("det" in fw[a] or punct[a]):
        a += 1
    while b > a and (punct[b - 1] and ctx.toks[b - 1] not in ")"):
        b -= 1
    if a >= b:
        return ""
    text = ctx.doc.text[ctx.starts[a]:ctx.ends[b - 1]]
    first = ctx.toks[a]
    ma = ctx.m[a]
    if ma and first[:1].isupper() and not first.isupper() \
            and ("anon" in ma or "head" in ma or "mod" in ma or "phrase" in ma):
        text = text[:1].lower() + text[1:]
    return text


def _guess_type(ctx: _Ctx, a: int, b: int, hint: str) -> str:
    """The type of a source the lexicon does not know, from the words of its name and the cue."""
    m = ctx.m
    for k in range(a, b):
        h = m[k] and m[k].get("hint")
        if h:
            return h[1][1]
    for k in range(max(0, a - 3), a):  # "the Telegram channel Rybar", "издание Meduza"
        mk = m[k]
        if not mk:
            continue
        br = mk.get("backref")
        if br and br[0] == a and br[1][1] == "media":
            return "outlet"
        h = mk.get("hint")
        if h and h[0] == a:
            return h[1][1]
    words = ctx.toks[a:b]
    if hint == "outlet":
        return "outlet"
    if not _NAME_PARTICLES.isdisjoint(words) or len(words) > 3 or any(w.isupper() for w in words):
        return "outlet"
    return "named person"


def _compose_group(ctx: _Ctx, a: int, b: int, h0: int, h1: int, head_canon: str) -> str:
    """"Russian military sources": nationality, then other modifiers, then the head.

    Modifiers are read on both sides of the head ("fuentes militares rusas", "两名叙利亚官员")."""
    nats, mods = [], []
    j = h0
    while j > a:
        me = ctx.mod_end.get(j)
        if me is not None and me[0] >= a:
            (nats if me[1] == "nat" else mods).insert(0, me[2][1])
            j = me[0]
            continue
        t = ctx.toks[j - 1]
        if (t == "." and j - 1 > a and ctx.ends[j - 2] == ctx.starts[j - 1]) \
                or t in ("s", "'", "\u2019") or ctx.role(j - 1, "det"):
            j -= 1  # "U.S." -> "U.S"; articles
            continue
        break
    j = h1
    while j < b and j - h1 < 4:
        hit = ctx.cat(j, "nat") or ctx.cat(j, "mod")
        if hit is None or hit[0] > b:
            break
        (nats if ctx.cat(j, "nat") else mods).append(hit[1][1])
        j = hit[0]
    words = []
    for w in nats[:1] + mods:
        if w and w not in words and w not in head_canon.split():
            words.append(w)
    return " ".join(words + [head_canon])


def _conjuncts(ctx: _Ctx, a: int, b: int) -> list[tuple[int, int]]:
    """Split [a, b) at coordinators ("and", "as well as", "和", Arabic "وال...") and commas."""
    out = []
    toks, fw, m = ctx.toks, ctx.fw, ctx.m
    arabic = ctx.lang == "ar"
    s = a
    i = a
    while i < b:
        t = toks[i]
        if ("coord" in fw[i] or t in _COMMAS) \
                and not (t in _COMMAS and i + 1 < b and m[i + 1] and "familiar" in m[i + 1]):
            j = i + 1
            while j < b and "coord" in fw[j] and t not in _COMMAS and toks[j] not in _COMMAS:
                j += 1
            if i > s:
                out.append((s, i))
            s = i = j
            continue
        if arabic and i > s and t.startswith("وال"):
            out.append((s, i))
            s = i
        i += 1
    if s < b:
        out.append((s, b))
    return out


# function-word roles of capitalised words that do not begin an unknown name
_NOT_IN_NAMES = frozenset(("det", "boundary", "aux", "pronoun"))


class _Resolver:
    """Turns a token span into the sources it names."""

    def __init__(self, ctx: _Ctx):
        self.ctx = ctx

    def best(self, a: int, b: int, side: str, hint: str = "") -> _Src | None:
        """The most specific source named in conjunct [a, b)."""
        ctx = self.ctx
        if a >= b:
            return None
        anon = head = phrase = backref = None
        named: list[tuple[int, int, str, str]] = []
        familiar = False
        titled = False  # a title or group noun in the conjunct
        f = ctx.alias_from[a]
        if 0 <= f < a and ctx.alias_at[f][0] <= b:
            # an alias that begins inside the cue: "по данным сервисов отслеживания полетов"
            al = ctx.alias_at[f]
            named.append((a, al[0], al[1], al[2]))
        m = ctx.m
        alias_at = ctx.alias_at
        for i in itertools.compress(range(a, b), m[a:b]):  # the tokens with lexicon matches
            mi = m[i]
            al = alias_at.get(i)
            if al and al[0] <= b:
                named.append((i, al[0], al[1], al[2]))
            if "anon" in mi and anon is None and mi["anon"][0] <= b:
                anon = (i, mi["anon"][0], mi["anon"][1])
            if "head" in mi:
                titled = True
                if mi["head"][0] <= b and not ctx.alias_cover[i] and _np_final(ctx, mi["head"][0], b):
                    head = (i, mi["head"][0], mi["head"][1])
            elif "title" in mi:
                titled = True
            if "phrase" in mi and mi["phrase"][0] <= b and phrase is None:
                phrase = (i, mi["phrase"][0], mi["phrase"][1])
            if "familiar" in mi:
                familiar = True
            if "backref" in mi and backref is None and mi["backref"][0] <= b:
                backref = (i, mi["backref"][0], mi["backref"][1])
        if named:
            specific = [x for x in named if x[2][:1].isupper() or not x[2][:1].isalpha()]
            generic = [x for x in named if x not in specific]
        else:
            specific = generic = named
        # 1. anonymous sources
        if anon is not None:
            inst = [x for x in specific if x[3] == "official body"]
            src_b = b
            if not inst:
                # "a Kremlin-linked source", "eine kremlnahe Quelle": an institution as a modifier
                body = _alias_types()
                inst = [(k, k + 1, hit[1][1], "official body") for k in range(a, b)
                        for hit in [ctx.cat(k, "mod")] if hit and body.get(hit[1][1]) == "official body"]
            if inst:
                name = f"anonymous {inst[-1][2]} source"
                return _Src(a, src_b, name, "anonymous source", 1)
            if familiar:
                name = "sources familiar with the matter"
                if ctx.lang == "en":
                    fam = next(k for k in range(a, b) if ctx.cat(k, "familiar"))
                    name = "sources " + _clean_name(ctx, fam, b)
                return _Src(a, b, name, "anonymous source", 1)
            persons = [x for x in specific if x[3] == "named person"]
            others = [x for x in specific if x[3] != "named person"]
            if not persons and not others:
                canon = anon[2][1]
                comp = _compose_group(ctx, a, b, anon[0], anon[1], canon)
                if comp == "sources":
                    comp = "anonymous source"
                return _Src(a, b, comp, "anonymous source", 1)
        # 2. persons
        persons = [x for x in specific if x[3] == "named person"] if specific else specific
        if persons:
            x = persons[-1] if side == "left" else persons[0]
            return _Src(x[0], x[1], x[2], x[3], 2)
        tr = self._titled_name(a, b) if titled else None
        if tr:
            return tr
        # 3. named outlets, agencies, bodies, trackers
        if specific:
            x = specific[-1] if side == "left" else specific[0]
            return _Src(x[0], x[1], x[2], x[3], 3)
        # 4. back-references (not a descriptor before a name: "the Telegram channel Rybar")
        if backref is not None and not (backref[1] < b and _is_cap(ctx.toks[backref[1]])):
            s = self._backref(backref, a)
            if s:
                return s
        # 5. a title standing for the person named earlier ("the Syrian president")
        t = self._title_ref(a, b) if titled else None
        if t:
            return t
        # 6. a personal pronoun
        if b - a == 1 and ctx.role(a, "pronoun"):
            p = ctx.last_person(a)
            if p:
                return _Src(a, b, p, "named person", 6)
        # 7. unnamed groups and unnamed data
        if phrase is not None and not generic:
            return _Src(phrase[0], phrase[1], phrase[2][1], phrase[2][2], 7)
        if generic:
            x = generic[-1] if side == "left" else generic[0]
            return _Src(x[0], x[1], x[2], x[3], 7)
        if phrase is not None:
            return _Src(phrase[0], phrase[1], phrase[2][1], phrase[2][2], 7)
        if head is not None:
            comp = _compose_group(ctx, a, b, head[0], head[1], head[2][1])
            if comp == head[2][1] and comp in ctx.group_hist and head[0] > a and ctx.role(head[0] - 1, "definite"):
                comp = ctx.group_hist[comp]  # "the official" = the Syrian official named before
            return _Src(a, b, comp, head[2][2], 7)
        # 8. a name the lexicon does not know
        return self._unknown_name(a, b, side, hint)

    def _titled_name(self, a: int, b: int) -> _Src | None:
        """A name after a title or group noun: "Foreign Minister Ivan Petrov", "analyst Rob Lee"."""
        ctx = self.ctx
        if ctx.lang not in _CASED_LANGS:
            return None
        m = ctx.m
        for i in range(b - 1, a - 1, -1):
            mi = m[i]
            if not mi:
                continue
            tm = mi.get("title") or mi.get("head")
            if tm and tm[0] < b and ctx.cap[tm[0]] and not ctx.alias_cover[tm[0]]:
                e = ctx._name_run(tm[0], b)
                if e > tm[0] and not any(ctx.cat(k, "title") or ctx.cat(k, "nat") for k in range(tm[0], e)):
                    words = ctx.toks[tm[0]:e]
                    if " ".join(words).casefold() in ctx.lex.countries:
                        continue
                    if e - tm[0] == 1:
                        canon = ctx.surnames.get(words[0].casefold(), words[0])
                    else:
                        canon = " ".join(_slavic_nominative(words, ctx.lang))
                    return _Src(tm[0], e, canon, "named person", 2)
        return None

    def _backref(self, br, a: int) -> _Src | None:
        ctx = self.ctx
        i, e, (_, refers_to, needs_article) = br
        if needs_article:
            j = i - 1
            while j >= a and (ctx.cat(j, "mod") or ctx.cat(j, "nat")):
                j -= 1
            if j < a or not ctx.role(j, "definite"):
                return None
            i = j
        if refers_to == "media":
            canon = ctx.last_of_types(i, _MEDIA)
            return _Src(i, e, canon, _type_of(canon, "news agency"), 4) if canon else None
        if refers_to == "official body":
            canon = ctx.last_of_types(i, frozenset({"official body"}))
            return _Src(i, e, canon, "official body", 4) if canon else None
        return None

    def _title_ref(self, a: int, b: int) -> _Src | None:
        ctx = self.ctx
        # the conjunct must end with a title (or a singular group noun used as one)
        m = ctx.m
        for i in range(a, b):
            mi = m[i]
            if not mi:
                continue
            tm = mi.get("title")
            hm = mi.get("head")
            if not tm and hm and hm[0] == b and hm[0] - i == 1:
                low = ctx.toks[i].casefold()
                singular = (ctx.lang == "en" and i > a and ctx.role(i - 1, "definite")) or \
                           (ctx.lang in ("ru", "uk") and _lemma(ctx.toks[i], ctx.lang) == low and i == a)
                if singular:
                    tm = hm
            if tm and tm[0] == b:
                s = a
                while s < i and (ctx.role(s, "det") or ctx.is_punct(s)):
                    s += 1
                keys = [ctx._key_str(s, b)]
                if s < i:
                    keys.append(ctx._key_str(s, s + 1) + " *")
                keys += [ctx._key_str(k, b) for k in range(s + 1, i + 1)]
                for key in keys:
                    p = ctx.last_person(a, key)
                    if p:
                        return _Src(a if ctx.role(a, "det") else s, b, p, "named person", 5)
        return None

    def _unknown_name(self, a: int, b: int, side: str, hint: str) -> _Src | None:
        ctx = self.ctx
        if ctx.lang not in _CASED_LANGS and ctx.lang != "de":
            return None
        # the run of capitalised words nearest the cue
        runs = []
        cap, fw = ctx.cap, ctx.fw
        i = a
        while i < b:
            if cap[i] and (not fw[i] or fw[i].isdisjoint(_NOT_IN_NAMES)):
                e = ctx._name_run(i, b)
                if e > i:
                    runs.append((i, e))
                    i = e
                    continue
            i += 1
        if not runs:
            return None
        s, e = runs[-1] if side == "left" else runs[0]
        # the run must stand at the edge next to the cue
        if side == "left":
            k = e
            while k < b and (ctx.role(k, "aux") or ctx.is_punct(k)):
                k += 1
            if k != b:
                return None
        else:
            k = a
            while k < s and (ctx.role(k, "det") or ctx.cat(k, "title") or ctx.role(k, "recipient")
                             or ctx.cat(k, "backref") or ctx.cat(k, "hint")):
                k += 1  # "the Telegram channel Rybar", "издание Meduza"
            if k != s:
                return None
        words = ctx.toks[s:e]
        low = " ".join(words).casefold()
        if low in ctx.lex.countries or all(ctx.cal[s:e]):
            return None
        sid_start = ctx.sent_start.get(ctx.sent[s], -1)
        if ctx.lang == "de" and not (s > a and ctx.cat(s - 1, "title")):
            return None
        if e - s == 1:
            if words[0].casefold() in ctx.surnames:
                return _Src(s, e, ctx.surnames[words[0].casefold()], "named person", 8)
            if s == sid_start and not _known_capitalised(ctx, words[0]):
                return None
            if words[0].isupper() and len(words[0]) <= 1:
                return None
        st = _guess_type(ctx, s, e, hint)
        name = _clean_name(ctx, s, e)
        if st == "named person" and e - s == 2:
            name = " ".join(_slavic_nominative(words, ctx.lang))
        return _Src(s, e, name, st, 8)


_EN_AFTER_HEAD = frozenset(("at", "in", "from", "with", "of", "for", "close", "familiar", "who", "based",
                            "on", "near", "within", "inside", "speaking", "cited", "quoted", "told"))


def _np_final(ctx: _Ctx, h1: int, b: int) -> bool:
    """English: a group noun heads its phrase ("officials said", "officials at the ministry"),
    unlike an adjective before a noun ("an official statement")."""
    if ctx.lang != "en" or h1 >= b:
        return True
    t = ctx.toks[h1]
    return ctx.is_punct(h1) or t.casefold() in _EN_AFTER_HEAD or _is_cap(t) or ctx.role(h1, "aux")


def _slavic_nominative(words: list[str], lang: str) -> list[str]:
    """"Владислава Шурыгина" -> "Владислав Шурыгин", "Марии Захаровой" -> "Мария Захарова".

    The first name's case is read from the lemmatiser; the surname follows it with the usual
    surname endings. A first name the lemmatiser does not change leaves the name as written."""
    if lang not in ("ru", "uk") or len(words) != 2 or not all(_is_cyrillic(w) for w in words):
        return words
    first, last = words
    lem = _name_lemma(first, lang)
    if lem == first or not lem[:1].isupper():
        return words
    female = lem[-1] in "ая"
    low = last
    if female:
        for end, rep in (("ой", "а"), ("ую", "а"), ("ої", "а"), ("ою", "а"), ("ій", "а")):
            if low.endswith(end) and len(low) > 4:
                return [lem, low[: -len(end)] + rep]
        return [lem, last]
    for end, rep in (("ского", "ский"), ("цкого", "цкий"), ("ським", "ський"), ("ого", "ий"),
                     ("ым", ""), ("им", ""), ("ом", ""), ("ові", ""), ("а", ""), ("у", ""), ("е", "")):
        if low.endswith(end) and len(low) - len(end) >= 3:
            stem = low[: -len(end)]
            if rep or stem[-2:] in ("ов", "ев", "ёв", "ин", "ын", "ін", "їн", "ук", "юк", "ко", "ич"):
                return [lem, stem + rep]
    return [lem, last]


def _known_capitalised(ctx: _Ctx, word: str) -> bool:
    """The word appears capitalised in mid-sentence somewhere in the article."""
    cache = getattr(ctx, "_midcaps", None)
    if cache is None:
        cache = set()
        for i, t in enumerate(ctx.toks):
            if _is_cap(t) and i > ctx.sent_start.get(ctx.sent[i], 0) and not ctx.is_punct(i - 1):
                cache.add(t)
        ctx._midcaps = cache
    return word in cache


@functools.lru_cache(maxsize=None)
def _alias_types() -> dict[str, str]:
    out = {}
    for r in lexicons.load("source_aliases"):
        out.setdefault(r["canonical"], r["source_type"])
    return out


def _type_of(canon: str, default: str) -> str:
    return _alias_types().get(canon, default)


def canonical_source(name: str, lang: str = "en") -> str:
    """The canonical name of a source written ``name`` (itself, cleaned, if the lexicon lacks it).

    >>> canonical_source("Russia's Defence Ministry"), canonical_source("Блумберг", "ru")
    ('Russian Defense Ministry', 'Bloomberg')
    """
    lang = _norm_lang(lang)
    toks = _split(name)
    if not toks:
        return ""
    keys = [_token_keys(t, lang) for t in toks]
    lex = _lexicon(lang)
    for a in range(len(toks)):
        p = _full_match(lex.trie, keys[a:])
        if p:
            return p[1]
    return name.strip()


# the canonical source of an article's outlet: few outlets, many articles
_outlet_source = functools.lru_cache(maxsize=4096)(canonical_source)


def _norm_lang(lang: str | None) -> str:
    l2 = (lang or "en").split("-")[0].split("_")[0].casefold()
    return l2 if l2 in LANGS else "en"


# --- cues ------------------------------------------------------------------------------------


def _match_cue(pat: tuple, keys: list, toks: list, i: int, hi: int):
    """(end, surface score) if ``pat`` matches at token ``i``; gaps skip up to 3 word tokens."""
    if _GAP not in pat:  # most patterns: a plain sequence of keys
        end = i + len(pat)
        if end > hi:
            return None
        score = 0
        j = i
        for el in pat:
            ks = keys[j]
            if el not in ks:
                return None
            if ks[0] == el:
                score += 1
            j += 1
        return end, score

    def rec(pi: int, j: int, score: int):
        if pi == len(pat):
            return j, score
        el = pat[pi]
        if el == _GAP:
            for g in range(0, 4):
                if j + g > hi:
                    break
                if g and not toks[j + g - 1][:1].isalnum():
                    break
                r = rec(pi + 1, j + g, score)
                if r:
                    return r
            return None
        if j >= hi:
            return None
        ks = keys[j]
        if el in ks:
            return rec(pi + 1, j + 1, score + (ks[0] == el))
        return None
    return rec(0, i, 0)


@dataclass(slots=True)
class _Cue:
    i0: int
    i1: int
    position: str
    kind: str
    hint: str


def _find_cues(ctx: _Ctx, a: int, b: int) -> list[_Cue]:
    cues = ctx.lex.cues
    out = []
    keys, toks = ctx.keys, ctx.toks
    cands = ctx.cue_cands  # the tokens with a key that starts a cue pattern, in order
    ci = bisect.bisect_left(cands, a)
    nc = len(cands)
    i = a
    while ci < nc:
        i = cands[ci]
        if i >= b:
            break
        best = None
        ks = keys[i]
        nxt = keys[i + 1] if i + 1 < b else ()
        for k in ks:
            for pat, pos, kind, hint in cues.get(k, ()):
                if len(pat) == 1:
                    r = (i + 1, int(ks[0] == k))  # it is listed under one of the token's keys
                elif pat[1] != _GAP and pat[1] not in nxt:
                    continue  # the second word does not match
                else:
                    r = _match_cue(pat, keys, toks, i, b)
                if r and (best is None or (r[0], r[1]) > (best[0], best[1])):
                    best = (r[0], r[1], pos, kind, hint)
        if best and _cue_ok(ctx, i, best[3], a):
            out.append(_Cue(i, best[0], best[2], best[3], best[4]))
            ci = bisect.bisect_left(cands, best[0], ci + 1)
            continue
        ci += 1
    return out


def _cue_ok(ctx: _Ctx, i: int, kind: str, s0: int) -> bool:
    """Reject verb cues that are nouns ("a report") or passives ("was said to")."""
    if ctx.alias_cover[i]:
        return False  # inside a name: "Bloomberg News", "Russia Today"
    mi = ctx.m[i]
    if mi:
        for c in ("head", "phrase", "anon"):
            hm = mi.get(c)
            if hm and hm[0] > i + 1:
                return False  # the first word of a group name: "state media"
    if ctx.cap[i] and i > s0 and (ctx.lang in _CASED_LANGS or ctx.lang == "de") \
            and ctx.toks[i - 1] not in _QUOTES and not ctx.punct[i - 1]:
        return False  # a capitalised word in mid-sentence is a name or (German) a noun
    if kind not in ("verb", "tell", "cite_verb", "denied"):
        return True
    if i > s0 and ctx.lang in _ARTICLE_LANGS and ctx.role(i - 1, "det") and not ctx.role(i - 1, "boundary"):
        return False  # "a report", "its report", "l'annonce": a noun
    if i + 1 < ctx.n and ctx.role(i + 1, "postnoun") and ctx.sent[i + 1] == ctx.sent[i]:
        return False  # "reports from local sources", "a claim by officials"
    j = i - 1
    fw = ctx.fw
    while j >= s0 and ("aux" in fw[j] or _adverb(ctx, j)):
        j -= 1
    if j >= s0 and "passive" in fw[j]:
        return False
    return True


def _adverb(ctx: _Ctx, j: int) -> bool:
    t = ctx.toks[j]
    return ctx.lang == "en" and t.endswith("ly") and t.islower() and len(t) > 4


# --- the attribution grammar -------------------------------------------------------------------


class _Grammar:
    def __init__(self, ctx: _Ctx):
        self.ctx = ctx
        self.res = _Resolver(ctx)
        self.cue_cover: list[int] = [-1] * ctx.n
        self.cues: list[_Cue] = []
        self.pending_addressee: _Src | None = None
        # is_boundary of each token where it does not depend on the cues: True, False or None
        n = ctx.n
        toks, starts, ends, fw = ctx.toks, ctx.starts, ctx.ends, ctx.fw
        fixed: list = [None] * n
        for i in itertools.compress(itertools.count(), ctx.pbnd):
            if not (toks[i] == "-" and 0 < i < n - 1 and ends[i - 1] == starts[i]):  # not "pro-Kremlin"
                fixed[i] = i not in ctx.name_quotes
        for i in itertools.compress(itertools.count(), fw):  # the tokens with roles
            r = fw[i]
            if fixed[i] is None and "boundary" in r and "coord" not in r:
                fixed[i] = True
        self.fixed_boundary = fixed

    def is_boundary(self, i: int) -> bool:
        """Punctuation that bounds a phrase (not a hyphen inside a word, not a quote around a
        name), a boundary word, or a cue."""
        f = self.fixed_boundary[i]
        return self.cue_cover[i] >= 0 if f is None else f

    def segments_left(self, k: int, s0: int, limit: int = 5) -> list[tuple[int, int, int]]:
        """Segments going left from token ``k`` (inclusive): (start, end, boundary token index)."""
        out = []
        pos = k
        fixed, cover = self.fixed_boundary, self.cue_cover
        while pos >= s0 - 1 and len(out) < limit:
            a = pos
            while a >= s0:
                f = fixed[a]
                if (cover[a] >= 0) if f is None else f:
                    break
                a -= 1
            out.append((a + 1, pos + 1, a))
            if a < s0:
                break
            # a multi-token boundary ("as well as" is a coordinator, not a boundary)
            pos = a - 1
        return out

    def sources_in(self, a: int, b: int, side: str, hint: str = "") -> list[_Src]:
        ctx = self.ctx
        conj = _conjuncts(ctx, a, b)
        if not conj:
            return []
        picks: list[_Src | None] = [self.res.best(c0, c1, side, hint) for c0, c1 in conj]
        # complete headless and ambiguous conjuncts from their neighbours:
        # "Russia's Defense and Foreign Ministries" -> Russia's Defense Ministry, Russia's Foreign Ministry
        for idx, (c0, c1) in enumerate(conj):
            p = picks[idx]
            if p is not None and p.prio <= 4:
                continue
            got = self._complete(conj, idx)
            if got:
                picks[idx] = got
        if side == "left":
            out = []
            for idx in range(len(conj) - 1, -1, -1):
                p = picks[idx]
                if p is None:
                    if idx == len(conj) - 1:
                        continue  # e.g. trailing "the" - try the one before
                    break
                if idx < len(conj) - 1 and p.prio >= 8:
                    break
                out.insert(0, p)
            return out
        out = []
        for idx, p in enumerate(picks):
            if p is None:
                if out:
                    break
                continue
            if out and p.prio >= 8:
                break
            out.append(p)
        return out

    def _complete(self, conj: list, idx: int) -> _Src | None:
        if len(conj) < 2:
            return None  # no neighbour to complete from
        ctx = self.ctx
        c0, c1 = conj[idx]
        while c0 < c1 and ctx.role(c0, "det"):
            c0 += 1
        if c0 >= c1:
            return None
        own = [ctx.keys[k] for k in range(c0, c1)]
        trie = ctx.lex.trie
        tries = []
        if idx + 1 < len(conj):
            n0, n1 = conj[idx + 1]
            head = ctx.keys[n1 - 1]
            tries.append(own + [head])
            tries.append(own + [ctx.keys[k] for k in range(max(n1 - 3, n0), n1) if True][-2:])
            for s in range(1, 4):  # a country after the name: "Минобороны и МИД России"
                if n1 - s > n0:
                    tries.append(own + [ctx.keys[k] for k in range(n1 - s, n1)])
        if idx > 0:
            p0, p1 = conj[idx - 1]
            while p0 < p1 and ctx.role(p0, "det"):
                p0 += 1
            for s in range(1, 6):  # a country before the name: "Russia's ... Foreign Ministry"
                if p0 + s < p1:
                    tries.append([ctx.keys[k] for k in range(p0, p0 + s)] + own)
        for seq in tries:
            p = _full_match(trie, seq)
            if p:
                return _Src(c0, c1, p[1], p[2], 3)
        return None

    # -- windows --

    def right_window(self, j: int, e: int, max_tokens: int | None = None) -> tuple[int, int]:
        ctx = self.ctx
        if max_tokens is None:
            max_tokens = 40 if ctx.lang == "zh" else 16
        while j < e and ctx.toks[j] in _QUOTES and j in ctx.name_quotes:
            j += 1
        k = j
        toks, fixed, cover = ctx.toks, self.fixed_boundary, self.cue_cover
        while k < e and k - j < max_tokens:
            t = toks[k]
            if t in _COMMAS:
                # a comma inside a list of sources continues the window, and so does one between an
                # anonymous source and its description ("источник, знакомый с ситуацией")
                if k + 1 < e and k > j and (k + 1 in ctx.alias_at or ctx.role(k + 1, "coord")
                                            or (ctx.cat(k + 1, "familiar") and any(
                                                (ctx.cat(x, "anon") or (0, 0))[0] == k
                                                for x in range(max(j, k - 3), k)))):
                    k += 1
                    continue
                break
            f = fixed[k]  # is_boundary(k)
            if (cover[k] >= 0) if f is None else f:
                break
            k += 1
        return j, k

    def right_sources(self, j: int, e: int, hint: str = "", first_only: bool = False,
                      near: int | None = None) -> list[_Src]:
        ctx = self.ctx
        a, b = self.right_window(j, e)
        if a >= b:
            return []
        if ctx.lang == "ar":
            # "قال مصدر مقرب من الكرملين للوكالة": li- + outlet is the addressee, not the source
            for k in range(a + 1, b):
                rec = self.addressee_after(k, b)
                if rec is not None:
                    self.pending_addressee = rec
                    b = k
                    break
        srcs = self.sources_in(a, b, "right", hint)
        if near is not None and srcs:
            # an inverted subject stands right after the verb ("said Peskov", "пишет УНН")
            k = a
            while k < srcs[0].i0 and (ctx.role(k, "det") or ctx.role(k, "aux") or ctx.is_punct(k)
                                      or ctx.role(k, "recipient") or ctx.cat(k, "title")
                                      or ctx.cat(k, "nat") or ctx.cat(k, "mod")):
                k += 1
            if srcs[0].i0 - k > near:
                return []
            if ctx.lang == "en":
                # "..., said Peskov." inverts; "said Moscow was ready" does not
                k = srcs[-1].i1
                while k < b and (ctx.is_punct(k) is False) and (ctx.role(k, "recipient")
                                                              or ctx.cat(k, "title")):
                    k += 1
                if k < e and not (ctx.is_punct(k) or (self.is_boundary(k) and self.cue_cover[k] < 0)):
                    return []
        return srcs[:1] if first_only else srcs

    def left_subject(self, cue: _Cue, s0: int, e: int, atts: list[_Att]):
        """The subject of a verb cue: a list of _Src, ("antecedent", _Att) or ("right", [_Src])."""
        ctx = self.ctx
        k = cue.i0 - 1
        for _ in range(3):
            while k >= s0 and (ctx.role(k, "aux") or _adverb(ctx, k)) and not self.is_boundary(k):
                k -= 1
            segs = self.segments_left(k, s0)
            if not segs:
                return []
            a0, b0, bnd = segs[0]
            # "wie Bloomberg unter Berufung auf X berichtete", "彭博社援引X的数据称": the words
            # before the verb are the object of a citing cue; the subject stands before that cue
            prev = self.cue_at(bnd)
            if b0 > a0 and prev is not None and (prev.position == "source_after" or prev.kind == "cite_verb") \
                    and prev.kind not in ("no_comment", "skip"):
                k = prev.i0 - 1
                continue
            break
        # "..., but declined to comment", "... and declined to comment": the subject of the clause before
        only_coord = b0 > a0 and all(ctx.role(x, "coord") for x in range(a0, b0))
        if only_coord or (b0 == a0 and bnd >= s0 and ctx.role(bnd, "but")):
            prev_atts = [x for x in atts if x.role == "main" and x.c1 <= cue.i0]
            if prev_atts:
                return ("antecedent", prev_atts[-1])
        if b0 > a0:
            return self._from_segments(segs, 0, cue)
        # nothing between the boundary and the verb
        if bnd >= s0 and ctx.role(bnd, "relpron"):
            prev_atts = [x for x in atts if x.role != "recipient" and x.i1 <= bnd]
            if prev_atts:
                return ("antecedent", prev_atts[-1])
            k2 = bnd - 1
            if k2 >= s0 and ctx.toks[k2] in _COMMAS:  # "Bloomberg, which first reported ..."
                asegs = self.segments_left(k2 - 1, s0)
                if asegs and asegs[0][1] > asegs[0][0]:
                    srcs = self._from_segments(asegs, 0, cue)
                    if srcs:
                        return srcs
        right = self.right_sources(cue.i1, e, cue.hint, near=3) if cue.position == "either" else []
        if right and not (cue.kind == "tell" and right[0].stype in _MEDIA and len(right) == 1):
            return ("right", right)  # (whatever stands before a comma: not looked for)
        left: list[_Src] = []
        if bnd >= s0 and ctx.toks[bnd] in _COMMAS:
            left = self._parenthetical(bnd, s0, cue)
        if right and left:
            return left  # "Источник, близкий к Кремлю, подтвердил изданию": изданию is the recipient
        if right:
            return ("right", right)
        return left

    def _parenthetical(self, c1: int, s0: int, cue: _Cue) -> list[_Src]:
        """The subject before a comma-bounded phrase and the verb:
        "Putin, striking a pragmatic tone, said"; "A Syrian official, who spoke on condition of
        anonymity, said"; "Rob Lee, a military analyst at ..., wrote"; "Le porte-parole du Kremlin,
        Dmitri Peskov, a démenti"; "Russia's ministries, along with Syria's, have not replied"."""
        ctx = self.ctx
        segs = self.segments_left(c1 - 1, s0)
        if segs and segs[0][1] > segs[0][0] and ctx.role(segs[0][0], "coord"):
            return self._from_segments(segs, 0, cue)
        c2 = c1 - 1
        while c2 >= s0 and ctx.toks[c2] not in _COMMAS:
            c2 -= 1
        pa, pb = c2 + 1, c1
        if pa >= pb:
            return []
        t0 = ctx.toks[pa]
        skip = self.cue_cover[pa] >= 0 or ctx.role(pa, "relpron") or ctx.role(pa, "boundary") \
            or (ctx.lang == "en" and t0.endswith("ing") and t0.islower())
        inner = [] if skip else self.sources_in(pa, pb, "left", cue.hint)
        if inner and inner[0].prio <= 2:
            return inner  # an appositive name
        outer: list[_Src] = []
        if c2 >= s0:
            osegs = self.segments_left(c2 - 1, s0)
            if osegs and osegs[0][1] > osegs[0][0]:
                oa = osegs[0][0]
                if any((ctx.cat(h, "anon") or (0,))[0] == c2 for h in range(max(oa, c2 - 3), c2)):
                    # "Источник, близкий к Кремлю, ...": the phrase describes the anonymous source
                    src = self.res.best(oa, pb, "left", cue.hint)
                    return [src] if src else []
                outer = self._from_segments(osegs, 0, cue)
        if outer and (skip or not inner or ctx.role(pa, "det")):
            if inner and outer[-1].prio >= 8 and inner[0].stype == "unnamed group":
                outer[-1].stype = "named person"  # "Rob Lee, a military analyst at ..."
            return outer
        return inner

    def cue_at(self, i: int) -> "_Cue | None":
        if i < 0 or i >= len(self.cue_cover) or self.cue_cover[i] < 0:
            return None
        return self.cues[self.cue_cover[i]]

    def _from_segments(self, segs, idx: int, cue: _Cue) -> list[_Src]:
        ctx = self.ctx
        a, b, bnd = segs[idx]
        # "Источник, близкий к Кремлю, ...": an anonymous-source noun before the comma owns the phrase
        if idx + 1 < len(segs) and bnd >= 0 and ctx.toks[bnd] in _COMMAS:
            pa, pb, _ = segs[idx + 1]
            for h in range(max(pa, pb - 3), pb):
                an = ctx.cat(h, "anon")
                if an and an[0] == pb:
                    src = self.res.best(pa, b, "left", cue.hint)
                    return [src] if src else []
        # coordination across commas: ", as well as the Interior Ministry," extends left
        j = idx
        while j + 1 < len(segs) and ctx.role(a, "coord") and segs[j][2] >= 0 \
                and ctx.toks[segs[j][2]] in _COMMAS:
            j += 1
            a = segs[j][0]
        return self.sources_in(a, b, "left", cue.hint)

    def addressee_after(self, j: int, e: int) -> "_Src | None":
        """Arabic: an outlet written with the preposition li- after an inverted subject
        ("قال مصدر ... للوكالة") is the one the source spoke to."""
        ctx = self.ctx
        if ctx.lang != "ar" or j >= e or not ctx.toks[j].startswith("ل") or ctx.alias_from[j] not in (-1, j):
            return None
        s = self.res.best(j, min(e, j + 4), "right")
        if s and s.stype in _MEDIA and s.i0 == j:
            return s
        return None

    def recipient(self, cue: _Cue, e: int) -> tuple[_Src | None, int]:
        """The outlet a source told something to: (source, token after it)."""
        ctx = self.ctx
        j = cue.i1
        while j < e and (ctx.role(j, "det") or ctx.toks[j] in ("à", "au", "a", "al", "ao", "à")):
            j += 1
        if j < e and ctx.role(j, "recipient"):
            return None, j
        a, b = self.right_window(j, e, 6)
        if a >= b:
            return None, j
        s = self.res.best(a, b, "right")
        if s and s.stype in _MEDIA and s.i0 - a <= 2:
            return s, s.i1
        return None, j


# --- the stage -----------------------------------------------------------------------------------


def _row(ctx: _Ctx, att: _Att) -> dict:
    d = ctx.doc
    s0, s1 = ctx.starts[att.i0], ctx.ends[att.i1 - 1]
    c0, c1 = ctx.starts[att.c0], ctx.ends[att.c1 - 1]
    kind = att.kind
    stance = "no_comment" if kind == "no_comment" else "denied" if kind == "denied" else "cited"
    return {
        "article_id": d.article_id,
        "sentence_id": att.sid,
        "start": min(s0, c0),
        "end": max(s1, c1),
        "source": att.source,
        "source_type": att.stype if att.stype in SOURCE_TYPES else "unnamed group",
        "as_written": d.text[s0:s1],
        "cue": d.text[c0:c1],
        "via": att.via,
        "stance": stance,
        "hedged": att.sid in ctx.hedged_sents,
        "lang": ctx.lang,
        "cue_start": c0,
        "cue_end": c1,
        "source_start": s0,
        "source_end": s1,
    }


def _sentence_atts(g: _Grammar, sid: int, s0: int, e: int) -> list[_Att]:
    ctx = g.ctx
    cues = _find_cues(ctx, s0, e)
    g.cues = cues
    if not cues:
        return []
    for ci, c in enumerate(cues):
        g.cue_cover[c.i0:c.i1] = [ci] * (c.i1 - c.i0)
    atts: list[_Att] = []

    def add(src: _Src, c: _Cue, role: str = "main", via: str = "", parent: _Att | None = None) -> _Att:
        i1 = src.i1
        while i1 > src.i0 + 1 and ctx.is_punct(i1 - 1) and ctx.toks[i1 - 1] not in ")»”\"'":
            i1 -= 1
        att = _Att(sid, src.i0, i1, c.i0, c.i1, src.source, src.stype, c.kind, role, via, parent)
        atts.append(att)
        if src.stype == "named person":
            ctx.note_person(src.i0, src.source)
        elif src.stype in ("unnamed group", "anonymous source") and " " in src.source:
            ctx.group_hist.setdefault(src.source.rsplit(" ", 1)[-1], src.source)
        return att

    for c in cues:
        g.pending_addressee = None
        if c.kind == "skip":
            continue
        if c.position == "source_after" and c.kind not in ("cite_verb", "tell"):
            srcs = g.right_sources(c.i1, e, c.hint)
            made = [add(s, c, "cited" if c.kind == "cite" else "main") for s in srcs]
            if c.kind == "passive" and made:
                # "sources ... cited by TASS", "fuentes citadas por la agencia TASS": the source just
                # before the passive cue is cited via its agent
                k = c.i0
                while k > s0 and (ctx.toks[k - 1] in _COMMAS or ctx.role(k - 1, "aux")):
                    k -= 1
                for x in atts:
                    if x.i1 == k and x not in made and not x.via:
                        x.via = made[0].source
            continue
        if c.kind == "tell":
            rec, after = g.recipient(c, e)
            subj = g.left_subject(c, s0, e, atts)
            subj_atts: list[_Att] = []
            if isinstance(subj, tuple) and subj[0] == "antecedent":
                subj_atts = [subj[1]]
            elif isinstance(subj, tuple) and subj[0] == "right":
                srcs = subj[1]
                if rec is not None and srcs and srcs[0].i0 == rec.i0:
                    more = g.right_sources(after, e, c.hint, near=3)
                    srcs = more if more else srcs
                    if not more:
                        rec = None
                subj_atts = [add(s, c) for s in srcs]
            else:
                subj_atts = [add(s, c) for s in subj]
            if rec is not None and subj_atts:
                for x in subj_atts:
                    if not x.via:
                        x.via = rec.source
                add(rec, c, "recipient")
            continue
        if c.kind == "cite_verb":
            subj = g.left_subject(c, s0, e, atts)
            parent = None
            if isinstance(subj, tuple):
                if subj[0] == "antecedent":
                    parent = subj[1]
                else:
                    parent = add(subj[1][0], c) if subj[1] else None
            elif subj:
                parent = add(subj[0], c)
                for s in subj[1:]:
                    add(s, c)
            if isinstance(subj, tuple) and subj[0] == "right":
                continue  # "цитирует Bloomberg" with the source after: nothing cited here
            for s in g.right_sources(c.i1, e, c.hint):
                if parent is not None and s.source == parent.source:
                    continue
                add(s, c, "cited", parent=parent)
            continue
        # verbs, no comment, denials, "X zufolge"
        subj = g.left_subject(c, s0, e, atts)
        if isinstance(subj, tuple) and subj[0] == "antecedent":
            ant = subj[1]
            add(_Src(ant.i0, ant.i1, ant.source, ant.stype, 0), c, via=ant.via)
            continue
        if isinstance(subj, tuple):
            if subj[0] == "right":
                made = [add(s, c) for s in subj[1]]
                rec, g.pending_addressee = g.pending_addressee, None
                if rec is not None and made:
                    for x in made:
                        x.via = x.via or rec.source
                    add(rec, c, "recipient")
            continue
        for s in subj:
            add(s, c)
    _assign_via(ctx, atts, s0, e, g.cue_cover)
    g.cue_cover[s0:e] = [-1] * (e - s0)
    return atts


def _assign_via(ctx: _Ctx, atts: list[_Att], s0: int, e: int, cue_cover: list[int]) -> None:
    if len(atts) < 2:
        return  # every rule below ties one attribution to another

    def g_cover(k: int) -> bool:
        return cue_cover[k] < 0

    mains = [a for a in atts if a.role == "main" and a.kind not in ("passive", "no_comment", "denied")]
    # 1. cited sources: via their citing source
    for a in atts:
        if a.role != "cited" or a.via:
            continue
        p = a.parent
        if p is None:
            before = [m for m in mains if m.i0 < a.i0 and m.source != a.source]
            after = [m for m in mains if m.i0 > a.i0 and m.source != a.source]
            p = before[-1] if before else (after[0] if after else None)
        if p is not None:
            a.via = p.source
    # 2. a reporter at the end of the sentence: "..., Bloomberg reported." / "..., according to X."
    finals = []
    for r in mains:
        if r.stype not in _MEDIA:
            continue
        k = max(r.i1, r.c1)
        extra = 0  # a short time phrase may close the sentence: "..., the WSJ reported at the time."
        while k < e and (ctx.is_punct(k) or ctx.role(k, "aux") or ctx.toks[k][:1].isdigit()
                         or ctx.toks[k].casefold() in ctx.lex.calendar
                         or (extra < 4 and ctx.toks[k].islower() and g_cover(k) and not ctx.alias_cover[k])):
            extra += not ctx.is_punct(k)
            k += 1
        if k >= e and any(max(a.i1, a.c1) <= min(r.i0, r.c0) for a in atts if a is not r):
            finals.append(r)
    for r in finals:
        for a in atts:
            if a is r or a.via or a.role == "recipient" or a.source == r.source:
                continue
            if max(a.i1, a.c1) <= min(r.i0, r.c0):
                a.via = r.source
    # 3. a source reported inside an outlet's (or body's, or person's) statement:
    #    "Reuters said an official in the ministry confirmed ..."
    reporters = [m for m in mains if m.kind in ("verb", "tell", "prep", "cite_verb")
                 and m.stype in ("outlet", "news agency", "official body", "named person")]
    for a in atts:
        if a.via or a.role != "main" or a.kind == "passive" or a in finals:
            continue
        for r in reversed(reporters):
            if r is a or r.source == a.source:
                continue
            if r.c1 <= min(a.i0, a.c0) and ";" not in ctx.toks[r.c1:a.i0]:
                if r.stype in _MEDIA or r.kind != "prep":
                    a.via = r.source
                break


def sources_for_doc(doc: Doc) -> list[dict]:
    """Attribution rows of one article (dicts with :data:`SOURCE_COLUMNS` + :data:`EXTRA_COLUMNS`)."""
    if not doc.text:
        return []
    lang = _norm_lang(doc.language)
    ctx = _Ctx(doc, lang)
    g = _Grammar(ctx)
    atts: list[_Att] = []
    for sid, a, b in ctx.sbounds:
        if b > a:
            atts.extend(_sentence_atts(g, sid, a, b))
    own = ctx.outlet
    rows: list[dict] = []
    seen: dict[tuple, dict] = {}
    for att in atts:
        if not att.source or (own and att.source == own):
            continue
        if own and att.via == own:
            att.via = ""
        if att.via == att.source:
            att.via = ""
        r = _row(ctx, att)
        key = (r["sentence_id"], r["source_start"], r["source"], r["stance"])
        if key in seen:
            old = seen[key]
            if not old["via"] and r["via"]:
                old["via"] = r["via"]
            old["start"] = min(old["start"], r["start"])
            old["end"] = max(old["end"], r["end"])
            continue
        seen[key] = r
        rows.append(r)
    rows.sort(key=lambda r: (r["start"], r["source_start"]))
    return rows


def find_sources(docs: Iterable[Doc]):
    """All attribution rows of ``docs`` as a DataFrame sorted by article_id and start."""
    import pandas as pd
    rows: list[dict] = []
    for d in docs:
        rows.extend(sources_for_doc(d))
    cols = SOURCE_COLUMNS + EXTRA_COLUMNS
    df = pd.DataFrame(rows, columns=cols)
    if df.empty:
        return df.astype({"sentence_id": "int64", "start": "int64", "end": "int64", "hedged": "bool"})
    df = df.sort_values(["article_id", "start", "source_start"], kind="stable").reset_index(drop=True)
    return df
