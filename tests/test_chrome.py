"""Chrome stage: each rule kind, site-before-generic precedence, and keep beats drop."""

from __future__ import annotations

from pathlib import Path

from conftest import doc_from_lines

from ingest.rules import load_rules
from ingest.stages.chrome import Chrome

SITE = """\
name: demo.example
match:
  domains: [demo.example]
chrome:
  - id: keep-quote
    keep: '^"Advertisement'
  - id: share
    lines: ["Share this", "Tweet"]
  - id: promo
    regex: '^Read more at '
  - id: header
    until: '^Skip the menu$'
  - id: footer
    from: '^© Demo'
  - id: comments
    between: ['^Comments$', '^End of comments$']
  - id: ad
    line: Advertisement
"""


def chrome(
    tmp_path: Path, *lines: str, url: str = "https://www.demo.example/a", site: str = SITE
) -> list:
    (tmp_path / "demo.yaml").write_text(site)
    doc = Chrome(load_rules(tmp_path))(doc_from_lines(*lines, url=url))
    return [(line.text, line.removal.rule if line.removal else None) for line in doc.lines]


def test_each_kind_and_precedence(tmp_path: Path) -> None:
    result = chrome(
        tmp_path,
        "Menu",
        "Skip the menu",
        "Body one.",
        "share   THIS",
        "Read more at Demo",
        "Advertisement",
        '"Advertisement is everywhere," she said.',
        "Comments",
        "Nice article",
        "End of comments",
        "Body two.",
        "© Demo 2024",
        "Imprint",
    )
    assert result == [
        ("Menu", "site:demo.example#header"),
        ("Skip the menu", "site:demo.example#header"),
        ("Body one.", None),
        ("share   THIS", "site:demo.example#share"),
        ("Read more at Demo", "site:demo.example#promo"),
        ("Advertisement", "site:demo.example#ad"),  # site rule recorded before generic
        ('"Advertisement is everywhere," she said.', None),
        ("Comments", "site:demo.example#comments"),
        ("Nice article", "site:demo.example#comments"),
        ("End of comments", "site:demo.example#comments"),
        ("Body two.", None),
        ("© Demo 2024", "site:demo.example#footer"),
        ("Imprint", "site:demo.example#footer"),
    ]


def test_site_rules_do_not_fire_on_other_sites(tmp_path: Path) -> None:
    result = chrome(tmp_path, "Share this", "Advertisement", "Body.", url="https://other.example/")
    assert result == [
        ("Share this", None),
        ("Advertisement", "generic#advertisement"),
        ("Body.", None),
    ]


def test_unterminated_block_drops_nothing(tmp_path: Path) -> None:
    result = chrome(tmp_path, "Body.", "Comments", "A real paragraph follows.")
    # The site's block never closes, so it drops nothing ("Comments" alone is generic chrome).
    assert result == [
        ("Body.", None),
        ("Comments", "generic#comments"),
        ("A real paragraph follows.", None),
    ]


def test_an_exact_line_matches_when_folding_lengthens_it(tmp_path: Path) -> None:
    site = SITE.replace('"Tweet"', '"Strasse"')
    result = chrome(
        tmp_path, "STRAẞE", "Straße", " Share \t this ", "Share this " + "x" * 300, site=site
    )
    assert [rule for _, rule in result] == [
        "site:demo.example#share",
        "site:demo.example#share",
        "site:demo.example#share",
        None,
    ]
