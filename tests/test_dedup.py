"""Dedup: exact and near duplicates of the same site go, with what they duplicate; the same
article on another site stays, with the relation; the state remembers across runs."""

from __future__ import annotations

import hashlib
import random
import sqlite3
import struct
from pathlib import Path

import pytest
from conftest import doc_from_lines
from hypothesis import given
from hypothesis import strategies as st

import ingest.dedup as dedup_module
from ingest.dedup import (
    PERMUTATIONS,
    Deduplicator,
    DedupSettings,
    Fingerprint,
    bands,
    fingerprint,
    minhash,
    shingle_hashes,
    signature_scheme,
    similarity,
    word_ids,
)
from ingest.document import Reject, Removal

# The signature scheme as this version makes it (the first, one blake2b a shingle, gave a test
# signature of digest 86ec7f488146a823).
SIGNATURE_DIGEST = "856b5432b9ae8561"
SCHEME = "13447e4323d811f3"


def article(seed: int, words: int = 120) -> list[str]:
    """Three deterministic paragraphs of made-up prose, different for each seed."""
    rng = random.Random(seed)
    text = [f"word{rng.randrange(10_000)}" for _ in range(words)]
    third = words // 3
    return [" ".join(text[i : i + third]) + "." for i in range(0, words, third)]


def doc(name: str, lines: list[str], site: str = "harbour.example"):
    return doc_from_lines(*lines, source=f"{site}/{name}.txt", url=f"https://{site}/{name}")


def check_all(dedup: Deduplicator, docs: list) -> list:
    return [dedup.check(each) for each in docs]


def deduplicator(tmp_path: Path) -> Deduplicator:
    return Deduplicator(sqlite3.connect(tmp_path / "state.db"))


def test_exact_and_near_duplicates_of_the_same_site_are_rejected(tmp_path: Path) -> None:
    original = doc("original", article(1))
    edited = article(1)
    edited[1] = edited[1].replace(edited[1].split()[5], "corrected", 1)
    docs = check_all(
        deduplicator(tmp_path),
        [
            original,
            doc("other", article(2)),
            doc("again", [line.upper() + "  " for line in article(1)]),
            doc("edited", edited),
        ],
    )
    assert [each.reject is None for each in docs] == [True, True, False, False]
    again, near = docs[2].reject, docs[3].reject
    assert again == Reject(
        "dedup",
        f"an exact duplicate of harbour.example/original.txt ({original.id})",
        duplicate_of=original.id,
    )
    assert near is not None and near.duplicate_of == original.id
    assert near.reason.startswith("a near-duplicate (")


def test_the_same_article_on_another_site_is_kept_with_the_relation(tmp_path: Path) -> None:
    first = doc("story", article(3))
    docs = check_all(
        deduplicator(tmp_path),
        [first, doc("story", article(3), site="mirror.example"), doc("next", article(4))],
    )
    assert all(each.reject is None for each in docs)
    assert docs[1].metadata["same_as"] == [first.id]
    assert "same_as" not in docs[2].metadata


def test_a_republished_article_is_caught_in_a_later_run(tmp_path: Path) -> None:
    dedup = deduplicator(tmp_path)
    first = dedup.check(doc("monday", article(5)))
    dedup.conn.commit()
    dedup.conn.close()
    later = deduplicator(tmp_path)
    assert later.check(doc("monday", article(5))).reject is None  # itself, re-processed
    republished = later.check(doc("next-week", article(5)))
    assert republished.reject is not None
    assert republished.reject.duplicate_of == first.id


def test_a_document_that_became_a_duplicate_is_forgotten(tmp_path: Path) -> None:
    dedup = deduplicator(tmp_path)
    dedup.check(doc("a", article(6)))
    dedup.check(doc("b", article(7)))
    assert dedup.check(doc("b", article(6))).reject is not None  # b re-processed, now like a
    assert dedup.check(doc("c", article(7))).reject is None  # b's old body is no reference


def test_a_document_processed_again_with_a_new_body_is_found_by_the_new_one(
    tmp_path: Path,
) -> None:
    dedup = deduplicator(tmp_path)
    first = dedup.check(doc("b", article(7)))
    assert dedup.check(doc("b", article(8))).reject is None  # b again, rewritten
    assert dedup.check(doc("c", article(7))).reject is None  # b's old body and bands are gone
    again = dedup.check(doc("d", article(8)))
    assert again.reject is not None and again.reject.duplicate_of == first.id
    rows = dedup.conn.execute("SELECT COUNT(*) FROM dedup_documents").fetchone()[0]
    assert rows == 2  # b (in its first place) and c


