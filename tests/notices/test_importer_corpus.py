"""Precision and recall of the importer over the corpus of real notices (tests/notices/corpus).

The expected facts were written by hand from each text (corpus/expected.json). The levels
below are the ones measured when this test was written (README, “Notice importer”): the test
fails as soon as any field reads less of what the notices say, or invents anything.
"""

from __future__ import annotations

import json

import pytest

from notices.importer import parse_file

from .corpus_data import CORPUS, FIELDS, Score, expectations, inputs, score_notice

# Measured over 29 inputs (24 notices; four fee schedules also laid out as Word tables, 6 Word
# files in all); README.md.
MEASURED_PRECISION = dict.fromkeys(FIELDS, 1.0)
MEASURED_RECALL = dict.fromkeys(FIELDS, 1.0)


@pytest.fixture(scope="module")
def score() -> Score:
    result = Score()
    for name, expected in expectations().items():
        for filename, data in inputs(name, expected):
            # A crash here fails the test: every real notice must be read without one.
            parsed = parse_file(data, filename, require_title=False)
            score_notice(result, filename, expected, parsed)
    return result


def test_corpus_is_real_varied_and_sourced():
    corpus = expectations()
    distinct = [entry for entry in corpus.values() if not entry.get("same_notice_as")]
    assert len(distinct) >= 24
    assert all(entry["source"] for entry in corpus.values())
    series = {entry["series"] for entry in corpus.values()}
    assert {"会计", "中小学教师", "卫生", "农业", "工程", "高校教师", "经济"} <= series
    assert len({entry["province"] for entry in corpus.values()}) >= 10
    assert sum(2019 <= entry["year"] <= 2026 for entry in distinct) >= 19
    words = [name for name, entry in corpus.items() for name, _ in inputs(name, entry)]
    assert sum(name.endswith(".docx") for name in words) >= 6
    # Each Word table made from a notice's text says so, and the text's address is recorded.
    for name, entry in corpus.items():
        if name.endswith(".docx.json") and entry.get("same_notice_as"):
            spec = json.loads((CORPUS / name).read_text(encoding="utf-8"))
            address = corpus[entry["same_notice_as"]]["source"].split()[0]
            assert entry["same_notice_as"] in spec["_note"] and address in spec["_note"]
            assert address in entry["source"]


@pytest.mark.parametrize("field", FIELDS)
def test_precision_and_recall_do_not_drop(score, field):
    assert score.precision(field) >= MEASURED_PRECISION[field], score.details
    assert score.recall(field) >= MEASURED_RECALL[field], score.details


def test_nothing_invented(score):
    assert sum(score.invented.values()) == 0, score.details


def test_score_counts_misses_and_inventions():
    # The scorer itself can fail: a wrong fee and a missing phone are both counted.
    from types import SimpleNamespace

    result = Score()
    expected = {"title": "关于…的通知", "document_number": None, "authority": None,
                "dates": [], "phases": [], "fees": [["高级", "450", "评审费"]],
                "phones": ["0991-4165371"]}  # fmt: skip
    parsed = SimpleNamespace(
        title="关于…的通知", document_number="", authority_name="", dates=[], phases=[],
        fees=[SimpleNamespace(level="中级", amount=450, kind="评审费")], phones=[],
    )  # fmt: skip
    score_notice(result, "x", expected, parsed)
    assert result.recall("fees") == 0 and result.precision("fees") == 0
    assert result.recall("phones") == 0 and result.recall("titles") == 1
