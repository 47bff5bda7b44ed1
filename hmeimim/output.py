"""Write tables to disk atomically and deterministically.

:func:`write_tables` first writes every table to a temporary file in the output folder
(``.<name>.<random>.part``, hidden), and only when all of them are complete renames them into
place, each with an atomic :func:`os.replace`. So an interrupted or failed run (an error, a
full disk, Ctrl-C) never leaves a half-written table under its final name and leaves the
previous run's tables as they were; the temporary files are removed (and those of a run that
was killed outright are removed by the next run). A re-run replaces the tables whole, and
removes the tables of the same format that an earlier run wrote and this run does not (a
spread table, when the spread stage is off), so the folder holds one consistent set of tables
of that format; other files, including tables in the other format, are left alone.

The same corpus always gives byte-identical files: stable sort orders (the pipeline's), no
timestamps, ``\\n`` line ends, UTF-8.
"""
from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

import pandas as pd

__all__ = ["write_tables", "read_tables", "atomic_write_bytes", "TableSink", "FORMATS", "available_memory"]

FORMATS = ("csv", "parquet")


def _fsync_dir(folder: Path) -> None:
    """Make renames in ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _temp_for(path: Path) -> tuple[int, str]:
    return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)


def _unlink(p) -> None:
    try:
        os.unlink(p)
    except FileNotFoundError:
        pass


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _temp_for(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise


def _serialize(chunks, fh: BinaryIO, fmt: str) -> None:
    """Write one table, given as consecutive chunks of rows (DataFrames), to an open binary file:
    CSV with one header, or Parquet with a row group a chunk. :func:`write_tables` and
    :meth:`TableSink.commit` both write so, in chunks of ``SINK_CHUNK_ROWS`` rows, hence the
    same bytes for the same table."""
    if fmt == "csv":
        for i, df in enumerate(chunks):
            # errors="backslashreplace": a stray unpaired surrogate must not lose the whole run
            df.to_csv(fh, index=False, header=i == 0, lineterminator="\n", encoding="utf-8",
                      errors="backslashreplace")
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    for df in chunks:
        # contiguous arrays (a chunk of an Arrow-backed column may hold several pieces): the
        # pages, hence the bytes, do not depend on them
        t = pa.Table.from_pandas(df, preserve_index=False).combine_chunks()
        writer = writer or pq.ParquetWriter(fh, t.schema)
        writer.write_table(t.cast(writer.schema) if t.schema != writer.schema else t)
    if writer is not None:
        writer.close()


def _known_table_names() -> set[str]:
    from . import schema

    names = set(schema.TABLES)
    try:
        from .pipeline import SPREAD_TABLES

        names |= set(SPREAD_TABLES)
    except ImportError:  # pragma: no cover
        pass
    return names


def _is_our_temp(name: str, tables: set[str]) -> bool:
    if not (name.startswith(".") and name.endswith(".part")):
        return False
    return any(name.startswith(f".{t}.{fmt}.") for t in tables for fmt in FORMATS)


def write_tables(tables: dict[str, pd.DataFrame], out: Path, fmt: str = "csv", prune: bool = True) -> list[Path]:
    """Write each table as ``<out>/<name>.<fmt>``, all or nothing; returns the paths written.

    Tables are written to hidden temporary files first and renamed into place only when all
    are complete; on any error (or an interrupt) the temporary files are removed and the
    folder is as it was. Afterwards, with ``prune``, tables of this format that an earlier run
    wrote and this run did not (``<table>.<fmt>`` for the package's table names) are removed;
    without it (tables added to those of the same run) the other tables stay."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use csv or parquet")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"output path exists and is not a folder: {out}")
    out.mkdir(parents=True, exist_ok=True)
    ours = _known_table_names() | set(tables)
    for p in out.iterdir():  # leftovers of a run that was killed before it could clean up
        if _is_our_temp(p.name, ours):
            _unlink(p)

    pending: list[tuple[str, Path]] = []
    try:
        for name, df in tables.items():
            path = out / f"{name}.{fmt}"
            fd, tmp = _temp_for(path)
            pending.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                _serialize(_split(df, SINK_CHUNK_ROWS), fh, fmt)
                fh.flush()
                os.fsync(fh.fileno())
    except BaseException:
        for tmp, _ in pending:
            _unlink(tmp)
        raise
    written = []
    for i, (tmp, path) in enumerate(pending):
        try:
            os.replace(tmp, path)
        except BaseException:
            for t, _ in pending[i:]:
                _unlink(t)
            raise
        written.append(path)
    for name in sorted(ours - set(tables)) if prune else ():
        stale = out / f"{name}.{fmt}"
        if stale.is_file():
            stale.unlink()
    _fsync_dir(out)
    return written


