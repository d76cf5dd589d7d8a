"""Where a run's records go, and how they are published exactly once.

Two layouts (`Layout.for_output`):
- FILE (`--output out/clean.jsonl`, or .jsonl.gz, .jsonl.zst, .parquet): the file always holds
  the whole current corpus, and `NAME.rejects.jsonl` beside it the current rejects. A re-run
  carries the entries of unchanged inputs over from the previous files (JSONL formats) and
  processes only the rest; the new files replace the old in one commit.
- DIR (`--output out/`): each run adds part files `part-RUN-NNNNN.EXT`, cut between inputs
  every `part_size` records, with their rejects in `_rejects/`. A completed run writes its
  manifest `_manifests/RUN.json` (counts, inputs, parts with checksums) and then `_SUCCESS`.
  A later record with the same `id` supersedes an earlier one (its input or the rules changed).

The commit of a part (a FILE output has one per run) goes in four steps, in an order that makes
a crash at any point safe:
1. the part's files are written completely in a hidden staging folder beside each file's final
   place (so that the rename is atomic), synced, and checksummed;
2. transaction: the part is pending, with its sources (`State.stage_part`), together with the
   duplicate signatures registered while it was written; the sources are staged as they are
   written (`State.stage_source`), in the transaction this step commits, so none is in memory;
3. the staged files are renamed into place, rejects first, and their folders synced;
4. transaction: the part is committed, and its sources with it (`State.publish_part`).
`recover` runs at the start of the next run, under the lock: a pending part whose files are in
place, or still staged with the recorded checksums, is rolled forward (steps 3 and 4 again);
any other is rolled back. Then the staging folders and old spools are removed. So a source is
committed exactly when its records are visible: the next run redoes what was not, and nothing
twice.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson
import zstandard

from ingest.document import Finished
from ingest.errors import ConfigError, OutputError
from ingest.io.writers import (
    FORMATS,
    AtomicJsonl,
    RecordWriter,
    open_writer,
    resolve_format,
)
from ingest.state import PartRow, SourceRow, State

CARRIED_FORMATS = ("jsonl", "jsonl.gz", "jsonl.zst")
SUCCESS = "_SUCCESS"
UMASK = os.umask(0o022)
os.umask(UMASK)


@dataclass(frozen=True)
class Layout:
    """The paths of one output: records, rejects, state, lock, report, staging and spools."""

    output: Path
    folder: bool
    format: str
    rejects: Path  # FILE: the rejects file; DIR: the folder of per-part rejects
    state: Path

    @classmethod
    def for_output(
        cls,
        output: str | Path,
        rejects: str | Path | None = None,
        state: str | Path | None = None,
        format: str | None = None,
    ) -> Layout:
        """A folder when `output` is one, ends in a slash, or has no extension at all."""
        path = Path(output)
        folder = path.is_dir() or str(output).endswith(("/", os.sep)) or not path.suffix
        if folder and rejects is not None:
            raise ConfigError(
                "--rejects is for a FILE output; a folder output keeps its rejects "
                "in DIR/_rejects/",
                str(rejects),
            )
        chosen = resolve_format(
            Path("part") if folder else path, (format or "jsonl") if folder else format
        )
        stem = path.name.split(".")[0]
        return cls(
            output=path,
            folder=folder,
            format=chosen,
            rejects=(
                path / "_rejects"
                if folder
                else Path(rejects or path.with_name(f"{stem}.rejects.jsonl"))
            ),
            state=Path(
                state or (path / "_state.db" if folder else path.with_name(f"{stem}.state.db"))
            ),
        )

    @property
    def rejects_format(self) -> str:
        """Rejects are JSONL, compressed when a FILE output's rejects name says so."""
        suffix = self.rejects.suffix.lower() if not self.folder else ""
        return {".gz": "jsonl.gz", ".zst": "jsonl.zst"}.get(suffix, "jsonl")

    @property
    def root(self) -> Path:
        """The folder the state's relative paths are taken from."""
        return self.output if self.folder else self.output.parent

    @property
    def lock(self) -> Path:
        return self.state.with_name(self.state.name + ".lock")

    @property
    def report(self) -> Path:
        if self.folder:
            return self.output / "_report.json"
        return self.output.with_name(self.output.name.split(".")[0] + ".report.json")

    def hidden(self, name: str) -> Path:
        """A transient path beside the records, hidden from readers and from discovery."""
        return self.root / (f".{name}" if self.folder else f".{self.output.name}.{name}")

    def staged(self, final: Path) -> Path:
        """Where `final` is written before it is published: same folder, so same file system."""
        name = ".staging" if self.folder else f".{self.output.name}.staging"
        return final.parent / name / final.name

    def staging(self) -> list[Path]:
        """The staging folders of this output's records and rejects."""
        records, rejects = self.part_files("", 0)
        return sorted({self.staged(records).parent, self.staged(rejects).parent})

    @property
    def manifests(self) -> Path:
        return self.output / "_manifests"

    def spool(self, run: str) -> Path:
        """Where pass one leaves its documents for pass two (removed after the run)."""
        return self.hidden(f"spool-{run}")

    def spools(self) -> list[Path]:
        return sorted(self.root.glob(self.hidden("spool-*").name))

    def part_files(self, run: str, number: int) -> tuple[Path, Path]:
        """(records, rejects) of a part; a FILE output's only part is the file itself."""
        if not self.folder:
            return self.output, self.rejects
        return (
            self.output / f"part-{run}-{number:05d}{FORMATS[self.format]}",
            self.rejects / f"rejects-{run}-{number:05d}.jsonl",
        )

    def exclude(self) -> frozenset[str]:
        """Real paths discovery must skip: the run's own outputs, if they are under the input."""
        paths = [self.output, self.state, self.lock, self.report]
        paths += [self.state.with_name(self.state.name + x) for x in ("-wal", "-shm")]
        if not self.folder:
            paths.append(self.rejects)
        return frozenset(os.path.realpath(p) for p in paths)


