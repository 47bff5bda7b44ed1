"""Undated articles are extracted in the first pass with the year the metadata foretells, and
extracted again when the corpus's reference year proves otherwise: either way the tables are
those of extracting them once the reference year is known."""
from __future__ import annotations

import csv

import pandas as pd
import pytest

from hmeimim import pipeline
from hmeimim.bench import synth_corpus
from hmeimim.output import TableSink

TABLES = ("sentences", "sources", "flights", "claims")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """120 synthetic articles: about 60% dated by the metadata, some by their text (datelines)."""
    folder = tmp_path_factory.mktemp("assumed") / "c"
    synth_corpus(folder, 120, seed=3)
    return folder


def _misdated(folder, tmp_path):
    """The corpus with a metadata file that dates three articles in 2024 and no other: the
    metadata foretells 2024, but the articles dated by their text make 2025 the reference year."""
    rows = list(csv.DictReader((folder / "metadata.csv").open(encoding="utf-8")))
    dated = [r for r in rows if r["published"]][:3]
    for r in rows:
        r["published"] = ""
    for r in dated:
        r["published"] = "2024" + r.get("published", "")[4:] if r["published"] else "2024-10-29"
    meta = tmp_path / "metadata.csv"
    with meta.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return meta


def _tables(folder, meta, sink_dir=None, **kw):
    if sink_dir is None:
        c = pipeline.load_corpus(folder, meta, spread=False, progress=False, **kw)
        return c, {t: getattr(c, t) for t in TABLES}
    with TableSink(sink_dir, "parquet") as sink:
        c = pipeline.load_corpus(folder, meta, spread=False, progress=False, sink=sink, **kw)
        out = {t: sink.read(t) for t in TABLES}
        rows = dict(sink.rows)
        sink.abort()
    for t in TABLES:
        assert rows[t] == len(out[t]), t
    return c, out


def _same(a: dict, b: dict) -> None:
    for t in TABLES:
        pd.testing.assert_frame_equal(a[t].reset_index(drop=True), b[t].reset_index(drop=True), obj=t)


@pytest.mark.parametrize("sink", [False, True])
@pytest.mark.parametrize("wrong", [False, True])
def test_assumed_year_gives_the_tables_of_a_late_extraction(corpus, tmp_path, monkeypatch, sink, wrong):
    meta = _misdated(corpus, tmp_path) if wrong else corpus / "metadata.csv"
    plan = pipeline.plan_corpus(corpus, meta)
    guess = pipeline.metadata_year(plan)
    assert guess == (2024 if wrong else 2025)
    c, got = _tables(corpus, meta, tmp_path / "a" if sink else None, workers=1)
    assert c.ref_year == 2025
    assert c.articles["published"].isna().sum() > 10  # the case at hand: undated articles
    monkeypatch.setattr(pipeline, "metadata_year", lambda plan: None)  # the late extraction only
    _, want = _tables(corpus, meta, tmp_path / "b" if sink else None, workers=1)
    _same(got, want)


def test_metadata_year_is_the_most_common_year_ties_to_the_later(tmp_path):
    plan = pipeline.Plan(tmp_path, [(tmp_path / f"{i}.txt", tmp_path, m) for i, m in enumerate(
        [{"published": "2024-01-02"}, {"published": "2025-03-04"}, {}, {"published": ""}])], [], None)
    assert pipeline.metadata_year(plan) == 2025
    assert pipeline.metadata_year(pipeline.Plan(tmp_path, [], [], None)) is None
