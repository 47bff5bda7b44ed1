"""Tables are written atomically: an interrupted write leaves no half-written table under its
final name and no temporary files, and a re-run replaces an existing output folder cleanly."""
from __future__ import annotations

import os

import pandas as pd
import pytest

from hmeimim import output
from hmeimim.output import read_tables, write_tables

FORMATS = ["csv", "parquet"]


def tables(n: int, tag: str = "a") -> dict[str, pd.DataFrame]:
    """Three small tables with ``n`` rows each (big enough to be written in several chunks)."""
    ids = [f"{tag}{i:05d}" for i in range(n)]
    return {
        "articles": pd.DataFrame({"article_id": ids, "text": [f"Текст {i} — Hmeimim " * 5 for i in range(n)]}),
        "sentences": pd.DataFrame({"article_id": ids, "start": range(n), "end": range(1, n + 1)}),
        "rejects": pd.DataFrame({"path": [f"{tag}.txt"], "reason": ["empty file"], "kind": ["file"]}),
    }


def snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


class Interrupted(BaseException):
    """Stands for Ctrl-C or a kill signal arriving in the middle of a write."""


def interrupt_after(monkeypatch, n_tables: int, exc: type[BaseException]):
    """Make the serializer write the first ``n_tables`` tables, then half of the next, then fail."""
    real = output._serialize
    calls = {"n": 0}

    def serialize(chunks, fh, fmt):
        calls["n"] += 1
        if calls["n"] <= n_tables:
            return real(chunks, fh, fmt)
        df = pd.concat(list(chunks))
        real([df.iloc[: len(df) // 2]], fh, fmt)  # part of the table is on disk ...
        fh.flush()
        raise exc("interrupted mid-write")  # ... and then the write dies

    monkeypatch.setattr(output, "_serialize", serialize)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("exc", [OSError, Interrupted])
@pytest.mark.parametrize("after", [0, 2])
def test_an_interrupted_first_write_leaves_nothing(tmp_path, monkeypatch, fmt, exc, after):
    interrupt_after(monkeypatch, after, exc)
    with pytest.raises(exc):
        write_tables(tables(5000), tmp_path / "out", fmt)
    assert list((tmp_path / "out").iterdir()) == []  # no final names, no temporary files


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("exc", [OSError, Interrupted])
def test_an_interrupted_rewrite_keeps_the_previous_tables_whole(tmp_path, monkeypatch, fmt, exc):
    out = tmp_path / "out"
    write_tables(tables(3000, "old"), out, fmt)
    before = snapshot(out)
    interrupt_after(monkeypatch, 1, exc)
    with pytest.raises(exc):
        write_tables(tables(6000, "new"), out, fmt)
    assert snapshot(out) == before  # every file is the complete previous version; no temp file
    back = read_tables(out)
    assert len(back["articles"]) == 3000 and back["articles"]["article_id"].iloc[0] == "old00000"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_rerun_replaces_the_folder_cleanly(tmp_path, fmt):
    out = tmp_path / "out"
    first = tables(4000, "old")
    first["claim_clusters"] = pd.DataFrame({"cluster_id": [1, 2]})  # a table the next run lacks
    write_tables(first, out, fmt)
    (out / "README.txt").write_text("notes of the analyst", encoding="utf-8")
    (out / f".articles.{fmt}.x1y2z3.part").write_bytes(b"left by a killed run")
    other = "parquet" if fmt == "csv" else "csv"
    (out / f"articles.{other}").write_bytes(b"the other format, kept")

    written = write_tables(tables(10, "new"), out, fmt)

    assert sorted(p.name for p in written) == sorted(f"{n}.{fmt}" for n in ("articles", "sentences", "rejects"))
    back = read_tables(out, fmt)
    assert set(back) == {"articles", "sentences", "rejects"}  # the stale spread table is gone
    assert back["articles"]["article_id"].tolist() == [f"new{i:05d}" for i in range(10)]  # no old rows
    assert len(back["sentences"]) == 10
    names = sorted(p.name for p in out.iterdir())
    assert not [n for n in names if n.startswith(".")]  # the killed run's temp file is cleaned up
    assert "README.txt" in names and f"articles.{other}" in names  # not ours to remove


def test_same_tables_same_bytes(tmp_path):
    t = tables(100)
    write_tables(t, tmp_path / "a", "csv")
    write_tables(t, tmp_path / "b", "csv")
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    data = (tmp_path / "a" / "articles.csv").read_bytes()
    assert b"\r\n" not in data and data.decode("utf-8").startswith("article_id,text\n")


def test_atomic_write_bytes_cleans_up_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    output.atomic_write_bytes(target, b"old")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(output.os, "replace", boom)
    with pytest.raises(OSError):
        output.atomic_write_bytes(target, b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"] and target.read_bytes() == b"old"


def test_output_path_that_is_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "out").write_text("x")
    with pytest.raises(NotADirectoryError, match="not a folder"):
        write_tables(tables(1), tmp_path / "out")
    with pytest.raises(ValueError, match="unknown format"):
        write_tables(tables(1), tmp_path / "o2", "xml")


# -- TableSink: tables streamed batch by batch -------------------------------------------------


def _batches(df: pd.DataFrame, cuts: list[int]) -> list[pd.DataFrame]:
    edges = [0, *cuts, len(df)]
    return [df.iloc[a:b] for a, b in zip(edges, edges[1:])]


@pytest.mark.parametrize("fmt", FORMATS)
def test_sink_output_does_not_depend_on_batching(tmp_path, fmt, monkeypatch):
    monkeypatch.setattr(output, "SINK_CHUNK_ROWS", 700)  # several row groups / CSV chunks
    df = tables(2000)["sentences"]
    files = []
    for i, cuts in enumerate(([], [1], [333, 1500], list(range(100, 2000, 100)))):
        with output.TableSink(tmp_path / str(i), fmt) as sink:
            for b in _batches(df, cuts):
                sink.write("sentences", b, key=["article_id", "start"])
            sink.commit()
        files.append((tmp_path / str(i) / f"sentences.{fmt}").read_bytes())
    assert all(f == files[0] for f in files)
    back = read_tables(tmp_path / "0")["sentences"]
    assert back["article_id"].tolist() == df["article_id"].tolist()


@pytest.mark.parametrize("fmt", FORMATS)
def test_write_tables_writes_the_bytes_the_sink_writes(tmp_path, fmt, monkeypatch):
    # hmeimim extract writes the extraction tables through a sink and then the spread tables
    # with write_tables, which must not remove the first
    monkeypatch.setattr(output, "SINK_CHUNK_ROWS", 700)
    df = tables(2000)["sentences"]
    with output.TableSink(tmp_path / "s", fmt) as sink:
        sink.write("sentences", df, key=["article_id", "start"])
        sink.commit()
    write_tables({"sentences": df}, tmp_path / "w", fmt)
    assert (tmp_path / "s" / f"sentences.{fmt}").read_bytes() == (tmp_path / "w" / f"sentences.{fmt}").read_bytes()
    write_tables({"claims": df.head(3)}, tmp_path / "w", fmt, prune=False)
    assert sorted(p.name for p in (tmp_path / "w").iterdir()) == [f"claims.{fmt}", f"sentences.{fmt}"]
    write_tables({"claims": df.head(3)}, tmp_path / "w", fmt)
    assert sorted(p.name for p in (tmp_path / "w").iterdir()) == [f"claims.{fmt}"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_sink_one_sorted_run_gives_the_bytes_of_a_merge(tmp_path, fmt, monkeypatch):
    """A table whose batches come in order is written as it comes (a Parquet run becomes the
    table, no second pass); the file is the one a merge of out-of-order batches gives."""
    monkeypatch.setattr(output, "SINK_CHUNK_ROWS", 1000)
    df = tables(2000)["sentences"]
    # long, distinct texts: a row group's dictionary outgrows its 1 MB page, and where the
    # writer gives it up depends on the pieces it is handed
    df["text"] = [f"{i:05d} " + f"{i * 7919 % 10007:05d}" * 300 for i in range(len(df))]
    batches = _batches(df, [250, 251, 900, 1300])
    for name, order in (("in_order", batches), ("merged", [batches[2], *batches[:2], *batches[3:]]),
                        ("dropped", batches)):
        with output.TableSink(tmp_path / name, fmt) as sink:
            for b in order:
                sink.write("sentences", b, key=["article_id", "start"])
            if name == "dropped":  # rows left out, then written again: a merge
                ids = set(df["article_id"].iloc[400:800])
                assert sink.drop("sentences", "article_id", ids) == int(df["article_id"].isin(ids).sum())
                sink.write("sentences", df[df["article_id"].isin(ids)], key=["article_id", "start"])
            assert sink.rows["sentences"] == len(df)
            sink.commit()
        assert not [p for p in (tmp_path / name).iterdir() if p.name.startswith(".")]  # no spill left
    first = (tmp_path / "in_order" / f"sentences.{fmt}").read_bytes()
    assert (tmp_path / "merged" / f"sentences.{fmt}").read_bytes() == first
    assert (tmp_path / "dropped" / f"sentences.{fmt}").read_bytes() == first


@pytest.mark.parametrize("fmt", FORMATS)
def test_sink_sorts_batches_that_arrive_out_of_order(tmp_path, fmt):
    df = tables(50)["sentences"]
    with output.TableSink(tmp_path, fmt) as sink:
        for b in reversed(_batches(df, [10, 30])):
            sink.write("sentences", b, key=["article_id", "start"])
        assert sink.read("sentences")["article_id"].tolist() == df["article_id"].tolist()
        sink.commit()
    assert read_tables(tmp_path)["sentences"]["article_id"].tolist() == df["article_id"].tolist()


@pytest.mark.parametrize("fmt", FORMATS)
def test_sink_interrupted_leaves_the_folder_as_it_was(tmp_path, fmt):
    write_tables(tables(30, "old"), tmp_path, fmt)
    before = snapshot(tmp_path)
    with pytest.raises(Interrupted):
        with output.TableSink(tmp_path, fmt) as sink:
            sink.write("sentences", tables(30)["sentences"], key=["article_id", "start"])
            raise Interrupted
    assert snapshot(tmp_path) == before  # no spill, no half table, old tables intact


def test_sink_merges_many_interleaved_runs_as_a_stable_sort(tmp_path, monkeypatch):
    import random

    monkeypatch.setattr(output, "SINK_CHUNK_ROWS", 37)  # merges across many chunk boundaries
    rng = random.Random(5)
    arts = [f"a{i:04d}" for i in range(300)]
    rng.shuffle(arts)
    rows = [(a, rng.randrange(50), k) for a in arts for k in range(rng.randrange(0, 6))]
    df = pd.DataFrame(rows, columns=["article_id", "start", "seq"])
    cuts = sorted(rng.sample(range(1, len(df)), 40))
    with output.TableSink(tmp_path, "parquet") as sink:
        for b in _batches(df, cuts):
            sink.write("claims", b.sort_values(["article_id", "start"], kind="stable"), key=["article_id", "start"])
        sink.commit()
    got = pd.read_parquet(tmp_path / "claims.parquet")
    want = df.sort_values(["article_id", "start"], kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)


# -- TableSink.drop and the run states: a reviewer's cases ------------------------------------

K = ["article_id"]


def _t(ids, n0=0):
    return pd.DataFrame({"article_id": pd.array(ids, dtype="str"), "n": list(range(n0, n0 + len(ids)))})


@pytest.mark.parametrize("fmt", FORMATS)
def test_sink_drop_of_every_row_leaves_an_empty_table_with_its_columns(tmp_path, fmt):
    with output.TableSink(tmp_path, fmt) as sink:
        sink.write("t", _t(["a", "b"]), key=K)
        assert sink.drop("t", "article_id", {"a", "b"}) == 2
        sink.write("t", _t([]), key=K)
        assert sink.read("t").columns.tolist() == ["article_id", "n"] and sink.rows["t"] == 0
        sink.commit()
    back = pd.read_parquet(tmp_path / "t.parquet") if fmt == "parquet" else pd.read_csv(tmp_path / "t.csv")
    assert back.columns.tolist() == ["article_id", "n"] and back.empty


def test_sink_without_a_key_keeps_write_order_across_runs(tmp_path):
    with output.TableSink(tmp_path, "parquet") as sink:
        sink.write("t", _t(["b", "a"]))
        sink.drop("t", "article_id", {"a"})
        sink.write("t", _t(["c", "a"], 5))
        assert sink.read("t")["article_id"].tolist() == ["b", "c", "a"]
        sink.commit()
    assert pd.read_parquet(tmp_path / "t.parquet")["n"].tolist() == [0, 5, 6]


def test_sink_overlapping_drops_count_each_row_once(tmp_path):
    with output.TableSink(tmp_path, "parquet") as sink:
        sink.write("t", _t(["a", "b", "c"]), key=K)
        assert sink.drop("t", "article_id", {"a"}) == 1
        assert sink.drop("t", "article_id", {"a", "b"}) == 1
        assert sink.rows["t"] == len(sink.read("t")) == 1


def test_sink_a_batch_that_cannot_be_written_leaves_no_table(tmp_path):
    with output.TableSink(tmp_path, "parquet") as sink:
        with pytest.raises(Exception):
            sink.write("t", pd.DataFrame({"article_id": ["a"], "n": [object()]}), key=K)
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".t.")]  # no empty run
        sink.write("t", _t(["b"]), key=K)
        sink.commit()
    assert pd.read_parquet(tmp_path / "t.parquet")["article_id"].tolist() == ["b"]


def test_sink_commit_failing_at_the_rename_leaves_no_spill(tmp_path, monkeypatch):
    real = os.replace

    def fail_on_spill(a, b):
        if str(a).endswith(".spill.part"):
            raise OSError("disk gone")
        return real(a, b)

    with pytest.raises(OSError):
        with output.TableSink(tmp_path, "parquet") as sink:
            sink.write("t", _t(["a"]), key=K)
            monkeypatch.setattr(output.os, "replace", fail_on_spill)
            sink.commit()
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_available_memory_takes_the_smaller_of_the_machine_and_the_container(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       24000000 kB\nMemAvailable:   20000000 kB\n")
    cg = tmp_path / "cg"
    cg.mkdir()
    assert output.available_memory(str(meminfo), str(cg)) == 20_000_000 * 1024  # no cgroup files
    (cg / "memory.max").write_text("max\n")
    (cg / "memory.current").write_text("1000\n")
    assert output.available_memory(str(meminfo), str(cg)) == 20_000_000 * 1024
    (cg / "memory.max").write_text("8000000000\n")
    assert output.available_memory(str(meminfo), str(cg)) == 8_000_000_000 - 1000
    assert isinstance(output.available_memory(), int)
