"""Blocks of notice bodies (numbered sections) and of templates (text, blanks, tables)."""

from __future__ import annotations

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
    """Cells of a table line written as a|b|c."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def table_data(value) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of a TemplateTableBlock value, blank rows appended, rows padded."""
    header = split_cells(value["header"]) if value.get("header") else []
    rows = [split_cells(line) for line in (value.get("rows") or "").splitlines() if line.strip()]
    width = max([len(header)] + [len(row) for row in rows] + [1])
    rows += [[""] * width for _ in range(value.get("blank_rows") or 0)]
    rows = [row + [""] * (width - len(row)) for row in rows]
    return header, rows
