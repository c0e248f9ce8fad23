"""From the paragraphs of a notice to a `ParsedNotice`: title, number, phases, fees, contacts…

Pure functions: no database. `create.py` turns the result into a draft page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from .dates import find_span
from .text import FULL_DATE, TITLE_END, NoticeImportError, is_heading, paragraphs, read_document

CN_NUMERALS = "一二三四五六七八九十"
SECTION = re.compile(r"^([一二三四五六七八九十]+)、\s*(.*)$")
ITEM = re.compile(r"^([（(][一二三四五六七八九十\d]+[)）]|\d+\s*[.、．])\s*(.*)$")
DOCUMENT_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,16}〔\d{4}〕\d+号$")
ATTACHMENT_LIST = re.compile(r"^附件[：:]\s*(.*)$")
ATTACHMENT_ITEM = re.compile(r"^(\d+)\s*[.、．]\s*(.+)$")
ATTACHMENT_HEADING = re.compile(r"^附件\s*(\d+)\s*[：:]?\s*(.*)$")
LEVEL_WORDS = {"初": "初级", "中": "中级", "副高": "副高级", "正高": "正高级"}
LEVEL_ORDER = ["初级", "中级", "副高级", "正高级"]
FEE_LEVELS = "正高级|副高级|高级|中级|初级"

PHASE_KEYWORDS = [
    ("纸质", "纸质材料报送"),
    ("报送", "纸质材料报送"),
    ("申报", "申报"),
    ("审核", "审核"),
    ("缴费", "缴费"),
    ("交费", "缴费"),
    ("答辩", "答辩"),
    ("评审", "评审"),
    ("公示", "公示"),
    ("审批", "文件印发"),
    ("印发", "文件印发"),
    ("发文", "文件印发"),
    ("证书", "证书签发"),
    ("备案", "事后备案"),
]
LATER_ANNOUNCEMENT = re.compile(
    r"(申报|审核|缴费|答辩|评审|公示)(?:的)?(?:具体)?(?:时间|方式|地点|等工作安排|工作安排|安排)"
)


@dataclass
class ParsedPhase:
    kind: str
    label: str
    start: dt.date | None = None
    end: dt.date | None = None
    to_be_announced: bool = False
    note: str = ""


@dataclass
class ParsedFee:
    level: str
    amount: Decimal
    note: str = ""


@dataclass
class ParsedContact:
    purpose: str = "业务咨询"
    organisation: str = ""
    people: str = ""
    phones: list[str] = field(default_factory=list)
    email: str = ""
    address: str = ""


@dataclass
class ParsedTemplate:
    """An attachment's text: blocks of ("paragraph"|"signature"|"note", str) or ("table", dict)."""

    title: str
    blocks: list[tuple[str, object]] = field(default_factory=list)

    @property
    def is_roster(self) -> bool:
        """A list of people to fill in (花名册): offered as a spreadsheet as well."""
        return "名册" in self.title or "名单" in self.title


@dataclass
class ParsedAttachment:
    number: int
    title: str
    template: ParsedTemplate | None = None


@dataclass
class ParsedSection:
    heading: str
    blocks: list[tuple[str, object]] = field(default_factory=list)


