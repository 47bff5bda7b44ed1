"""Claim spread on the five seed articles (hand-checked in tests/seed_facts.json).

The seeds: 004 (The Moscow Times, 30 Oct) and 003 (Euromaidan Press, 31 Oct) are dated; 002 is an
undated paraphrase of 004; 000 and 001 are undated embellished re-tellings that share much wording.
"""
from __future__ import annotations

import pandas as pd
import pytest

from hmeimim import spread


def _ids(corpus) -> dict[str, str]:
    return {a[:3]: a for a in corpus.articles["article_id"]}


@pytest.fixture(scope="module")
def ids(seeds_corpus):
    return _ids(seeds_corpus)


def _cluster_of(corpus, article_id: str, needle: str) -> str:
    m = corpus.claim_mentions
    hit = m[(m["article_id"] == article_id) & m["text"].str.contains(needle, regex=False)]
    assert len(hit), f"no claim of {article_id} contains {needle!r}"
    return hit["cluster_id"].iloc[0]


def _articles(corpus, cluster_id: str) -> set[str]:
    m = corpus.claim_mentions
    return {a[:3] for a in m.loc[m["cluster_id"] == cluster_id, "article_id"]}


def test_timeline_puts_dated_articles_first_then_undated_by_latest_mentioned_date(seeds_corpus, ids):
    m = seeds_corpus.claim_mentions.drop_duplicates("article_id").sort_values("order_rank")
    assert [a[:3] for a in m["article_id"]] == ["004", "003", "002", "000", "001"]
    by = dict(zip(m["article_id"].str[:3], m["order_from"]))
    assert by["004"] == by["003"] == "published"
    assert by["000"] == by["001"] == "latest_mentioned"


def test_the_il62_route_is_one_claim_in_all_five_articles(seeds_corpus, ids):
    c = _cluster_of(seeds_corpus, ids["004"], "Libya-Latakia-Moscow")
    assert _articles(seeds_corpus, c) == {"000", "001", "002", "003", "004"}
    row = seeds_corpus.claim_clusters.set_index("cluster_id").loc[c]
    assert row["first_article"] == ids["004"] and row["first_published"] == "2025-10-30"
    assert row["aircraft"] == "Il-62M"


def test_il26m_in_002_and_004_is_an_aircraft_mutation_of_il62m(seeds_corpus, ids):
    mut = seeds_corpus.mutations
    air = mut[mut["field"] == "aircraft"]
    assert set(air["article_id"].str[:3]) == {"002", "004"}
    # as written: 004's file has the OCR reading "I1-26M" (its normalised text, which offsets point
    # into, reads "Il-26M"); 002 wrote "Il-26M"
    assert dict(zip(air["article_id"].str[:3], air["value"])) == {"002": "Il-26M", "004": "I1-26M"}
    assert set(air["reference_value"]) == {"Il-62M"}
    assert (air["kind"] == "changed").all()
    for r in air.itertuples():
        assert seeds_corpus.text(r.article_id)[r.start:r.end] == "Il-26M"
    # one claim: the mutated mentions are in the same cluster as the correct ones
    assert air["cluster_id"].nunique() == 1


def test_the_four_an124_windows_and_the_unresolved_one(seeds_corpus, ids):
    c = _cluster_of(seeds_corpus, ids["004"], "An-124-100 Ruslan cargo jet reportedly")
    m = seeds_corpus.claim_mentions
    m = m[m["cluster_id"] == c].drop_duplicates("article_id")
    windows = {a[:3]: (ds, de) for a, ds, de in zip(m["article_id"], m["date_start"], m["date_end"])}
    assert windows["000"] == ("2025-10-24", "2025-10-26")
    assert windows["001"] == ("2025-10-24", "2025-10-28")
    assert windows["003"] == ("2025-10-24", "2025-10-29")
    assert windows["004"] == ("2025-10-24", "2025-10-29")  # "between Friday and Wednesday", published 30 Oct
    assert pd.isna(windows["002"][0])                       # undated: "last Friday" stays unresolved
    mut = seeds_corpus.mutations
    dates = mut[(mut["cluster_id"] == c) & (mut["field"] == "date")]
    assert dict(zip(dates["article_id"].str[:3], dates["value"])) == {
        "000": "2025-10-24/2025-10-26", "001": "2025-10-24/2025-10-28"}
    assert set(dates["reference_value"]) == {"2025-10-24/2025-10-29"}


def test_invented_details_are_flagged_in_000_and_001_only(seeds_corpus, ids):
    inv = seeds_corpus.mutations[seeds_corpus.mutations["kind"] == "invented"]
    assert set(inv["article_id"].str[:3]) == {"000", "001"}
    got = {(a[:3], f, v if f != "claim" else "") for a, f, v in zip(inv["article_id"], inv["field"], inv["value"])}
    assert ("001", "place", "Tripoli International Airport") in got
    assert ("001", "person", "Maher al-Assad") in got
    claims = {(a[:3], v) for a, f, v in zip(inv["article_id"], inv["field"], inv["value"]) if f == "claim"}
    assert any(a == "001" and "Idlib" in v for a, v in claims)
    assert any(a == "000" and "repelled an attack" in v for a, v in claims)
    # 001 repeats 000's attack: it has an antecedent, so it is not invented there
    assert not any(a == "001" and "repelled an attack" in v for a, v in claims)
    for r in inv.itertuples():
        assert seeds_corpus.text(r.article_id)[r.start:r.end] == r.evidence


