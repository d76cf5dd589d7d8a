"""The `ingest` command: a thin skin over the library.

Exit codes: 0 done; 1 some documents failed (they are listed in the rejects); 2 a usage or
configuration error, found before any output was written.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from ingest import __version__

EXIT_FAILED_DOCUMENTS = 1
EXIT_CONFIG = 2


def fail(message: str, code: int = EXIT_CONFIG) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def load_ruleset(folders: tuple[Path, ...]) -> Any:
    """The shipped rules plus the user's folders; a rules problem is a configuration error."""
    from ingest.errors import RuleError
    from ingest.rules import load_rules

    try:
        return load_rules(*folders)
    except RuleError as error:
        fail(str(error))


rules_option = click.option(
    "--rules",
    "rules_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A folder of rule files (repeatable). Adds to the shipped rules, or overrides by id.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="ingest")
def main() -> None:
    """Turn folders of scraped documents into clean, attributed JSONL.

    \b
    Examples:
      ingest run drop/ --output out/clean.jsonl
      ingest explain drop/site/article.txt
      ingest rules check my-rules/
      ingest eval gold.jsonl out/clean.jsonl
    """


@main.command()
@click.argument(
    "input_dir", metavar="INPUT", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the records: FILE.jsonl or FILE.jsonl.gz.",
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to list rejected and failed documents "
    "[default: NAME.rejects.jsonl beside the output].",
)
@rules_option
@click.option(
    "--workers",
    "-w",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes [default: the CPU count].",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=None,
    help="Reject files larger than this, decompressed [default: 32 MiB].",
)
@click.option(
    "--fast-extraction/--full-extraction",
    default=None,
    help="trafilatura's fast mode for HTML [default: full].",
)
def run(
    input_dir: Path,
    output: Path,
    rejects: Path | None,
    rules_dirs: tuple[Path, ...],
    workers: int | None,
    max_bytes: int | None,
    fast_extraction: bool | None,
) -> None:
    """Clean every document under INPUT into JSONL records.

    \b
    Reads .txt/.text/.html/.htm files, each optionally gzip-compressed (.gz), recursively.
    A NAME.json beside NAME.txt may give url, title, published and site.

    \b
    Example:
      ingest run drop/ --output out/clean.jsonl --rules my-rules/ --workers 4
    """
    from ingest.io.readers import ReadOptions
    from ingest.pipeline import Pipeline, Settings

    rules = load_ruleset(rules_dirs)
    overrides = {
        key: value
        for key, value in {
            "workers": workers or os.cpu_count() or 1,
            "read": ReadOptions(max_bytes=max_bytes) if max_bytes else None,
            "fast_extraction": fast_extraction,
        }.items()
        if value is not None
    }
    pipeline = Pipeline(rules, Settings(**overrides))
    stats = pipeline.run(input_dir, output, rejects)
    click.echo(summary(stats.to_dict(), output), err=True)
    if stats.failed:
        sys.exit(EXIT_FAILED_DOCUMENTS)


def summary(report: dict[str, Any], output: Path) -> str:
    """The human summary printed at the end of a run."""
    lines = [
        f"ingest: {report['documents']} documents in {report['seconds']:.1f} s: "
        f"{report['written']} written to {output}, {report['rejected']} rejected, "
        f"{report['failed']} failed",
    ]
    if report["skipped"]:
        lines.append(
            "  skipped files: " + ", ".join(f"{k} ({v})" for k, v in report["skipped"].items())
        )
    stages = {k: v for k, v in report["removed"].items() if ":" not in k}
    if stages:
        lines.append(
            "  lines removed per stage: " + ", ".join(f"{k} {v}" for k, v in stages.items())
        )
    top = [(k, v) for k, v in report["removed"].items() if ":" in k][:5]
    if top:
        lines.append("  top rules: " + ", ".join(f"{k.split(':', 1)[1]} {v}" for k, v in top))
    if report["languages"]:
        lines.append(
            "  languages: " + ", ".join(f"{k} {v}" for k, v in report["languages"].items())
        )
    return "\n".join(lines)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@rules_option
@click.option("--color/--no-color", default=None, help="Colour [default: on a terminal].")
def explain(file: Path, rules_dirs: tuple[Path, ...], color: bool | None) -> None:
    """Show every line of FILE with its fate: kept, removed (by which rule, and why), or lifted.

    \b
    Example:
      ingest explain drop/site/article.txt --rules my-rules/
    """
    from ingest.errors import IngestError
    from ingest.explain import explain_document
    from ingest.pipeline import Pipeline

    pipeline = Pipeline(load_ruleset(rules_dirs))
    try:
        doc = pipeline.process_file(file)
    except IngestError as error:
        fail(str(error))
    click.echo(explain_document(doc), color=color)


@main.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("pred", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def evaluate(gold: Path, pred: Path, as_json: bool) -> None:
    """Score PRED records against GOLD records (JSONL, keyed by `source`).

    The body metric is the article-extraction benchmark's: 4-token shingles, per-document
    normalised precision and recall, F1 of the means; plus title, author and date accuracy.

    \b
    Example:
      ingest eval gold.jsonl out/clean.jsonl
    """
    import orjson

    from ingest.evaluate import evaluate as score
    from ingest.evaluate import load_records

    try:
        report = score(load_records(gold), load_records(pred))
    except ValueError as error:
        fail(str(error))
    if as_json:
        click.echo(orjson.dumps(report.to_dict(), option=orjson.OPT_INDENT_2).decode())
    else:
        click.echo(report.format())


@main.group()
def rules() -> None:
    """Check, test and suggest rule files."""


@rules.command()
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
def check(folders: tuple[Path, ...]) -> None:
    """Validate rule files: every problem at once, with file:line. Exit 2 on any problem.

    With no FOLDERS, checks the shipped rules.

    \b
    Example:
      ingest rules check my-rules/
    """
    from ingest.rules import SHIPPED_RULES, check_folders

    files, problems = check_folders(folders or (SHIPPED_RULES,))
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        fail(f"{len(problems)} problem(s) found")
    count = sum(len(f.rules) for f in files)
    click.echo(f"ok: {len(files)} rule file(s), {count} rule(s)")
