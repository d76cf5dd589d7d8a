"""Site profiles: the site key, line keys, counts kept once per document, and the thresholds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import doc_from_lines

from ingest.profiles import (
    NO_SITE,
    LineCounts,
    ProfileStore,
    Thresholds,
    document_keys,
    site_key,
)
from ingest.repeats import line_key

CHROME = "Lesen Sie auch unsere Newsletter"
BLOCK = (
    "Deux articles gratuits par mois. Abonnez-vous pour lire la suite de nos enquêtes locales "
    "et soutenir la rédaction."
)


@pytest.mark.parametrize(
    ("fields", "source", "expected"),
    [
        ({"url": "https://www.Harbour.example/a", "site": "Other"}, "x/a.txt", "harbour.example"),
        ({"site": "  The  Harbour Gazette "}, "x/a.txt", "the harbour gazette"),
        ({"site": "www.harbour.example"}, "x/a.txt", "harbour.example"),
        ({"site_rules": "harbour"}, "x/a.txt", "harbour"),
        ({}, "harbourgazette/2024/a.txt", "harbourgazette"),
        ({}, "a.txt", NO_SITE),
    ],
)
def test_site_key_falls_back_in_order(fields: dict, source: str, expected: str) -> None:
    assert site_key(doc_from_lines("x", source=source, **fields)) == expected


def test_document_keys_are_distinct_normalised_and_sorted() -> None:
    doc = doc_from_lines("View comments (14)", "view  COMMENTS (3)", "   ", "Body.", "Body.")
    assert document_keys(doc) == sorted({line_key("view comments (0)"), line_key("body.")})


def test_document_keys_stay_on_their_lines_for_pass_two() -> None:
    doc = doc_from_lines("View comments (14)", "   ", "Body.")
    document_keys(doc)
    assert [line.key for line in doc.lines] == [
        line_key("view comments (0)"),
        None,
        line_key("body."),
    ]


def docs(site: str, count: int, *lines: str, start: int = 0) -> list:
    """`count` documents of `site`, each with a unique body line and the given shared lines."""
    return [
        doc_from_lines(f"Body {site} number {n} " + "x" * n, *lines, source=f"{site}/{n}.txt")
        for n in range(start, start + count)
    ]


def counts_of(documents: list) -> LineCounts:
    counts = LineCounts()
    for doc in documents:
        counts.add(doc)
    return counts


def test_line_counts_merge_in_order_and_total_per_site() -> None:
    first = counts_of(docs("a", 2, CHROME))
    second = counts_of([*docs("b", 1, CHROME), doc_from_lines(source="b/empty.txt")])
    first.merge(second)
    sites, lines = first.totals()
    assert [site for _, site, _ in first.documents] == ["a", "a", "b"]
    assert sites == {"a": 2, "b": 1}
    assert lines["a"][line_key(CHROME)] == 2
    assert lines["b"][line_key(CHROME)] == 1


def store(tmp_path: Path, **limits: int) -> ProfileStore:
    return ProfileStore(sqlite3.connect(tmp_path / "state.db"), Thresholds(**limits))


def run(tmp_path: Path, documents: list, **limits: int) -> int:
    """One run's counting: a new store on the state, committed like the runner does."""
    profiles = store(tmp_path, **limits)
    added = profiles.add(counts_of(documents))
    profiles.conn.commit()
    profiles.conn.close()
    return added


def test_profile_needs_absolute_and_relative_counts(tmp_path: Path) -> None:
    profiles = store(tmp_path)
    corpus = docs("big", 20, "Anzeige") + docs("big", 4, CHROME, start=20)
    corpus += docs("big", 6, "Nur in sechs", start=24)
    corpus += docs("small", 9, "Anzeige")
    assert profiles.add(counts_of(corpus)) == 39
    found = profiles.chrome_profile(["big", "small", "unknown"])
    assert list(found) == ["big"]  # 9 documents cannot tell chrome from a series
    big = found["big"]
    assert big.documents == 30
    assert big.count("ANZEIGE") == 20
    assert big.count(CHROME) is None  # 4 of 30 is under a fifth
    assert big.count("Nur in sechs") == 6


def test_long_lines_must_repeat_more(tmp_path: Path) -> None:
    profiles = store(tmp_path)
    profiles.add(counts_of(docs("s", 10, BLOCK) + docs("s", 10, start=10)))
    profiles.add(counts_of(docs("t", 6, BLOCK) + docs("t", 14, start=6)))
    found = profiles.chrome_profile(["s", "t"])
    assert len(BLOCK) > Thresholds().long_line
    assert found["s"].count(BLOCK) == 10  # half the site: chrome
    assert found["t"].count(BLOCK) is None  # 6 of 20: a short line would go, a paragraph stays


def test_required_counts_for_small_and_large_sites() -> None:
    limits = Thresholds()
    assert limits.required(10, limits.share) == 3
    assert limits.required(100, limits.share) == 20
    assert limits.required(1_000_000, limits.share) == 400
    assert limits.required(1_000_000, limits.long_share) == 1000


def test_counts_persist_and_each_document_counts_once(tmp_path: Path) -> None:
    first = docs("a", 12, CHROME)
    assert run(tmp_path, first) == 12
    again = store(tmp_path)
    assert again.add(counts_of(first + first[:1])) == 0  # a re-run, or a rules change
    assert again.add(counts_of(docs("a", 3, CHROME, start=12))) == 3
    assert again.chrome_profile(["a"])["a"].count(CHROME) == 15


def test_copies_of_a_page_count_once(tmp_path: Path) -> None:
    article = ["Harbour Gazette", "The ferry strike ended after nine days.", "Talks resume."]
    copies = [doc_from_lines(*article, source=f"a/copy{n}.txt") for n in range(5)]
    profiles = store(tmp_path)
    assert profiles.add(counts_of(copies + docs("a", 15, "Harbour Gazette"))) == 16
    found = profiles.chrome_profile(["a"])["a"]
    assert (found.documents, found.count("Harbour Gazette")) == (16, 16)
    assert found.count("Talks resume.") is None


def test_stale_singletons_are_pruned_on_a_later_run(tmp_path: Path) -> None:
    limits = {"large_site": 4, "min_site_documents": 1}
    run(tmp_path, docs("a", 5, CHROME), **limits)
    rows = "SELECT count(*) FROM profile_lines"
    later = store(tmp_path, **limits)
    assert later.conn.execute(rows).fetchone() == (6,)  # five bodies and the chrome line
    later.add(counts_of(docs("a", 1, start=5)))
    assert later.conn.execute(rows).fetchone() == (2,)  # the chrome line and the new body
    assert later.chrome_profile(["a"])["a"].count(CHROME) == 5


def test_keys_over_two_to_the_63_round_trip(tmp_path: Path) -> None:
    lines = [f"Zeile {word}" for word in "abcdefgh"]
    assert any(line_key(line) >= 1 << 63 for line in lines)
    profiles = store(tmp_path, min_site_documents=1)
    profiles.add(counts_of(docs("a", 3, *lines)))
    assert all(profiles.chrome_profile(["a"])["a"].count(line) == 3 for line in lines)
