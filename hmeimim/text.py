"""Text stage: normalise article text and split it into sentences with character offsets.

Every offset the package emits points into the *normalised* text returned by
:func:`normalize`, which is the text the package stores (``articles.text``) and exposes, so
``text[start:end]`` is always the evidence.

>>> t = normalize("An I1-62 landed\\nat Hmeimim on 24\\u201329 October.")
>>> t
'An Il-62 landed at Hmeimim on 24-29 October.'
>>> u = "Gen. Smith said so. The U.S. Air Force did not."
>>> [u[s:e] for s, e in split_sentences(u)]
['Gen. Smith said so.', 'The U.S. Air Force did not.']
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from . import lexicons

__all__ = ["normalize", "normalize_with_repairs", "split_sentences", "Doc", "Sentence", "make_doc"]

# --- normalisation ---------------------------------------------------------------------

# Dash variants that stand for a hyphen or a range (not the em dash, which is prose).
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d\u2043"), "-")
# Spaces that are not ASCII spaces; zero-width characters are removed.
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u3000"
                                 "\t\x1f\u1680\u205f"), " ")
# Line and paragraph separators other than LF (a lone CR is an old Mac line end; CR LF is one).
_BREAKS = {**dict.fromkeys(map(ord, "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028"), "\n"), ord("\u2029"): "\n\n"}
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\x00"), None)
_TRANSLATE = {**_DASHES, **_SPACES, **_BREAKS, **_ZERO_WIDTH}
# After the translation the only whitespace left is " " and "\n" (what the later steps and
# str.strip() agree on). Found with a regex and replaced match by match: most texts hold few
# of these characters, and str.translate walks a 50 MB text slowly.
_TRANSLATED = re.compile("[" + re.escape("".join(map(chr, _TRANSLATE))) + "]")
_TRANSLATE_STR = {chr(k): v or "" for k, v in _TRANSLATE.items()}


def _translate(text: str) -> str:
    return _TRANSLATED.sub(lambda m: _TRANSLATE_STR[m.group()], text.replace("\r\n", "\n"))


@functools.lru_cache(maxsize=1)
def _confusables() -> tuple[dict[str, str], dict[str, str]]:
    """Latin<->Cyrillic look-alike letters from ``lexicon/confusables.csv``."""
    to_latin, to_cyrillic = {}, {}
    for row in lexicons.load("confusables"):
        to_latin[row["cyrillic"]] = row["latin"]
        to_cyrillic[row["latin"]] = row["cyrillic"]
    return to_latin, to_cyrillic


# A word (letters, digits, hyphens, apostrophes) with both a Latin and a Cyrillic letter in it.
# Anchored at the start of the word and written with possessive quantifiers, so each word is
# scanned once: linear time even on a 50 MB text or a 100 000-character "word" of CJK text.
_WORDCH = r"\w'\-\u0400-\u04ff"
_MIXED = re.compile(
    rf"(?<![{_WORDCH}])(?:[^\W\u0400-\u04ffA-Za-z]|['-])*+"
    r"(?:[A-Za-z](?:[^\W\u0400-\u04ff]|['-])*+[\u0400-\u04ff]"
    r"|[\u0400-\u04ff](?:[^\WA-Za-z]|['\-\u0482-\u0489])*+[A-Za-z])"
    rf"[{_WORDCH}]*+"
)
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def _fold_mixed_script(text: str) -> str:
    """Fold look-alike letters in words that mix Latin and Cyrillic into the word's main script.

    A Cyrillic ``е`` inside a Latin word becomes ``e``; a Latin ``M`` in ``Ил-62M`` becomes ``М``.
    Words in one script, or with letters that have no look-alike, are left alone.
    """
    if text.isascii() or not (_CYRILLIC.search(text) and _LATIN.search(text)):
        return text  # one script only (most texts): nothing can be mixed
    to_latin, to_cyrillic = _confusables()

    def fold(m: re.Match) -> str:
        w = m.group()
        n_lat, n_cyr = len(_LATIN.findall(w)), len(_CYRILLIC.findall(w))
        # Cyrillic designators (Ан-124, Ил-76) keep Cyrillic; otherwise the majority wins.
        table = to_cyrillic if n_cyr > n_lat else to_latin
        return "".join(table.get(ch, ch) for ch in w)

    folded = _MIXED.sub(fold, text)
    # A folded letter may now compose with a following accent (Latin x + U+0307 is one letter).
    return unicodedata.normalize("NFC", folded) if folded != text else folded


# OCR confusions inside aircraft designators: I1-62, l1-76, 1l-62 -> Il-62.
# (The pair comes first and the "no word character before it" check after it, so the regex
# engine can jump between candidate first characters: three times faster on long texts.)
_OCR_IL = re.compile(r"(?:I[1lL|]|l[1I]|1[lI]|\|l)(?<!\w..)(?=[- ]?\d{1,3}(?:[A-Za-z\u0410-\u044f]{0,3})?\b)")
# A designator hyphen written as a space or missing: "Il 62M" stays; "Ан–124" already folded.
_TERMINAL = ".!?:;\"'\u201d\u00bb\u2019)\u3002\uff01\uff1f\u061f"


def _fix_ocr(text: str) -> str:
    return _OCR_IL.sub("Il", text)


def _unwrap(text: str) -> str:
    """Rejoin lines that a PDF or e-mail hard-wrapped in mid-sentence.

    Two rules. Everywhere: a line that does not end a sentence and is followed by a line that
    starts in lower case continues on it. In a document that looks hard-wrapped (many lines of
    about the same width that do not end a sentence): any line that reaches near the wrap width
    continues on the next line, unless it ends a sentence and the next line is indented
    (a paragraph start). A word broken at a line-end hyphen ("full-\\nscale") is rejoined.
    """
    lines = text.split("\n")
    if len(lines) < 2:
        return text
    stripped = [x.rstrip() for x in lines]
    lengths = sorted([len(x) for x in stripped if x])
    wrapped = False
    width = 0
    if len(lengths) >= 4:
        width = lengths[int(0.8 * (len(lengths) - 1))]
        long_lines = [x for x in stripped if x and len(x) >= 0.75 * width]
        open_ends = sum(1 for x in long_lines if x[-1] not in _TERMINAL)
        wrapped = 40 <= width <= 140 and len(long_lines) >= 3 and open_ends >= 0.4 * len(long_lines)
    out = [lines[0]]
    for nxt in lines[1:]:
        prev = out[-1]
        if not nxt or not prev or nxt.isspace() or prev.isspace():
            out.append(nxt)  # a blank line (most lines between paragraphs) joins nothing
            continue
        p = prev.rstrip()
        n = nxt.lstrip()
        join = False
        if p and n:
            ends_sentence = p[-1] in _TERMINAL
            starts_lower = n[0].islower()
            if not ends_sentence and starts_lower:
                join = True
            elif wrapped and len(p) >= 0.6 * width and not nxt[:1].isspace():
                # An indented line starts a paragraph; a short line that ends a sentence ends one.
                join = not (ends_sentence and len(p) < 0.85 * width)
        if join:
            if p.endswith("-") and len(p) >= 2 and p[-2].isalpha() and n[0].isalpha():
                out[-1] = p + n  # full-\nscale -> full-scale (keep the hyphen: it is a compound)
            else:
                out[-1] = p + " " + n
        else:
            out.append(nxt)
    return "\n".join(out)


def normalize(text: str, *, repair_ocr: bool = True) -> str:
    """Return the normalised article text that all offsets refer to.

    Steps: CR LF, a lone CR and the other line separators to LF; NUL and zero-width characters
    removed; tabs, non-breaking and other spaces to a space; Unicode NFC; dash variants (en
    dash, U+2212 minus, ...) to ``-`` (the em dash stays); hard-wrapped lines rejoined;
    look-alike letters folded in mixed Latin/Cyrillic words; OCR confusions repaired inside
    aircraft designators (``I1-62`` -> ``Il-62``); trailing spaces and runs of blank lines
    trimmed. Idempotent: ``normalize(normalize(t)) == normalize(t)``. Linear time.

    >>> normalize("Ан-124\\u2212100 \\u0430nd I1-26M")
    'Ан-124-100 and Il-26M'
    """
    return _normalize(text, _fix_ocr if repair_ocr else _same)


def _normalize(text: str, fix) -> str:
    """:func:`normalize` with ``fix`` as the OCR repair step."""
    if not text:
        return ""
    # Translate first, then compose: removing a zero-width character can bring a letter and
    # its accent together.
    t, settled = _layout(unicodedata.normalize("NFC", _translate(text)), fix)
    # One pass is almost always final. Rarely it is not: rejoining lines changes the line
    # statistics that decide whether a text is hard-wrapped, or an OCR repair changes which
    # script a mixed word mostly uses. Then pass again until nothing changes (each pass only
    # joins lines or moves letters towards one script, so this ends quickly). For a text that
    # already went through _layout, these two checks are exactly "another pass changes nothing"
    # (the second is known without running it when the pass says its letter steps are settled).
    for _ in range(50):
        if _unwrap(t) == t and (settled or fix(_fold_mixed_script(t)) == t):
            break
        t, settled = _layout(t, fix)
    return t


def _same(t: str) -> str:
    return t


def normalize_with_repairs(text: str) -> tuple[str, tuple[tuple[int, int, str], ...]]:
    """:func:`normalize`, plus the OCR repairs it made: ``(start, end, as_written)`` spans of the
    normalised text whose letters the file had written otherwise (``I1`` for ``Il``), so that a
    table can show an aircraft as the file wrote it while offsets keep pointing at the text.

    >>> normalize_with_repairs("An I1-62 landed.")
    ('An Il-62 landed.', ((3, 5, 'I1'),))
    """
    repaired = False

    def fix(t: str) -> str:
        nonlocal repaired
        fixed = _fix_ocr(t)
        repaired = repaired or fixed != t
        return fixed

    t = _normalize(text, fix)
    if not repaired or not _OCR_IL.search(text):
        # (When no repair changed a letter -- most texts: "Il-76" is already right --,
        # normalising without repairs takes exactly the same steps and gives the same text.)
        return t, ()
    t0 = normalize(text, repair_ocr=False)
    if len(t0) != len(t):  # the repair changed the layout too; keep the repaired text only
        return t, ()
    return t, tuple((m.start(), m.end(), m.group()) for m in _OCR_IL.finditer(t0)
                    if m.group() != t[m.start():m.end()])


_TRAILING_SPACES = re.compile(r"[ ]+\n")
_INDENT = re.compile(r"\n[ ]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACE_RUN = re.compile(r"[ ]{2,}")


def _layout(t: str, fix=_fix_ocr) -> tuple[str, bool]:
    """One normalisation pass over translated, composed text; and whether its letter steps
    (mixed-script folding, then ``fix``) are settled: they changed nothing, and nothing changed
    after them, so on the pass's result they change nothing either."""
    # (each substitution only where a plain substring test finds something to replace: most
    # texts have none of these, and the test is much faster than a regex scan)
    if " \n" in t:
        t = _TRAILING_SPACES.sub("\n", t)
    t = _unwrap(t)
    if "\n " in t:
        t = _INDENT.sub("\n", t)  # indentation marks paragraphs; read it, then drop it
    if "\n\n\n" in t:
        t = _BLANK_LINES.sub("\n\n", t)
    # Stripped before the letter steps and the space step, not after: they only rewrite letters
    # inside words and runs of spaces, so the result is the same; and the text the letter steps
    # read is then the pass's result whenever they and the space step change nothing -- which
    # spares _normalize a second run of both to check (they are most of a pass's time).
    t = t.strip()
    letters = fix(_fold_mixed_script(t))
    settled = letters == t
    t = letters
    if "  " in t:
        t = _SPACE_RUN.sub(" ", t)
        settled = False
    return t, settled


