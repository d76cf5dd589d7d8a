"""The shipped site files: each cleans its own site's seed, and never fires anywhere else.

The seeds are not copied here: their lines are named by line number only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import SAMPLES, SEEDS, write_tree

from ingest.document import Document
from ingest.pipeline import Pipeline
from ingest.rules import RuleFile, RuleSet, load_rules

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not present")


@dataclass(frozen=True)
class Seed:
    """What each line of a seed is: body, the site's chrome, metadata, or the title and
    repeated headlines that the generic stages handle."""

    site: str
    body: frozenset[int]
    site_chrome: frozenset[int]
    metadata: frozenset[int]  # a site metadata rule names each; the metadata stage lifts them
    generic: frozenset[int]  # the title, generic chrome, the headline repeated in the body


SEED_LINES = {
    "000_cc56fb941a851077.txt": Seed(
        site="kyiv-independent",
        body=frozenset(range(9, 28, 2)),
        site_chrome=frozenset({2, 7}),
        metadata=frozenset({5, 6, 29}),
        generic=frozenset({1, 3}),
    ),
    "001_7226b6f9e841de9b.txt": Seed(
        site="sloboden-pechat",
        body=frozenset(range(5, 20, 2)),
        site_chrome=frozenset({21, 23, 25, 26, 28}),
        metadata=frozenset({3}),
        generic=frozenset({1}),
    ),
    "003_2737666ec76a0068.txt": Seed(
        site="we2news",
        body=frozenset({5, 8, 11, 14, 17, 26, 29, 32, 35, 38, 41}),
        site_chrome=frozenset({44, 45, 47, 49, 50, 52}),
        metadata=frozenset({3}),
        generic=frozenset({1, 20, 22, 24}),
    ),
}


@pytest.fixture(scope="module")
def shipped() -> RuleSet:
    return load_rules()


@pytest.fixture(scope="module")
def pipeline(shipped: RuleSet) -> Pipeline:
    return Pipeline(shipped)


def texts(doc: Document) -> list[str]:
    return [line.text for line in doc.lines]


def site_marks(doc: Document) -> list[str]:
    """Every mark a site rule left on the document."""
    marks = [line.removal.rule for line in doc.lines if line.removal]
    marks += [line.keep_rule for line in doc.lines if line.keep_rule]
    return [mark for mark in marks if mark.startswith("site:")]


def test_every_seed_has_a_site_file(shipped: RuleSet) -> None:
    assert {seed.site for seed in SEED_LINES.values()} <= {f.name for f in shipped.sites}
    for site in shipped.sites:
        assert site.signature is not None and site.signature.min_hits >= 2, site.name


@needs_seeds
@pytest.mark.parametrize("name", sorted(SEED_LINES))
def test_each_site_file_does_its_part_on_its_seed(
    name: str, shipped: RuleSet, pipeline: Pipeline
) -> None:
    """The site's chrome goes by its site rules, each metadata line is named by a site
    metadata rule, and every rule of the worked example does something."""
    seed = SEED_LINES[name]
    site = next(f for f in shipped.sites if f.name == seed.site)
    doc = pipeline.process_file(SEEDS / name)
    lines = {line.lineno: line for line in doc.lines}
    assert set(lines) == seed.body | seed.site_chrome | seed.metadata | seed.generic
    removed = {
        number: line.removal.rule
        for number, line in lines.items()
        if line.removal and line.removal.stage == "chrome" and line.removal.rule in site_uids(site)
    }
    assert set(removed) == seed.site_chrome
    metadata = [rule for rule in site.rules if rule.stage == "metadata"]
    named = {
        number: {rule.uid for rule in metadata if rule.patterns[0].search(line.text)}
        for number, line in lines.items()
    }
    assert {number for number, uids in named.items() if uids} == seed.metadata
    assert site_uids(site) == set(removed.values()).union(*named.values())


def site_uids(site: RuleFile) -> set[str]:
    return {rule.uid for rule in site.rules}


@needs_seeds
@pytest.mark.parametrize("name", sorted(SEED_LINES))
def test_each_seed_comes_out_clean_with_the_shipped_rules(name: str, pipeline: Pipeline) -> None:
    """All stages and rules: the body stays; what is left besides it is only what the
    metadata and headline stages take (title, metadata lines, repeated headlines)."""
    seed = SEED_LINES[name]
    doc = pipeline.process_file(SEEDS / name)
    assert doc.reject is None and doc.site_rules == seed.site
    kept = {line.lineno for line in doc.lines if line.kept}
    assert seed.body <= kept
    assert kept <= seed.body | seed.metadata | seed.generic


@needs_seeds
@pytest.mark.parametrize("name", sorted(SEED_LINES))
def test_a_seed_matches_no_other_site_file(name: str, shipped: RuleSet, pipeline) -> None:
    doc = pipeline.process_file(SEEDS / name)
    for site in shipped.sites:
        alone = RuleSet([site]).site_match(doc.url, doc.source, texts(doc))
        assert (alone is not None) == (site.name == SEED_LINES[name].site), site.name


def sample_paths() -> list[Path]:
    suffixes = (".txt", ".html", ".gz")
    return sorted(p for p in SAMPLES.rglob("*") if p.suffix in suffixes)


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.relative_to(SAMPLES).as_posix())
def test_site_rules_never_fire_on_other_sites_samples(path: Path, pipeline: Pipeline) -> None:
    doc = pipeline.process_file(path, SAMPLES)
    assert doc.site_rules is None
    assert site_marks(doc) == []


def test_one_signature_phrase_alone_is_not_enough(
    tmp_path: Path, shipped: RuleSet, pipeline: Pipeline
) -> None:
    """An article that quotes one of a site's phrases is not that site's page."""
    files = {}
    for site in shipped.sites:
        assert site.signature is not None
        for number, phrase in enumerate(site.signature.phrases):
            files[f"{site.name}-{number}.txt"] = (
                "Harbour council votes on the new ferry timetable\n\n"
                f'The mayor read out a letter that said "{phrase}" and sat down again.\n\n'
                "The vote on the timetable is expected next week, the council said.\n"
            )
    root = write_tree(tmp_path, files)
    for name in files:
        doc = pipeline.process_file(root / name, root)
        assert doc.site_rules is None, name
        assert site_marks(doc) == [], name
