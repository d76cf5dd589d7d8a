"""Measure what learning site profiles (and, with --dedup, duplicate detection) costs at scale.

A synthetic corpus is generated on the fly, never stored: sites of Zipf-distributed sizes, each
document a dozen chrome lines drawn from its site's pool (some on most pages, some on a
twentieth), twenty unique body paragraphs, and now and then a sentence quoted across the whole
corpus. Documents are counted shard by shard into a `ProfileStore` in a SQLite state, as the
runner does, over several runs (a nightly job); then the profiles are read back.

    .venv/bin/python tools/profile_memory.py                # a million documents, ten runs
    .venv/bin/python tools/profile_memory.py --documents 20000 --dedup

Prints the peak resident memory of the process, the state's size, and how the learned profiles
compare with the chrome that was injected. The figures are in docs/profiles.md.
"""

from __future__ import annotations

import argparse
import random
import resource
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from ingest.dedup import Deduplicator
from ingest.document import Document, Line
from ingest.profiles import LineCounts, ProfileStore, SiteProfile
from ingest.repeats import line_key

SHARD = 16  # the runner's default shard size: one LineCounts per shard
COMMIT = 1000  # documents per transaction


def site_sizes(documents: int, sites: int) -> list[int]:
    """Zipf-like: the largest site has about a sixth of the corpus, the smallest under 1000."""
    weights = [1 / rank for rank in range(1, sites + 1)]
    total = sum(weights)
    sizes = [int(documents * weight / total) for weight in weights]
    sizes[0] += documents - sum(sizes)
    return sizes


def letters(number: int) -> str:
    """A number spelled in letters: line keys read digits as 0 (see ingest.repeats)."""
    word = ""
    while True:
        number, digit = divmod(number, 26)
        word += chr(ord("a") + digit)
        if not number:
            return word


def chrome_pool(site: int) -> list[tuple[str, float]]:
    """A site's chrome lines and how often each shows: most pages, or one section's pages."""
    common = [
        (f"Site {letters(site)} chrome line {letters(n)}: menu, share, subscribe", 0.3 + n / 20)
        for n in range(12)
    ]
    section = [(f"Site {letters(site)} section banner {letters(n)}", 0.05) for n in range(4)]
    return common + section


def corpus(documents: int, sites: int, seed: int) -> Iterator[Document]:
    """The documents, interleaved across sites as a crawl would deliver them."""
    rng = random.Random(seed)
    sizes = site_sizes(documents, sites)
    pools = [chrome_pool(site) for site in range(sites)]
    quotes = [f"Common quoted sentence {letters(n)} that many articles repeat." for n in range(500)]
    order = [site for site, size in enumerate(sizes) for _ in range(size)]
    rng.shuffle(order)
    for number, site in enumerate(order):
        texts = [text for text, share in pools[site] if rng.random() < share]
        texts += [
            f"Paragraph {letters(p)} of document {letters(number)}: "
            + " ".join(letters(rng.randrange(50_000)) for _ in range(40))
            for p in range(20)
        ]
        if rng.random() < 0.01:
            texts.append(rng.choice(quotes))
        doc = Document(
            source=f"site{site}/{number}.txt",
            kind="text",
            url=f"https://site{site}.example/{number}",
        )
        doc.lines = [Line(text, lineno) for lineno, text in enumerate(texts, start=1)]
        yield doc


def measure(args: argparse.Namespace, state: Path) -> None:
    conn = sqlite3.connect(state)
    started = time.perf_counter()
    docs = corpus(args.documents, args.sites, args.seed)
    per_run = -(-args.documents // args.runs)
    for run in range(args.runs):
        profiles = ProfileStore(conn)
        dedup = Deduplicator(conn) if args.dedup else None
        counts = LineCounts()
        for index in range(min(per_run, args.documents - run * per_run)):
            doc = next(docs)
            counts.add(doc)
            if dedup is not None:
                dedup.check(doc)
            if len(counts.documents) == SHARD:
                profiles.add(counts)
                counts = LineCounts()
            if index % COMMIT == COMMIT - 1:
                conn.commit()
        profiles.add(counts)
        conn.commit()
        print(f"run {run + 1}: {time.perf_counter() - started:.0f} s, peak RSS {peak_mb():.0f} MB")
    learned = profiles.chrome_profile(f"site{site}.example" for site in range(args.sites))
    report(args, learned, conn, state, time.perf_counter() - started)


def report(
    args: argparse.Namespace,
    learned: dict[str, SiteProfile],
    conn: sqlite3.Connection,
    state: Path,
    seconds: float,
) -> None:
    """The cost, and whether the profiles hold the injected chrome and nothing else."""
    pools = {f"site{site}.example": chrome_pool(site) for site in range(args.sites)}
    found = {site: set(profile.counts) for site, profile in learned.items()}
    common = [(site, text) for site, pool in pools.items() for text, share in pool if share > 0.1]
    section = [(site, text) for site, pool in pools.items() for text, share in pool if share < 0.1]
    other = sum(len(keys) for keys in found.values()) - sum(
        line_key(text) in found.get(site, ()) for site, text in common + section
    )
    rows = conn.execute("SELECT count(*) FROM profile_lines").fetchone()[0]
    size = sum(path.stat().st_size for path in state.parent.glob(state.name + "*"))
    tables = conn.execute(
        "SELECT substr(name, 1, instr(name, '_') - 1), sum(pgsize) FROM dbstat "
        "WHERE name LIKE 'profile%' OR name LIKE 'dedup%' GROUP BY 1 ORDER BY 1"
    )
    print(f"{args.documents:,} documents, {args.sites} sites, {args.runs} runs: {seconds:.0f} s")
    print(f"peak RSS {peak_mb():.0f} MB; state {size / 1e6:.0f} MB; profile rows {rows:,}")
    for prefix, pages in tables:
        print(
            f"{prefix} tables: {pages / 1e6:.0f} MB, {pages / args.documents:.0f} bytes a document"
        )
    for name, lines in (("common chrome", common), ("section banners (5%)", section)):
        hits = sum(line_key(text) in found.get(site, ()) for site, text in lines)
        print(f"{name} learned: {hits} of {len(lines)}")
    print(f"other keys learned (bodies, quoted sentences): {other}")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dedup", action="store_true", help="check every body for duplicates too")
    parser.add_argument("--state", type=Path, help="the SQLite file (default: a temporary one)")
    args = parser.parse_args()
    if args.state:
        measure(args, args.state)
        return
    with tempfile.TemporaryDirectory() as folder:
        measure(args, Path(folder) / "state.db")


if __name__ == "__main__":
    main()