def test_short_bodies_are_compared_exactly_only(tmp_path: Path) -> None:
    docs = check_all(
        deduplicator(tmp_path),
        [doc("a", ["Ferry services resume."]), doc("b", ["Ferry services resume today."])],
    )
    assert fingerprint(docs[0], DedupSettings()).signature is None
    assert all(each.reject is None for each in docs)


def test_rejected_documents_are_neither_checked_nor_registered(tmp_path: Path) -> None:
    dedup = deduplicator(tmp_path)
    empty = doc("empty", article(8))
    empty.reject = Reject("pipeline", "no body text left after cleaning")
    assert dedup.check(empty).reject.stage == "pipeline"
    assert dedup.check(doc("kept", article(8))).reject is None


def test_removed_lines_are_not_part_of_the_body(tmp_path: Path) -> None:
    with_chrome = doc("a", [*article(9), "Subscribe now"])
    with_chrome.lines[-1].removal = Removal("chrome", "generic#subscribe", "a known chrome line")
    assert fingerprint(with_chrome, DedupSettings()) == fingerprint(
        doc("b", article(9)), DedupSettings()
    )


def test_signatures_estimate_shared_shingles() -> None:
    settings = DedupSettings()
    base = article(10, words=300)
    same = fingerprint(doc("a", base), settings).signature
    assert same is not None
    assert similarity(same, same) == 1.0
    unrelated = fingerprint(doc("b", article(11, words=300)), settings).signature
    assert unrelated is not None and similarity(same, unrelated) < 0.1


def reference_signature(words: list[bytes]) -> bytes:
    """The signature from its definition, one shingle at a time: `minhash(shingle_hashes(...))`
    must give the same."""
    empty, rotation = 1 << 64, 0x9E3779B97F4A7C15
    slots = [empty] * PERMUTATIONS
    for start in range(len(words) - 4):
        ids = tuple(
            int.from_bytes(hashlib.blake2b(word, digest_size=8).digest(), "big", signed=True)
            for word in words[start : start + 5]
        )
        value = hash(ids)
        slot, rest = value % PERMUTATIONS, value // PERMUTATIONS
        slots[slot] = min(slots[slot], rest)
    donors = list(slots)
    for slot in range(PERMUTATIONS):
        if donors[slot] == empty:
            step = next(
                s for s in range(1, PERMUTATIONS) if donors[(slot + s) % PERMUTATIONS] < empty
            )
            slots[slot] = donors[(slot + step) % PERMUTATIONS] + step * rotation
    return struct.pack(f"<{PERMUTATIONS}H", *(value % 65536 for value in slots))


A_WORD = st.sampled_from([b"a", b"tide", b"ferry", "été".encode()]) | st.binary(min_size=1)


@given(st.lists(A_WORD, min_size=5, max_size=60))
def test_minhash_is_the_reference(words: list[bytes]) -> None:
    assert minhash(shingle_hashes(words, 5)) == reference_signature(words)
    hashes = list(shingle_hashes(words, 5))
    assert minhash(hashes + hashes[:3]) == minhash(hashes)  # repeats change nothing


def test_word_ids_are_the_same_once_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dedup_module, "_WORD_IDS", {})
    words = [f"w{number}".encode() for number in range(40)]
    before = word_ids(words)
    monkeypatch.setattr(dedup_module, "_WORD_IDS_KEPT", 10)
    assert word_ids([b"new", *words]) == word_ids([b"new"]) + before
    assert len(dedup_module._WORD_IDS) == 41  # forgotten, then this document's words again


def shingle_set(words: list[bytes]) -> set[tuple[bytes, ...]]:
    return set(zip(*(words[start:] for start in range(5)), strict=False))


