"""One document, line by line: kept, removed by which stage and rule and why, or lifted."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import click

from ingest.document import Document
from ingest.profiles import ProfileStore, SiteProfile, site_key

FIELDS = ("title", "authors", "published", "language", "url", "site", "encoding")


def explain_document(doc: Document) -> str:
    """A report of every line's fate; colour codes are stripped by click when piped."""
    out = [click.style(f"{doc.source}", bold=True)]
    for name in FIELDS:
        value = getattr(doc, name)
        if value:
            out.append(f"  {name}: {', '.join(value) if isinstance(value, list) else value}")
    if doc.metadata:
        out.append(f"  metadata: {', '.join(map(metadata_item, sorted(doc.metadata.items())))}")
    if doc.repairs:
        out.append(f"  repairs: {', '.join(doc.repairs)}")
    if doc.site_rules:
        out.append(f"  site rules: {doc.site_rules}")
    if doc.reject is not None:
        out.append(
            click.style(
                f"  REJECTED at {doc.reject.stage}: {doc.reject.reason}", fg="red", bold=True
            )
        )
    out.append("")
    for line in doc.lines:
        number = (
            f"{line.lineno:>4}"
            if line.span == 1
            else f"{line.lineno}-{line.lineno + line.span - 1}"
        )
        if line.removal is None:
            tag = "kept" if line.keep_rule is None else f"kept (protected by {line.keep_rule})"
            out.append(f"{number:>9}  {click.style(tag, fg='green')}  {line.text}")
            continue
        removal = line.removal
        fate = f"-> {removal.field}" if removal.field else "removed"
        colour = "cyan" if removal.field else "red"
        out.append(
            f"{number:>9}  {click.style(fate, fg=colour)} "
            f"{click.style(f'[{removal.stage}] {removal.rule}', fg='yellow')}: "
            f"{removal.reason}"
        )
        out.append(f"{'':>9}  {click.style(line.text, dim=True)}")
    return "\n".join(out)


def metadata_item(item: tuple[str, object]) -> str:
    """One metadata entry for the header: its value, or how many entries a list holds."""
    name, value = item
    if isinstance(value, list):
        return f"{name} ({len(value)})"
    return f"{name}={value}"


def learned_from(state: Path) -> Callable[[Document], dict[str, SiteProfile]]:
    """Read a run's state (read-only) for the profile of a document's site, as a run's second
    pass would see it, so that `ingest explain --state` shows learned removals too."""

    def profiles(doc: Document) -> dict[str, SiteProfile]:
        conn = sqlite3.connect(f"file:{state}?mode=ro", uri=True)
        try:
            return ProfileStore(conn).chrome_profile([site_key(doc)])
        finally:
            conn.close()

    return profiles
