"""A one-line progress bar on stderr: inputs done of total, documents, rate and ETA.

Drawn only on a terminal (a nightly job's log gets the summary, not carriage returns), at most
five times a second, with no dependency. Log lines clear it first (see ingest/logs.py).
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 24
INTERVAL = 0.2


def duration(seconds: float) -> str:
    """`1h02m`, `3m07s` or `42s`."""
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class Progress:
    """`advance()` as inputs finish; `close()` ends the line. Silent when not enabled."""

    def __init__(
        self, label: str, total: int, enabled: bool | None = None, stream: TextIO | None = None
    ) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.label = label
        self.total = total
        self.done = 0
        self.documents = 0
        self.started = time.monotonic()
        self.drawn = 0.0

    def advance(self, inputs: int = 1, documents: int = 0) -> None:
        self.done += inputs
        self.documents += documents
        if self.enabled and time.monotonic() - self.drawn >= INTERVAL:
            self.draw()

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        share = self.done / self.total if self.total else 1.0
        bar = "#" * int(share * WIDTH)
        rate = self.documents / elapsed
        eta = elapsed * (self.total - self.done) / self.done if self.done else None
        return (
            f"{self.label} [{bar:<{WIDTH}}] {self.done:,}/{self.total:,} inputs, "
            f"{self.documents:,} documents, {rate:,.1f} docs/s, "
            f"ETA {duration(eta) if eta is not None else '?'}"
        )

    def draw(self) -> None:
        self.drawn = time.monotonic()
        self.stream.write("\r\x1b[K" + self.line())
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.draw()
            self.stream.write("\n")
            self.stream.flush()
