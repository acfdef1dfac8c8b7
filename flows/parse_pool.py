"""Parsing in worker processes.

The parser is pure CPU work, which threads cannot share under the GIL: with parse tasks in threads, two
workers parse no faster than one. So a parse task running in a thread hands its batch to a pool of worker
processes and waits for the staged batch's path. The workers are forked from a 'forkserver' that has
imported the parser once: each starts in a fraction of a second, instead of the seconds a freshly spawned
Python takes to import Prefect (Prefect's own process task runner), and none is forked from the flow's
process with its threads and open connections. Where there is no forkserver (Windows), the batch is
parsed in the task's thread.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Iterator

from flows.batch import stage_inputs
from flows.prefect_server import is_alive, run_mark
from flows.sources import PageRef
from warehouse.staging import StagedBatch

OWNER_CHECK_SECONDS = 0.5
STARTER_WAIT_SECONDS = 60
_pool: ProcessPoolExecutor | None = None
_starter: threading.Thread | None = None
_pool_lock = threading.Lock()


class ParseWorkerDied(Exception):
    """A parse worker process ended mid-batch (killed, or out of memory)."""


def stage_in_workers(refs: list[PageRef], staging_dir: str | Path, workers: int) -> StagedBatch:
    return next(stage_each_in_workers([refs], staging_dir, workers))


def stage_each_in_workers(batches: list[list[PageRef]], staging_dir: str | Path, workers: int) -> Iterator[StagedBatch]:
    """Each batch staged, in order. All are handed to the pool at once: a worker that is done takes the next
    batch, whoever asked for it, so no core idles while another still has a queue of its own."""
    pool = _get_pool(workers)
    if pool is None:
        yield from (stage_inputs(refs, staging_dir) for refs in batches)
        return
    futures = [pool.submit(stage_inputs, refs, staging_dir) for refs in batches]
    try:
        for future in futures:
            yield future.result()
    except BrokenProcessPool:
        _reset_pool()
        raise ParseWorkerDied("a parse worker process ended mid-batch (killed, or out of memory): run the ingest "
                              "again; with less memory, lower OOH_WORKERS or OOH_BATCH_SIZE") from None
    finally:
        for future in futures:  # a batch failed or the caller stopped: the rest are not parsed
            future.cancel()


def start_in_background(workers: int) -> None:
    """Start the worker processes now, without waiting for them: a command does it while Prefect starts
    its flow run (a second or so), so that the first batch does not wait for the workers to start."""
    global _starter

    def start() -> None:
        pool = _get_pool(workers)
        if pool is not None:
            for _ in range(workers):  # each task the pool cannot hand to an idle worker starts one
                pool.submit(_ready)

    _starter = threading.Thread(target=start, name="parse-workers-start", daemon=True)
    _starter.start()


def _ready() -> None:
    pass


def _get_pool(workers: int) -> ProcessPoolExecutor | None:
    global _pool
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return None
    with _pool_lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["flows.batch"])
            _pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                                        initargs=(run_mark(),))
        return _pool


def shutdown(wait: bool = True) -> None:
    """Stop the worker processes (the next batch starts new ones). Workers still starting are let start
    first: one stopped halfway prints a traceback of Python's own."""
    global _pool
    if _starter is not None and _starter is not threading.current_thread():
        _starter.join(STARTER_WAIT_SECONDS)
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=wait, cancel_futures=True)
        _pool = None


def _reset_pool() -> None:
    shutdown(wait=False)


def _start_worker(owner: str) -> None:
    """In each worker, before its first batch. A parse allocates hundreds of thousands of short-lived
    objects and makes few reference cycles, and Python's cyclic collector, run every 700 allocations, goes
    over every imported module's objects in its full passes (writing to pages the worker shares with the
    forkserver, which then become its own). So the imports are set aside from its passes (gc.freeze) and it
    runs every 10,000 allocations: an ingest of ten times the corpus took 3-6% less time and 3% less
    memory (two alternating runs each), the corpus's about 1% less time."""
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    _watch_owner(owner)


def _watch_owner(owner: str) -> None:
    """In each worker: end it when the process that owns the pool is gone. A worker is a child of the
    forkserver, not of that process, and holds its task queue's both ends, so nothing else ends it when the
    owner is killed (kill -9, the OOM killer): it would wait for work for ever."""
    def watch() -> None:
        while is_alive(owner):
            time.sleep(OWNER_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="owner-watch", daemon=True).start()
