"""Canonical sources found in the five seed articles against the hand-checked ``tests/seed_facts.json``.

Per article, the SET of canonical sources found is compared with the set expected, and so is the set
of (source, via) pairs; precision and recall are micro-averaged over the articles.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from hmeimim.sources import find_sources
from hmeimim.text import make_doc

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
FACTS = json.loads((ROOT / "tests" / "seed_facts.json").read_text(encoding="utf-8"))
OUTLETS = {"003": "Euromaidan Press", "004": "The Moscow Times"}


def _docs():
    return [make_doc(p.stem, p.read_text(encoding="utf-8"), language="en", outlet=OUTLETS.get(p.stem[:3], ""))
            for p in SEEDS]


def _micro(found: dict[str, set], expected: dict[str, set]) -> tuple[float, float, int, int, int]:
    tp = sum(len(found[a] & expected[a]) for a in expected)
    nf = sum(len(found[a]) for a in expected)
    ne = sum(len(expected[a]) for a in expected)
    return (tp / nf if nf else 1.0), (tp / ne if ne else 1.0), tp, nf, ne


@pytest.fixture(scope="module")
def scored():
    df = find_sources(_docs())
    exp_src, exp_pair, got_src, got_pair = {}, {}, {}, {}
    for art in FACTS["articles"]:
        aid = art["id"]
        exp_src[aid] = {s["source"] for s in art["sources"]}
        exp_pair[aid] = {(s["source"], s.get("via") or "") for s in art["sources"]}
        sub = df[df.article_id == aid]
        got_src[aid] = set(sub.source)
        got_pair[aid] = set(zip(sub.source, sub.via))
    return df, exp_src, exp_pair, got_src, got_pair


def test_seed_articles_all_present():
    assert {p.stem for p in SEEDS} == {a["id"] for a in FACTS["articles"]}


def test_seed_source_sets_precision_recall(scored):
    df, exp_src, exp_pair, got_src, got_pair = scored
    p, r, tp, nf, ne = _micro(got_src, exp_src)
    pp, pr, ptp, pnf, pne = _micro(got_pair, exp_pair)
    print(f"\nseed sources: precision {p:.3f} ({tp}/{nf}), recall {r:.3f} ({tp}/{ne})")
    print(f"seed (source, via) pairs: precision {pp:.3f} ({ptp}/{pnf}), recall {pr:.3f} ({ptp}/{pne})")
    for aid in exp_src:
        miss, extra = exp_src[aid] - got_src[aid], got_src[aid] - exp_src[aid]
        pmiss, pextra = exp_pair[aid] - got_pair[aid], got_pair[aid] - exp_pair[aid]
        if miss or extra or pmiss or pextra:
            print(f"  {aid}: missing {sorted(miss)} extra {sorted(extra)} "
                  f"pairs missing {sorted(pmiss)} extra {sorted(pextra)}")
    assert p >= 0.9 and r >= 0.9


def test_seed_source_via_pairs_precision_recall(scored):
    df, exp_src, exp_pair, got_src, got_pair = scored
    pp, pr, *_ = _micro(got_pair, exp_pair)
    assert pp >= 0.9 and pr >= 0.9


def test_seed_no_comment_rows(scored):
    df = scored[0]
    for aid in ("002_102a3b2828bfc5b2", "004_8c8b87712b2a0ce4"):
        nc = set(df[(df.article_id == aid) & (df.stance == "no_comment")].source)
        assert nc == {"Russian Defense Ministry", "Russian Foreign Ministry", "Syrian Information Ministry"}


def test_seed_hedged_local_sources(scored):
    df = scored[0]
    row = df[(df.article_id == "001_e28acc740dab09bc") & (df.source == "local sources")]
    assert len(row) == 1 and bool(row.hedged.iloc[0])


def test_seed_evidence_spans_point_into_text(scored):
    df = scored[0]
    texts = {d.article_id: d.text for d in _docs()}
    for r in df.itertuples():
        t = texts[r.article_id]
        assert t[r.source_start:r.source_end] == r.as_written
        assert t[r.cue_start:r.cue_end] == r.cue
        assert r.start <= min(r.source_start, r.cue_start) and r.end >= max(r.source_end, r.cue_end)
