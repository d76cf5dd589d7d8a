"""Per-site line counts that reveal a site's chrome from its own documents, kept across runs.

A line that shows up in many documents of one site is chrome whatever its words (cc_net's
insight, made per site and persistent). Pass one of a run collects the distinct line keys of
each document (`LineCounts`, cheap and picklable, merged per shard); the driver adds them to a
`ProfileStore` in the run's SQLite state; pass two cleans every document with the profile as it
stands (`ProfileStore.chrome_profile`, applied by `ingest.stages.repeats.Repeats`).

Memory stays bounded however large the corpus grows: the counts live on disk in SQLite (one
row per site and line key, upserted in batches sorted by key), so a run holds only one shard's
keys and SQLite's page cache. Disk is bounded too: a key seen in a single document that has not
come back within `Thresholds.large_site` further documents of its site is pruned at the start of
a later run. See docs/profiles.md for the thresholds and the measurement.
"""

from __future__ import annotations

import hashlib
import math
import sqlite3
import struct
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ingest.document import Document
from ingest.repeats import line_key
from ingest.rules.ruleset import host_of

NO_SITE = ""  # the pool of documents with no url, site, site rule or folder
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS profile_sites (
        id INTEGER PRIMARY KEY,
        site TEXT NOT NULL UNIQUE,
        documents INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS profile_lines (
        site INTEGER NOT NULL,
        key INTEGER NOT NULL,
        documents INTEGER NOT NULL,
        seen INTEGER NOT NULL,  -- the site's document count when the run began
        PRIMARY KEY (site, key)
    ) WITHOUT ROWID""",
    "CREATE TABLE IF NOT EXISTS profile_counted (doc BLOB PRIMARY KEY) WITHOUT ROWID",
    """CREATE TABLE IF NOT EXISTS profile_contents (
        site INTEGER NOT NULL,
        lines INTEGER NOT NULL,  -- a hash of the document's sorted line keys
        PRIMARY KEY (site, lines)
    ) WITHOUT ROWID""",
)


def site_key(doc: Document) -> str:
    """The site whose documents `doc` is counted with.

    In order: the url's host without `www.`; the sidecar's or page's `site`, case-folded; the
    name of the site rule file that matched; the first folder of `source` under the input.
    Documents with none of these (a file at the top of the input, no url) share the pool
    `NO_SITE` (""), which is learned like any other site.
    """
    host = host_of(doc.url)
    if host:
        return host
    if doc.site and doc.site.strip():
        name = " ".join(doc.site.split()).casefold()
        return name[4:] if name.startswith("www.") else name
    if doc.site_rules:
        return doc.site_rules
    folder, slash, _ = doc.source.partition("/")
    return folder if slash else NO_SITE


def describe(site: str) -> str:
    """The site as a reason names it."""
    return site if site != NO_SITE else "the pool of documents without a site"


def document_keys(doc: Document) -> list[int]:
    """The sorted distinct keys (`ingest.repeats.line_key`) of the document's non-blank lines.

    Every line counts, removed or not: the counts then describe the site, not the rules of the
    run that saw it, and stay valid when the rules change. Each non-blank line keeps its key
    (`Line.key`) for pass two's `Repeats` stage, which would otherwise compute it again.
    """
    for line in doc.lines:
        line.key = line_key(line.text) if line.text.strip() else None
    return sorted({line.key for line in doc.lines if line.key is not None})


@dataclass
class LineCounts:
    """The line keys of the documents one shard (or a run) saw, in the order it saw them.

    Kept per document rather than summed, so that `ProfileStore.add` can count each document
    once per state: a re-run, a crash and retry, or a rules change never counts it twice.
    """

    documents: list[tuple[str, str, list[int]]] = field(default_factory=list)

    def add(self, doc: Document) -> None:
        """Record `doc` (as id, site, keys); documents without lines say nothing about a site."""
        if doc.lines:
            self.documents.append((doc.id, site_key(doc), document_keys(doc)))

    def merge(self, other: LineCounts) -> None:
        """Append another shard's counts; merge shards in input order to stay deterministic."""
        self.documents.extend(other.documents)

    def totals(self) -> tuple[Counter[str], dict[str, Counter[int]]]:
        """(documents per site, documents per site and line key)."""
        sites: Counter[str] = Counter()
        lines: dict[str, Counter[int]] = {}
        for _, site, keys in self.documents:
            sites[site] += 1
            lines.setdefault(site, Counter()).update(keys)
        return sites, lines


@dataclass(frozen=True)
class Thresholds:
    """When a line's document count makes it chrome (the reasoning is in docs/profiles.md).

    A line is chrome when its site has at least `min_site_documents` documents and the line
    appears in at least `min_documents` of them and in at least `share` of them (`long_share`
    for lines longer than `long_line` characters: a body paragraph is long, so a long line must
    repeat more). Past `large_site` documents the shares are taken of `large_site`, so chrome
    that only one section shows, or that a redesign introduced, is still learned on a big site.
    """

    min_documents: int = 3
    min_site_documents: int = 10
    share: float = 0.2
    long_line: int = 100
    long_share: float = 0.5
    large_site: int = 2000

    def required(self, site_documents: int, share: float) -> int:
        """How many documents of a site of `site_documents` a line must appear in."""
        return max(self.min_documents, math.ceil(share * min(site_documents, self.large_site)))


@dataclass(frozen=True)
class SiteProfile:
    """A site's learned chrome: line key → documents, for keys at or over the short threshold."""

    site: str
    documents: int
    counts: dict[int, int]
    long_line: int
    long_required: int

    def count(self, text: str, key: int | None = None) -> int | None:
        """The document count of `text` if it is chrome of this site, else None; `key` is the
        line key of `text` when the caller has it already."""
        count = self.counts.get(line_key(text) if key is None else key)
        if count is None or (len(text) > self.long_line and count < self.long_required):
            return None
        return count


def _to_sql(keys: list[int]) -> tuple[int, ...]:
    """Line keys are unsigned 64-bit; SQLite integers are signed: the same 8 bytes each,
    read back signed, in two C calls rather than a Python expression a key."""
    return struct.unpack(f"<{len(keys)}q", struct.pack(f"<{len(keys)}Q", *keys))


def _from_sql(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def _content(keys: list[int]) -> int:
    """A signed 64-bit hash of a document's sorted line keys."""
    data = struct.pack(f">{len(keys)}Q", *keys)
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big", signed=True)


class ProfileStore:
    """Per-site line counts in the run's SQLite state.

    Writes happen in the caller's transaction: the runner commits them with the run, so a
    crashed run leaves no half-counted shard behind. Use one store per run: a site's singleton
    keys are pruned the first time the run touches the site.
    """

    def __init__(self, conn: sqlite3.Connection, thresholds: Thresholds | None = None) -> None:
        self.conn = conn
        self.thresholds = thresholds or Thresholds()
        self._touched: dict[str, tuple[int, int]] = {}  # site → (row id, documents at start)
        for statement in SCHEMA:  # one by one: executescript would commit the caller's work
            conn.execute(statement)

    def add(self, counts: LineCounts) -> int:
        """Add the documents not counted before; return how many were new.

        A document whose lines are all those of one counted before on its site (the same page
        crawled under two addresses) is not counted either: a site that republishes an article
        five times must not teach its paragraphs as chrome.
        """
        fresh = LineCounts()
        for entry in counts.documents:
            doc_id, site, keys = entry
            if self._new("profile_counted", bytes.fromhex(doc_id)) and self._new(
                "profile_contents", self._begin(site)[0], _content(keys)
            ):
                fresh.documents.append(entry)
        sites, lines = fresh.totals()
        for site in sorted(sites):
            row, start = self._begin(site)
            counts = lines[site]
            ordered = sorted(zip(_to_sql(list(counts)), counts.values(), strict=True))
            self.conn.executemany(
                "INSERT INTO profile_lines VALUES (?, ?, ?, ?) ON CONFLICT (site, key) "
                "DO UPDATE SET documents = documents + excluded.documents",
                [(row, key, number, start) for key, number in ordered],
            )
            self.conn.execute(
                "UPDATE profile_sites SET documents = documents + ? WHERE id = ?",
                (sites[site], row),
            )
        return len(fresh.documents)

    def _new(self, table: str, *values: object) -> bool:
        """Insert a row of `table` unless it is there; whether it was new."""
        marks = ", ".join("?" * len(values))
        cursor = self.conn.execute(f"INSERT OR IGNORE INTO {table} VALUES ({marks})", values)
        return cursor.rowcount > 0

    def _begin(self, site: str) -> tuple[int, int]:
        """The site's row, created if new; on the run's first touch, prune stale singletons.

        Only counts as they stood when the run began decide what is pruned, so the result does
        not depend on how the run was split into shards.
        """
        if site not in self._touched:
            self.conn.execute(
                "INSERT OR IGNORE INTO profile_sites (site, documents) VALUES (?, 0)", (site,)
            )
            row, start = self.conn.execute(
                "SELECT id, documents FROM profile_sites WHERE site = ?", (site,)
            ).fetchone()
            self.conn.execute(
                "DELETE FROM profile_lines WHERE site = ? AND documents = 1 AND seen <= ?",
                (row, start - self.thresholds.large_site),
            )
            self._touched[site] = (row, start)
        return self._touched[site]

    def chrome_profile(self, sites: Iterable[str]) -> dict[str, SiteProfile]:
        """The learned chrome of each of `sites` that has enough documents to tell."""
        limits = self.thresholds
        profiles: dict[str, SiteProfile] = {}
        for site in sorted(set(sites)):
            found = self.conn.execute(
                "SELECT id, documents FROM profile_sites WHERE site = ?", (site,)
            ).fetchone()
            if found is None or found[1] < limits.min_site_documents:
                continue
            row, documents = found
            rows = self.conn.execute(
                "SELECT key, documents FROM profile_lines WHERE site = ? AND documents >= ?",
                (row, limits.required(documents, limits.share)),
            )
            profiles[site] = SiteProfile(
                site=site,
                documents=documents,
                counts={_from_sql(key): number for key, number in rows},
                long_line=limits.long_line,
                long_required=limits.required(documents, limits.long_share),
            )
        return profiles
