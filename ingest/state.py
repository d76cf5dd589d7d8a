"""The run's state: one SQLite database per output, and the lock that makes runs take turns.

What it records, and why:
- `sources`: per input file, its fingerprint (`stat`: size, mtime and ctime of the file and its
  sidecar, the fast path; `hash`: SHA-256 of their bytes), the digest of the pipeline, rules and
  settings that processed it, and its outcome. A re-run processes only what is new, changed,
  processed under another digest, or failed without writing anything.
- `parts` and `pending`: the two-phase commit of output files (see `ingest/io/output.py`). A
  part's sources move from `pending` to `sources` in the transaction that marks it published.
- `runs`: one row per run with its report, and the manifest of the runs that completed.
- `temp.plan`, for the run only (a TEMP table, gone with the connection): every input the run
  found, in source order, and whether its output stands or it is to be processed. The driver
  asks it instead of holding the inputs in memory, which a corpus of millions would not fit.
  It is a file (a few hundred bytes an input) in SQLite's temporary folder: `SQLITE_TMPDIR`, else
  `TMPDIR`, else `/var/tmp`.
Site profiles and duplicate signatures live in the same database (`ingest/profiles.py`,
`ingest/dedup.py`) and write in the runner's transactions; both are idempotent per document, so
a run that crashed after counting a document never counts it twice.

The database is in WAL mode with `synchronous=FULL`: a transaction that returned is on disk
before the file rename that follows it, which the commit protocol relies on.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ingest.errors import LockedError
from ingest.io.readers import CONTAINERS, HTML_KINDS, Input, open_regular, read_bytes

PAGE_CACHE_KIB = 64 * 1024
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    source TEXT PRIMARY KEY, stat TEXT NOT NULL, hash TEXT, digest TEXT NOT NULL,
    documents INTEGER NOT NULL, written INTEGER NOT NULL, rejected INTEGER NOT NULL,
    failed INTEGER NOT NULL, run TEXT NOT NULL, part TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pending (
    part TEXT NOT NULL, source TEXT NOT NULL, stat TEXT NOT NULL, hash TEXT,
    digest TEXT NOT NULL, documents INTEGER NOT NULL, written INTEGER NOT NULL,
    rejected INTEGER NOT NULL, failed INTEGER NOT NULL, run TEXT NOT NULL,
    PRIMARY KEY (part, source)
);
CREATE TABLE IF NOT EXISTS parts (
    name TEXT PRIMARY KEY, run TEXT NOT NULL, status TEXT NOT NULL, files TEXT NOT NULL,
    records INTEGER NOT NULL, rejects INTEGER NOT NULL, manifest TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    run TEXT PRIMARY KEY, started TEXT NOT NULL, finished TEXT, status TEXT NOT NULL,
    exit_code INTEGER, report TEXT, manifest TEXT
);
"""
SCHEMA_VERSION = "1"
PLAN = (
    "PRAGMA temp_store = FILE",  # on disk whatever the build's default: it is as long as the run
    "DROP TABLE IF EXISTS temp.plan",
    "CREATE TEMP TABLE plan (source TEXT NOT NULL, kept INTEGER NOT NULL, path BLOB, "
    "kind TEXT, compressed INTEGER, sidecar BLOB, problem TEXT, stat TEXT, known TEXT)",
    "CREATE INDEX temp.plan_source ON plan (source)",
)
GONE = "FROM sources WHERE source NOT IN (SELECT source FROM temp.plan)"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class SourceRow:
    """What the state knows of one input: its fingerprint, digest and outcome."""

    source: str
    stat: str
    hash: str | None
    digest: str
    documents: int
    written: int
    rejected: int
    failed: int

    def values(self) -> tuple[Any, ...]:
        """The fields in column order (`dataclasses.astuple` deep-copies: 60 µs an input)."""
        return tuple(getattr(self, name) for name in SOURCE_FIELDS)

    @property
    def retry(self) -> bool:
        """A stage raised and nothing was written: the next run tries again."""
        return self.failed > 0 and self.written == 0


