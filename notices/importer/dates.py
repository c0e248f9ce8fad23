"""Chinese date expressions in notices: 2023年9月1日-10月15日, 9月5日—9月30日, 截止时间为9月30日之前."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .facts import valid_date

DATE = r"(?:(?P<{p}y>\d{{4}})年)?(?P<{p}m>\d{{1,2}})月(?P<{p}d>\d{{1,2}})日"
RANGE_MARK = r"\s*(?:[-—–－~～]+|至|到)\s*"
RANGE = re.compile(
    DATE.format(p="a") + RANGE_MARK + r"(?:(?P<by>\d{4})年)?(?:(?P<bm>\d{1,2})月)?(?P<bd>\d{1,2})日"
)
SINGLE = re.compile(DATE.format(p="a"))
DEADLINE = re.compile(r"(截止|截至|之前|以前|前)")


@dataclass(frozen=True)
class DateSpan:
    """A span of days found in a sentence; `start` is None for a bare deadline."""

    start: dt.date | None
    end: dt.date | None
    match_start: int
    match_end: int
    tentative: bool = False


def find_span(text: str, default_year: int) -> DateSpan | None:
    """The first date or date range in `text`; a year missing from it comes from context.

    `9月5日—9月30日` in a notice for 2024 is 2024-09-05 to 2024-09-30; an end month before the
    start month rolls into the next year. A single date after 截止 or before 之前 is a deadline.
    """
    tentative = "拟" in text
    match = RANGE.search(text)
    if match:
        year = int(match["ay"] or _year_before(text, match.start()) or default_year)
        start = valid_date(year, int(match["am"]), int(match["ad"]))
        end_month = int(match["bm"] or match["am"])
        end_year = int(match["by"] or (year + 1 if end_month < int(match["am"]) else year))
        end = valid_date(end_year, end_month, int(match["bd"]))
        if start and end:
            return DateSpan(start, end, match.start(), match.end(), tentative)
    match = SINGLE.search(text)
    if match:
        year = int(match["ay"] or _year_before(text, match.start()) or default_year)
        day = valid_date(year, int(match["am"]), int(match["ad"]))
        if day:
            before = text[max(0, match.start() - 8) : match.start()]
            after = text[match.end() : match.end() + 3]
            if "截止" in before or "截至" in before or re.match(r"之?前|以前|止", after):
                return DateSpan(None, day, match.start(), match.end(), tentative)
            return DateSpan(day, day, match.start(), match.end(), tentative)
    return None


def _year_before(text: str, position: int) -> str | None:
    years = re.findall(r"(\d{4})年", text[:position])
    return years[-1] if years else None
