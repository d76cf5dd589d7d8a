"""Render the benchmark's HTML pages to plain text as a naive scraper saves them.

The project's input is plain text with the site chrome left in, so the benchmark is also used in
that form: every visible line of the page (menus, footers, share buttons and all), one line per
block element, nothing cleaned. Usage:

    python tools/aeb_render.py BENCH_DIR OUT_DIR

reads BENCH_DIR/html/<id>.html.gz and BENCH_DIR/ground-truth.json and writes OUT_DIR/text/<id>.txt,
OUT_DIR/gold-text.jsonl (sources `<id>.txt`) and OUT_DIR/gold-html.jsonl (sources `<id>.html.gz`).
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

from lxml import etree

# Never visible: a browser does not render their contents.
_HIDDEN = frozenset({"head", "script", "style", "noscript", "template", "svg", "iframe", "object"})
# Each starts and ends a line. Table cells are not here: a row's cells share its line.
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend",
        "li", "main", "menu", "nav", "ol", "option", "p", "pre", "section", "summary", "table",
        "tbody", "tfoot", "thead", "tr", "ul",
    }
)  # fmt: skip
_CELL = frozenset({"td", "th"})
_SPACE_RE = re.compile(r"\s+")


def render_page(html: str) -> str:
    """Return the page's visible text: one line per block, whitespace collapsed, no blank lines.

    Text inside <pre> keeps its own line breaks, as a browser shows it.
    """
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    root = etree.fromstring(html.encode("utf-8"), parser) if html.strip() else None
    if root is None:
        return ""
    parts: list[str] = []
    pre_depth = 0

    def add(text: str | None) -> None:
        if not text:
            return
        if pre_depth:
            parts.append("\n".join(_SPACE_RE.sub(" ", line) for line in text.split("\n")))
        else:
            parts.append(_SPACE_RE.sub(" ", text))

    # An explicit stack, not recursion: some pages nest deeper than Python's recursion limit.
    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        el, closing = stack.pop()
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if closing:
            if tag == "pre":
                pre_depth -= 1
            parts.append("\n" if tag in _BLOCK else " " if tag in _CELL else "")
            add(el.tail)
            continue
        if tag in _HIDDEN or not tag:
            add(el.tail)
            continue
        if tag == "br":
            parts.append("\n")
            add(el.tail)
            continue
        if tag in _BLOCK:
            parts.append("\n")
        if tag == "pre":
            pre_depth += 1
        add(el.text)
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(el))
    lines = (_SPACE_RE.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _write_jsonl(path: Path, records: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Render every benchmark page and write both gold files; returns the exit status."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: aeb_render.py BENCH_DIR OUT_DIR", file=sys.stderr)
        return 2
    bench, out = Path(args[0]), Path(args[1])
    # Run as a script, this file's folder is on sys.path and the repository root is not.
    repo_root = str(Path(__file__).resolve().parents[1])
    if repo_root not in sys.path:
        sys.path.insert(0, repo_root)
    from ingest.evaluate import aeb_gold

    gold_html = aeb_gold(bench / "ground-truth.json")
    text_dir = out / "text"
    text_dir.mkdir(parents=True, exist_ok=True)
    gold_text = []
    for record in gold_html:
        page_id = record["source"].removesuffix(".html.gz")
        with gzip.open(bench / "html" / record["source"], "rt", encoding="utf-8") as fh:
            text = render_page(fh.read())
        (text_dir / f"{page_id}.txt").write_text(text + "\n", encoding="utf-8", newline="\n")
        gold_text.append({**record, "source": f"{page_id}.txt"})
    _write_jsonl(out / "gold-html.jsonl", gold_html)
    _write_jsonl(out / "gold-text.jsonl", gold_text)
    print(f"rendered {len(gold_text)} pages to {text_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
