"""What the editor checks before a draft is made: each fact beside the words it came from.

Pure functions: `review_facts` lists the facts of a ParsedNotice with their spans, `highlight`
renders the normalised text with those spans marked (<mark id="fact-N">), escaped.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .parse import ParsedNotice


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
    """The text, escaped, with each fact's span wrapped in <mark id=… title=…>.

    Spans inside an earlier one (a date inside its phase) are not nested: the outer mark
    already shows where the fact came from.
    """
    parts: list[str] = []
    position = 0
    for fact in sorted((f for f in facts if f.span), key=lambda f: (f.span[0], -f.span[1])):
        start, end = fact.span
        if start < position or end <= start or end > len(text):
            continue
        parts.append(escape(text[position:start]))
        parts.append(
            f'<mark id="{fact.anchor}" title="{escape(fact.group)}：{escape(fact.value)}">'
            f"{escape(text[start:end])}</mark>"
        )
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))


def keep_only(parsed: ParsedNotice, kept: set[str]) -> None:
    """Drop the phases, fees and contacts the editor unticked in the review (by key)."""
    parsed.phases = [p for i, p in enumerate(parsed.phases) if f"phase-{i}" in kept]
    parsed.fees = [f for i, f in enumerate(parsed.fees) if f"fee-{i}" in kept]
    parsed.contacts = [c for i, c in enumerate(parsed.contacts) if f"contact-{i}" in kept]
