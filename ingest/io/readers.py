"""Find the documents of an input folder and read each into a `Document`.

Discovery (`walk`) is deterministic (sorted by relative path) and streams a folder at a time,
so a run never holds a list of its inputs. It skips hidden files and the run's own outputs,
never follows a link out of the input folder, and never guesses at a file it does not know:
other extensions are counted and skipped. Reading happens in the workers, under a size cap,
and every way a file can fail becomes a reject with a reason a person understands.

A plain file holds one document. A container holds many: a JSONL export (`ingest/io/jsonl.py`)
or a WARC archive (`ingest/io/warc.py`); `read_documents` is the one entry point for all three.
"""

from __future__ import annotations

import errno
import gzip
import os
import stat
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

import orjson

from ingest.document import Document, Reject
from ingest.errors import InputError

InputKind = Literal["text", "html", "jsonl", "warc"]
KINDS: dict[str, InputKind] = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".warc": "warc",
}
CONTAINERS = frozenset({"jsonl", "warc"})  # kinds that hold many documents, and no sidecar
HTML_KINDS = frozenset({"html", *CONTAINERS})  # kinds whose inputs may hold HTML pages
SIDECAR_FIELDS = ("url", "title", "published", "site")
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)


@dataclass(frozen=True, slots=True)
class Input:
    """A file found in the input folder, not read yet. `problem` is set when it cannot be."""

    path: str
    source: str
    kind: InputKind
    compressed: bool = False
    sidecar: str | None = None
    problem: str | None = None


@dataclass
class Discovery:
    """What a walk of the input folder found: the inputs, and what it skipped and why."""

    inputs: list[Input] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


def display_source(relative: str) -> str:
    """A printable source name: a byte that is not UTF-8 in a file name becomes `\\xNN`.

    Not U+FFFD: two names that differ only in such bytes must stay two sources.
    """
    return relative.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def classify_name(name: str) -> tuple[InputKind | None, bool, str]:
    """(kind, compressed, stem) for a file name, by extension in any letter case."""
    lower = name.lower()
    compressed = lower.endswith(".gz")
    base = name[:-3] if compressed else name
    stem, ext = os.path.splitext(base)
    return KINDS.get(ext.lower()), compressed, stem


def within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def discover(root: str | Path, exclude: frozenset[str] = frozenset()) -> Discovery:
    """Every input under `root`, as a list: for callers that want them all (not a run)."""
    found = Discovery()
    found.inputs.extend(walk(root, exclude, found.skipped))
    return found


def walk(
    root: str | Path, exclude: frozenset[str] = frozenset(), skipped: Counter[str] | None = None
) -> Iterator[Input]:
    """The inputs under `root`, one at a time, sorted by source, with no list of them all.

    A run walks folders far too large to hold. Depth first, each folder's entries sorted by
    display name with a `/` after a folder's: that is the order of the full relative paths,
    so no global sort is needed. Memory is the listings of the folders on the current path (a
    flat folder of millions of files is still listed whole). `exclude` holds real paths of the
    run's own outputs; what is skipped is counted in `skipped`.
    """
    top = os.path.realpath(root)
    skipped = Counter() if skipped is None else skipped
    stack = [folder_entries(top, top, exclude, skipped)]
    while stack:
        found = next(stack[-1], None)
        if found is None:
            stack.pop()
        elif isinstance(found, Input):
            yield found
        else:
            stack.append(folder_entries(found, top, exclude, skipped))


def folder_entries(
    folder: str, top: str, exclude: frozenset[str], skipped: Counter[str]
) -> Iterator[Input | str]:
    """One folder's inputs and subfolders (their paths), in walk order (see `walk`)."""
    try:
        entries = list(os.scandir(folder))
    except OSError as error:
        skipped[f"unreadable folder: {error.strerror}"] += 1
        return
    names = Folder({entry.name for entry in entries})
    entries.sort(key=walk_key)
    for entry in entries:
        found = classify_entry(entry, names, top, exclude, skipped)
        if found is not None:
            yield found


def walk_key(entry: os.DirEntry[str]) -> tuple[str, str]:
    """A folder sorts as its name plus `/`, by display name (ties, by the name's own bytes)."""
    try:
        is_dir = entry.is_dir(follow_symlinks=False)
    except OSError:
        is_dir = False
    shown = display_source(entry.name)
    return (f"{shown}/" if is_dir else shown, entry.name)


