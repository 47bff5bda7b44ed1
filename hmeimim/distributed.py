"""The Dask engine: the same extract, run as partitions on a ``dask.distributed`` cluster.

:func:`load_corpus_dask` calls :func:`hmeimim.load_corpus` with a *mapper* that ships batches
of files (read and extracted in one task) to the cluster and yields the results
back in input order, so the tables are identical to the local engine's by construction: the
same pure per-file and per-article functions run, and the same single-process assembly
(sorting, duplicate marking, reference year) follows. The spread stage gives the cluster its
text candidate search, a partitioned join: one task per row block of each language's sparse
TF-IDF product, the matrix scattered once; the rest of the stage runs here.

Dask is an optional extra (``pip install 'hmeimim[dask]'``); it is imported only when used.
With a remote ``scheduler`` the workers must see the corpus folder at the same path (a shared
file system) and have ``hmeimim`` installed.

>>> corpus = load_corpus_dask("seeds")                               # doctest: +SKIP
>>> corpus = load_corpus_dask("seeds", scheduler="tcp://10.0.0.5:8786")   # doctest: +SKIP
"""
from __future__ import annotations

import inspect
import itertools
import os
from collections import deque
from typing import Callable, Iterable, Iterator

__all__ = ["load_corpus_dask", "DaskEngine", "DaskMapper", "DaskUnavailable", "require_dask"]

LOCAL_WORKERS = 2
# Items per partition: large enough to amortise the 2-4 ms a task costs, small enough to keep
# every worker busy and the results in flight bounded.
MIN_PARTITION = 16
MAX_PARTITION = 256
PARTITIONS_PER_WORKER = 8
IN_FLIGHT_PER_WORKER = 4


class DaskUnavailable(ImportError, ValueError):
    """``dask.distributed`` is not installed (a ValueError too, so the CLI prints one line)."""


def require_dask():
    """Import and return ``dask.distributed``, or raise :class:`DaskUnavailable` with one clear line."""
    try:
        import dask.distributed as dd
    except ImportError as e:
        raise DaskUnavailable(
            f"the Dask engine needs dask[distributed] ({e.name or 'dask'} is not installed): "
            "pip install 'hmeimim[dask]'") from None
    return dd


def _apply_chunk(fn: Callable, chunk: list) -> list:
    return [fn(x) for x in chunk]


