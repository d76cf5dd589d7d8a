"""A run of the pipeline over a folder: incremental, exactly-once, parallel, observable.

In order, under the state's lock (a second run exits at once with code 3):
1. recover what a crashed run left (`ingest.io.output.recover`);
2. plan: walk the inputs and keep the new, changed and failed ones (all of them with
   `full`, after a rules or pipeline change, or when the output is not the one the state knows),
   streamed in source order into the state's `temp.plan`, in batches;
3. pass one on the executor (`ingest.passes.first_pass`), shards read from the plan page by
   page as the executor asks for them: documents are spooled to disk, and their line keys added
   to the site profiles, one transaction every `PROFILE_COMMIT_SHARDS` shards;
4. pass two on the executor (`second_pass`), fed from the spool in the same order; then, in the
   driver and in source order: duplicates, counts, and the parts, each published with its
   sources in the two-phase commit of `ingest.io.output`;
5. close: a FILE output's one part, or a DIR output's manifest then `_SUCCESS`; `report.json`.
At most `workers × 2` shards are in flight and one part is open, so memory stays bounded: the
driver holds no list or set of the run's inputs. Which inputs the run found and kept is in
`temp.plan` (the gone ones, the FILE output's carried entries, the counts are asked of it), and
the inputs an open part covers are staged in the state as they are written, in the part's own
transaction.

The cross-document pass (ingest/profiles.py, ingest/stages/repeats.py, ingest/dedup.py) plugs
in through this interface, and only this:
- worker, pass one: `LineCounts.add(doc)` for each document still kept;
- driver, after each shard of pass one: `ProfileStore(conn).add(counts)`, in a transaction;
  after pass one: `ProfileStore.chrome_profile(sites)` for the sites this run saw;
- worker, pass two: `Repeats(profiles)` in place of the pipeline's own `Repeats` stage, and
  `fingerprint(doc, DedupSettings())` for each document still kept (`ingest.passes.finish`);
- driver, pass two, in source order: `Deduplicator(conn).judge(id, source, site, fingerprint)`,
  in the transaction of the part the document is written to.
The stores write only in the runner's transactions and are idempotent per document id, so a
crashed and repeated run never counts or registers a document twice.

Exit codes: a run's `RunReport.exit_code`, or the `exit_code` of the error it raised (the CLI
exits with it; 70 is the CLI's own, for an unexpected exception):

| code | meaning |
|---|---|
| 0 | done |
| 1 | done, but some documents failed (listed in the rejects with `failed: true`) |
| 2 | usage or configuration error; nothing was written |
| 3 | another run holds the lock of this state; this one did nothing |
| 4 | the output or the state could not be written (disk full, ...); published output is intact |
| 5 | the executor broke (a worker died, Ray unreachable); committed parts are kept |
| 70 | internal error (a bug): the log has the traceback |
| 130 / 143 | stopped by SIGINT / SIGTERM: committed parts are kept, the next run does the rest |

`INGEST_TEST_SECONDS_PER_DOCUMENT` (tests only) makes pass two sleep that long per document,
so a test can kill a run midway.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import logging
import os
import pickle
import shutil
import signal
import sqlite3
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import FrameType
from typing import Any

import orjson

from ingest.dedup import Deduplicator, DedupSettings
from ingest.document import Finished, Reject
from ingest.errors import EXIT_INTERNAL, OutputError
from ingest.executors import Executor, check_executor, make_executor
from ingest.io.output import (
    CARRIED_FORMATS,
    Carry,
    Layout,
    PartWriter,
    announce,
    publish,
    recover,
    write_atomic,
)
from ingest.io.readers import Input, walk
from ingest.io.writers import dumps
from ingest.passes import Learned, Read, Todo, first_pass, second_pass
from ingest.pipeline import Pipeline, RunStats
from ingest.profiles import ProfileStore
from ingest.progress import Progress
from ingest.report import RunReport
from ingest.state import RunLock, SourceRow, State, now, stat_key

logger = logging.getLogger("ingest")
EXIT_OK = 0
EXIT_FAILED_DOCUMENTS = 1
EXIT_SIGNAL = {signal.SIGINT: 130, signal.SIGTERM: 143}
TEST_DELAY = "INGEST_TEST_SECONDS_PER_DOCUMENT"
PLAN_BATCH = 1000  # inputs written to the plan, or read back from it, at a time
# Shards of pass one whose site-profile counts commit together. A commit per shard wrote a page
# of the profiles' B-tree for most of its ~600 line keys; this measured 1.8x cheaper.
PROFILE_COMMIT_SHARDS = 32


@dataclass(frozen=True)
class RunOptions:
    """How a run is orchestrated (what it computes is the pipeline's `Settings`)."""

    rejects: str | Path | None = None  # FILE outputs: default NAME.rejects.jsonl beside them
    state: str | Path | None = None  # default: beside the output (see Layout)
    workers: int | None = None  # default: the CPU count (Ray: the cluster's CPUs)
    executor: str = "local"
    address: str | None = None  # Ray cluster address
    full: bool = False  # process every input, whatever the state says
    part_size: int = 10_000  # records per part of a DIR output, cut between inputs
    progress: bool | None = None  # default: on a terminal


def state_digest(pipeline: Pipeline) -> str:
    """What makes output differ: version, rules, settings that change records, and the stages."""
    settings = dataclasses.replace(pipeline.settings, workers=0, shard_size=0)
    stages = [f"{type(s).__module__}.{type(s).__qualname__}" for s in pipeline.stages]
    text = repr((pipeline.digest, settings, stages))
    return f"{pipeline.digest.split(':')[0]}:{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def output_identity(layout: Layout) -> str:
    """The output the state belongs to; for a FILE, as last written (size and mtime)."""
    if layout.folder:
        return f"dir:{layout.output.resolve()}"
    marks = []
    for path in (layout.output, layout.rejects):
        info = path.stat() if path.exists() else None
        marks.append(f"{info.st_size}:{info.st_mtime_ns}" if info else "-")
    return f"file:{layout.output.resolve()}:{layout.format}:{':'.join(marks)}"


class Stop:
    """SIGINT/SIGTERM ask for a clean stop after the current input.

    A second signal stops at once, as if killed: the commit protocol makes that safe too.
    """

    def __init__(self) -> None:
        self.signal: int | None = None

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.signal is not None:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        self.signal = signum
        logger.warning(
            "%s: stopping after the current input; what is committed is kept",
            signal.Signals(signum).name,
        )

    def arm(self) -> dict[int, Any]:
        """Handle SIGINT and SIGTERM (again: `ray.init` installs its own); the old handlers."""
        if threading.current_thread() is not threading.main_thread():
            return {}  # a library caller's thread: signals are its business
        return {signum: signal.signal(signum, self) for signum in EXIT_SIGNAL}

    @contextlib.contextmanager
    def installed(self) -> Iterator[Stop]:
        previous = self.arm()
        try:
            yield self
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)


