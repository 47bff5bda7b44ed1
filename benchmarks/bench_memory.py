"""Peak memory of ingesting a 50 MB text file and a corpus of 10,000 small articles.

Run: ``.venv/bin/python benchmarks/bench_memory.py [--articles 10000] [--mb 50] [--workers 1]
[--extract] [--tracemalloc] [--keep DIR]``.

The inputs are generated in a temporary folder (deleted afterwards unless ``--keep``): one
text file of ``--mb`` MB made of the seed articles and a Russian paragraph, and ``--articles``
small articles (0.5-5 KB; the seeds and the multilingual fixtures, recombined and varied; some in
cp1251, some HTML, a few exact copies, a metadata.csv). Each measurement runs in a fresh
subprocess, which reports its peak resident set size (``resource.getrusage``: the process
itself, and the largest of its pool workers) and, with ``--tracemalloc``, the peak of Python
allocations (slower). Scenarios:

- ``big_file``: ``load_corpus`` on the folder holding the big file, as shipped: it is over the
  size limit (``hmeimim.ingest.MAX_TEXT_BYTES``) and rejected from its size, unread.
- ``big_file_lifted``: the same with the limits lifted, so the whole reading path runs on it
  (decoding, normalisation, sentence splitting, the tables): what bounds memory if someone
  raises the limit.
- ``corpus``: ``load_corpus`` on the small articles (ingest only; ``--extract`` adds sources,
  flights, claims and the spread tables).

Prints one JSON line with the figures (``*_rss_mb`` in MiB). Not a test: numbers depend on
the machine.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "tests" / "fixtures" / "multilingual"
RU = ("Российские военные самолеты возобновили полеты на авиабазу Хмеймим в Сирии после "
      "полугодового перерыва, сообщает Bloomberg со ссылкой на данные Flightradar24. "
      "Транспортный самолет Ан-124 трижды приземлялся в Латакии, а Ил-62М вылетел из Ливии.")


def _rss_mb(who: int) -> float:
    kb = resource.getrusage(who).ru_maxrss
    return round(kb / (2**20 if sys.platform == "darwin" else 2**10), 1)  # bytes on macOS, KiB elsewhere


# --- inputs -------------------------------------------------------------------------------


def write_big(path: Path, n_bytes: int) -> int:
    """About ``n_bytes`` of article text in paragraphs (the seeds, a Russian paragraph)."""
    paras = [p for f in sorted(SEEDS.glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    block = ("\n\n".join(paras + [RU]) + "\n\n").encode("utf-8")
    with path.open("wb") as fh:
        for _ in range(max(1, n_bytes // len(block))):
            fh.write(block)
    return path.stat().st_size


def _sources() -> list[tuple[str, str, str]]:
    out = []
    for p in sorted(SEEDS.glob("*.txt")) + sorted(FIXTURES.glob("*")):
        if p.suffix in (".txt", ".html"):
            out.append((p.stem, p.suffix, p.read_text(encoding="utf-8")))
    return out


def write_corpus(folder: Path, n: int, seed: int = 0) -> int:
    """``n`` small articles in folders of 1,000, varied deterministically; returns their bytes."""
    rng = random.Random(seed)
    sources = _sources()
    total, written, meta = 0, [], ["id,published,outlet"]
    for i in range(n):
        sub = folder / f"part{i // 1000:03d}"
        if i % 1000 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        stem, suffix, text = rng.choice(sources)
        if written and rng.random() < 0.02:  # a syndicated copy
            original = rng.choice(written)
            data, suffix = original.read_bytes(), original.suffix
        else:
            if suffix != ".html":
                paras = [p for p in text.split("\n\n") if p.strip()]
                head, body = paras[:1], paras[1:]
                rng.shuffle(body)
                text = "\n\n".join(head + body[: rng.randint(1, max(1, len(body)))])
                text = re.sub(r"\b(2[0-9])\b", lambda m: str(rng.randint(20, 29)), text)
            enc = "cp1251" if stem.startswith("ru") and rng.random() < 0.2 else "utf-8"
            data = text.encode(enc, errors="replace")
        path = sub / f"a{i:06d}_{stem}{suffix}"
        path.write_bytes(data)
        written.append(path)
        total += len(data)
        if rng.random() < 0.5:
            meta.append(f"{path.stem},2025-10-{rng.randint(20, 31)},Outlet {rng.randint(1, 20)}")
    (folder / "metadata.csv").write_text("\n".join(meta) + "\n", encoding="utf-8")
    return total


# --- one measurement (in a child process) ----------------------------------------------------------


def child(scenario: str, folder: str, workers: int, extract: bool, trace: bool) -> None:
    import tracemalloc

    import hmeimim
    from hmeimim import ingest

    base = _rss_mb(resource.RUSAGE_SELF)  # the interpreter with pandas and hmeimim loaded
    if scenario == "big_file_lifted":
        ingest.MAX_TEXT_BYTES = ingest.MAX_CHARS = 10**12
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    corpus = hmeimim.load_corpus(folder, workers=workers, extract=extract, spread=extract, progress=False)
    seconds = time.perf_counter() - t0
    fig = {
        "seconds": round(seconds, 2),
        "peak_rss_mb": _rss_mb(resource.RUSAGE_SELF),
        "workers_peak_rss_mb": _rss_mb(resource.RUSAGE_CHILDREN) if workers > 1 else None,
        "rss_after_imports_mb": base,
        "articles": len(corpus.articles),
        "rejected": int((corpus.rejects["kind"] == "file").sum()),
        "sentences": len(corpus.sentences),
        "chars": int(corpus.articles["n_chars"].sum()) if len(corpus.articles) else 0,
    }
    if extract:
        fig.update(sources=len(corpus.sources), flights=len(corpus.flights), claims=len(corpus.claims))
    if scenario.startswith("big_file") and len(corpus.rejects):
        fig["reject_reason"] = corpus.rejects["reason"].iloc[0]
    if trace:
        fig["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    print(json.dumps(fig))


def measure(scenario: str, folder: Path, workers: int, extract: bool, trace: bool) -> dict:
    cmd = [sys.executable, __file__, "--child", scenario, str(folder), "--workers", str(workers)]
    cmd += ["--extract"] * extract + ["--tracemalloc"] * trace
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if r.returncode != 0:
        return {"error": (r.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--mb", type=float, default=50)
    ap.add_argument("--workers", type=int, default=1, help="processes for the corpus (1 = no pool)")
    ap.add_argument("--extract", action="store_true", help="also run extraction and spread on the corpus")
    ap.add_argument("--tracemalloc", action="store_true", help="also report the peak of Python allocations")
    ap.add_argument("--keep", help="generate the inputs here and keep them")
    ap.add_argument("--child", nargs=2, metavar=("SCENARIO", "FOLDER"), help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        return child(a.child[0], a.child[1], a.workers, a.extract, a.tracemalloc)

    tmp = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="hmeimim-mem-"))
    try:
        big, small = tmp / "big", tmp / "corpus"
        for d in (big, small):
            if d.exists():
                shutil.rmtree(d)
            d.mkdir(parents=True)
        t0 = time.perf_counter()
        big_bytes = write_big(big / "big.txt", int(a.mb * 2**20))
        corpus_bytes = write_corpus(small, a.articles)
        gen = time.perf_counter() - t0
        figures = {
            "bench": "memory",
            "python": sys.version.split()[0],
            "cpus": os.cpu_count(),
            "generate_seconds": round(gen, 1),
            "big_file_mb": round(big_bytes / 2**20, 1),
            "big_file": measure("big_file", big, 1, False, a.tracemalloc),
            "big_file_lifted": measure("big_file_lifted", big, 1, False, a.tracemalloc),
            "corpus_articles": a.articles,
            "corpus_mb": round(corpus_bytes / 2**20, 1),
            "corpus": measure("corpus", small, a.workers, a.extract, a.tracemalloc),
        }
        figures["corpus"]["workers"] = a.workers
        figures["corpus"]["extract"] = a.extract
        print(json.dumps(figures, ensure_ascii=False))
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
