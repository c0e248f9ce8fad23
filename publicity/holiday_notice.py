"""Read a year's holiday schedule from the text of its official notice.

The State Council publishes each year as 国务院办公厅关于20XX年部分节假日安排的通知: numbered
items (一、元旦：…), each with one sentence giving the days off (…至…放假…) and, when
there are any, one sentence listing make-up working days (…上班). A region's notice (e.g.
新疆维吾尔自治区人民政府办公厅关于20XX年节假日放假…的通知) has the same shape with items
(（一）元旦：…) and adds its own holidays (肉孜节、古尔邦节: "3月31日（周一）是…肉孜节，
3月29日（周六）至31日（周一）放假，共3天。").

The text varies: full- or half-width punctuation, the month left out of a range's end
("2月10日至17日"), weekdays in brackets as 周四 or 星期日, lunar notes ("农历腊月二十八、周日"),
a year only where it differs ("2022年12月31日至2023年1月2日"). A weekday given in the text is
checked against the date, so a wrong year or a typo is reported instead of imported.

No library is used: the dates here are always 月/日 with an optional 年, and date-parsing
libraries for Chinese (e.g. those built on dateparser) neither read "至17日" as the same month
nor check the bracketed weekday; a small, typed reader is clearer and fully tested.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from website.formatting import cn_date

from .workdays import Override

NATIONAL_HOLIDAYS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
WEEKDAY_NAMES = "一二三四五六日"
_NUMERAL = "一二三四五六七八九十"
# An item marker at the start of a paragraph: 一、 or （一） (also with half-width brackets).
_ITEM = re.compile(
    rf"^\s*(?:[{_NUMERAL}]+、|（[{_NUMERAL}]+）)\s*(?P<name>[^：\n]{{1,20}}?)：(?P<body>.*)$"
)
_DATE = re.compile(
    r"(?:(?P<year>\d{4})年)?(?:(?P<month>\d{1,2})月)?(?P<day>\d{1,2})日(?:（(?P<note>[^）]*)）)?"
)
_DOCUMENT_NUMBER = re.compile(r"[\u4e00-\u9fff]{2,12}〔\d{4}〕\d{1,4}号")
_YEAR = re.compile(r"(?:关于|现将|我区|将)(\d{4})年")
_SIGNED = re.compile(r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*$", re.MULTILINE)
_HALF_TO_FULL = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，", ";": "；"})


class NoticeParseError(ValueError):
    """The text cannot be read as a holiday notice; the message says where and why."""


@dataclass(frozen=True)
class NoticeItem:
    """One numbered item: a holiday's days off and the make-up working days it brings."""

    name: str
    days_off: list[datetime.date]
    make_up_days: list[datetime.date]

    @property
    def names(self) -> list[str]:
        """国庆节、中秋节 → ["国庆节", "中秋节"]."""
        found = [n for n in re.split(r"[、和与]", self.name) if n]
        if len(found) == 1:
            # 国庆节中秋节 written without a separator.
            found = re.findall(r"元旦|[\u4e00-\u9fff]+?节", self.name) or found
        return found

    @property
    def is_national(self) -> bool:
        return all(name in NATIONAL_HOLIDAYS for name in self.names)

    @property
    def label(self) -> str:
        return "、".join(self.names)


@dataclass
class ParsedNotice:
    year: int
    items: list[NoticeItem]
    document_number: str = ""
    signed: datetime.date | None = None
    warnings: list[str] = field(default_factory=list)

    def days(self, *, regional_only: bool = False) -> dict[datetime.date, Override]:
        """Every listed day: off with its holiday's name, make-up days as 某节调休上班."""
        result: dict[datetime.date, Override] = {}
        for item in self.items:
            if regional_only and item.is_national:
                continue
            for day in item.days_off:
                result[day] = Override(False, item.label)
            for day in item.make_up_days:
                result[day] = Override(True, f"{item.label}调休上班")
        return dict(sorted(result.items()))

    def regional_items(self) -> list[NoticeItem]:
        return [item for item in self.items if not item.is_national]


