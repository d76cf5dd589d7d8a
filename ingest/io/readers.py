"""Find the documents of an input folder and read each into a `Document`.

Discovery is deterministic (sorted by relative path), skips hidden files and the run's own
outputs, never follows a link out of the input folder, and never guesses at a file it does not
know: other extensions are counted and skipped. Reading happens in the workers, under a size cap,
and every way a file can fail becomes a reject with a reason a person understands.
"""

from __future__ import annotations

import errno
import gzip
import os
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from ingest.document import Document, Kind, Reject

KINDS: dict[str, Kind] = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html"}
SIDECAR_FIELDS = ("url", "title", "published", "site")
DEFAULT_MAX_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Input:
    """A file found in the input folder, not read yet. `problem` is set when it cannot be."""

    path: str
    source: str
    kind: Kind
    compressed: bool = False
    sidecar: str | None = None
    problem: str | None = None


@dataclass
class Discovery:
    """What a walk of the input folder found: the inputs, and what it skipped and why."""

    inputs: list[Input] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


def display_source(relative: str) -> str:
    """A printable source name: bytes that are not UTF-8 in a file name become U+FFFD."""
    return relative.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def classify_name(name: str) -> tuple[Kind | None, bool, str]:
    """(kind, compressed, stem) for a file name, by extension in any letter case."""
    lower = name.lower()
    compressed = lower.endswith(".gz")
    base = name[:-3] if compressed else name
    stem, ext = os.path.splitext(base)
    return KINDS.get(ext.lower()), compressed, stem


def within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def discover(root: str | Path, exclude: frozenset[str] = frozenset()) -> Discovery:
    """Walk `root` recursively. `exclude` holds real paths of the run's own outputs."""
    top = os.path.realpath(root)
    found = Discovery()
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as error:
            found.skipped[f"unreadable folder: {error.strerror}"] += 1
            continue
        names = {entry.name for entry in entries}
        for entry in entries:
            if entry.name.startswith("."):
                found.skipped["hidden"] += 1
                continue
            relative = os.path.relpath(entry.path, top).replace(os.sep, "/")
            real = os.path.realpath(entry.path)
            if real in exclude or entry.path in exclude:
                found.skipped["the run's own output"] += 1
                continue
            if entry.is_symlink():
                if not within(real, top):
                    found.inputs.append(
                        problem_input(
                            entry.path,
                            relative,
                            "a link to a file outside the input folder (not followed)",
                        )
                    )
                    continue
                if os.path.isdir(real):
                    found.skipped["link to a folder (not followed)"] += 1
                    continue
                if not os.path.exists(real):
                    found.inputs.append(
                        problem_input(entry.path, relative, "a broken or looping link")
                    )
                    continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                stack.append(entry.path)
                continue
            kind, compressed, stem = classify_name(entry.name)
            if kind is None:
                if not (
                    entry.name.lower().endswith(".json")
                    and any(
                        classify_name(other)[0] and classify_name(other)[2] == entry.name[:-5]
                        for other in names
                    )
                ):
                    found.skipped[f"unknown extension: {extension_label(entry.name)}"] += 1
                continue
            sidecar = f"{stem}.json" if f"{stem}.json" in names else None
            found.inputs.append(
                Input(
                    path=entry.path,
                    source=display_source(relative),
                    kind=kind,
                    compressed=compressed,
                    sidecar=os.path.join(folder, sidecar) if sidecar else None,
                )
            )
    found.inputs.sort(key=lambda item: item.source)
    return found


def extension_label(name: str) -> str:
    ext = os.path.splitext(name)[1].lower()
    return ext or "(none)"


def problem_input(path: str, relative: str, problem: str) -> Input:
    kind, compressed, _ = classify_name(os.path.basename(path))
    return Input(path, display_source(relative), kind or "text", compressed, problem=problem)


def read_bytes(item: Input, max_bytes: int) -> bytes:
    """The file's bytes, decompressed, never more than `max_bytes` in memory.

    Raises OSError or ValueError with a reason a person understands.
    """
    size = os.stat(item.path).st_size
    if not item.compressed and size > max_bytes:
        raise ValueError(
            f"the file is {size:,} bytes, over the size cap of {max_bytes:,} bytes "
            "(raise it with --max-bytes)"
        )
    if not item.compressed:
        with open(item.path, "rb") as handle:
            return handle.read(max_bytes + 1)
    try:
        with gzip.open(item.path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise ValueError(f"corrupt or truncated gzip file: {error}") from None
    if len(data) > max_bytes:
        raise ValueError(
            f"the gzip file expands past the size cap of {max_bytes:,} bytes "
            "(stopped at the cap; raise it with --max-bytes)"
        )
    return data


def read_sidecar(path: str) -> dict[str, str]:
    """The fields a `NAME.json` sidecar gives; unknown keys are ignored."""
    with open(path, "rb") as handle:
        data = orjson.loads(handle.read(1024 * 1024))
    if not isinstance(data, dict):
        raise ValueError("a sidecar must hold a JSON object")
    return {key: str(data[key]) for key in SIDECAR_FIELDS if data.get(key)}


def os_reason(error: OSError) -> str:
    if error.errno == errno.ENOENT:
        return "the file disappeared before it could be read"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied: the file cannot be read"
    if error.errno == errno.ELOOP:
        return "a looping link"
    return f"cannot read the file: {error.strerror or error}"


def read_document(item: Input, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read one input into a Document; a file that cannot be read comes back rejected."""
    doc = Document(source=item.source, kind=item.kind)
    if item.problem:
        doc.reject = Reject("read", item.problem)
        return doc
    try:
        doc.raw = read_bytes(item, max_bytes)
    except OSError as error:
        doc.reject = Reject("read", os_reason(error))
        return doc
    except ValueError as error:
        doc.reject = Reject("read", str(error))
        return doc
    if not doc.raw.strip():
        doc.reject = Reject(
            "read", "the file is empty" if not doc.raw else "the file holds only whitespace"
        )
        return doc
    if item.sidecar:
        try:
            fields = read_sidecar(item.sidecar)
        except (OSError, ValueError) as error:
            doc.metadata["sidecar_error"] = f"{os.path.basename(item.sidecar)}: {error}"
        else:
            doc.url = fields.get("url")
            doc.title = fields.get("title")
            doc.published = fields.get("published")
            doc.site = fields.get("site")
    return doc


@dataclass(frozen=True)
class ReadOptions:
    """How inputs are read; part of the run's settings."""

    max_bytes: int = DEFAULT_MAX_BYTES


def read_documents(item: Input, options: ReadOptions) -> Iterator[Document]:
    """Every document an input holds (one for a plain file), read lazily."""
    yield read_document(item, options.max_bytes)
