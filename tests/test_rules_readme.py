"""rules/README.md stays true: its examples are valid rule files, and its walk-through's
commands print what it shows (where the output depends only on the rules it writes)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, write_tree

from ingest.cli import main
from ingest.rules import parse_rule_text

README = (REPO / "rules" / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, re.DOTALL)
WALK = dict(
    zip(
        [
            "article",
            "explain-before",
            "rules",
            "check-broken",
            "fixed",
            "check-ok",
            "test",
            "explain-after",
        ],
        [body for _, body in BLOCKS],
        strict=False,
    )
)
# The fixes step 3 describes, applied to the file of step 2.
FIXES = (("    regx: ", "    regex: "), (r"afloat(?=\.)'", r"afloat\.'"))
STAGES = ("chrome:", "headline:", "metadata:", "match:")


def printed(block: str) -> list[str]:
    """The output lines of a console block (without the `$ command` line)."""
    return [line for line in block.splitlines() if not line.startswith("$ ")]


@pytest.fixture
def walk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_tree(
        tmp_path,
        {
            "drop/riverside/flood-barrier.txt": WALK["article"],
            "my-rules/riverside.yaml": WALK["rules"],
        },
    )


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_every_schema_example_is_valid() -> None:
    examples = [body for kind, body in BLOCKS[len(WALK) :] if kind == "yaml"]
    assert len(examples) >= 5
    for body in examples:
        text = body if body.startswith("name:") else f"name: example\n{body}"
        assert body.startswith(("name:", *STAGES)), body
        _, problems = parse_rule_text(text, "example.yaml")
        assert problems == [], body


def test_the_walk_through_shows_real_output(walk: Path) -> None:
    broken = invoke("rules", "check", "my-rules/")
    assert broken.exit_code == 2
    assert broken.output.splitlines() == printed(WALK["check-broken"])

    rules = walk / "my-rules" / "riverside.yaml"
    fixed = WALK["rules"]
    for old, new in FIXES:
        assert old in fixed
        fixed = fixed.replace(old, new)
    assert all(line in fixed.splitlines() for line in WALK["fixed"].splitlines())
    rules.write_text(fixed, encoding="utf-8")
    ok = invoke("rules", "check", "my-rules/")
    assert ok.exit_code == 0
    assert ok.output.split(":")[0] == printed(WALK["check-ok"])[0].split(":")[0] == "ok"

    tested = invoke("rules", "test", "my-rules/riverside.yaml", "drop/riverside/flood-barrier.txt")
    shown = printed(WALK["test"])
    actual = tested.output.splitlines()
    assert actual[:-1] == shown[:-1]
    assert actual[-1].split(";")[0] == shown[-1].split(";")[0]

    explained = invoke("explain", "drop/riverside/flood-barrier.txt", "--rules", "my-rules/")
    for line in printed(WALK["explain-after"]):
        if "site:riverside-chronicle#" in line or "site rules:" in line:
            assert line in explained.output.splitlines()
