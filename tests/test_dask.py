"""The Dask engine gives the local engine's tables, table for table.

Runs on a LocalCluster over 127.0.0.1 (``pip install 'hmeimim[dask]'``; ``python3 tasks.py
test`` installs the ``test,dask`` extras). Kept under about a minute.
"""
from __future__ import annotations

import csv
import shutil
import sys

import pandas as pd
import pytest

from conftest import ROOT, SEEDS

pytest.importorskip("dask.distributed")

from hmeimim import bench, load_corpus  # noqa: E402
from hmeimim.distributed import DaskMapper, DaskUnavailable, load_corpus_dask, require_dask  # noqa: E402


@pytest.fixture(scope="module")
def mixed_corpus(tmp_path_factory):
    """The five seeds (with their metadata) beside 300 synthetic multilingual articles."""
    folder = tmp_path_factory.mktemp("dask") / "corpus"
    bench.synth_corpus(folder, 300, seed=7)
    (folder / "seeds").mkdir()
    for p in sorted(SEEDS.glob("*.txt")):
        shutil.copy(p, folder / "seeds" / p.name)
    with (folder / "metadata.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with (ROOT / "data" / "metadata.csv").open(encoding="utf-8", newline="") as fh:
        rows += list(csv.DictReader(fh))
    fields = ["id", "url", "outlet", "published", "title", "language"]
    with (folder / "metadata.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows({k: r.get(k, "") for k in fields} for r in rows)
    return folder


@pytest.fixture(scope="module")
def threaded_client():
    """An in-process cluster (threads): cheap, for the mapper's own contract."""
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def test_dask_engine_gives_identical_tables(mixed_corpus):
    local = load_corpus(mixed_corpus, workers=2, progress=False)
    dask = load_corpus_dask(mixed_corpus)  # its own LocalCluster of 2 worker processes
    lt, dt = local.tables(), dask.tables()
    assert list(lt) == list(dt)
    assert len(lt["articles"]) == 305 and len(lt["claims"]) > 1000
    assert set(lt["articles"]["language"].dropna()) >= {"en", "ru", "uk", "de", "ar", "zh"}
    for name in lt:
        pd.testing.assert_frame_equal(lt[name], dt[name], obj=name)
    assert local.ref_year == dask.ref_year and local.n_files == dask.n_files


def _square(x):
    return x * x


@pytest.mark.parametrize("n,size", [(0, None), (1, None), (1000, 7), (333, None)])
def test_mapper_yields_every_result_in_input_order(threaded_client, n, size):
    mapper = DaskMapper(threaded_client, partition_size=size)
    assert list(mapper(_square, range(n))) == [i * i for i in range(n)]


def test_spread_candidate_search_runs_as_tasks_and_gives_the_local_tables(threaded_client, mixed_corpus):
    """The spread's text candidate search as a partitioned join: small row blocks (many tasks,
    one row block each) on the cluster give the tables of the local, unpartitioned run."""
    from hmeimim import spread

    corpus = load_corpus(mixed_corpus, workers=2, progress=False, spread=False)
    local = spread.spread_tables(corpus)
    calls = []
    mapper = DaskMapper(threaded_client, partition_size=1)

    def counting(fn, items):
        items = list(items)
        calls.append(len(items))
        return mapper(fn, items)

    small = spread.SpreadConfig(chunk=64)
    dask = spread.spread_tables(corpus, config=small, mapper=counting)
    assert len(calls) >= 5 and sum(calls) > len(calls)  # one call per language, several blocks each
    for name in local:
        pd.testing.assert_frame_equal(local[name], dask[name], obj=name)


def test_extract_on_a_given_scheduler(threaded_client, tmp_path):
    from hmeimim.cli import main

    addr = threaded_client.scheduler.address
    assert main(["extract", str(SEEDS), "--out", str(tmp_path / "d"), "--engine", "dask",
                 "--scheduler", addr, "--quiet"]) == 0
    assert main(["extract", str(SEEDS), "--out", str(tmp_path / "l"), "--workers", "1", "--quiet"]) == 0
    for p in sorted((tmp_path / "l").iterdir()):
        assert (tmp_path / "d" / p.name).read_bytes() == p.read_bytes(), p.name


def test_missing_dask_gives_one_clear_line(monkeypatch, tmp_path, capsys):
    from hmeimim.cli import main

    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    with pytest.raises(DaskUnavailable, match=r"pip install 'hmeimim\[dask\]'"):
        require_dask()
    for args in (["extract", str(SEEDS), "--out", str(tmp_path), "--engine", "dask"],
                 ["bench", "--articles", "5", "--engine", "dask"]):
        assert main(args) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "hmeimim[dask]" in err and "Traceback" not in err


def test_bad_corpus_fails_before_a_cluster_starts(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_corpus_dask(tmp_path / "missing")
