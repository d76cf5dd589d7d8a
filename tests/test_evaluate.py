"""Tests for the quality scorer and the benchmark's plain-text renderer, on small inline inputs."""

from __future__ import annotations

import gzip
import importlib.util
import json
import math
from collections import Counter
from pathlib import Path

import pytest

from ingest.evaluate import (
    EvalReport,
    aeb_gold,
    evaluate,
    load_records,
    score_document,
    shingles,
    tokens,
)

TOOLS = Path(__file__).resolve().parents[1] / "tools"


def _gold(source: str, text: str, **fields: object) -> dict:
    return {"source": source, "text": text, **fields}


def test_tokens_are_unicode_word_runs_with_case_kept() -> None:
    assert tokens("Café, naïve—東京 2024!") == ["Café", "naïve", "東京", "2024"]
    assert tokens("It's") == ["It", "s"]
    assert tokens(" ... ") == []


def test_shingles_slide_four_tokens() -> None:
    assert shingles("a b c d e") == Counter({("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1})


def test_shingles_are_a_multiset() -> None:
    assert shingles("x x x x x") == Counter({("x", "x", "x", "x"): 2})


def test_shingles_of_short_and_empty_texts() -> None:
    assert shingles("just two") == Counter({("just", "two"): 1})
    assert shingles("— !") == Counter()


def test_shingles_size_parameter() -> None:
    assert shingles("a b c", size=2) == Counter({("a", "b"): 1, ("b", "c"): 1})


def test_identical_texts_score_one() -> None:
    text = "The council voted on Tuesday to close the old bridge."
    assert score_document(text, text) == (1.0, 1.0)


def test_punctuation_and_spacing_do_not_count_but_case_does() -> None:
    assert score_document("one two three four five", "one  two, three\n\nfour five.") == (1.0, 1.0)
    assert score_document("one two three four five", "One two three four five") != (1.0, 1.0)


def test_disjoint_texts_score_zero() -> None:
    assert score_document("a b c d e f", "u v w x y z") == (0.0, 0.0)


def test_partial_overlap_by_hand() -> None:
    # gold shingles abcd bcde cdef; pred abcd bcde cdex dexy: tp 2, fp 2, fn 1
    precision, recall = score_document("a b c d e f", "a b c d e x y")
    assert precision == pytest.approx(2 / 4)
    assert recall == pytest.approx(2 / 3)


def test_repeated_shingles_count_once_per_copy() -> None:
    # gold: abcd twice plus bcda cdab dabc; pred: abcd once. tp 1, fp 0, fn 4
    precision, recall = score_document("a b c d a b c d", "a b c d")
    assert precision == pytest.approx(1.0)
    assert recall == pytest.approx(1 / 5)
    # repeating the paragraph: the second abcd and the three joining shingles are false positives
    precision, recall = score_document("a b c d", "a b c d, a b c d")
    assert precision == pytest.approx(1 / 5)
    assert recall == pytest.approx(1.0)


def test_edge_cases_follow_the_reference() -> None:
    assert score_document("", "") == (1.0, 1.0)
    assert score_document("...", " ") == (1.0, 1.0)
    precision, recall = score_document("a b c d", "")
    assert math.isnan(precision) and recall == 0.0
    precision, recall = score_document("", "a b c d")
    assert precision == 0.0 and math.isnan(recall)


def test_evaluate_means_and_f1_of_means() -> None:
    gold = {
        "1": _gold("1", "a b c d e f"),
        "2": _gold("2", "a b c d e f"),
    }
    pred = {
        "1": {"source": "1", "text": "a b c d e f"},
        "2": {"source": "2", "text": "a b c d e x y"},
        "extra": {"source": "extra", "text": "ignored"},
    }
    report = evaluate(gold, pred)
    assert report.documents == 2
    assert report.precision == pytest.approx((1 + 1 / 2) / 2)
    assert report.recall == pytest.approx((1 + 2 / 3) / 2)
    p, r = report.precision, report.recall
    assert report.f1 == pytest.approx(2 * p * r / (p + r))
    assert report.missing == []


def test_missing_prediction_costs_recall_not_precision() -> None:
    gold = {"1": _gold("1", "a b c d e f"), "2": _gold("2", "g h i j k")}
    report = evaluate(gold, {"1": {"source": "1", "text": "a b c d e f"}})
    assert report.missing == ["2"]
    assert report.precision == pytest.approx(1.0)
    assert report.recall == pytest.approx(0.5)


def test_evaluate_nothing_scores_zero() -> None:
    report = evaluate({}, {})
    assert (report.documents, report.precision, report.recall, report.f1) == (0, 0.0, 0.0, 0.0)


def test_title_accuracy_collapses_space_and_case() -> None:
    gold = {
        "1": _gold("1", "x", title="Bridge  to Close\nIn May"),
        "2": _gold("2", "x", title="Rates Rise"),
        "3": _gold("3", "x"),
    }
    pred = {
        "1": {"source": "1", "text": "x", "title": "bridge to close in may"},
        "2": {"source": "2", "text": "x", "title": "Rates rise again"},
        "3": {"source": "3", "text": "x", "title": "not judged"},
    }
    report = evaluate(gold, pred)
    assert (report.title.count, report.title.matched) == (2, 1)
    assert report.title.accuracy == pytest.approx(0.5)


def test_author_accuracy_compares_sets_casefolded() -> None:
    gold = {
        "1": _gold("1", "x", authors=["Ana Silva", "Bo Chen"]),
        "2": _gold("2", "x", authors=["Ana Silva"]),
        "3": _gold("3", "x", authors=["Ana Silva"]),
        "4": _gold("4", "x", authors=[]),
    }
    pred = {
        "1": {"source": "1", "text": "x", "authors": ["BO CHEN", "ana silva"]},
        "2": {"source": "2", "text": "x", "authors": ["Ana Silva", "Staff"]},
        "3": {"source": "3", "text": "x", "authors": None},
    }
    report = evaluate(gold, pred)
    assert (report.authors.count, report.authors.matched) == (3, 1)


@pytest.mark.parametrize(
    ("gold", "pred", "matches"),
    [
        ("2024-03-05", "2024-03-05", True),
        ("2024-03-05", "2024-03-05T23:10:00+02:00", True),
        ("2024-03-05", "2024-03-06", False),
        ("2024-03-05T10:30:00", "2024-03-05T10:30:59", True),
        ("2024-03-05T10:30:00", "2024-03-05T10:31:00", False),
        ("2024-03-05T10:30:00Z", "2024-03-05T12:30:00+02:00", True),
        ("2024-03-05T10:30:00+00:00", "2024-03-05T10:30:00+02:00", False),
        ("2024-03-05T10:30:00", "2024-03-05", False),
        ("2024-03-05", "last Tuesday", False),
        ("2024-03-05", None, False),
    ],
)
def test_published_accuracy(gold: str, pred: str | None, matches: bool) -> None:
    report = evaluate(
        {"1": _gold("1", "x", published=gold)},
        {"1": {"source": "1", "text": "x", "published": pred}},
    )
    assert report.published.count == 1
    assert report.published.matched == int(matches)


def test_field_accuracy_without_gold_fields_is_undefined() -> None:
    report = evaluate({"1": _gold("1", "x", published=None)}, {"1": _gold("1", "x")})
    assert report.published.count == 0
    assert report.published.accuracy is None


def test_report_to_dict_and_format() -> None:
    report = evaluate(
        {"1": _gold("1", "a b c d", title="T"), "2": _gold("2", "e f g h")},
        {"1": {"source": "1", "text": "a b c d", "title": "t"}},
    )
    data = report.to_dict()
    assert isinstance(report, EvalReport)
    assert json.loads(json.dumps(data)) == data
    assert data["missing"] == ["2"]
    assert data["title"] == {"count": 1, "matched": 1, "accuracy": 1.0}
    assert data["authors"]["accuracy"] is None
    table = report.format()
    assert "F1 0.667" in table
    assert "missing from prediction: 1" in table
    assert "n/a" in table


def test_load_records_plain_and_gzip(tmp_path: Path) -> None:
    lines = [json.dumps({"source": "a.txt", "text": "A"}), "", json.dumps({"source": "b.txt"})]
    plain = tmp_path / "records.jsonl"
    plain.write_text("\n".join(lines) + "\n", encoding="utf-8")
    packed = tmp_path / "records.jsonl.gz"
    with gzip.open(packed, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    for path in (plain, packed):
        records = load_records(path)
        assert list(records) == ["a.txt", "b.txt"]
        assert records["a.txt"]["text"] == "A"


@pytest.mark.parametrize(
    ("third_line", "message"),
    [
        ('{"source": "c.txt", ', "not valid JSON"),
        ('["c.txt"]', "string 'source'"),
        ('{"text": "no source"}', "string 'source'"),
        ('{"source": "a.txt"}', "seen twice"),
    ],
)
def test_load_records_errors_name_file_and_line(
    tmp_path: Path, third_line: str, message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"source": "a.txt"}\n{"source": "b.txt"}\n' + third_line + "\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match=message) as info:
        load_records(path)
    assert f"{path}:3:" in str(info.value)


def test_aeb_gold(tmp_path: Path) -> None:
    truth = {
        "ff01": {"articleBody": "Second body.", "url": "https://example.org/b"},
        "0a02": {"articleBody": "First body.", "url": "https://example.org/a"},
    }
    path = tmp_path / "ground-truth.json"
    path.write_text(json.dumps(truth), encoding="utf-8")
    assert aeb_gold(path) == [
        {"source": "0a02.html.gz", "text": "First body.", "url": "https://example.org/a"},
        {"source": "ff01.html.gz", "text": "Second body.", "url": "https://example.org/b"},
    ]


def test_render_page_keeps_chrome_one_line_per_block() -> None:
    spec = importlib.util.spec_from_file_location("aeb_render", TOOLS / "aeb_render.py")
    assert spec is not None and spec.loader is not None
    aeb_render = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(aeb_render)
    html = """<!DOCTYPE html>
    <html><head><title>Page title</title><style>p { color: red }</style></head>
    <body>
      <nav><ul><li><a href="/">Home</a></li><li>World</li></ul></nav>
      <article>
        <h1>Bridge   to close</h1>
        <p>The council <b>voted</b> on
           Tuesday.<!-- ad --> Work starts<br>in May.</p>
        <script>var tracking = 1;</script><noscript>Enable JavaScript</noscript>
        <table><tr><td>Cost</td><td>£2m</td></tr></table>
        <pre>line one
line  two</pre>
        <svg><text>icon</text></svg>
      </article>
      <footer><div>© Example News</div><div>   </div></footer>
    </body></html>"""
    assert aeb_render.render_page(html).split("\n") == [
        "Home",
        "World",
        "Bridge to close",
        "The council voted on Tuesday. Work starts",
        "in May.",
        "Cost £2m",
        "line one",
        "line two",
        "© Example News",
    ]
    assert aeb_render.render_page("") == ""
