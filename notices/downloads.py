"""Template downloads generated from a TemplatePage's text: PDF (reportlab), DOCX, XLSX.

Files are generated on request and cached under a hash of the page's content, so an edit
produces a new file and an unchanged page is never rendered twice.
"""

from __future__ import annotations

import hashlib
import io
import json
import re

from django.core.cache import cache
from django.urls import reverse

from website.pdf.fonts import check_coverage, markup, register_font
from website.uploads import clean_text, spreadsheet_safe

from .blocks import table_data, table_layout

MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# ×× or XXX in a template: a blank the applicant fills in.
PLACEHOLDER = re.compile(r"×+|X{2,}")
CACHE_SECONDS = 60 * 60 * 24 * 30


def template_texts(page) -> list[str]:
    """Every string of the template, for glyph checks and search."""
    texts = [page.title]
    for block in page.body:
        if block.block_type == "table":
            header, rows = table_data(block.value)
            texts += header + [cell for row in rows for cell in row]
        else:
            texts.append(str(block.value))
    return texts


def content_key(page) -> str:
    """A hash of everything a generated file depends on."""
    data = json.dumps(
        [page.title, page.offer_xlsx, list(page.body.get_prep_value())], ensure_ascii=False
    )
    return hashlib.sha1(data.encode()).hexdigest()[:16]


def generated_file(page, fmt: str) -> bytes:
    """The file in `fmt` for a template page, from the cache or freshly rendered."""
    renderers = {"pdf": render_pdf, "docx": render_docx, "xlsx": render_xlsx}
    key = f"notices:template:{page.pk}:{content_key(page)}:{fmt}"
    data = cache.get(key)
    if data is None:
        data = renderers[fmt](page)
        cache.set(key, data, CACHE_SECONDS)
    return data


def download_info(page, fmt: str) -> dict:
    return {
        "format": fmt.upper(),
        "url": reverse("notices:template_download", args=[page.pk, fmt]),
        "size": len(generated_file(page, fmt)),
        "label": "",
    }


UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|]')


def filename(page, fmt: str) -> str:
    """The download's file name: the template's title without characters file systems refuse."""
    return f"{UNSAFE_FILENAME.sub('', page.title)}.{fmt}"


def _pdf_markup(text: str) -> str:
    """Escaped text with placeholders drawn as underlined blanks; a character the body face
    lacks (𠅤) comes from the fallback face."""
    parts = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(markup(text[position : match.start()]))
        # reportlab folds an ideographic space into one narrow word space; no-break spaces
        # (half an em each) keep the blank as wide as the characters it stands for.
        parts.append("<u>" + "\u00a0" * 2 * max(2, len(match.group(0))) + "</u>")
        position = match.end()
    parts.append(markup(text[position:]))
    return "".join(parts).replace("\n", "<br/>")


