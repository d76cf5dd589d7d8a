"""Write records so that no output is ever visible half-written.

Records go to a temporary file in the destination's folder, which is flushed, synced and renamed
into place only when the writer commits: on a clean exit from its `with` block. A run that
crashes leaves the previous output untouched.

`open_writer(path, format)` is the entry point for record outputs. The format comes from
`format` or else from the file name (see `FORMATS`); every writer has the small interface of
`RecordWriter`: a context manager with `write(record)`, `count` and `path`.
"""

from __future__ import annotations

import contextlib
import gzip
import importlib.util
import os
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import orjson
import zstandard

from ingest.errors import ConfigError

DUMP_OPTIONS = orjson.OPT_APPEND_NEWLINE
# Format name -> file extension. Part files of a folder output take the extension from here.
FORMATS = {
    "jsonl": ".jsonl",
    "jsonl.gz": ".jsonl.gz",
    "jsonl.zst": ".jsonl.zst",
    "parquet": ".parquet",
}
# The last suffix of a file name -> its format; .gz and .zst are compressed JSONL.
SUFFIX_FORMATS = {".jsonl": "jsonl", ".gz": "jsonl.gz", ".zst": "jsonl.zst", ".parquet": "parquet"}


def dumps(record: dict[str, Any]) -> bytes:
    """One JSON line, UTF-8, keys in the record's own (documented) order."""
    return orjson.dumps(record, option=DUMP_OPTIONS)


def resolve_format(path: str | Path, format: str | None = None) -> str:
    """The format to write `path` in: `format` when given, else the one its name says.

    Raises ConfigError when neither says, when they disagree, or when the format needs an
    optional package that is not installed, so a run can fail before it writes anything.
    """
    named = SUFFIX_FORMATS.get(Path(path).suffix.lower())
    if format is not None and format not in FORMATS:
        raise ConfigError(f"unknown output format {format!r}; use one of {', '.join(FORMATS)}")
    if format is not None and named is not None and named != format:
        raise ConfigError(
            f"the name says {named} but the format asked for is {format}: "
            f"end the name in {FORMATS[format]}, or leave out the format",
            str(path),
        )
    chosen = format or named
    if chosen is None:
        raise ConfigError(
            "cannot tell the output format from the name: end it in "
            f"{', '.join(FORMATS.values())}, or give --format",
            str(path),
        )
    if chosen == "parquet" and importlib.util.find_spec("pyarrow") is None:
        raise ConfigError("Parquet output needs pyarrow: pip install 'ingest[parquet]'")
    return chosen


def open_writer(path: str | Path, format: str | None = None) -> RecordWriter:
    """A writer for `path` in `format` (default: from the name). Use it as a context manager.

    Nothing appears at `path` until the `with` block exits cleanly; an exception discards the
    temporary file. Raises ConfigError as `resolve_format` does.
    """
    chosen = resolve_format(path, format)
    if chosen == "parquet":
        from ingest.io.parquet import ParquetWriter  # pyarrow is an optional extra

        return ParquetWriter(path)
    return AtomicJsonl(path, compression=chosen.partition(".")[2] or None)


class RecordWriter(ABC):
    """A temporary file beside `path`, renamed into place on commit.

    Subclasses encode records onto the temporary file: `start` opens their encoder, `write`
    adds one record, and `finish` writes the encoder's tail (a gzip trailer, a Parquet footer).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.count = 0
        self._tmp: str | None = None
        self._raw: IO[bytes] | None = None

    def __enter__(self) -> RecordWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        self._raw = os.fdopen(fd, "wb")
        self.start(self._raw)
        return self

    @abstractmethod
    def start(self, raw: IO[bytes]) -> None:
        """Begin the format's stream on the open temporary file."""

    @abstractmethod
    def write(self, record: dict[str, Any]) -> None:
        """Add one record."""

    def write_line(self, line: bytes) -> None:
        """Add one record given as its JSON line (`dumps`), as pass two's workers send it."""
        self.write(orjson.loads(line))

    @abstractmethod
    def finish(self) -> None:
        """End the format's stream (footers, compressor frames); the file is still open."""

    def commit(self) -> None:
        """Finish, flush, sync and rename into place."""
        assert self._raw is not None and self._tmp is not None, "use the writer in a with block"
        self.finish()
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
            self.discard()

    def discard(self) -> None:
        """Delete the temporary file. The encoder is closed first (best effort, the error that
        brought us here may be its own), so that it cannot write to the file later."""
        assert self._raw is not None and self._tmp is not None
        with contextlib.suppress(Exception):
            self.finish()
        self._raw.close()
        os.unlink(self._tmp)
        self._tmp = None


class AtomicJsonl(RecordWriter):
    """A JSONL file, compressed with `compression` ("gz" or "zst").

    By default the name decides: a name ending in .gz is gzip, one ending in .zst is zstd.
    """

    def __init__(self, path: str | Path, compression: str | None = None) -> None:
        super().__init__(path)
        suffix = self.path.suffix.lower()
        self.compression = compression or {".gz": "gz", ".zst": "zst"}.get(suffix)
        self._out: IO[bytes] | None = None

    def start(self, raw: IO[bytes]) -> None:
        if self.compression == "gz":
            self._out = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0)
        elif self.compression == "zst":
            self._out = zstandard.ZstdCompressor().stream_writer(raw, closefd=False)
        else:
            self._out = raw

    def write(self, record: dict[str, Any]) -> None:
        self.write_line(dumps(record))

    def write_line(self, line: bytes) -> None:
        """The line as it is: it is already this file's JSON."""
        assert self._out is not None, "use AtomicJsonl as a context manager"
        self._out.write(line)
        self.count += 1

    def finish(self) -> None:
        if self._out is not self._raw:
            assert self._out is not None
            self._out.close()
