"""任职资格审批文件: the red-header official document laid out by GB/T 9704-2012.

The page (§5.2): A4, 版心 156 × 225 mm, top margin 37 mm, left 28 mm; 3号仿宋 body with 22 lines
of 28 characters (character pitch 156/28 mm, line pitch 225/22 mm). The elements (§7):

- 发文机关标志 in red 小标宋, its top 35 mm below the top of the 版心, centred; a long name is
  compressed horizontally, then set on up to three lines broken at word boundaries;
- 发文字号 空二行 below the mark, centred; the red rule 4 mm under it, as wide as the 版心;
- the title 空二行 below the rule, 2号小标宋, centred, broken at word boundaries into balanced
  lines; 主送 空一行 below, flush left; the body with a two-character indent;
- 附件说明 空一行 below the body, indented two characters, numbers half-width (附件：1. …);
- 发文机关署名 centred over 成文日期 (Arabic numerals, §7.3.5.4), the date ending four characters
  from the right; the seal pressed over both, its top within a line of the text above;
- the persons list as 附件 on a new page (附件 in 3号黑体 on line 1, its title on line 3);
- 版记 (印发机关, 印发日期 in 4号仿宋) between two rules, the last one on the bottom edge of the
  版心 of the last page; 页码 ``— 1 —`` in 4号, 7 mm below the 版心, odd pages right, even left.

Input is a plain dataclass (no database); output is PDF bytes plus the seal's position, so the
signing step can press the seal — the visible PAdES signature — over the issuer name and date.
Every text is glyph-checked first: a character no font has stops rendering with a clear
Chinese error before anything is issued.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass, field

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from approvals.pdf.common import (
    INK,
    RED,
    CellParagraph,
    RenderedPdf,
    break_lines,
    checked,
    para_text,
)
from approvals.pdf.grid import GridText
from approvals.pdf.seal import draw_seal as paint_seal
from approvals.pdf.seal import seal_size
from website.formatting import cn_date
from website.pdf.fonts import (
    FANGSONG,
    HEITI,
    XIAOBIAOSONG,
    draw_text,
    font_name,
    register_fonts,
    string_width,
)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_TOP = 37 * mm
MARGIN_LEFT = 28 * mm
TEXT_WIDTH = 156 * mm  # 版心
TEXT_HEIGHT = 225 * mm
MARGIN_BOTTOM = PAGE_HEIGHT - MARGIN_TOP - TEXT_HEIGHT  # 35 mm
MARGIN_RIGHT = PAGE_WIDTH - MARGIN_LEFT - TEXT_WIDTH  # 26 mm
CHARS_PER_LINE = 28
LINES_PER_PAGE = 22
# 3号 (≈16 pt) at the pitch the standard fixes: 28 characters fill the 156 mm exactly (a hair
# less, so rounding never pushes the 28th character to the next line).
BODY_SIZE = TEXT_WIDTH / CHARS_PER_LINE * 0.9995
LINE = TEXT_HEIGHT / LINES_PER_PAGE
TITLE_SIZE = 22  # 2号
FOOT_SIZE = 14  # 4号
MARK_TOP = 35 * mm  # 发文机关标志 top edge below the top of the 版心
MARK_SIZE = 42.0
MARK_MIN_SCALE = 60.0  # horizontal compression of the mark, in per cent, at most
MARK_MIN_SIZE = 28.0  # below this a long mark goes on two lines rather than shrink further
TABLE_SIZE = 9.0  # 小五: a 500-person list stays readable in fewer pages
# Glyph box of a CJK face relative to the baseline, as a fraction of the size.
ASCENT, DESCENT = 0.88, 0.12

# 156 mm in all. The certificate number (TOUTUNHE-2024-000127 at 8 pt: 28.2 mm) stays on one
# line so it can be found by searching the PDF; a 40-character unit takes three lines.
PERSON_COLUMNS = [
    ("序号", None, 9 * mm),
    ("姓名", "name", 15 * mm),
    ("工作单位", "unit", 48 * mm),
    ("系列/专业", "series_specialty", 19 * mm),
    ("资格名称", "qualification", 16 * mm),
    ("级别", "level", 10 * mm),
    ("类型", "review_type", 9 * mm),
    ("证书编号", "certificate_number", 30 * mm),
]


@dataclass
class ApprovalDocumentData:
    """Everything printed on an approval document (plain values, no models).

    ``persons`` is a list of dicts with keys name, unit, series, specialty, qualification, level,
    review_type, certificate_number (missing keys print empty).
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
    seal_shape: str = "round"
    attachments: list[str] = field(default_factory=list)
    persons_title: str = "取得专业技术职务任职资格人员名单"
    printed_by: str = ""  # 印发机关 (defaults to issuer_name)
    printed_date: dt.date | None = None  # 印发日期 (defaults to date)


