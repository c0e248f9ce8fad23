"""Formatting rules of the public site: dates as 2023年9月1日, sizes as 86 KB."""

from __future__ import annotations

import datetime as dt

CHINESE_NUMERALS = "〇一二三四五六七八九"


def cn_date(value: dt.date | dt.datetime | None) -> str:
    """2023年9月1日 (no leading zeros), the way every date appears on the site."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def cn_numeral_date(value: dt.date) -> str:
    """二〇二三年九月一日, the 成文日期 style some bureaus prefer on documents."""

    def number(n: int) -> str:
        if n < 10:
            return CHINESE_NUMERALS[n]
        tens, units = divmod(n, 10)
        head = "" if tens == 1 else CHINESE_NUMERALS[tens]
        return f"{head}十{CHINESE_NUMERALS[units] if units else ''}"

    year = "".join(CHINESE_NUMERALS[int(d)] for d in str(value.year))
    return f"{year}年{number(value.month)}月{number(value.day)}日"


def file_size_label(size: int | None) -> str:
    """86 KB, 1.2 MB: how a download states its size."""
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"
