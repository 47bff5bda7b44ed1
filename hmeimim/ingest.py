"""Ingest stage: a folder of article files -> the ``articles`` and ``rejects`` tables.

Each file is one article (``.txt``, ``.md``, ``.html``, ``.htm``); the id is the file stem.
An optional ``metadata.csv`` beside them (``id`` plus any of ``url, outlet, published, title,
language``) wins over what is inferred from the text. Every file ends up either as an article
or as a ``rejects`` row with a reason; nothing is skipped silently (hidden files and folders,
whose names start with a dot, are not part of the corpus).

Size limits. One article is at most :data:`MAX_CHARS` characters of normalised text (2
million: a long news article has 20 to 50 thousand, a whole book about a million). Longer
texts are real but are not one article -- a site dump, a concatenation, a converted report --
and the extraction stages cost seconds per hundred thousand characters of a single article
(measured: 2 million characters about 7 s; a 50 MB text 14 minutes under the profiler and
3 GB), so one such file would stall the whole run: it is rejected with a reason that says to
split it. A ``.txt``/``.md`` file over :data:`MAX_TEXT_BYTES` (8 MB) cannot be under the
limit whatever its encoding and is rejected from its size alone, without being read; HTML
(mostly markup) may be up to :data:`MAX_BYTES`. Below the limits, reading is linear in the
file's size: the encoding is judged on a probe of the file, and normalisation and sentence
splitting have no quadratic steps (reading 50 MB with the limits lifted takes about 20 s and
1.2 GB: ``benchmarks/bench_memory.py``).

>>> from pathlib import Path
>>> arts, rejects = read_folder(Path("seeds"), Path("data/metadata.csv"))   # doctest: +SKIP
>>> arts.loc[arts.article_id.str.startswith("004"), "published"].item()      # doctest: +SKIP
'2025-10-30'
"""
from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import io
import json
import os
import re
import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import charset_normalizer

from . import lexicons
from .text import normalize_with_repairs

__all__ = ["ARTICLE_SUFFIXES", "read_article", "read_metadata", "discover", "infer_dates",
           "detect_language", "decode_bytes", "duplicate_key", "find_duplicates", "display_path", "LANGUAGES",
           "IngestError", "MAX_BYTES", "MAX_CHARS", "MAX_TEXT_BYTES"]

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
METADATA_NAME = "metadata.csv"
METADATA_FIELDS = ("url", "outlet", "published", "title", "language")
LANGUAGES = ("en", "ru", "uk", "de", "fr", "it", "es", "pt", "ar", "zh")
MAX_BYTES = 64 * 1024 * 1024  # larger files are rejected rather than read into memory
MAX_CHARS = 2_000_000  # longest normalised text of one article (see the module docstring)
MAX_TEXT_BYTES = 8 * 2**20  # a .txt/.md file larger than this cannot hold MAX_CHARS or fewer
_PLAUSIBLE_YEARS = range(1990, 2101)


class IngestError(Exception):
    """A file cannot become an article; the message is the ``rejects.reason``."""


