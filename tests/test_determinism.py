"""The same corpus always gives byte-identical tables.

``hmeimim extract`` is run as separate processes with different hash seeds (so nothing may
depend on set or dict-of-str order), once in a plain loop (``--workers 1``) and once through
the process pool (``--workers 2`` on a corpus above ``POOL_MIN_FILES``), and the files it
writes are compared byte for byte: stable ids and sort orders, no timestamps.
"""
from __future__ import annotations

import filecmp
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hmeimim.output import read_tables, write_tables
from hmeimim.pipeline import POOL_MIN_FILES

from conftest import FIXTURES, ROOT, SEEDS

N_FILES = 200


def _mutate(text: str, rng: random.Random) -> str:
    """Vary an article: numbers, paragraph order, a sentence dropped, some case."""
    paras = [p for p in text.split("\n\n") if p.strip()]
    head, body = paras[:1], paras[1:]
    rng.shuffle(body)
    if len(body) > 2 and rng.random() < 0.5:
        body.pop(rng.randrange(len(body)))
    out = "\n\n".join(head + body)
    out = re.sub(r"\b(2[0-9])\b", lambda m: str(rng.randint(20, 29)), out)  # days of October
    if rng.random() < 0.2:
        out = out.replace("three", "two").replace("трижды", "дважды")
    return out + "\n"


def make_corpus(folder: Path, n: int = N_FILES, seed: int = 7) -> None:
    """``n`` files from the seeds and the multilingual fixtures, mutated deterministically; a
    few exact copies, legacy encodings, HTML pages, bad files and a metadata.csv."""
    rng = random.Random(seed)
    sources = [(p, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    sources += [(p, p.read_text(encoding="utf-8")) for p in sorted((FIXTURES / "multilingual").iterdir())
                if p.suffix in (".txt", ".html")]
    folder.mkdir(parents=True)
    (folder / "part_a").mkdir()
    (folder / "part b").mkdir()
    written, meta = [], ["id,published,outlet,language"]
    for i in range(n - 4):
        src, text = rng.choice(sources)
        sub = folder / ("part_a" if i % 2 else "part b")
        name = f"{i:03d}_{src.stem}"
        if written and rng.random() < 0.05:  # a syndicated copy
            shutil.copy(rng.choice(written), sub / f"{name}{src.suffix}")
            continue
        body = text if src.suffix == ".html" else _mutate(text, rng)
        enc = "cp1251" if src.stem.startswith("ru") and rng.random() < 0.3 else "utf-8"
        path = sub / f"{name}{src.suffix}"
        path.write_bytes(body.encode(enc, errors="replace"))
        written.append(path)
        if rng.random() < 0.3:
            meta.append(f"{name},2025-10-{rng.randint(20, 31)},Outlet {rng.randint(1, 9)},")
    meta += ["ghost,2025-10-01,,", f"{written[0].stem},someday,,"]
    (folder / "metadata.csv").write_text("\n".join(meta) + "\n", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    (folder / "scripts.html").write_text("<html><script>x()</script></html>", encoding="utf-8")


def extract(corpus: Path, out: Path, *args: str, hash_seed: str) -> None:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "hmeimim.cli", "extract", str(corpus), "--out", str(out),
                        "--quiet", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=900)
    assert r.returncode == 0, r.stderr


def assert_identical(a: Path, b: Path) -> None:
    names_a = sorted(p.name for p in a.iterdir())
    assert names_a == sorted(p.name for p in b.iterdir())
    assert names_a and not [n for n in names_a if n.startswith(".")], names_a  # no temp files left
    cmp = filecmp.cmpfiles(a, b, names_a, shallow=False)
    assert cmp[0] == names_a, f"differ: {cmp[1]}, errors: {cmp[2]}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("determinism") / "corpus"
    make_corpus(d)
    return d


def test_the_corpus_is_large_enough_for_the_pool(corpus):
    n = sum(1 for p in corpus.rglob("*") if p.is_file() and p.name != "metadata.csv")
    assert n == N_FILES >= POOL_MIN_FILES


def test_extract_is_byte_identical_across_runs_and_with_or_without_the_pool(corpus, tmp_path):
    extract(corpus, tmp_path / "loop", "--workers", "1", hash_seed="1")
    extract(corpus, tmp_path / "pool", "--workers", "2", hash_seed="2")
    assert_identical(tmp_path / "loop", tmp_path / "pool")
    tables = read_tables(tmp_path / "loop")
    a, rej = tables["articles"], tables["rejects"]
    assert len(a) + (rej["kind"] == "file").sum() == N_FILES
    assert (a["duplicate_of"].fillna("") != "").any()  # the copies were found
    assert {"cp1251", "utf-8"} <= set(a["encoding"])
    assert len(tables["sentences"]) > 1000 and len(tables["flights"]) > 0


def test_parquet_is_deterministic(corpus, tmp_path):
    """The tables are the same whatever the run (above); Parquet adds no timestamp or run
    dependent metadata: a third process writes them, and writing what it wrote again gives the
    same bytes."""
    pytest.importorskip("pyarrow")
    extract(corpus, tmp_path / "one", "--workers", "2", "--format", "parquet", hash_seed="3")
    tables = read_tables(tmp_path / "one")
    assert set(tables) >= {"articles", "sentences", "sources", "flights", "claims", "rejects"}
    write_tables(tables, tmp_path / "two", fmt="parquet")
    assert_identical(tmp_path / "one", tmp_path / "two")
