"""Duplicate documents: the same body again, or nearly, across the run and every earlier run.

A body is compared after cleaning, NFKC case-folded with whitespace collapsed (digits stay: a
market report is not the same as yesterday's with other figures, whatever the template):
- exact: the same normalised body (a 64-bit hash);
- near: MinHash over word 5-gram shingles, banded for LSH (12 bands of 5 slots), each candidate
  then confirmed by its estimated Jaccard similarity (at least `DedupSettings.near`).

The bands are set for the 0.8 threshold: a pair sharing 80 % of its shingles becomes a candidate
with probability 0.99 (0.9995 at 90 %), one sharing 30 % with 0.03. With 16 bands of 4 that was
0.12, and on a corpus whose articles share template sentences the candidates to confirm grew with
every document registered: at 30,000 documents, 400 a document, and the driver's time with them.

The first document in source order (or from an earlier run) is kept; a later one from the same
site is rejected with `duplicate_of`. The same article on two different sites is not dropped:
the later one is kept and names the earlier in `metadata["same_as"]`.

Our own MinHash rather than datasketch: datasketch needs numpy and scipy (tens of MB) for what
is here a few lines, and its LSH index persists only to Redis or Cassandra, while ours must
live in the run's SQLite state. It is one-permutation MinHash (Li, Owen and Zhang, 2012): one
64-bit hash per shingle picks a slot and competes for that slot's minimum, instead of 64 hashes
per shingle, and the slots no shingle reached borrow from their right-hand neighbour
(rotation densification, Shrivastava and Li, 2014). That keeps the estimator of the share of
shared shingles. Signatures keep the low 16 bits of each minimum (b-bit MinHash): 128 bytes a
document, and an accidental slot match of 1 in 65536.

A shingle's hash is Python's hash of the tuple of its words' ids, each id a 64-bit blake2b of the
word, remembered across documents (`word_ids`). The tuple hash is xxHash's mixing, run in C with
no object per shingle: 0.15 ms for a 1,250-word body, where a blake2b of each joined shingle took
0.55. It is CPython's, stable since 3.8 but not promised, so the state records the signature of a
fixed text (`signature_scheme`): signatures made another way (by a version before this scheme, or
by another interpreter) are dropped when a state is opened, and those documents are then found
again by their exact body only.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import struct
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property

from ingest.document import Document, Reject
from ingest.profiles import site_key
from ingest.state import read_meta, write_meta
from ingest.text import collapse_spaces

PERMUTATIONS = 64
BANDS = 12
ROWS = 5  # BANDS × ROWS of the 64 slots make the bands; all 64 estimate the similarity
LAYOUT = f"{BANDS}x{ROWS}"  # kept in the state: bands of another layout are rebuilt
_SLOT_BITS = PERMUTATIONS.bit_length() - 1  # PERMUTATIONS is a power of two
_EMPTY = 1 << 64
_ROTATION = 0x9E3779B97F4A7C15  # what a borrowed slot adds per step, so it differs from its donor
_SIGNATURE = struct.Struct(f"<{PERMUTATIONS}H")
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS dedup_documents (
        id INTEGER PRIMARY KEY,  -- registration order: earlier wins
        doc TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        site TEXT NOT NULL,
        body INTEGER NOT NULL,
        signature BLOB
    )""",
    "CREATE INDEX IF NOT EXISTS dedup_documents_body ON dedup_documents (body)",
    """CREATE TABLE IF NOT EXISTS dedup_bands (
        band INTEGER NOT NULL,
        hash INTEGER NOT NULL,
        id INTEGER NOT NULL,
        PRIMARY KEY (band, hash, id)
    ) WITHOUT ROWID""",
)


@dataclass(frozen=True)
class DedupSettings:
    """`near`: the estimated share of shared shingles that makes a near-duplicate.

    A corrected typo or an added paragraph keeps a long article well above 0.8; two articles on
    the same story in their own words share far fewer 5-word runs. Bodies of fewer than
    `min_words` words are compared exactly only: a few changed words move them too much.
    """

    near: float = 0.8
    shingle: int = 5
    min_words: int = 25