SOURCE_FIELDS = tuple(f.name for f in fields(SourceRow))
SOURCE_COLUMNS = ", ".join(SOURCE_FIELDS)


@dataclass(frozen=True)
class PartRow:
    """A part: its files (staged and final names, checksums) and whether it is published."""

    name: str
    run: str
    status: str  # "pending" or "committed"
    files: list[dict[str, Any]]
    records: int
    rejects: int


class State:
    """The SQLite state of one output. The runner opens it, under the lock, for one run."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        # The dedup and profile tables take inserts all over their B-trees, a few a document:
        # SQLite's default 2 MB page cache rereads pages from the OS for most of them. 64 MB
        # (a bound, not an allocation) holds the hot pages of a state of some 100,000 documents.
        self.conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
        self.conn.executescript(SCHEMA)  # idempotent; executescript runs outside transactions
        self.conn.execute(
            "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
        )

    def close(self) -> None:
        self.conn.close()

    def begin(self) -> None:
        """Open a transaction: what profiles and dedup write joins it, until commit."""
        self.conn.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic step: everything inside commits together, or nothing does."""
        self.begin()
        try:
            yield self.conn
        except BaseException:
            self.rollback()
            raise
        self.commit()

    def meta(self, key: str) -> str | None:
        return read_meta(self.conn, key)

    def set_meta(self, key: str, value: str) -> None:
        write_meta(self.conn, key, value)

    def source(self, source: str) -> SourceRow | None:
        row = self.conn.execute(
            f"SELECT {SOURCE_COLUMNS} FROM sources WHERE source = ?", (source,)
        ).fetchone()
        return SourceRow(*row) if row else None

    def sources(self) -> Iterator[str]:
        for (source,) in self.conn.execute("SELECT source FROM sources ORDER BY source"):
            yield source

    def touch(self, source: str, stat: str) -> None:
        """The file was touched but its bytes are the same: remember the new fast path."""
        self.conn.execute("UPDATE sources SET stat = ? WHERE source = ?", (stat, source))

    # The run's plan (`temp.plan`): its inputs on disk, so that memory does not grow with them.

    def start_plan(self) -> None:
        """An empty plan for this run."""
        for statement in PLAN:
            self.conn.execute(statement)

    def add_plan(self, todos: list[tuple[Input, str, str | None]], kept: list[str]) -> None:
        """Inputs found, in source order: (input, stat, hash as committed) to do, and the kept."""
        self.conn.executemany(
            "INSERT INTO temp.plan VALUES (?, 0, ?, ?, ?, ?, ?, ?, ?)",
            [(item.source, *input_columns(item), stat, known) for item, stat, known in todos],
        )
        self.conn.executemany(
            "INSERT INTO temp.plan (source, kept) VALUES (?, 1)", [(source,) for source in kept]
        )

    def planned(self, after: int, limit: int) -> list[tuple[int, Input, str, str | None]]:
        """Up to `limit` inputs to do after plan row `after`: (row, input, stat, known hash)."""
        rows = self.conn.execute(
            "SELECT rowid, path, source, kind, compressed, sidecar, problem, stat, known "
            "FROM temp.plan WHERE rowid > ? AND path IS NOT NULL ORDER BY rowid LIMIT ?",
            (after, limit),
        )
        return [
            (
                row,
                Input(os.fsdecode(path), source, kind, bool(gz), fs_str(sidecar), why),
                stat,
                known,
            )
            for row, path, source, kind, gz, sidecar, why, stat, known in rows
        ]

    def plans_html(self) -> bool:
        """Whether an input to process may hold HTML (the local pool preloads trafilatura then).

        Kept inputs have no kind in the plan; the scan stops at the first match.
        """
        kinds = sorted(HTML_KINDS)
        row = self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM temp.plan "
            f"WHERE kind IN ({', '.join('?' * len(kinds))}))",
            kinds,
        ).fetchone()
        return bool(row[0])

    def keep(self, source: str) -> None:
        """A planned input's bytes turned out unchanged: its output stands after all."""
        self.conn.execute("UPDATE temp.plan SET kept = 1 WHERE source = ?", (source,))

    def in_plan(self, source: str) -> bool | None:
        """None if `source` is not an input of this run; else whether its output stands."""
        row = self.conn.execute(
            "SELECT MAX(kept) FROM temp.plan WHERE source = ?", (source,)
        ).fetchone()
        return None if row[0] is None else bool(row[0])

    def gone(self) -> Iterator[str]:
        """Committed inputs that this run did not find, in source order."""
        for (source,) in self.conn.execute(f"SELECT source {GONE} ORDER BY source"):
            yield source

    def count_gone(self) -> int:
        return int(self.conn.execute(f"SELECT COUNT(*) {GONE}").fetchone()[0])

    def forget_gone(self) -> None:
        """Inputs that are gone from the folder: a file added back later is new again."""
        self.conn.execute(f"DELETE {GONE}")

    # The two-phase commit of a part (see ingest/io/output.py for the order of steps).

    def stage_source(self, part: str, row: SourceRow, run: str) -> None:
        """An input whose documents are all in `part`: it commits with the part (see below)."""
        self.conn.execute(
            f"INSERT INTO pending (part, {SOURCE_COLUMNS}, run) VALUES (?, {'?, ' * 8}?)",
            (part, *row.values(), run),
        )

    def stage_part(self, part: PartRow) -> None:
        """Phase one, in the transaction that staged the part's sources: not yet published."""
        self.conn.execute(
            "INSERT INTO parts VALUES (?, ?, 'pending', ?, ?, ?, NULL)",
            (part.name, part.run, json.dumps(part.files), part.records, part.rejects),
        )

    def publish_part(self, name: str) -> None:
        """Phase two: the part's files are in place, so its sources are committed."""
        self.conn.execute(
            f"INSERT OR REPLACE INTO sources ({SOURCE_COLUMNS}, run, part) "
            f"SELECT {SOURCE_COLUMNS}, run, part FROM pending WHERE part = ?",
            (name,),
        )
        self.conn.execute("DELETE FROM pending WHERE part = ?", (name,))
        self.conn.execute("UPDATE parts SET status = 'committed' WHERE name = ?", (name,))

    def drop_part(self, name: str) -> None:
        """Roll a pending part back: its sources stay as they were, to be redone."""
        self.conn.execute("DELETE FROM pending WHERE part = ?", (name,))
        self.conn.execute("DELETE FROM parts WHERE name = ?", (name,))

    def parts(self, status: str) -> list[PartRow]:
        rows = self.conn.execute(
            "SELECT name, run, status, files, records, rejects FROM parts "
            "WHERE status = ? AND manifest IS NULL ORDER BY name",
            (status,),
        )
        return [PartRow(n, r, s, json.loads(f), rec, rej) for n, r, s, f, rec, rej in rows]

    # Runs and their manifests.

    def run_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0])

    def begin_run(self, run: str) -> None:
        """Record the run; one still 'running' under our lock is one that died."""
        with self.transaction():
            self.conn.execute("UPDATE runs SET status = 'died' WHERE status = 'running'")
            self.conn.execute(
                "INSERT INTO runs (run, started, status) VALUES (?, ?, 'running')", (run, now())
            )

    def end_run(self, run: str, status: str, exit_code: int, report: dict[str, Any]) -> None:
        self.conn.execute(
            "UPDATE runs SET finished = ?, status = ?, exit_code = ?, report = ? WHERE run = ?",
            (now(), status, exit_code, json.dumps(report), run),
        )

    def announce(self, run: str, parts: list[str], manifest: dict[str, Any]) -> None:
        """Record the manifest that lists `parts`; its file is a copy written after this."""
        self.conn.executemany(
            "UPDATE parts SET manifest = ? WHERE name = ?", [(run, name) for name in parts]
        )
        self.conn.execute(
            "UPDATE runs SET manifest = ? WHERE run = ?", (json.dumps(manifest, indent=2), run)
        )

    def manifests(self) -> Iterator[tuple[str, str]]:
        """(run, manifest text) of every run that completed, oldest first."""
        yield from self.conn.execute(
            "SELECT run, manifest FROM runs WHERE manifest IS NOT NULL ORDER BY run"
        )


