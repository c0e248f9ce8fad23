"""What the editor checks before a draft is made: each fact beside the words it came from.

Pure functions: `review_facts` lists the facts of a ParsedNotice with their spans, `highlight`
renders the normalised text with those spans marked (<mark id="fact-N">), escaped.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .parse import ParsedNotice
from .text import row_cells


@dataclass
class ReviewFact:
    group: str  # 标题 / 文号 / 时间安排 / 评审费 / 联系方式 / 日期 …
    value: str
    span: tuple[int, int] | None
    anchor: str = ""
    excerpt: str = ""  # the source words, for the list beside the text
    key: str = ""  # phase-N / fee-N / contact-N: facts the editor may drop before confirming


def _date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def review_facts(parsed: ParsedNotice) -> list[ReviewFact]:
    """Every fact the importer read, in reading order of the notice where it has a span."""
    facts: list[ReviewFact] = []
    single = [
        ("标题", parsed.title, "title"),
        ("文号", parsed.document_number, "document_number"),
        ("发文机关", parsed.authority_name, "authority_name"),
        ("成文日期", _date(parsed.issue_date), "issue_date"),
    ]
    for group, value, key in single:
        if value:
            facts.append(ReviewFact(group, value, parsed.spans.get(key)))
    for number, phase in enumerate(parsed.phases):
        if phase.to_be_announced:
            when = "另行通知"
        elif phase.start and phase.end:
            when = f"{_date(phase.start)}至{_date(phase.end)}"
        elif phase.end:
            when = f"{_date(phase.end)}前"
        else:
            when = _date(phase.start)
        kind = phase.kind or "未识别类型"
        facts.append(
            ReviewFact(
                "时间安排", f"{kind}：{phase.label}，{when}", phase.span, key=f"phase-{number}"
            )
        )
    used = {tuple(f.span) for f in facts if f.span}
    for date in parsed.dates:
        if tuple(date.span) in used or any(
            f.span and f.span[0] <= date.span[0] and date.span[1] <= f.span[1] for f in facts
        ):
            continue
        when = (
            f"{_date(date.end)}前"
            if date.deadline
            else (
                f"{_date(date.start)}至{_date(date.end)}"
                if date.start != date.end
                else _date(date.start)
            )
        )
        facts.append(ReviewFact("其他日期", when, date.span))
    for number, fee in enumerate(parsed.fees):
        level = fee.level or "未写明级别"
        value = f"{level} {fee.kind or '费用'} {fee.amount} 元"
        facts.append(ReviewFact("费用", value, fee.span, key=f"fee-{number}"))
    for number, contact in enumerate(parsed.contacts):
        people = f"{contact.people} " if contact.people else ""
        value = f"{contact.purpose}：{people}{'、'.join(contact.phones)}"
        facts.append(ReviewFact("联系方式", value, contact.span, key=f"contact-{number}"))
    facts.sort(key=lambda f: f.span[0] if f.span else -1)
    for number, fact in enumerate(facts, start=1):
        fact.anchor = f"fact-{number}"
        if fact.span:
            fact.excerpt = parsed.text[fact.span[0] : fact.span[1]][:80]
    return facts


def highlight(text: str, facts: list[ReviewFact]) -> SafeString:
    """The text, escaped, with each fact's span wrapped in <mark id=… title=…>; the rows of a
    table (「| 高级 | 600 |」 lines, as Word tables are read) shown as an HTML table.

    Spans inside an earlier one (a date inside its phase) are not nested: the outer mark
    already shows where the fact came from. A span that covers a whole table row marks the row.
    """
    marks: list[tuple[int, int, ReviewFact]] = []
    position = 0
    for fact in sorted((f for f in facts if f.span), key=lambda f: (f.span[0], -f.span[1])):
        start, end = fact.span
        if start < position or end <= start or end > len(text):
            continue
        marks.append((start, end, fact))
        position = end
    parts: list[str] = []
    position = 0
    for table_start, table_end in _table_runs(text):
        before_end = table_start - 1 if table_start else 0  # the line break before the table
        parts.append(_marked(text, position, max(position, before_end), marks))
        parts.append(_table(text, table_start, table_end, marks))
        position = min(len(text), table_end + 1)
    parts.append(_marked(text, position, len(text), marks))
    return mark_safe("".join(parts))


def _mark_open(fact: ReviewFact, tag: str = "mark", extra: str = "") -> str:
    return f'<{tag} id="{fact.anchor}" title="{escape(fact.group)}：{escape(fact.value)}"{extra}>'


def _marked(text: str, start: int, end: int, marks) -> str:
    """text[start:end] escaped, with the marks that lie wholly inside it."""
    parts, position = [], start
    for mark_start, mark_end, fact in marks:
        if mark_start < position or mark_end > end:
            continue
        parts.append(escape(text[position:mark_start]))
        parts.append(f"{_mark_open(fact)}{escape(text[mark_start:mark_end])}</mark>")
        position = mark_end
    parts.append(escape(text[position:end]))
    return "".join(parts)


def _table_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each run of consecutive lines that are table rows."""
    runs: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        if line.startswith("|"):
            if runs and runs[-1][1] == line_start - 1:
                runs[-1] = (runs[-1][0], line_end)
            else:
                runs.append((line_start, line_end))
        line_start = line_end + 1
    return runs


def _table(text: str, start: int, end: int, marks) -> str:
    rows, line_start = [], start
    for number, line in enumerate(text[start:end].split("\n")):
        line_end = line_start + len(line)
        row_mark = next((f for s, e, f in marks if (s, e) == (line_start, line_end)), None)
        cell = "th" if number == 0 else "td"
        cells = "".join(
            f"<{cell}>{_marked(text, line_start + a, line_start + b, marks)}</{cell}>"
            for a, b in row_cells(line)
        )
        opening = _mark_open(row_mark, "tr", ' class="is-marked"') if row_mark else "<tr>"
        rows.append(f"{opening}{cells}</tr>")
        line_start = line_end + 1
    return f'<table class="notice-review__table">{"".join(rows)}</table>'


def keep_only(parsed: ParsedNotice, kept: set[str]) -> None:
    """Drop the phases, fees and contacts the editor unticked in the review (by key)."""
    parsed.phases = [p for i, p in enumerate(parsed.phases) if f"phase-{i}" in kept]
    parsed.fees = [f for i, f in enumerate(parsed.fees) if f"fee-{i}" in kept]
    parsed.contacts = [c for i, c in enumerate(parsed.contacts) if f"contact-{i}" in kept]
