"""The `ingest` command: a thin skin over the library.

Exit codes: 0 done; 1 some documents failed (they are listed in the rejects); 2 a usage or
configuration error, found before any output was written. `ingest run` adds 3 (locked), 4
(output error), 5 (executor error), 70 (internal error), 130/143 (interrupted): the table is in
`ingest/runner.py` and docs/batch.md.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from ingest import __version__
from ingest.errors import EXIT_INTERNAL
from ingest.executors import EXECUTORS
from ingest.io.readers import JsonlFields
from ingest.io.writers import FORMATS
from ingest.logs import LOG_FORMATS

EXIT_CONFIG = 2
logger = logging.getLogger("ingest")


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
    help="A rule file, or a folder of them (repeatable). Adds to the shipped rules, or "
    "overrides them by id.",
)


F = TypeVar("F", bound=Callable[..., Any])


def jsonl_field_options(command: F) -> F:
    """--html-field, --text-field, ...: where a JSONL input keeps each thing."""
    meanings = {
        "html": "the page's HTML (wins over text)",
        "text": "the text, when there is no HTML",
        "url": "the page's URL",
        "id": "the document's own id (the record id derives from it)",
        "title": "the title",
    }
    for name, meaning in reversed(meanings.items()):
        command = click.option(
            f"--{name}-field",
            f"{name}_fields",
            multiple=True,
            metavar="NAME",
            default=getattr(JsonlFields(), name),
            show_default=True,
            help=f"JSONL field with {meaning}.",
        )(command)
    return command


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
    type=click.Path(path_type=Path),
    help="Where to write the records: FILE.jsonl, .jsonl.gz, .jsonl.zst or .parquet, which "
    "always holds the whole corpus; or a folder DIR/, to which each run adds its part files, "
    "a manifest and _SUCCESS.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(list(FORMATS)),
    default=None,
    help="The output format [default: from the output's name]. Parquet needs "
    "pip install 'ingest[parquet]'.",
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to list rejected and failed documents, for a FILE output "
    "[default: NAME.rejects.jsonl beside it; a folder output keeps them in DIR/_rejects/].",
)
@click.option(
    "--state",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The SQLite state: fingerprints, site profiles, duplicates, runs "
    "[default: NAME.state.db beside a FILE output, DIR/_state.db in a folder].",
)
@click.option(
    "--full", is_flag=True, help="Process every input, not only the new and changed ones."
)
@click.option(
    "--executor",
    type=click.Choice(EXECUTORS),
    default="local",
    show_default=True,
    help="Where shards run: local processes, or Ray (pip install 'ingest[ray]').",
)
@click.option(
    "--address",
    default=None,
    help="The Ray cluster to join (ray://HOST:10001, auto) [default: RAY_ADDRESS, "
    "else a local Ray].",
)
@click.option(
    "--part-size",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Records per part file of a folder output (parts are cut between inputs).",
)
@click.option(
    "--log-format",
    type=click.Choice(LOG_FORMATS),
    default="text",
    show_default=True,
    help="Logs on stderr as text, or as JSON lines.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="A progress bar on stderr [default: on a terminal].",
)
@rules_option
@click.option(
    "--workers",
    "-w",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes, or Ray actors [default: the CPU count; Ray: the cluster's CPUs].",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=None,
    help="Reject files (and JSONL lines, WARC records) larger than this, decompressed "
    "[default: 32 MiB].",
)
@click.option(
    "--fast-extraction/--full-extraction",
    default=None,
    help="trafilatura's fast mode (no fallback extractors) for HTML [default: fast].",
)
@jsonl_field_options
def run(
    input_dir: Path,
    output: Path,
    output_format: str | None,
    rejects: Path | None,
    state: Path | None,
    full: bool,
    executor: str,
    address: str | None,
    part_size: int,
    log_format: str,
    progress: bool | None,
    rules_dirs: tuple[Path, ...],
    workers: int | None,
    max_bytes: int | None,
    fast_extraction: bool | None,
    **jsonl_fields: tuple[str, ...],
) -> None:
    """Clean every document under INPUT into records (JSONL, compressed JSONL or Parquet).

    \b
    Reads, recursively:
      .txt/.text/.html/.htm files (a NAME.json beside one may give url, title, published, site);
      .jsonl exports, one document per line;
      .warc archives: each 200 response with HTML or plain text;
    each optionally gzip-compressed (.gz).

    \b
    A --*-field option may be repeated: its names are tried in order and the first that holds
    a non-empty string wins. A name a.b looks inside objects; '' turns the field off.

    \b
    A re-run processes only new and changed inputs (the state remembers the rest), and one run
    at a time holds the state's lock. Exit codes: 0 done, 1 some documents failed, 2 usage or
    configuration, 3 another run holds the lock, 4 output or state not writable, 5 executor
    broke, 70 internal error, 130/143 interrupted (see docs/batch.md).

    \b
    Examples:
      ingest run drop/ --output out/clean.jsonl --rules my-rules/ --workers 4
      ingest run crawl/ --output out/clean.parquet --text-field body --url-field link
      ingest run drop/ --output corpus/ --log-format json          # nightly, incremental
      ingest run drop/ --output corpus/ --executor ray --address auto
    """
    from ingest.io.readers import ReadOptions
    from ingest.logs import setup_logging
    from ingest.pipeline import Pipeline, Settings
    from ingest.runner import RunOptions

    setup_logging(log_format)

    rules = load_ruleset(rules_dirs)
    fields = JsonlFields(
        **{
            name.removesuffix("_fields"): tuple(value for value in values if value)
            for name, values in jsonl_fields.items()
        }
    )
    read = (
        ReadOptions(max_bytes=max_bytes, jsonl=fields) if max_bytes else ReadOptions(jsonl=fields)
    )
    overrides = {
        key: value
        for key, value in {
            "workers": workers or os.cpu_count() or 1,
            "read": read,
            "fast_extraction": fast_extraction,
            "output_format": output_format,
        }.items()
        if value is not None
    }
    options = RunOptions(
        rejects=rejects,
        state=state,
        workers=workers or (os.cpu_count() if executor == "local" else None),
        executor=executor,
        address=address,
        full=full,
        part_size=part_size,
        progress=progress,
    )
    report = run_batch(Pipeline(rules, Settings(**overrides)), input_dir, output, options)
    if log_format == "json":
        logger.info("run finished", extra={"fields": {"event": "finished", **report.to_dict()}})
    else:
        click.echo(report.summary(), err=True)
    sys.exit(report.exit_code)


def run_batch(pipeline: Any, input_dir: Path, output: Path, options: Any) -> Any:
    """The runner, with each library error turned into its message and exit code."""
    from ingest.errors import IngestError
    from ingest.runner import run

    try:
        return run(pipeline, input_dir, output, options)
    except IngestError as error:
        fail(str(error), error.exit_code)
    except Exception:
        logger.exception("internal error: please report it with this traceback")
        sys.exit(EXIT_INTERNAL)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@rules_option
@click.option(
    "--state",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A run's state database: show what the site's learned profile removes too.",
)
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The input folder of that run, so the source and site match [default: FILE's folder].",
)
@click.option("--color/--no-color", default=None, help="Colour [default: on a terminal].")
def explain(
    file: Path,
    rules_dirs: tuple[Path, ...],
    state: Path | None,
    root: Path | None,
    color: bool | None,
) -> None:
    """Show every line of FILE with its fate: kept, removed (by which rule, and why), or lifted.

    \b
    Examples:
      ingest explain drop/site/article.txt --rules my-rules/
      ingest explain drop/site/article.txt --state out/clean.state.db --root drop/
    """
    from ingest.errors import IngestError
    from ingest.explain import explain_document, learned_from
    from ingest.pipeline import Pipeline

    pipeline = Pipeline(load_ruleset(rules_dirs))
    try:
        doc = pipeline.process_file(file, root, learned_from(state) if state else None)
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

    FOLDERS (rule files or folders of them) are checked as `ingest run --rules` loads them:
    on top of the shipped rules, so an override or a `disabled: true` must name a rule that
    exists. With no FOLDERS, checks the shipped rules alone.

    \b
    Example:
      ingest rules check my-rules/
    """
    from ingest.rules import SHIPPED_RULES, check_folders

    files, problems = check_folders((SHIPPED_RULES, *folders))
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        fail(f"{len(problems)} problem(s) found")
    count = sum(len(f.rules) for f in files)
    click.echo(f"ok: {len(files)} rule file(s), {count} rule(s) in force")


