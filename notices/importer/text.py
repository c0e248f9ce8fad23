"""Reading a notice file and normalising the text that PDF extraction and editors leave behind.

Everything here is pure: bytes in, a list of paragraphs out. The parser works on paragraphs
that are already rejoined, with spacing, digits, brackets and Markdown markup normalised.
"""

from __future__ import annotations

import io
import re
import zipfile

MAX_FILE_SIZE = 5 * 1024 * 1024

# CJK ideographs and the full-width punctuation that sits between them.
CJK = "\u2e80-\u2fff\u3040-\u9fff\uf900-\ufaff"
FWP = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018-\u201f\u2014\u2026\u00b7"
_HAN = rf"[{CJK}{FWP}]"
TERMINAL = "。！？；：:;!?"
DASHES = "-—–－~～"


KEEP_SPACE = "\u2060"  # a word joiner marks a space _collapse_spaces must leave
JOINT_ISSUERS = re.compile(
    r"(?<=[\u4e00-\u9fff]{2}(?:厅|局|委|部|办|会|院))[ \u3000]+"
    r"(?=[\u4e00-\u9fff]{2,16}?(?:厅|局|委|部|办)(?:关于|[ \u3000]|$)"  # a second issuer
    r"|[\u4e00-\u9fff]{1,12}[〔\[［【(（]\s*\d{4})"  # or the issuer's 文号 on the same line
)


NUMBER_LINE = re.compile(r"^[\u4e00-\u9fff]{1,16}〔\d{4}〕\d+号$")


class NoticeImportError(ValueError):
    """A notice file that cannot be imported; the message is shown to the editor as is."""


def read_document(data: bytes, filename: str = "") -> str:
    """The plain text of an uploaded notice (plain text, Markdown or DOCX), checked by content.

    The file name is only used in messages: a .txt that is really a ZIP is treated as what it is.
    """
    if len(data) > MAX_FILE_SIZE:
        raise NoticeImportError(
            f"文件过大（{len(data) // 1024} KB），通知文件不能超过 {MAX_FILE_SIZE // 1024 // 1024} MB。"
        )
    if not data.strip():
        raise NoticeImportError("文件是空的，没有可导入的内容。")
    if data.startswith(b"PK\x03\x04"):
        return _read_docx(data)
    if data.startswith(b"%PDF"):
        raise NoticeImportError(
            "暂不支持直接导入 PDF 文件，请先另存为 Word（.docx）或纯文本后再导入。"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise NoticeImportError("不支持旧版 Word（.doc）格式，请在 Word 中另存为 .docx 后再导入。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text
    raise NoticeImportError(
        "无法识别文件格式：请上传纯文本（.txt）、Markdown（.md）或 Word（.docx）格式的通知。"
    )


def row_cells(line: str) -> list[tuple[int, int]]:
    """(start, end) of each cell's text, trimmed, in a table row 「| 高级 | 600 |」."""
    bars = [i for i, c in enumerate(line) if c == "|"]
    if not line.rstrip().endswith("|"):
        bars.append(len(line))
    cells = []
    for left, right in zip(bars, bars[1:], strict=False):
        cell = line[left + 1 : right]
        start = left + 1 + len(cell) - len(cell.lstrip())
        cells.append((start, max(start, left + 1 + len(cell.rstrip()))))
    return cells


def _looks_binary(text: str) -> bool:
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t\f")
    return "\x00" in text or controls > max(2, len(text) // 100)


def _read_docx(data: bytes) -> str:
    import docx
    from docx.table import Table

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise NoticeImportError(
                    "这是一个压缩文件而不是 Word 文档，请上传 .docx、.txt 或 .md 文件。"
                )
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        if isinstance(exc, NoticeImportError):
            raise
        raise NoticeImportError("Word 文档已损坏，无法读取。") from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = []
                for cell in row.cells:
                    cells.append(" ".join(cell.text.split()))
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
        else:
            lines.append(_heading_prefix(block) + block.text)
    return "\n".join(lines)


def _heading_prefix(paragraph) -> str:
    """「## 」 for a Word heading (styles Heading 1…6 / 标题 1…6): read like a Markdown one."""
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    match = re.match(r"^(?:Heading|标题)\s*([1-6])$", name.strip())
    if not match or not paragraph.text.strip():
        return ""
    return "#" * int(match.group(1)) + " "


_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
    "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ．＠",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.@",
)


def normalise_line(line: str) -> str:
    """One line with Markdown markup, extraction spacing and half-width punctuation tidied."""
    line = line.replace("\u00a0", " ").replace("\ufeff", "").translate(_FULLWIDTH)
    line = re.sub(r"\[bookmark:[^\]]*\]", "", line)
    line = line.strip()
    if line.startswith("|"):
        return re.sub(r"\s+", " ", line)
    line = re.sub(r"^#{1,6}\s+", "", line)
    line = re.sub(r"^[-*+]\s+", "", line)
    line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
    line = re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r"\1（\2）", line)
    line = re.sub(r"<(https?://[^>\s]+)>", r"\1", line)
    if re.fullmatch(r"[年月日\s]+", line) and " " in line:
        # A date left blank for handwriting: keep the gaps.
        return "　　".join(line.split())
    line = _fullwidth_punctuation(line)
    # 「浙江省财政厅 浙江省人力资源和社会保障厅」: the space between joint issuers is kept.
    line = JOINT_ISSUERS.sub(KEEP_SPACE, line)
    line = _collapse_spaces(line).replace(KEEP_SPACE, " ")
    # (?<!\s): try each run of spaces once, not from every space in it (linear time).
    line = re.sub(r"(?<!\s)\s+(?=[）》」』】〕，。、；：])", "", line)
    line = re.sub(r"(?<=[（《「『【〔])\s+", "", line)
    line = re.sub(
        r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,})\s*[［\[【(（]\s*(\d{4})\s*[］\]】)）]\s*(\d+)\s*号",
        r"\1〔\2〕\3号",
        line,
    )
    return line