@dataclass(frozen=True)
class Fingerprint:
    """What dedup compares: the exact body hash and, for long enough bodies, the signature."""

    body: int
    signature: bytes | None

    @cached_property
    def bands(self) -> list[tuple[int, int]]:
        """The signature's bands (`bands`), computed once for both the lookup and the
        registration; none without a signature."""
        return bands(self.signature) if self.signature is not None else []


def _signed64(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big", signed=True)


def fingerprint(doc: Document, settings: DedupSettings) -> Fingerprint:
    """The fingerprint of the document's kept body."""
    body = "\n".join(
        collapse_spaces(unicodedata.normalize("NFKC", line.text).casefold())
        for line in doc.lines
        if line.removal is None
    )
    encoded = body.encode("utf-8")
    exact = _signed64(encoded)
    # The body's only spaces are " " and "\n", so its UTF-8 splits into the same words.
    words = encoded.split()
    if len(words) < settings.min_words:
        return Fingerprint(exact, None)
    return Fingerprint(exact, minhash(shingle_hashes(words, settings.shingle)))


_WORD_IDS: dict[bytes, int] = {}
_WORD_IDS_KEPT = 1 << 16  # about 7 MB; a news corpus's frequent words stay in it


def word_ids(words: list[bytes]) -> list[int]:
    """Each word's id, its 64-bit blake2b. The ids are remembered: a document's
    words are mostly known, and a dict lookup mapped in C is a fraction of a hash."""
    try:
        return list(map(_WORD_IDS.__getitem__, words))
    except KeyError:
        if len(_WORD_IDS) > _WORD_IDS_KEPT:
            _WORD_IDS.clear()
        for word in set(words).difference(_WORD_IDS):
            _WORD_IDS[word] = _signed64(word)
        return list(map(_WORD_IDS.__getitem__, words))


def shingle_hashes(words: list[bytes], size: int) -> Iterator[int]:
    """The hash of each run of `size` words: the tuple hash of their ids (see the module's
    docstring). The shifted lists are shorter, so the last run ends the body."""
    ids = word_ids(words)
    return map(hash, zip(*(ids[start:] for start in range(size)), strict=False))


def minhash(hashes: Iterable[int]) -> bytes:
    """The one-permutation MinHash signature of the shingle hashes (see the module's
    docstring). A shingle repeated changes no minimum: there is no need for a set.

    A slot keeps its smallest hash, whose high bits are its smallest rest: all of a slot's
    hashes share their low bits. The hashes are signed; any fixed order makes a MinHash.
    """
    smallest = [_EMPTY] * PERMUTATIONS
    mask = PERMUTATIONS - 1
    for value in hashes:
        if value < smallest[value & mask]:
            smallest[value & mask] = value
    slots = [value if value == _EMPTY else value >> _SLOT_BITS for value in smallest]
    if _EMPTY in slots:
        donors = list(slots)
        for slot in range(PERMUTATIONS):
            if donors[slot] == _EMPTY:
                step = next(
                    s for s in range(1, PERMUTATIONS) if donors[(slot + s) & mask] != _EMPTY
                )
                slots[slot] = donors[(slot + step) & mask] + step * _ROTATION
    return _SIGNATURE.pack(*(value & 0xFFFF for value in slots))


_CANARY = b"the harbour board met on tuesday to discuss the future of the old grain store " * 2


@cache
def signature_scheme() -> str:
    """A digest of the signature of a fixed text: two places that compute the same one make
    the same signatures, and a state records it with the signatures it holds."""
    signature = minhash(shingle_hashes(_CANARY.split(), DedupSettings().shingle))
    return hashlib.sha256(signature).hexdigest()[:16]


_LANE_LOW_BITS = int.from_bytes(b"\x01\x00" * PERMUTATIONS, "little")  # bit 0 of each slot


def similarity(first: bytes, second: bytes) -> float:
    """The estimated Jaccard similarity of two signatures: the share of equal slots.

    On the signatures as two 1024-bit integers: XOR leaves a slot zero where they agree; OR-ing
    each slot's bits down into its bit 0 and counting those bits counts the slots that differ.
    A few big-integer operations instead of a loop over 64 slots (14 µs): the driver confirms
    every candidate pair this way.
    """
    differ = int.from_bytes(first, "little") ^ int.from_bytes(second, "little")
    for shift in (8, 4, 2, 1):
        differ |= differ >> shift
    return 1 - (differ & _LANE_LOW_BITS).bit_count() / PERMUTATIONS


def bands(signature: bytes) -> list[tuple[int, int]]:
    """(band number, band hash): two signatures that agree on a whole band become candidates."""
    size = 2 * ROWS  # two bytes a slot
    return [(band, _signed64(signature[band * size : (band + 1) * size])) for band in range(BANDS)]


# Documents sharing any of a signature's bands. Band by band, as one statement: SQLite searches
# the primary key for each OR term (a row value `IN` would scan the table).
_CANDIDATES = (
    "SELECT d.id, d.doc, d.source, d.site, d.signature FROM dedup_bands b "
    "JOIN dedup_documents d ON d.id = b.id WHERE "
    + " OR ".join(["(b.band = ? AND b.hash = ?)"] * BANDS)
)


@dataclass(frozen=True)
class Registered:
    """A document's row in the state, and the signature it was registered with."""

    row: int
    signature: bytes | None


@dataclass(frozen=True)
class Match:
    """An earlier document a body matches; `similarity` is None for an exact match."""

    doc: str
    source: str
    site: str
    similarity: float | None


class Deduplicator:
    """Checks documents in source order against every body kept before, in this run or earlier.

    Lives in the driver (it must see documents in order) and writes in the caller's
    transaction, like `ProfileStore`.
    """

    def __init__(self, conn: sqlite3.Connection, settings: DedupSettings | None = None) -> None:
        self.conn = conn
        self.settings = settings or DedupSettings()
        for statement in SCHEMA:  # one by one: executescript would commit the caller's work
            conn.execute(statement)
        conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self.forgotten = self.drop_foreign_signatures()
        self.rebuild_bands()

    def drop_foreign_signatures(self) -> int:
        """Drop the stored signatures made another way than ours (`signature_scheme`): compared
        with ours they would match nothing, or worse, something. Their documents are still
        found by their exact body. Returns how many were dropped."""
        scheme = signature_scheme()
        if read_meta(self.conn, "dedup_signatures") == scheme:
            return 0
        with self._transaction():
            dropped = self.conn.execute(
                "UPDATE dedup_documents SET signature = NULL WHERE signature IS NOT NULL"
            ).rowcount
            self.conn.execute("DELETE FROM dedup_bands")
            write_meta(self.conn, "dedup_signatures", scheme)
        return dropped

    def rebuild_bands(self) -> None:
        """Re-band every stored signature when the state's bands have another layout (a state
        from an older version): the signatures themselves are unchanged."""
        conn = self.conn
        if read_meta(self.conn, "dedup_bands") == LAYOUT:
            return
        with self._transaction():
            conn.execute("DELETE FROM dedup_bands")
            rows = conn.execute(
                "SELECT id, signature FROM dedup_documents WHERE signature IS NOT NULL"
            )
            for row, signature in rows.fetchall():
                conn.executemany(
                    "INSERT OR IGNORE INTO dedup_bands VALUES (?, ?, ?)",
                    [(band, value, row) for band, value in bands(signature)],
                )
            write_meta(conn, "dedup_bands", LAYOUT)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """The caller's transaction if one is open, else one of our own."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def check(self, doc: Document, fp: Fingerprint | None = None) -> Document:
        """Reject a same-site duplicate, note cross-site ones in `same_as`, register the rest.

        `fp` may be computed in a worker with `fingerprint`; otherwise it is computed here.
        """
        if doc.reject is not None:
            return doc
        fp = fp or fingerprint(doc, self.settings)
        doc.reject, same_as = self.judge(doc.id, doc.source, site_key(doc), fp)
        if same_as:
            doc.metadata["same_as"] = same_as
        return doc

    def judge(
        self, doc_id: str, source: str, site: str, fp: Fingerprint
    ) -> tuple[Reject | None, list[str]]:
        """A kept document's verdict: a Reject if it duplicates an earlier document of its own
        site, else the ids of other sites' documents it duplicates, and it is registered."""
        matches, earlier = self.lookup(doc_id, fp)
        same_site = [match for match in matches if match.site == site]
        if same_site:
            first = same_site[0]
            kind = (
                "an exact duplicate"
                if first.similarity is None
                else f"a near-duplicate ({first.similarity:.0%} of shingles shared)"
            )
            if earlier is not None:
                self._forget(earlier)
                self.conn.execute("DELETE FROM dedup_documents WHERE id = ?", (earlier.row,))
            reason = f"{kind} of {first.source} ({first.doc})"
            return Reject("dedup", reason, duplicate_of=first.doc), []
        self.register(doc_id, source, site, fp, earlier)
        return None, [match.doc for match in matches]

    def lookup(self, doc_id: str, fp: Fingerprint) -> tuple[list[Match], Registered | None]:
        """Earlier documents with the same body or a similar one, earliest first, and the
        document's own registration from an earlier run, if any (it is being processed again).
        The exact matches and the registration come in one query."""
        found: dict[int, Match] = {}
        earlier = None
        for row, doc, source, site, signature in self.conn.execute(
            "SELECT id, doc, source, site, signature FROM dedup_documents "
            "WHERE body = ? OR doc = ?",
            (fp.body, doc_id),
        ):
            if doc == doc_id:
                earlier = Registered(row, signature)
            else:
                found[row] = Match(doc, source, site, None)
        if fp.signature is not None:
            compared = set(found)
            keys = [number for band in fp.bands for number in band]
            for row, doc, source, site, signature in self.conn.execute(_CANDIDATES, keys):
                if row in compared:  # a candidate on several bands is confirmed once
                    continue
                compared.add(row)
                score = similarity(fp.signature, signature)
                if score >= self.settings.near and doc != doc_id:
                    found[row] = Match(doc, source, site, score)
        return [found[row] for row in sorted(found)], earlier

    def register(
        self, doc_id: str, source: str, site: str, fp: Fingerprint, earlier: Registered | None
    ) -> None:
        """Remember a kept document; one processed again (`earlier`) keeps its place in the
        order."""
        values = (source, site, fp.body, fp.signature)
        if earlier is None:
            row = self.conn.execute(
                "INSERT INTO dedup_documents (source, site, body, signature, doc) "
                "VALUES (?, ?, ?, ?, ?)",
                (*values, doc_id),
            ).lastrowid
        else:
            self._forget(earlier)
            row = earlier.row
            self.conn.execute(
                "UPDATE dedup_documents SET source = ?, site = ?, body = ?, signature = ? "
                "WHERE id = ?",
                (*values, row),
            )
        self.conn.executemany(
            "INSERT OR IGNORE INTO dedup_bands VALUES (?, ?, ?)",
            [(band, value, row) for band, value in fp.bands],
        )

    def _forget(self, earlier: Registered) -> None:
        """Drop the bands a document registered before: it is being processed again."""
        if earlier.signature is not None:
            self.conn.executemany(
                "DELETE FROM dedup_bands WHERE band = ? AND hash = ? AND id = ?",
                [(band, value, earlier.row) for band, value in bands(earlier.signature)],
            )