def checksum(path: Path) -> tuple[str, int]:
    """(SHA-256 hex, size) of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest(), path.stat().st_size


def fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """A small file (report, manifest, marker) that is whole or absent, never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


class PartWriter:
    """One part on its way: records and rejects written under staging, and the inputs covered.

    Opened while `state` holds the transaction that publishing the part commits.
    `keep_empty_rejects`: a FILE output always has its rejects file; a part only when needed.
    """

    def __init__(
        self,
        state: State,
        layout: Layout,
        name: str,
        number: int,
        run: str,
        keep_empty_rejects: bool,
    ) -> None:
        self.state = state
        self.layout = layout
        self.name = name
        self.run = run
        self.keep_empty_rejects = keep_empty_rejects
        records, rejects = layout.part_files(run, number)
        self.finals = {"records": records, "rejects": rejects}
        self.stack = ExitStack()
        self.records: RecordWriter = self.stack.enter_context(
            open_writer(layout.staged(records), layout.format)
        )
        compression = layout.rejects_format.partition(".")[2] or None
        self.rejects = self.stack.enter_context(AtomicJsonl(layout.staged(rejects), compression))
        self.inputs = 0  # covered, and staged in the state

    def write(self, doc: Finished) -> None:
        if doc.reject is None:
            assert doc.line is not None
            self.records.write_line(doc.line)
        else:
            self.rejects.write(doc.to_reject())

    def write_entry(self, role: str, entry: dict[str, Any]) -> None:
        """An entry carried over verbatim from the previous output."""
        (self.records if role == "records" else self.rejects).write(entry)

    def cover(self, row: SourceRow) -> None:
        """Every document of this input is written: it commits with the part.

        Staged in the part's open transaction now, not kept: a FILE output's only part covers
        every input of the run.
        """
        self.state.stage_source(self.name, row, self.run)
        self.inputs += 1

    def seal(self) -> PartRow:
        """Step 1: close the files (each lands in staging complete and synced), checksum them."""
        self.stack.close()
        files = []
        for role, writer in (("records", self.records), ("rejects", self.rejects)):
            if role == "rejects" and writer.count == 0 and not self.keep_empty_rejects:
                writer.path.unlink()
                continue
            os.chmod(writer.path, 0o666 & ~UMASK)  # temporary files are private; outputs are not
            sha256, size = checksum(writer.path)
            files.append(
                {
                    "role": role,
                    "final": os.path.relpath(self.finals[role], self.layout.root),
                    "staged": os.path.relpath(writer.path, self.layout.root),
                    "sha256": sha256,
                    "bytes": size,
                    "entries": writer.count,
                }
            )
        return PartRow(
            self.name, self.run, "pending", files, self.records.count, self.rejects.count
        )

    def discard(self) -> None:
        """Abandon the part: its temporary and staged files go, nothing was published."""
        self.stack.__exit__(OSError, OSError("the part was discarded"), None)
        for writer in (self.records, self.rejects):
            writer.path.unlink(missing_ok=True)


def publish(
    state: State, layout: Layout, part: PartRow, then: Callable[[], None] = lambda: None
) -> None:
    """Steps 2 to 4, for a part sealed while `state` held a transaction open (see top)."""
    state.stage_part(part)
    state.commit()
    move_into_place(layout, part)
    with state.transaction():
        state.publish_part(part.name)
        then()


