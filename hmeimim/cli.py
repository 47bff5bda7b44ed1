"""Command line: ``hmeimim extract``, ``hmeimim report``, ``hmeimim bench``.

Bad arguments give one clear line on stderr and a non-zero exit, never a traceback.
"""
from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2
        self.exit(2, f"hmeimim: error: {message} (see 'hmeimim {self.prog.split()[-1]} --help')\n")


def _fail(message: str, code: int = 2) -> int:
    print(f"hmeimim: error: {message}", file=sys.stderr)
    return code


def _cmd_extract(args) -> int:
    from .pipeline import load_corpus

    corpus_dir = Path(args.corpus)
    if not corpus_dir.is_dir():
        return _fail(f"corpus folder not found: {corpus_dir}" if not corpus_dir.exists() else f"corpus is not a folder: {corpus_dir}")
    if args.metadata and not Path(args.metadata).is_file():
        return _fail(f"metadata file not found: {args.metadata}")
    if args.workers is not None and args.workers < 1:
        return _fail("--workers must be 1 or more")
    if args.ref_year is not None and not 1900 <= args.ref_year <= 2100:
        return _fail("--ref-year must be a year between 1900 and 2100")
    from . import schema
    from .output import TableSink

    engine = getattr(args, "engine", "local")
    # The sources, flights and claims rows go to the output folder batch by batch (bounded
    # memory); the extraction tables appear under their names only when every one of them is
    # complete, and the spread tables (if any) after them, together.
    with contextlib.ExitStack() as stack:
        sink = stack.enter_context(TableSink(Path(args.out), args.format))
        engine_ = None
        if engine == "dask":
            from .distributed import DaskEngine, require_dask

            require_dask()
            engine_ = stack.enter_context(DaskEngine(args.scheduler))
        corpus = load_corpus(corpus_dir, args.metadata, workers=args.workers, spread=False, sink=sink,
                             mapper=engine_.mapper if engine_ else None,
                             progress=None if not args.quiet else False, ref_year=args.ref_year)
        for name in ("articles", "rejects"):  # the contract the codebook documents
            df = getattr(corpus, name)
            schema.validate(name, df)
            sink.put(name, df)
        n_claims = sink.rows.get("claims", 0)
        if not args.no_spread:
            try:
                corpus.claims = sink.read("claims")
                corpus.sentences = sink.read("sentences")
            except MemoryError:  # (the spread's first large allocation: reported below)
                corpus.claims = corpus.sentences = None
        # the extraction tables are published before the spread starts: a spread that fails,
        # runs out of memory or is interrupted costs only itself (no spread tables are left)
        written = sink.commit()
        if not args.no_spread:
            kept = f"the extraction tables are in {args.out} (--no-spread skips the spread)"
            try:
                if corpus.claims is None:
                    raise MemoryError
                written += _spread(args, corpus, engine_, n_claims, kept)
            except MemoryError:
                return _fail(f"not enough memory for the spread of {n_claims:,} claims; {kept}", 1)
            except Exception as e:  # one line, as for bad input; the extraction is not lost
                return _fail(f"the spread failed ({type(e).__name__}: {e}); {kept}", 1)
    s = corpus.summary()
    print(f"{s['articles']} articles, {s['rejects']} rejected, {sink.rows.get('sentences', 0)} sentences, "
          f"{sink.rows.get('sources', 0)} sources, {sink.rows.get('flights', 0)} flight mentions, "
          f"{sink.rows.get('claims', 0)} claims -> {len(written)} tables in {args.out}")
    return 0


def _spread(args, corpus, engine_, n_claims: int, kept: str) -> list[Path]:
    """Run the spread stage (with a warning first when it may not fit in the free memory, and a
    progress bar of its steps on a terminal) and write its tables beside the extraction tables."""
    from .output import write_tables
    from .pipeline import PROGRESS_MIN_FILES, run_spread, spread_shortfall, step_progress
    from .spread import SPREAD_STEPS

    short = spread_shortfall(n_claims)
    if short:
        print(f"hmeimim: warning: {short}; {kept}", file=sys.stderr)
    show = not args.quiet and sys.stderr.isatty() and len(corpus.articles) >= PROGRESS_MIN_FILES
    with step_progress(SPREAD_STEPS, "spread", show) as done:
        if engine_ is not None:
            engine_.spread(corpus, progress=done)  # the candidate search on the cluster
        else:
            run_spread(corpus, progress=done)
    return write_tables(corpus.spread, Path(args.out), args.format, prune=False)


def _cmd_report(args) -> int:
    from .report import ReportError, render_report

    try:
        out = render_report(args.corpus, args.week, args.out, metadata=args.metadata, html=not args.no_html)
    except ReportError as e:
        return _fail(str(e))
    print(f"report written: {out / 'report.html'}")
    return 0


def _cmd_bench(args) -> int:
    from .bench import run_bench

    if args.articles < 1:
        return _fail("--articles must be 1 or more")
    run_bench(args.articles, engine=args.engine, workers=args.workers, seed=args.seed)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="hmeimim", description="Trace flight claims, sources and mutations through news coverage.")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    e = sub.add_parser("extract", help="write the tidy tables of a corpus folder")
    e.add_argument("corpus", help="folder of .txt/.md/.html articles (metadata.csv beside them is optional)")
    e.add_argument("--out", required=True, help="output folder for the tables")
    e.add_argument("--format", choices=("csv", "parquet"), default="csv")
    e.add_argument("--metadata", help="metadata.csv (default: beside the articles, or ../data/metadata.csv)")
    e.add_argument("--workers", type=int, help="processes (default: all cores; 1 = no pool)")
    e.add_argument("--engine", choices=("local", "dask"), default="local")
    e.add_argument("--scheduler", help="Dask scheduler address (with --engine dask; default: a local cluster)")
    e.add_argument("--ref-year", type=int, help="year assumed for year-less dates in undated articles "
                   "(default: the most common publication year of the dated articles)")
    e.add_argument("--no-spread", action="store_true",
                   help="skip the claim spread (its tables need all claims in memory; without it memory "
                        "stays bounded however large the corpus)")
    e.add_argument("--quiet", action="store_true", help="no progress bar")
    e.set_defaults(func=_cmd_extract)

    r = sub.add_parser("report", help="render the weekly report (papermill) for an ISO week")
    r.add_argument("--corpus", required=True, help="corpus folder")
    r.add_argument("--week", required=True, help="ISO week such as 2025-W44, or any date inside the week")
    r.add_argument("--out", default="reports", help="output folder (default: reports/)")
    r.add_argument("--metadata", help="metadata.csv (default: beside the articles, or ../data/metadata.csv)")
    r.add_argument("--no-html", action="store_true", help="skip the HTML export")
    r.set_defaults(func=_cmd_report)

    b = sub.add_parser("bench", help="benchmark extract and spread on a synthetic corpus; prints one JSON line")
    b.add_argument("--articles", type=int, default=1000)
    b.add_argument("--engine", choices=("local", "dask"), default="local")
    b.add_argument("--workers", type=int)
    b.add_argument("--seed", type=int, default=0)
    b.set_defaults(func=_cmd_bench)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except MemoryError:
        return _fail("out of memory", 1)
    except (OSError, ValueError) as e:
        return _fail(str(e), 1)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
