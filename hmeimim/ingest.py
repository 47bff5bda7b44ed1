"""Ingest stage: a folder of article files -> the ``articles`` and ``rejects`` tables.

Each file is one article (``.txt``, ``.md``, ``.html``, ``.htm``); the id is the file stem.
An optional ``metadata.csv`` beside them (``id`` plus any of ``url, outlet, published, title,
language``) wins over what is inferred from the text. Every file ends up either as an article
or as a ``rejects`` row with a reason; nothing is skipped silently.

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
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import charset_normalizer

from . import lexicons
from .text import normalize

__all__ = ["ARTICLE_SUFFIXES", "read_article", "read_metadata", "discover", "infer_dates",
           "detect_language", "decode_bytes", "mark_duplicates", "LANGUAGES", "IngestError"]

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
METADATA_NAME = "metadata.csv"
METADATA_FIELDS = ("url", "outlet", "published", "title", "language")
LANGUAGES = ("en", "ru", "uk", "de", "fr", "it", "es", "pt", "ar", "zh")
MAX_BYTES = 64 * 1024 * 1024  # larger files are rejected rather than read into memory
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

    A byte-order mark decides first; known binary signatures are rejected; otherwise
    charset-normalizer detects the encoding (UTF-8, UTF-16 without BOM, cp1251, koi8-r,
    latin-1, ...). Stray NUL bytes in an 8-bit text are dropped, but a file that is mostly
    control bytes is binary.

    >>> decode_bytes("Хмеймим".encode("cp1251") * 20)[1]
    'cp1251'
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
    nul = sample.count(b"\x00")
    if nul and not _looks_utf16(sample):
        if nul > 0.05 * len(sample):
            raise IngestError("binary file: too many NUL bytes to be text")
        data = data.replace(b"\x00", b"")
    best = charset_normalizer.from_bytes(data[:MAX_BYTES] if len(data) < 4_000_000 else data[:1_000_000]).best()
    if best is None:
        raise IngestError("binary or undecodable file: no text encoding fits its bytes")
    enc = codecs.lookup(best.encoding).name
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        # Detected on a sample; the rest (e.g. a truncated UTF-8 tail) does not fit.
        text = data.decode(enc, errors="replace")
        enc = f"{enc} (with undecodable bytes replaced)"
    if _control_ratio(text) > 0.1:
        raise IngestError("binary file: mostly control characters, not text")
    return text, enc


def _looks_utf16(sample: bytes) -> bool:
    even = sample[0::2].count(b"\x00")
    odd = sample[1::2].count(b"\x00")
    half = max(1, len(sample) // 2)
    return max(even, odd) > 0.3 * half and min(even, odd) < 0.05 * half


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
    text = (d.get("text") or "").strip()
    if not text:
        raise IngestError("HTML page without article text (only scripts, styles, frames or navigation)")
    return {"text": text, "title": d.get("title") or "", "published": d.get("date") or "",
            "url": d.get("url") or ""}


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


_TITLE_SUFFIX = re.compile(r"\s+(?:[—|–]|-|::)\s+[^—|]{1,40}$")


def title_from_text(text: str) -> str | None:
    """The first line, if it is short enough to be a headline (no final period, 3-30 words),
    without a trailing ``— Source`` or ``| Outlet`` tag.

    >>> title_from_text("Russia Resumes Flights to Syria — Bloomberg\\nRussia has restarted ...")
    'Russia Resumes Flights to Syria'
    """
    first, _, rest = text.partition("\n")
    first = first.strip()
    if not rest.strip() or not first or len(first) > 200 or first[-1] in ".。":
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
    sample = text[:1200]
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
    for i, row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() if isinstance(v, str) else "" for k, v in row.items()}
        aid = row.get("id", "")
        where = f"{name}:{i}"
        if not aid:
            problems.append((where, "metadata row without an id, ignored"))
            continue
        if aid in rows:
            problems.append((where, f"duplicate metadata row for id {aid!r}, ignored (the first row wins)"))
            continue
        clean = {k: row.get(k, "") for k in METADATA_FIELDS if row.get(k)}
        if "published" in clean:
            iso = parse_published(clean["published"])
            if iso is None:
                problems.append((where, f"bad published date {clean['published']!r} for id {aid!r}: ignored, the date is inferred from the text"))
                del clean["published"]
            else:
                clean["published"] = iso
        if "language" in clean:
            clean["language"] = clean["language"].lower()[:2]
        rows[aid] = clean
    return Metadata(rows, problems)


# --- files -----------------------------------------------------------------------------------


def discover(root: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """All candidate files below ``root`` in a stable order, and the files that cannot even be
    listed (broken links, link loops, unsupported types) as ``(relative path, reason)``.

    ``metadata.csv`` at the top is not an article; hidden files and folders are skipped."""
    files, bad = [], []
    root = Path(root)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in sorted(filenames):
            p = Path(dirpath) / fn
            rel = p.relative_to(root).as_posix()
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
                bad.append((rel, f"unsupported file type {p.suffix or '(none)'!r}: articles are .txt, .md, .html or .htm"))
                continue
            files.append(p)
    return files, bad


def read_article(path: Path, root: Path, meta: dict[str, str] | None = None) -> dict:
    """Read one article file into an ``articles`` row (plus its ``text``).

    Raises :class:`IngestError` with a readable reason when the file cannot be an article."""
    meta = meta or {}
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise IngestError(f"file too large ({size / 2**20:.0f} MB; the limit is {MAX_BYTES // 2**20} MB)")
        data = path.read_bytes()
    except PermissionError:
        raise IngestError("permission denied: the file cannot be read") from None
    except IsADirectoryError:
        raise IngestError("a folder, not a file") from None
    except OSError as e:
        raise IngestError(f"cannot read the file: {e.strerror or e}") from None
    raw, encoding = decode_bytes(data)
    html = {}
    if path.suffix.lower() in (".html", ".htm") or re.match(r"\s*(<!doctype html|<html)", raw[:500], re.I):
        html = _from_html(raw)
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
    text = normalize(raw)
    if not text.strip():
        raise IngestError("no text left after removing markup and whitespace")
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
        "article_id": path.stem,
        "path": path.relative_to(root).as_posix(),
        "url": url,
        "outlet": meta.get("outlet") or outlet_from_url(url) or "",
        "title": title,
        "published": published or "",
        "published_from": published_from if published else "",
        "language": language,
        "language_from": language_from if language else "",
        "n_chars": len(text),
        "sha256": hashlib.sha256(data).hexdigest(),
        "encoding": encoding,
        "text": text,
    }


_NEAR = re.compile(r"[\W_]+")


def content_key(text: str) -> str:
    """A key equal for texts that differ only in case, spacing and punctuation."""
    return hashlib.sha1(_NEAR.sub("", text.casefold()).encode("utf-8")).hexdigest()


def mark_duplicates(rows: list[dict]) -> None:
    """Set ``duplicate_of`` on exact (same bytes) and near-exact (same words) copies, pointing
    at the earliest published (then smallest id) article of each group. Rows are kept."""
    order = sorted(range(len(rows)), key=lambda i: (rows[i]["published"] or "9999", rows[i]["article_id"]))
    first_by_key: dict[str, str] = {}
    for i in order:
        r = rows[i]
        keys = ("b:" + r["sha256"], "t:" + content_key(r["text"]))
        original = next((first_by_key[k] for k in keys if k in first_by_key), "")
        r["duplicate_of"] = original
        for k in keys:
            first_by_key.setdefault(k, r["article_id"])
