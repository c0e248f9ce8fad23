"""推荐单位公示: the employer's own publicity of its applicants, and afterwards its result.

Every review notice asks each employer to post the applicants it recommends for at least five
working days («公示时间从××××年××月××日起至××××年××月××日止») before recommending them.
This module fills that text for one unit: the period comes from the working-day calendar of
the unit's region (新疆's 肉孜节 and 古尔邦节 included), with a warning when it would end after
the notice's 申报 deadline. Documents are rendered in memory and returned; nothing personal is
stored or cached (names are personal data, and the employer keeps its own copy).
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field

from website.formatting import cn_date
from website.uploads import clean_text

from . import roster, workdays

MIN_WORKING_DAYS = 5
MAX_APPLICANTS = 500
APPLICANT_COLUMNS = ["姓名", "性别", "现任专业技术职务", "拟申报专业技术职务", "备注"]
_HEADER_ALIASES = {
    "拟晋升专业技术职务": "拟申报专业技术职务",
    "拟申报职称": "拟申报专业技术职务",
    "申报职称": "拟申报专业技术职务",
    "现任职称": "现任专业技术职务",
}


class UnitPublicityError(ValueError):
    """Input that cannot make a publicity; the message says what to correct, in Chinese."""


@dataclass(frozen=True)
class Applicant:
    name: str
    gender: str = ""
    current_title: str = ""
    proposed_title: str = ""
    remark: str = ""

    def cells(self, number: int) -> list[str]:
        return [
            str(number),
            self.name,
            self.gender,
            self.current_title,
            self.proposed_title,
            self.remark,
        ]


@dataclass
class UnitPublicity:
    """Everything the two documents say, computed once."""

    notice_title: str
    review_year: int
    authority_name: str
    unit: str
    region: str
    contact: str
    phone: str
    applicants: list[Applicant]
    period: workdays.Period
    working_days: int
    deadline: datetime.date | None = None
    latest_start: datetime.date | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def result_date(self) -> datetime.date:
        """The result is announced on the first working day after the period."""
        calendar = workdays.WorkingCalendar(region=self.region or None)
        day = self.period.end + datetime.timedelta(days=1)
        for _ in range(60):
            try:
                if calendar.is_working_day(day):
                    return day
            except workdays.CalendarUnavailable:
                return self.period.end + datetime.timedelta(days=1)
            day += datetime.timedelta(days=1)
        return day

    @property
    def period_sentence(self) -> str:
        """公示时间从2025年6月4日起至2025年6月13日止（5个工作日）。"""
        return (
            f"公示时间从{cn_date(self.period.start)}起至{cn_date(self.period.end)}止"
            f"（{self.working_days}个工作日）。"
        )

    def title(self, kind: str) -> str:
        if kind == "result":
            return f"{self.unit}{self.review_year}年度职称评审推荐人选公示结果"
        return f"{self.unit}关于{self.review_year}年度职称评审推荐人选的公示"

    def paragraphs(self, kind: str, objections: str = "") -> list[str]:
        count = len(self.applicants)
        if kind == "result":
            outcome = objections.strip() or "公示期间，未收到对公示人选的异议"
            return [
                f"根据《{self.notice_title}》的要求，我单位于{cn_date(self.period.start)}至"
                f"{cn_date(self.period.end)}对拟推荐参加{self.review_year}年度职称评审的"
                f"{count}名人选进行了公示（{self.working_days}个工作日）。",
                f"{outcome.rstrip('。')}。经研究，同意推荐以下{count}名同志参加"
                f"{self.review_year}年度职称评审（名单附后）。",
                "特此公告。",
            ]
        return [
            f"根据《{self.notice_title}》的要求，经个人申报、单位审核，现将我单位拟推荐参加"
            f"{self.review_year}年度职称评审的{count}名人选予以公示（名单附后）。",
            self.period_sentence,
            "公示期间，如对公示人选的思想政治表现、职业道德、专业技术水平、工作业绩及申报材料"
            "的真实性有异议，请以书面形式向本单位反映。反映问题应实事求是、具体翔实；以单位名义"
            "反映的须加盖公章，以个人名义反映的须署真实姓名并提供联系方式。",
            f"联系人：{self.contact}　　联系电话：{self.phone}",
        ]

    def signature_date(self, kind: str) -> datetime.date:
        return self.result_date if kind == "result" else self.period.start


def apply_deadline(notice) -> datetime.date | None:
    """The notice's 申报 deadline: the end (or single date) of its first 申报 phase."""
    for phase in notice.phases.all():
        if phase.kind == "申报":
            return phase.end_date or phase.start_date
    return None