def check_approval_document(doc: ApprovalDocumentData) -> None:
    """Raise MissingGlyphError for the first field (named in Chinese) no font can draw."""
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
            checked(_cell_text(person, key), f"名单第{i}行{label}")
    checked(doc.issuer_name, "署名")
    checked(doc.seal_text, "印章文字")
    checked(doc.seal_purpose, "印章用途")
    checked(doc.printed_by, "印发机关")


def _styles() -> dict[str, ParagraphStyle]:
    """Cell styles of the persons list (the text on the grid is set by GridText)."""
    cell = ParagraphStyle(
        "cell",
        fontName=font_name(FANGSONG),
        fontSize=TABLE_SIZE,
        leading=TABLE_SIZE * 1.3,
        alignment=TA_CENTER,
        wordWrap="CJK",
        textColor=INK,
    )
    return {
        "cell": cell,
        "cell_number": ParagraphStyle("cell_number", parent=cell, fontSize=8, leading=11.7),
        "head": ParagraphStyle("head", parent=cell, fontName=font_name(HEITI)),
    }


class Lines(Flowable):
    """Lines drawn on the 3号 grid: each (text, size, style, colour, anchor), one per grid
    line, or with a custom pitch. ``x`` of an anchor: left edge, centre or right edge."""

    def __init__(self, lines, *, pitch: float = LINE, space_before: float = 0.0):
        super().__init__()
        self.lines = lines
        self.pitch = pitch
        self.space_before = space_before

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = self.space_before + self.pitch * len(self.lines)
        return self.width, self.height

    def draw(self):
        top = self.height - self.space_before
        for i, (text, size, style, color, anchor, scale) in enumerate(self.lines):
            # Each glyph box centred in its grid line.
            baseline = top - (i + 0.5) * self.pitch - (ASCENT - DESCENT) / 2 * size
            x = {"left": 0, "centre": self.width / 2, "right": self.width}[anchor]
            draw_text(
                self.canv, x, baseline, text, size, style,
                anchor=anchor, color=color, horizontal_scale=scale,
            )  # fmt: skip


def _line(text, size=BODY_SIZE, style=FANGSONG, color=INK, anchor="left", scale=100.0):
    return (text, size, style, color, anchor, scale)


@functools.cache
def mark_layout(mark: str) -> tuple[list[str], float, float]:
    """发文机关标志: (lines, size, horizontal scale in per cent). A mark is set on one line if
    it fits at MARK_MIN_SIZE or more compressed to no less than MARK_MIN_SCALE; else on two,
    then three balanced lines broken at word boundaries; still too long, smaller on three."""
    for count in (1, 2, 3):
        lines = break_lines(mark, float("inf"), _width(MARK_SIZE, XIAOBIAOSONG), lines=count)
        widest = max(string_width(line, 1.0, XIAOBIAOSONG) for line in lines)
        # The largest size at which the widest line fits at the minimum compression.
        size = min(MARK_SIZE, TEXT_WIDTH / (widest * MARK_MIN_SCALE / 100))
        if size >= MARK_MIN_SIZE or count == 3:
            scale = min(100.0, 100.0 * TEXT_WIDTH / (widest * size))
            return lines, size, scale
    raise AssertionError("unreachable")


def _width(size: float, style: str):
    return lambda text: string_width(text, size, style)