def _fullwidth_punctuation(line: str) -> str:
    """Half-width , : ; ( ) next to Chinese text become the full-width forms the notices use."""
    chars = list(line)
    stack: list[bool] = []
    han = re.compile(_HAN)
    # The nearest visible characters around each position, found in two passes (linear time).
    next_visible = [""] * (len(line) + 1)
    for i in range(len(line) - 1, -1, -1):
        next_visible[i] = line[i] if not line[i].isspace() else next_visible[i + 1]
    prev_visible = [""] * (len(line) + 1)
    for i, c in enumerate(line):
        prev_visible[i + 1] = c if not c.isspace() else prev_visible[i]
    for i, c in enumerate(chars):
        before = chars[i - 1] if i else ""
        after = chars[i + 1] if i + 1 < len(chars) else ""
        near_han = bool(han.match(before) or han.match(after))
        if c == "(":
            # 'after' may be a space: look at the next visible character.
            nxt = next_visible[i + 1]
            prv = prev_visible[i]
            wide = near_han or bool(han.match(nxt)) or bool(han.match(prv))
            stack.append(wide)
            if wide:
                chars[i] = "（"
        elif c == ")":
            wide = stack.pop() if stack else near_han
            if wide:
                chars[i] = "）"
        elif c == "," and (near_han or (before.isdigit() and han.match(after or ""))):
            chars[i] = "，"
        elif c == ";" and near_han:
            chars[i] = "；"
        elif c == ":" and han.match(before or "") and not line[i + 1 : i + 3] == "//":
            chars[i] = "："
    return "".join(chars)


def _collapse_spaces(line: str) -> str:
    """Remove the spaces PDF extraction puts between characters (申 报 人 → 申报人).

    Spaces are kept before and after long digit runs (phone numbers beside names).
    """
    line = re.sub(rf"(?<={_HAN})(?<![ \t\u3000])[ \t\u3000]+(?={_HAN})", "", line)
    line = re.sub(
        rf"(?<={_HAN})[ \t]+(?=([0-9A-Za-z]+))",
        lambda m: m.group(0) if len(m.group(1)) >= 7 and m.group(1).isdigit() else "",
        line,
    )
    line = re.sub(
        rf"(?<![0-9A-Za-z])([0-9A-Za-z]+)[ \t]+(?={_HAN})",
        lambda m: m.group(0) if len(m.group(1)) >= 7 and m.group(1).isdigit() else m.group(1),
        line,
    )
    line = re.sub(rf"(?<=[{CJK}0-9])\s*/\s*(?=[{CJK}0-9])", "/", line)
    line = re.sub(rf"(?<=[0-9{CJK}])\s*([{DASHES}]+)\s*(?=[0-9{CJK}])", r"\1", line)
    return re.sub(r"[ \t]{2,}", " ", line).strip()


MARKER = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+\s*[.、．]|附件(?:\s*\d+)?\s*(?:[：:]|$)|\|)"
)
LABEL = re.compile(
    r"^(?:联系人|联系方式|联系电话|[^\s，。：:]{0,12}电话|电子邮箱|邮箱|受理地点|地址|"
    r"[^\s，。：:]{0,6}技术服务|签字|注)[：:]"
)
GENERIC_LABEL = re.compile(rf"^[{CJK}]{{2,8}}[：:]")
TITLE_END = re.compile(r"(通知|公告|通告|公示|决定|意见|办法|方案|细则|规定|函)$")
# The dated line closing a notice: 2023年8月14日, 2019.7.1, 二〇一六年八月二十二日.
FULL_DATE = re.compile(
    r"^(?:\d{4}年\d{1,2}月\d{1,2}日|\d{4}[.．/-]\d{1,2}[.．/-]\d{1,2}"
    r"|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)$"
)
DOCUMENT_NUMBER_LINE = re.compile(r"^[\u4e00-\u9fff]{1,16}〔\d{4}〕\d+号$")
HEADING = re.compile(r"^[一二三四五六七八九十]+、")


