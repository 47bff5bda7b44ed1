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

__all__ = ["write_tables", "read_tables", "atomic_write_bytes", "FORMATS"]

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
