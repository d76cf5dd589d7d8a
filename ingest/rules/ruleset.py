"""Loading rule folders into one RuleSet, with explicit precedence and a digest.

Precedence, in one place:
1. For each document, the site files that match it come first (in name order), then the
   generic files. The first drop rule that fires on a line is the one recorded.
2. Keep beats drop: a line a keep rule protects is never removed by any line-level stage.
3. Folders given later override earlier ones: a rule with the same `NAME#ID` replaces the
   earlier rule in place, `disabled: true` removes it, and new ids are added.
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ingest.errors import RuleError
from ingest.rules.schema import Rule, RuleFile, parse_rule_text

SHIPPED_RULES = Path(__file__).resolve().parent.parent.parent / "rules"


def host_of(url: str | None) -> str | None:
    """The lower-case host of a URL without a leading `www.`, or None."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


@dataclass
class RuleSet:
    """Every rule file in force, and the digest that fingerprints them."""

    files: list[RuleFile] = field(default_factory=list)

    @property
    def generic(self) -> list[RuleFile]:
        return [f for f in self.files if f.is_generic]

    @property
    def sites(self) -> list[RuleFile]:
        return [f for f in self.files if not f.is_generic]

    def digest(self) -> str:
        """A short hash of everything that can change a rule's effect."""
        sha = hashlib.sha256()
        for rule_file in self.files:
            sha.update(
                repr(
                    (
                        rule_file.label,
                        rule_file.domains,
                        [r.pattern for r in rule_file.urls],
                        rule_file.paths,
                        rule_file.signature,
                        rule_file.language,
                        rule_file.site_name,
                    )
                ).encode()
            )
            for rule in rule_file.rules:
                sha.update(
                    repr(
                        (
                            rule.uid,
                            rule.kind,
                            [p.source for p in rule.patterns],
                            rule.texts,
                            rule.reason,
                            rule.formats,
                        )
                    ).encode()
                )
        return sha.hexdigest()[:16]

    def site_for(self, url: str | None, source: str, lines: Sequence[str]) -> RuleFile | None:
        """The first site file (in name order) that matches the document, if any."""
        host = host_of(url)
        folded: str | None = None
        for rule_file in self.sites:
            if host and any(host == d or host.endswith(f".{d}") for d in rule_file.domains):
                return rule_file
            if url and any(pattern.search(url) for pattern in rule_file.urls):
                return rule_file
            if any(fnmatch.fnmatchcase(source, glob) for glob in rule_file.paths):
                return rule_file
            if rule_file.signature:
                if folded is None:
                    folded = "\n".join(lines).casefold()
                hits = sum(1 for phrase in rule_file.signature.phrases if phrase in folded)
                if hits >= rule_file.signature.min_hits:
                    return rule_file
        return None

    def rules_for(self, site: RuleFile | None, stage: str) -> list[Rule]:
        """The rules of `stage` in precedence order: the site's, then the generic ones."""
        files = ([site] if site else []) + self.generic
        return [rule for rule_file in files for rule in rule_file.rules if rule.stage == stage]


def rule_paths(folder: Path) -> list[Path]:
    """The YAML files of a rules folder, recursively, in a stable order."""
    return sorted(
        (p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()),
        key=lambda p: p.relative_to(folder).as_posix(),
    )


def merge(files: list[RuleFile], incoming: RuleFile) -> None:
    """Add `incoming` to `files`; a file of the same name is overridden rule by rule."""
    for existing in files:
        if existing.name == incoming.name:
            by_uid = {rule.uid: rule for rule in incoming.rules}
            existing.rules = [
                by_uid.pop(rule.uid, rule)
                for rule in existing.rules
                if rule.uid not in incoming.disabled
            ]
            existing.rules.extend(by_uid.values())
            if not incoming.is_generic:
                existing.domains, existing.urls = incoming.domains, incoming.urls
                existing.paths, existing.signature = incoming.paths, incoming.signature
                existing.label = incoming.label
            existing.language = incoming.language or existing.language
            existing.site_name = incoming.site_name or existing.site_name
            return
    files.append(incoming)


def check_folders(folders: Iterable[Path]) -> tuple[list[RuleFile], list[str]]:
    """Parse every rule file of `folders`; return the merged files and every problem."""
    files: list[RuleFile] = []
    problems: list[str] = []
    for folder in folders:
        if not folder.is_dir():
            problems.append(f"{folder}: not a folder of rule files")
            continue
        for path in rule_paths(folder):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                problems.append(f"{path}:1: cannot read the file: {error}")
                continue
            rule_file, found = parse_rule_text(text, str(path))
            problems.extend(found)
            if rule_file is not None:
                merge(files, rule_file)
    files.sort(key=lambda f: (f.is_generic, f.name))
    return files, problems


def load_rules(*folders: str | Path, shipped: bool = True) -> RuleSet:
    """Load the shipped rules, then each folder in order. Raises RuleError listing every problem."""
    paths = ([SHIPPED_RULES] if shipped else []) + [Path(folder) for folder in folders]
    files, problems = check_folders(paths)
    if problems:
        raise RuleError(problems)
    return RuleSet(files)