def classify_entry(
    entry: os.DirEntry[str],
    names: Folder,
    top: str,
    exclude: frozenset[str],
    skipped: Counter[str],
) -> Input | str | None:
    """What one folder entry is to a run: an input, a folder to walk (its path), or nothing."""
    if entry.name.startswith("."):
        skipped["hidden"] += 1
        return None
    # Every folder walked is a real path under `top` (links to folders are not followed), so
    # an entry is named by its path past `top` and is its own real path unless it is a link:
    # relpath and realpath, a dozen system calls and string operations each, are not needed.
    relative = entry.path[len(top.rstrip(os.sep)) + 1 :].replace(os.sep, "/")
    link = entry.is_symlink()
    real = os.path.realpath(entry.path) if link else entry.path
    if real in exclude or entry.path in exclude:
        skipped["the run's own output"] += 1
        return None
    if link:
        if not within(real, top):
            return problem_input(
                entry.path, relative, "a link to a file outside the input folder (not followed)"
            )
        if os.path.isdir(real):
            skipped["link to a folder (not followed)"] += 1
            return None
        if not os.path.exists(real):
            return problem_input(entry.path, relative, "a broken or looping link")
    try:
        is_dir = entry.is_dir(follow_symlinks=False)
    except OSError:
        is_dir = False
    if is_dir:
        return entry.path
    kind, compressed, stem = classify_name(entry.name)
    if kind is None:
        if not names.is_sidecar(entry.name):
            skipped[f"unknown extension: {extension_label(entry.name)}"] += 1
        return None
    if is_special(entry):  # opening a FIFO would wait for a writer forever
        return problem_input(entry.path, relative, "not a regular file (a FIFO, socket or device)")
    sidecar = f"{stem}.json" if kind not in CONTAINERS and f"{stem}.json" in names else None
    return Input(
        path=entry.path,
        source=display_source(relative),
        kind=kind,
        compressed=compressed,
        sidecar=os.path.join(os.path.dirname(entry.path), sidecar) if sidecar else None,
    )


def is_special(entry: os.DirEntry[str]) -> bool:
    """A FIFO, socket or device, or a link to one: not a file to read."""
    try:
        return not entry.is_file() and not stat.S_ISREG(entry.stat().st_mode)
    except OSError:
        return False  # it vanished or cannot be looked at: reading it says why


class Folder(set[str]):
    """The names in one folder, and the stems of its documents that may have a sidecar."""

    def __init__(self, names: set[str]) -> None:
        super().__init__(names)
        kinds = map(classify_name, names)
        self.stems = {
            stem for kind, _, stem in kinds if kind is not None and kind not in CONTAINERS
        }

    def is_sidecar(self, name: str) -> bool:
        """Whether `name` is the NAME.json of a NAME.txt/.html in this folder (one lookup, not
        a scan of the folder for each .json: folders of 100,000 files exist)."""
        return name.lower().endswith(".json") and name[:-5] in self.stems


def extension_label(name: str) -> str:
    ext = os.path.splitext(name)[1].lower()
    return ext or "(none)"


def problem_input(path: str, relative: str, problem: str) -> Input:
    kind, compressed, _ = classify_name(os.path.basename(path))
    return Input(path, display_source(relative), kind or "text", compressed, problem=problem)


def read_bytes(item: Input, max_bytes: int) -> bytes:
    """The file's bytes, decompressed, never more than `max_bytes` in memory.

    Raises ValueError with a reason a person understands, or an OSError or gzip error
    (`failure_reason` words those).
    """
    size = os.stat(item.path).st_size
    if not item.compressed and size > max_bytes:
        raise ValueError(
            f"the file is {size:,} bytes, over the size cap of {max_bytes:,} bytes "
            "(raise it with --max-bytes)"
        )
    with open_input(item) as handle:
        data = handle.read(max_bytes + 1)
    if item.compressed and len(data) > max_bytes:
        raise ValueError(
            f"the gzip file expands past the size cap of {max_bytes:,} bytes "
            "(stopped at the cap; raise it with --max-bytes)"
        )
    return data


def open_input(item: Input) -> IO[bytes]:
    """The input's bytes as a stream, gunzipped when the name ends in .gz. A plain file is
    opened only if it is a regular one (`open_regular`): one swapped for a FIFO since the walk
    would block the read."""
    return gzip.open(item.path, "rb") if item.compressed else open_regular(item.path)