# --- sentences ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _abbreviations() -> tuple[frozenset[str], frozenset[str]]:
    """(abbreviations that never end a sentence, common sentence starters), lower-cased."""
    abbr, starters = set(), set()
    for row in lexicons.load("abbreviations"):
        (starters if row["kind"] == "starter" else abbr).add(row["token"].lower())
    return frozenset(abbr), frozenset(starters)


@functools.lru_cache(maxsize=1)
def _month_names() -> frozenset[str]:
    """Month names (wide and abbreviated, all contexts) of the ten languages, lower-cased,
    from CLDR via babel: a period after a day number before one of them is an ordinal
    ("am 26. Oktober"), not a sentence end."""
    from babel.dates import get_month_names

    names = set()
    for loc in ("en", "ru", "uk", "de", "fr", "it", "es", "pt"):
        for width in ("wide", "abbreviated"):
            for ctx in ("format", "stand-alone"):
                names.update(n.lower().rstrip(".") for n in get_month_names(width, ctx, loc).values())
    return frozenset(names)


# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then space.
# The punctuation is a run of Western ``. ! ? …`` or of CJK/Arabic ``。 ！ ？ ؟`` (never both);
# written as one character class first so that the regex engine skips to candidates quickly.
_BOUNDARY = re.compile(
    r"(?P<punct>[.!?\u2026\u3002\uff01\uff1f\u061f]"
    r"(?:(?<=[.!?\u2026])[.!?\u2026]*|(?<=[\u3002\uff01\uff1f\u061f])[\u3002\uff01\uff1f\u061f]*))"
    r"(?P<close>[\"'\u201d\u2019\u00bb\u300d\u300f)\]]*)"
    r"(?P<space>\s*)"
)
_PARA = re.compile(r"\n+")
_OPENERS = "\"'\u201c\u2018\u00ab\u300c\u300e(["
_TOKEN_SEP = re.compile(r"[\s" + re.escape(_OPENERS) + "]")


