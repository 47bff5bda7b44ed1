"""The tidy tables' contract: columns, dtypes and meanings (the codebook), and a check.

One place says what every output table holds. :func:`conform` puts a DataFrame into that
shape (column order, dtypes, missing columns added empty) and :func:`validate` raises if a
table breaks the contract; ``hmeimim extract`` runs both before writing, and the README's
codebook is generated from :data:`TABLES` (``python -m hmeimim.schema``).

>>> import pandas as pd
>>> df = conform("rejects", pd.DataFrame({"path": ["a.png"], "reason": ["binary file"]}))
>>> list(df.columns)[:3]
['path', 'reason', 'kind']
>>> validate("rejects", df)
"""
from __future__ import annotations

import pandas as pd

__all__ = ["TABLES", "columns", "conform", "validate", "codebook_markdown", "SchemaError"]

# dtype names: "str" (pandas string, missing = <NA>), "int", "bool", "float", "date" (ISO text
# YYYY-MM-DD, kept as text so CSV and Parquet round-trip identically).
TABLES: dict[str, list[tuple[str, str, str]]] = {
    "articles": [
        ("article_id", "str", "file stem of the article (unique in the corpus)"),
        ("path", "str", "path of the file, relative to the corpus folder"),
        ("url", "str", "article URL (metadata.csv or the HTML page)"),
        ("outlet", "str", "publishing outlet (metadata.csv, else the URL host)"),
        ("title", "str", "headline (metadata.csv, HTML <title>, else the first short line)"),
        ("published", "date", "publication date, YYYY-MM-DD; empty when unknown"),
        ("published_from", "str", "where the date came from: metadata, date marker, dateline, html, url, or empty"),
        ("language", "str", "ISO 639-1 code (metadata.csv, else detected from the text)"),
        ("language_from", "str", "metadata or detected"),
        ("n_chars", "int", "length of the normalised text in characters"),
        ("sha256", "str", "SHA-256 of the file's bytes"),
        ("encoding", "str", "character encoding the file was decoded from"),
        ("duplicate_of", "str", "article_id of an earlier exact or near-exact copy; empty if none"),
        ("ocr_repairs", "str", "OCR confusions repaired in the text, as JSON [[start, end, as written], ...] (I1-62 -> Il-62)"),
        ("text", "str", "normalised article text; every start/end offset points into it"),
    ],
    "sentences": [
        ("article_id", "str", "article the sentence belongs to"),
        ("sentence_id", "int", "0-based position of the sentence in its article"),
        ("start", "int", "character offset of the sentence's first character in the article text"),
        ("end", "int", "offset one past its last character: text[start:end] is the sentence"),
        ("text", "str", "the sentence"),
    ],
    "sources": [
        ("article_id", "str", "article citing the source"),
        ("sentence_id", "int", "sentence holding the attribution"),
        ("start", "int", "start of the attribution phrase in the article text"),
        ("end", "int", "end of the attribution phrase"),
        ("source", "str", "canonical source name (one per real-world source across spellings and languages)"),
        ("source_type", "str", "outlet, news agency, flight-tracking data, official body, named person, anonymous source, unnamed group"),
        ("as_written", "str", "the source as the article names it"),
        ("cue", "str", "the attribution cue (according to, citing, told, со ссылкой на, ...)"),
        ("via", "str", "canonical source through which it was cited (Flightradar24 via Bloomberg); empty if direct"),
        ("stance", "str", "cited; no_comment when the source did not respond to a request; denied when it denied the claim"),
        ("hedged", "bool", "the attribution is hedged (reportedly, unconfirmed, якобы, ...)"),
    ],
    "flights": [
        ("article_id", "str", "article making the claim"),
        ("sentence_id", "int", "sentence holding the flight mention"),
        ("start", "int", "start of the evidence in the article text"),
        ("end", "int", "end of the evidence"),
        ("aircraft", "str", "canonical aircraft type (Il-62M, An-124-100, ...); a manufacturer alone is its own value"),
        ("aircraft_as_written", "str", "the aircraft as the article writes it (what mutation analysis compares)"),
        ("operator", "str", "operator (Russian Air Force, ...)"),
        ("event", "str", "arrival, departure, route, sighting or overflight"),
        ("count", "int", "number of flights or landings claimed (3 for 'arrived three times')"),
        ("date_start", "date", "first day of the claimed date or window"),
        ("date_end", "date", "last day of the claimed date or window"),
        ("date_as_written", "str", "the date expression as written"),
        ("origin", "str", "canonical place the flight came from"),
        ("destination", "str", "canonical place it went to"),
        ("route", "str", "ordered places joined with ' → '"),
        ("hedged", "bool", "the claim is hedged (reportedly, was said to, ...)"),
        ("restates", "bool", "only restates flights described elsewhere in the article: adds no flights"),
        ("aircraft_flag", "str", "nonexistent_designator, manufacturer_only, ... ; empty if the type is read as written"),
        ("date_year_inferred", "bool", "the year was not written and comes from the publication or reference year"),
        ("contradiction", "str", "an internal contradiction with another statement of the same article, explained"),
    ],
    "claims": [
        ("article_id", "str", "article making the claim"),
        ("sentence_id", "int", "sentence holding the claim"),
        ("start", "int", "start of the claim in the article text"),
        ("end", "int", "end of the claim"),
        ("text", "str", "the claim's sentence"),
        ("kind", "str", "flight, attribution, meeting, event, number, date or statement"),
    ],
    "rejects": [
        ("path", "str", "file (or metadata.csv row) that was not ingested, relative to the corpus"),
        ("reason", "str", "why, in words a person understands"),
        ("kind", "str", "file (an input file not ingested) or metadata (a metadata.csv row or value ignored)"),
    ],
}