class Masthead(Flowable):
    """发文机关标志, 发文字号 空二行 below it, and the red rule 4 mm under the number."""

    RULE = 1.0  # pt

    def __init__(self, mark: str, number: str):
        super().__init__()
        self.mark = mark
        self.number = number
        self.mark_lines, self.mark_size, self.mark_scale = mark_layout(mark)
        self.mark_pitch = self.mark_size * 1.15

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        mark_height = self.mark_pitch * len(self.mark_lines)
        # mark, two empty grid lines, the number's line, 4 mm, the rule.
        self.height = MARK_TOP + mark_height + 3 * LINE + 4 * mm + self.RULE
        return self.width, self.height

    def draw(self):
        canv = self.canv
        y = self.height - MARK_TOP
        for text in self.mark_lines:
            baseline = y - ASCENT * self.mark_size
            draw_text(
                canv, self.width / 2, baseline, text, self.mark_size, XIAOBIAOSONG,
                anchor="centre", color=RED, horizontal_scale=self.mark_scale,
            )  # fmt: skip
            y -= self.mark_pitch
        number_bottom = y - 2 * LINE - LINE / 2 - (ASCENT + DESCENT) / 2 * BODY_SIZE
        draw_text(
            canv, self.width / 2, number_bottom + DESCENT * BODY_SIZE, self.number, BODY_SIZE,
            anchor="centre", color=INK,
        )  # fmt: skip
        rule_y = number_bottom - 4 * mm
        canv.saveState()
        canv.setStrokeColor(RED)
        canv.setLineWidth(self.RULE)
        canv.line(0, rule_y, self.width, rule_y)
        canv.restoreState()


def title_lines(title: str) -> list[str]:
    """The title broken at word boundaries into the fewest balanced lines of the 版心."""
    return break_lines(title, TEXT_WIDTH, _width(TITLE_SIZE, XIAOBIAOSONG))


class _SealPosition:
    """Where the signature block was drawn (filled during the build)."""

    page: int = 0
    box: tuple[int, int, int, int] = (0, 0, 0, 0)


class SignatureBlock(Flowable):
    """发文机关署名 centred over 成文日期 (which ends four characters from the right), the seal
    pressed over both with the text a little below its centre (§7.3.5.1).

    Records the seal's absolute box so the signature appearance lands exactly there; draws the
    seal itself only for an unsigned preview (``draw_seal``). A name wider than the 版心 is
    broken at word boundaries into balanced lines."""

    def __init__(self, doc: ApprovalDocumentData, position: _SealPosition, draw_seal: bool):
        super().__init__()
        self.doc = doc
        self.date_text = cn_date(doc.date)
        self.position = position
        self.draw_seal = draw_seal
        self.seal_w, self.seal_h = seal_size(doc.seal_shape)
        self.names = break_lines(doc.issuer_name, TEXT_WIDTH, _width(BODY_SIZE, FANGSONG))

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        text_height = LINE * (len(self.names) + 1)
        # Half a line above the seal's top, the seal reaching below the date when it is taller.
        self.height = LINE * 0.5 + max(self.seal_h, text_height + LINE * 0.6)
        return self.width, self.height

    def draw(self):
        canv = self.canv
        # The date ends four characters from the right and the name is centred over it; a name
        # too wide for that moves both left together (still centred, the name inside the 版心).
        date_width = string_width(self.date_text, BODY_SIZE)
        name_width = max(string_width(name, BODY_SIZE) for name in self.names)
        centre_x = min(self.width - 4 * BODY_SIZE - date_width / 2, self.width - name_width / 2)
        seal_top = self.height - LINE * 0.5
        seal_cy = seal_top - self.seal_h / 2
        # The name and date block sits a little below the seal's centre (§7.3.5.1).
        block = LINE * (len(self.names) + 1)
        block_top = seal_cy + block / 2 - LINE * 0.35
        glyph = (ASCENT + DESCENT) * BODY_SIZE
        for i, text in enumerate([*self.names, self.date_text]):
            line_top = block_top - i * LINE
            baseline = line_top - (LINE - glyph) / 2 - ASCENT * BODY_SIZE
            width = string_width(text, BODY_SIZE)
            x = min(max(centre_x - width / 2, 0), self.width - width)
            draw_text(canv, x, baseline, text, BODY_SIZE, color=INK)
        if self.draw_seal:
            paint_seal(canv, centre_x, seal_cy, self.doc.seal_text, self.doc.seal_purpose,
                       shape=self.doc.seal_shape)  # fmt: skip
        ax, ay = canv.absolutePosition(centre_x, seal_cy)
        w, h = self.seal_w / 2, self.seal_h / 2
        self.position.page = canv.getPageNumber() - 1
        self.position.box = (round(ax - w), round(ay - h), round(ax + w), round(ay + h))