# --- bytes -> text ----------------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_MAGIC = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document (convert it to text first)"), (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"\x1f\x8b", "a gzip archive"), (b"\x7fELF", "an executable"), (b"RIFF", "a media file"),
)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a file's bytes; return ``(text, encoding)`` or raise :class:`IngestError`.

    In order: a byte-order mark decides; known binary signatures are rejected; UTF-16 without
    a BOM is recognised by its NUL bytes falling on one side of the byte pairs; bytes that are
    UTF-8 are UTF-8 (a multi-byte character cut off at the very end is dropped, and a few stray
    invalid bytes in an otherwise UTF-8 text are replaced); otherwise the usual legacy
    encodings of the ten languages (cp1251, koi8-r, koi8-u, cp866, cp1252, cp1256, GB18030,
    Big5, ...) and charset-normalizer's proposals are scored by how plausible their text is for
    those languages, on a probe of at most 8 KB of the file's non-ASCII passages (the detector
    alone is fooled by short texts: a cp1251 headline reads as Greek cp1253, koi8-r as Japanese).
    Stray NUL bytes in an 8-bit text are dropped, but a file that is mostly control bytes is
    binary. When something was dropped or replaced, the encoding says so.

    >>> [decode_bytes("Самолёт вернулся в Хмеймим.".encode(enc))[1] for enc in ("cp1251", "koi8-r")]
    ['cp1251', 'koi8-r']
    >>> decode_bytes("Хмеймим".encode("utf-8")[:-1])
    ('Хмейми', 'utf-8 (incomplete last character dropped)')
    """
    if not data.strip():
        raise IngestError("empty file" if not data else "file holds only whitespace")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise IngestError(f"binary file: {what}, not article text")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc.replace("-sig", "")), codecs.lookup(enc.replace("-sig", "")).name
            except UnicodeDecodeError as e:
                raise IngestError(f"declares {enc} with a byte-order mark but is not valid {enc} ({e.reason} at byte {e.start})") from None
    sample = data[:200_000]
    utf16 = _utf16_without_bom(sample)
    notes = []
    if utf16:
        text, enc = _decode_noting(data[:len(data) - len(data) % 2], utf16)
        if len(data) % 2:
            notes.append("odd last byte dropped")
    else:
        nul = sample.count(b"\x00")
        if nul:
            if nul > 0.05 * len(sample):
                raise IngestError("binary file: too many NUL bytes to be text")
            data = data.replace(b"\x00", b"")
            notes.append("NUL bytes dropped")
        decoded = _decode_utf8(data)
        if decoded is None:
            decoded = _decode_legacy(data)
        text, enc = decoded
    if _control_ratio(text) > 0.1:
        raise IngestError("binary file: mostly control characters, not text")
    if notes:
        note = "; ".join(notes)
        enc = f"{enc[:-1]}; {note})" if enc.endswith(")") else f"{enc} ({note})"
    return text, enc


def _decode_noting(data: bytes, enc: str) -> tuple[str, str]:
    try:
        return data.decode(enc), enc
    except UnicodeDecodeError:
        return data.decode(enc, errors="replace"), f"{enc} (with undecodable bytes replaced)"


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' if the bytes look like UTF-16 without a byte-order mark:
    NUL bytes (the high byte of ASCII characters, spaces included) on one side of the byte
    pairs only, and the decoded sample is text. Chinese UTF-16 has no NULs; the detector
    handles it."""
    even = sample[0::2].count(b"\x00")
    odd = sample[1::2].count(b"\x00")
    half = max(1, len(sample) // 2)
    if max(even, odd) < max(2, 0.03 * half) or min(even, odd) > 0.1 * max(even, odd):
        return None
    enc = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = sample[:len(sample) - len(sample) % 2].decode(enc, errors="strict" if len(sample) < 200_000 else "replace")
    except UnicodeDecodeError:
        return None
    return enc if _control_ratio(text) <= 0.05 else None


def _decode_utf8(data: bytes) -> tuple[str, str] | None:
    """``(text, encoding)`` if the bytes are UTF-8 (or ASCII), allowing a character cut off at
    the end (a truncated download) and a few stray bad bytes among many good multi-byte
    characters; None if they are in some other encoding."""
    try:
        return data.decode("utf-8"), "ascii" if data.isascii() else "utf-8"
    except UnicodeDecodeError as e:
        # Cut inside its last character. A single high byte after pure ASCII is as likely a
        # legacy accented letter ("comentá" in cp1252): left to the legacy detection.
        if e.reason == "unexpected end of data" and e.end == len(data) and (
                len(data) - e.start > 1 or not data[:e.start].isascii()):
            try:
                return data[:e.start].decode("utf-8"), "utf-8 (incomplete last character dropped)"
            except UnicodeDecodeError:
                pass
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode("utf-8"))
    head = text[:2_000_000]
    good = len(head) - len(head.encode("ascii", "ignore")) - bad
    if good >= max(20, 20 * bad):
        return text, f"utf-8 ({bad} undecodable byte{'s' if bad > 1 else ''} replaced)"
    return None


# Legacy encodings of the ten languages, tried besides charset-normalizer's proposals.
_LEGACY = ("cp1251", "koi8-r", "koi8-u", "cp866", "mac-cyrillic", "iso8859-5", "cp1252",
           "iso8859-15", "cp1256", "iso8859-6", "gb18030", "big5")