def available_memory(meminfo: str = "/proc/meminfo", cgroup: str = "/sys/fs/cgroup") -> int | None:
    """Bytes of memory free for a new allocation: Linux's ``MemAvailable``, or less if the
    process's control group (a container's memory limit, cgroup v2) leaves less; the free pages
    elsewhere; None where none of these can be read."""
    free = None
    try:
        with open(meminfo, encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    free = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        pass
    if free is None:
        try:
            free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (AttributeError, OSError, ValueError):
            pass
    try:
        limit = Path(cgroup, "memory.max").read_text(encoding="ascii").strip()
        if limit != "max":
            left = max(0, int(limit) - int(Path(cgroup, "memory.current").read_text(encoding="ascii")))
            free = left if free is None else min(free, left)
    except (OSError, ValueError):
        pass
    return free


def read_tables(folder: Path, fmt: str | None = None) -> dict[str, pd.DataFrame]:
    """Read back the tables ``hmeimim extract`` wrote (CSV or Parquet), keyed by name."""
    folder = Path(folder)
    out = {}
    for p in sorted(folder.iterdir()):
        if p.name.startswith("."):
            continue
        if p.suffix == ".csv" and fmt in (None, "csv"):
            out[p.stem] = pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""])
        elif p.suffix == ".parquet" and fmt in (None, "parquet"):
            out[p.stem] = pd.read_parquet(p)
    return out


#: Rows per Parquet row group and per CSV chunk when a :class:`TableSink` writes a table: fixed,
#: so the files do not depend on how the rows were batched (workers, batch sizes).
SINK_CHUNK_ROWS = 65_536


