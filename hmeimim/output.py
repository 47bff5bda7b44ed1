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

import os
import tempfile
from pathlib import Path
from typing import BinaryIO

import pandas as pd

__all__ = ["write_tables", "read_tables", "atomic_write_bytes", "TableSink", "FORMATS"]

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


def _serialize(df: pd.DataFrame, fh: BinaryIO, fmt: str) -> None:
    """Write one table to an open binary file (streamed: no second copy of a big table in memory)."""
    if fmt == "csv":
        # errors="backslashreplace": a stray unpaired surrogate must not lose the whole run
        df.to_csv(fh, index=False, lineterminator="\n", encoding="utf-8", errors="backslashreplace")
    else:
        df.to_parquet(fh, index=False, engine="pyarrow")


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


def write_tables(tables: dict[str, pd.DataFrame], out: Path, fmt: str = "csv") -> list[Path]:
    """Write each table as ``<out>/<name>.<fmt>``, all or nothing; returns the paths written.

    Tables are written to hidden temporary files first and renamed into place only when all
    are complete; on any error (or an interrupt) the temporary files are removed and the
    folder is as it was. Afterwards, tables of this format that an earlier run wrote and this
    run did not (``<table>.<fmt>`` for the package's table names) are removed."""
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
                _serialize(df, fh, fmt)
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
    for name in sorted(ours - set(tables)):
        stale = out / f"{name}.{fmt}"
        if stale.is_file():
            stale.unlink()
    _fsync_dir(out)
    return written


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

    ``write(name, df)`` appends rows to a hidden spill file (Parquet) in the output folder;
    ``commit()`` turns every spill into ``<out>/<name>.<fmt>`` (sorted by the table's ``key``
    when the batches did not arrive in order, which needs the table in memory once), renames
    all of them into place and removes stale tables of the format; ``abort()`` (or an error in
    ``commit``) removes every temporary file and leaves the folder as it was. Use as a context
    manager: leaving the block by an exception aborts.

    >>> import tempfile, pandas as pd
    >>> with tempfile.TemporaryDirectory() as d, TableSink(d, "csv") as sink:
    ...     sink.write("t", pd.DataFrame({"article_id": ["a"], "start": [0]}), key=["article_id", "start"])
    ...     sink.write("t", pd.DataFrame({"article_id": ["b"], "start": [3]}))
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
        self._spill: dict[str, tuple[str, object]] = {}   # name -> (temp path, ParquetWriter)
        self._schema: dict[str, object] = {}
        self._key: dict[str, list[str]] = {}
        self._last: dict[str, tuple] = {}
        self._ordered: dict[str, bool] = {}
        self._frames: dict[str, pd.DataFrame] = {}
        self._done = False

    # -- writing --------------------------------------------------------------------------
    def write(self, name: str, df: pd.DataFrame, key: list[str] | None = None) -> None:
        """Append ``df`` (sorted by ``key`` within) to table ``name``."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if key is not None:
            self._key.setdefault(name, list(key))
        self.rows[name] = self.rows.get(name, 0) + len(df)
        if name not in self._spill:
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.{self.fmt}.", suffix=".spill.part", dir=self.out)
            os.close(fd)
            self._spill[name] = (tmp, None)
            self._ordered[name] = True
        if not len(df):
            self._frames.setdefault(name, df.iloc[:0])
            return
        k = self._key.get(name)
        if k and self._ordered[name]:
            first = tuple(df[c].iloc[0] for c in k)
            if name in self._last and not self._last[name] <= first:
                self._ordered[name] = False
            self._last[name] = tuple(df[c].iloc[-1] for c in k)
        table = pa.Table.from_pandas(df, preserve_index=False)
        tmp, writer = self._spill[name]
        if writer is None:
            self._schema[name] = table.schema
            writer = pq.ParquetWriter(tmp, table.schema)
            self._spill[name] = (tmp, writer)
        elif table.schema != self._schema[name]:
            table = table.cast(self._schema[name])
        writer.write_table(table)

    def put(self, name: str, df: pd.DataFrame) -> None:
        """A whole table at once (kept as it is until :meth:`commit`)."""
        self._frames[name] = df
        self.rows[name] = len(df)

    def read(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """Everything written to ``name`` so far, in key order (for a later stage that needs it)."""
        return self._table(name, columns)

    # -- finishing ------------------------------------------------------------------------
    def _table(self, name: str, columns=None) -> pd.DataFrame:
        import pyarrow.parquet as pq

        if name in self._frames and name not in self._spill:
            return self._frames[name]
        tmp, writer = self._spill[name]
        if writer is None:
            return self._frames.get(name, pd.DataFrame())
        if writer is not _Closed:
            writer.close()
            self._spill[name] = (tmp, _Closed)
        df = pq.read_table(tmp, columns=columns).to_pandas()
        k = self._key.get(name)
        if k and not self._ordered[name]:
            df = df.sort_values(k, kind="stable").reset_index(drop=True)
        return df

    def _chunks(self, name: str):
        """The rows of a spilled table in key order, as DataFrames of SINK_CHUNK_ROWS rows."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        tmp, writer = self._spill[name]
        if writer is None:
            yield self._frames.get(name, pd.DataFrame())
            return
        if writer is not _Closed:
            writer.close()
            self._spill[name] = (tmp, _Closed)
        if not self._ordered[name] and self._key.get(name):
            yield from _split(self._table(name), SINK_CHUNK_ROWS)
            return
        pf = pq.ParquetFile(tmp)
        buf, n = [], 0
        for batch in pf.iter_batches(batch_size=SINK_CHUNK_ROWS):
            buf.append(batch)
            n += batch.num_rows
            while n >= SINK_CHUNK_ROWS:
                t = pa.Table.from_batches(buf)
                yield t.slice(0, SINK_CHUNK_ROWS).to_pandas()
                rest = t.slice(SINK_CHUNK_ROWS)
                buf, n = rest.to_batches(), rest.num_rows
        if n or not self.rows.get(name):
            yield (pa.Table.from_batches(buf, schema=pf.schema_arrow).to_pandas())

    def commit(self) -> list[Path]:
        """Write every table under its final name, all or nothing; returns the paths."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        names = list(dict.fromkeys(list(self._spill) + list(self._frames)))
        pending: list[tuple[str, Path]] = []
        try:
            for name in names:
                path = self.out / f"{name}.{self.fmt}"
                fd, tmp = _temp_for(path)
                pending.append((tmp, path))
                chunks = self._chunks(name) if name in self._spill else _split(self._frames[name], SINK_CHUNK_ROWS)
                with os.fdopen(fd, "wb") as fh:
                    if self.fmt == "csv":
                        for i, df in enumerate(chunks):
                            df.to_csv(fh, index=False, header=i == 0, lineterminator="\n", encoding="utf-8",
                                      errors="backslashreplace")
                    else:
                        writer = None
                        for df in chunks:
                            t = pa.Table.from_pandas(df, preserve_index=False)
                            writer = writer or pq.ParquetWriter(fh, t.schema)
                            writer.write_table(t.cast(writer.schema) if t.schema != writer.schema else t)
                        if writer is not None:
                            writer.close()
                    fh.flush()
                    os.fsync(fh.fileno())
        except BaseException:
            for tmp, _ in pending:
                _unlink(tmp)
            self.abort()
            raise
        written = []
        for i, (tmp, path) in enumerate(pending):
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
        for tmp, writer in self._spill.values():
            if writer is not None and writer is not _Closed:
                try:
                    writer.close()
                except Exception:
                    pass
            _unlink(tmp)
        self._spill.clear()

    def __enter__(self) -> "TableSink":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is not None or not self._done:
            self.abort()


class _Closed:
    """Marks a spill whose writer is closed."""


def _split(df: pd.DataFrame, n: int):
    if not len(df):
        yield df
        return
    for i in range(0, len(df), n):
        yield df.iloc[i:i + n]
