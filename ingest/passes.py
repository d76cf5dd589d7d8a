"""What runs in the workers: the two shard functions of a run, the same on every executor.

The stages split at the learned one (`ingest.stages.repeats.Repeats`), which needs what every
document of the run has taught about its site:
- pass one (`first_pass`) reads a shard of inputs and runs the document-local stages before it
  (decode, extract, repair, segment, chrome, metadata, headline), and returns the documents for
  the driver to spool and their line keys per site (`ingest.profiles.LineCounts`) for the driver
  to add to the site profiles;
- pass two (`second_pass`) runs `Repeats` with the profiles as they stand after this run's
  counts, then the stages after it (classify, language), and returns each document finished
  (`ingest.document.Finished`): its record built and, if it is kept, its duplicate fingerprint
  computed; the driver checks duplicates in source order and writes.
A pipeline without a `Repeats` stage runs every stage in pass one.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field

from ingest.dedup import DedupSettings, fingerprint
from ingest.document import Document, Finished, Reject
from ingest.io.readers import Input, read_documents
from ingest.io.writers import dumps
from ingest.pipeline import Pipeline, RunStats, learned_index
from ingest.profiles import LineCounts, SiteProfile, site_key
from ingest.stages.repeats import Repeats
from ingest.state import content_hash


@dataclass(frozen=True)
class Todo:
    """An input to process; `known` is the hash of its bytes as committed, if there is one."""

    input: Input
    stat: str
    known: str | None = None


@dataclass(frozen=True)
class Read:
    """What pass one made of one input: its fingerprint, and how many documents it gave.

    `unchanged`: the file was touched but its bytes hash as committed, so nothing is redone.
    """

    source: str
    stat: str
    hash: str | None
    documents: int
    unchanged: bool = False


@dataclass
class FirstResult:
    """`docs`: the shard's documents, pickled once here. The driver only spools them and hands
    them to pass two, so it never pays to unpickle and pickle them again."""

    reads: list[Read] = field(default_factory=list)
    docs: bytes = b""
    documents: int = 0
    counts: LineCounts = field(default_factory=LineCounts)
    stats: RunStats = field(default_factory=RunStats)


def first_pass(pipeline: Pipeline, todos: list[Todo]) -> FirstResult:
    """Read each input of a shard and run the stages before the learned one."""
    local = pipeline.stages[: learned_index(pipeline.stages)]
    result = FirstResult()
    docs: list[Document] = []
    for todo in todos:
        digest, data = content_hash(todo.input, pipeline.settings.read.max_bytes)
        if todo.known is not None and digest == todo.known:
            result.reads.append(Read(todo.input.source, todo.stat, digest, 0, unchanged=True))
            continue
        before = len(docs)
        for doc in read_documents(todo.input, pipeline.settings.read, result.stats.skipped, data):
            doc = pipeline.apply(local, doc, result.stats)
            if doc.reject is None:
                result.counts.add(doc)
            doc.text = ""  # pass two reads the lines: the text would double the spool
            docs.append(doc)
        result.reads.append(Read(todo.input.source, todo.stat, digest, len(docs) - before))
    result.docs = pickle.dumps(docs, pickle.HIGHEST_PROTOCOL)
    result.documents = len(docs)
    return result


@dataclass(frozen=True)
class Learned:
    """Pass two's context: the pipeline, and what this run and earlier ones learned."""

    pipeline: Pipeline
    profiles: Mapping[str, SiteProfile]
    dedup: DedupSettings


@dataclass
class SecondResult:
    finished: list[Finished]
    stats: RunStats


def second_pass(learned: Learned, shard: bytes) -> SecondResult:
    """Run the learned stage and those after it on a shard's documents, as pass one pickled
    them; finish each for the driver (`finish`)."""
    docs: list[Document] = pickle.loads(shard)
    pipeline = learned.pipeline
    split = learned_index(pipeline.stages)
    stages = [Repeats(learned.profiles), *pipeline.stages[split + 1 :]]
    if split == len(pipeline.stages):
        stages = []
    stats = RunStats()
    done = [pipeline.finish(pipeline.apply(stages, doc, stats)) for doc in docs]
    return SecondResult([finish(doc, learned.dedup) for doc in done], stats)


def finish(doc: Document, settings: DedupSettings) -> Finished:
    """The document as the driver needs it: the record and, if it is kept, the fingerprint.
    A document that cannot be built into a record fails here, alone."""
    site = site_key(doc)
    if doc.reject is not None:
        return Finished(doc.id, doc.source, site, doc.reject)
    try:
        return Finished(
            doc.id,
            doc.source,
            site,
            None,
            dumps(doc.to_record()),
            doc.language,
            dict(doc.removal_counts()),
            fingerprint(doc, settings),
        )
    except Exception as error:  # a bad document must never stop the run
        reject = Reject("finish", f"{type(error).__name__}: {error}", failed=True)
        return Finished(doc.id, doc.source, site, reject)