def move_into_place(layout: Layout, part: PartRow) -> bool:
    """Step 3: each file of `part` to its final name; False if one is neither staged nor there."""
    for entry in sorted(part.files, key=lambda f: f["role"] != "rejects"):
        final, staged = layout.root / entry["final"], layout.root / entry["staged"]
        if final.exists() and checksum(final)[0] == entry["sha256"]:
            continue
        if not (staged.exists() and checksum(staged)[0] == entry["sha256"]):
            return False
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, final)
        fsync_dir(final.parent)
    return True


def recover(state: State, layout: Layout) -> list[str]:
    """Finish or undo what a crashed run left; return what was done, for the log."""
    done = []
    for part in state.parts("pending"):
        if move_into_place(layout, part):
            with state.transaction():
                state.publish_part(part.name)
            done.append(f"finished publishing part {part.name} of an interrupted run")
        else:
            if layout.folder:  # a part's own files: none may stay visible if it is redone
                for entry in part.files:
                    (layout.root / entry["final"]).unlink(missing_ok=True)
            with state.transaction():
                state.drop_part(part.name)
            done.append(f"rolled back part {part.name} of an interrupted run: it will be redone")
    for leftover in [*layout.staging(), *layout.spools()]:
        if leftover.exists():
            shutil.rmtree(leftover)
            done.append(f"removed {leftover.name}, left by an interrupted run")
    if layout.folder:
        done += restore_manifests(state, layout)
    return done


def restore_manifests(state: State, layout: Layout) -> list[str]:
    """Manifests live in the state first: write any file a crash kept from being written."""
    done, latest = [], None
    for run, text in state.manifests():
        path = layout.manifests / f"{run}.json"
        if not path.exists():
            write_atomic(path, text.encode())
            done.append(f"wrote the manifest of run {run}, which a crash kept from being written")
        latest = run
    success = layout.output / SUCCESS
    if latest and (not success.exists() or success.read_text().strip() != latest):
        write_atomic(success, f"{latest}\n".encode())
    return done


def announce(
    state: State,
    layout: Layout,
    manifest: dict[str, Any],
    then: Callable[[], None] = lambda: None,
) -> Path:
    """Close a completed run: manifest in the state, then its file, then `_SUCCESS` last."""
    run = manifest["run"]
    text = json.dumps(manifest, indent=2)
    with state.transaction():
        state.announce(run, [part["name"] for part in manifest["parts"]], text)
        then()
    path = layout.manifests / f"{run}.json"
    write_atomic(path, text.encode())
    write_atomic(layout.output / SUCCESS, f"{run}\n".encode())
    return path


def open_entries(path: Path, format: str) -> IO[bytes]:
    """A JSONL output's bytes, decompressed as its format says."""
    if format == "jsonl.gz":
        return gzip.open(path, "rb")
    if format == "jsonl.zst":
        compressed = open(path, "rb")  # noqa: SIM115 - the reader owns and closes it
        reader = zstandard.ZstdDecompressor().stream_reader(compressed, closefd=True)
        return io.BufferedReader(reader)  # type: ignore[arg-type]
    return open(path, "rb")


def entries(path: Path, format: str) -> Iterator[dict[str, Any]]:
    """The entries of a JSONL output, one dict per line."""
    with open_entries(path, format) as handle:
        for line in handle:
            if line.strip():
                yield orjson.loads(line)


class Carry:
    """The previous FILE output's entries for the inputs this run keeps, copied in input order.

    Both the old file and this run list entries sorted by input, so one forward pass merges
    them. An entry belongs to the input named by its `source`, or by the part before its last
    `#` (a document of a JSONL or WARC container); entries of inputs that are gone or being
    reprocessed are dropped. Which inputs this run keeps, the state's plan says (`in_plan`).
    """

    def __init__(self, path: Path, format: str, role: str, state: State) -> None:
        self.role = role
        self.path = path
        self.state = state
        self.entries = entries(path, format) if path.exists() else iter(())
        self.next: tuple[str, dict[str, Any]] | None = self._advance()

    def _kept_owner(self, source: str) -> str | None:
        """The input this run found that the entry belongs to, if its output stands."""
        kept = self.state.in_plan(source)
        if kept is None and "#" in source:
            source = source.rpartition("#")[0]
            kept = self.state.in_plan(source)
        return source if kept else None

    def _advance(self) -> tuple[str, dict[str, Any]] | None:
        try:
            for entry in self.entries:
                owner = self._kept_owner(entry["source"])
                if owner is not None:
                    return owner, entry
        except (OSError, EOFError, ValueError, KeyError, zlib.error) as error:
            raise OutputError(
                f"cannot read the previous output to carry its entries over ({error}); "
                "run again with --full to rewrite it",
                str(self.path),
            ) from None
        return None

    def copy_until(self, part: PartWriter, source: str | None) -> None:
        """Copy the kept entries of inputs before `source` (None: all that are left)."""
        while self.next is not None and (source is None or self.next[0] < source):
            part.write_entry(self.role, self.next[1])
            self.next = self._advance()
