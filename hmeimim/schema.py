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
        ("event", "str", "arrival, departure, route, sighting, overflight, or flight (flew, direction not given)"),
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
        ("claim_id", "str", "article_id#sentence_id, plus .k for the k-th flight clause of a sentence"),
        ("paragraph", "int", "0-based paragraph of the claim (neighbours for context attribution)"),
        ("language", "str", "article language"),
        ("aircraft", "str", "canonical aircraft of the flight clause, '|'-joined"),
        ("aircraft_family", "str", "aircraft family (Il-62 for Il-62M), '|'-joined"),
        ("aircraft_as_written", "str", "aircraft as the article writes it, '|'-joined"),
        ("aircraft_flag", "str", "nonexistent_designator, manufacturer_only, ... from the flights stage"),
        ("event", "str", "flight event (arrival, departure, route, ...)"),
        ("count", "int", "number of flights claimed"),
        ("count_explicit", "bool", "the article writes the count (not a default of 1)"),
        ("date_start", "date", "the flight's date or window start, else the sentence's first resolved date"),
        ("date_end", "date", "window end"),
        ("date_as_written", "str", "that date as written"),
        ("dates", "str", "every resolved date span of the claim as start/end, '|'-joined"),
        ("route", "str", "flight route, places joined with ' → '"),
        ("places", "str", "canonical places, '|'-joined"),
        ("people", "str", "people named (canonical when the lexicon knows them), '|'-joined"),
        ("people_keys", "str", "spelling- and script-independent keys of those people, '|'-joined"),
        ("people_as_written", "str", "the people as written, '|'-joined"),
        ("bodies", "str", "named bodies, outlets and agencies mentioned, '|'-joined"),
        ("entities", "str", "other capitalised names no lexicon knows, '|'-joined"),
        ("numbers", "str", "numbers stated (not dates or designators), '|'-joined"),
        ("durations", "str", "durations (6mo for 'six-month'), '|'-joined"),
        ("concepts", "str", "what happens (resume, pause, attack, repel, oust, meet, visit, no_comment, ...), '|'-joined"),
        ("source", "str", "sources cited in the sentence, '|'-joined"),
        ("via", "str", "their via sources, '|'-joined"),
        ("source_as_written", "str", "the sources as written, '|'-joined"),
        ("source_types", "str", "their source types, '|'-joined"),
        ("attributed", "bool", "a checkable source is cited in the sentence"),
        ("context_attributed", "bool", "a checkable source is cited in the sentence or a paragraph neighbour"),
        ("context_sources", "str", "the checkable sources of that window, '|'-joined"),
        ("channel", "str", "outlet or agency the claim reached the article through (see the module docs)"),
        ("hedged", "bool", "the sentence is hedged (reportedly, якобы, ...)"),
        ("restates", "bool", "a flight clause that only restates flights described elsewhere"),
        ("facts", "str", "all facts as compact JSON, with the character span of every value"),
    ],
    "rejects": [
        ("path", "str", "file (or metadata.csv row) that was not ingested, relative to the corpus"),
        ("reason", "str", "why, in words a person understands"),
        ("kind", "str", "file (an input file not ingested) or metadata (a metadata.csv row or value ignored)"),
    ],
    "claim_clusters": [
        ("cluster_id", "str", "claim cluster id (C0001, ... in order of first appearance)"),
        ("kind", "str", "most frequent claim kind in the cluster (flight, meeting, event, attribution, date, number, statement)"),
        ("label", "str", "representative text (the earliest English mention, else the earliest mention), shortened"),
        ("representative", "str", "claim_id of the representative mention"),
        ("n_mentions", "int", "claims in the cluster"),
        ("n_articles", "int", "articles making the claim"),
        ("n_languages", "int", "languages it appears in"),
        ("languages", "str", "those languages, '|'-joined, in order of first appearance"),
        ("first_article", "str", "article of the first appearance (timeline order)"),
        ("first_outlet", "str", "outlet of that article"),
        ("first_published", "date", "its publication date; empty if undated"),
        ("first_order_date", "date", "the date used to order it (publication date, else latest date it mentions)"),
        ("last_published", "date", "latest publication date among the cluster's dated articles"),
        ("independent_origins", "int", "groups of its articles not linked by derivation or by citing the same channel"),
        ("derivation_roots", "int", "groups of its articles not linked by derivation"),
        ("attributed_sources", "str", "channels the mentions cite (outlet or agency, else the named source), '|'-joined"),
        ("n_mutations", "int", "changed values in the cluster"),
        ("n_invented", "int", "invented details or claims in the cluster"),
        ("aircraft", "str", "reference aircraft designator as written (flight clusters)"),
        ("date_start", "date", "reference date window start"),
        ("date_end", "date", "reference date window end"),
        ("count", "int", "reference count of flights (when articles write one)"),
    ],
    "claim_mentions": [
        ("cluster_id", "str", "claim cluster"),
        ("claim_id", "str", "the claim (article_id#sentence_id[.clause])"),
        ("article_id", "str", "article making the claim"),
        ("sentence_id", "int", "sentence holding it"),
        ("start", "int", "start of the claim in the article text"),
        ("end", "int", "end of the claim"),
        ("text", "str", "the claim's words"),
        ("kind", "str", "claim kind"),
        ("language", "str", "article language"),
        ("outlet", "str", "article outlet"),
        ("published", "date", "article publication date; empty if undated"),
        ("order_rank", "int", "0-based position of the article in the timeline"),
        ("order_date", "date", "date that orders the article (publication, else latest mentioned)"),
        ("order_from", "str", "published, latest_mentioned or none"),
        ("is_first", "bool", "the mention belongs to the cluster's first article"),
        ("article_no", "int", "1 for the first article of the cluster, 2 for the next repeating article, ..."),
        ("matched_by", "str", "text, facts or text+facts: how the mention joined its cluster (empty if alone)"),
        ("match_score", "float", "score of its best link inside the cluster"),
        ("aircraft_as_written", "str", "aircraft as written (flight claims)"),
        ("date_start", "date", "claimed date or window start"),
        ("date_end", "date", "claimed window end"),
        ("count", "int", "claimed count (when written)"),
        ("places", "str", "canonical places, '|'-joined"),
        ("people", "str", "people named, '|'-joined"),
        ("source", "str", "sources cited in the sentence, '|'-joined"),
        ("channel", "str", "outlet or agency the claim came through"),
    ],
    "mutations": [
        ("cluster_id", "str", "claim cluster"),
        ("article_id", "str", "article with the changed or invented value"),
        ("claim_id", "str", "its claim"),
        ("sentence_id", "int", "its sentence"),
        ("field", "str", "aircraft, date, count, place, person, source, source_wording or claim"),
        ("value", "str", "the article's value"),
        ("reference_value", "str", "the earlier or majority value; empty for invented details"),
        ("kind", "str", "changed or invented"),
        ("start", "int", "start of the evidence in the article text"),
        ("end", "int", "end of the evidence"),
        ("evidence", "str", "the words: text[start:end]"),
        ("reference_article", "str", "article holding the reference value (the earliest with it)"),
        ("rule", "str", "why it is flagged, in words"),
        ("published", "date", "publication date of the article"),
        ("language", "str", "article language"),
        ("hedged", "bool", "the sentence is hedged (reportedly, якобы, ...)"),
    ],
    "article_links": [
        ("source_article", "str", "the earlier article (likely source)"),
        ("target_article", "str", "the later article (likely copy, paraphrase or translation)"),
        ("kind", "str", "copy (same language, near-identical), paraphrase (same language) or translation"),
        ("score", "float", "0-1 strength of the evidence"),
        ("evidence", "str", "the evidence in words"),
        ("direction_confidence", "str", "high, medium or low (see the module docs)"),
        ("shared_claims", "int", "claim clusters both articles make"),
        ("order_agreement", "float", "share of the shared claims' pairs told in the same order"),
        ("text_similarity", "float", "mean similarity of the aligned sentences (same language)"),
        ("shared_ngrams", "int", "rare word 4-grams both use"),
        ("shared_mutations", "int", "changed or invented values both carry"),
        ("best_parent", "bool", "the strongest link into the target article"),
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
