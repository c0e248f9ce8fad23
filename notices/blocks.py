"""Blocks of notice bodies (numbered sections) and of templates (text, blanks, tables)."""

from __future__ import annotations

from dataclasses import dataclass, field

from wagtail import blocks

from website.blocks import ContactBlock


class SectionItemBlock(blocks.StructBlock):
    """（一）… or 1. … : a numbered item inside a section."""

    marker = blocks.CharBlock(
        label="序号", max_length=12, required=False, help_text="如 （一） 或 1."
    )
    text = blocks.TextBlock(label="内容")

    class Meta:
        icon = "list-ol"
        label = "条目"


class TemplateTableBlock(blocks.StructBlock):
    """A form or roster table; cells separated by |, empty cells left blank for filling in."""

    header = blocks.CharBlock(
        label="表头", required=False, help_text="单元格用 | 分隔，如 序号|姓名|性别"
    )
    rows = blocks.TextBlock(
        label="表格行", required=False, help_text="每行一条，单元格用 | 分隔；空单元格留空"
    )
    blank_rows = blocks.IntegerBlock(label="空白行数", min_value=0, max_value=200, default=0)

    class Meta:
        icon = "table"
        label = "表格"


class SectionBlock(blocks.StructBlock):
    """一、… : a numbered section; the number follows the order of headed sections on the page.

    A section without a heading holds what stands before the first heading but cannot be
    plain text, such as a fee table right under the title; it takes no number.
    """

    heading = blocks.CharBlock(
        label="标题",
        max_length=80,
        required=False,
        help_text="不含“一、”等序号，序号自动生成；留空则不编号",
    )
    content = blocks.StreamBlock(
        [
            ("paragraph", blocks.TextBlock(label="段落")),
            ("item", SectionItemBlock()),
            ("table", TemplateTableBlock()),
        ],
        label="内容",
        required=False,
    )

    class Meta:
        icon = "doc-full"
        label = "章节"
        template = "notices/blocks/section_block.html"


class NoticeContactBlock(ContactBlock):
    """联系方式 of a notice, with the office where papers are handed in."""

    address = blocks.CharBlock(label="受理地点", max_length=200, required=False)

    class Meta:
        icon = "mail"
        label = "联系方式"
        template = "notices/blocks/contact_block.html"


TEMPLATE_BLOCKS = [
    ("paragraph", blocks.TextBlock(label="段落", help_text="×× 表示待填写的空白")),
    ("signature", blocks.CharBlock(label="落款/签字行", max_length=80)),
    ("table", TemplateTableBlock()),
    ("note", blocks.TextBlock(label="注")),
]


def split_cells(line: str) -> list[str]:
    """Cells of a table line written as a|b|c, or |a|b|c| (one bounding bar each side).

    Empty cells are cells: 姓名||性别| has four of them, ||初定 has three. Only a bar at both
    ends is read as a bounding bar, so a row whose first or last cell is empty keeps it.
    """
    line = line.strip()
    if len(line) > 1 and line.startswith("|") and line.endswith("|"):
        line = line[1:-1]
    return [cell.strip() for cell in line.split("|")]


def join_cells(cells: list[str]) -> str:
    """The stored form of a row: bounded by bars so that empty edge cells survive a round trip."""
    return "|" + "|".join(cells) + "|"


def table_data(value) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of a TemplateTableBlock value, blank rows appended, rows padded."""
    header = split_cells(value["header"]) if value.get("header") else []
    rows = [split_cells(line) for line in (value.get("rows") or "").splitlines() if line.strip()]
    width = max([len(header)] + [len(row) for row in rows] + [1])
    header = header + [""] * (width - len(header)) if header else []
    rows += [[""] * width for _ in range(value.get("blank_rows") or 0)]
    rows = [row + [""] * (width - len(row)) for row in rows]
    return header, rows


@dataclass(frozen=True)
class LaidOutCell:
    """A cell of the laid-out grid: its text, its column and how many columns it spans."""

    text: str
    column: int
    span: int = 1


@dataclass
class TableLayout:
    """What every rendering (HTML, PDF, DOCX, XLSX) draws: the same grid, merges and widths."""

    width: int
    header: list[str]
    rows: list[list[LaidOutCell]]
    # Relative column widths (sum 1.0): label columns as wide as their longest label.
    column_widths: list[float] = field(default_factory=list)

    def grid(self) -> list[list[str]]:
        """Rows × columns of text, a merged cell's text in its first column and '' after."""
        result = [list(self.header)] if self.header else []
        for row in self.rows:
            cells = [""] * self.width
            for cell in row:
                cells[cell.column] = cell.text
            result.append(cells)
        return result

    def merges(self) -> list[tuple[int, int, int]]:
        """(row, first column, last column) of each merged cell, rows counted with the header."""
        offset = 1 if self.header else 0
        return [
            (r + offset, cell.column, cell.column + cell.span - 1)
            for r, row in enumerate(self.rows)
            for cell in row
            if cell.span > 1
        ]


def table_layout(value) -> TableLayout:
    """The grid of a template table.

    A form (a table without a header, labels beside answer cells) is drawn as such forms are
    printed: the empty answer cells after a row's last label make one answer box reaching the
    right edge (何时何学校何专业毕业 → one wide box). A roster (with a header) keeps every cell.
    """
    header, rows = table_data(value)
    width = len(header) if header else max([len(row) for row in rows] + [1])
    laid: list[list[LaidOutCell]] = []
    for row in rows:
        cells = [LaidOutCell(text, column) for column, text in enumerate(row)]
        filled = [i for i, text in enumerate(row) if text]
        if not header and filled and width - filled[-1] - 1 >= 2:
            last = filled[-1]
            cells = cells[: last + 1] + [LaidOutCell("", last + 1, width - last - 1)]
        laid.append(cells)
    weights = []
    for column in range(width):
        texts = [header[column]] if header else []
        texts += [c.text for row in laid for c in row if c.column == column and c.span == 1]
        longest = max([len(t) for t in texts] + [0])
        weights.append(max(longest, 4 if not header else 2))
    total = sum(weights) or 1
    return TableLayout(
        width=width, header=header, rows=laid, column_widths=[w / total for w in weights]
    )