def new_run_id(state: State) -> str:
    """Sortable in the order runs happened: the time, then the run's number in this state."""
    return f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{state.run_count() + 1:06d}"


def run(
    pipeline: Pipeline,
    folder: str | Path,
    output: str | Path,
    options: RunOptions | None = None,
) -> RunReport:
    """Run `pipeline` over `folder` into `output`; see the module docstring for the steps.

    Raises LockedError (3), OutputError (4), ExecutorError (5) or ConfigError (2).
    """
    options = options or RunOptions()
    check_executor(options.executor)
    layout = Layout.for_output(
        output, options.rejects, options.state, pipeline.settings.output_format
    )
    lock = RunLock(layout.lock)
    try:
        stale = lock.acquire()
    except OSError as error:
        raise OutputError(f"cannot create the lock: {error.strerror}", str(layout.lock)) from None
    try:
        if stale:
            logger.warning("took over a stale lock: %s (that process is gone)", stale)
        with Stop().installed() as stop:
            try:
                state = State(layout.state)
            except sqlite3.Error as error:
                raise OutputError(f"cannot open the state: {error}", str(layout.state)) from None
            try:
                return Run(pipeline, Path(folder), layout, state, options, stop).execute()
            finally:
                state.close()
    finally:
        lock.release()


class Run:
    """One run's driver: the plan, both passes, the parts being written, and the report."""

    def __init__(
        self,
        pipeline: Pipeline,
        folder: Path,
        layout: Layout,
        state: State,
        options: RunOptions,
        stop: Stop,
    ) -> None:
        self.pipeline = pipeline
        self.folder = folder
        self.layout = layout
        self.state = state
        self.options = options
        self.stop = stop
        self.id = new_run_id(state)
        self.digest = state_digest(pipeline)
        self.spool = layout.spool(self.id)
        self.clock = time.perf_counter()
        self.report = RunReport(
            run=self.id,
            input=str(folder),
            output=str(layout.output),
            executor=options.executor,
            workers=options.workers or os.cpu_count() or 1,
            started=now(),
        )
        self.todo = 0  # inputs to process; which ones, the state's plan says
        self.kept = 0  # inputs whose committed output stands
        self.deleted = 0  # committed inputs gone from the folder
        self.part: PartWriter | None = None
        self.parts = 0
        self.carry: list[Carry] = []
        self.store = ProfileStore(state.conn)  # site profiles, counted in pass one
        self.sites: set[str] = set()  # the sites this run saw
        self.dedup = Deduplicator(state.conn)
        if self.dedup.forgotten:
            logger.warning(
                "the state's %d near-duplicate signatures were made by another version or "
                "Python: dropped; those documents are found again by their exact body only",
                self.dedup.forgotten,
            )
        self.delay = float(os.environ.get(TEST_DELAY) or 0)

    @property
    def stats(self) -> RunStats:
        return self.report.stats

    def execute(self) -> RunReport:
        try:
            for message in recover(self.state, self.layout):
                logger.warning("%s", message)
            self.state.begin_run(self.id)
            self.plan()
            if self.todo:
                executor = make_executor(
                    self.options.executor,
                    self.options.workers,
                    self.options.address,
                    html=self.state.plans_html(),
                    folder=str(self.spool),
                )
                self.report.workers = executor.workers
                self.stop.arm()
                try:
                    shards = self.first(executor)
                    if self.stop.signal is None:
                        self.second(executor, shards)
                finally:
                    executor.close()
            return self.close()
        except (OSError, sqlite3.Error) as error:
            self.abandon()
            # A failed write() names no file (ENOSPC never does): name the output, or the state.
            if isinstance(error, OSError):
                what, why = "output", error.strerror or str(error)
                where = error.filename or self.layout.output
            else:
                what, why, where = "state", str(error), self.layout.state
            failure = OutputError(
                f"cannot write the {what}: {why}; what was published before is intact, "
                "and the next run redoes the rest",
                str(where),
            )
            self.report_error(failure)
            raise failure from None
        except BaseException as error:
            self.abandon()
            self.report_error(error)
            raise
        finally:
            shutil.rmtree(self.spool, ignore_errors=True)

    def plan(self) -> None:
        """Which inputs to process: the new, the changed, and those that failed.

        They go to the state's plan as the walk finds them, never into a list.
        """
        identity, ours = self.state.meta("output"), output_identity(self.layout)
        full = self.full = self.options.full or identity != ours
        if not self.layout.folder and self.layout.format not in CARRIED_FORMATS:
            full = self.full = True  # a Parquet file cannot carry entries over: rewrite it whole
        if identity is not None and identity != ours:
            logger.warning("the output is not as this state left it: processing every input")
        if self.layout.folder and identity != ours:
            with self.state.transaction():  # before any part: parts commit against this output
                self.state.set_meta("output", ours)
        self.state.start_plan()
        found = walk(self.folder, self.layout.exclude(), self.stats.skipped)
        while batch := list(itertools.islice(found, PLAN_BATCH)):
            todos: list[tuple[Input, str, str | None]] = []
            kept = []
            for item in batch:
                stat = stat_key(item)
                row = None if full else self.state.source(item.source)
                if row is None or row.digest != self.digest or row.retry:
                    todos.append((item, stat, None))
                elif row.stat != stat:
                    todos.append((item, stat, row.hash))
                else:
                    kept.append(item.source)
            with self.state.transaction():
                self.state.add_plan(todos, kept)
            self.report.discovered += len(batch)
            self.todo += len(todos)
            self.kept += len(kept)
        self.deleted = self.report.deleted = self.state.count_gone()
        logger.info(
            "run %s: %d inputs, %d to process, %d unchanged, %d gone",
            self.id,
            self.report.discovered,
            self.todo,
            self.kept,
            self.deleted,
            extra={"fields": {"run": self.id, "event": "planned"}},
        )

    def shards(self) -> Iterator[list[Todo]]:
        """The plan's inputs to process, in source order and in shards, read as they are asked."""
        size = self.pipeline.settings.shard_size
        todos = self.todos()
        while shard := list(itertools.islice(todos, size)):
            yield shard

    def todos(self) -> Iterator[Todo]:
        """The plan's inputs to process, read back a page at a time: a page is all it holds."""
        after = 0
        while page := self.state.planned(after, PLAN_BATCH):
            after = page[-1][0]
            for _, item, stat, known in page:
                yield Todo(item, stat, known)

    def first(self, executor: Executor) -> int:
        """Pass one; returns how many shards there were (their spool files are numbered).

        Profiles are committed every `PROFILE_COMMIT_SHARDS` shards, and at the end. The counts
        are idempotent per document, so a crash that loses the last uncommitted shards loses
        nothing: their documents were not written either, and the next run counts them.
        """
        self.spool.mkdir(parents=True, exist_ok=True)
        shards = 0
        progress = Progress("pass 1/2", self.todo, self.options.progress)
        with contextlib.closing(executor.map(first_pass, self.pipeline, self.shards())) as results:
            for number, result in enumerate(results):
                shards = number + 1
                if not self.state.conn.in_transaction:
                    self.state.begin()
                self.store.add(result.counts)
                for read in result.reads:
                    if read.unchanged:
                        self.state.touch(read.source, read.stat)
                        self.state.keep(read.source)
                        self.kept += 1
                if shards % PROFILE_COMMIT_SHARDS == 0:
                    self.state.commit()
                self.sites.update(site for _, site, _ in result.counts.documents)
                self.stats.merge(result.stats)  # what containers skipped, time per stage
                reads = [read for read in result.reads if not read.unchanged]
                if reads:
                    path = self.spool_file(number)
                    with open(path, "wb") as handle:
                        pickle.dump((reads, result.docs), handle, pickle.HIGHEST_PROTOCOL)
                progress.advance(len(result.reads), result.documents)
                if self.stop.signal is not None:
                    break
        if self.state.conn.in_transaction:
            self.state.commit()
        progress.close()
        return shards

    def spool_file(self, number: int) -> Path:
        """Where pass one leaves shard `number` for pass two (none if all its inputs were kept)."""
        return self.spool / f"{number:06d}.pickle"

    def second(self, executor: Executor, shards: int) -> None:
        """Pass two, then duplicates and writing in the driver, in source order."""
        learned = Learned(self.pipeline, self.store.chrome_profile(self.sites), DedupSettings())
        queue: deque[list[Read]] = deque()

        def feed() -> Iterator[bytes]:
            for number in range(shards):
                path = self.spool_file(number)
                if not path.exists():
                    continue
                with open(path, "rb") as handle:
                    reads, docs = pickle.load(handle)
                path.unlink()
                queue.append(reads)
                yield docs

        total = self.report.discovered - self.kept
        progress = Progress("pass 2/2", total, self.options.progress)
        with contextlib.closing(executor.map(second_pass, learned, feed())) as results:
            for result in results:
                self.stats.merge(result.stats)  # time per stage; documents count below
                position = 0
                for read in queue.popleft():
                    end = position + read.documents
                    self.write_input(read, result.finished[position:end])
                    position = end
                    progress.advance(1, read.documents)
                    if self.stop.signal is not None:
                        break
                if self.stop.signal is not None:
                    break
        progress.close()

    def write_input(self, read: Read, docs: Iterable[Finished]) -> None:
        """Every document of one input, deduplicated, counted and written to the open part."""
        part = self.open_part()
        for carry in self.carry:
            carry.copy_until(part, read.source)
        outcome: Counter[str] = Counter()  # written, rejected, failed
        for doc in docs:
            if doc.reject is None:
                assert doc.fingerprint is not None, "pass two fingerprints every kept document"
                try:
                    doc.reject, same_as = self.dedup.judge(
                        doc.id, doc.source, doc.site, doc.fingerprint
                    )
                except sqlite3.Error:
                    raise
                except Exception as error:  # a bad document must never stop the run
                    doc.reject = Reject("dedup", f"{type(error).__name__}: {error}", failed=True)
                else:
                    if same_as:  # rare (the same article on another site): rebuild the line
                        record = doc.to_record()
                        record["metadata"]["same_as"] = same_as
                        doc.line = dumps(record)
            self.stats.count(doc)
            part.write(doc)
            if doc.reject is None:
                outcome["written"] += 1
            else:
                outcome["failed" if doc.reject.failed else "rejected"] += 1
            if self.delay:
                time.sleep(self.delay)
        part.cover(
            SourceRow(
                read.source,
                read.stat,
                read.hash,
                self.digest,
                read.documents,
                outcome["written"],
                outcome["rejected"],
                outcome["failed"],
            )
        )
        self.report.processed += 1
        if self.layout.folder and part.records.count >= self.options.part_size:
            self.publish_part()

    def open_part(self) -> PartWriter:
        """The part being written; opening one opens the transaction its commit closes."""
        if self.part is None:
            self.state.begin()
            folder = self.layout.folder
            name = f"{self.id}-{self.parts:05d}" if folder else self.id
            self.part = PartWriter(self.state, self.layout, name, self.parts, self.id, not folder)
            if not folder:
                self.carry = [
                    Carry(self.layout.output, self.layout.format, "records", self.state),
                    Carry(self.layout.rejects, self.layout.rejects_format, "rejects", self.state),
                ]
        return self.part

    def publish_part(self) -> None:
        assert self.part is not None
        row, inputs = self.part.seal(), self.part.inputs
        self.part = None
        then = self.file_committed if not self.layout.folder else lambda: None
        publish(self.state, self.layout, row, then)
        self.report.parts.append(row.name)
        self.parts += 1
        logger.info(
            "published %s: %d records, %d rejects, %d inputs",
            row.files[0]["final"],
            row.records,
            row.rejects,
            inputs,
            extra={"fields": {"run": self.id, "event": "published", "part": row.name}},
        )

    def close(self) -> RunReport:
        """Publish what is complete, announce the run, write the report; set the exit code."""
        report = self.report
        interrupted = self.stop.signal is not None
        if self.layout.folder and self.part is not None and self.part.inputs:
            self.publish_part()
        elif interrupted:
            self.abandon()  # a FILE output is one commit: the previous file stays as it was
        elif not self.layout.folder and (self.part is not None or self.deleted or self.full):
            part = self.open_part()
            for carry in self.carry:
                carry.copy_until(part, None)
            self.publish_part()
        report.unchanged = self.kept
        report.finished = now()
        report.stats.seconds = time.perf_counter() - self.clock
        if interrupted:
            report.status, report.exit_code = "interrupted", EXIT_SIGNAL[self.stop.signal]
        elif report.stats.failed:
            report.status, report.exit_code = "failed", EXIT_FAILED_DOCUMENTS
        else:
            report.status, report.exit_code = "ok", EXIT_OK
        summary = report.to_dict()

        def record() -> None:
            if not interrupted:
                self.state.forget_gone()
            self.state.end_run(self.id, report.status, report.exit_code, summary)

        if self.layout.folder and not interrupted:
            announce(self.state, self.layout, self.manifest(summary), record)
        else:
            with self.state.transaction():
                record()
        self.write_report(summary)
        for staging in self.layout.staging():  # after a failure, the next run's recovery does
            shutil.rmtree(staging, ignore_errors=True)
        return report

    def report_error(self, error: BaseException) -> None:
        """Replace the last run's report with this one's, marked with the error and its exit code:
        a monitor reading report.json must not take a broken run for the last good one. Best
        effort, since the disk may be what broke."""
        report = self.report
        if isinstance(error, KeyboardInterrupt):
            report.status, report.exit_code = "interrupted", EXIT_SIGNAL[signal.SIGINT]
        else:
            report.status, report.exit_code = "error", getattr(error, "exit_code", EXIT_INTERNAL)
        report.error = str(error) or type(error).__name__
        report.finished = now()
        with contextlib.suppress(OSError):
            self.write_report(report.to_dict())

    def write_report(self, summary: dict[str, Any]) -> None:
        write_atomic(self.layout.report, orjson.dumps(summary, option=orjson.OPT_INDENT_2))

    def file_committed(self) -> None:
        """In the FILE output's commit: forget gone inputs, remember the file as written."""
        self.state.forget_gone()
        self.state.set_meta("output", output_identity(self.layout))

    def manifest(self, summary: dict[str, Any]) -> dict[str, Any]:
        """The run's manifest: its counts and inputs, and every part not yet announced."""
        return {
            "run": self.id,
            "started": summary["started"],
            "finished": summary["finished"],
            "input": summary["input"],
            "inputs": summary["inputs"],
            "deleted": list(self.state.gone()),
            "counts": {k: summary[k] for k in ("documents", "written", "rejected", "failed")},
            "status": summary["status"],
            "parts": [
                {
                    "name": part.name,
                    "run": part.run,
                    "records": part.records,
                    "rejects": part.rejects,
                    "files": [
                        {
                            "role": f["role"],
                            "path": f["final"],
                            **{k: f[k] for k in ("sha256", "bytes", "entries")},
                        }
                        for f in part.files
                    ],
                }
                for part in self.state.parts("committed")
            ],
        }

    def abandon(self) -> None:
        """Drop the open part and its transaction: nothing of it was published."""
        self.carry = []
        if self.part is not None:
            self.part.discard()
            self.part = None
        self.state.rollback()
