"""The `rules` commands (check, suggest, test), and how `run` and `explain` use rule folders."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import write_tree

from ingest.cli import main
from ingest.rules import check_folders

SITE = """\
name: riverside
match:
  signature:
    phrases: [The Riverside Chronicle, riverside.example]
    min_hits: 2
chrome:
  - id: share-row
    line: Share on Facebook · Share on X
    reason: the share buttons
"""
ARTICLE = """\
The Riverside Chronicle
Flood barrier opens a year early
Share on Facebook · Share on X
Engineers opened the new flood barrier on Monday, a year ahead of the plan.
The barrier protects four hundred homes on the east bank of the river.
© riverside.example
"""


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    """A rules folder with the riverside file, and a folder with one of its articles."""
    rules = write_tree(tmp_path / "rules", {"riverside.yaml": SITE})
    docs = write_tree(tmp_path / "drop", {"flood.txt": ARTICLE})
    return rules, docs


def test_check_reports_every_problem_and_exits_2(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "a.yaml": "name: a\nchrome:\n  - id: x\n    regex: 'a?'\n",
            "b.yaml": "name: b\nlanguage: english\n",
        },
    )
    result = invoke("rules", "check", tmp_path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{tmp_path / 'a.yaml'}:4: rule 'x': regex 'a?' matches the empty string, so it could "
        "match any line; make it need at least one character ('x+' rather than 'x*')",
        f"{tmp_path / 'b.yaml'}:2: 'language' must be a two-letter ISO 639-1 code such as 'en' "
        "or 'de', not 'english'",
        "Error: 2 problem(s) found",
    ]
    assert result.stdout == ""


def test_check_accepts_folders_and_files(site: tuple[Path, Path]) -> None:
    rules, _ = site
    shipped = invoke("rules", "check")
    assert shipped.exit_code == 0 and shipped.stdout.startswith("ok: ")
    for target in (rules, rules / "riverside.yaml"):
        result = invoke("rules", "check", target)
        assert result.exit_code == 0, result.output
        assert "rule(s) in force" in result.stdout


def test_run_refuses_invalid_rules_and_writes_nothing(tmp_path: Path) -> None:
    docs = write_tree(tmp_path / "drop", {"a.txt": "A paragraph of body text, long enough.\n"})
    rules = write_tree(
        tmp_path / "rules", {"bad.yaml": "name: bad\nchrome:\n  - id: x\n    rgex: y\n"}
    )
    out = tmp_path / "out"
    out.mkdir()
    result = invoke("run", docs, "--output", out / "o.jsonl", "--rules", rules)
    assert result.exit_code == 2
    assert f"{rules / 'bad.yaml'}:4: unknown key 'rgex'" in result.stderr
    assert f"{rules / 'bad.yaml'}:3: a 'chrome' rule needs exactly one of" in result.stderr
    assert list(out.iterdir()) == []


def test_explain_names_the_site_file_and_each_rule(site: tuple[Path, Path]) -> None:
    rules, docs = site
    result = invoke("explain", docs / "flood.txt", "--rules", rules, "--no-color")
    assert result.exit_code == 0, result.output
    assert "  site rules: riverside" in result.stdout
    assert "removed [chrome] site:riverside#share-row: the share buttons" in result.stdout


def test_test_shows_what_one_file_does(site: tuple[Path, Path], tmp_path: Path) -> None:
    rules, docs = site
    other = write_tree(tmp_path / "other", {"x.txt": "The Riverside Chronicle is a paper.\n"})
    result = invoke("rules", "test", rules / "riverside.yaml", docs / "flood.txt", other / "x.txt")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "flood.txt: site:riverside matches (signature: 2 of 2 phrases)"
    assert lines[1:3] == [
        "     3  removed by site:riverside#share-row: the share buttons",
        "        Share on Facebook · Share on X",
    ]
    assert lines[3].startswith("  this file: 1 removed, 0 lifted, 0 protected; ")
    assert lines[4] == ("x.txt: site:riverside does not match: signature: 1 of 2 phrases, needs 2")


def test_test_refuses_an_invalid_rule_file(site: tuple[Path, Path], tmp_path: Path) -> None:
    _, docs = site
    bad = write_tree(tmp_path / "bad", {"bad.yaml": "name: bad\nchrome: {}\n"}) / "bad.yaml"
    result = invoke("rules", "test", bad, docs / "flood.txt")
    assert result.exit_code == 2
    assert f"{bad}:2: 'chrome' must be a list of rules" in result.stderr


BODIES = [
    ("The parish council met on a wet evening.", "Residents asked about the late bus."),
    ("The library opened its doors again today.", "Children queued for the reading hour."),
    ("Traders packed up the old market square.", "The new hall has room for forty stalls."),
    ("The autumn fair came back to the green.", "A brass band played until dusk."),
]
HEADLINES = ["Bridge repairs start", "Library reopens", "Market moves", "Fair returns"]


def page(number: int) -> str:
    """One page of a fictional site: its own headline and body inside the site's chrome."""
    return "\n".join(
        [
            "Millbrook Evening Post",
            "Founded by the Millbrook weavers' guild",
            HEADLINES[number],
            *BODIES[number],
            f"Readers' letters so far: {number * 7 + 3}",
            "Also in the Post",
            HEADLINES[(number + 1) % len(HEADLINES)],
            "Millbrook Evening Post, 4 Mill Lane, Millbrook",
            "",
        ]
    )


