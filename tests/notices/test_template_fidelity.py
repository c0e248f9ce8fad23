"""Templates reproduced cell for cell: every generated table has the source's grid.

The source grid is read here straight from the seed notice's Markdown tables (not through the
importer), so a cell the importer drops or shifts shows up as a difference.
"""

from __future__ import annotations

import io
import re

import pytest

from .conftest import SEEDS

pytestmark = pytest.mark.django_db

SEED = "2023-bayingol-engineering-notice.txt"


def source_grids(attachment: int) -> list[list[list[str]]]:
    """The tables of 附件 N in the seed file, as rows of stripped cell texts."""
    text = (SEEDS / SEED).read_text("utf-8")
    chunk = re.split(r"^附件 ?(\d+)\s*$", text, flags=re.M)
    body = chunk[chunk.index(str(attachment)) + 1]
    grids: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in body.splitlines() + [""]:
        line = line.strip()
        if line.startswith("|"):
            if "-" in line and re.fullmatch(r"\|[\s|:\-]*", line):
                continue  # the Markdown separator row
            cells = [re.sub(r"\s*/\s*", "/", c.strip()) for c in line[1:-1].split("|")]
            current.append(cells)
        elif current:
            # A Markdown table must have a first row; an all-empty one is not part of the form.
            if not any(current[0]):
                current = current[1:]
            grids.append(current)
            current = []
    return grids


def compact(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def docx_grids(data: bytes) -> list[list[list[str]]]:
    import docx

    grids = []
    for table in docx.Document(io.BytesIO(data)).tables:
        grid = []
        for row in table.rows:
            cells, previous = [], None
            for cell in row.cells:
                # A merged cell is returned once per grid column it covers.
                cells.append("" if cell._tc is previous else compact(cell.text))
                previous = cell._tc
            grid.append(cells)
        grids.append(grid)
    return grids


def docx_spans(data: bytes) -> list[list[int]]:
    """Grid span of every cell of the first table, row by row."""
    import docx
    from docx.oxml.ns import qn

    table = docx.Document(io.BytesIO(data)).tables[0]
    spans = []
    for tr in table._tbl.tr_lst:
        row = []
        for tc in tr.tc_lst:
            span = tc.tcPr.find(qn("w:gridSpan")) if tc.tcPr is not None else None
            row.append(int(span.get(qn("w:val"))) if span is not None else 1)
        spans.append(row)
    return spans


def pdf_grids(data: bytes) -> list[list[list[str]]]:
    """Tables found by pdfplumber; a table continued on the next page (header repeated) joined."""
    import pdfplumber

    grids: list[list[list[str]]] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages):
            for table in page.extract_tables():
                grid = [[compact(c) for c in row] for row in table]
                if number and grids and grid[0] == grids[-1][0] and any(grid[0]):
                    grids[-1] += grid[1:]
                else:
                    grids.append(grid)
    return grids


def xlsx_grid(data: bytes, width: int) -> list[list[str]]:
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = [[compact(str(v) if v is not None else "") for v in row[:width]]
            for row in sheet.iter_rows(values_only=True)]  # fmt: skip
    start = next(i for i, row in enumerate(rows) if len(row) == width and row[0] == "序号")
    return rows[start:]


def page_of(number: int):
    from notices.models import TemplatePage

    return TemplatePage.objects.get(slug=f"2023-bayingol-attachment-{number}")


def expected(number: int) -> list[list[str]]:
    (grid,) = source_grids(number)
    return [[compact(c) for c in row] for row in grid]


@pytest.mark.parametrize("number", [4, 5])
def test_docx_and_pdf_tables_have_the_source_grid(bayingol_notice, number):
    from notices.downloads import render_docx, render_pdf

    page = page_of(number)
    source = expected(number)
    assert docx_grids(render_docx(page)) == [source]
    assert pdf_grids(render_pdf(page)) == [source]


def test_form_keeps_every_answer_cell(bayingol_notice):
    """附件4: 出生年月 and 学位 keep their answer cells (six columns, not five)."""
    from notices.blocks import table_layout

    grid = expected(4)
    assert grid[0] == ["姓名", "", "性别", "", "出生年月", ""]
    assert grid[1] == ["身份证号", "", "学历", "", "学位", ""]
    (table,) = [b.value for b in page_of(4).body if b.block_type == "table"]
    assert table_layout(table).grid() == grid


