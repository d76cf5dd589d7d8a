"""The one record type that flows through every stage.

Stages never delete text: they mark a `Line` with a `Removal`, so the writer, `ingest explain`
and the statistics all read the same marks and can never disagree.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field, fields
from functools import lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Literal

import orjson

if TYPE_CHECKING:
    from ingest.dedup import Fingerprint

SCHEMA_VERSION = "1.0"

Kind = Literal["text", "html"]


@dataclass(slots=True, frozen=True)
class Removal:
    """Why a line left the body: which stage, which rule, and a reason a person can read.

    `field` names the record field the line was lifted into (title, authors, ...), if any.
    """

    stage: str
    rule: str
    reason: str
    field: str | None = None

    def __reduce__(self) -> tuple[type[Removal], tuple[Any, ...]]:
        """Pickled as constructor arguments: see `Line.__reduce__`."""
        return Removal, (self.stage, self.rule, self.reason, self.field)


@lru_cache(maxsize=4096)
def removal(stage: str, rule: str, reason: str, field: str | None = None) -> Removal:
    """The `Removal` every line removed for the same reasons shares. Stages mark lines with it:
    documents cross processes pickled, and pickle writes an object it has seen once, so a
    shard's pickle is a third smaller and loads faster. A `Removal` is frozen: sharing is safe.
    """
    return Removal(stage, rule, reason, field)


@dataclass(slots=True)
class Line:
    """One logical line of the body: a paragraph, possibly joined from hard-wrapped lines.

    `lineno` is the first physical line (1-based) in the decoded text and `span` the number of
    physical lines joined into it. `key` is the line key of `text` (`ingest.repeats.line_key`)
    once a run's first pass has counted it, so that the learned stage, next to run, need not
    compute it again.
    """

    text: str
    lineno: int
    span: int = 1
    removal: Removal | None = None
    keep_rule: str | None = None
    key: int | None = None

    @property
    def kept(self) -> bool:
        """Whether the line is still in the body. The stages ask `line.removal is None`
        instead: they ask some 400 times a document, and a property call costs 40 ns more."""
        return self.removal is None

    def __reduce__(self) -> tuple[type[Line], tuple[Any, ...]]:
        """Pickled as constructor arguments. Documents cross a process boundary four times in a
        run, with a `Line` per paragraph: this dumps twice as fast as slot by slot."""
        return Line, (self.text, self.lineno, self.span, self.removal, self.keep_rule, self.key)


@dataclass(slots=True, frozen=True)
class Reject:
    """Why a document produced no record. `failed` means a stage raised (exit code 1)."""

    stage: str
    reason: str
    failed: bool = False
    duplicate_of: str | None = None


@dataclass(slots=True)
class Document:
    """A document on its way from raw bytes to a record."""

    source: str
    kind: Kind
    raw: bytes = b""
    html: str | None = None
    text: str = ""
    lines: list[Line] = field(default_factory=list)
    url: str | None = None
    site: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    language: str | None = None
    language_score: float | None = None
    encoding: str | None = None
    repairs: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)
    rules_digest: str | None = None
    site_rules: str | None = None  # name of the site rule file that matched, if any
    chars_in: int = 0
    reject: Reject | None = None
    identity: str | None = None  # set by the reader: an id field or URL the input gave

    @property
    def id(self) -> str:
        """Stable across runs and containers: a hash of `identity`, else of `source`.

        The reader sets `identity` from what the input says the document is (a JSONL id field,
        else the URL it gave), so the same page gets the same id from a loose file, a JSONL
        export or a WARC. What extraction finds later never changes the id.
        """
        key = self.identity or self.source
        return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:24]

    @property
    def rejected(self) -> bool:
        return self.reject is not None

    def kept_lines(self) -> list[Line]:
        return [line for line in self.lines if line.removal is None]

    def body(self) -> str:
        """The body as the writer emits it: kept paragraphs joined by a blank line."""
        return "\n\n".join(line.text for line in self.lines if line.removal is None)

    def removal_counts(self) -> Counter[tuple[str, str]]:
        """Lines removed per (stage, rule): the statistics are derived from the marks."""
        return Counter(
            (line.removal.stage, line.removal.rule) for line in self.lines if line.removal
        )

    def to_record(self) -> dict[str, Any]:
        """The output record, in the documented key order (see docs/record.md)."""
        text = self.body()
        kept = sum(1 for line in self.lines if line.removal is None)
        return {
            "id": self.id,
            "text": text,
            "source": self.source,
            "url": self.url,
            "site": self.site,
            "title": self.title,
            "authors": self.authors,
            "published": self.published,
            "language": self.language,
            "language_score": self.language_score,
            "encoding": self.encoding,
            "repairs": self.repairs,
            "metadata": self.metadata,
            "removed": [
                {
                    "line": line.lineno,
                    "text": line.text,
                    "stage": line.removal.stage,
                    "rule": line.removal.rule,
                    "reason": line.removal.reason,
                    **({"field": line.removal.field} if line.removal.field else {}),
                }
                for line in self.lines
                if line.removal
            ],
            "stats": {
                "chars_in": self.chars_in,
                "chars_out": len(text),
                "lines_in": len(self.lines),
                "lines_out": kept,
            },
            "rules_digest": self.rules_digest,
            "schema_version": SCHEMA_VERSION,
        }

    def to_reject(self) -> dict[str, Any]:
        """The rejects-file entry: enough for a person to find the file and see why."""
        assert self.reject is not None
        return reject_entry(self.id, self.source, self.reject)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled as its other fields and its lines as columns, a list per `Line` field: pass
        one's shards reach pass two this way, and a list of strings or numbers pickles in one
        go where each `Line` took a call of its own (dumps 35 -> 21 µs a document)."""
        lines = self.lines
        others = [getattr(self, name) for name in _OTHER_FIELDS]
        return _document, (others, *(list(map(column, lines)) for column in _LINE_COLUMNS))


