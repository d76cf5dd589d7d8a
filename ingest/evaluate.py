"""Score cleaned records against gold records, the way the article-extraction benchmark does.

The body metric reproduces the published metric of the Zyte (Scrapinghub) article-extraction
benchmark, so that our figures can be read next to its published table: tokens are `\\w+` runs,
each body is a multiset of 4-token shingles, each document's tp/fp/fn are normalised to sum to 1
(a long article weighs no more than a short one), precision and recall are averaged over documents
and F1 is taken of the two means. Title, author and date accuracy are our own additions: the
pipeline also lifts those fields out of the text, and a regression there should show too.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

_TOKEN_RE = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Split text into `\\w+` runs (Unicode, case kept), as the benchmark's metric does.

    Punctuation and spacing never count, so a body only loses score for wrong or missing words.
    """
    return _TOKEN_RE.findall(text or "")


def shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    """Return the multiset of `size`-token shingles of the text.

    Shingles rather than single tokens, so that chrome made of common words ("Read more", "Share
    this") counts as wrong even when the words occur in the article. A text shorter than `size`
    tokens is one shingle of all its tokens (as in the benchmark); a text with no tokens has none.
    """
    toks = tokens(text)
    if not toks:
        return Counter()
    return Counter(tuple(toks[i : i + size]) for i in range(max(1, len(toks) - size + 1)))


def score_document(gold: str, pred: str) -> tuple[float, float]:
    """Return (precision, recall) of one predicted body against its gold body.

    tp, fp and fn are multiset-intersection counts of shingles, normalised to sum to 1 as the
    benchmark does (that normalisation does not change the two ratios; it is what makes documents
    weigh equally). Edge cases, where "empty" means "has no tokens":

    - both empty: (1.0, 1.0), nothing was to be found and nothing was invented.
    - prediction empty, gold not: precision is `nan` and recall 0.0.
    - gold empty, prediction not: precision 0.0 and recall `nan`.

    `nan` marks a value the reference implementation leaves out of its means (it averages
    precision only over documents with a prediction, recall only over documents with a gold
    body); `evaluate` skips it the same way, so an empty prediction costs recall, not precision.
    The one deviation: the reference leaves a both-empty document out of both means, where
    `evaluate` counts it as perfect (the benchmark has no empty gold body, so its figures agree).
    """
    gold_sh, pred_sh = shingles(gold), shingles(pred)
    if not gold_sh and not pred_sh:
        return 1.0, 1.0
    if not pred_sh:
        return math.nan, 0.0
    if not gold_sh:
        return 0.0, math.nan
    tp = sum((gold_sh & pred_sh).values())
    fp = sum((pred_sh - gold_sh).values())
    fn = sum((gold_sh - pred_sh).values())
    total = tp + fp + fn
    tp_n, fp_n, fn_n = tp / total, fp / total, fn / total
    return tp_n / (tp_n + fp_n), tp_n / (tp_n + fn_n)


@dataclass(slots=True)
class FieldAccuracy:
    """How often a metadata field came out right: over gold records that have the field."""

    count: int = 0
    matched: int = 0

    @property
    def accuracy(self) -> float | None:
        """The fraction matched, or None when no gold record has the field (nothing to judge)."""
        return self.matched / self.count if self.count else None

    def to_dict(self) -> dict[str, Any]:
        """Plain values for a JSON report."""
        return {"count": self.count, "matched": self.matched, "accuracy": self.accuracy}