def render_pdf(page) -> bytes:
    """A4 PDF of the template with the embedded Chinese font; wide tables turn the page."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = register_font()
    check_coverage("".join(template_texts(page)), f"模板“{page.title}”")
    layouts = [table_layout(b.value) for b in page.body if b.block_type == "table"]
    widest = max([layout.width for layout in layouts] or [0])
    pagesize = landscape(A4) if widest > 7 else A4
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=pagesize, leftMargin=25 * mm, rightMargin=25 * mm,
        topMargin=25 * mm, bottomMargin=20 * mm, title=page.title, author="职称公示与证书平台",
    )  # fmt: skip
    body = ParagraphStyle(
        "body", fontName=font, fontSize=12, leading=22, firstLineIndent=24, wordWrap="CJK"
    )
    title = ParagraphStyle(
        "title",
        parent=body,
        fontSize=18,
        leading=28,
        alignment=TA_CENTER,
        firstLineIndent=0,
        spaceAfter=12,
    )
    signature = ParagraphStyle(
        "signature", parent=body, alignment=TA_RIGHT, firstLineIndent=0, spaceBefore=6
    )
    note = ParagraphStyle("note", parent=body, fontSize=10, leading=16, firstLineIndent=0)
    cell = ParagraphStyle("cell", parent=body, fontSize=9, leading=13, firstLineIndent=0)
    story = [Paragraph(_pdf_markup(page.title), title)]
    for kind, value, layout, data in _blocks(page):
        if kind == "table":
            table = Table(
                [[Paragraph(_pdf_markup(c), cell) for c in row] for row in data],
                colWidths=[doc.width * w for w in layout.column_widths],
                rowHeights=[None if any(row) else 22 for row in data],
                repeatRows=1 if layout.header else 0,
            )
            style = [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
            style += [("SPAN", (first, r), (last, r)) for r, first, last in layout.merges()]
            if layout.header:
                style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")))
            table.setStyle(TableStyle(style))
            story += [Spacer(1, 6), table, Spacer(1, 6)]
        elif kind == "signature":
            story.append(Paragraph(_pdf_markup(str(value)), signature))
        elif kind == "note":
            story.append(Paragraph(_pdf_markup(str(value)), note))
        else:
            story.append(Paragraph(_pdf_markup(str(value)), body))
    doc.build(story)
    return buffer.getvalue()


def _blocks(page):
    """(kind, value, layout, grid) for each body block; layout and grid only for a table, and a
    table without cells is left out (both the PDF and the Word file skip it)."""
    for block in page.body:
        if block.block_type != "table":
            yield block.block_type, block.value, None, None
            continue
        layout = table_layout(block.value)
        grid = layout.grid()
        if grid:
            yield "table", block.value, layout, grid


def _docx_text(paragraph, text: str) -> None:
    """Runs of text with placeholders as underlined blanks."""
    text = clean_text(text)
    position = 0
    for match in PLACEHOLDER.finditer(text):
        paragraph.add_run(text[position : match.start()])
        blank = paragraph.add_run("\u3000" * max(2, len(match.group(0))))
        blank.underline = True
        position = match.end()
    paragraph.add_run(text[position:])


def render_docx(page) -> bytes:
    """Word document of the template: title, paragraphs, tables with grid lines, signatures."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    layouts = [table_layout(b.value) for b in page.body if b.block_type == "table"]
    # python-docx's default document is US Letter; the notices (and the PDFs) are A4.
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin"):
        setattr(section, side, Mm(25))
    section.bottom_margin = Mm(20)
    if any(layout.width > 7 for layout in layouts):
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    text_width = section.page_width - section.left_margin - section.right_margin
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(clean_text(page.title))
    run.bold = True
    run.font.size = Pt(18)
    for kind, value, layout, data in _blocks(page):
        if kind == "table":
            table = document.add_table(rows=len(data), cols=layout.width)
            table.style = "Table Grid"
            table.autofit = False
            widths = [int(text_width * w) for w in layout.column_widths]
            for column, width in zip(table.columns, widths, strict=True):
                column.width = width
            # table.cell(r, c) recomputes the grid on every call: walk the rows once instead.
            for r, (table_row, row) in enumerate(zip(table.rows, data, strict=True)):
                for cell, value, width in zip(table_row.cells, row, widths, strict=True):
                    cell.width = width
                    if value:
                        run = cell.paragraphs[0].add_run(clean_text(value))
                        run.bold = bool(layout.header and r == 0)
            for r, first, last in layout.merges():
                table.cell(r, first).merge(table.cell(r, last))
            continue
        paragraph = document.add_paragraph()
        if kind == "signature":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif kind == "paragraph":
            paragraph.paragraph_format.first_line_indent = Pt(24)
        _docx_text(paragraph, str(value))
        if kind == "note":
            for run in paragraph.runs:
                run.font.size = Pt(10)
    document.core_properties.title = page.title
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _sheet_row(values) -> list:
    """Cells as text a spreadsheet never evaluates: no control characters, no formula start."""
    return [
        spreadsheet_safe(clean_text(value, multiline=True)) if isinstance(value, str) else value
        for value in values
    ]


def render_xlsx(page) -> bytes:
    """Spreadsheet of the template's first table (a roster): title, header, rows to fill in."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册" if "花名册" in page.title else "表格"
    tables = [b for b in page.body if b.block_type == "table"]
    layout = table_layout(tables[0].value) if tables else None
    header = layout.header if layout else []
    width = layout.width if layout else 1
    sheet.append(_sheet_row([page.title]))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    for block in page.body:
        if block.block_type == "signature":
            sheet.append(_sheet_row([str(block.value)]))
        if block.block_type == "table":
            break
    thin = Side(style="thin")
    first_table_row = sheet.max_row + 1
    for row in layout.grid() if layout else []:
        sheet.append(_sheet_row(row))
    if header:
        for cell in sheet[first_table_row]:
            cell.font = Font(bold=True)
    for r, first, last in layout.merges() if layout else []:
        sheet.merge_cells(
            start_row=first_table_row + r,
            start_column=first + 1,
            end_row=first_table_row + r,
            end_column=last + 1,
        )
    for row in sheet.iter_rows(min_row=first_table_row, max_row=sheet.max_row, max_col=width):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    # Widths in characters: the PDF's proportions over a sheet about 120 characters wide.
    for column in range(1, width + 1):
        share = layout.column_widths[column - 1] if layout else 1
        sheet.column_dimensions[get_column_letter(column)].width = max(6, round(share * 120))
    if header:
        sheet.freeze_panes = sheet.cell(row=first_table_row + 1, column=1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
