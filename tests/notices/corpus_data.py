"""The corpus of real notices under tests/notices/corpus: inputs and hand-written expectations.

Word inputs are built at test time with python-docx from the stored real text or table, so no
binary file is committed. `score` compares what the importer read with what a person read.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"
FIELDS = ["titles", "文号", "authorities", "dates", "phases", "fees", "phones"]


def expectations() -> dict[str, dict]:
    data = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    return {name: value for name, value in data.items() if not name.startswith("_")}


def docx_bytes(paragraphs: list[str], table: list[list[str]] | None = None, after=()) -> bytes:
    """A Word document with the paragraphs, then the table (first row a header), then more."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    for text in after:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def inputs(name: str, expected: dict) -> list[tuple[str, bytes]]:
    """(file name, bytes) to import: the text itself, and a Word version where asked."""
    path = CORPUS / name
    if name.endswith(".docx.json"):
        spec = json.loads(path.read_text(encoding="utf-8"))
        data = docx_bytes(spec["paragraphs"], spec["table"], spec.get("paragraphs_after", []))
        return [(name.removesuffix(".json"), data)]
    raw = path.read_bytes()
    result = [(name, raw)]
    if expected.get("docx"):
        lines = [line for line in raw.decode("utf-8").splitlines() if line.strip()]
        result = [(name.rsplit(".", 1)[0] + ".docx", docx_bytes(lines))] + result
    return result


@dataclass
class Score:
    found: Counter = field(default_factory=Counter)  # true positives per field
    invented: Counter = field(default_factory=Counter)  # false positives
    missed: Counter = field(default_factory=Counter)  # false negatives
    details: list[str] = field(default_factory=list)

    def precision(self, name: str) -> float:
        total = self.found[name] + self.invented[name]
        return self.found[name] / total if total else 1.0

    def recall(self, name: str) -> float:
        total = self.found[name] + self.missed[name]
        return self.found[name] / total if total else 1.0

    def table(self) -> str:
        rows = [
            "| 字段 | 应有 | 读出 | 正确 | 精确率 | 召回率 |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for name in FIELDS:
            expected = self.found[name] + self.missed[name]
            read = self.found[name] + self.invented[name]
            rows.append(
                f"| {name} | {expected} | {read} | {self.found[name]} | "
                f"{self.precision(name):.1%} | {self.recall(name):.1%} |"
            )
        return "\n".join(rows)


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def _compare(score: Score, name: str, source: str, expected: list, got: list) -> None:
    want, have = Counter(expected), Counter(got)
    hit = sum((want & have).values())
    score.found[name] += hit
    score.invented[name] += sum((have - want).values())
    score.missed[name] += sum((want - have).values())
    if want != have:
        score.details.append(
            f"{source} {name}: 缺 {sorted(map(str, (want - have).elements()))} "
            f"多 {sorted(map(str, (have - want).elements()))}"
        )


def _fold(text: str | None) -> str | None:
    """Titles and issuers compared without spaces and with （） for (): layout, not content."""
    if not text:
        return text
    return "".join(text.split()).replace("(", "（").replace(")", "）")


def score_notice(score: Score, source: str, expected: dict, parsed) -> None:
    def single(value):
        return [_fold(value)] if value else []

    _compare(score, "titles", source, single(expected["title"]), single(parsed.title))
    # The 成文日期 is scored with the dates (it is one of them).
    _compare(
        score, "文号", source, single(expected["document_number"]), single(parsed.document_number)
    )
    _compare(
        score, "authorities", source, single(expected["authority"]), single(parsed.authority_name)
    )
    _compare(
        score,
        "dates",
        source,
        [(_date(s), _date(e)) for s, e in expected["dates"]],
        [(d.start, d.end) for d in parsed.dates],
    )
    _compare(
        score,
        "phases",
        source,
        [(k, _date(s), _date(e)) for k, s, e in expected["phases"]],
        [
            (p.kind, p.start, p.end if p.end else (p.start if p.start else None))
            for p in parsed.phases
        ],
    )
    _compare(
        score,
        "fees",
        source,
        [(level, Decimal(amount), kind) for level, amount, kind in expected["fees"]],
        [(f.level, f.amount, f.kind) for f in parsed.fees],
    )
    _compare(score, "phones", source, expected["phones"], parsed.phones)