class SchemaError(ValueError):
    """A table does not match its contract in :data:`TABLES`."""


def columns(table: str) -> list[str]:
    """Column names of ``table`` in contract order."""
    return [c for c, _, _ in TABLES[table]]


_PANDAS = {"str": "string", "int": "Int64", "bool": "boolean", "float": "Float64", "date": "string"}


def conform(table: str, df: pd.DataFrame | None) -> pd.DataFrame:
    """Return ``df`` with the contract's columns first (added empty if missing), then any extras,
    each contract column cast to its dtype. Extra columns are kept as they are."""
    df = pd.DataFrame() if df is None else df.copy()
    n = len(df)
    for col, kind, _ in TABLES[table]:
        if col not in df.columns:
            df[col] = pd.Series([pd.NA] * n, index=df.index, dtype=_PANDAS[kind])
        elif kind == "date":
            df[col] = df[col].map(_iso_date).astype("string")
        elif kind == "bool":
            df[col] = df[col].map(lambda v: pd.NA if v is None or v is pd.NA or v != v else bool(v)).astype("boolean")
        elif kind == "str":
            df[col] = df[col].astype("string").replace("", pd.NA)
        else:
            df[col] = df[col].astype(_PANDAS[kind])
    extras = [c for c in df.columns if c not in columns(table)]
    return df[columns(table) + extras].reset_index(drop=True)


def _iso_date(v):
    if v is None or v is pd.NA or (isinstance(v, float) and v != v) or v == "":
        return pd.NA
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10]
    return str(v)[:10]


def validate(table: str, df: pd.DataFrame) -> None:
    """Raise :class:`SchemaError` if ``df`` lacks a contract column or has the wrong dtype, or
    if a span table has an offset outside ``0 <= start <= end``."""
    missing = [c for c in columns(table) if c not in df.columns]
    if missing:
        raise SchemaError(f"table {table!r} lacks columns {missing}")
    for col, kind, _ in TABLES[table]:
        want = _PANDAS[kind]
        if str(df[col].dtype) != want and len(df):
            raise SchemaError(f"table {table!r} column {col!r} is {df[col].dtype}, expected {want}")
    if {"start", "end"} <= set(df.columns) and len(df):
        bad = df[(df["start"] < 0) | (df["end"] < df["start"])]
        if len(bad):
            raise SchemaError(f"table {table!r} has {len(bad)} rows with start/end out of order")


def codebook_markdown() -> str:
    """The codebook of every table as Markdown (the README's 'Tables' section)."""
    out = []
    for table, cols in TABLES.items():
        out.append(f"### `{table}`\n\n| column | type | meaning |\n|---|---|---|")
        out += [f"| `{c}` | {k} | {m} |" for c, k, m in cols]
        out.append("")
    return "\n".join(out)


def update_readme(path) -> bool:
    """Rewrite the codebook between the README's ``codebook:start``/``codebook:end`` markers;
    True if the file changed."""
    from pathlib import Path

    p = Path(path)
    text = p.read_text(encoding="utf-8")
    head, sep, rest = text.partition("<!-- codebook:start")
    if not sep:
        raise ValueError(f"{p} has no codebook:start marker")
    start_line, _, rest = rest.partition("-->\n")
    _, sep2, tail = rest.partition("<!-- codebook:end -->")
    new = f"{head}<!-- codebook:start{start_line}-->\n{codebook_markdown()}<!-- codebook:end -->{tail}"
    if new != text:
        p.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":  # pragma: no cover
    import sys

    if len(sys.argv) > 1:
        update_readme(sys.argv[1])
    else:
        print(codebook_markdown())