@dataclass
class ParsedNotice:
    title: str
    document_number: str = ""
    addressees: str = ""
    review_year: int | None = None
    issue_date: dt.date | None = None
    authority_name: str = ""
    signature: str = ""
    series_names: list[str] = field(default_factory=list)
    all_series: bool = False
    levels: list[str] = field(default_factory=list)
    summary: str = ""
    sections: list[ParsedSection] = field(default_factory=list)
    phases: list[ParsedPhase] = field(default_factory=list)
    fees: list[ParsedFee] = field(default_factory=list)
    contacts: list[ParsedContact] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)

    def as_json(self) -> dict:
        """Plain JSON-compatible data; dates in ISO 8601, amounts as strings."""

        def convert(value):
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, Decimal):
                return str(value)
            if isinstance(value, dict):
                return {k: convert(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [convert(v) for v in value]
            return value

        data = convert(asdict(self))
        for attachment, parsed in zip(data["attachments"], self.attachments, strict=True):
            if parsed.template is not None:
                attachment["template"]["is_roster"] = parsed.template.is_roster
        return data


def parse_file(data: bytes, filename: str = "") -> ParsedNotice:
    """Read and parse an uploaded notice (text, Markdown or DOCX)."""
    return parse_text(read_document(data, filename))


def parse_text(text: str) -> ParsedNotice:
    """Parse the text of a notice; raise NoticeImportError when no title can be recognised."""
    paras = paragraphs(text)
    if not paras:
        raise NoticeImportError("文件中没有文字内容。")
    title_start, title_end, title = _find_title(paras)
    header = paras[:title_start]
    rest = paras[title_end:]

    notice = ParsedNotice(title=title)
    # 文号: a line of its own right before or after the title.
    for candidate in header + rest[:1]:
        if DOCUMENT_NUMBER.match(candidate):
            notice.document_number = candidate
            if candidate in rest[:1]:
                rest = rest[1:]
    header = [line for line in header if line != notice.document_number]

    if (
        rest
        and rest[0].endswith(("：", ":"))
        and len(rest[0]) <= 120
        and not SECTION.match(rest[0])
    ):
        notice.addressees = rest[0].rstrip("：:")
        rest = rest[1:]

    # Attachment texts follow the notice itself, each under a 附件 N line.
    attachments_at = _attachment_texts_start(rest)
    body, appendix = rest[:attachments_at], rest[attachments_at:]

    # The dated line closes the notice; the lines before it (after the attachment list) sign it.
    date_at = next((i for i in range(len(body) - 1, -1, -1) if FULL_DATE.match(body[i])), None)
    list_at = next((i for i, line in enumerate(body) if ATTACHMENT_LIST.match(line)), None)
    end = len(body)
    if date_at is not None:
        notice.issue_date = _full_date(body[date_at])
        end = date_at
        signature: list[str] = []
        for line in reversed(body[:date_at]):
            if ATTACHMENT_ITEM.match(line) or ATTACHMENT_LIST.match(line) or len(signature) == 3:
                break
            if line[-1] in "。；：" or SECTION.match(line):
                break
            signature.insert(0, line)
        notice.signature = "".join(signature)
        end = date_at - len(signature)
    if list_at is not None:
        notice.attachments, list_end = _attachment_list(body, list_at)
        end = min(end, list_at)
    body = body[:end]

    year_match = re.search(r"(\d{4})\s*年度?", title)
    if year_match:
        notice.review_year = int(year_match.group(1))
    elif notice.issue_date:
        notice.review_year = notice.issue_date.year
    default_year = notice.review_year or (notice.issue_date.year if notice.issue_date else None)
    if default_year is None:
        years = re.findall(r"(20\d{2})年", "\n".join(body))
        default_year = int(years[0]) if years else dt.date.today().year
        notice.review_year = default_year

    header_name = "".join(header)
    notice.authority_name = header_name or notice.signature
    notice.sections, preamble = _sections(body)
    scope = [s for s in notice.sections if "范围" in s.heading]
    notice.series_names = _series(title, _section_text(scope[:1]))
    notice.all_series = _all_series(title)
    notice.summary = "\n".join(preamble)
    notice.levels = _levels(title) or _levels(_section_text(notice.sections[:1]))
    notice.phases = _phases(notice.sections, default_year)
    notice.fees = _fees(notice.sections)
    notice.contacts = _contacts(notice.sections)
    _attach_templates(notice.attachments, appendix)
    return notice


def _find_title(paras: list[str]) -> tuple[int, int, str]:
    """(start, end, title): the 关于…通知 lines near the top, rejoined."""
    for start, line in enumerate(paras[:8]):
        if not (line.startswith("关于") or TITLE_END.search(line)):
            continue
        if SECTION.match(line) or line.endswith(("：", ":")):
            continue
        title = line
        end = start + 1
        while not TITLE_END.search(title) and end < len(paras) and end - start < 4:
            nxt = paras[end]
            if nxt.endswith(("：", ":", "。")) or SECTION.match(nxt):
                break
            title += nxt
            end += 1
        if TITLE_END.search(title):
            return start, end, title
    raise NoticeImportError(
        "没有识别出通知标题：文件开头应有“关于……的通知”一类的标题。请检查文件内容后再导入。"
    )


def _full_date(line: str) -> dt.date | None:
    match = re.match(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$", line)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _attachment_texts_start(lines: list[str]) -> int:
    """Index of the first standalone 附件 N heading after the attachment list, or len(lines)."""
    seen_list = False
    for i, line in enumerate(lines):
        if ATTACHMENT_LIST.match(line):
            seen_list = True
            continue
        if seen_list and re.fullmatch(r"附件\s*\d+", line):
            return i
    return len(lines)


def _attachment_list(lines: list[str], at: int) -> tuple[list[ParsedAttachment], int]:
    items: list[ParsedAttachment] = []
    first = ATTACHMENT_LIST.match(lines[at]).group(1).strip()
    candidates = ([first] if first else []) + lines[at + 1 :]
    consumed = at + 1
    for position, line in enumerate(candidates):
        match = ATTACHMENT_ITEM.match(line)
        if match and int(match[1]) == len(items) + 1:
            items.append(ParsedAttachment(int(match[1]), match[2].strip()))
        elif position == 0 and first and not items:
            items.append(ParsedAttachment(1, line.strip()))
        else:
            break
        if not (position == 0 and first):
            consumed += 1
    return items, consumed


# The national series of professional titles; longer names first so 卫生健康 beats 健康.
KNOWN_SERIES = sorted(
    """工程 经济 会计 审计 统计 卫生健康 卫生 中小学教师 高校教师 技工院校教师 中等职业学校教师
    农业 翻译 新闻 出版 艺术 工艺美术 体育 档案 图书资料 文物博物 群众文化 实验技术
    自然科学研究 社会科学研究 播音主持 律师 公证 船舶 飞行 民用航空 思政""".split(),
    key=len,
    reverse=True,
)


def _series(title: str, scope: str = "") -> list[str]:
    """工程系列, 卫生健康系列 … named in the title or the scope section.

    Lists count for every series they name: 经济、审计、会计、统计系列 is four series, and
    工程全系列 is 工程系列 (all its specialties). 各系列 names none: see `_all_series`.
    """
    names = []
    pattern = "|".join(KNOWN_SERIES)
    for text in (title, scope):
        for match in re.finditer(rf"((?:(?:{pattern})[、和及与]?)+)全?系列", text):
            for name in re.findall(pattern, match.group(1)):
                if name + "系列" not in names:
                    names.append(name + "系列")
    return names


def _all_series(title: str) -> bool:
    """A notice for 各系列 (every series), as the 2025 乌鲁木齐 notice is."""
    return bool(re.search(r"各系列|所有系列|全部系列", title))


def _levels(text: str) -> list[str]:
    """中、初级 → 初级, 中级; 初、中、副高级 → 初级, 中级, 副高级."""
    found: set[str] = set()
    for match in re.finditer(r"((?:(?:正高|副高|初|中)[、和及与]?)+)级", text):
        for word in re.findall(r"正高|副高|初|中", match.group(1)):
            found.add(LEVEL_WORDS[word])
    return [level for level in LEVEL_ORDER if level in found]


def _sections(body: list[str]) -> tuple[list[ParsedSection], list[str]]:
    preamble: list[str] = []
    sections: list[ParsedSection] = []
    for line in body:
        match = SECTION.match(line)
        if match and is_heading(line):
            sections.append(ParsedSection(heading=match.group(2).strip()))
            continue
        if not sections:
            preamble.append(line)
            continue
        item = ITEM.match(line)
        if item:
            sections[-1].blocks.append(
                ("item", {"marker": _marker(item.group(1)), "text": item.group(2).strip()})
            )
        else:
            sections[-1].blocks.append(("paragraph", line))
    return sections, preamble


def _marker(marker: str) -> str:
    marker = marker.replace(" ", "").replace("(", "（").replace(")", "）").replace("．", ".")
    return marker


def _section_text(sections: list[ParsedSection]) -> str:
    parts = []
    for section in sections:
        for _kind, value in section.blocks:
            parts.append(value["text"] if isinstance(value, dict) else str(value))
    return "\n".join(parts)


def _block_text(value: object) -> str:
    return value["text"] if isinstance(value, dict) else str(value)


def phase_kind(label: str) -> str:
    """The PhaseKind of a label such as 网上申报时间 or 评审及公示时间 (first keyword wins)."""
    best: tuple[int, str] | None = None
    for keyword, kind in PHASE_KEYWORDS:
        position = label.find(keyword)
        if position >= 0 and (best is None or position < best[0]):
            best = (position, kind)
    return best[1] if best else "其他"


def _phases(sections: list[ParsedSection], year: int) -> list[ParsedPhase]:
    phases: list[ParsedPhase] = []
    schedule = [s for s in sections if "时间安排" in s.heading or "日程" in s.heading]
    if not schedule:
        schedule = [s for s in sections if "时间" in s.heading or "安排" in s.heading]
    for section in schedule:
        for kind, value in section.blocks:
            text = _block_text(value)
            label_match = re.match(r"^([^，。：:；]{2,24}?)[：:](.*)$", text)
            span = find_span(text, year)
            announced = "另行通知" in text
            if not label_match and not (kind == "item" and (span or announced)):
                continue
            if label_match:
                label, rest = label_match.group(1), label_match.group(2)
            else:
                cut = span.match_start if span else text.index("另行通知")
                label, rest = text[:cut].strip("，："), text
            label = re.sub(r"(?:截止)?(?:时间|日期)?(?:为|于|将|在)?$", "", label).strip() or label
            phase = ParsedPhase(kind=phase_kind(label), label=label)
            if span:
                phase.start, phase.end = span.start, span.end
                if phase.start == phase.end:
                    phase.end = None
                clauses = [
                    c
                    for c in re.split(r"[，。；]", rest)
                    if c and not find_span(c, year) and c not in ("拟定", "拟")
                ]
                note = "，".join(clauses)
                phase.note = (
                    ("拟定时间" + ("，" + note if note else "")) if span.tentative else note
                )
            elif "另行通知" in rest:
                phase.to_be_announced = True
                phase.note = rest.strip().rstrip("。")
            else:
                phase.note = rest.strip()
            phases.append(phase)
    # Elsewhere in the notice: "缴费等工作安排将另行通知" announces a phase without a date.
    known = {phase.kind for phase in phases}
    for section in sections:
        if section in schedule:
            continue
        for _kind, value in section.blocks:
            for sentence in re.split(r"(?<=。)", _block_text(value)):
                if "另行通知" not in sentence:
                    continue
                match = LATER_ANNOUNCEMENT.search(sentence)
                if not match:
                    continue
                kind = phase_kind(match.group(1))
                if kind in known:
                    continue
                known.add(kind)
                phases.append(
                    ParsedPhase(
                        kind=kind,
                        label=kind,
                        to_be_announced=True,
                        note=_clause_with(sentence, "另行通知"),
                    )
                )
    return phases


def _clause_with(sentence: str, needle: str) -> str:
    """The clause of a sentence that contains `needle`, from the phase keyword on."""
    for clause in re.split(r"[，；]", sentence.strip().rstrip("。")):
        if needle in clause:
            return clause.strip()
    return sentence.strip().rstrip("。")


def _fees(sections: list[ParsedSection]) -> list[ParsedFee]:
    fees: list[ParsedFee] = []
    for section in sections:
        if "费" not in section.heading:
            continue
        for _kind, value in section.blocks:
            for sentence in re.split(r"[。；]", _block_text(value)):
                note = ""
                for clause in re.split(r"，", sentence):
                    clause_fees = list(
                        re.finditer(
                            rf"(?P<prefix>[^、，]*?)(?P<level>{FEE_LEVELS})(?P<mid>[^，\d]*?)"
                            rf"(?P<amount>\d+(?:\.\d+)?)\s*元",
                            clause,
                        )
                    )
                    for match in clause_fees:
                        prefix = match["prefix"].lstrip("、").strip()
                        prefix = re.sub(r"[：:]$", "", prefix)
                        mid = re.sub(r"收费$|[：:]$", "", match["mid"].strip())
                        if prefix:
                            note = prefix + mid
                        fees.append(ParsedFee(match["level"], Decimal(match["amount"]), note))
    return fees


CONTACT_LABEL = re.compile(r"^([^，。：:]{1,16}?)[：:]\s*(.*)$")
PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|(?:0\d{2,3}\s*[-—–－]\s*)?\d{7,8})(?!\d)")


def _phones(text: str) -> list[str]:
    """Phone numbers written with any dash, with the area code carried over to later numbers."""
    phones: list[str] = []
    area = ""
    for match in PHONE.finditer(text):
        number = re.sub(r"\s*[-—–－]\s*", "-", match.group(0))
        if "-" in number:
            area = number.split("-")[0]
        elif area and len(number) in (7, 8):
            number = f"{area}-{number}"
        phones.append(number)
    return phones


def _contacts(sections: list[ParsedSection]) -> list[ParsedContact]:
    contacts: list[ParsedContact] = []
    current: ParsedContact | None = None

    def start(**kwargs) -> ParsedContact:
        contact = ParsedContact(**kwargs)
        contacts.append(contact)
        return contact

    for section in sections:
        contact_section = "联系" in section.heading or "咨询" in section.heading
        consumed: list[int] = []
        for index, (kind, value) in enumerate(section.blocks):
            text = _block_text(value)
            if kind == "item" and contact_section:
                label = CONTACT_LABEL.match(text)
                if label and PHONE.search(label.group(2)):
                    current = start(
                        purpose=_purpose(label.group(1)), phones=_phones(label.group(2))
                    )
                else:
                    current = start(organisation=text)
                consumed.append(index)
                continue
            label = CONTACT_LABEL.match(text)
            if not label:
                if contact_section and current is not None and current.address and len(text) < 20:
                    current.address += text  # an address broken over two lines
                    consumed.append(index)
                continue
            name, content = label.group(1).replace(" ", ""), label.group(2).strip()
            if name == "联系人":
                if current is None or current.people:
                    current = start()
                current.people = "、".join(
                    p for p in re.split(r"[、，,\s]+", PHONE.sub("", content)) if p
                )
                current.phones += _phones(content)
            elif name in ("电子邮箱", "邮箱", "电子信箱"):
                if current is None:
                    current = start()
                current.email = content
            elif name in ("受理地点", "地址", "办公地点"):
                if current is None:
                    current = start()
                current.address = content
            elif "电话" in name or "联系方式" in name or "技术服务" in name:
                if not PHONE.search(content):
                    continue
                purpose = _purpose(name)
                if "技术服务" in name or (
                    current is not None
                    and current.phones
                    and current.people == ""
                    and current.organisation == ""
                ):
                    current = start(purpose=purpose)
                elif current is None:
                    current = start(purpose=purpose)
                elif name not in ("联系方式", "联系电话", "电话", "咨询电话"):
                    current.purpose = purpose
                current.phones += _phones(content)
            else:
                continue
            consumed.append(index)
        section.blocks = [b for i, b in enumerate(section.blocks) if i not in consumed]
    # A contact section fully rendered as contact cards leaves nothing to show as text.
    sections[:] = [
        s for s in sections if s.blocks or not ("联系" in s.heading or "咨询" in s.heading)
    ]
    return [c for c in contacts if c.phones or c.email or c.people]


def _purpose(label: str) -> str:
    label = re.sub(r"^\d+[.、]", "", label.replace(" ", ""))
    label = re.sub(r"(电话|联系方式)$", "", label)
    if label in ("", "联系", "咨询", "联系方式"):
        return "业务咨询"
    if label == "网站技术服务":
        return "平台技术服务"
    return label


def _attach_templates(attachments: list[ParsedAttachment], lines: list[str]) -> None:
    by_number = {a.number: a for a in attachments}
    chunks: list[tuple[int, str, list[str]]] = []
    for line in lines:
        heading = ATTACHMENT_HEADING.match(line)
        if heading and re.fullmatch(r"附件\s*\d+(?:\s*[：:].*)?", line):
            chunks.append((int(heading[1]), heading[2].strip(), []))
        elif chunks:
            chunks[-1][2].append(line)
    for number, inline_title, chunk in chunks:
        if inline_title:
            chunk.insert(0, inline_title)
        if not chunk:
            continue
        template = ParsedTemplate(title=chunk[0], blocks=_template_blocks(chunk[1:]))
        attachment = by_number.get(number)
        if attachment is None:
            attachment = ParsedAttachment(number, chunk[0])
            attachments.append(attachment)
        attachment.template = template
    attachments.sort(key=lambda a: a.number)


SIGNATURE = re.compile(
    r"^(签字|签名|签章|.{0,12}[（(]?(公章|盖章)[)）]?[：:]?$|\d{4}年×月×日$|年[　\s]*月[　\s]*日$)"
)


def _template_blocks(lines: list[str]) -> list[tuple[str, object]]:
    blocks: list[tuple[str, object]] = []
    table: list[list[str]] = []

    def flush() -> None:
        if not table:
            return
        header = table[0] if any(table[0]) else []
        rows = table[1:] if header or not any(table[0]) else table
        if not header:
            rows = [row for row in table if any(row)] if table and not any(table[0]) else rows
        while rows and not any(rows[-1]):
            rows.pop()
        blank_rows = sum(1 for row in table[1:] if not any(row)) if header else 0
        blocks.append(("table", {"header": header, "rows": rows, "blank_rows": blank_rows}))
        table.clear()

    in_note = False
    for line in lines:
        if line.startswith("|"):
            cells = [re.sub(r"\s*/\s*", "/", c.strip()) for c in line.strip().strip("|").split("|")]
            table.append(cells)
            continue
        flush()
        if line.startswith(("注：", "注:")):
            in_note = True
            blocks.append(("note", line))
        elif in_note and ATTACHMENT_ITEM.match(line):
            blocks.append(("note", line))
        elif SIGNATURE.match(line) and len(line) <= 24:
            blocks.append(("signature", line))
        else:
            in_note = False
            blocks.append(("paragraph", line))
    flush()
    return blocks
