"""Claim spread: clustering across languages, mutations carried by translations, invented claims,
derivation links, the timeline rule, and the cost of candidate generation.

The fixture corpus ``tests/fixtures/spread/`` is a small story in three languages: a wire report
(en, 30 Oct), an English re-write that garbles the aircraft (Il-26M) and widens the An-124 window
(31 Oct), a Russian translation of the re-write that carries both changes (1 Nov), an independent
Arabic report (31 Oct) and a blog that adds an unattributed attack (2 Nov).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import hmeimim
from hmeimim import schema, spread
from hmeimim.pipeline import Corpus

FIX = Path(__file__).resolve().parent / "fixtures" / "spread"


@pytest.fixture(scope="module")
def fx():
    return hmeimim.load_corpus(FIX, workers=1)


def _cluster(corpus, article_id: str, needle: str) -> str:
    m = corpus.claim_mentions
    hit = m[(m["article_id"] == article_id) & m["text"].str.contains(needle, regex=False)]
    assert len(hit), (article_id, needle)
    return hit["cluster_id"].iloc[0]


def _members(corpus, cluster_id: str) -> set[str]:
    m = corpus.claim_mentions
    return set(m.loc[m["cluster_id"] == cluster_id, "article_id"])


# --- the fixture story ------------------------------------------------------------------------------


def test_the_il62_route_is_one_claim_in_english_russian_and_arabic(fx):
    c = _cluster(fx, "en_wire", "Il-62M")
    assert _members(fx, c) == {"en_wire", "en_rewrite", "ru_translation", "ar_independent", "en_embellished"}
    row = fx.claim_clusters.set_index("cluster_id").loc[c]
    assert row["languages"] == "en|ar|ru" and row["n_languages"] == 3
    assert row["first_article"] == "en_wire" and row["aircraft"] == "Il-62M"


def test_a_translation_carries_the_garbled_aircraft_forward_and_both_are_flagged(fx):
    mut = fx.mutations
    air = mut[mut["field"] == "aircraft"].set_index("article_id")
    assert set(air.index) == {"en_rewrite", "ru_translation"}
    assert air.at["en_rewrite", "value"] == "Il-26M" and air.at["ru_translation", "value"] == "Ил-26М"
    assert set(air["reference_value"]) == {"Il-62M"} and air["cluster_id"].nunique() == 1
    assert fx.text("ru_translation")[air.at["ru_translation", "start"]:air.at["ru_translation", "end"]] == "Ил-26М"


def test_the_widened_window_is_a_date_mutation_in_the_rewrite_and_its_translation(fx):
    mut = fx.mutations
    d = mut[mut["field"] == "date"]
    assert dict(zip(d["article_id"], d["value"])) == {"en_rewrite": "2025-10-25/2025-10-29",
                                                      "ru_translation": "2025-10-25/2025-10-29"}
    assert set(d["reference_value"]) == {"2025-10-25/2025-10-28"}


def test_the_translation_is_linked_to_its_source_by_the_shared_mutations(fx):
    links = fx.article_links.set_index(["source_article", "target_article"])
    r = links.loc[("en_rewrite", "ru_translation")]
    assert r["kind"] == "translation" and r["direction_confidence"] == "high" and bool(r["best_parent"])
    assert "Il-26M" in r["evidence"] and r["shared_mutations"] >= 2
    assert links.loc[("en_wire", "en_rewrite"), "kind"] == "paraphrase"
    assert not any("ar_independent" in pair for pair in links.index)


def test_an_unattributed_attack_with_no_antecedent_is_invented(fx):
    inv = fx.mutations[fx.mutations["kind"] == "invented"]
    assert list(inv["article_id"]) == ["en_embellished"]
    assert inv["field"].iloc[0] == "claim" and "Kfar Dabil" in inv["value"].iloc[0]


def test_the_independent_report_is_its_own_origin(fx):
    c = _cluster(fx, "en_wire", "Il-62M")
    row = fx.claim_clusters.set_index("cluster_id").loc[c]
    assert row["derivation_roots"] == 2  # the wire's family of copies, and the Arabic report


# --- rules on small corpora ---------------------------------------------------------------------------


def _corpus(docs: list[tuple[str, str, str | None, str]]) -> Corpus:
    """A corpus from (article_id, language, published, text) without touching the disk."""
    from hmeimim.pipeline import assemble_extraction, extract_doc
    from hmeimim.text import make_doc, normalize, split_sentences

    arts, sents, dl = [], [], []
    for aid, lang, pub, text in docs:
        t = normalize(text)
        arts.append({"article_id": aid, "language": lang, "published": pub, "text": t, "outlet": aid.upper()})
        for i, (s, e) in enumerate(split_sentences(t)):
            sents.append({"article_id": aid, "sentence_id": i, "start": s, "end": e, "text": t[s:e]})
        d = make_doc(aid, t, lang, pd.Timestamp(pub).date() if pub else None, 2025, normalized=True)
        dl.append(d)
    c = Corpus(Path("mem"), schema.conform("articles", pd.DataFrame(arts)),
               schema.conform("sentences", pd.DataFrame(sents)), schema.conform("rejects", None))
    return assemble_extraction(c, [extract_doc(d) for d in dl])


def test_undated_articles_follow_dated_ones_ordered_by_the_latest_date_they_mention():
    c = _corpus([("late", "en", None, "An Il-62M flew from Libya to Latakia on 28 October."),
                 ("early", "en", None, "An Il-62M flew from Libya to Latakia on 20 October."),
                 ("dated", "en", "2025-10-01", "An Il-62M flew from Libya to Latakia on 28 September."),
                 ("blank", "en", None, "Analysts expect more flights.")])
    tl = spread.timeline(c.articles, c.claims)
    assert list(tl["article_id"]) == ["dated", "early", "late", "blank"]
    assert list(tl["order_from"]) == ["published", "latest_mentioned", "latest_mentioned", "none"]


def test_a_claim_attributed_to_a_named_outlet_is_not_invented():
    c = _corpus([("a", "en", "2025-10-30", "An Il-62M flew from Libya to Latakia on 26 October, Bloomberg reported."),
                 ("b", "en", "2025-10-31", "An Il-62M flew from Libya to Latakia on 26 October.\n\n"
                                           "Reuters reported that gunmen attacked the Hmeimim base from Kfar Dabil.\n\n"
                                           "Gunmen attacked the Tartus port from Baniyas on 29 October.")])
    c.spread = spread.spread_tables(c)
    inv = c.mutations[c.mutations["kind"] == "invented"]
    assert list(inv["value"]) == ["Gunmen attacked the Tartus port from Baniyas on 29 October."]


def test_the_first_article_of_a_corpus_invents_nothing():
    c = _corpus([("a", "en", "2025-10-30", "Gunmen attacked the Hmeimim base from Kfar Dabil on 29 October.")])
    assert spread.spread_tables(c)["mutations"].empty


def test_a_near_identical_transliteration_is_a_name_mutation_but_a_shortened_name_is_not():
    c = _corpus([("a", "en", "2025-10-28", "Andrei Belousov met Murhaf Abu Qasra in Moscow on 27 October."),
                 ("b", "en", "2025-10-29", "Andrei Belousov met Murhaf Abu Qasra in Moscow on 27 October."),
                 ("c", "en", "2025-10-30", "Belousov met Murhaf Abu Qusra in Moscow on 27 October.")])
    mut = spread.spread_tables(c)["mutations"]
    person = mut[mut["field"] == "person"]
    assert list(zip(person["article_id"], person["value"], person["reference_value"])) == [
        ("c", "Murhaf Abu Qusra", "Murhaf Abu Qasra")]


def test_dropping_the_tracker_name_is_a_source_mutation():
    c = _corpus([("a", "en", "2025-10-28", "Russia resumed flights to Hmeimim after a six-month pause, "
                                           "Bloomberg reported, citing Flightradar24 data."),
                 ("b", "en", "2025-10-29", "Russia resumed flights to Hmeimim after a six-month pause, "
                                           "Bloomberg reported, citing Flightradar24 data."),
                 ("c", "de", "2025-10-30", "Russland hat nach einer sechsmonatigen Pause die Flüge nach Hmeimim "
                                           "wieder aufgenommen, berichtete Bloomberg unter Berufung auf "
                                           "Flugverfolgungsdaten.")])
    mut = spread.spread_tables(c)["mutations"]
    src = mut[mut["field"] == "source"]
    assert list(zip(src["article_id"], src["value"], src["reference_value"])) == [
        ("c", "flight tracking data", "Flightradar24")]


def test_an_empty_corpus_gives_empty_tables_with_their_columns():
    c = Corpus(Path("x"), schema.conform("articles", None), schema.conform("sentences", None),
               schema.conform("rejects", None))
    out = spread.spread_tables(c)
    for name, spec in spread.SPREAD_SCHEMA.items():
        assert out[name].empty and list(out[name].columns) == [col for col, _, _ in spec]


def test_the_result_does_not_depend_on_the_order_of_the_claims(fx):
    shuffled = Corpus(fx.root, fx.articles, fx.sentences, fx.rejects, fx.sources, fx.flights,
                      fx.claims.sample(frac=1.0, random_state=3).reset_index(drop=True))
    again = spread.spread_tables(shuffled)
    for name in spread.SPREAD_SCHEMA:
        pd.testing.assert_frame_equal(fx.spread[name], again[name])


# --- building blocks ----------------------------------------------------------------------------------


def test_the_chunked_product_finds_the_same_pairs_as_all_pairs():
    from sklearn.feature_extraction.text import TfidfVectorizer

    rng = np.random.default_rng(0)
    vocab = [f"w{k}" for k in range(300)]
    docs = [" ".join(rng.choice(vocab, 12)) for _ in range(400)]
    docs += [d + " extra" for d in docs[:50]]  # planted near-duplicates
    x = TfidfVectorizer().fit_transform(docs).astype(np.float32)
    cfg = spread.SpreadConfig(chunk=37, product_budget=500, topk=1000)
    i, j = spread._chunked_text_pairs(x, np.arange(x.shape[0]), cfg)
    got = set(zip(i.tolist(), j.tolist()))
    full = (x @ x.T).toarray()
    want = {(a, b) for a, b in zip(*np.nonzero(np.triu(full, 1) >= cfg.candidate_text))}
    assert got == want and len(want) >= 50


def test_blocking_pairs_grow_linearly_with_the_claims_not_quadratically():
    rng = np.random.default_rng(1)
    cfg = spread.SpreadConfig()
    counts = []
    for n in (2_000, 20_000):
        keys = [f"{t}:{rng.integers(m)}" for _ in range(n) for t, m in (("fam", 3), ("d", 30), ("pl", 5))]
        i, j = spread._blocking_pairs(keys, np.full(n, 3), rng.integers(0, 100, n), cfg)
        counts.append(len(i))
        assert len(i) <= n * 3 * (cfg.window + cfg.pivots)
    assert counts[1] / counts[0] < 11  # ten times the claims, about ten times the pairs


def test_votes_take_the_majority_and_break_ties_by_the_earliest_article():
    assert spread._vote([("x", 2, "c"), ("y", 0, "a"), ("x", 3, "d")]) == ("x", "c")
    assert spread._vote([("x", 2, "c"), ("y", 0, "a")]) == ("y", "a")
    assert spread._vote([("x", 1, "a"), ("y", 1, "a")]) == ("x", "a")  # one vote per article: its first


def test_designators_conflict_on_digits_and_suffixes_not_on_omissions():
    assert spread._desig_conflict("Il-26M", "Il-62M")
    assert spread._desig_conflict("Il-76MD", "Il-76TD")
    assert not spread._desig_conflict("Il-62", "Il-62M")
    assert not spread._desig_conflict("An-124", "An-124-100")


def test_clusters_with_counts_of_several_articles_and_of_one_mix_cleanly():
    """Regression: a cluster's reference count (text from a vote) next to a lone article's
    count (a number) must still give one integer column, not a crash."""
    from pathlib import Path

    import hmeimim

    corpus = hmeimim.load_corpus(Path(__file__).parent / "fixtures" / "mixed_counts", workers=1)
    clusters = corpus.spread["claim_clusters"]
    assert str(clusters["count"].dtype) == "Int64"
    assert 3 in set(clusters["count"].dropna())


# --- partial agreement of flight claims -------------------------------------------------------------


def _flight_cluster(c, article_id: str) -> str:
    m = c.claim_mentions
    hit = m[(m["article_id"] == article_id) & (m["kind"] == "flight")]
    assert len(hit) == 1, (article_id, hit)
    return hit["cluster_id"].iloc[0]


def test_a_flight_claim_that_changed_its_count_and_window_joins_the_cluster_and_both_are_mutations():
    c = _corpus([("a", "en", "2025-10-30", "An An-124 landed three times at Hmeimim between 24 and 29 October."),
                 ("b", "en", "2025-10-31", "The An-124 transport landed at Hmeimim three times from 24 to 29 October."),
                 ("g", "en", "2025-11-02", "Meanwhile the giant An-124 reportedly made five trips between "
                                           "October 25-27, according to Flightradar24.")])
    c.spread = spread.spread_tables(c)
    cid = _flight_cluster(c, "a")
    assert _flight_cluster(c, "b") == cid and _flight_cluster(c, "g") == cid
    mut = c.mutations[(c.mutations["kind"] == "changed") & (c.mutations["cluster_id"] == cid)]
    got = {(r.article_id, r.field, r.value, r.reference_value) for r in mut.itertuples()}
    assert got == {("g", "count", "5", "3"), ("g", "date", "2025-10-25/2025-10-27", "2025-10-24/2025-10-29")}
    g = mut.set_index("field")
    assert c.text("g")[g.at["count", "start"]:g.at["count", "end"]].startswith("five")
    row = c.claim_clusters.set_index("cluster_id").loc[cid]
    assert row["n_articles"] == 3 and row["count"] == 3 and row["date_start"] == "2025-10-24"


def test_partial_agreement_does_not_join_other_aircraft_disjoint_windows_or_unrelated_places():
    c = _corpus([("a", "en", "2025-10-30", "An An-124 landed three times at Hmeimim between 24 and 29 October."),
                 ("b", "en", "2025-10-31", "The An-124 transport landed at Hmeimim three times from 24 to 29 October."),
                 # same month, windows do not overlap
                 ("m", "en", "2025-11-20", "An An-124 made five trips between November 10 and 12."),
                 ("n", "en", "2025-11-01", "The giant An-124 made five trips between October 3 and 6."),
                 # another aircraft family, same window
                 ("f", "en", "2025-11-01", "An Il-76 made five trips between October 25 and 27."),
                 # overlapping window, an unrelated place
                 ("p", "en", "2025-11-01", "An An-124 flew to Libya twice between October 25 and 27.")])
    c.spread = spread.spread_tables(c)
    cid = _flight_cluster(c, "a")
    assert _flight_cluster(c, "b") == cid
    for other in ("m", "n", "f", "p"):
        assert _flight_cluster(c, other) != cid, other
    assert _flight_cluster(c, "f") != _flight_cluster(c, "p")


def test_flight_window_keys_are_the_family_with_each_iso_week_of_the_window():
    claims = pd.DataFrame({"aircraft_family": ["An-124", "An-124", "", "Il-62"],
                           "kind": ["flight", "flight", "flight", "event"],
                           "date_start": ["2025-10-24", "2025-10-21", "2025-10-24", "2025-10-26"],
                           "date_end": ["2025-10-29", "2025-10-23", "2025-10-29", "2025-10-26"]})
    keys = spread.flight_window_keys(claims)
    assert keys[0] == ["fw:An-124|2025-W43", "fw:An-124|2025-W44"]
    assert keys[1] == ["fw:An-124|2025-W43"]
    assert keys[2] == [] and keys[3] == []


# --- translations linked by structure ---------------------------------------------------------------

_EN_STORY = ["Russia resumed military transport flights to Syria after a six-month pause.",
             "An An-124 landed three times at Hmeimim between 24 and 29 October.",
             "On 26 October an Il-62M flew from Libya to Latakia and then to Moscow Oblast.",
             "Syrian President Ahmed al-Sharaa met Vladimir Putin in Moscow on 15 October.",
             "The Russian Defence Ministry did not respond to a request for comment."]
_RU_STORY = ["Россия возобновила военно-транспортные рейсы в Сирию после шестимесячного перерыва.",
             "Ан-124 трижды приземлялся на авиабазе Хмеймим с 24 по 29 октября.",
             "26 октября Ил-62М пролетел из Ливии в Латакию, а затем в Подмосковье.",
             "Президент Сирии Ахмед аш-Шараа встретился с Владимиром Путиным в Москве 15 октября.",
             "Министерство обороны России не ответило на запрос о комментарии."]


def _story(sents, order=None):
    return "\n\n".join(sents[k] for k in (order or range(len(sents))))


@pytest.mark.parametrize("en_published, confidence", [("2025-10-30", "medium"), (None, "low")])
def test_a_faithful_translation_is_linked_by_its_claims_in_the_same_order(en_published, confidence):
    c = _corpus([("en", "en", en_published, _story(_EN_STORY)), ("ru", "ru", None, _story(_RU_STORY))])
    c.spread = spread.spread_tables(c)
    links = c.article_links
    assert len(links) == 1
    row = links.iloc[0]
    assert (row["source_article"], row["target_article"], row["kind"]) == ("en", "ru", "translation")
    assert row["shared_claims"] == 5 and row["shared_mutations"] == 0 and row["score"] >= 0.5
    assert row["direction_confidence"] == confidence


def test_structure_alone_does_not_link_reordered_short_or_common_source_retellings():
    # the same claims in another order
    c = _corpus([("en", "en", "2025-10-30", _story(_EN_STORY)), ("ru", "ru", None, _story(_RU_STORY, [3, 1, 4, 0, 2]))])
    assert spread.spread_tables(c)["article_links"].empty
    # three shared claims only
    c = _corpus([("en", "en", "2025-10-30", _story(_EN_STORY[:3])), ("ru", "ru", None, _story(_RU_STORY[:3]))])
    assert spread.spread_tables(c)["article_links"].empty
    # both re-tell the same cited channel: a common source explains the shared structure
    en = list(_EN_STORY)
    ru = list(_RU_STORY)
    en[1] = "An An-124 landed three times at Hmeimim between 24 and 29 October, Bloomberg reported."
    ru[1] = "Ан-124 трижды приземлялся на авиабазе Хмеймим с 24 по 29 октября, сообщило агентство Bloomberg."
    c = _corpus([("en", "en", "2025-10-30", _story(en)), ("ru", "ru", None, _story(ru))])
    c.spread = spread.spread_tables(c)
    assert c.claim_mentions.groupby("cluster_id")["article_id"].nunique().eq(2).sum() >= 4
    assert c.article_links.empty
