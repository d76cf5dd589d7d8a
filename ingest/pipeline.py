"""The pipeline: one visible, ordered list of stages, plus the settings they are built from.

`Pipeline.process(doc)` runs the stages on one document; `Pipeline.run(folder, output)` runs a
whole folder through `ingest.runner` (two passes, incremental state, any executor). The CLI is
a thin skin over these two.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest import __version__
from ingest.document import Document, Finished, Reject
from ingest.io.readers import CONTAINERS, ReadOptions, read_document, walk
from ingest.profiles import SiteProfile
from ingest.rules import RuleSet, load_rules
from ingest.stages.base import Stage
from ingest.stages.chrome import Chrome
from ingest.stages.classify import Classify
from ingest.stages.decode import Decode
from ingest.stages.extract import Extract
from ingest.stages.headline import Headline
from ingest.stages.language import Language
from ingest.stages.metadata import Metadata
from ingest.stages.repair import Repair
from ingest.stages.repeats import Repeats
from ingest.stages.segment import Segment


@dataclass(frozen=True)
class Settings:
    """Everything that tunes a run, with documented defaults (see docs/record.md)."""

    read: ReadOptions = field(default_factory=ReadOptions)
    extract_timeout: float = 10.0
    fast_extraction: bool = True  # measured: the same F1 on the benchmark, 30 % less time
    language_chars: int = 400
    workers: int = 1
    shard_size: int = 16
    output_format: str | None = None  # a name in ingest.io.writers.FORMATS; None: from the name


def build_stages(rules: RuleSet, settings: Settings) -> list[Stage]:
    """The stages, in the order they run. This list is the pipeline."""
    return [
        Decode(),
        Extract(timeout=settings.extract_timeout, fast=settings.fast_extraction),
        Repair(),
        Segment(),
        Chrome(rules),
        Metadata(rules),
        Headline(rules),
        Repeats(),  # learned per site: the runner gives it the profiles (ingest/passes.py)
        Classify(),
        Language(max_chars=settings.language_chars),
    ]


def learned_index(stages: list[Stage]) -> int:
    """Where a run splits the stages into its two passes: the index of the learned `Repeats`
    stage, which needs every document's lines first, or the end when there is none."""
    return next((i for i, stage in enumerate(stages) if isinstance(stage, Repeats)), len(stages))


# Distinct reject reasons a report lists. A reason may name a line or a column ("line 7 is not
# valid JSON: ... column 44"), so a file of a million bad lines would list a million; past the
# cap they count together, and the rejects file keeps each document's own reason.
MAX_REJECT_REASONS = 1000
OTHER_REASONS = "(other reasons, each in the rejects file)"


@dataclass
class RunStats:
    """Counts of a run, merged from every shard in a fixed order (so they are deterministic)."""

    documents: int = 0
    written: int = 0
    rejected: int = 0
    failed: int = 0
    duplicates: int = 0  # of `rejected`: same-site duplicates of an earlier document
    skipped: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)  # "stage" and "stage:rule"
    languages: Counter[str] = field(default_factory=Counter)
    reject_reasons: Counter[str] = field(default_factory=Counter)
    stage_seconds: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def count(self, doc: Document | Finished) -> None:
        self.documents += 1
        if doc.reject is not None:
            if doc.reject.failed:
                self.failed += 1
            else:
                self.rejected += 1
            reason = doc.reject.reason
            if doc.reject.duplicate_of:  # each names its original: count them under one reason
                self.duplicates += 1
                reason = "a duplicate of an earlier document"
            self.count_reason(f"{doc.reject.stage}: {reason}")
            return
        self.written += 1
        self.languages[doc.language or "unknown"] += 1
        for (stage, rule), number in doc.removal_counts().items():
            self.removed[stage] += number
            self.removed[f"{stage}:{rule}"] += number

    def count_reason(self, reason: str, number: int = 1) -> None:
        """Count a reject reason, under OTHER_REASONS once MAX_REJECT_REASONS are listed."""
        if reason not in self.reject_reasons and len(self.reject_reasons) >= MAX_REJECT_REASONS:
            reason = OTHER_REASONS
        self.reject_reasons[reason] += number

    def merge(self, other: RunStats) -> None:
        for name in ("documents", "written", "rejected", "failed", "duplicates", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("skipped", "removed", "languages", "stage_seconds"):
            getattr(self, name).update(getattr(other, name))
        for reason, number in other.reject_reasons.items():
            self.count_reason(reason, number)

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "written": self.written,
            "rejected": self.rejected,
            "failed": self.failed,
            "duplicates": self.duplicates,
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
        """Run every stage on `doc`, then reject it if no body is left."""
        return self.finish(self.apply(self.stages, doc, stats))

    def apply(
        self, stages: Iterable[Stage], doc: Document, stats: RunStats | None = None
    ) -> Document:
        """Run `stages` on `doc`. A stage that raises marks the document failed at that stage.

        The runner applies the stages in two slices, around the learned ones (ingest/passes.py).
        """
        doc.rules_digest = self.digest
        for stage in stages:
            if doc.reject is not None:
                break
            started = time.perf_counter()
            try:
                doc = stage(doc)
            except Exception as error:  # a bad document must never stop the run
                doc.reject = Reject(stage.name, f"{type(error).__name__}: {error}", failed=True)
            if stats is not None:
                stats.stage_seconds[stage.name] += time.perf_counter() - started
        return doc

    @staticmethod
    def finish(doc: Document) -> Document:
        """A document with no line left produces no record: it goes to the rejects."""
        if doc.reject is None and not any(line.removal is None for line in doc.lines):
            doc.reject = Reject(
                "pipeline",
                "no body text left after cleaning" if doc.lines else "the document has no text",
            )
        return doc

    def process_file(
        self,
        path: str | Path,
        root: str | Path | None = None,
        learned: Callable[[Document], Mapping[str, SiteProfile]] | None = None,
    ) -> Document:
        """Read and process one file; `source` is relative to `root` (default: its folder).

        `learned` gives the site profiles for the document once its site is known (after the
        document-local stages), as a run's second pass would use them; without it the learned
        stage removes nothing.
        """
        path = Path(path).resolve()
        base = Path(root) if root is not None else path.parent
        found = next(
            (
                item
                for item in walk(base)  # stops at the file: its folder may hold many more
                if Path(item.path).resolve() == path and item.kind not in CONTAINERS
            ),
            None,
        )
        if found is None:
            from ingest.errors import InputError

            raise InputError(
                "not a readable .txt/.text/.html/.htm file (optionally .gz); "
                "a JSONL or WARC file holds many documents: run it, then read the record",
                str(path),
            )
        doc = read_document(found, self.settings.read.max_bytes)
        if learned is None:
            return self.process(doc)
        split = learned_index(self.stages)
        if split == len(self.stages):
            return self.process(doc)
        doc = self.apply(self.stages[:split], doc)
        if doc.reject is None:
            doc = self.apply([Repeats(learned(doc)), *self.stages[split + 1 :]], doc)
        return self.finish(doc)

    def run(
        self,
        folder: str | Path,
        output: str | Path,
        rejects: str | Path | None = None,
        workers: int | None = None,
    ) -> RunStats:
        """Process the documents under `folder` into `output`: a shortcut to `ingest.runner`.

        Incremental, with its state beside the output (see docs/batch.md). The format is
        `settings.output_format`, or else the one the name says: JSONL, .jsonl.gz, .jsonl.zst
        or Parquet; an output without such an extension is a folder of part files.
        """
        from ingest.runner import RunOptions, run

        options = RunOptions(rejects=rejects, workers=workers or self.settings.workers)
        return run(self, folder, output, options).stats