class TableSink:
    """Tables written batch by batch, so that a corpus's big tables never sit in memory whole;
    all or nothing, like :func:`write_tables`.

    ``write(name, df, key)`` appends rows (sorted by ``key`` within the batch) to a hidden
    spill file (Parquet) in the output folder; a batch that comes before the rows already
    written starts a new sorted run. ``commit()`` merges the runs in key order, streaming, a
    chunk at a time, into ``<out>/<name>.<fmt>`` (fixed-size row groups or CSV chunks, so the
    files do not depend on batching or worker count; a Parquet table whose batches all came in
    order is written so from the start, and its spill file becomes the table with no second
    pass), renames all tables into place and removes stale tables of the format. ``drop(name,
    column, values)`` leaves out rows already written. ``abort()`` (or an error in ``commit``)
    removes every temporary file and leaves the folder as it was. Use as a context manager:
    leaving the block by an exception, or without a commit, aborts.

    >>> import tempfile, pandas as pd
    >>> with tempfile.TemporaryDirectory() as d, TableSink(d, "csv") as sink:
    ...     sink.write("t", pd.DataFrame({"article_id": ["b"], "start": [3]}), key=["article_id", "start"])
    ...     sink.write("t", pd.DataFrame({"article_id": ["a"], "start": [0]}))  # a new sorted run
    ...     paths = sink.commit()
    ...     print(sink.rows["t"], [p.name for p in paths], open(paths[0]).read().split())
    2 ['t.csv'] ['article_id,start', 'a,0', 'b,3']
    """

    def __init__(self, out, fmt: str = "csv"):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}: use csv or parquet")
        self.out = Path(out)
        if self.out.exists() and not self.out.is_dir():
            raise NotADirectoryError(f"output path exists and is not a folder: {self.out}")
        self.out.mkdir(parents=True, exist_ok=True)
        self.fmt = fmt
        for p in self.out.iterdir():  # spills of a run that was killed before it could clean up
            if _is_our_temp(p.name, _known_table_names()):
                _unlink(p)
        self.rows: dict[str, int] = {}
        # name -> [[temp path, writer]]; the writer is None before the first rows, False once closed
        self._runs: dict[str, list[list]] = {}
        self._schema: dict[str, object] = {}
        self._key: dict[str, list[str]] = {}
        self._last: dict[str, tuple] = {}
        self._empty: dict[str, pd.DataFrame] = {}
        self._frames: dict[str, pd.DataFrame] = {}
        self._drops: dict[str, list[tuple[int, str, frozenset]]] = {}  # name -> (runs then, column, values)
        self._done = False

    # -- writing --------------------------------------------------------------------------
    def write(self, name: str, df: pd.DataFrame, key: list[str] | None = None) -> None:
        """Append ``df`` (sorted by ``key`` within) to table ``name``."""
        import pyarrow as pa

        if key is not None:
            self._key.setdefault(name, list(key))
        self.rows[name] = self.rows.get(name, 0) + len(df)
        self._empty.setdefault(name, df.iloc[:0])
        if not len(df):
            return
        # the Arrow table first: a batch that cannot be converted leaves no empty run behind
        table = pa.Table.from_pandas(df, preserve_index=False)
        if name not in self._schema:
            self._schema[name] = table.schema
        elif table.schema != self._schema[name]:
            table = table.cast(self._schema[name])
        runs = self._runs.setdefault(name, [])
        k = self._key.get(name)
        first = tuple(df[c].iloc[0] for c in k) if k else None
        if not runs or runs[-1][1] is False or (k and name in self._last and first < self._last[name]):
            if runs and runs[-1][1]:
                runs[-1][1].close()
                runs[-1][1] = False
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.{self.fmt}.", suffix=".spill.part", dir=self.out)
            os.close(fd)
            runs.append([tmp, None])
        if k:
            self._last[name] = tuple(df[c].iloc[-1] for c in k)
        run = runs[-1]
        if run[1] is None:
            run[1] = _GroupWriter(run[0], self._schema[name])
        run[1].write_table(table)

    def drop(self, name: str, column: str, values) -> int:
        """Leave out of table ``name`` the rows written so far whose ``column`` is in ``values``
        (rows written after this call are kept); returns how many rows that leaves out. For
        rows that are to be written again, differently (articles extracted anew).

        >>> import tempfile, pandas as pd
        >>> with tempfile.TemporaryDirectory() as d, TableSink(d, "csv") as sink:
        ...     sink.write("t", pd.DataFrame({"article_id": ["a", "b"], "n": [1, 2]}), key=["article_id"])
        ...     sink.drop("t", "article_id", {"a"})
        ...     sink.write("t", pd.DataFrame({"article_id": ["a"], "n": [3]}))
        ...     print(sink.read("t").values.tolist(), sink.rows["t"])
        1
        [['a', 3], ['b', 2]] 2
        """
        values = frozenset(values)
        paths = self._close_runs(name)
        if not paths or not values:
            return 0
        # counted on what is left of each run (rows an earlier drop left out are not counted twice)
        gone = sum(int(df[column].isin(values).sum())
                   for i, path in enumerate(paths) for df in self._run_stream(name, i, path, [column]))
        self._drops.setdefault(name, []).append((len(paths), column, values))
        self.rows[name] -= gone
        return gone

    def put(self, name: str, df: pd.DataFrame) -> None:
        """A whole table at once (kept as it is until :meth:`commit`)."""
        self._frames[name] = df
        self.rows[name] = len(df)

    def read(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """Everything written to ``name`` so far, in key order, as one DataFrame (for a later
        stage that needs the whole table)."""
        if name in self._frames:
            return self._frames[name]
        parts = list(self._chunks(name, columns))
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)

    # -- finishing ------------------------------------------------------------------------
    def _close_runs(self, name: str) -> list[str]:
        paths = []
        for run in self._runs.get(name, []):
            if run[1]:
                run[1].close()
                run[1] = False  # closed for good: a later write starts a new run
            paths.append(run[0])
        return paths

    def _final_run(self, name: str) -> bool:
        """Table ``name`` is one sorted run with nothing left out (its row groups are already
        SINK_CHUNK_ROWS rows: :class:`_GroupWriter`)."""
        return len(self._runs.get(name, ())) == 1 and not self._drops.get(name) and bool(self._close_runs(name))

    def _run_stream(self, name: str, i: int, path: str, columns=None):
        """The chunks of run ``i`` of ``name``, without the rows a later :meth:`drop` left out."""
        drops = [(c, v) for n, c, v in self._drops.get(name, ()) if i < n]
        if not drops:
            return _run_chunks(path, columns)
        extra = [c for c, _ in drops if columns is not None and c not in columns]
        cols = None if columns is None else list(columns) + extra

        def filtered():
            for df in _run_chunks(path, cols):
                for c, v in drops:
                    df = df[~df[c].isin(v)]
                yield df[columns] if columns is not None else df
        return filtered()

    def _chunks(self, name: str, columns=None):
        """The rows of a spilled table in key order, as DataFrames of SINK_CHUNK_ROWS rows (the
        sorted runs merged a chunk at a time)."""
        paths = self._close_runs(name)
        streams = [self._run_stream(name, i, p, columns) for i, p in enumerate(paths)]
        if len(streams) > 1 and name in self._key:
            rows = _merge_sorted(streams, self._key[name])
        else:  # one run, none, or no key: the rows in the order they were written
            rows = itertools.chain.from_iterable(streams)
        out = False
        for df in _rechunk(rows, SINK_CHUNK_ROWS):
            out = True
            yield df
        if not out:  # no rows (none written, or all dropped): the table with its columns
            empty = self._empty.get(name, pd.DataFrame())
            yield empty[columns] if columns else empty

    def commit(self) -> list[Path]:
        """Write every table under its final name, all or nothing; returns the paths."""
        names = list(dict.fromkeys(list(self._empty) + list(self._frames)))
        pending: list[tuple[str, Path]] = []
        try:
            for name in names:
                path = self.out / f"{name}.{self.fmt}"
                fd, tmp = _temp_for(path)
                pending.append((tmp, path))
                if self.fmt == "parquet" and name not in self._frames and self._final_run(name):
                    # one sorted run, nothing left out: its file is the table as commit would write it
                    os.close(fd)
                    os.replace(self._runs[name][0][0], tmp)
                    del self._runs[name]  # (only once moved: until then abort removes it)
                    _fsync_file(tmp)
                    continue
                chunks = _split(self._frames[name], SINK_CHUNK_ROWS) if name in self._frames else self._chunks(name)
                with os.fdopen(fd, "wb") as fh:
                    _serialize(chunks, fh, self.fmt)
                    fh.flush()
                    os.fsync(fh.fileno())
        except BaseException:
            for tmp, _ in pending:
                _unlink(tmp)
            self.abort()
            raise
        written = []
        for tmp, path in pending:
            os.replace(tmp, path)
            written.append(path)
        ours = _known_table_names() | set(names)
        for name in sorted(ours - set(names)):
            stale = self.out / f"{name}.{self.fmt}"
            if stale.is_file():
                stale.unlink()
        _fsync_dir(self.out)
        self._cleanup()
        self._done = True
        return written

    def abort(self) -> None:
        """Remove every temporary file; the folder stays as it was."""
        self._cleanup()
        self._done = True

    def _cleanup(self) -> None:
        for name in list(self._runs):
            for run in self._runs[name]:
                if run[1]:
                    try:
                        run[1].close()
                    except Exception:
                        pass
                _unlink(run[0])
        self._runs.clear()

    def __enter__(self) -> "TableSink":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is not None or not self._done:
            self.abort()


