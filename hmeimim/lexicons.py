"""Load the lexicon data files shipped in ``hmeimim/lexicon/``.

Lexicons are plain UTF-8 CSV files (one row per spelling, language or cue), so adding a
language or an alias is adding rows, not code. They are read once per process and cached.

>>> rows = load("aircraft")            # doctest: +SKIP
>>> rows[0]["canonical"]               # doctest: +SKIP
'Il-62M'
"""
from __future__ import annotations

import csv
import functools
from pathlib import Path

__all__ = ["load", "path"]


def path(name: str):
    """Return the path of lexicon ``name`` (without ``.csv``)."""
    return Path(__file__).with_name("lexicon") / f"{name}.csv"


@functools.lru_cache(maxsize=None)
def _load(name: str) -> tuple[dict[str, str], ...]:
    with path(name).open(encoding="utf-8", newline="") as fh:
        rows = [
            {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
            for row in csv.DictReader(line for line in fh if not line.startswith("#"))
        ]
    return tuple(rows)


def load(name: str) -> list[dict[str, str]]:
    """Rows of lexicon ``name`` as dicts of stripped strings; lines starting with ``#`` are comments."""
    return [dict(r) for r in _load(name)]
