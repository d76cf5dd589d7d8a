"""Write records as JSONL so that no output is ever visible half-written.

Records go to a temporary file in the destination's folder, which is flushed, synced and renamed
into place only when the run commits. A run that crashes leaves the previous output untouched.
"""

from __future__ import annotations

import gzip
import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import orjson

DUMP_OPTIONS = orjson.OPT_APPEND_NEWLINE


def dumps(record: dict[str, Any]) -> bytes:
    """One JSON line, UTF-8, keys in the record's own (documented) order."""
    return orjson.dumps(record, option=DUMP_OPTIONS)


class AtomicJsonl:
    """A JSONL file (gzip-compressed when its name ends in .gz) that appears only on commit."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.count = 0
        self._tmp: str | None = None
        self._raw: IO[bytes] | None = None
        self._out: IO[bytes] | None = None

    def __enter__(self) -> AtomicJsonl:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        self._raw = os.fdopen(fd, "wb")
        self._out = (
            gzip.GzipFile(fileobj=self._raw, mode="wb", mtime=0)
            if self.path.suffix == ".gz"
            else self._raw
        )
        return self

    def write(self, record: dict[str, Any]) -> None:
        assert self._out is not None, "use AtomicJsonl as a context manager"
        self._out.write(dumps(record))
        self.count += 1

    def commit(self) -> None:
        """Flush, sync and rename into place."""
        assert self._raw is not None and self._out is not None and self._tmp is not None
        if self._out is not self._raw:
            self._out.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        os.replace(self._tmp, self.path)
        self._tmp = None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None and self._tmp is not None:
            self.commit()
        elif self._tmp is not None:
            if self._raw is not None:
                self._raw.close()
            os.unlink(self._tmp)
            self._tmp = None