def normalize(text: str) -> str:
    """Full-width punctuation; no spaces inside a line ("4 月27日" occurs in real notices)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_HALF_TO_FULL)
    text = re.sub(r"[ \t\u00a0\u3000]+", "", text)
    # Text pasted without line breaks: start each item on its own line.
    return re.sub(rf"(?<=[。；])(?=[{_NUMERAL}]+、|（[{_NUMERAL}]+）)", "\n", text)


def detect_year(text: str) -> int | None:
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None


def _dates(fragment: str, year: int, where: str) -> list[datetime.date]:
    """The dates written in `fragment`, a month or year carried over from the previous one."""
    found: list[datetime.date] = []
    month: int | None = None
    current_year = year
    for match in _DATE.finditer(fragment):
        if match.group("year"):
            current_year = int(match.group("year"))
        if match.group("month"):
            month = int(match.group("month"))
        if month is None:
            raise NoticeParseError(f"{where}：“{match.group(0)}”缺少月份。")
        try:
            day = datetime.date(current_year, month, int(match.group("day")))
        except ValueError:
            raise NoticeParseError(
                f"{where}：“{match.group(0)}”不是有效日期（{current_year}年）。"
            ) from None
        note = match.group("note") or ""
        weekday = re.search(r"(?:周|星期)([一二三四五六日天])", note)
        if weekday:
            written = WEEKDAY_NAMES.index(weekday.group(1).replace("天", "日"))
            if written != day.weekday():
                raise NoticeParseError(
                    f"{where}：{cn_date(day)}是星期{WEEKDAY_NAMES[day.weekday()]}，"
                    f"通知写的是“{weekday.group(0)}”。请检查年份或日期。"
                )
        found.append(day)
    return found


def _days_off(sentence: str, year: int, where: str) -> list[datetime.date]:
    """The clause with 放假: "A至B放假" is a range, "A放假" one day, "A、B放假" a list."""
    clauses = [c for c in sentence.split("，") if "放假" in c]
    if not clauses:
        raise NoticeParseError(f"{where}：找不到“放假”的日期。")
    clause = clauses[0]
    if "至" in clause:
        before, after = clause.split("至", 1)
        first = _dates(before, year, where)
        # "至17日" keeps the month of the start, "至2023年1月2日" names its own.
        last = _dates(before[_last_date_span(before) :] + after, year, where)
        if not first or len(last) < 2:
            raise NoticeParseError(f"{where}：无法读出“{clause}”的起止日期。")
        start, end = first[-1], last[-1]
        if end < start:
            raise NoticeParseError(f"{where}：结束日期早于开始日期（“{clause}”）。")
        return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]
    days = _dates(clause, year, where)
    if not days:
        raise NoticeParseError(f"{where}：无法读出“{clause}”的放假日期。")
    return days


def _last_date_span(text: str) -> int:
    """Where the last date of `text` starts (its month and year carry over to a range's end)."""
    matches = list(_DATE.finditer(text))
    return matches[-1].start() if matches else len(text)


def parse_notice(text: str, year: int | None = None) -> ParsedNotice:
    """The year's holidays and make-up days from a notice's text (raises NoticeParseError)."""
    text = normalize(text)
    if not text.strip():
        raise NoticeParseError("请粘贴通知全文或上传通知文件。")
    detected = detect_year(text)
    if year is None:
        if detected is None:
            raise NoticeParseError(
                "无法从通知中看出年份（如“关于2026年部分节假日安排”），请填写年份。"
            )
        year = detected
    elif detected is not None and detected != year:
        raise NoticeParseError(f"通知写的是{detected}年，与填写的{year}年不符。")
    items: list[NoticeItem] = []
    for line in text.split("\n"):
        match = _ITEM.match(line)
        if not match:
            continue
        name = match.group("name")
        names = re.findall(r"元旦|[\u4e00-\u9fff]+?节", name)
        if not names or "".join(names) != re.sub(r"[、和与]", "", name):
            continue  # a section heading such as 节假日放假安排 or 夏季作息时间
        where = f"“{name}”一项"
        body = match.group("body")
        sentences = [s for s in body.split("。") if s]
        off_sentences = [s for s in sentences if "放假" in s]
        if not off_sentences:
            raise NoticeParseError(f"{where}：找不到放假日期。")
        days_off = _days_off(off_sentences[0], year, where)
        make_up = [d for s in sentences if s.endswith("上班") for d in _dates(s, year, where)]
        for day in make_up:
            if day.weekday() < 5:
                raise NoticeParseError(
                    f"{where}：调休上班日{cn_date(day)}是工作日（星期{WEEKDAY_NAMES[day.weekday()]}），请检查。"
                )
        items.append(NoticeItem(name, days_off, make_up))
    if not items:
        raise NoticeParseError(
            "没有读到任何节假日安排。通知中的每一项应以“一、元旦：”或“（一）元旦：”开头。"
        )
    seen: dict[datetime.date, str] = {}
    for item in items:
        for day in item.days_off + item.make_up_days:
            if day in seen:
                raise NoticeParseError(f"{cn_date(day)}同时出现在“{seen[day]}”和“{item.name}”中。")
            seen[day] = item.name
    notice = ParsedNotice(year=year, items=items)
    number = _DOCUMENT_NUMBER.search(text)
    notice.document_number = number.group(0) if number else ""
    signed = _SIGNED.findall(text)
    if signed:
        y, m, d = (int(x) for x in signed[-1])
        notice.signed = datetime.date(y, m, d)
    names = {n for item in items for n in item.names}
    missing = [n for n in NATIONAL_HOLIDAYS if n not in names]
    if missing and any(item.is_national for item in items):
        notice.warnings.append(f"通知中没有读到：{'、'.join(missing)}。请核对是否粘贴了全文。")
    for item in items:
        off_year = {d.year for d in item.days_off}
        if off_year - {year} and item.names != ["元旦"]:
            notice.warnings.append(f"“{item.name}”的放假日期不在{year}年内，请核对。")
    return notice
