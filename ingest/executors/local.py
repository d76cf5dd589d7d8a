"""Shards on this machine: in this process for one worker, else a pool of worker processes.

The pool starts on the first `map` and lasts until `close`, so a run's two passes share its
workers. Each `map` pickles its `(fn, context)` once, to a file in the folder the caller gives
(a run's spool) or in a temporary one of the executor's own; every task carries a token (the
call's generation and the file's path), and a worker loads the file when the generation
changes, so the context reaches each worker once a call.

Workers come from a fork server, not a plain fork of the driver: they inherit none of its
open files, so no worker can keep the run's lock held. The fork server belongs to the process
and keeps the preload list it started with: a later executor reuses what the first preloaded
(trafilatura or not; a worker imports it when it meets a page anyway). Workers ignore SIGINT
and SIGTERM (the driver decides how a run stops, see ingest/runner.py) and exit as soon as the
driver is gone, however it died: a killed run leaves no orphans behind.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import pickle
import shutil
import signal
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

from ingest.errors import ExecutorError
from ingest.executors import IN_FLIGHT_PER_WORKER

C = TypeVar("C")
T = TypeVar("T")
R = TypeVar("R")

Token = tuple[int, str]  # a map call's generation, and the file holding its (fn, context)

_loaded: tuple[Token, Callable[[Any, Any], Any], Any] | None = None


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()


def _exit_with(sentinel: int) -> None:
    """The pool would wait forever on a queue whose other end died with the driver."""
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def _call(token: Token, item: Any) -> Any:
    """`fn(context, item)`, loading the map call's `(fn, context)` on its first task here."""
    global _loaded
    if _loaded is None or _loaded[0] != token:
        with open(token[1], "rb") as handle:
            fn, context = pickle.load(handle)
        _loaded = (token, fn, context)
    _, fn, context = _loaded
    return fn(context, item)


def _oldest_result(pending: deque[Future[R]]) -> R:
    """The first future's result; it leaves `pending` only once done, to be settled otherwise."""
    result = pending[0].result()
    pending.popleft()
    return result


class LocalExecutor:
    """One process pool for the executor's life; each `map` ships its context once per worker."""

    def __init__(self, workers: int | None, html: bool = True, folder: str | None = None) -> None:
        """`folder` holds the contexts' files: a run gives its spool, which the next run
        clears if this one is killed; by default a temporary folder of the executor's own."""
        self.workers = workers or os.cpu_count() or 1
        self.html = html  # whether the fork server preloads trafilatura, if this starts it
        self.pool: ProcessPoolExecutor | None = None
        self.folder = folder
        self.own_folder = folder is None  # made here, so removed here
        self.generation = 0

    def map(self, fn: Callable[[C, T], R], context: C, items: Iterable[T]) -> Iterator[R]:
        if self.workers <= 1:
            for item in items:
                yield fn(context, item)
            return
        pool, folder = self.start()
        self.generation += 1
        path = os.path.join(folder, f"context-{self.generation}.pickle")
        token = (self.generation, path)
        pending: deque[Future[R]] = deque()
        try:
            with open(path, "wb") as handle:
                pickle.dump((fn, context), handle, pickle.HIGHEST_PROTOCOL)
            for item in items:
                pending.append(pool.submit(_call, token, item))
                if len(pending) >= self.workers * IN_FLIGHT_PER_WORKER:
                    yield _oldest_result(pending)
            while pending:
                yield _oldest_result(pending)
        except BrokenProcessPool as error:
            self.stop()
            raise ExecutorError(
                f"a worker process died ({error}); committed output is safe, re-run to finish"
            ) from None
        finally:
            self.settle(pending)
            Path(path).unlink(missing_ok=True)

    def start(self) -> tuple[ProcessPoolExecutor, str]:
        """The pool and the contexts' folder, made on first use (the pool again after a break)."""
        if self.folder is None:
            self.folder = tempfile.mkdtemp(prefix="ingest-pool-")
        os.makedirs(self.folder, exist_ok=True)
        if self.pool is None:
            mp = multiprocessing.get_context("forkserver")
            html = ["ingest.executors.preload_html"] if self.html else []
            mp.set_forkserver_preload(["ingest.passes", *html, "ingest.executors.preload"])
            self.pool = ProcessPoolExecutor(self.workers, mp_context=mp, initializer=_start_worker)
        return self.pool, self.folder

    def settle(self, pending: deque[Future[R]]) -> None:
        """Cancel a map call's tasks not started and wait for the rest: the next call starts
        clean. A pool that broke meanwhile is dropped, for the next call to start afresh."""
        for future in pending:
            future.cancel()
        wait(pending)
        if any(
            not future.cancelled() and isinstance(future.exception(), BrokenProcessPool)
            for future in pending
        ):
            self.stop()

    def stop(self) -> None:
        """Shut the pool down, if there is one: its workers exit."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def close(self) -> None:
        """Shut the pool down and remove the contexts' folder if it made it; closing twice is
        harmless."""
        self.stop()
        if self.own_folder and self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