@pytest.fixture
def millbrook(tmp_path: Path) -> Path:
    pages = {f"p{number}.txt": page(number) for number in range(len(HEADLINES))}
    return write_tree(tmp_path / "millbrook", pages)


def test_suggest_drafts_a_valid_rule_file_with_counts(millbrook: Path, tmp_path: Path) -> None:
    target = tmp_path / "my-rules" / "millbrook.yaml"
    target.parent.mkdir()
    result = invoke("rules", "suggest", millbrook, "-o", target)
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"wrote {target} from 4 documents; review it")
    _, problems = check_folders([target.parent])
    assert problems == []
    text = target.read_text()
    assert "      - 'Founded by the Millbrook weavers'' guild'  # in 4 of 4 documents" in text
    assert (
        "    regex: '^Readers''\\s+letters\\s+so\\s+far:\\s+\\d+$'  # in 4 of 4 documents" in text
    )
    assert "parish" not in text and "Library reopens" not in text  # body, wandering headline
    data = yaml.safe_load(text)
    assert data["name"] == "millbrook"
    assert data["match"]["signature"] == {  # no phrase inside another: each hit is a line
        "phrases": [
            "Millbrook Evening Post, 4 Mill Lane, Millbrook",
            "Founded by the Millbrook weavers' guild",
            "Also in the Post",
        ],
        "min_hits": 2,
    }
    assert data["chrome"] == [
        {
            "id": "header-lines",
            "reason": "a line repeated at the top of this site's pages",
            "lines": ["Millbrook Evening Post", "Founded by the Millbrook weavers' guild"],
        },
        {
            "id": "footer-lines",
            "reason": "a line repeated at the bottom of this site's pages",
            "lines": ["Also in the Post", "Millbrook Evening Post, 4 Mill Lane, Millbrook"],
        },
        {
            "id": "readers-letters-so-far",
            "reason": "a line repeated on this site's pages, with varying numbers",
            "regex": "^Readers'\\s+letters\\s+so\\s+far:\\s+\\d+$",
        },
    ]
    # The draft, applied, takes the site's chrome off a page of the site.
    check = invoke("rules", "test", target, millbrook / "p1.txt")
    assert "p1.txt: site:millbrook matches (signature: 3 of 3 phrases)" in check.stdout
    assert "this file: 5 removed, 0 lifted, 0 protected" in check.stdout


def test_suggest_writes_to_stdout_and_honours_min_count(millbrook: Path) -> None:
    (millbrook / "p9.txt").write_text("Millbrook Evening Post\nA short note on the weather.\n")
    result = invoke("rules", "suggest", millbrook, "--min-count", "5", "--name", "mep")
    assert result.exit_code == 0, result.output
    assert "\nname: mep\n" in result.stdout
    assert "'Millbrook Evening Post'  # in 5 of 5 documents" in result.stdout
    assert "weavers" not in result.stdout  # in only 4 of the 5


def test_suggest_says_when_nothing_repeats(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "one", {"a.txt": "Only one page.\n", "b.txt": "Another.\n"})
    result = invoke("rules", "suggest", folder)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: no line of 5 or more characters appears in 2 or more of the 2 documents in "
        f"{folder} (that the rules leave); give more documents of the site, or a lower "
        "--min-count\n"
    )
    bad = invoke("rules", "suggest", folder, "--name", "my site")
    assert bad.exit_code == 2
    assert bad.stderr == "Error: --name 'my site' may only use letters, digits, and . _ : -\n"


def test_test_shows_lifted_and_protected_lines_and_precedence(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    rules, docs = site
    (docs / "flood.txt").write_text(ARTICLE.replace("Share on F", "By Ada Marsh\nShare on F"))
    extra = (
        "  - id: keep-barrier\n    keep: '^The barrier protects'\n"
        "metadata:\n  - id: byline\n    byline: '^By (?P<authors>Ada Marsh)$'\n"
    )
    (rules / "riverside.yaml").write_text(SITE + extra)
    (rules / "aaa.yaml").write_text(SITE.replace("name: riverside", "name: aaa-mirror"))
    result = invoke("rules", "test", rules / "riverside.yaml", docs / "flood.txt", "--rules", rules)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "flood.txt: site:riverside matches (signature: 2 of 2 phrases), but site:aaa-mirror "
        "comes first"
    )
    (rules / "aaa.yaml").unlink()
    result = invoke("rules", "test", rules / "riverside.yaml", docs / "flood.txt")
    assert result.stdout.splitlines()[1:7] == [
        "     3  lifted into authors by site:riverside#byline: a byline line",
        "        By Ada Marsh",
        "     4  removed by site:riverside#share-row: the share buttons",
        "        Share on Facebook · Share on X",
        "     6  protected by site:riverside#keep-barrier",
        "        The barrier protects four hundred homes on the east bank of the river.",
    ]
    assert "this file: 1 removed, 1 lifted, 1 protected" in result.stdout