class _GroupWriter:
    """A Parquet writer whose row groups are SINK_CHUNK_ROWS rows however the rows come (the
    last one shorter): a sorted run's file is then the very table :meth:`TableSink.commit`
    would write from it."""

    def __init__(self, path: str, schema):
        import pyarrow.parquet as pq

        self._writer = pq.ParquetWriter(path, schema)
        self._buf: list = []
        self._rows = 0

    def write_table(self, table) -> None:
        import pyarrow as pa

        self._buf.append(table)
        self._rows += table.num_rows
        if self._rows >= SINK_CHUNK_ROWS:
            whole = pa.concat_tables(self._buf)
            n = self._rows - self._rows % SINK_CHUNK_ROWS
            for i in range(0, n, SINK_CHUNK_ROWS):
                self._group(whole.slice(i, SINK_CHUNK_ROWS))
            rest = whole.slice(n)
            self._buf, self._rows = ([rest] if rest.num_rows else []), rest.num_rows

    def _group(self, table) -> None:
        # contiguous arrays, one write per row group: the bytes commit's writer gives (the
        # writer's pages follow the chunks it is handed)
        self._writer.write_table(table.combine_chunks())

    def close(self) -> None:
        import pyarrow as pa

        if self._buf:
            self._group(pa.concat_tables(self._buf))
            self._buf, self._rows = [], 0
        self._writer.close()