def test_roster_keeps_the_note_in_its_column(bayingol_notice, client):
    """附件5: 初定/授予/评审 stays under 备注, not under 序号."""
    page = page_of(5)
    source = expected(5)
    assert source[1][-1] == "初定/授予/评审" and source[1][0] == ""
    from notices.downloads import render_xlsx

    assert xlsx_grid(render_xlsx(page), 12) == source
    html = client.get(page.url).content.decode()
    first_row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", first_row, re.S)
    assert len(cells) == 12 and cells[-1] == "初定/授予/评审" and cells[0] == ""


def test_form_answer_boxes_are_merged_to_the_right_edge(bayingol_notice, client):
    """何时何学校何专业毕业 has one answer box across the remaining five columns, as printed."""
    from notices.downloads import render_docx, render_xlsx

    page = page_of(4)
    spans = docx_spans(render_docx(page))
    assert spans[0] == [1, 1, 1, 1, 1, 1]  # 姓名 | … | 出生年月 | answer
    assert spans[2] == [1, 5]  # 何时何学校何专业毕业 | one box
    assert spans[3] == [1, 1, 1, 3]  # 现工作单位 | … | 参加工作时间 | box of three
    html = client.get(page.url).content.decode()
    assert '<td colspan="5"></td>' in html and '<td colspan="3"></td>' in html
    assert "<colgroup>" in html
    del render_xlsx  # the form is not a roster: no spreadsheet is offered for it
    assert "xlsx" not in page.formats()


def test_pdf_merges_the_answer_boxes(bayingol_notice):
    import pdfplumber

    from notices.downloads import render_pdf

    with pdfplumber.open(io.BytesIO(render_pdf(page_of(4)))) as pdf:
        (table,) = pdf.pages[0].extract_tables()
    # pdfplumber reports the columns a merged cell covers as None.
    assert table[2][1:] == ["", None, None, None, None]


def test_docx_is_a4(bayingol_notice):
    import docx
    from docx.shared import Mm

    from notices.downloads import render_docx

    for number, landscape in ((3, False), (4, False), (5, True)):
        section = docx.Document(io.BytesIO(render_docx(page_of(number)))).sections[0]
        size = sorted([round(section.page_width / Mm(1)), round(section.page_height / Mm(1))])
        assert size == [210, 297]
        assert (section.page_width > section.page_height) is landscape


def test_fill_in_blanks_are_underlined_space(bayingol_notice):
    """现对××同志申报××系列 keeps its blanks: underlined ideographic spaces in DOCX and PDF."""
    import docx
    import pdfplumber

    from notices.downloads import render_docx, render_pdf

    page = page_of(1)
    document = docx.Document(io.BytesIO(render_docx(page)))
    paragraph = next(p for p in document.paragraphs if "同志申报" in p.text)
    assert "现对\u3000\u3000同志申报\u3000\u3000系列" in paragraph.text
    blanks = [run for run in paragraph.runs if run.text.strip("\u3000") == "" and run.text]
    assert blanks and all(run.underline for run in blanks)

    with pdfplumber.open(io.BytesIO(render_pdf(page))) as pdf:
        pdf_page = pdf.pages[0]
        words = pdf_page.extract_words(keep_blank_chars=True)
        line = next(w for w in words if "同志申报" in w["text"])
        chars = [c for c in pdf_page.chars if line["top"] - 2 <= c["top"] <= line["bottom"]]
        before = next(c for c in chars if c["text"] == "对")
        after = next(c for c in chars if c["text"] == "同" and c["x0"] > before["x0"])
        # Two full-width characters of blank, not a narrow gap…
        assert after["x0"] - before["x1"] >= 1.8 * before["size"]
        # …with a line under it.
        underlines = [
            item
            for item in pdf_page.lines + pdf_page.rects
            if item["x0"] <= before["x1"] + 1
            and item["x1"] >= after["x0"] - 1
            and line["top"] <= item["top"] <= line["bottom"] + 4
        ]
        assert underlines