def latest_start(
    deadline: datetime.date, n: int, region: str | None, calendar=None
) -> datetime.date | None:
    """The last start date whose period still ends on or before the deadline."""
    calendar = calendar or workdays.WorkingCalendar(region=region or None)
    day = deadline
    for _ in range(120):
        try:
            if workdays.count_period(day, n, calendar=calendar).end <= deadline:
                return day
        except workdays.CalendarUnavailable:
            return None
        day -= datetime.timedelta(days=1)
    return None


def build(
    *,
    notice,
    unit: str,
    region: str,
    start: datetime.date,
    working_days: int,
    applicants: list[Applicant],
    contact: str,
    phone: str,
    calendar: workdays.WorkingCalendar | None = None,
) -> UnitPublicity:
    """The publicity of one unit (raises CalendarUnavailable for a year not entered)."""
    if working_days < MIN_WORKING_DAYS:
        raise UnitPublicityError(f"公示期不得少于{MIN_WORKING_DAYS}个工作日。")
    if not applicants:
        raise UnitPublicityError("请至少填写一名申报人员。")
    calendar = calendar or workdays.WorkingCalendar(region=region or None)
    period = workdays.count_period(start, working_days, calendar=calendar)
    publicity = UnitPublicity(
        notice_title=notice.title,
        review_year=notice.review_year,
        authority_name=notice.authority.name,
        unit=unit.strip(),
        region=region,
        contact=contact.strip(),
        phone=phone.strip(),
        applicants=applicants,
        period=period,
        working_days=working_days,
        deadline=apply_deadline(notice),
        warnings=list(period.warnings),
    )
    if period.start_note:
        publicity.warnings.append(period.start_note)
    if publicity.deadline and period.end > publicity.deadline:
        publicity.latest_start = latest_start(publicity.deadline, working_days, region, calendar)
        advice = (
            f"最晚应于{cn_date(publicity.latest_start)}开始公示"
            if publicity.latest_start and publicity.latest_start >= workdays.today_in_shanghai()
            else "请与主管部门联系"
        )
        publicity.warnings.append(
            f"公示将于{cn_date(period.end)}结束，晚于通知规定的申报截止日期"
            f"{cn_date(publicity.deadline)}：公示结束后才能推荐申报，{advice}。"
        )
    return publicity


# -- applicants: typed lines or the roster template ---------------------------------------------


def applicants_from_text(text: str) -> list[Applicant]:
    """One applicant per line: 姓名 性别 现任专业技术职务 拟申报专业技术职务 备注, separated by
    tabs (pasted from Excel), commas or spaces; only the name is required."""
    applicants = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        separator = "\t" if "\t" in line else None
        parts = (
            [p.strip() for p in line.split("\t")]
            if separator
            else [p for p in re.split(r"[，,、\s]+", line.strip()) if p]
        )
        name = parts[0] if parts else ""
        if not name or len(name) > 30 or re.search(r"\d", name):
            raise UnitPublicityError(f"第{number}行“{line.strip()[:30]}”：第一项应为姓名。")
        parts += [""] * (5 - len(parts))
        applicants.append(Applicant(*parts[:5]))
    if len(applicants) > MAX_APPLICANTS:
        raise UnitPublicityError(f"一次最多{MAX_APPLICANTS}人。")
    return applicants


def applicants_from_roster(data: bytes, filename: str) -> list[Applicant]:
    """The applicants of a 申报人员花名册 (XLSX or CSV); ID numbers are never read."""
    try:
        table = roster.read_table(data, filename)
    except roster.RosterFileError as error:
        raise UnitPublicityError(str(error)) from error
    index, columns = _applicant_header(table)

    def cell(row: list[str], name: str) -> str:
        position = columns.get(name)
        return row[position].strip() if position is not None and position < len(row) else ""

    applicants = [
        Applicant(*(cell(row, name) for name in APPLICANT_COLUMNS))
        for row in table[index + 1 :]
        if cell(row, "姓名")
    ]
    if not applicants:
        raise UnitPublicityError("花名册中没有申报人员。")
    if len(applicants) > MAX_APPLICANTS:
        raise UnitPublicityError(f"一次最多{MAX_APPLICANTS}人。")
    return applicants


def _applicant_header(table: list[list[str]]) -> tuple[int, dict[str, int]]:
    """The header row (the first with 姓名 in the first 20 rows) and the columns it names."""
    for index, row in enumerate(table[:20]):
        names = [_HEADER_ALIASES.get(c.replace(" ", ""), c.replace(" ", "")) for c in row]
        if "姓名" in names:
            return index, {name: names.index(name) for name in APPLICANT_COLUMNS if name in names}
    raise UnitPublicityError("找不到表头：请使用申报人员花名册模板（含“姓名”列）。")


