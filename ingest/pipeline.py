"""The pipeline: one visible, ordered list of stages, plus the settings they are built from.

`Pipeline.process(doc)` runs the stages on one document; `Pipeline.run(folder, output)` runs a
whole folder and writes JSONL. The CLI is a thin skin over these two.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest import __version__
from ingest.document import Document, Reject
from ingest.io.readers import Input, ReadOptions, discover, read_document, read_documents
from ingest.io.writers import AtomicJsonl
from ingest.rules import RuleSet, load_rules
from ingest.stages.base import Stage
from ingest.stages.chrome import Chrome
from ingest.stages.decode import Decode
from ingest.stages.extract import Extract
from ingest.stages.language import Language
from ingest.stages.repair import Repair
from ingest.stages.segment import Segment


@dataclass(frozen=True)
class Settings:
    """Everything that tunes a run, with documented defaults (see docs/record.md)."""

    read: ReadOptions = field(default_factory=ReadOptions)
    extract_timeout: float = 10.0
    fast_extraction: bool = False
    language_chars: int = 2000
    workers: int = 1
    shard_size: int = 16


def build_stages(rules: RuleSet, settings: Settings) -> list[Stage]:
    """The stages, in the order they run. This list is the pipeline."""
    return [
        Decode(),
        Extract(timeout=settings.extract_timeout, fast=settings.fast_extraction),
        Repair(),
        Segment(),
        Chrome(rules),
        Language(max_chars=settings.language_chars),
    ]


@dataclass
class RunStats:
    """Counts of a run, merged from every shard in a fixed order (so they are deterministic)."""

    documents: int = 0
    written: int = 0
    rejected: int = 0
    failed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)  # "stage" and "stage:rule"
    languages: Counter[str] = field(default_factory=Counter)
    reject_reasons: Counter[str] = field(default_factory=Counter)
    stage_seconds: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def count(self, doc: Document) -> None:
        self.documents += 1
        if doc.reject is not None:
            if doc.reject.failed:
                self.failed += 1
            else:
                self.rejected += 1
            self.reject_reasons[f"{doc.reject.stage}: {doc.reject.reason}"] += 1
            return
        self.written += 1
        self.languages[doc.language or "unknown"] += 1
        for (stage, rule), number in doc.removal_counts().items():
            self.removed[stage] += number
            self.removed[f"{stage}:{rule}"] += number

    def merge(self, other: RunStats) -> None:
        for name in ("documents", "written", "rejected", "failed", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("skipped", "removed", "languages", "reject_reasons", "stage_seconds"):
            getattr(self, name).update(getattr(other, name))

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "written": self.written,
            "rejected": self.rejected,
            "failed": self.failed,
            "skipped": dict(sorted(self.skipped.items())),
            "removed": dict(sorted(self.removed.items(), key=lambda kv: (-kv[1], kv[0]))),
            "languages": dict(sorted(self.languages.items(), key=lambda kv: (-kv[1], kv[0]))),
            "reject_reasons": dict(sorted(self.reject_reasons.items())),
            "stage_seconds": {k: round(v, 3) for k, v in sorted(self.stage_seconds.items())},
            "seconds": round(self.seconds, 3),
        }


class Pipeline:
    """Ordered stages plus settings. Cheap to build, picklable, usable without the CLI."""

    def __init__(self, rules: RuleSet | None = None, settings: Settings | None = None) -> None:
        self.rules = rules if rules is not None else load_rules()
        self.settings = settings or Settings()
        self.stages = build_stages(self.rules, self.settings)
        self.digest = f"{__version__}:{self.rules.digest()}"

    def process(self, doc: Document, stats: RunStats | None = None) -> Document:
        """Run every stage on `doc`. A stage that raises marks the document failed at that stage."""
        doc.rules_digest = self.digest
        for stage in self.stages:
            if doc.reject is not None:
                break
            started = time.perf_counter()
            try:
                doc = stage(doc)
            except Exception as error:  # a bad document must never stop the run
                doc.reject = Reject(stage.name, f"{type(error).__name__}: {error}", failed=True)
            if stats is not None:
                stats.stage_seconds[stage.name] += time.perf_counter() - started
        if doc.reject is None and not any(line.kept for line in doc.lines):
            doc.reject = Reject(
                "pipeline",
                "no body text left after cleaning" if doc.lines else "the document has no text",
            )
        return doc

    def process_file(self, path: str | Path, root: str | Path | None = None) -> Document:
        """Read and process one file; `source` is relative to `root` (default: its folder)."""
        path = Path(path).resolve()
        base = Path(root) if root is not None else path.parent
        found = [item for item in discover(base).inputs if Path(item.path).resolve() == path]
        if not found:
            from ingest.errors import InputError

            raise InputError(
                "not a readable .txt/.text/.html/.htm file (optionally .gz)", str(path)
            )
        return self.process(read_document(found[0], self.settings.read.max_bytes))

    def process_shard(self, items: list[Input]) -> tuple[list[Document], RunStats]:
        """The unit of parallel work: read and process a list of inputs, in order."""
        stats = RunStats()
        docs = []
        for item in items:
            for doc in read_documents(item, self.settings.read):
                doc = self.process(doc, stats)
                stats.count(doc)
                docs.append(doc)
        return docs, stats

    def iter_processed(
        self, items: list[Input], workers: int
    ) -> Iterator[tuple[list[Document], RunStats]]:
        """Shards in input order, processed by `workers` processes (1: in this process)."""
        size = self.settings.shard_size
        shards = [items[i : i + size] for i in range(0, len(items), size)]
        if workers <= 1 or len(shards) <= 1:
            yield from map(self.process_shard, shards)
            return
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield from pool.map(self.process_shard, shards)

    def run(
        self,
        folder: str | Path,
        output: str | Path,
        rejects: str | Path | None = None,
        workers: int | None = None,
    ) -> RunStats:
        """Process every document under `folder` into `output` (JSONL, optionally .gz)."""
        started = time.perf_counter()
        output = Path(output)
        rejects = (
            Path(rejects)
            if rejects
            else output.with_name(output.name.split(".")[0] + ".rejects.jsonl")
        )
        exclude = frozenset(str(p.resolve()) for p in (output, rejects))
        found = discover(folder, exclude)
        stats = RunStats(skipped=found.skipped)
        with AtomicJsonl(output) as records, AtomicJsonl(rejects) as rejected:
            for docs, shard_stats in self.iter_processed(
                found.inputs, workers or self.settings.workers
            ):
                stats.merge(shard_stats)
                write(docs, records, rejected)
        stats.seconds = time.perf_counter() - started
        return stats


def write(docs: Iterable[Document], records: AtomicJsonl, rejected: AtomicJsonl) -> None:
    for doc in docs:
        if doc.reject is None:
            records.write(doc.to_record())
        else:
            rejected.write(doc.to_reject())
