"""The command line: tables written with their columns, one clear line on bad arguments."""
from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from hmeimim import schema
from hmeimim.cli import main

from conftest import SEEDS


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "hmeimim.cli", *map(str, args)], capture_output=True, text=True)


def test_extract_writes_the_six_tables_with_their_columns(tmp_path):
    assert main(["extract", str(SEEDS), "--out", str(tmp_path), "--quiet"]) == 0
    for name in ("articles", "sentences", "sources", "flights", "claims", "rejects"):
        df = pd.read_csv(tmp_path / f"{name}.csv", dtype=str, keep_default_na=False)
        assert list(df.columns[: len(schema.columns(name))]) == schema.columns(name), name
    arts = pd.read_csv(tmp_path / "articles.csv", dtype=str, keep_default_na=False).set_index("article_id")
    assert len(arts) == 5
    assert arts.loc["003_bcc0908ea47da197", "published"] == "2025-10-31"
    assert arts.loc["004_8c8b87712b2a0ce4", "published"] == "2025-10-30"
    sents = pd.read_csv(tmp_path / "sentences.csv", dtype={"start": int, "end": int}, keep_default_na=False)
    texts = arts["text"]
    assert all(texts[r.article_id][r.start:r.end] == r.text for r in sents.itertuples())


def test_extract_parquet(tmp_path):
    pytest.importorskip("pyarrow")
    assert main(["extract", str(SEEDS), "--out", str(tmp_path), "--format", "parquet", "--quiet"]) == 0
    assert len(pd.read_parquet(tmp_path / "articles.parquet")) == 5


@pytest.mark.parametrize("args,message", [
    (["extract", "no/such/folder", "--out", "x"], "corpus folder not found"),
    (["extract", "seeds"], "--out"),
    (["extract", "seeds", "--out", "x", "--format", "xml"], "invalid choice"),
    (["extract", "seeds", "--out", "x", "--workers", "0"], "--workers"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_arguments_give_one_clear_line_and_a_nonzero_exit(args, message):
    r = run_cli(*args)
    assert r.returncode != 0
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in r.stderr


def test_ref_year_resolves_year_less_dates_in_an_all_undated_corpus(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("An An-124 landed at Hmeimim three times between 24 and 29 October.", encoding="utf-8")
    assert main(["extract", str(corpus), "--out", str(tmp_path / "o1"), "--quiet"]) == 0
    assert main(["extract", str(corpus), "--out", str(tmp_path / "o2"), "--quiet", "--ref-year", "2025"]) == 0
    f1 = pd.read_csv(tmp_path / "o1" / "flights.csv", dtype=str, keep_default_na=False)
    f2 = pd.read_csv(tmp_path / "o2" / "flights.csv", dtype=str, keep_default_na=False)
    assert f1["date_start"].tolist() == [""] and f1["date_as_written"].str.contains("24").all()
    assert f2[["date_start", "date_end"]].values.tolist() == [["2025-10-24", "2025-10-29"]]


def test_extract_no_spread_writes_the_extraction_tables_only(tmp_path):
    main(["extract", str(SEEDS), "--out", str(tmp_path), "--format", "parquet", "--quiet"])
    full = pd.read_parquet(tmp_path / "claims.parquet")
    assert (tmp_path / "claim_clusters.parquet").exists()
    assert main(["extract", str(SEEDS), "--out", str(tmp_path), "--format", "parquet", "--quiet", "--no-spread"]) == 0
    names = sorted(p.stem for p in tmp_path.iterdir())
    assert names == ["articles", "claims", "flights", "rejects", "sentences", "sources"]  # stale spread tables gone
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "claims.parquet"), full)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_extract_of_an_empty_folder_writes_every_table_with_its_columns(tmp_path, fmt):
    (tmp_path / "corpus").mkdir()
    assert main(["extract", str(tmp_path / "corpus"), "--out", str(tmp_path / "out"), "--format", fmt, "--quiet"]) == 0
    names = sorted(p.stem for p in (tmp_path / "out").iterdir())
    assert names == sorted(["articles", "sentences", "sources", "flights", "claims", "rejects",
                            "claim_clusters", "claim_mentions", "mutations", "article_links"])
    claims = pd.read_parquet(tmp_path / "out" / "claims.parquet") if fmt == "parquet" else \
        pd.read_csv(tmp_path / "out" / "claims.csv")
    assert len(claims) == 0 and list(claims.columns[:6]) == schema.columns("claims")[:6]


@pytest.mark.parametrize("where, exc, message", [
    ("spread", MemoryError, "not enough memory for the spread of"),
    ("read back", MemoryError, "not enough memory for the spread of"),
    ("spread", RuntimeError, "the spread failed (RuntimeError: boom)"),
    ("write", OSError, "the spread failed (OSError: boom)"),
])
def test_a_spread_that_fails_keeps_the_extraction_tables(tmp_path, monkeypatch, capsys, where, exc, message):
    import hmeimim.output
    import hmeimim.pipeline

    assert main(["extract", str(SEEDS), "--out", str(tmp_path), "--format", "parquet", "--quiet"]) == 0
    before = pd.read_parquet(tmp_path / "claims.parquet")
    capsys.readouterr()

    def fail(*args, **kwargs):
        raise exc("boom")

    read = hmeimim.output.TableSink.read
    if where == "spread":
        monkeypatch.setattr(hmeimim.pipeline, "run_spread", fail)
    elif where == "write":
        monkeypatch.setattr(hmeimim.output, "write_tables", fail)
    else:
        monkeypatch.setattr(hmeimim.output.TableSink, "read",
                            lambda self, name, *a: fail() if name == "sentences" else read(self, name, *a))
    assert main(["extract", str(SEEDS), "--out", str(tmp_path), "--format", "parquet", "--quiet"]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and message in err[0] and "the extraction tables are in" in err[0], err
    names = sorted(p.stem for p in tmp_path.iterdir())
    assert names == ["articles", "claims", "flights", "rejects", "sentences", "sources"]  # no stale spread tables
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "claims.parquet"), before)


def test_a_spread_larger_than_the_free_memory_is_announced(tmp_path, monkeypatch, capsys):
    import hmeimim.output

    monkeypatch.setattr(hmeimim.output, "available_memory", lambda: 1)
    assert main(["extract", str(SEEDS), "--out", str(tmp_path), "--quiet"]) == 0
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("hmeimim: warning: the spread of") and "--no-spread" in err[0]
    assert (tmp_path / "claim_clusters.csv").exists() and (tmp_path / "claims.csv").exists()


def test_step_progress_shows_the_steps_on_stderr_or_nothing(capsys):
    from hmeimim.pipeline import step_progress

    with step_progress(("a", "b"), "spread", False) as done:
        assert done is None
    with step_progress(("a", "b"), "spread", True) as done:
        done("a")
        done("b")
    err = capsys.readouterr().err
    assert "spread:" in err and "/2 [" in err
