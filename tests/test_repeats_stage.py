"""Repeats stage: lines the document's own site repeats are removed, with the count as reason."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from conftest import doc_from_lines, write_tree

from ingest.dedup import DedupSettings
from ingest.document import Removal
from ingest.io.readers import walk
from ingest.passes import Learned, Todo, first_pass, second_pass
from ingest.pipeline import Pipeline
from ingest.profiles import SiteProfile
from ingest.repeats import line_key
from ingest.stages.repeats import RULE, Repeats

FOOTER = ["Redaktion: Hafenstraße 4", "Impressum · Datenschutz", "Alle Rechte vorbehalten"]
NOTICE = "Chers lecteurs, notre journal vit de vos abonnements : " + "soutenez-nous " * 8


def profile(site: str, counts: dict[str, int], documents: int = 30) -> SiteProfile:
    return SiteProfile(
        site=site,
        documents=documents,
        counts={line_key(text): count for text, count in counts.items()},
        long_line=100,
        long_required=15,
    )


STAGE = Repeats(
    {
        "harbourgazette.example": profile(
            "harbourgazette.example",
            {"Werbung": 27, NOTICE: 12, **dict.fromkeys(FOOTER, 29)},
        ),
        "": profile("", {"Werbung": 9}, documents=12),
    }
)


def verdicts(doc) -> list[tuple[str, str | None]]:
    doc = STAGE(doc)
    return [(line.text, line.removal.reason if line.removal else None) for line in doc.lines]


def test_short_lines_and_whole_blocks_of_the_site_go_with_their_count() -> None:
    doc = doc_from_lines(
        "WERBUNG",
        "The harbour master said the ferries would run again on Monday.",
        *FOOTER,
        url="https://www.harbourgazette.example/news/ferries",
    )
    result = verdicts(doc)
    site = "harbourgazette.example"
    assert result == [
        ("WERBUNG", f"appears in 27 of 30 documents of {site}"),
        ("The harbour master said the ferries would run again on Monday.", None),
        *[(line, f"appears in 29 of 30 documents of {site}") for line in FOOTER],
    ]
    assert {line.removal.rule for line in doc.lines if line.removal} == {RULE}
    assert {line.removal.stage for line in doc.lines if line.removal} == {"repeats"}


def test_long_lines_need_the_long_line_count() -> None:
    doc = doc_from_lines(NOTICE, "Werbung", site="harbourgazette.example")
    assert verdicts(doc)[0] == (NOTICE, None)  # 12 of 30: under the 15 a paragraph needs


def test_only_the_documents_own_site_counts() -> None:
    other = doc_from_lines("Werbung", *FOOTER, url="https://other.example/a")
    assert all(reason is None for _, reason in verdicts(other))
    pooled = doc_from_lines("Werbung", "Impressum · Datenschutz", source="loose.txt")
    assert verdicts(pooled) == [
        ("Werbung", "appears in 9 of 12 documents of the pool of documents without a site"),
        ("Impressum · Datenschutz", None),
    ]


def test_removed_and_protected_lines_are_left_alone() -> None:
    doc = doc_from_lines("Werbung", "Werbung", "Werbung", site="harbourgazette.example")
    doc.lines[0].keep_rule = "site:harbourgazette#keep"
    doc.lines[1].removal = Removal("chrome", "generic#ad", "a known chrome line")
    STAGE(doc)
    assert [line.removal for line in doc.lines] == [
        None,
        Removal("chrome", "generic#ad", "a known chrome line"),
        Removal("repeats", RULE, "appears in 27 of 30 documents of harbourgazette.example"),
    ]


def test_without_profiles_nothing_goes_and_the_stage_pickles() -> None:
    doc = doc_from_lines("Werbung", site="harbourgazette.example")
    assert Repeats()(doc).lines[0].kept
    clone = pickle.loads(pickle.dumps(STAGE))
    assert clone.profiles == STAGE.profiles


def test_a_line_is_looked_up_by_the_key_pass_one_left_on_it() -> None:
    doc = doc_from_lines("Werbung", "Werbung", site="harbourgazette.example")
    doc.lines[1].key = line_key("A line the site never repeats")
    assert [reason for _, reason in verdicts(doc)] == [
        "appears in 27 of 30 documents of harbourgazette.example",
        None,
    ]


def test_pass_two_removes_with_the_keys_pass_one_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Line keys cost a fifth of a millisecond a document: pass two must not compute them again."""
    folder = write_tree(
        tmp_path / "in",
        {"gazette/a.txt": "Ferries\n\nThe ferries run again.\n\nLeserservice Hafenblatt\n"},
    )
    pipeline = Pipeline()
    shard = first_pass(pipeline, [Todo(item, "") for item in walk(folder)]).docs
    assert all(line.key is not None for line in pickle.loads(shard)[0].lines)

    def recomputed(text: str) -> int:
        raise AssertionError(f"line key computed again: {text!r}")

    monkeypatch.setattr("ingest.profiles.line_key", recomputed)
    learned = Learned(
        pipeline, {"gazette": profile("gazette", {"Leserservice Hafenblatt": 20})}, DedupSettings()
    )
    (finished,) = second_pass(learned, shard).finished
    chrome = finished.to_record()["removed"][-1]
    assert (chrome["text"], chrome["stage"]) == ("Leserservice Hafenblatt", "repeats")
