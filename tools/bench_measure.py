"""How `make bench` measures one command: wall time, CPU time and peak RSS of every process.

CPU time is the kernel's account of reaped children (`RUSAGE_CHILDREN`), taken before and after.
The bench makes itself a child subreaper first: a forkserver (ingest's pool, datatrove's) is
never waited for by the driver, so without that its workers' CPU time would go to init and be
lost. Peak RSS is per process: a thread polls /proc for the command's process tree and reads each
process's own high-water mark (`VmHWM`), so a poll need only see a process alive, not at its peak.
"""

from __future__ import annotations

import ctypes
import os
import resource
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

POLL_SECONDS = 0.1
PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>


def children(pid: int) -> list[int]:
    """The direct children of `pid`, from every one of its threads (a pool may fork off-main)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(child) for child in handle.read().split())
        except OSError:
            continue
    return found


def peak_rss_kib(pid: int) -> int | None:
    """The process's peak resident set size so far, in KiB, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class TreeSampler(threading.Thread):
    """Polls the process tree under `root` and keeps each process's peak RSS."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peaks: dict[int, int] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(POLL_SECONDS):
            self.sample()

    def sample(self) -> None:
        stack = [self.root]
        while stack:
            pid = stack.pop()
            peak = peak_rss_kib(pid)
            if peak is not None:
                self.peaks[pid] = max(peak, self.peaks.get(pid, 0))
            stack.extend(children(pid))

    def stop(self) -> None:
        self.done.set()
        self.join()


@dataclass
class Measurement:
    """One run of one command over one corpus."""

    tool: str
    corpus: str
    workers: int
    documents: int
    bytes: int
    wall: float
    cpu: float
    driver_rss_mb: float
    worker_rss_mb: float  # the largest of the driver's descendants; 0 when there were none
    processes: int
    exit_code: int
    outputs: int = 0  # records (or files) the tool wrote
    notes: list[str] = field(default_factory=list)
    stage_seconds: dict[str, float] | None = None  # from the tool's own report, if it has one

    @property
    def docs_per_s(self) -> float:
        return self.documents / self.wall

    @property
    def mb_per_s(self) -> float:
        return self.bytes / self.wall / 1e6

    @property
    def cpu_ms_per_doc(self) -> float:
        return 1000 * self.cpu / self.documents

    @property
    def mb_per_cpu_s(self) -> float:
        """Throughput per core-second: the figure least disturbed by other load on the machine."""
        return self.bytes / self.cpu / 1e6 if self.cpu else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "docs_per_s": round(self.docs_per_s, 1),
            "mb_per_s": round(self.mb_per_s, 2),
            "cpu_ms_per_doc": round(self.cpu_ms_per_doc, 2),
            "mb_per_cpu_s": round(self.mb_per_cpu_s, 2),
        }


def become_subreaper() -> None:
    """Orphaned descendants become our children, so their CPU time is counted when we reap them."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


def reap_orphans(timeout: float = 30.0) -> bool:
    """Wait for every descendant left behind by the command; False if some outlived `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return True
        if pid == 0:
            time.sleep(0.02)
    return False


def cpu_seconds_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(
    command: Sequence[str | Path],
    *,
    tool: str,
    corpus: str,
    workers: int,
    documents: int,
    size: int,
    log: Path,
    env: dict[str, str] | None = None,
) -> Measurement:
    """Run `command` to the end, its output into `log`, and measure it.

    Call `become_subreaper` once before the first measurement.
    """
    cpu_before = cpu_seconds_of_children()
    with open(log, "wb") as sink:
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(part) for part in command], stdout=sink, stderr=subprocess.STDOUT, env=env
        )
        sampler = TreeSampler(process.pid)
        sampler.start()
        code = process.wait()
        wall = time.perf_counter() - started
        sampler.stop()
    notes = [] if reap_orphans() else ["some processes outlived the command: CPU time is low"]
    peaks = sampler.peaks
    return Measurement(
        tool=tool,
        corpus=corpus,
        workers=workers,
        documents=documents,
        bytes=size,
        wall=wall,
        cpu=cpu_seconds_of_children() - cpu_before,
        driver_rss_mb=peaks.get(process.pid, 0) / 1024,
        worker_rss_mb=max((kib for pid, kib in peaks.items() if pid != process.pid), default=0)
        / 1024,
        processes=len(peaks),
        exit_code=code,
        notes=notes,
    )


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
