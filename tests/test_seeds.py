"""The three real seeds come out clean: exact title, authors and date, and the body alone.

The seeds are not copied here: the title and the body paragraphs are named by line number,
so `text` must be exactly those lines of the seed, joined by a blank line (every paragraph
kept, no chrome, metadata or repeated headline left). Run with the generic rules alone (a
site the stages have never seen) and with the shipped site files.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from conftest import SEEDS

from ingest.pipeline import Pipeline
from ingest.rules import RuleSet, load_rules

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not present")


@dataclass(frozen=True)
class Expected:
    title_line: int
    body_lines: tuple[int, ...]
    authors: list[str]
    published: str | None


SEEDS_EXPECTED = {
    "000_cc56fb941a851077.txt": Expected(
        title_line=3,
        body_lines=tuple(range(9, 28, 2)),
        authors=["Martin Fornusek"],
        published="2024-10-30T14:32",
    ),
    "001_7226b6f9e841de9b.txt": Expected(
        title_line=1, body_lines=tuple(range(5, 20, 2)), authors=[], published=None
    ),
    "003_2737666ec76a0068.txt": Expected(
        title_line=1,
        body_lines=(5, 8, 11, 14, 17, 26, 29, 32, 35, 38, 41),
        authors=["Stephanie Thomas"],
        published="2025-11-02T18:40",
    ),
}


@pytest.fixture(scope="module", params=["generic rules alone", "shipped rules"])
def pipeline(request: pytest.FixtureRequest, generic_rules: RuleSet) -> Pipeline:
    return Pipeline(generic_rules if request.param == "generic rules alone" else load_rules())


@pytest.mark.parametrize("name", sorted(SEEDS_EXPECTED))
def test_a_seed_comes_out_clean(pipeline: Pipeline, name: str) -> None:
    expected = SEEDS_EXPECTED[name]
    lines = (SEEDS / name).read_text(encoding="utf-8").split("\n")
    doc = pipeline.process_file(SEEDS / name, SEEDS)
    assert doc.reject is None
    assert doc.title == lines[expected.title_line - 1].strip()
    assert doc.authors == expected.authors
    assert doc.published == expected.published
    assert doc.to_record()["text"] == "\n\n".join(
        lines[number - 1].strip() for number in expected.body_lines
    )
    assert doc.language == "en"