class ImprintBlock(Flowable):
    """版记: 印发机关 (left, one character in) and 印发日期 (right, one character in) in 4号仿宋
    between two rules, the last rule on the bottom edge of the 版心: the block takes all the
    space left on the page. A long 印发机关 wraps at word boundaries (never shrinks)."""

    PAD = 3 * mm
    PITCH = FOOT_SIZE * 1.6

    def __init__(self, printed_by: str, printed_date: str):
        super().__init__()
        self.printed_by = printed_by
        self.printed_date = printed_date
        date_width = string_width(printed_date, FOOT_SIZE)
        room = TEXT_WIDTH - 3 * FOOT_SIZE - date_width
        measure = _width(FOOT_SIZE, FANGSONG)
        if measure(printed_by) <= room:
            self.rows = [(printed_by, printed_date)]
        else:
            names = break_lines(printed_by, TEXT_WIDTH - 2 * FOOT_SIZE, measure)
            last = names[-1]
            if measure(last) <= room:
                self.rows = [(n, "") for n in names[:-1]] + [(last, printed_date)]
            else:
                self.rows = [(n, "") for n in names] + [("", printed_date)]

    def needed(self) -> float:
        return 2 * self.PAD + self.PITCH * len(self.rows)

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = max(self.needed(), avail_height - 0.01)
        return self.width, self.height

    def draw(self):
        canv = self.canv
        top = self.needed()
        canv.saveState()
        canv.setStrokeColor(INK)
        canv.setLineWidth(0.35 * mm)  # first and last rules: 0.35 mm (§7.4.1)
        canv.line(0, top, self.width, top)
        canv.line(0, 0.35 * mm / 2, self.width, 0.35 * mm / 2)
        canv.restoreState()
        for i, (name, date) in enumerate(self.rows):
            row_top = top - self.PAD - i * self.PITCH
            baseline = row_top - (self.PITCH - FOOT_SIZE) / 2 - ASCENT * FOOT_SIZE
            if name:
                draw_text(canv, FOOT_SIZE, baseline, name, FOOT_SIZE, color=INK)
            if date:
                draw_text(canv, self.width - FOOT_SIZE, baseline, date, FOOT_SIZE,
                          anchor="right", color=INK)  # fmt: skip


def _page_number(canv, _doc) -> None:
    """— 1 — in 4号, the dashes' top 7 mm below the 版心; odd pages right, even pages left,
    one character in (§7.5)."""
    number = canv.getPageNumber()
    text = f"— {number} —"
    baseline = MARGIN_BOTTOM - 7 * mm - ASCENT * FOOT_SIZE
    if number % 2:
        x, anchor = MARGIN_LEFT + TEXT_WIDTH - FOOT_SIZE, "right"
    else:
        x, anchor = MARGIN_LEFT + FOOT_SIZE, "left"
    draw_text(canv, x, baseline, text, FOOT_SIZE, anchor=anchor, color=INK)


def attachment_paragraphs(attachments: list[str]) -> list[GridText]:
    """附件说明: 附件：1. 名称 … indented two characters, half-width numbers, a wrapped name
    aligned with its first character, no punctuation after a name (§7.3.4)."""
    label = "附件："
    result = []
    numbered = len(attachments) > 1
    for i, name in enumerate(attachments, 1):
        number = f"{i}. " if numbered else ""
        prefix = (label if i == 1 else "") + number
        hang = 2 * BODY_SIZE + string_width(label + number, BODY_SIZE)
        result.append(
            GridText(
                prefix + name.rstrip("。.；;，,"),
                BODY_SIZE,
                LINE,
                first_indent=hang - string_width(prefix, BODY_SIZE),
                indent=hang,
                color=INK,
                justify=False,  # ragged right: justifying would push the name off its column
            )  # fmt: skip
        )
    return result