def applicants_as_text(applicants: list[Applicant]) -> str:
    """Back to editable lines (tab-separated), so a roster read once can be corrected."""
    return "\n".join(
        "\t".join([a.name, a.gender, a.current_title, a.proposed_title, a.remark]).rstrip("\t")
        for a in applicants
    )


# -- documents -----------------------------------------------------------------------------------

TABLE_HEADER = ["序号", "姓名", "性别", "现任专业技术职务", "拟申报专业技术职务", "备注"]


def texts(publicity: UnitPublicity, kind: str, objections: str = "") -> list[str]:
    """Every string a document prints (for the font check)."""
    rows = [cell for i, a in enumerate(publicity.applicants, 1) for cell in a.cells(i)]
    return [
        publicity.title(kind),
        *publicity.paragraphs(kind, objections),
        publicity.unit,
        cn_date(publicity.signature_date(kind)),
        *TABLE_HEADER,
        *rows,
    ]


def render_docx(publicity: UnitPublicity, kind: str, objections: str = "") -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "FangSong"
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(clean_text(publicity.title(kind)))
    run.bold = True
    run.font.size = Pt(20)
    for text in publicity.paragraphs(kind, objections):
        paragraph = document.add_paragraph(clean_text(text))
        paragraph.paragraph_format.first_line_indent = Pt(28)
    document.add_paragraph("附：推荐人选名单" if kind == "result" else "附：拟推荐人选名单")
    data = [TABLE_HEADER] + [a.cells(i) for i, a in enumerate(publicity.applicants, 1)]
    table = document.add_table(rows=len(data), cols=len(TABLE_HEADER))
    table.style = "Table Grid"
    for r, (table_row, values) in enumerate(zip(table.rows, data, strict=True)):
        for cell, value in zip(table_row.cells, values, strict=True):
            run = cell.paragraphs[0].add_run(clean_text(value))
            run.bold = r == 0
            run.font.size = Pt(11)
    for text in (publicity.unit, cn_date(publicity.signature_date(kind))):
        paragraph = document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.core_properties.title = publicity.title(kind)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_pdf(publicity: UnitPublicity, kind: str, objections: str = "") -> bytes:
    """A4 PDF with the embedded Chinese font (raises MissingGlyphError for a rare character)."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from website.pdf.fonts import check_coverage, register_font

    font = register_font()
    check_coverage("".join(texts(publicity, kind, objections)), "公示")
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm, topMargin=30 * mm,
        bottomMargin=25 * mm, title=publicity.title(kind), author=publicity.unit,
    )  # fmt: skip
    body = ParagraphStyle(
        "body", fontName=font, fontSize=14, leading=26, firstLineIndent=28, wordWrap="CJK"
    )
    title = ParagraphStyle(
        "title", parent=body, fontSize=20, leading=32, alignment=TA_CENTER, firstLineIndent=0,
        spaceAfter=14,
    )  # fmt: skip
    plain = ParagraphStyle("plain", parent=body, firstLineIndent=0, spaceBefore=8)
    right = ParagraphStyle("right", parent=plain, alignment=TA_RIGHT)
    cell = ParagraphStyle("cell", parent=body, fontSize=10.5, leading=15, firstLineIndent=0)
    story = [Paragraph(escape(publicity.title(kind)), title)]
    story += [Paragraph(escape(text), body) for text in publicity.paragraphs(kind, objections)]
    label = "附：推荐人选名单" if kind == "result" else "附：拟推荐人选名单"
    story.append(Paragraph(label, plain))
    data = [TABLE_HEADER] + [a.cells(i) for i, a in enumerate(publicity.applicants, 1)]
    widths = [0.08, 0.15, 0.09, 0.24, 0.24, 0.20]
    table = Table(
        [[Paragraph(escape(value), cell) for value in row] for row in data],
        colWidths=[doc.width * w for w in widths],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")),
            ]
        )
    )
    story += [Spacer(1, 6), table, Spacer(1, 18)]
    story.append(Paragraph(escape(publicity.unit), right))
    story.append(Paragraph(cn_date(publicity.signature_date(kind)), right))
    doc.build(story)
    return buffer.getvalue()


def filename(publicity: UnitPublicity, kind: str, fmt: str) -> str:
    return re.sub(r'[\\/:*?"<>|]', "", publicity.title(kind)) + f".{fmt}"
