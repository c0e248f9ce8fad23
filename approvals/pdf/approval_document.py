"""任职资格审批文件: the red-header official document laid out after GB/T 9704.

Input is a plain dataclass (no database), output PDF bytes plus the seal's position, so the
signing step can press the seal — the visible PAdES signature — over the issuer name and date.
Every text is glyph-checked first: a name the font cannot draw stops rendering with a clear
Chinese error before anything is issued.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from approvals.pdf.common import INK, RED, FittedLine, RenderedPdf, Rule, checked, para_text
from approvals.pdf.seal import SEAL_DIAMETER
from approvals.pdf.seal import draw_seal as paint_seal
from website.formatting import cn_date, cn_numeral_date
from website.pdf.fonts import missing_characters, register_font

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_TOP = 37 * mm
MARGIN_LEFT = 28 * mm
MARGIN_RIGHT = 26 * mm
MARGIN_BOTTOM = 35 * mm
BODY_SIZE = 16  # 3号
# 28 lines of body text per page, as GB/T 9704 asks.
BODY_LEADING = (PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM) / 28

PERSON_COLUMNS = [
    ("序号", None, 10 * mm),
    ("姓名", "name", 18 * mm),
    ("工作单位", "unit", 40 * mm),
    ("系列", "series", 18 * mm),
    ("专业", "specialty", 18 * mm),
    ("资格名称", "qualification", 20 * mm),
    ("级别", "level", 14 * mm),
    ("类型", "review_type", 14 * mm),
]


@dataclass
class ApprovalDocumentData:
    """Everything printed on an approval document (plain values, no models).

    ``persons`` is a list of dicts with keys name, unit, series, specialty, qualification, level,
    review_type (missing keys print empty).
    """

    issuer_mark: str  # 发文机关标志, e.g. …人力资源和社会保障局文件
    document_number: str
    title: str
    addressees: str
    body: list[str]
    persons: list[dict]
    date: dt.date  # 成文日期
    issuer_name: str  # 署名 under the body, e.g. the authority's full name
    seal_text: str
    seal_purpose: str = ""
    attachments: list[str] = field(default_factory=list)
    persons_title: str = "取得专业技术职务任职资格人员名单"
    printed_by: str = ""  # 印发机关 (defaults to issuer_name)
    printed_date: dt.date | None = None  # 印发日期 (defaults to date)
    numeral_date: bool = False  # 成文日期 as 二〇二三年九月一日 instead of 2023年9月1日


def numeral_date_text(value: dt.date) -> str:
    """二○二四年九月十日: the embedded GB 2312 font has no 〇 (U+3007), so the zero is drawn with
    the look-alike ○ (U+25CB) it does have, as many printed documents do."""
    text = cn_numeral_date(value)
    return text.replace("〇", "○") if missing_characters("〇") else text


def check_approval_document(doc: ApprovalDocumentData) -> None:
    """Raise MissingGlyphError for the first field (named in Chinese) the font cannot draw."""
    checked(doc.issuer_mark, "发文机关标志")
    checked(doc.document_number, "文号")
    checked(doc.title, "标题")
    checked(doc.addressees, "主送机关")
    for i, paragraph in enumerate(doc.body, 1):
        checked(paragraph, f"正文第{i}段")
    for i, attachment in enumerate(doc.attachments, 1):
        checked(attachment, f"附件{i}名称")
    checked(doc.persons_title, "名单标题")
    for i, person in enumerate(doc.persons, 1):
        for label, key, _width in PERSON_COLUMNS[1:]:
            checked(str(person.get(key) or ""), f"名单第{i}行{label}")
    checked(doc.issuer_name, "署名")
    checked(doc.seal_text, "印章文字")
    checked(doc.seal_purpose, "印章用途")
    checked(doc.printed_by, "印发机关")


def _styles(font: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body",
        fontName=font,
        fontSize=BODY_SIZE,
        leading=BODY_LEADING,
        alignment=TA_JUSTIFY,
        firstLineIndent=2 * BODY_SIZE,
        wordWrap="CJK",
        textColor=INK,
    )
    return {
        "number": ParagraphStyle("number", parent=body, alignment=TA_CENTER, firstLineIndent=0),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontSize=22,
            leading=22 * 1.5,
            alignment=TA_CENTER,
            firstLineIndent=0,
            spaceBefore=BODY_LEADING,
            spaceAfter=BODY_LEADING * 0.6,
        ),
        "addressees": ParagraphStyle(
            "addressees", parent=body, alignment=TA_LEFT, firstLineIndent=0
        ),
        "body": body,
        "attachment": ParagraphStyle(
            "attachment", parent=body, firstLineIndent=0, leftIndent=5 * BODY_SIZE
        ),
        "attachment_first": ParagraphStyle(
            "attachment_first",
            parent=body,
            firstLineIndent=-3 * BODY_SIZE,
            leftIndent=5 * BODY_SIZE,
            spaceBefore=BODY_LEADING,
        ),
        "annex_label": ParagraphStyle(
            "annex_label", parent=body, firstLineIndent=0, alignment=TA_LEFT
        ),
        "annex_title": ParagraphStyle(
            "annex_title",
            parent=body,
            fontSize=20,
            leading=30,
            alignment=TA_CENTER,
            firstLineIndent=0,
            spaceAfter=10,
        ),
        "cell": ParagraphStyle(
            "cell",
            fontName=font,
            fontSize=10.5,
            leading=14,
            alignment=TA_CENTER,
            wordWrap="CJK",
            textColor=INK,
        ),
    }


class _SealPosition:
    """Where the signature block was drawn (filled during the build)."""

    page: int = 0
    box: tuple[int, int, int, int] = (0, 0, 0, 0)


class SignatureBlock(Flowable):
    """Issuer name and 成文日期 at the right, with room for the seal pressed over both.

    Records the seal's absolute box so the signature appearance lands exactly there; draws the
    seal itself only for an unsigned preview (``draw_seal``).
    """

    def __init__(
        self,
        issuer: str,
        date_text: str,
        seal_text: str,
        seal_purpose: str,
        position: _SealPosition,
        draw_seal: bool,
    ):
        super().__init__()
        self.issuer = issuer
        self.date_text = date_text
        self.seal_text = seal_text
        self.seal_purpose = seal_purpose
        self.position = position
        self.draw_seal = draw_seal

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = SEAL_DIAMETER + BODY_LEADING * 0.6
        return self.width, self.height

    def draw(self):
        font = register_font()
        canv = self.canv
        # GB/T 9704: the date ends four characters from the right; the name is centred over it.
        date_right = self.width - 4 * BODY_SIZE
        date_width = stringWidth(self.date_text, font, BODY_SIZE)
        centre_x = date_right - date_width / 2
        date_y = BODY_LEADING * 0.6 + SEAL_DIAMETER / 2 - BODY_LEADING
        issuer_y = date_y + BODY_LEADING
        canv.saveState()
        canv.setFillColor(INK)
        canv.setFont(font, BODY_SIZE)
        issuer_width = stringWidth(self.issuer, font, BODY_SIZE)
        # A long issuer name must not run past the right margin.
        canv.drawString(
            min(centre_x - issuer_width / 2, self.width - issuer_width), issuer_y, self.issuer
        )
        canv.drawString(date_right - date_width, date_y, self.date_text)
        canv.restoreState()
        centre_y = (issuer_y + date_y + BODY_SIZE * 0.7) / 2
        if self.draw_seal:
            paint_seal(canv, centre_x, centre_y, self.seal_text, self.seal_purpose)
        ax, ay = canv.absolutePosition(centre_x, centre_y)
        r = SEAL_DIAMETER / 2
        self.position.page = canv.getPageNumber() - 1
        self.position.box = (round(ax - r), round(ay - r), round(ax + r), round(ay + r))


class ImprintBlock(Flowable):
    """版记: 印发机关 and 印发日期 between two thin rules, pushed to the foot of the page by
    taking all the space that is left."""

    def __init__(self, printed_by: str, printed_date: str):
        super().__init__()
        self.printed_by = printed_by
        self.printed_date = printed_date

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        needed = BODY_LEADING * 1.6
        self.height = max(needed, avail_height - 0.01)
        return self.width, self.height

    def draw(self):
        font = register_font()
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(INK)
        canv.setLineWidth(0.5)
        top = BODY_LEADING * 1.4
        canv.line(0, top, self.width, top)
        canv.line(0, 2, self.width, 2)
        date_width = stringWidth(self.printed_date, font, 14)
        room = self.width - 3 * BODY_SIZE - date_width
        size = min(14.0, 14.0 * room / max(stringWidth(self.printed_by, font, 14), 1))
        canv.setFont(font, size)
        canv.drawString(BODY_SIZE, BODY_LEADING * 0.5, self.printed_by)
        canv.setFont(font, 14)
        canv.drawRightString(self.width - BODY_SIZE, BODY_LEADING * 0.5, self.printed_date)
        canv.restoreState()


def _page_number(canv, _doc) -> None:
    """— 1 — in the bottom margin: odd pages at the right, even pages at the left (GB/T 9704)."""
    font = register_font()
    number = canv.getPageNumber()
    text = f"— {number} —"
    canv.saveState()
    canv.setFont(font, 14)
    canv.setFillColor(INK)
    y = MARGIN_BOTTOM - 12 * mm
    if number % 2:
        canv.drawRightString(PAGE_WIDTH - MARGIN_RIGHT - BODY_SIZE, y, text)
    else:
        canv.drawString(MARGIN_LEFT + BODY_SIZE, y, text)
    canv.restoreState()


def render_approval_document(doc: ApprovalDocumentData, *, draw_seal: bool = True) -> RenderedPdf:
    """Render ``doc`` as an A4 PDF after GB/T 9704.

    With ``draw_seal=False`` the seal is left out and only its box is reported: the signature
    appearance supplies it (see :func:`approvals.crypto.signing.sign_rendered`).
    """
    check_approval_document(doc)
    font = register_font()
    styles = _styles(font)
    date_text = numeral_date_text(doc.date) if doc.numeral_date else cn_date(doc.date)
    checked(date_text, "成文日期")
    printed_date = doc.printed_date or doc.date
    position = _SealPosition()

    story: list[Flowable] = [
        FittedLine(doc.issuer_mark, 30, RED, space_after=BODY_LEADING * 0.8),
        Paragraph(para_text(doc.document_number), styles["number"]),
        Rule(RED, 1.5, space_before=4, space_after=0),
        Paragraph(para_text(doc.title), styles["title"]),
        Paragraph(para_text(doc.addressees.rstrip("：:") + "："), styles["addressees"]),
    ]
    story += [Paragraph(para_text(p), styles["body"]) for p in doc.body]
    attachments = list(doc.attachments)
    if doc.persons and doc.persons_title not in attachments:
        attachments.append(doc.persons_title)
    for i, name in enumerate(attachments, 1):
        label = f"{i}．{name}" if len(attachments) > 1 else name
        if i == 1:
            story.append(Paragraph(para_text(f"附件：{label}"), styles["attachment_first"]))
        else:
            story.append(Paragraph(para_text(label), styles["attachment"]))
    story.append(Spacer(1, BODY_LEADING))
    story.append(
        SignatureBlock(
            doc.issuer_name, date_text, doc.seal_text, doc.seal_purpose, position, draw_seal
        )
    )

    if doc.persons:
        story += [
            PageBreak(),
            Paragraph(
                "附件" if len(attachments) == 1 else f"附件{len(attachments)}",
                styles["annex_label"],
            ),
            Paragraph(para_text(doc.persons_title), styles["annex_title"]),
            _persons_table(doc.persons, styles["cell"]),
        ]
    story.append(ImprintBlock(doc.printed_by or doc.issuer_name, f"{cn_date(printed_date)}印发"))

    buffer = io.BytesIO()
    template = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=doc.title,
        author=doc.issuer_name,
        subject=doc.document_number,
        creator="职称公示与证书平台",
        pageCompression=1,
    )
    frame = Frame(
        MARGIN_LEFT,
        MARGIN_BOTTOM,
        PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT,
        PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    template.addPageTemplates([PageTemplate("page", frames=[frame], onPage=_page_number)])
    template.build(story)
    return RenderedPdf(
        data=buffer.getvalue(),
        seal_page=position.page,
        seal_box=position.box,
        seal_text=doc.seal_text,
        seal_purpose=doc.seal_purpose,
    )


def _persons_table(persons: list[dict], cell: ParagraphStyle) -> Table:
    """The list of approved persons; the header row repeats on every page it spans."""
    rows = [[Paragraph(label, cell) for label, _key, _width in PERSON_COLUMNS]]
    for i, person in enumerate(persons, 1):
        row = [Paragraph(str(i), cell)]
        row += [
            Paragraph(para_text(str(person.get(key) or "")), cell)
            for _label, key, _width in PERSON_COLUMNS[1:]
        ]
        rows.append(row)
    table = Table(rows, colWidths=[w for _l, _k, w in PERSON_COLUMNS], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, INK),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), (0.93, 0.93, 0.93)),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table