_WORD = re.compile(r"\w+")


def _is_boundary(text: str, m: re.Match, abbr: frozenset[str], starters: frozenset[str], end: int) -> bool:
    """Whether the candidate ``m`` ends a sentence; ``end`` is the end of its paragraph (the
    text is not sliced: a slice per candidate made splitting quadratic on long texts)."""
    punct = m.group("punct")
    nxt_i = m.end()
    if nxt_i >= end:
        return True
    nxt = text[nxt_i]
    if punct[0] in "\u3002\uff01\uff1f":
        return True  # CJK full stops need no space after them
    if not m.group("space"):
        return False  # "U.S.", "3.5", "bloomberg.com"
    if punct[0] != ".":
        return not nxt.islower()
    if punct == "..." or punct == "\u2026":
        return nxt.isupper()
    # The token before the period (looked at up to 64 characters back: longer tokens are
    # neither abbreviations, initials nor day numbers, and a long run must not be rescanned).
    if nxt.islower() or nxt in ",;:":
        return False
    j = m.start()
    token = text[_token_start(text, j):j].lower()
    if len(token) == 1 and token.isalpha():
        return False  # an initial: "Donald J. Trump"
    if token.isdigit() and len(token) <= 2:
        word = _WORD.match(text, nxt_i, end)
        if word and word.group().lower() in _month_names():
            return False  # a German-style ordinal day: "am 26. Oktober"
    if "." in token and len(token) <= 6 and all(len(p) <= 2 for p in token.split(".")):
        # U.S., e.g., т.е. -- a boundary only if a common sentence starter follows.
        word = _WORD.match(text, nxt_i, end)
        return bool(word and word.group().lower() in starters)
    if token in abbr:
        return False
    return True


