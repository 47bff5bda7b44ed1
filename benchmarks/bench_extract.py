"""Extract + spread throughput on a synthetic corpus, with the knobs ``hmeimim bench`` leaves out.

Run: ``.venv/bin/python benchmarks/bench_extract.py --articles 10000 [--engine local|dask]
[--workers 2] [--seed 0] [--keep DIR | --corpus DIR] [--no-spread] [--profile OUT.prof]``.

``--keep DIR`` writes the generated corpus to DIR and leaves it (generation of 10^5 articles
takes a minute or two); ``--corpus DIR`` reuses it. ``--profile`` runs ingest and extract in
this one process (no pool) under cProfile and prints the top functions on stderr: the way to
find hot spots. The last stdout line is the JSON object of :func:`hmeimim.bench.run_bench`.
Not a test: numbers depend on the machine and on what else runs on it (see ``cpu_s`` and
``loadavg_*`` in the JSON).
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hmeimim.bench import run_bench  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--engine", choices=("local", "dask"), default="local")
    ap.add_argument("--scheduler", help="Dask scheduler address (default: a local 2-worker cluster)")
    ap.add_argument("--workers", type=int)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", help="write the corpus here and keep it")
    ap.add_argument("--corpus", help="reuse a corpus folder written with --keep")
    ap.add_argument("--no-spread", action="store_true")
    ap.add_argument("--profile", help="cProfile the run in one process and write the stats here")
    a = ap.parse_args()
    kw = dict(engine=a.engine, workers=a.workers, seed=a.seed, spread=not a.no_spread,
              scheduler=a.scheduler, keep=a.keep, corpus=a.corpus)
    if a.profile:
        kw["workers"] = 1
        prof = cProfile.Profile()
        prof.enable()
        run_bench(a.articles, **kw)
        prof.disable()
        prof.dump_stats(a.profile)
        pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    else:
        run_bench(a.articles, **kw)


if __name__ == "__main__":
    main()