def _decode_legacy(data: bytes) -> tuple[str, str]:
    """Decode bytes that are neither UTF-8 nor UTF-16: the most plausible of charset-normalizer's
    proposals and the usual legacy encodings, judged on a probe of the file (:func:`_probe`)."""
    probe = _probe(data)
    proposals = [m.encoding for m in charset_normalizer.from_bytes(data if len(data) <= 1_000_000 else probe)]
    candidates = []
    for enc in [*_LEGACY, *proposals[:5]]:
        try:
            name = codecs.lookup(enc).name
        except LookupError:
            continue
        if name not in candidates and not name.startswith(("utf-16", "utf-32", "utf_16", "utf_32")):
            candidates.append(name)
    best, best_score, seen = None, None, set()
    for enc in candidates:  # ties go to the earlier candidate: the common encodings first
        decoded = probe.decode(enc, errors="replace")
        if decoded in seen:
            continue  # reads the same as an earlier candidate (koi8-u for a Russian text)
        seen.add(decoded)
        score = _plausibility(decoded)
        if best_score is None or score > best_score:
            best, best_score = enc, score
    if best is None or best_score < -0.25 * len(probe):  # worse than one bad character in four
        raise IngestError("binary or undecodable file: no text encoding fits its bytes")
    return _decode_noting(data, best)


# A run of non-ASCII bytes with up to 40 ASCII bytes around it (never cut inside a character:
# runs are taken whole, and the trail bytes of GB18030/Big5 that are ASCII stay with them).
_HIGH = re.compile(rb"[\x09\x20-\x7e]{0,40}(?:[\x80-\xff]+[\x09\x20-\x7e]{0,40})+")