def input_columns(item: Input) -> tuple[bytes, str, bool, bytes | None, str | None]:
    """An input's path, kind, compression, sidecar and problem, for the plan.

    Paths as bytes: a file name need not be UTF-8, and SQLite text must be.
    """
    sidecar = os.fsencode(item.sidecar) if item.sidecar is not None else None
    return os.fsencode(item.path), item.kind, item.compressed, sidecar, item.problem


def fs_str(path: bytes | None) -> str | None:
    return os.fsdecode(path) if path is not None else None


def stat_key(item: Input) -> str:
    """The fast-path fingerprint: size, mtime and ctime of the file and of its sidecar.

    ctime too, so that a fix that changes no byte (a chmod that makes a file readable) still
    makes the file a candidate; the content hash then decides.
    """
    parts = []
    for path in (item.path, item.sidecar):
        if path is None:
            continue
        try:
            info = os.lstat(path) if item.problem else os.stat(path)
        except OSError as error:
            parts.append(f"unreadable:{error.errno}")
            continue
        parts.append(f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}")
    return ";".join(parts)


def read_meta(conn: sqlite3.Connection, key: str) -> str | None:
    """A value of the state's `meta` table, for `State` and for the stores that take a bare
    connection (`ingest.dedup.Deduplicator`)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def write_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


def content_hash(item: Input, max_bytes: int) -> tuple[str | None, bytes | None]:
    """SHA-256 of the input's bytes and its sidecar's (None when they are not to be read), and
    the bytes of a plain, uncompressed file, read as the reader reads them (`read_bytes`), so
    that it need not read them again.

    A link out of the input folder is never opened, and a plain file over the size cap is not
    read just to hash it (a container is: its documents are capped one by one).
    """
    if item.problem:
        return None, None
    digest = hashlib.sha256()
    data = None
    try:
        if item.kind not in CONTAINERS and os.stat(item.path).st_size > max_bytes:
            return None, None
        if item.kind not in CONTAINERS and not item.compressed:
            data = read_bytes(item, max_bytes)
            digest.update(data)
            digest.update(b"\0")
        for path in (item.path if data is None else None, item.sidecar):
            if path is not None:
                with open_regular(path) as handle:
                    for block in iter(lambda h=handle: h.read(1 << 20), b""):
                        digest.update(block)
                digest.update(b"\0")
    except (OSError, ValueError):  # a sidecar that is a FIFO: the reader notes it
        return None, None
    return digest.hexdigest(), data


class RunLock:
    """One run at a time per state: an exclusive `flock` on STATE.lock, plus who holds it.

    The kernel releases a flock when its process dies, however it dies, so a lock left by a
    killed run is free for the next one, which logs that it took it over. Worker processes are
    started without the lock's descriptor (see ingest/executors/local.py), so an orphaned worker
    cannot keep it held.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.handle: Any = None

    def acquire(self) -> str | None:
        """Take the lock or raise LockedError; return the stale holder's note, if there was one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the run
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise LockedError(
                f"another run holds the lock ({holder}); this run did nothing",
                str(self.path),
            ) from None
        handle.seek(0)
        stale = handle.read().strip() or None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}, since {now()}\n")
        handle.flush()
        os.fsync(handle.fileno())
        self.handle = handle
        return stale

    def release(self) -> None:
        """Empty the note (a clean exit leaves nothing stale) and let go of the lock."""
        if self.handle is None:
            return
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.flush()
        fcntl.flock(self.handle.fileno(), fcntl.LOCK_UN)
        self.handle.close()
        self.handle = None
