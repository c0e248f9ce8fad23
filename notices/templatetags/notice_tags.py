"""Template helpers of the notices column: section numerals, blanks, the home-page section."""

from __future__ import annotations

import re

from django import template
from django.db.models import Q
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from notices.timeline import phase_state

register = template.Library()

CN_DIGITS = "零一二三四五六七八九"
PLACEHOLDER = re.compile(r"×+|X{2,}")


@register.filter
def cn_numeral(value: int) -> str:
    """1 → 一, 12 → 十二: the numbering of notice sections (一、二、…)."""
    n = int(value)
    if n < 10:
        return CN_DIGITS[n]
    tens, units = divmod(n, 10)
    return f"{'' if tens == 1 else CN_DIGITS[tens]}十{CN_DIGITS[units] if units else ''}"


@register.filter
def numbered_sections(body) -> list[tuple[object, int | None]]:
    """(block, number) for each body block: headed sections are numbered 1, 2, …; a section
    without a heading (a table under the title) takes no number and does not shift the rest.
    """
    numbered = []
    number = 0
    for block in body:
        if block.block_type == "section" and not block.value.get("heading"):
            numbered.append((block, None))
            continue
        number += 1
        numbered.append((block, number))
    return numbered


@register.filter
def blanks(text: str) -> str:
    """Template text with ×× placeholders shown as underlined blanks to fill in."""
    parts = []
    position = 0
    text = str(text)
    for match in PLACEHOLDER.finditer(text):
        parts.append(conditional_escape(text[position : match.start()]))
        width = max(2, len(match.group(0)))
        parts.append(
            f'<span class="blank" style="min-width:{width}em" aria-label="待填写">'
            f'<span class="visually-hidden">（待填写）</span></span>'
        )
        position = match.end()
    parts.append(conditional_escape(text[position:]))
    return mark_safe("".join(parts))


@register.filter
def signature_blank(text: str) -> str:
    """签字：（承诺人） → 签字：______（承诺人）: a line to sign on, then the hint."""
    text = str(text)
    match = re.match(r"^(签字|签名|签章)([：:])(.*)$", text)
    if not match:
        return blanks(text)
    return mark_safe(
        f"{conditional_escape(match.group(1) + match.group(2))}"
        f'<span class="blank blank--sign" aria-label="签字处"></span>'
        f"{blanks(match.group(3))}"
    )


@register.inclusion_tag("notices/includes/home_section_content.html")
def notices_home_section(limit: int = 5):
    """Latest notices and the phases open today, in a constant number of queries."""
    from notices.models import NoticePage, NoticePhase

    today = timezone.localdate()
    latest = list(
        NoticePage.objects.live()
        .public()
        .select_related("authority")
        .order_by("-review_year", "-first_published_at")[:limit]
    )
    open_now = (
        NoticePhase.objects.filter(page__live=True, to_be_announced=False)
        .filter(
            Q(start_date__lte=today, end_date__gte=today)
            | Q(start_date=today, end_date__isnull=True)
            | Q(start_date__isnull=True, end_date__gte=today)
        )
        .select_related("page")
        .order_by("end_date", "start_date")
    )
    phases = [
        {"phase": p, "state": phase_state(p.start_date, p.end_date, False, today)}
        for p in open_now[:limit]
    ]
    return {"latest": latest, "open_phases": phases, "today": today}


@register.simple_tag
def template_table(value) -> dict:
    """The laid-out grid of a template table (merged answer boxes, widths), max 20 rows shown."""
    from notices.blocks import table_layout

    layout = table_layout(value)
    return {
        "header": layout.header,
        "rows": layout.rows[:20],
        "widths": [f"{w * 100:.1f}%" for w in layout.column_widths],
    }