@dataclass(slots=True)
class EvalReport:
    """The figures of one evaluation run, ready to print or to save as JSON.

    `precision` and `recall` are means over documents (skipping undefined values, see
    `score_document`), `f1` is the F1 of those two means, as in the benchmark's table.
    `missing` lists gold sources with no predicted record; they were scored as empty predictions.
    """

    documents: int
    precision: float
    recall: float
    f1: float
    title: FieldAccuracy = field(default_factory=FieldAccuracy)
    authors: FieldAccuracy = field(default_factory=FieldAccuracy)
    published: FieldAccuracy = field(default_factory=FieldAccuracy)
    missing: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain values for a JSON report."""
        return {
            "documents": self.documents,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "title": self.title.to_dict(),
            "authors": self.authors.to_dict(),
            "published": self.published.to_dict(),
            "missing": list(self.missing),
        }

    def format(self) -> str:
        """A small table for a terminal."""
        lines = [
            f"documents  {self.documents}  (missing from prediction: {len(self.missing)})",
            f"body       precision {self.precision:.3f}  recall {self.recall:.3f}  "
            f"F1 {self.f1:.3f}",
        ]
        for name in ("title", "authors", "published"):
            acc: FieldAccuracy = getattr(self, name)
            shown = "  n/a" if acc.accuracy is None else f"{acc.accuracy:.3f}"
            lines.append(f"{name:<10} {shown}  ({acc.matched} of {acc.count} gold)")
        return "\n".join(lines)


def load_records(path: str | Path) -> dict[str, dict]:
    """Read a JSONL file (gzip if it ends in .gz) into records keyed by `source`.

    Every failure names the file and line, because these files are written by hand as often as
    by the pipeline. A repeated source is an error too: keeping either copy would hide a bug.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    records: dict[str, dict] = {}
    with opener(path, "rt", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: not valid JSON: {exc.msg}") from exc
            if not isinstance(record, dict) or not isinstance(record.get("source"), str):
                raise ValueError(f"{path}:{lineno}: not a JSON object with a string 'source'")
            if record["source"] in records:
                raise ValueError(f"{path}:{lineno}: source {record['source']!r} seen twice")
            records[record["source"]] = record
    return records


def aeb_gold(ground_truth_path: str | Path) -> list[dict]:
    """Turn the benchmark's ground-truth.json into gold records, sorted by id.

    Page X is stored as `html/X.html.gz`, so that file name is its source.
    """
    with open(ground_truth_path, encoding="utf-8") as fh:
        truth = json.load(fh)
    return [
        {"source": f"{page_id}.html.gz", "text": item["articleBody"], "url": item.get("url")}
        for page_id, item in sorted(truth.items())
    ]


def _mean(values: Iterable[float]) -> float:
    """Mean of the defined values; 0.0 when there are none (nothing earned nothing)."""
    kept = [v for v in values if not math.isnan(v)]
    return sum(kept) / len(kept) if kept else 0.0


def _norm_text(value: Any) -> str:
    return " ".join(str(value).split()).casefold() if value else ""


def _title_matches(gold: Any, pred: Any) -> bool:
    return _norm_text(gold) == _norm_text(pred)


def _authors_matches(gold: Any, pred: Any) -> bool:
    return {_norm_text(a) for a in gold or []} == {_norm_text(a) for a in pred or []}


def _parse_when(value: str) -> date | datetime | None:
    """A date for a date-only string, a datetime for one with a time, None if neither."""
    text = value.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"  # Python 3.10's fromisoformat does not read "Z"
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            return parse(text)
        except ValueError:
            continue
    return None


def _published_matches(gold: Any, pred: Any) -> bool:
    """Same date; when gold has a time, also the same minute (as instants if both carry a zone)."""
    gold_when = _parse_when(str(gold))
    if gold_when is None:
        return gold == pred
    pred_when = _parse_when(pred) if isinstance(pred, str) and pred.strip() else None
    if pred_when is None:
        return False
    if not isinstance(gold_when, datetime):
        pred_day = pred_when.date() if isinstance(pred_when, datetime) else pred_when
        return pred_day == gold_when
    if not isinstance(pred_when, datetime):
        return False
    if gold_when.tzinfo is not None and pred_when.tzinfo is not None:
        gold_when = gold_when.astimezone(timezone.utc)
        pred_when = pred_when.astimezone(timezone.utc)
    return _to_minute(gold_when) == _to_minute(pred_when)


def _to_minute(when: datetime) -> datetime:
    return when.replace(second=0, microsecond=0, tzinfo=None)


_FIELD_MATCHERS = {
    "title": _title_matches,
    "authors": _authors_matches,
    "published": _published_matches,
}


def evaluate(gold: dict[str, dict], pred: dict[str, dict]) -> EvalReport:
    """Score predicted records against gold records, both keyed by source.

    A gold source absent from `pred` is scored as an empty prediction and listed in `missing`;
    predicted sources absent from `gold` are ignored (there is nothing to score them against).
    A metadata field is judged only on gold records where it is present and non-empty.
    """
    precisions: list[float] = []
    recalls: list[float] = []
    accuracy = {name: FieldAccuracy() for name in _FIELD_MATCHERS}
    missing: list[str] = []
    for source in sorted(gold):
        gold_rec = gold[source]
        pred_rec = pred.get(source)
        if pred_rec is None:
            missing.append(source)
            pred_rec = {}
        precision, recall = score_document(gold_rec.get("text") or "", pred_rec.get("text") or "")
        precisions.append(precision)
        recalls.append(recall)
        for name, matches in _FIELD_MATCHERS.items():
            if gold_rec.get(name):
                accuracy[name].count += 1
                accuracy[name].matched += matches(gold_rec[name], pred_rec.get(name))
    mean_p, mean_r = _mean(precisions), _mean(recalls)
    f1 = 2 * mean_p * mean_r / (mean_p + mean_r) if mean_p + mean_r else 0.0
    return EvalReport(
        documents=len(gold),
        precision=mean_p,
        recall=mean_r,
        f1=f1,
        title=accuracy["title"],
        authors=accuracy["authors"],
        published=accuracy["published"],
        missing=missing,
    )
