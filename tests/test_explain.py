"""`ingest explain`: lifted lines show the field they went to, in colour or plain."""

from __future__ import annotations

from click.testing import CliRunner

from ingest.cli import main

PAGE = """\
Skip to content
Harbour board to survey the old grain store

By Jane Roe
March 5, 2024 9:15 AM

The harbour board met on Tuesday evening to discuss the future of the old grain store, which \
has stood empty since the last tenant left in the spring and now needs a new roof.

Members agreed to commission a survey before taking any decision on the building, and asked \
officers to report back in time for the next meeting of the full council in June.
"""


def explain(tree, *options: str) -> str:
    root = tree({"site/page.txt": PAGE})
    result = CliRunner().invoke(main, ["explain", str(root / "site" / "page.txt"), *options])
    assert result.exit_code == 0, result.output
    return result.output


def test_lifted_lines_show_their_field(tree) -> None:
    output = explain(tree, "--no-color")
    assert "authors: Jane Roe" in output
    assert "published: 2024-03-05T09:15" in output
    assert "-> title [metadata] title" in output
    assert "-> authors [metadata] generic#byline-by" in output
    assert "-> published [metadata] generic#date-line" in output
    assert "removed [chrome] generic#skip-to-content" in output
    assert "\x1b[" not in output


def test_colour_on_request(tree) -> None:
    output = explain(tree, "--color")
    assert "\x1b[36m-> authors\x1b[0m" in output  # lifted lines in cyan
    assert "\x1b[" in output


def test_explain_with_a_state_shows_what_the_site_profile_removes(tree, tmp_path) -> None:
    from conftest import article

    from ingest import Pipeline

    chrome = "The Valley Courier is printed every Thursday with the news from all the villages."

    def page(number: int) -> str:  # the repeated line sits inside the body: no rule names it
        title, first, *rest = article(number).split("\n\n")
        return "\n\n".join([title, first, chrome, *rest])

    root = tree({f"courier/{n:02}.txt": page(n) for n in range(12)})
    Pipeline().run(root, tmp_path / "out.jsonl", workers=1)
    path = str(root / "courier" / "05.txt")
    state = str(tmp_path / "out.state.db")
    plain = CliRunner().invoke(main, ["explain", path, "--no-color"])
    learned = CliRunner().invoke(
        main, ["explain", path, "--state", state, "--root", str(root), "--no-color"]
    )
    assert learned.exit_code == 0, learned.output
    assert f"kept  {chrome}" in plain.output
    assert "removed [repeats] learned#repeated-line: appears in 12 of 12 documents" in (
        learned.output
    )
