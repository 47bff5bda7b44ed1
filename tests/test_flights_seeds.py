"""Score the flight extractor on the five seed articles against the hand-checked facts.

Score (per the issue): recall = fraction of expected flights matched exactly on aircraft, count,
date_start and date_end; precision = fraction of emitted non-restating rows that match an
expected flight (one-to-one). Both must be >= 0.95. The facts are a check of general rules,
never a lookup: nothing here feeds back into the extractor.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from hmeimim.flights import FLIGHT_COLUMNS, find_flights, flights_for_doc
from hmeimim.text import make_doc

ROOT = Path(__file__).resolve().parents[1]
FACTS = json.loads((ROOT / "tests" / "seed_facts.json").read_text(encoding="utf-8"))
KEYS = ("aircraft", "count", "date_start", "date_end")


def _doc(article: dict):
    path = ROOT / "seeds" / f"{article['id']}.txt"
    published = date.fromisoformat(article["published"]) if article.get("published") else None
    return make_doc(article["id"], path.read_text(encoding="utf-8"), language=article.get("language") or "en",
                    published=published, ref_year=None if published else 2025)


@pytest.fixture(scope="module")
def rows_by_article() -> dict[str, list[dict]]:
    return {a["id"]: flights_for_doc(_doc(a)) for a in FACTS["articles"]}


def _key(d: dict) -> tuple:
    return tuple(d.get(k) for k in KEYS)


def test_seed_score(rows_by_article):
    expected_n = emitted_n = matched = 0
    misses = []
    for article in FACTS["articles"]:
        expected = [_key(f) for f in article.get("flights", [])]
        emitted = [_key(r) for r in rows_by_article[article["id"]] if not r["restates"]]
        expected_n += len(expected)
        emitted_n += len(emitted)
        pool = list(emitted)
        for e in expected:
            if e in pool:
                pool.remove(e)
                matched += 1
            else:
                misses.append((article["id"], "missed", e))
        misses += [(article["id"], "extra", x) for x in pool]
    recall = matched / expected_n
    precision = matched / emitted_n if emitted_n else 0.0
    print(f"\nseed flights: expected {expected_n}, emitted {emitted_n} non-restating, matched {matched}; "
          f"recall {recall:.3f}, precision {precision:.3f}")
    for m in misses:
        print("  ", m)
    assert recall >= 0.95, misses
    assert precision >= 0.95, misses


@pytest.mark.parametrize("article_id", ["002_102a3b2828bfc5b2", "004_8c8b87712b2a0ce4"])
def test_summary_mentions_restate(rows_by_article, article_id):
    rows = rows_by_article[article_id]
    restating = [r for r in rows if r["restates"]]
    # "An Il-62 ... and an An-124 ... recently landed/arrived": both kept, both restating
    assert {r["aircraft"] for r in restating} >= {"Il-62", "An-124"}
    assert all(r["sentence_id"] == restating[0]["sentence_id"] for r in restating)
    for r in restating:
        assert r["aircraft_as_written"] in ("Il-62", "I1-62", "An-124")
    # the restating rows add no flights: one non-restating row per expected flight
    assert len([r for r in rows if not r["restates"]]) == 2


def test_closing_mention_restates(rows_by_article):
    rows = rows_by_article["001_e28acc740dab09bc"]
    last = max(r["sentence_id"] for r in rows)
    closing = [r for r in rows if r["sentence_id"] == last]
    assert {r["aircraft"] for r in closing} == {"Il-62M", "An-124"}
    assert all(r["restates"] for r in closing)


@pytest.mark.parametrize("article_id", ["002_102a3b2828bfc5b2", "004_8c8b87712b2a0ce4"])
def test_nonexistent_designator(rows_by_article, article_id):
    (row,) = [r for r in rows_by_article[article_id] if r["aircraft_flag"] == "nonexistent_designator"]
    # as the file writes it: 004's PDF text has the OCR reading "I1-26M"
    assert row["aircraft_as_written"] == {"002_102a3b2828bfc5b2": "Il-26M", "004_8c8b87712b2a0ce4": "I1-26M"}[article_id]
    assert row["aircraft"] == "Il-62M"
    assert not row["restates"] and row["count"] == 1
    assert row["route"] == "Libya \u2192 Latakia \u2192 Moscow Oblast"


@pytest.mark.parametrize("article_id,window", [("000_9004a9fd18155c9d", "2025-10-24..2025-10-26"),
                                               ("001_e28acc740dab09bc", "2025-10-24..2025-10-28")])
def test_weekday_contradiction(rows_by_article, article_id, window):
    flagged = [r for r in rows_by_article[article_id] if r["contradiction"]]
    assert len(flagged) == 1
    (row,) = flagged
    assert row["aircraft"] == "An-124-100" and row["count"] == 3
    assert "Wednesday" in row["contradiction"] and window in row["contradiction"]


@pytest.mark.parametrize("article_id", ["002_102a3b2828bfc5b2", "003_bcc0908ea47da197", "004_8c8b87712b2a0ce4"])
def test_no_false_contradiction(rows_by_article, article_id):
    assert not any(r["contradiction"] for r in rows_by_article[article_id])


def test_undated_relative_dates_stay_unresolved(rows_by_article):
    rows = [r for r in rows_by_article["002_102a3b2828bfc5b2"] if not r["restates"]]
    by_aircraft = {r["aircraft"]: r for r in rows}
    assert by_aircraft["An-124-100"]["date_as_written"] == "between last Friday and Wednesday"
    assert by_aircraft["Il-62M"]["date_as_written"] == "last Sunday"
    assert all(r["date_start"] is None and r["date_end"] is None for r in rows)


def test_seed_details(rows_by_article):
    rows = {(a, r["aircraft"]): r for a, rs in rows_by_article.items() for r in rs if not r["restates"]}
    il = rows[("000_9004a9fd18155c9d", "Il-62M")]
    assert (il["event"], il["operator"], il["origin"], il["destination"]) == (
        "route", "Russian Air Force", "Libya", "Moscow Oblast")
    assert il["date_year_inferred"] is True
    an = rows[("003_bcc0908ea47da197", "An-124-100")]
    assert (an["event"], an["destination"], an["date_as_written"]) == ("arrival", "Hmeimim", "between 24-29 October")
    assert an["aircraft_as_written"] == "Antonov An-124-100 Ruslan"
    assert rows[("001_e28acc740dab09bc", "Il-62M")]["origin"] == "Tripoli International Airport"
    hedged = rows[("004_8c8b87712b2a0ce4", "An-124-100")]
    assert hedged["hedged"] is True and hedged["destination"] == "Hmeimim"   # "reportedly arrived there"


def test_evidence_offsets(rows_by_article):
    for article in FACTS["articles"]:
        doc = _doc(article)
        for r in rows_by_article[article["id"]]:
            assert r["aircraft_as_written"] in doc.as_in_file(r["start"], r["end"])
            s = doc.sentences[r["sentence_id"]]
            assert s.start <= r["start"] < r["end"] <= s.end
            if r["date_as_written"]:
                assert r["date_as_written"] in doc.text[r["start"]:r["end"]] or r["aircraft_flag"] == "anaphora"


def test_find_flights_frame():
    docs = [_doc(a) for a in reversed(FACTS["articles"])]
    df = find_flights(docs)
    assert list(df.columns[:len(FLIGHT_COLUMNS)]) == FLIGHT_COLUMNS
    assert list(df["article_id"]) == sorted(df["article_id"])
    for _, g in df.groupby("article_id"):
        assert list(g["start"]) == sorted(g["start"])
    assert str(df["count"].dtype) == "Int64" and str(df["restates"].dtype) == "boolean"
