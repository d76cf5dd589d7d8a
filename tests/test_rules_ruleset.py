"""Loading rules: precedence, overrides by id, matching a document to its site, the digest."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, doc_from_lines, write_tree

from ingest import __version__
from ingest.errors import RuleError
from ingest.pipeline import Pipeline
from ingest.rules import check_folders, load_rules
from ingest.stages.chrome import Chrome

SITE = """\
name: demo
match:
  domains: [demo.example]
chrome:
  - id: promo
    regex: '^Read more'
  - id: ad-label
    line: Advertisement
"""
HOUSE = "name: house\nchrome:\n  - id: advertisement\n    lines: [Advertisement, Anzeige]\n"


def rules_in(folder: Path, files: dict[str, str]):
    """The rules of `files` alone, with a small generic file (the shipped rules change)."""
    return load_rules(write_tree(folder, {"house.yaml": HOUSE, **files}), shipped=False)


def fates(rules, *lines: str, url: str = "https://demo.example/a") -> list[str | None]:
    doc = Chrome(rules)(doc_from_lines(*lines, url=url))
    return [line.removal.rule if line.removal else line.keep_rule for line in doc.lines]


def test_shipped_rules_are_valid() -> None:
    files, problems = check_folders([REPO / "rules"])
    assert problems == []
    assert [f.name for f in files if f.is_generic] == ["generic"]


def test_site_rules_come_before_generic_ones(tmp_path: Path) -> None:
    rules = rules_in(tmp_path, {"demo.yaml": SITE})
    assert fates(rules, "Advertisement", "Body.") == ["site:demo#ad-label", None]
    assert fates(rules, "Advertisement", url="https://other.example/") == ["house#advertisement"]


@pytest.mark.parametrize(
    "keeper,dropper",
    [
        ("generic", "site"),  # a generic keep rule protects a line from a site rule
        ("site", "generic"),  # a site keep rule protects a line from a generic rule
    ],
)
def test_keep_beats_drop_whoever_writes_it(tmp_path: Path, keeper: str, dropper: str) -> None:
    keep = "  - id: keep-ad\n    keep: '^Advertisement$'\n"
    drop = "  - id: drop-ad\n    line: Advertisement\n"
    head = {"site": SITE.split("chrome:")[0], "generic": "name: local\n"}
    rules = rules_in(
        tmp_path,
        {
            f"{keeper}.yaml": f"{head[keeper]}chrome:\n{keep}",
            f"{dropper}.yaml": f"{head[dropper]}chrome:\n{drop}",
        },
    )
    label = {"site": "site:demo", "generic": "local"}
    assert fates(rules, "Advertisement") == [f"{label[keeper]}#keep-ad"]


def test_the_first_matching_site_file_in_name_order_wins(tmp_path: Path) -> None:
    other = SITE.replace("name: demo", "name: a-demo-mirror").replace("^Read more", "^Read")
    rules = rules_in(tmp_path, {"demo.yaml": SITE, "mirror.yaml": other})
    assert fates(rules, "Read more here") == ["site:a-demo-mirror#promo"]


def test_how_a_site_file_matches(tmp_path: Path) -> None:
    rules = rules_in(
        tmp_path,
        {
            "a.yaml": "name: a\nmatch:\n  domains: [a.example]\n",
            "b.yaml": "name: b\nmatch:\n  urls: ['^https://mirror\\.example/b/']\n",
            "c.yaml": "name: c\nmatch:\n  paths: ['c-site/*']\n",
            "d.yaml": "name: d\nmatch:\n  signature:\n    phrases: [Delta Daily, delta.example]\n"
            "    min_hits: 2\n",
        },
    )

    def match(url: str | None, source: str = "x/doc.txt", *lines: str) -> tuple | None:
        found = rules.site_match(url, source, lines)
        return found and (found[0].name, found[1])

    assert match("https://news.a.example/x") == ("a", "domain a.example")
    assert match("https://www.a.example/x") == ("a", "domain a.example")
    assert match("https://notana.example/") is None
    assert match("https://mirror.example/b/1") == (
        "b",
        "url pattern '^https://mirror\\.example/b/'",
    )
    assert match(None, "c-site/deep/doc.txt") == ("c", "path glob 'c-site/*'")
    assert match(None, "x.txt", "DELTA DAILY", "© delta.example") == (
        "d",
        "signature: 2 of 2 phrases",
    )
    assert match(None, "x.txt", "Delta Daily reported that…") is None


def test_a_later_folder_overrides_by_id_and_disables(tmp_path: Path) -> None:
    write_tree(
        tmp_path / "user",
        {
            "generic.yaml": "name: generic\nchrome:\n"
            "  - id: advertisement\n    line: Werbeblock\n"
            "  - id: skip-to-content\n    disabled: true\n"
            "  - id: extra\n    line: Extra chrome\n"
        },
    )
    generic = next(f for f in load_rules(tmp_path / "user").files if f.name == "generic")
    by_id = {rule.uid: rule for rule in generic.rules}
    assert by_id["generic#advertisement"].texts == ("Werbeblock",)
    assert "generic#skip-to-content" not in by_id
    assert list(by_id)[-1] == "generic#extra"


def test_an_override_without_match_keeps_the_site_and_its_labels(tmp_path: Path) -> None:
    write_tree(tmp_path / "site", {"demo.yaml": SITE})
    write_tree(
        tmp_path / "user",
        {
            "demo.yaml": "name: demo\nchrome:\n  - id: promo\n    disabled: true\n"
            "  - id: ad-label\n    line: Anzeige\n"
        },
    )
    rules = load_rules(tmp_path / "site", tmp_path / "user", shipped=False)
    assert fates(rules, "Read more", "Anzeige") == [None, "site:demo#ad-label"]


def test_disabling_an_unknown_id_is_a_problem(tmp_path: Path) -> None:
    write_tree(tmp_path / "base", {"house.yaml": HOUSE})
    write_tree(
        tmp_path / "user",
        {"h.yaml": "name: house\nchrome:\n  - id: advertisment\n    disabled: true\n"},
    )
    _, problems = check_folders([tmp_path / "base", tmp_path / "user"])
    assert problems == [
        f"{tmp_path / 'user/h.yaml'}:3: rule 'house#advertisment' is disabled, but no earlier "
        "'house' file defines it (did you mean 'house#advertisement'?)"
    ]


def test_names_are_unique_within_a_folder(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.yaml": "name: demo\n", "sub/b.yaml": "# again\nname: demo\n"})
    _, problems = check_folders([tmp_path])
    assert problems == [
        f"{tmp_path / 'sub/b.yaml'}:2: the name 'demo' is already used by {tmp_path / 'a.yaml'}; "
        "names must be unique within a folder (a file in a later --rules folder overrides one "
        "by name)"
    ]


def test_folder_problems(tmp_path: Path) -> None:
    (tmp_path / "latin1.yaml").write_bytes(b"name: caf\xe9\n")
    _, problems = check_folders([tmp_path / "missing", tmp_path])
    assert problems == [
        f"{tmp_path / 'missing'}: not a rule file or a folder of rule files",
        f"{tmp_path / 'latin1.yaml'}:1: cannot read the file: 'utf-8' codec can't decode byte "
        "0xe9 in position 9: invalid continuation byte",
    ]


def test_a_single_rule_file_can_be_given(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"demo.yaml": SITE}) / "demo.yaml"
    assert [f.name for f in load_rules(path, shipped=False).sites] == ["demo"]


def test_invalid_rules_raise_with_every_problem(tmp_path: Path) -> None:
    write_tree(tmp_path, {"bad.yaml": "name: bad\nchrome:\n  - id: x\n    regex: '['\n"})
    with pytest.raises(RuleError) as caught:
        load_rules(tmp_path)
    assert caught.value.problems == [
        f"{tmp_path / 'bad.yaml'}:4: rule 'x': regex '[' does not compile: missing ]: ["
    ]


def test_the_digest_changes_with_any_rule_and_only_then(tmp_path: Path) -> None:
    def digest(text: str) -> str:
        write_tree(tmp_path, {"demo.yaml": text})
        return load_rules(tmp_path).digest()

    base = digest(SITE)
    assert digest("# a comment moves every line\n" + SITE) == base
    assert digest(SITE.replace("^Read more", "^Read on")) != base
    assert digest(SITE.replace("Advertisement", "Anzeige")) != base
    assert digest(SITE.replace("demo.example", "demo2.example")) != base
    assert digest(SITE + "    reason: a label\n") != base
    assert load_rules().digest() != base


def test_every_record_carries_the_rules_digest(tmp_path: Path) -> None:
    path = write_tree(tmp_path / "in", {"a.txt": "A paragraph of body text, long enough.\n"})
    digests = []
    for name, text in (("one", SITE), ("two", SITE.replace("^Read more", "^Read on"))):
        rules = rules_in(tmp_path / name, {"demo.yaml": text})
        record = Pipeline(rules).process_file(path / "a.txt").to_record()
        assert record["rules_digest"] == f"{__version__}:{rules.digest()}"
        digests.append(record["rules_digest"])
    assert digests[0] != digests[1]


def test_site_name_and_default_language_apply_to_matching_documents(tmp_path: Path) -> None:
    site = SITE.replace("match:", "site_name: Demo Daily\nlanguage: de\nmatch:")
    pipeline = Pipeline(rules_in(tmp_path / "rules", {"demo.yaml": site}))
    url = '{"url": "https://demo.example/a"}'
    root = write_tree(
        tmp_path / "in",
        {
            "a.txt": "Kurz.\n",
            "a.json": url,
            "b.txt": "Short.\n",
            "c.txt": "Kurz.\n",
            "c.json": url[:-1] + ', "site": "Demo"}',
        },
    )
    demo = pipeline.process_file(root / "a.txt")
    assert (demo.site, demo.language, demo.language_score) == ("Demo Daily", "de", None)
    other = pipeline.process_file(root / "b.txt")
    assert (other.site, other.language) == (None, None)
    assert pipeline.process_file(root / "c.txt").site == "Demo"  # the sidecar's name wins