class DaskMapper:
    """A :data:`hmeimim.pipeline.Mapper` on a Dask client: ``mapper(fn, items)`` yields
    ``fn(item)`` for every item, in input order.

    Items are cut into partitions of ``partition_size`` (default: about 8 per worker, between
    16 and 256 items); at most ``IN_FLIGHT_PER_WORKER`` partitions per worker are submitted
    ahead of the one being read, so memory stays bounded however long the input is. ``fn`` is
    sent to the workers once (scattered), not with every partition: it may carry data (a
    ``functools.partial`` over a matrix).
    """

    def __init__(self, client, partition_size: int | None = None, n_workers: int | None = None):
        self.client = client
        self.partition_size = partition_size
        self.n_workers = n_workers or max(1, sum(client.nthreads().values()))

    def _size(self, n: int) -> int:
        if self.partition_size:
            return self.partition_size
        return max(MIN_PARTITION, min(MAX_PARTITION, -(-n // (self.n_workers * PARTITIONS_PER_WORKER))))

    def __call__(self, fn: Callable, items: Iterable) -> Iterator:
        items = list(items) if not isinstance(items, list) else items
        if not items:
            return iter(())
        return self._run(fn, items)

    def _run(self, fn: Callable, items: list) -> Iterator:
        # items that are batches already (the pipeline's batches of files) go one to a task
        size = 1 if isinstance(items[0], list) and not self.partition_size else self._size(len(items))
        chunks = (items[i:i + size] for i in range(0, len(items), size))
        [fn_remote] = self.client.scatter([fn], broadcast=True, hash=False)
        window = deque()
        limit = self.n_workers * IN_FLIGHT_PER_WORKER
        try:
            for chunk in itertools.islice(chunks, limit):
                window.append(self.client.submit(_apply_chunk, fn_remote, chunk, pure=False))
            while window:
                fut = window.popleft()
                results = fut.result()
                fut.release()
                nxt = next(chunks, None)
                if nxt is not None:
                    window.append(self.client.submit(_apply_chunk, fn_remote, nxt, pure=False))
                yield from results
        finally:
            for fut in window:
                fut.cancel()
            fn_remote.release()


class DaskEngine:
    """A Dask client for the pipeline: connected to ``scheduler`` (an address such as
    ``tcp://10.0.0.5:8786``), or to a ``LocalCluster`` of 2 single-threaded worker processes
    on 127.0.0.1 that :meth:`close` shuts down. Use as a context manager.

    ``mapper`` runs the per-file and per-article stages; :meth:`spread` runs the spread stage,
    giving its candidate search to the cluster when :mod:`hmeimim.spread` accepts a mapper.
    """

    def __init__(self, scheduler: str | None = None, n_workers: int = LOCAL_WORKERS,
                 partition_size: int | None = None):
        self.scheduler = scheduler
        self.local_workers = n_workers
        self.partition_size = partition_size
        self.client = self.cluster = None
        self.mapper: DaskMapper | None = None

    def start(self) -> "DaskEngine":
        dd = require_dask()
        import logging

        if self.scheduler:
            self.client = dd.Client(self.scheduler, timeout="30s")
        else:
            self.cluster = dd.LocalCluster(n_workers=self.local_workers, threads_per_worker=1, processes=True,
                                           host="127.0.0.1", dashboard_address=None,
                                           silence_logs=logging.ERROR)
            self.client = dd.Client(self.cluster)
        n = max(1, sum(self.client.nthreads().values()))
        self.mapper = DaskMapper(self.client, self.partition_size, n)
        return self

    @property
    def n_workers(self) -> int:
        return self.mapper.n_workers if self.mapper else 0

    def spread(self, corpus, timings: dict | None = None, progress=None):
        """Fill ``corpus.spread`` (what ``pipeline.run_spread`` does). The spread's candidate
        search runs on the cluster when the spread stage takes a mapper
        (``spread_tables(corpus, mapper=...)``), else the whole stage runs here."""
        try:
            from . import spread as spread_mod
        except ImportError:
            return corpus
        fn = spread_mod.spread_tables
        params = inspect.signature(fn).parameters
        kw = {}
        if "mapper" in params:
            kw["mapper"] = self.mapper
        if timings is not None and "timings" in params:
            kw["timings"] = timings
        if progress is not None and "progress" in params:
            kw["progress"] = progress
        corpus.spread = fn(corpus, **kw)
        return corpus

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def __enter__(self) -> "DaskEngine":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()


def load_corpus_dask(path: str | os.PathLike, metadata: str | os.PathLike | None = None,
                     scheduler: str | None = None, *, extract: bool = True, spread: bool = True,
                     partition_size: int | None = None, **kw):
    """:func:`hmeimim.load_corpus` with ingest, extraction and the spread's text candidate search
    (row blocks of the sparse product, :func:`hmeimim.spread.spread_tables` ``mapper=``) run on a
    Dask cluster.

    ``scheduler`` is a scheduler address; by default a ``LocalCluster(n_workers=2,
    threads_per_worker=1, processes=True)`` on 127.0.0.1 is started and closed here. Other
    keyword arguments (``progress``) go to :func:`~hmeimim.load_corpus`. The result equals the
    local engine's table for table.

    Raises :class:`DaskUnavailable` (an ImportError and ValueError) when Dask is not installed.
    """
    from pathlib import Path

    from .pipeline import load_corpus

    root = Path(path)  # the checks load_corpus makes, before a cluster is started
    if not root.is_dir():
        raise (NotADirectoryError(f"corpus is not a folder: {root}") if root.exists()
               else FileNotFoundError(f"corpus folder not found: {root}"))
    if metadata is not None and not Path(metadata).is_file():
        raise FileNotFoundError(f"metadata file not found: {metadata}")
    kw.pop("workers", None)
    kw.pop("mapper", None)
    with DaskEngine(scheduler, partition_size=partition_size) as eng:
        corpus = load_corpus(path, metadata, extract=extract, spread=False, mapper=eng.mapper, **kw)
        if extract and spread:
            eng.spread(corpus)
    return corpus