def _probe(data: bytes, limit: int = 8_000) -> bytes:
    """What the encoding is judged on: the whole file if small, else its passages richest in
    non-ASCII bytes (each with some ASCII context, at most a quarter of ``limit`` from one),
    up to ``limit`` bytes, in file order. An English article quoting a Russian paragraph is
    judged on the Russian, not on its curly quotes."""
    if len(data) <= limit:
        return data
    found = []
    for k, m in enumerate(_HIGH.finditer(data)):
        part = m.group()
        if len(part) > limit // 4:  # cut at a space: never inside a character
            cut = part.rfind(b" ", 0, limit // 4)
            part = part[:cut] if cut > 0 else part[:limit // 4]
        found.append((-len(_HIGH_BYTE.findall(part)), k, part))
        if k >= 20_000:
            break
    chosen, size = [], 0
    for _, k, part in sorted(found):
        if size >= limit:
            break
        chosen.append((k, part))
        size += len(part) + 1
    return b"\n".join(part for _, part in sorted(chosen)) or data[:limit]


_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


@functools.lru_cache(maxsize=1)
def _char_classes() -> tuple[bytes, bytes]:
    """Two tables over the BMP: (score + 8, script) of each character.

    Scores say how plausible a character is in an article in one of the ten languages: 4 for
    Russian/Ukrainian, Latin-1 and Arabic letters (5 for the eleven most frequent Cyrillic
    letters, which tells cp1251 from koi8-r in all-capital or short texts; 0 for Nordic
    letters), 5 for Chinese characters (two bytes each in GB18030 and Big5: a little less
    than two one-byte letters), 2 for ASCII, digits and common punctuation, 0 for other
    characters of those scripts, -4 for letters of other scripts, box drawing, controls,
    private-use characters and U+FFFD. Scripts: 1 Latin, 2 Cyrillic, 3 Arabic, 4 Chinese,
    5 another script's letter, 0 not a letter."""
    import unicodedata

    score, script = bytearray([4]) * 0x10000, bytearray(0x10000)  # default: -4, not a letter
    ru_uk = set(range(0x410, 0x450)) | {0x401, 0x451, 0x404, 0x454, 0x406, 0x456, 0x407, 0x457, 0x490, 0x491}
    common = {0xA0, 0xAB, 0xBB, 0xB0, 0xA9, 0xAE, 0xA7, 0xB7}
    for o in range(0x3000):  # alphabets; above U+3000 whole blocks are set below
        ch = chr(o)
        cat = unicodedata.category(ch)
        letter = cat[0] == "L"
        if o < 0x80:
            v = -4 if (cat == "Cc" and ch not in "\t\n\r\x0b\x0c") else 2
            sc = 1 if letter else 0
        elif (0xC0 <= o <= 0xFF and o not in (0xD7, 0xF7)) or o in (0x152, 0x153, 0x178):
            v, sc = (0 if ch in "ÐðÞþÝýØøÅåÆæ" else 4), 1  # Icelandic/Nordic letters: rare here
        elif o in ru_uk:
            v, sc = (5 if ch.lower() in "оеаинтсрвлі" else 4), 2  # the most frequent letters
        elif 0x621 <= o <= 0x64A:
            v, sc = 4, 3
        elif 0x600 <= o <= 0x6FF:
            v, sc = (0, 3) if letter else (2, 0)
        elif o in common or 0x2010 <= o <= 0x205E or o in (0x2116, 0x20AC):
            v, sc = 2, 0
        elif letter or cat[0] == "M" or 0x2500 <= o <= 0x25FF or cat[0] == "C":
            v, sc = -4, 5 if letter else 0
        else:
            v, sc = 0, 0
        score[o], script[o] = v + 8, sc
    for lo, hi, v, sc in ((0x3000, 0x303F, 2, 0), (0x3040, 0x33FF, -4, 5), (0x3400, 0x4DBF, 0, 4),
                          (0x4E00, 0x9FFF, 5, 4), (0xA000, 0xD7FF, -4, 5), (0xF900, 0xFAFF, -4, 5),
                          (0xFB00, 0xFDFF, -4, 5), (0xFE70, 0xFEFF, -4, 5), (0xFF01, 0xFF5E, 2, 0),
                          (0xFF5F, 0xFFEF, -4, 5)):
        score[lo:hi + 1] = bytes([v + 8]) * (hi + 1 - lo)
        script[lo:hi + 1] = bytes([sc]) * (hi + 1 - lo)
    return bytes(score), bytes(script)


def _plausibility(text: str) -> float:
    """How much ``text`` reads like an article in the ten languages: the sum of
    its characters' scores (see :func:`_char_classes`), with penalties that catch a text read
    in the wrong legacy encoding: a capital letter inside a word (cp1251 read as koi8-r, or
    the reverse, swaps the case of every Cyrillic letter), a change of script inside a word
    (Arabic letters with a Latin accented letter), and for Chinese two-byte text read as
    one-byte letters: letters after the 25th character of a run without spaces (Chinese has
    no spaces) and accented Latin letters one after another earn nothing. Nor do letters
    outside the text's main script."""
    scores, scripts = _char_classes()
    total = run = prev_script = 0
    prev_lower = prev_accented = False
    letters = [0] * 6  # letters per script
    credit = [0] * 6  # score given to non-ASCII letters per script
    for ch in text:
        o = ord(ch)
        if o >= 0x10000:
            total -= 4
            run += 1
            prev_script = 0
            continue
        v, sc = scores[o] - 8, scripts[o]
        total += v
        run = 0 if ch.isspace() else run + 1
        if not sc:
            prev_script = 0
            prev_lower = prev_accented = False
            continue
        letters[sc] += 3 if sc == 4 else 1  # a Chinese character is worth a few letters
        if (run > 25 and sc != 4) or (prev_accented and sc == 1 and o >= 0x80):
            total -= v
        elif o >= 0x80 and v > 0:
            credit[sc] += v
        prev_accented = sc == 1 and o >= 0x80
        if prev_script and prev_script != sc:
            total -= 4
        prev_script = sc
        if ch.isupper():
            if prev_lower:
                total -= 4
            prev_lower = False
        else:
            prev_lower = ch.islower()
    # Letters of a script other than the text's main one earn nothing (an Italian "è" read
    # as a Cyrillic "и").
    main = max(range(6), key=letters.__getitem__)
    return (total - sum(c for i, c in enumerate(credit) if i != main)) / 4


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\ufffd]")


def _control_ratio(text: str) -> float:
    sample = text[:20_000]
    if not sample:
        return 0.0
    return len(_CONTROL.findall(sample)) / len(sample)


# --- HTML -----------------------------------------------------------------------------------


def _from_html(raw: str) -> dict:
    """Main text, title, date and URL of an HTML page (trafilatura), page chrome removed."""
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    doc = trafilatura.bare_extraction(
        raw, with_metadata=True, include_comments=False, include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    d = doc.as_dict() if hasattr(doc, "as_dict") else (doc or {})
    text = (d.get("text") or "").strip() or _html_fallback_text(raw)
    if not text:
        raise IngestError("HTML page without article text (only scripts, styles, frames, navigation or a few words)")
    return {"text": text, "title": d.get("title") or "", "published": d.get("date") or "",
            "url": d.get("url") or ""}


_LETTER_RUN = re.compile(r"[^\W\d_]{2,}")


def _html_fallback_text(raw: str) -> str:
    """The visible text of an HTML page or fragment that trafilatura found no article in (a
    bare ``<p>...</p>`` fragment, a very short page), without scripts, styles, frames, forms
    and navigation; '' if that leaves fewer than five words."""
    import lxml.html

    try:
        root = lxml.html.fromstring(raw)
    except Exception:  # lxml's parser errors (empty document, bad encoding declaration)
        return ""
    drop = ("script", "style", "iframe", "noscript", "template", "nav", "header", "footer", "aside",
            "form", "button", "select", "svg", "head", "title", "meta", "link")
    for el in root.xpath(" | ".join(f"//{t}" for t in drop)):
        el.drop_tree()
    for el in root.xpath("//p | //br | //div | //li | //h1 | //h2 | //h3 | //h4 | //tr | //blockquote"):
        el.tail = "\n" + (el.tail or "")
    text = "\n".join(" ".join(line.split()) for line in root.text_content().split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text if len(_LETTER_RUN.findall(text)) >= 5 else ""


# --- inference ------------------------------------------------------------------------------

_MARKER = re.compile(r"\A\s*(?:date|published|дата)\s*[:=]?\s*(\d{4}-\d{2}-\d{2})\b[ \t]*", re.I)
_URL_DATE = re.compile(r"(?<!\d)(20\d\d|19\d\d)[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?!\d)")


def _valid_iso(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat() if y in _PLAUSIBLE_YEARS else None
    except ValueError:
        return None


def date_from_url(url: str) -> str | None:
    """A publication date written in a URL path (``/2025/10/30/``, ``-20251030``).

    >>> date_from_url("https://www.themoscowtimes.com/2025/10/30/russia-resumes-flights-a90000")
    '2025-10-30'
    """
    if not url:
        return None
    path = urlparse(url).path
    for m in _URL_DATE.finditer(path):
        iso = _valid_iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if iso:
            return iso
    return None


def dateline(text: str, language: str) -> str | None:
    """The publication date from a dateline near the top: a short line, or the start of a line,
    holding a full date with its year (``15:24, 30 октября 2025``, ``30. Oktober 2025``).

    >>> dateline("15:24, 30 октября 2025\\nРоссия возобновила полеты.", "ru")
    '2025-10-30'
    """
    try:
        from .dates import find_dates
    except ImportError:  # pragma: no cover - dates stage not installed
        return None
    head = text[:400]
    line_start = 0
    for line in head.split("\n")[:4]:
        stripped = line.strip()
        for m in find_dates(line, language or "en"):
            if m.kind != "date" or m.year_inferred or m.date_start is None or m.date_start != m.date_end:
                continue
            if m.date_start.year not in _PLAUSIBLE_YEARS:
                continue
            before = line[:m.start].strip(" ,|-—:")
            short_line = len(stripped) <= len(m.as_written) + 45
            at_start = len(before) <= 12  # "15:24," or "Moscow," before the date
            if short_line or at_start:
                return m.date_start.isoformat()
        line_start += len(line) + 1
    return None


_NON_SPACE = re.compile(r"\S")
_TITLE_SUFFIX = re.compile(r"\s+(?:[—|–]|-|::)\s+[^—|]{1,40}$")


def title_from_text(text: str) -> str | None:
    """The first line, if it is short enough to be a headline (no final period, 3-30 words),
    without a trailing ``— Source`` or ``| Outlet`` tag.

    >>> title_from_text("Russia Resumes Flights to Syria — Bloomberg\\nRussia has restarted ...")
    'Russia Resumes Flights to Syria'
    """
    nl = text.find("\n", 0, 2000)
    if nl < 0:
        return None
    first = text[:nl].strip()
    if not _NON_SPACE.search(text, nl + 1) or not first or len(first) > 200 or first[-1] in ".。":
        return None
    n_words = len(first.split())
    if not (3 <= n_words <= 30) and not re.search(r"[\u4e00-\u9fff]", first):
        return None
    return _TITLE_SUFFIX.sub("", first).strip() or first


@functools.lru_cache(maxsize=1)
def _outlet_hosts() -> dict[str, str]:
    return {r["host"].lower(): r["outlet"] for r in lexicons.load("outlet_hosts")}


def outlet_from_url(url: str) -> str | None:
    """The outlet named by a URL's host: a known host's outlet name, else the bare host.

    >>> outlet_from_url("https://www.themoscowtimes.com/2025/10/30/x")
    'The Moscow Times'
    """
    if not url:
        return None
    host = (urlparse(url if "//" in url else "//" + url).hostname or "").lower()
    host = re.sub(r"^(www|m|amp|mobile)\.", "", host)
    if not host:
        return None
    hosts = _outlet_hosts()
    parts = host.split(".")
    for i in range(len(parts) - 1):
        name = hosts.get(".".join(parts[i:]))
        if name:
            return name
    return host


@functools.lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, c.upper()) for c in LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


_LETTERS = re.compile(r"[^\W\d_]")


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language among the ten of the coverage, or '' if unsure.

    Uses lingua restricted to en, ru, uk, de, fr, it, es, pt, ar, zh (it tells Russian from
    Ukrainian by their letters and word statistics).

    >>> detect_language("Російські військові літаки відновили польоти на авіабазу Хмеймім.")
    'uk'
    """
    # 600 characters (about 100 words): as accurate as 1,200 on the bench corpus, the seeds and
    # the fixtures (3,032 of 3,032 articles alike) at 0.5 instead of 1.4 ms an article
    sample = text[:600]
    if len(_LETTERS.findall(sample, 0, 200)) < 10 and len(_LETTERS.findall(sample)) < 10:
        return ""
    lang = _detector().detect_language_of(sample)
    return lang.iso_code_639_1.name.lower() if lang else ""


def infer_dates(text: str, url: str, language: str) -> tuple[str | None, str]:
    """(publication date, where it came from) inferred from the text and URL."""
    d = dateline(text, language)
    if d:
        return d, "dateline"
    d = date_from_url(url)
    if d:
        return d, "url"
    return None, ""


# --- metadata ------------------------------------------------------------------------------


@dataclass
class Metadata:
    rows: dict[str, dict[str, str]]
    problems: list[tuple[str, str]]  # (where, reason) for rejects(kind='metadata')


def parse_published(value: str) -> str | None:
    """An ISO date from a metadata ``published`` value (``2025-10-30``, ``2025-10-30T14:05Z``,
    ``30.10.2025``, ``2025/10/30``), or None if it is not a plausible date."""
    v = (value or "").strip()
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?", v)
    if m:
        return _valid_iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", v)
    if m:
        return _valid_iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return None


def read_metadata(path: Path | None) -> Metadata:
    """Read ``metadata.csv``; problems (no ``id`` column, unknown columns, bad dates,
    duplicate ids, unreadable file) are reported, never raised."""
    if path is None or not Path(path).exists():
        return Metadata({}, [])
    name = Path(path).name
    try:
        raw = Path(path).read_bytes()
        text, _ = decode_bytes(raw)
    except (OSError, IngestError) as e:
        return Metadata({}, [(name, f"metadata file ignored: {e}")])
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if "id" not in fields:
        return Metadata({}, [(name, "metadata file ignored: it has no 'id' column")])
    problems = []
    unknown = [f for f in fields if f and f not in ("id", *METADATA_FIELDS)]
    if unknown:
        problems.append((name, f"columns ignored (not one of id, {', '.join(METADATA_FIELDS)}): {', '.join(unknown)}"))
    rows: dict[str, dict[str, str]] = {}
    try:
        for row in reader:
            _metadata_row(row, f"{name}:{reader.line_num}", rows, problems)
    except csv.Error as e:
        problems.append((f"{name}:{reader.line_num}", f"metadata file not readable from here on ({e}); the rows before are used"))
    return Metadata(rows, problems)


def _metadata_row(row: dict, where: str, rows: dict, problems: list) -> None:
    """Check one ``metadata.csv`` row and add it to ``rows``, or say why not in ``problems``."""
    if None in row:  # more values than the header has columns
        extra = [v for v in row.pop(None) if v and v.strip()]
        if extra:
            problems.append((where, f"row has more values than the header has columns; extra values ignored: {', '.join(map(repr, extra[:3]))}"))
    row = {(k or "").strip().lower(): (v or "").strip() if isinstance(v, str) else "" for k, v in row.items()}
    aid = row.get("id", "")
    if not aid:
        if any(row.values()):
            problems.append((where, "metadata row without an id, ignored"))
        return
    if aid in rows:
        problems.append((where, f"duplicate metadata row for id {aid!r}, ignored (the first row wins)"))
        return
    clean = {k: row.get(k, "") for k in METADATA_FIELDS if row.get(k)}
    if "published" in clean:
        iso = parse_published(clean["published"])
        if iso is None:
            problems.append((where, f"bad published date {clean['published']!r} for id {aid!r}: ignored, the date is inferred from the text"))
            del clean["published"]
        else:
            clean["published"] = iso
    if "language" in clean:
        code = _language_code(clean["language"])
        if code is None:
            problems.append((where, f"unknown language {clean['language']!r} for id {aid!r} (use one of {', '.join(LANGUAGES)}): ignored, the language is detected from the text"))
            del clean["language"]
        else:
            clean["language"] = code
    rows[aid] = clean


_LANGUAGE_NAMES = {"english": "en", "russian": "ru", "ukrainian": "uk", "german": "de", "french": "fr",
                   "italian": "it", "spanish": "es", "portuguese": "pt", "arabic": "ar", "chinese": "zh"}


def _language_code(value: str) -> str | None:
    """The ISO 639-1 code of a metadata language (``ru``, ``RU``, ``ru-RU``, ``Russian``), or
    None if it is not one of the ten."""
    v = value.strip().lower()
    code = _LANGUAGE_NAMES.get(v) or re.split(r"[-_]", v)[0]
    return code if code in LANGUAGES else None


# --- files -----------------------------------------------------------------------------------


def display_path(name: str) -> str:
    """A file name or relative path as text that can be written anywhere: bytes of a file name
    that are not UTF-8 (a Latin-1 name on a Linux disk) are shown as ``\\xNN``.

    >>> display_path("caf\\udce9.txt")
    'caf\\\\xe9.txt'
    """
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")


def discover(root: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """All candidate files below ``root`` in a stable order, and what cannot even be listed
    (broken links, link loops, links to folders, unreadable folders, unsupported types) as
    ``(relative path, reason)``.

    ``metadata.csv`` at the top is not an article; hidden files and folders are skipped.
    Links to files are read; links to folders are not followed (they can loop)."""
    files, bad = [], []
    root = Path(root)

    def rel_of(p) -> str:
        r = Path(p).relative_to(root).as_posix() if Path(p) != root else "."
        return display_path(r)

    def unreadable(err: OSError) -> None:
        what = "permission denied" if isinstance(err, PermissionError) else (err.strerror or str(err))
        bad.append((rel_of(err.filename), f"folder cannot be read ({what}): its files are not ingested"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=False):
        keep = []
        for d in sorted(dirnames):
            p = Path(dirpath) / d
            if d.startswith("."):
                continue
            if p.is_symlink():
                bad.append((rel_of(p), _folder_link_reason(p)))
                continue
            keep.append(d)
        dirnames[:] = keep
        for fn in sorted(filenames):
            p = Path(dirpath) / fn
            rel = rel_of(p)
            if fn.startswith(".") or (rel == METADATA_NAME):
                continue
            if p.is_symlink():
                try:
                    p.resolve(strict=True)
                except RuntimeError:
                    bad.append((rel, "symbolic link loop"))
                    continue
                except OSError:
                    bad.append((rel, "broken symbolic link: its target does not exist"))
                    continue
            if p.suffix.lower() not in ARTICLE_SUFFIXES:
                bad.append((rel, f"unsupported file type {display_path(p.suffix) or '(none)'!r}: articles are .txt, .md, .html or .htm"))
                continue
            files.append(p)
    return files, bad


def _folder_link_reason(p: Path) -> str:
    try:
        target = p.resolve(strict=True)
    except RuntimeError:
        return "symbolic link loop"
    except OSError:
        return "broken symbolic link: its target does not exist"
    here = p.parent.resolve()
    if target == here or target in here.parents:
        return "symbolic link loop: a link to an enclosing folder, not followed"
    return "symbolic link to a folder, not followed (links to folders can loop): copy or link its files instead"


_HAS_TAG = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*[\s/>]|/[a-zA-Z]|!--|!doctype)", re.I)


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n < 10 * 2**20 else f"{n / 2**20:.0f} MB"


def read_article(path: Path, root: Path, meta: dict[str, str] | None = None) -> dict:
    """Read one article file into an ``articles`` row (plus its ``text``).

    Raises :class:`IngestError` with a readable reason when the file cannot be an article."""
    meta = meta or {}
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise IngestError("a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise IngestError("not a regular file (a named pipe, socket or device), not read")
        html_file = path.suffix.lower() in (".html", ".htm")
        if st.st_size > (MAX_BYTES if html_file else MAX_TEXT_BYTES):
            raise IngestError(
                f"file too large for one article: {_mb(st.st_size)} (the limit is "
                f"{_mb(MAX_BYTES if html_file else MAX_TEXT_BYTES)} for {'an HTML page' if html_file else 'a text file'}, "
                f"about {MAX_CHARS:,} characters); probably several articles or a dump in one file: "
                "split it into one file per article")
        data = path.read_bytes()
    except PermissionError:
        raise IngestError("permission denied: the file cannot be read") from None
    except IsADirectoryError:
        raise IngestError("a folder, not a file") from None
    except OSError as e:
        raise IngestError(f"cannot read the file: {e.strerror or e}") from None
    sha256 = hashlib.sha256(data).hexdigest()
    raw, encoding = decode_bytes(data)
    del data  # a large file: keep one copy of it in memory, not two
    html = {}
    if re.match(r"\s*(<!doctype html|<html)", raw[:500], re.I) or (html_file and _HAS_TAG.search(raw[:100_000])):
        html = _from_html(raw)  # (an .html file that holds no markup at all is read as text)
        raw = html["text"]
    published_from = ""
    published = meta.get("published")
    if published:
        published_from = "metadata"
    m = _MARKER.match(raw)
    if m:
        raw = raw[m.end():]
        if not published and (iso := parse_published(m.group(1))):
            published, published_from = iso, "date marker"
    text, repairs = normalize_with_repairs(raw)
    del raw
    if not text.strip():
        raise IngestError("no text left after removing markup and whitespace")
    if len(text) > MAX_CHARS:
        raise IngestError(
            f"text too long for one article: {len(text):,} characters (the limit is {MAX_CHARS:,}; "
            "a long news article has about 50,000); probably several articles or a dump in one file: "
            "split it into one file per article")
    language, language_from = meta.get("language", ""), "metadata"
    if not language:
        language, language_from = detect_language(text), "detected"
    url = meta.get("url") or html.get("url") or ""
    if not published and html.get("published"):
        published, published_from = parse_published(html["published"]), "html"
    if not published:
        published, published_from = infer_dates(text, url, language)
    title = meta.get("title") or html.get("title") or title_from_text(text) or ""
    return {
        "article_id": display_path(path.stem),
        "path": display_path(path.relative_to(root).as_posix()),
        "url": url,
        "outlet": meta.get("outlet") or outlet_from_url(url) or "",
        "title": title,
        "published": published or "",
        "published_from": published_from if published else "",
        "language": language,
        "language_from": language_from if language else "",
        "n_chars": len(text),
        "sha256": sha256,
        "encoding": encoding,
        "ocr_repairs": json.dumps([list(r) for r in repairs], ensure_ascii=False) if repairs else "",
        "text": text,
    }


_ASCII_NOT_ALNUM = bytes(b for b in range(128) if not chr(b).isalnum())  # ASCII [\W_]
_NON_ASCII_NOT_ALNUM = re.compile(r"[^\w\x00-\x7f]")  # (\w adds to letters and digits only "_")


def content_key(text: str) -> str:
    """A key equal for texts that differ only in case, spacing and punctuation: the SHA-1 of
    its case-folded letters and digits."""
    folded = text.casefold()
    # Everything but letters and digits deleted from the UTF-8 bytes (faster than a regex over
    # the words): the ASCII ones in one pass, then each of the few distinct others (quotes,
    # dashes, CJK punctuation) in one pass each -- a character's bytes never occur inside
    # another's. ("surrogatepass": a lone surrogate, not a letter either, is deleted like the
    # rest instead of failing the encoding.)
    kept = folded.encode("utf-8", "surrogatepass").translate(None, _ASCII_NOT_ALNUM)
    if not folded.isascii():
        for ch in set(_NON_ASCII_NOT_ALNUM.findall(folded)):
            kept = kept.replace(ch.encode("utf-8", "surrogatepass"), b"")
    return hashlib.sha1(kept).hexdigest()


def duplicate_key(row: dict) -> tuple[str, str, str, str]:
    """What :func:`find_duplicates` needs of an article row: (id, published, sha256 of the
    bytes, :func:`content_key` of the text) -- small enough to gather for a whole corpus."""
    return (row["article_id"], row["published"] or "", row["sha256"], content_key(row["text"]))


def find_duplicates(keys: list[tuple[str, str, str, str]]) -> dict[str, str]:
    """Exact (same bytes) and near-exact (same words) copies among articles given by their
    :func:`duplicate_key`: ``{article_id: the original}``, the original being the earliest
    published (then smallest id) article of each group; originals are not in the dict.

    >>> find_duplicates([("b", "2025-10-30", "x", "t1"), ("a", "", "x", "t2"), ("c", "", "y", "t1")])
    {'a': 'b', 'c': 'b'}
    """
    first: dict[str, str] = {}
    out: dict[str, str] = {}
    for aid, _pub, sha, ck in sorted(keys, key=lambda k: (k[1] or "9999", k[0])):
        ks = ("b:" + sha, "t:" + ck)
        original = next((first[k] for k in ks if k in first), "")
        if original:
            out[aid] = original
        for k in ks:
            first.setdefault(k, aid)
    return out
