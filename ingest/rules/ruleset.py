"""Loading rule folders into one RuleSet, with explicit precedence and a digest.

Precedence, in one place:
1. A document gets at most one site file: the first, in name order, that matches it. Its rules
   come before the generic files' rules, so when several drop rules fire on a line, the site's
   is the one recorded.
2. Keep beats drop: a line a keep rule protects is never removed by any line-level stage.
3. Folders given later override earlier ones, file by file (a file is known by its `name`): a
   rule with the same id replaces the earlier rule in place, `disabled: true` removes it, and
   new ids are added. Within one folder, names must be unique.
"""

from __future__ import annotations

import fnmatch
import hashlib
import site
import sysconfig
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from ingest.errors import RuleError
from ingest.rules.schema import Rule, RuleFile, did_you_mean, parse_rule_text


def shipped_rules_folder() -> Path:
    """The built-in rules: `rules/` beside the package in a checkout or an editable install,
    else the copy a wheel installs under `<prefix>/share/ingest/rules` (see pyproject.toml)."""
    checkout = Path(__file__).resolve().parent.parent.parent / "rules"
    installed = [
        Path(base) / "share" / "ingest" / "rules"
        for base in (sysconfig.get_path("data"), site.USER_BASE or "")
    ]
    for folder in (checkout, *installed):
        if (folder / "generic.yaml").is_file():
            return folder
    return checkout


SHIPPED_RULES = shipped_rules_folder()


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

    def site_named(self, name: str | None) -> RuleFile | None:
        """The site rule file called `name`, or None."""
        return next((f for f in self.sites if f.name == name), None) if name else None

    def site_for(self, url: str | None, source: str, lines: Sequence[str]) -> RuleFile | None:
        """The first site file (in name order) that matches the document, if any."""
        found = self.site_match(url, source, lines)
        return found[0] if found else None

    def site_match(
        self, url: str | None, source: str, lines: Sequence[str]
    ) -> tuple[RuleFile, str] | None:
        """The first site file that matches the document, and why (for `explain` and `test`)."""
        host = host_of(url)
        folded: str | None = None
        for rule_file in self.sites:
            if host:
                for domain in rule_file.domains:
                    if host == domain or host.endswith(f".{domain}"):
                        return rule_file, f"domain {domain}"
            for pattern in rule_file.urls if url else ():
                if pattern.search(url):
                    return rule_file, f"url pattern '{pattern.pattern}'"
            for glob in rule_file.paths:
                if fnmatch.fnmatchcase(source, glob):
                    return rule_file, f"path glob '{glob}'"
            if rule_file.signature:
                if folded is None:
                    folded = fold_document(lines)
                signature = rule_file.signature
                hits = signature.hits(folded)
                if hits >= signature.min_hits:
                    return rule_file, f"signature: {hits} of {len(signature.phrases)} phrases"
        return None

    def rules_for(self, site: RuleFile | None, stage: str) -> list[Rule]:
        """The rules of `stage` in precedence order: the site's, then the generic ones."""
        files = ([site] if site else []) + self.generic
        return [rule for rule_file in files for rule in rule_file.rules if rule.stage == stage]


def fold_document(lines: Sequence[str]) -> str:
    """The text signature phrases are looked for in: every line, case-folded."""
    return "\n".join(lines).casefold()


def rule_paths(folder: Path) -> list[Path]:
    """The YAML files of a rules folder, recursively, in a stable order."""
    return sorted(
        (p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()),
        key=lambda p: p.relative_to(folder).as_posix(),
    )


def relabel(rule_file: RuleFile, label: str) -> None:
    """Give a file's rules, and the ids it disables, the provenance prefix `label`."""
    old = len(rule_file.label) + 1
    rule_file.rules = [replace(rule, uid=f"{label}#{rule.uid[old:]}") for rule in rule_file.rules]
    rule_file.disabled = {f"{label}#{uid[old:]}": at for uid, at in rule_file.disabled.items()}
    rule_file.label = label


def merge(files: list[RuleFile], incoming: RuleFile) -> list[str]:
    """Add `incoming` to `files`; a file of the same name is overridden rule by rule.

    An override without `match` keeps the earlier file's match (and so its `site:` label);
    one with `match` replaces it. Returns a problem for each disabled id that names no rule.
    """
    existing = next((f for f in files if f.name == incoming.name), None)
    if existing is None:
        files.append(incoming)
        return []
    if incoming.is_generic:
        relabel(incoming, existing.label)
    else:
        relabel(existing, incoming.label)
        existing.domains, existing.urls = incoming.domains, incoming.urls
        existing.paths, existing.signature = incoming.paths, incoming.signature
    known = [rule.uid for rule in existing.rules]
    problems = [
        f"{at}: rule '{uid}' is disabled, but no earlier '{existing.name}' file defines it"
        f"{did_you_mean(uid, known)}"
        for uid, at in incoming.disabled.items()
        if uid not in known
    ]
    by_uid = {rule.uid: rule for rule in incoming.rules}
    existing.rules = [
        by_uid.pop(rule.uid, rule) for rule in existing.rules if rule.uid not in incoming.disabled
    ]
    existing.rules.extend(by_uid.values())
    existing.description = incoming.description or existing.description
    existing.language = incoming.language or existing.language
    existing.site_name = incoming.site_name or existing.site_name
    return problems


def check_folders(folders: Iterable[Path]) -> tuple[list[RuleFile], list[str]]:
    """Parse every rule file of `folders` (each a folder, or one rule file); return the merged
    files and every problem."""
    files: list[RuleFile] = []
    problems: list[str] = []
    for folder in folders:
        if not (folder.is_dir() or folder.is_file()):
            problems.append(f"{folder}: not a rule file or a folder of rule files")
            continue
        names: dict[str, Path] = {}
        for path in rule_paths(folder) if folder.is_dir() else [folder]:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                problems.append(f"{path}:1: cannot read the file: {error}")
                continue
            rule_file, found = parse_rule_text(text, str(path))
            problems.extend(found)
            if rule_file is None:
                continue
            if rule_file.name in names:
                problems.append(
                    f"{path}:{rule_file.name_line}: the name '{rule_file.name}' is already used "
                    f"by {names[rule_file.name]}; names must be unique within a folder "
                    f"(a file in a later --rules folder overrides one by name)"
                )
                continue
            names[rule_file.name] = path
            problems.extend(merge(files, rule_file))
    files.sort(key=lambda f: (f.is_generic, f.name))
    return files, problems


def load_rules(*folders: str | Path, shipped: bool = True) -> RuleSet:
    """Load the shipped rules, then each folder in order. Raises RuleError listing every problem."""
    paths = ([SHIPPED_RULES] if shipped else []) + [Path(folder) for folder in folders]
    files, problems = check_folders(paths)
    if problems:
        raise RuleError(problems)
    return RuleSet(files)