_OTHER_FIELDS = [f.name for f in fields(Document) if f.name != "lines"]
_LINES_AT = [f.name for f in fields(Document)].index("lines")
_LINE_COLUMNS = [attrgetter(f.name) for f in fields(Line)]


def _document(others: list[Any], *columns: list[Any]) -> Document:
    """A `Document` from `Document.__reduce__`'s fields and line columns."""
    lines = list(map(Line, *columns))
    return Document(*others[:_LINES_AT], lines, *others[_LINES_AT:])  # type: ignore[arg-type]


def reject_entry(doc_id: str, source: str, reject: Reject) -> dict[str, Any]:
    """A rejects-file entry (`Document.to_reject`)."""
    entry: dict[str, Any] = {
        "id": doc_id,
        "source": source,
        "stage": reject.stage,
        "reason": reject.reason,
        "failed": reject.failed,
    }
    if reject.duplicate_of:
        entry["duplicate_of"] = reject.duplicate_of
    return entry


@dataclass(slots=True)
class Finished:
    """A document done with its stages, as the driver deduplicates, counts and writes it: its
    record already built, as its JSON line (or why it has none), the site it is deduplicated
    within, and its duplicate fingerprint if it is kept.

    Pass two sends these to the driver rather than documents, and the record as the bytes a
    JSONL output writes: they pickle as one block (1 µs, where the record's dict took 40), and
    the driver only copies them out. It answers what `RunStats.count` and the writers ask of a
    `Document`.
    """

    id: str
    source: str
    site: str
    reject: Reject | None
    line: bytes | None = None  # the record, as `ingest.io.writers.dumps` writes it
    language: str | None = None
    removed: dict[tuple[str, str], int] = field(default_factory=dict)
    fingerprint: Fingerprint | None = None

    def removal_counts(self) -> dict[tuple[str, str], int]:
        """As `Document.removal_counts`, counted in the worker."""
        return self.removed

    def to_record(self) -> dict[str, Any]:
        assert self.line is not None
        return orjson.loads(self.line)

    def to_reject(self) -> dict[str, Any]:
        assert self.reject is not None
        return reject_entry(self.id, self.source, self.reject)