def starts_block(line: str) -> bool:
    """Whether a line opens a new paragraph whatever came before it."""
    if line.startswith("关于") and TITLE_END.search(line):
        return True  # a whole title line under the issuer's header
    return bool(
        MARKER.match(line)
        or LABEL.match(line)
        or FULL_DATE.match(line)
        or DOCUMENT_NUMBER_LINE.match(line)
    )


def is_heading(line: str) -> bool:
    """一、评审范围: a short numbered heading without sentence punctuation."""
    return bool(HEADING.match(line)) and len(line) <= 30 and not any(p in line for p in "。，")


MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s+\S")


class HeadingLine(str):
    """A paragraph that was a heading in the source (Markdown #, or a Word heading style),
    so that an unnumbered heading such as 「## 工作要求」 still opens a section."""


def paragraphs(text: str) -> list[str]:
    """Normalised paragraphs, with lines broken by extraction or layout rejoined.

    A line continues the previous one when the previous line does not end a sentence, is not
    a heading, table row or signature, and looks like wrapped prose: as wide as the document's
    wrapped lines (measured before spaces are removed, as laid out), or containing a comma.
    """
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines: list[tuple[str, int]] = []
    for raw in raw_lines:
        line = normalise_line(raw)
        # Markdown table separator rows (|---|---|) carry no content.
        if line and not re.fullmatch(r"\|[\s|:]*-[\s|:\-]*", line):
            if MARKDOWN_HEADING.match(raw):
                line = HeadingLine(line)
            lines.append((line, len(raw.strip())))
    widths = sorted(width for line, width in lines if not line.startswith("|"))
    wrap = widths[int(len(widths) * 0.9)] if widths else 0
    full = max(12, min(int(wrap * 0.75), 40))
    result: list[_Paragraph] = []
    last_width = 0
    for line, width in lines:
        heading = isinstance(line, HeadingLine)
        if (
            result
            and not heading
            and not result[-1].heading
            and _continues(result[-1], last_width, line, full)
        ):
            result[-1].add(line)
        else:
            result.append(_Paragraph(line, heading))
        last_width = width
    return [paragraph.text() for paragraph in result]


class _Paragraph:
    """A paragraph being rejoined, with what `_continues` asks of it kept up to date, so that
    rejoining n lines costs O(n) rather than re-reading the growing paragraph each time.
    """

    def __init__(self, line: str, heading: bool = False) -> None:
        self.heading = heading
        self.parts = [line]
        self.head = line[:64]
        self.tail = line[-4:]
        self.length = len(line)
        self.has_comma = "，" in line
        self.has_stop = any(p in line for p in "。；")
        self.has_period = "。" in line

    def add(self, line: str) -> None:
        ascii_pair = self.tail[-1:].isascii() and self.tail[-1:].isalnum() and line[:1].isascii()
        if ascii_pair and line[:1].isalnum():
            line = " " + line
        self.parts.append(line)
        self.tail = (self.tail + line)[-4:]
        self.length += len(line)
        self.has_comma = self.has_comma or "，" in line
        self.has_stop = self.has_stop or any(p in line for p in "。；")
        self.has_period = self.has_period or "。" in line
        if len(self.head) < 64:
            self.head = (self.head + line)[:64]

    def text(self) -> str:
        text = "".join(self.parts)
        return HeadingLine(text) if self.heading else text

    def short_text(self) -> str | None:
        """The whole text when short enough to test as a heading or title line."""
        return self.head if self.length <= 64 else None


def _continues(prev: _Paragraph, prev_width: int, line: str, full: int) -> bool:
    if prev.head.startswith("|") or line.startswith("|"):
        return False
    tail = prev.tail
    if tail[-1] in TERMINAL or (tail[-1] in "”’）)" and len(tail) > 1 and tail[-2] in "。！？"):
        return False
    short = prev.short_text()
    if starts_block(line) or (
        short is not None and (is_heading(short) or re.match(r"^附件\s*\d+$", short))
    ):
        return False
    if TITLE_END.search(tail) and (
        prev.head.startswith("关于") or not (prev.has_comma or prev.has_stop)
    ):
        # A title line (also 「浙江省财政厅 浙江省人力资源和社会保障厅关于…的通知」) ends itself.
        return False
    if short is not None and NUMBER_LINE.match(short):
        return False  # 「闽价费〔2008〕361号」 on its own line is the 文号, never wrapped prose
    if GENERIC_LABEL.match(line) and GENERIC_LABEL.match(prev.head):
        # 思想政治条件：…  then 业绩成果：… — consecutive labelled fields, not wrapped prose.
        return False
    return prev_width >= full or prev.has_comma or prev.has_period
