"""``hmeimim bench``: one JSON line of figures, and a synthetic corpus that a seed fixes.

Benchmarks print figures; no test here asserts a time.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

from hmeimim import bench
from hmeimim.cli import main

KEYS = {"articles", "mb", "seconds", "articles_per_s", "mb_per_s", "peak_rss_mb",
        "ingest_s", "extract_s", "spread_s", "claims"}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_cli_bench_prints_one_json_object_as_its_last_line(capsys):
    assert main(["bench", "--articles", "20", "--workers", "1", "--seed", "3"]) == 0
    out, err = capsys.readouterr()
    fig = json.loads(out.strip().splitlines()[-1])
    assert KEYS <= set(fig)
    assert fig["articles"] == 20 and fig["mb"] > 0 and fig["claims"] > 0
    assert fig["seconds"] > 0 and fig["peak_rss_mb"] > 0
    assert "bench:" in err  # progress lines go to stderr, not into the JSON


def test_bench_with_a_bad_article_count_gives_one_line(capsys):
    assert main(["bench", "--articles", "0"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_synthetic_corpus_is_deterministic_for_a_seed(tmp_path):
    a = bench.synth_corpus(tmp_path / "a", 40, seed=11)
    b = bench.synth_corpus(tmp_path / "b", 40, seed=11)
    c = bench.synth_corpus(tmp_path / "c", 40, seed=12)
    fa, fb, fc = _files(tmp_path / "a"), _files(tmp_path / "b"), _files(tmp_path / "c")
    assert fa == fb and a["bytes"] == b["bytes"]
    assert fa != fc
    assert len([f for f in fa if f != "metadata.csv"]) == 40


def test_a_smaller_corpus_is_a_prefix_of_a_larger_one(tmp_path):
    small = _files(Path(bench.synth_corpus(tmp_path / "s", 15, seed=2)["folder"]))
    large = _files(Path(bench.synth_corpus(tmp_path / "l", 30, seed=2)["folder"]))
    assert {k: v for k, v in small.items() if k != "metadata.csv"}.items() <= large.items()


def test_synthetic_corpus_is_multilingual_and_varied(tmp_path):
    info = bench.synth_corpus(tmp_path, 200, seed=0)
    assert len(info["languages"]) >= 8
    texts = [p.read_bytes() for p in tmp_path.rglob("a*.*")]
    assert len(set(texts)) >= 190  # a few syndicated copies, otherwise distinct articles
    assert 1_000 < info["bytes"] / 200 < 6_000  # about 3 KB an article, like the target corpus


def test_mutation_varies_aircraft_numbers_and_sources():
    s = "An Il-62M landed three times between October 24 and October 29, Bloomberg said, citing Flightradar24."
    variants = {bench.mutate(s, "en", random.Random(i), p=1.0) for i in range(20)}
    assert len(variants) > 10
    assert all(v.startswith("An ") and " landed " in v for v in variants)  # the sentence stays
    assert any("Il-62M" not in v for v in variants) and any("Bloomberg" not in v for v in variants)


def test_pools_fall_back_to_built_in_sentences(tmp_path):
    pools, titles = bench.sentence_pools(seeds=tmp_path / "none", fixtures=tmp_path / "none")
    assert set(pools) == set(bench.LANG_WEIGHTS) and all(pools.values()) and all(titles.values())