def test_the_repelled_attack_is_one_claim_first_seen_in_000(seeds_corpus, ids):
    c = _cluster_of(seeds_corpus, ids["000"], "repelled an attack")
    assert _articles(seeds_corpus, c) == {"000", "001"}
    assert seeds_corpus.claim_clusters.set_index("cluster_id").at[c, "first_article"] == ids["000"]


def test_002_is_derived_from_004(seeds_corpus, ids):
    links = seeds_corpus.article_links
    row = links[(links["source_article"] == ids["004"]) & (links["target_article"] == ids["002"])]
    assert len(row) == 1
    r = row.iloc[0]
    assert r["kind"] == "paraphrase" and bool(r["best_parent"]) and r["score"] >= 0.9
    assert r["order_agreement"] == 1.0 and "Il-26M" in r["evidence"]
    assert r["direction_confidence"] == "medium"  # 004 is dated, 002 is not


def test_001_shares_its_wording_with_000(seeds_corpus, ids):
    links = seeds_corpus.article_links
    assert ((links["source_article"] == ids["000"]) & (links["target_article"] == ids["001"])).any()


def test_independent_retellings_are_not_linked(seeds_corpus, ids):
    links = seeds_corpus.article_links
    pairs = {(a[:3], b[:3]) for a, b in zip(links["source_article"], links["target_article"])}
    assert pairs == {("004", "002"), ("000", "001")}


def test_forty_retellings_of_one_bloomberg_report_are_one_origin(seeds_corpus, ids):
    c = _cluster_of(seeds_corpus, ids["004"], "Libya-Latakia-Moscow")
    row = seeds_corpus.claim_clusters.set_index("cluster_id").loc[c]
    assert row["independent_origins"] == 1
    assert row["derivation_roots"] == 3     # {004, 002}, {000, 001}, {003}: joined by citing Bloomberg
    assert row["attributed_sources"] == "Bloomberg"


def test_the_kremlin_source_wording_and_the_spelling_of_abu_qasra(seeds_corpus, ids):
    mut = seeds_corpus.mutations
    wording = mut[(mut["field"] == "source_wording") & (mut["article_id"] == ids["002"])]
    assert list(wording["value"]) == ["a Kremlin source"]
    assert list(wording["reference_value"]) == ["a source close to the Kremlin"]
    person = mut[(mut["field"] == "person") & (mut["kind"] == "changed")]
    assert [(a[:3], v, r) for a, v, r in zip(person["article_id"], person["value"], person["reference_value"])] == [
        ("003", "Murhaf Abu Qusra", "Murhaf Abu Qasra")]


def test_claims_that_spread_are_clustered_across_the_articles_that_make_them(seeds_corpus, ids):
    expect = [(ids["004"], "six-month pause", {"000", "001", "002", "003", "004"}),
              (ids["004"], "source close to the Kremlin", {"001", "002", "003", "004"}),
              (ids["004"], "have not responded", {"002", "004"}),
              (ids["004"], "met President Vladimir Putin", {"002", "003", "004"}),
              (ids["004"], "Belousov met", {"002", "004"}),
              (ids["004"], "since intervening in September 2015", {"002", "004"}),
              (ids["004"], "footprint in Syria to shrink", {"002", "003", "004"})]
    for aid, needle, arts in expect:
        assert _articles(seeds_corpus, _cluster_of(seeds_corpus, aid, needle)) == arts, needle


def test_spread_tables_are_deterministic_and_match_their_schema(seeds_corpus):
    again = spread.spread_tables(seeds_corpus)
    for name, df in seeds_corpus.spread.items():
        pd.testing.assert_frame_equal(df, again[name])
        assert list(df.columns[:len(spread.SPREAD_SCHEMA[name])]) == [c for c, _, _ in spread.SPREAD_SCHEMA[name]]
    ids_ = seeds_corpus.claim_clusters["cluster_id"]
    assert list(ids_) == sorted(ids_) and ids_.iloc[0] == "C0001"
    assert seeds_corpus.claim_mentions["claim_id"].is_unique
    assert set(seeds_corpus.claim_mentions["claim_id"]) == set(seeds_corpus.claims["claim_id"])


def test_the_tables_do_not_depend_on_how_many_parsed_facts_are_kept(seeds_corpus, monkeypatch):
    # parsed facts are dropped and parsed again when the cache is full: no caller may change them
    monkeypatch.setattr(spread, "_FACTS_CACHED", 1)
    again = spread.spread_tables(seeds_corpus)
    for name, df in seeds_corpus.spread.items():
        pd.testing.assert_frame_equal(df, again[name])


def test_progress_hears_of_every_step_in_order(seeds_corpus):
    heard = []
    spread.spread_tables(seeds_corpus, progress=heard.append)
    assert tuple(heard) == spread.SPREAD_STEPS