@rules.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the rule file here [default: standard output].",
)
@click.option(
    "--min-count",
    type=click.IntRange(min=2),
    default=2,
    show_default=True,
    help="Suggest a line only if it appears in at least this many documents.",
)
@click.option("--name", help="The rule file's name [default: from the folder's name].")
@rules_option
def suggest(
    folder: Path,
    output: Path | None,
    min_count: int,
    name: str | None,
    rules_dirs: tuple[Path, ...],
) -> None:
    """Draft a site file from the lines its pages repeat.

    FOLDER holds documents of one site. Each suggested line carries, as a YAML comment, the
    number of documents it appears in; lines the current rules already remove are left out.
    The draft is valid as written: review it (delete any body text), then check and test it.

    \b
    Example:
      ingest rules suggest drop/riverside/ -o my-rules/riverside.yaml --min-count 3
    """
    from ingest.rules.schema import MIN_PHRASE_CHARS, NAME_PATTERN
    from ingest.rules.suggest import lines_left_by_rules, name_for, suggest_rules

    name = name or name_for(folder)
    if not NAME_PATTERN.match(name):
        fail(f"--name {name!r} may only use letters, digits, and . _ : -")
    documents = lines_left_by_rules(folder, load_ruleset(rules_dirs))
    text = suggest_rules(documents, name, min_count, folder.as_posix())
    if text is None:
        fail(
            f"no line of {MIN_PHRASE_CHARS} or more characters appears in {min_count} or more "
            f"of the {len(documents)} documents in {folder} (that the rules leave); "
            f"give more documents of the site, or a lower --min-count",
            code=1,
        )
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(
        f"wrote {output} from {len(documents)} documents; review it, then run "
        f"`ingest rules check {output}` and `ingest rules test {output} FILE`",
        err=True,
    )


@rules.command(name="test")
@click.argument("rule_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@rules_option
def try_rules(rule_file: Path, files: tuple[Path, ...], rules_dirs: tuple[Path, ...]) -> None:
    """Show what one rule file does to some documents.

    For each FILE: whether RULE_FILE matched it (or why not), and every line its rules removed,
    lifted into a field, or protected. RULE_FILE is loaded last, after the shipped rules and
    any --rules folders.

    \b
    Example:
      ingest rules test my-rules/riverside.yaml drop/riverside/*.txt
    """
    from ingest.errors import IngestError
    from ingest.pipeline import Pipeline
    from ingest.rules.effect import rule_file_effect
    from ingest.rules.schema import parse_rule_text

    ruleset = load_ruleset((*rules_dirs, rule_file))  # exits 2 on any problem
    parsed, _ = parse_rule_text(rule_file.read_text(encoding="utf-8"), str(rule_file))
    assert parsed is not None
    target = next(f for f in ruleset.files if f.name == parsed.name)
    pipeline = Pipeline(ruleset)
    for file in files:
        try:
            doc = pipeline.process_file(file)
        except IngestError as error:
            fail(str(error))
        click.echo(rule_file_effect(target, ruleset, doc))