def test_signatures_estimate_the_share_of_shared_shingles() -> None:
    """On pairs built to share about 80 % and 50 % of their shingles, the estimate is unbiased:
    off by less than 0.03 on average over 30 pairs (one pair's error is about 0.05)."""
    for step in (45, 15):  # a word changed every `step` words changes the 5 shingles with it
        errors = []
        for seed in range(30):
            rng = random.Random(seed)
            words = [f"w{rng.randrange(10**9)}".encode() for _ in range(1004)]
            other = [b"x" + word if index % step == 0 else word for index, word in enumerate(words)]
            first, second = shingle_set(words), shingle_set(other)
            truth = len(first & second) / len(first | second)
            estimate = similarity(*(minhash(shingle_hashes(w, 5)) for w in (words, other)))
            errors.append(estimate - truth)
        assert abs(sum(errors) / len(errors)) < 0.03, step


def test_the_fingerprint_stays_what_earlier_runs_stored() -> None:
    """The signature scheme is pinned: a change would make the signatures in every state
    useless (a new scheme must be one on purpose, and `signature_scheme` then drops them)."""
    fp = fingerprint(
        doc_from_lines(
            "The Harbour Board met on Tuesday evening to discuss the future of the old grain "
            "store, which has stood empty since 2019.",
            "Members agreed   to commission a survey; ＦＵＬＬＷＩＤＴＨ words and Straße "
            "count too.",
        ),
        DedupSettings(),
    )
    assert fp.body == -4030108237034333049
    assert fp.signature is not None
    assert hashlib.sha256(fp.signature).hexdigest()[:16] == SIGNATURE_DIGEST
    assert signature_scheme() == SCHEME


@given(st.binary(min_size=2 * PERMUTATIONS, max_size=2 * PERMUTATIONS), st.data())
def test_similarity_is_the_share_of_equal_slots(first: bytes, data: st.DataObject) -> None:
    """The big-integer count against the definition, on pairs that share some slots."""
    keep = data.draw(st.lists(st.booleans(), min_size=PERMUTATIONS, max_size=PERMUTATIONS))
    other = data.draw(st.binary(min_size=2 * PERMUTATIONS, max_size=2 * PERMUTATIONS))
    second = b"".join(
        first[2 * i : 2 * i + 2] if same else other[2 * i : 2 * i + 2]
        for i, same in enumerate(keep)
    )
    slots = struct.Struct(f"<{PERMUTATIONS}H")
    equal = sum(a == b for a, b in zip(slots.unpack(first), slots.unpack(second), strict=True))
    assert similarity(first, second) == equal / PERMUTATIONS


def test_a_fingerprint_is_banded_once_for_lookup_and_registration() -> None:
    fp = fingerprint(doc("a", article(3)), DedupSettings())
    assert fp.signature is not None and fp.bands == bands(fp.signature)
    assert fp.bands is fp.bands
    assert Fingerprint(1, None).bands == []


def test_bands_of_an_older_layout_are_rebuilt(tmp_path: Path) -> None:
    """A state whose bands were cut another way still finds a near-duplicate of its documents."""
    dedup = deduplicator(tmp_path)
    first = dedup.check(doc("monday", article(7)))
    dedup.conn.execute("UPDATE dedup_bands SET hash = hash + 1")  # bands no signature matches
    dedup.conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
    dedup.conn.execute("DELETE FROM meta WHERE key = 'dedup_bands'")  # as an older version left it
    dedup.conn.commit()
    dedup.conn.close()
    nearly = article(7)
    nearly[1] = nearly[1].replace("word", "wurd", 1)
    later = deduplicator(tmp_path).check(doc("tuesday", nearly))
    assert later.reject is not None and later.reject.duplicate_of == first.id


def test_signatures_of_another_scheme_are_dropped_and_exact_matches_stay(tmp_path: Path) -> None:
    """A state whose signatures another version made: near-duplicates of its documents cannot
    be told, exact duplicates still are."""
    dedup = deduplicator(tmp_path)
    first = dedup.check(doc("monday", article(12)))
    dedup.conn.execute("UPDATE meta SET value = 'older' WHERE key = 'dedup_signatures'")
    dedup.conn.commit()
    dedup.conn.close()
    reopened = deduplicator(tmp_path)
    assert reopened.forgotten == 1
    assert reopened.conn.execute("SELECT count(*) FROM dedup_bands").fetchone() == (0,)
    nearly = article(12)
    nearly[1] = nearly[1].replace("word", "wurd", 1)
    assert reopened.check(doc("tuesday", nearly)).reject is None
    again = reopened.check(doc("wednesday", article(12)))
    assert again.reject is not None and again.reject.duplicate_of == first.id
    reopened.conn.commit()
    assert deduplicator(tmp_path).forgotten == 0