def failure_reason(error: Exception) -> str:
    """What a person needs to know about an error met while reading a file."""
    if isinstance(error, GZIP_ERRORS):
        return f"corrupt or truncated gzip file: {error}"
    if isinstance(error, OSError):
        return os_reason(error)
    return str(error.reason if isinstance(error, InputError) else error)


def rejected(source: str, reason: str, failed: bool = False) -> Document:
    """A document that could not be read: it goes to the rejects with `reason`.

    `failed`: the reader itself broke (a parser's bug), which the run reports with exit code 1.
    """
    doc = Document(source=source, kind="text")
    doc.reject = Reject("read", reason, failed=failed)
    return doc


def open_regular(path: str) -> IO[bytes]:
    """Open a file to read, refusing anything but a regular file (ValueError): a sidecar found
    by its name may be a FIFO, and opening one the usual way waits for a writer forever."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    handle = open(descriptor, "rb")  # noqa: SIM115  (returned open)
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        handle.close()
        raise ValueError("not a regular file (a FIFO, socket or device)")
    return handle


def read_sidecar(path: str) -> dict[str, str]:
    """The fields a `NAME.json` sidecar gives; unknown keys are ignored."""
    with open_regular(path) as handle:
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


def read_document(
    item: Input, max_bytes: int = DEFAULT_MAX_BYTES, data: bytes | None = None
) -> Document:
    """Read one plain file into a Document; a file that cannot be read comes back rejected.

    `data`: the file's bytes, when the caller has read them already (to hash them)."""
    if item.problem:
        return rejected(item.source, item.problem)
    doc = Document(source=item.source, kind="html" if item.kind == "html" else "text")
    try:
        doc.raw = read_bytes(item, max_bytes) if data is None else data
    except (OSError, ValueError, *GZIP_ERRORS) as error:
        return rejected(item.source, failure_reason(error))
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
            doc.identity = doc.url
    return doc


@dataclass(frozen=True)
class JsonlFields:
    """Where a JSONL record keeps each thing: names tried in order, the first non-empty wins.

    A name may be a dotted path into nested objects (`metadata.url`). An html field wins over a
    text field, so a record with both goes through HTML extraction like a loose .html file.
    """

    html: tuple[str, ...] = ("html", "raw_html", "content_html")
    text: tuple[str, ...] = ("text", "content", "body")
    url: tuple[str, ...] = ("url", "link")
    id: tuple[str, ...] = ("id",)
    title: tuple[str, ...] = ("title",)


@dataclass(frozen=True)
class ReadOptions:
    """How inputs are read; part of the run's settings. `max_bytes` caps each document."""

    max_bytes: int = DEFAULT_MAX_BYTES
    jsonl: JsonlFields = field(default_factory=JsonlFields)


def read_documents(
    item: Input,
    options: ReadOptions,
    skipped: Counter[str] | None = None,
    data: bytes | None = None,
) -> Iterator[Document]:
    """Every document an input holds (one for a plain file), read lazily.

    A container yields one document per JSONL line or WARC response, and counts what it holds
    that is not a document in `skipped`. One that breaks midway keeps what it yielded and ends
    with a reject for the file that says where reading stopped. `data`: a plain file's bytes,
    when the caller has them (see `read_document`).
    """
    if item.problem or item.kind not in CONTAINERS:
        yield read_document(item, options.max_bytes, data)
        return
    # Imported here: the container modules import this one, and warcio loads only for containers.
    from ingest.io.jsonl import read_jsonl
    from ingest.io.warc import read_warc

    reader = read_jsonl if item.kind == "jsonl" else read_warc
    last = None
    try:
        for doc in reader(item, options, Counter() if skipped is None else skipped):
            last = doc.source
            yield doc
    except Exception as error:  # whatever a parser raises on odd bytes, the run goes on
        where = f"after {last}" if last else "before the first document"
        if isinstance(error, (OSError, InputError, *GZIP_ERRORS)):
            yield rejected(item.source, f"reading stopped {where}: {failure_reason(error)}")
        else:
            reason = f"the {item.kind.upper()} reader failed: {type(error).__name__}: {error}"
            yield rejected(item.source, f"reading stopped {where}: {reason}", failed=True)
