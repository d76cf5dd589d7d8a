"""The CLI: exit codes, messages, and that every command is documented with an example."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.cli import main


def invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def commands(group=main, prefix=()):
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            yield from commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


@pytest.mark.parametrize("path,command", list(commands()), ids=lambda v: str(v))
def test_every_command_is_documented_with_an_example(path, command) -> None:
    result = invoke(*path, "--help")
    assert result.exit_code == 0
    assert command.help and "Example" in result.output


def test_run_writes_records_and_a_summary(tree, tmp_path: Path) -> None:
    root = tree(
        {"a.txt": "A paragraph of body text that is long enough to keep.", "b.png": b"\x89PNG"}
    )
    result = invoke("run", root, "--output", tmp_path / "o.jsonl", "--workers", "1")
    assert result.exit_code == 0, result.output
    assert "1 documents" in result.output and "1 written" in result.output
    assert "unknown extension: .png (1)" in result.output
    assert (tmp_path / "o.jsonl").read_text().count("\n") == 1


def test_run_with_invalid_rules_exits_2_and_writes_nothing(tree, tmp_path: Path) -> None:
    root = tree({"a.txt": "Body."})
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.yaml").write_text("name: bad\nchrome:\n  - id: x\n    regex: '('\n")
    result = invoke("run", root, "--output", tmp_path / "o.jsonl", "--rules", rules)
    assert result.exit_code == 2
    assert f"{rules / 'bad.yaml'}:4: rule 'x': regex '(' does not compile" in result.output
    assert not (tmp_path / "o.jsonl").exists()


def test_rules_check(tmp_path: Path) -> None:
    assert invoke("rules", "check").exit_code == 0
    (tmp_path / "bad.yaml").write_text("name: bad\nchrome:\n  - id: x\n    regex: 'a?'\n")
    result = invoke("rules", "check", tmp_path)
    assert result.exit_code == 2
    assert "bad.yaml:4: rule 'x': regex 'a?' matches the empty string" in result.output
    assert "Error: 1 problem(s) found" in result.output


def test_explain_shows_each_line_fate(tree) -> None:
    root = tree({"a.txt": "Skip to content\nA paragraph of body text.\nAdvertisement\n"})
    result = invoke("explain", root / "a.txt", "--no-color")
    assert result.exit_code == 0
    assert "removed [chrome] generic#skip-to-content" in result.output
    assert "kept  A paragraph of body text." in result.output


def test_missing_input_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("run", tmp_path / "nope", "--output", tmp_path / "o.jsonl")
    assert result.exit_code == 2
    assert "does not exist" in result.output