def render_approval_document(doc: ApprovalDocumentData, *, draw_seal: bool = True) -> RenderedPdf:
    """Render ``doc`` as an A4 PDF by GB/T 9704-2012.

    With ``draw_seal=False`` the seal is left out and only its box is reported: the signature
    appearance supplies it (see :func:`approvals.crypto.signing.sign_rendered`).
    """
    check_approval_document(doc)
    register_fonts()
    styles = _styles()
    printed_date = doc.printed_date or doc.date
    position = _SealPosition()

    story: list[Flowable] = [
        Masthead(doc.issuer_mark, doc.document_number),
        Lines(
            [_line(t, TITLE_SIZE, XIAOBIAOSONG, anchor="centre") for t in title_lines(doc.title)],
            space_before=2 * LINE,
        ),
        Spacer(1, LINE),
        GridText(doc.addressees.rstrip("：:") + "：", BODY_SIZE, LINE, color=INK),
    ]
    story += [GridText(p, BODY_SIZE, LINE, first_indent=2 * BODY_SIZE, color=INK) for p in doc.body]
    attachments = list(doc.attachments)
    if doc.persons and doc.persons_title not in attachments:
        attachments.append(doc.persons_title)
    closing: list[Flowable] = []
    if attachments:
        closing.append(Spacer(1, LINE))
        closing += attachment_paragraphs(attachments)
    closing.append(SignatureBlock(doc, position, draw_seal))
    # The attachment note and the signature stay together: a signature never stands alone.
    story.append(KeepTogether(closing))

    if doc.persons:
        label = "附件" if len(attachments) == 1 else f"附件{len(attachments)}"
        story += [
            PageBreak(),
            Lines([_line(label, style=HEITI)]),
            Lines(
                [
                    _line(t, TITLE_SIZE, XIAOBIAOSONG, anchor="centre")
                    for t in title_lines(doc.persons_title)
                ],
                space_before=LINE,
            ),  # fmt: skip
            Spacer(1, LINE * 0.5),
            _persons_table(doc.persons, styles),
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
        MARGIN_LEFT, MARGIN_BOTTOM, TEXT_WIDTH, TEXT_HEIGHT,
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
    )  # fmt: skip
    template.addPageTemplates([PageTemplate("page", frames=[frame], onPage=_page_number)])
    template.build(story)
    return RenderedPdf(
        data=buffer.getvalue(),
        seal_page=position.page,
        seal_box=position.box,
        seal_text=doc.seal_text,
        seal_purpose=doc.seal_purpose,
        seal_shape=doc.seal_shape,
    )


def _cell_text(person: dict, key: str) -> str:
    if key == "series_specialty":
        series, specialty = person.get("series") or "", person.get("specialty") or ""
        return f"{series}/{specialty}" if series and specialty else series or specialty
    return str(person.get(key) or "")


def _persons_table(persons: list[dict], styles: dict[str, ParagraphStyle]) -> Table:
    """The list of approved persons with their certificate numbers; the header row repeats on
    every page it spans; long units wrap inside their cell."""
    rows = [
        [CellParagraph(para_text(label, HEITI), styles["head"]) for label, _k, _w in PERSON_COLUMNS]
    ]
    for i, person in enumerate(persons, 1):
        row = [CellParagraph(str(i), styles["cell"])]
        for _label, key, width in PERSON_COLUMNS[1:]:
            style = styles["cell_number"] if key == "certificate_number" else styles["cell"]
            text = _cell_text(person, key)
            if key == "series_specialty" and string_width(text, TABLE_SIZE) > width - 4:
                # 工程系列/化工 too wide: the series over the specialty, never 化 / 工.
                series, _slash, specialty = text.partition("/")
                markup = f"{para_text(series)}/<br/>{para_text(specialty)}"
            else:
                markup = para_text(text)
            row.append(CellParagraph(markup, style))
        rows.append(row)
    table = Table(rows, colWidths=[w for _l, _k, w in PERSON_COLUMNS], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, INK),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table