def _fsync_file(path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _run_chunks(path: str, columns=None):
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    for batch in pf.iter_batches(batch_size=SINK_CHUNK_ROWS, columns=columns):
        yield batch.to_pandas()


def _rechunk(frames, n: int):
    """The same rows as DataFrames of exactly ``n`` rows (the last one shorter)."""
    buf, size, any_out = [], 0, False
    for df in frames:
        if not len(df):
            continue
        buf.append(df)
        size += len(df)
        while size >= n:
            whole = pd.concat(buf, ignore_index=True) if len(buf) > 1 else buf[0].reset_index(drop=True)
            yield whole.iloc[:n]
            any_out = True
            rest = whole.iloc[n:]
            buf, size = ([rest] if len(rest) else []), len(rest)
    if buf or not any_out:
        last = pd.concat(buf, ignore_index=True) if len(buf) > 1 else (buf[0] if buf else None)
        if last is not None:
            yield last.reset_index(drop=True)


def _upto(df: pd.DataFrame, key: list[str], bound: tuple) -> "pd.Series":
    """Rows of ``df`` whose key tuple is <= ``bound`` (lexicographic)."""
    le = pd.Series(True, index=df.index)  # equal on every column
    out = pd.Series(False, index=df.index)
    for c, b in zip(key, bound):
        col = df[c]
        out |= le & (col < b).fillna(False).astype(bool)
        le &= (col == b).fillna(False).astype(bool)
    return out | le


def _merge_sorted(streams: list, key: list[str]):
    """Merge chunk streams that are each sorted by ``key`` into one sorted stream; equal keys
    keep the order of the streams (a stable sort of their concatenation), memory a few chunks."""
    bufs: list = [None] * len(streams)
    done = [False] * len(streams)

    def fill(i):
        while bufs[i] is None or not len(bufs[i]):
            nxt = next(streams[i], None)
            if nxt is None:
                done[i], bufs[i] = True, None
                return
            bufs[i] = nxt

    for i in range(len(streams)):
        fill(i)
    while any(b is not None for b in bufs):
        live = [i for i, b in enumerate(bufs) if b is not None]
        # every row up to the smallest "last key" among the buffers is final
        bound = min(tuple(bufs[i][c].iloc[-1] for c in key) for i in live)
        taken = []
        for i in live:
            m = _upto(bufs[i], key, bound)
            taken.append(bufs[i][m])
            bufs[i] = bufs[i][~m]
            if not len(bufs[i]):
                bufs[i] = None
                fill(i)
        out = pd.concat(taken, ignore_index=True)
        yield out.sort_values(key, kind="stable").reset_index(drop=True)


def _split(df: pd.DataFrame, n: int):
    if not len(df):
        yield df
        return
    for i in range(0, len(df), n):
        yield df.iloc[i:i + n]
