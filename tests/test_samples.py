"""End to end over samples/: every expectation of samples/EXPECTED.json holds.

Title, authors and published exactly (the HTML page's offset aside: EXPECTED.json writes naive
local time), every `must_keep` phrase in the text and no `must_drop` line left in it, with the
whitespace collapsed as samples/README.md says.
"""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLES

from ingest.document import Document
from ingest.pipeline import Pipeline
from ingest.rules import RuleSet

EXPECTED = json.loads((SAMPLES / "EXPECTED.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cleaned(generic_rules: RuleSet) -> dict[str, Document]:
    """Each sample, cleaned by the pipeline with the generic rules (no sample site has a file)."""
    pipeline = Pipeline(generic_rules)
    return {source: pipeline.process_file(SAMPLES / source, SAMPLES) for source in EXPECTED}


def naive(published: str | None) -> str | None:
    """An ISO date-time without its UTC offset."""
    return published[:16] if published and len(published) > 16 else published


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_sample_fields(cleaned: dict[str, Document], source: str) -> None:
    doc, expected = cleaned[source], EXPECTED[source]
    assert doc.reject is None
    assert doc.title == expected["title"]
    assert doc.authors == expected["authors"]
    assert naive(doc.published) == expected["published"]


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_sample_body(cleaned: dict[str, Document], source: str) -> None:
    text = " ".join(cleaned[source].body().split())
    expected = EXPECTED[source]
    assert [phrase for phrase in expected["must_keep"] if phrase not in text] == []
    assert [line for line in expected["must_drop"] if line in text] == []
