"""Write tables to disk atomically and deterministically.

Each table goes to a temporary file in the output folder and is renamed into place, so an
interrupted run never leaves a half-written table under its final name. The same corpus
always gives byte-identical files (stable sort orders, no timestamps).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

__all__ = ["write_tables", "read_tables", "atomic_write_bytes"]


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _to_bytes(df: pd.DataFrame, fmt: str) -> bytes:
    if fmt == "csv":
        return df.to_csv(index=False, lineterminator="\n").encode("utf-8")
    import io

    buf = io.BytesIO()
    df.to_parquet(buf, index=False, engine="pyarrow")
    return buf.getvalue()


def write_tables(tables: dict[str, pd.DataFrame], out: Path, fmt: str = "csv") -> list[Path]:
    """Write each table as ``<out>/<name>.<fmt>``; returns the paths written.

    Files of an earlier run that this run does not produce (e.g. a table of another format)
    are left alone; tables of the same name are replaced whole."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown format {fmt!r}: use csv or parquet")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"output path exists and is not a folder: {out}")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        path = out / f"{name}.{fmt}"
        atomic_write_bytes(path, _to_bytes(df, fmt))
        written.append(path)
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