def _token_start(text: str, j: int) -> int:
    """Start of the token that ends at ``j``: after the last whitespace or opening quote or
    bracket before ``j``, at most 64 characters back."""
    lo = j - 64 if j > 64 else 0
    k = text.rfind(" ", lo, j) + 1 or lo  # (the usual separator, found fast)
    if _TOKEN_SEP.search(text, k, j):  # another separator after it: walk back to it
        k = j
        while k > lo and not text[k - 1].isspace() and text[k - 1] not in _OPENERS:
            k -= 1
    return k


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences; return ``(start, end)`` offsets with no outer whitespace.

    Paragraph breaks always end a sentence; inside a paragraph a sentence ends at ``. ! ? …``
    (and ``。 ！ ？ ؟``) unless the period belongs to an abbreviation (``Gen.``, ``Oct.``,
    ``U.S.``, ``г.``), an initial or a number.

    >>> t = "Он прилетел 26 окт. 2025 г. в Хмеймим. 这是第一句。这是第二句！ هل هبطت؟ نعم."
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['Он прилетел 26 окт. 2025 г. в Хмеймим.', '这是第一句。', '这是第二句！', 'هل هبطت؟', 'نعم.']
    """
    abbr, starters = _abbreviations()
    spans: list[tuple[int, int]] = []
    para_start = 0
    for para in _PARA.finditer(text + "\n"):
        p0, p1 = para_start, para.start()
        para_start = para.end()
        s = p0
        for m in _BOUNDARY.finditer(text, p0, p1):
            if _is_boundary(text, m, abbr, starters, p1):
                e = m.end() - len(m.group("space"))
                spans.append((s, e))
                s = m.end()
        spans.append((s, p1))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


# --- the per-article document handed to the extraction stages -----------------------------


@dataclass(frozen=True)
class Sentence:
    sentence_id: int
    start: int
    end: int


@dataclass(frozen=True)
class Doc:
    """One article as the extraction stages see it (picklable, so a process pool can ship it).

    ``published`` is the publication date if known; ``ref_year`` is the year to assume for
    year-less dates in an undated article (the corpus's reference year).
    """

    article_id: str
    text: str
    language: str = "en"
    published: date | None = None
    ref_year: int | None = None
    outlet: str = ""
    sentences: tuple[Sentence, ...] = field(default=())
    repairs: tuple[tuple[int, int, str], ...] = field(default=())  # OCR repairs: (start, end, as written)

    def as_in_file(self, start: int, end: int) -> str:
        """``text[start:end]`` with OCR repairs undone: the words as the file wrote them."""
        out = self.text[start:end]
        for s, e, orig in self.repairs:
            if start <= s and e <= end:
                out = out[:s - start] + orig + out[e - start:]
        return out

    def sentence_text(self, s: Sentence) -> str:
        return self.text[s.start:s.end]


def make_doc(article_id: str, text: str, language: str = "en", published: date | None = None,
             ref_year: int | None = None, outlet: str = "", normalized: bool = False) -> Doc:
    """Build a :class:`Doc` from raw or normalised text (for tests, notebooks and workers).

    >>> d = make_doc("x", "It landed. It left.")
    >>> [d.sentence_text(s) for s in d.sentences]
    ['It landed.', 'It left.']
    """
    t, repairs = (text, ()) if normalized else normalize_with_repairs(text)
    sents = tuple(Sentence(i, s, e) for i, (s, e) in enumerate(split_sentences(t)))
    return Doc(article_id, t, language or "en", published, ref_year, outlet or "", sents, repairs)
