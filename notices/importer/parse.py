"""From the paragraphs of a notice to a `ParsedNotice`: title, number, phases, fees, contacts…

Pure functions: no database. `create.py` turns the result into a draft page.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from . import facts as F
from .dates import find_span
from .text import (
    FULL_DATE,
    NUMBER_LINE,
    TITLE_END,
    HeadingLine,
    NoticeImportError,
    is_heading,
    paragraphs,
    read_document,
    row_cells,
)

CN_NUMERALS = "一二三四五六七八九十"
SECTION = re.compile(r"^([一二三四五六七八九十]+)、\s*(.*)$")
ITEM = re.compile(r"^([（(][一二三四五六七八九十\d]+[)）]|\d+\s*[.、．])\s*(.*)$")
ATTACHMENT_LIST = re.compile(r"^附件[：:]\s*(.*)$")
ATTACHMENT_ITEM = re.compile(r"^(\d+)\s*[.、．]\s*(.+)$")
ATTACHMENT_HEADING = re.compile(r"^附件\s*(\d+)\s*[：:]?\s*(.*)$")
DOCUMENT_NUMBER = NUMBER_LINE  # a 文号 line of its own: 某人社发〔2023〕5号
DOCUMENT_NUMBER_IN = re.compile(r"[\u4e00-\u9fff]{1,16}〔\d{4}〕\d+号")
# 「转发《关于报送…的通知》」: a notice that forwards another one, titled by it.
FORWARDED_TITLE = re.compile(
    r"^(?:关于)?转发.{0,20}《[^》]+(?:通知|公告|通告|意见|办法|方案|函)》(?:的通知)?$"
)
# The issuer written before 关于 in a title: 山西省教育厅, 浙江省财政厅 浙江省人力资源和社会保障厅.
ISSUER_END = re.compile(
    r"(厅|局|委|委员会|办|办公室|政府|部|院|会|处|科|中心|学校|大学|学院|集团|公司)$"
)
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
    # (start, end) in ParsedNotice.text of the words this phase was read from.
    span: tuple[int, int] | None = None


@dataclass
class ParsedFee:
    level: str
    amount: Decimal
    note: str = ""
    kind: str = ""
    span: tuple[int, int] | None = None


@dataclass
class ParsedContact:
    purpose: str = "业务咨询"
    organisation: str = ""
    people: str = ""
    phones: list[str] = field(default_factory=list)
    email: str = ""
    address: str = ""
    span: tuple[int, int] | None = None


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
    # The normalised text every span points into, the spans of the single-valued facts
    # (title, document_number, issue_date, authority_name), every date found, and what the
    # importer could not understand or left empty rather than guess.
    text: str = ""
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    dates: list[F.DateFact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def phones(self) -> list[str]:
        return [phone for contact in self.contacts for phone in contact.phones]

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


def parse_file(data: bytes, filename: str = "", *, require_title: bool = True) -> ParsedNotice:
    """Read and parse an uploaded notice (text, Markdown or DOCX)."""
    return parse_text(read_document(data, filename), require_title=require_title)


def parse_text(text: str, *, require_title: bool = True) -> ParsedNotice:
    """Parse the text of a notice.

    Raise NoticeImportError when no title can be recognised, unless `require_title` is False
    (then the title stays empty and a warning says so).
    """
    paras = paragraphs(text)
    if not paras:
        raise NoticeImportError("文件中没有文字内容。")
    offsets = _offsets(paras)
    normalised = "\n".join(paras)
    found = _find_title(paras)
    warnings: list[str] = []
    if found is None:
        if require_title:
            raise NoticeImportError(
                "没有识别出通知标题：文件开头应有“关于……的通知”一类的标题。请检查文件内容后再导入。"
            )
        warnings.append("没有识别出通知标题，请手工填写。")
        title_start, title_end, title = 0, 0, ""
    else:
        title_start, title_end, title = found
    header_at = list(range(0, title_start))
    rest_at = list(range(title_end, len(paras)))

    notice = ParsedNotice(title=title, text=normalised)
    if title:
        notice.spans["title"] = (
            offsets[title_start],
            offsets[title_end - 1] + len(paras[title_end - 1]),
        )
    # 文号: a line of its own before or right after the title (or, without a title, among
    # the first lines), or the end of a header line such as 「某某局 某人社发〔2023〕5号」.
    candidates = header_at + rest_at[:1] if title else rest_at[:3]
    for index in candidates:
        line = paras[index]
        match = DOCUMENT_NUMBER.match(line) or (
            index in header_at and DOCUMENT_NUMBER_IN.search(line)
        )
        if match:
            notice.document_number = match.group(0)
            notice.spans["document_number"] = (
                offsets[index] + match.start(),
                offsets[index] + match.end(),
            )
            if match.group(0) == line and index in rest_at:
                rest_at.remove(index)
            break
    header_lines = []
    for index in header_at:
        line = paras[index]
        if notice.document_number and notice.document_number in line:
            line = line.replace(notice.document_number, "").strip()
        if line and not FULL_DATE.match(line):
            header_lines.append((index, line))
    rest = [paras[i] for i in rest_at]

    if (
        rest
        and rest[0].endswith(("：", ":"))
        and len(rest[0]) <= 120
        and not SECTION.match(rest[0])
    ):
        notice.addressees = rest[0].rstrip("：:")
        rest = rest[1:]
        rest_at = rest_at[1:]

    # Attachment texts follow the notice itself, each under a 附件 N line.
    attachments_at = _attachment_texts_start(rest)
    body, appendix = rest[:attachments_at], rest[attachments_at:]

    # The dated line closes the notice; the lines before it (after the attachment list) sign it.
    date_at = next((i for i in range(len(body) - 1, -1, -1) if FULL_DATE.match(body[i])), None)
    list_at = next((i for i, line in enumerate(body) if ATTACHMENT_LIST.match(line)), None)
    end = len(body)
    if date_at is not None:
        notice.issue_date = _full_date(body[date_at])
        if notice.issue_date:
            at = offsets[rest_at[date_at]]
            notice.spans["issue_date"] = (at, at + len(body[date_at]))
        end = date_at
        signature: list[str] = []
        for line in reversed(body[:date_at]):
            if ATTACHMENT_ITEM.match(line) or ATTACHMENT_LIST.match(line) or len(signature) == 3:
                break
            if line[-1] in "。；：:!！?？" or SECTION.match(line) or line.startswith("|"):
                break
            if len(line) > 40 or "，" in line:
                break
            signature.insert(0, line)
        notice.signature = "".join(signature)
        if signature:
            first = rest_at[date_at - len(signature)]
            notice.spans["signature"] = (offsets[first], offsets[first] + len(paras[first]))
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
    default_year = notice.review_year
    if default_year is None:
        years = re.findall(r"(20\d{2})\s*年", "\n".join(body))
        if years:
            default_year = int(years[0])
            notice.review_year = default_year
        else:
            warnings.append("通知中没有写明年份：评审年度与不带年份的日期无法确定，请手工填写。")

    # The issuer: the lines above the title, else the name before 关于 in the title, else
    # the signature. Never a guess beyond what the text says.
    issuer_in_title = _issuer_in_title(title)
    if any(len(line) > 60 or re.search(r"[，。；]", line) for _i, line in header_lines):
        # Sentences above the title are not a letterhead: leave the issuer to the editor.
        warnings.append("标题前的文字不像发文机关名称，未作为发文机关，请核对。")
        header_lines = []
    if header_lines:
        notice.authority_name = "".join(line for _i, line in header_lines)
        notice.spans["authority_name"] = (
            offsets[header_lines[0][0]],
            offsets[header_lines[-1][0]] + len(paras[header_lines[-1][0]]),
        )
    elif issuer_in_title:
        notice.authority_name = issuer_in_title
        start = notice.spans["title"][0]
        notice.spans["authority_name"] = (start, start + len(issuer_in_title))
    elif notice.signature:
        notice.authority_name = notice.signature
        notice.spans["authority_name"] = notice.spans["signature"]
    else:
        warnings.append("没有识别出发文机关（文头、标题或落款），请选择发文机关。")
    notice.sections, preamble = _sections(body)
    scope = [s for s in notice.sections if "范围" in s.heading]
    notice.series_names = _series(title, _section_text(scope[:1]))
    notice.all_series = _all_series(title)
    notice.summary = "\n".join(preamble)
    notice.levels = _levels(title) or _levels(_section_text(notice.sections[:1]))
    notice.phases = _phases(notice.sections, default_year or 0) if default_year else []
    notice.fees = _fees(notice.sections)
    notice.contacts = _contacts(notice.sections)
    _attach_templates(notice.attachments, appendix)
    notice.warnings = warnings
    _read_facts(notice, default_year)
    return notice


def _offsets(paras: list[str]) -> list[int]:
    offsets = []
    position = 0
    for para in paras:
        offsets.append(position)
        position += len(para) + 1
    return offsets


def _issuer_in_title(title: str) -> str:
    """山西省教育厅 in 「山西省教育厅关于暂缓开展…的通知」; empty when the title starts with 关于."""
    at = title.find("关于")
    if at <= 0:
        return ""
    issuer = title[:at].strip()
    return issuer if ISSUER_END.search(issuer) else ""


def _find_title(paras: list[str]) -> tuple[int, int, str] | None:
    """(start, end, title): the 关于…通知 lines near the top, rejoined.

    A title may run over several lines (「山西省教育厅关于暂缓开展2021年度」「全省中小学正高级
    教师」「职称评审相关工作的通知」): from its last line, earlier short lines are taken back
    up to the one with 关于.
    """
    for start, line in enumerate(paras[:10]):
        if FORWARDED_TITLE.match(line):
            return start, start + 1, line
        if not (line.startswith("关于") or TITLE_END.search(line)):
            continue
        if SECTION.match(line) or line.endswith(("：", ":")) or "。" in line:
            continue
        title = line
        end = start + 1
        while not TITLE_END.search(title) and end < len(paras) and end - start < 4:
            nxt = paras[end]
            if nxt.endswith(("：", ":", "。")) or SECTION.match(nxt) or "。" in nxt:
                break
            title += nxt
            end += 1
        if not TITLE_END.search(title):
            continue
        if "关于" not in title:
            back = start
            while back > 0 and start - back < 3:
                previous = paras[back - 1]
                if (
                    previous[-1] in "。；：:，"
                    or len(previous) > 40
                    or DOCUMENT_NUMBER.match(previous)
                    or FULL_DATE.match(previous)
                ):
                    break
                back -= 1
                if "关于" in previous:
                    return back, end, "".join(paras[back:end])
        elif start > 0 and end < len(paras) and DOCUMENT_NUMBER.match(paras[end]):
            # 「福建省物价局福建省财政厅」「关于…的通知」「闽价费〔2008〕361号」: the issuers open
            # the title. (A letterhead comes before the 文号, and the title after it.)
            previous = paras[start - 1]
            if (
                len(previous) <= 40
                and ISSUER_END.search(previous)
                and not re.search(r"[，。；：:、,]|文件$", previous)
            ):
                return start - 1, end, previous + title
        return start, end, title
    return None


def _full_date(line: str) -> dt.date | None:
    """The 成文日期 line: 2023年8月14日, 2019.7.1 or 二〇一六年八月二十二日."""
    match = re.match(r"^(\d{4})(?:年|[.．/-])(\d{1,2})(?:月|[.．/-])(\d{1,2})日?$", line)
    if not match:
        return F.cn_full_date(line)
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
    """Numbered sections with their paragraphs, items and tables; the lines before the first
    heading are the preamble, except that a table there opens a section without a heading
    (tables are kept as tables, never as text with | in it).
    """
    preamble: list[str] = []
    sections: list[ParsedSection] = []
    table: list[list[str]] = []

    def flush() -> None:
        if table:
            sections[-1].blocks.append(("table", _table_value(table)))
            table.clear()

    for line in body:
        if line.startswith("|"):
            if not sections:
                sections.append(ParsedSection(heading=""))
            table.append(split_row(line))
            continue
        if table:
            flush()
        match = SECTION.match(line)
        if match and is_heading(line):
            sections.append(ParsedSection(heading=match.group(2).strip()))
            continue
        if (
            isinstance(line, HeadingLine)
            and not ITEM.match(line)
            and len(line) <= 30
            and not re.search(r"[。，；]", line)
        ):
            # 「## 工作要求」 or a Word heading without a number: a section all the same.
            sections.append(ParsedSection(heading=line.strip()))
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
    if table:
        flush()
    return sections, preamble


def _table_value(rows: list[list[str]]) -> dict:
    """A body table as the table block stores it: the first row is the header."""
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    return {"header": rows[0], "rows": rows[1:], "blank_rows": 0}


def _marker(marker: str) -> str:
    marker = marker.replace(" ", "").replace("(", "（").replace(")", "）").replace("．", ".")
    return marker


def _section_text(sections: list[ParsedSection]) -> str:
    parts = []
    for section in sections:
        for _kind, value in section.blocks:
            parts.append(_block_text(value))
    return "\n".join(parts)


def _block_text(value: object) -> str:
    if isinstance(value, dict) and "rows" in value:
        return "\n".join(" ".join(row) for row in [value["header"], *value["rows"]])
    return value["text"] if isinstance(value, dict) else str(value)


def phase_kind(label: str) -> str:
    """The PhaseKind of a label such as 网上申报时间 or 评审及公示时间 (first keyword wins).

    「评审结果公示」「拟通过人员名单公示」 publish a result: they are 公示, not 评审.
    """
    if re.search(r"(?:结果|名单|人员)(?:的)?公示", label):
        return "公示"
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
                phase = _phase_announced_later(sentence, known)
                if phase:
                    known.add(phase.kind)
                    phases.append(phase)
    return phases


def _phase_announced_later(
    sentence: str, known: set[str], start: int | None = None
) -> ParsedPhase | None:
    """The phase a sentence like "缴费等工作安排将另行通知" announces without a date.

    None when the sentence announces nothing or its kind is in `known` already. `start` is
    the sentence's offset in the notice's text, when known, for the phase's span.
    """
    if "另行通知" not in sentence:
        return None
    match = LATER_ANNOUNCEMENT.search(sentence)
    if not match:
        return None
    kind = phase_kind(match.group(1))
    if kind in known:
        return None
    clause = _clause_with(sentence, "另行通知")
    phase = ParsedPhase(kind=kind, label=kind, to_be_announced=True, note=clause)
    if start is not None:
        at = start + sentence.find(clause)
        phase.span = (at, at + len(clause))
    return phase


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


# -- facts read from the wording, wherever they stand ------------------------------------

TABLE_LINE = re.compile(r"(?m)^\|.*$")
FEE_RELEVANT = re.compile(r"评审|职称|职务|专业技术|推荐|答辩|论著")


def _read_facts(notice: ParsedNotice, year: int | None) -> None:
    """Dates, and phases, fees and contacts where the section layout gave none, with spans."""
    text = notice.text
    notice.dates = F.find_dates(text, year)
    issue_span = notice.spans.get("issue_date")
    if notice.issue_date and issue_span and not any(d.span == issue_span for d in notice.dates):
        # 二〇一六年八月二十二日 is read by the signature rule only.
        notice.dates.append(F.DateFact(notice.issue_date, notice.issue_date, issue_span))
    if any(d.year_inferred for d in notice.dates) and not year:
        notice.warnings.append("有日期没有写年份，且通知中没有年份可推断，这些日期未读取。")
    # What the layout gave comes first; what the wording gives elsewhere is added when it is
    # not already there (a date named outside the 时间安排 section, a contact in parentheses).
    if notice.phases:
        _locate_phases(notice)
    known_days = {(p.start, p.end) for p in notice.phases} | {(None, p.end) for p in notice.phases}
    known_kinds = {p.kind for p in notice.phases}
    for phase in _phases_from_dates(notice, issue_span):
        if phase.to_be_announced and phase.kind in known_kinds:
            continue
        if not phase.to_be_announced and (phase.start, phase.end) in known_days:
            continue
        notice.phases.append(phase)
    for phase in notice.phases:
        if phase.kind in ("", "其他"):
            phase.kind = ""
            notice.warnings.append(
                f"时间安排“{phase.label}”没有识别出阶段类型，导入时记为“其他”，请核对。"
            )
    if notice.fees:
        _locate_fees(notice)
    known_fees = {(f.level, f.amount) for f in notice.fees}
    notice.fees += [f for f in _fees_anywhere(text) if (f.level, f.amount) not in known_fees]
    for fee in notice.fees:
        if not fee.level:
            notice.warnings.append(
                f"{fee.kind or '费用'} {fee.amount} 元没有写明级别，不写入评审费表，请核对。"
            )
    if notice.contacts:
        _locate_contacts(notice)
    known_phones = {phone for contact in notice.contacts for phone in contact.phones}
    notice.contacts += [
        ParsedContact(purpose=c.purpose, people=c.people, phones=c.phones, span=c.span)
        for c in F.find_contacts(text, F.find_phones(text))
        if not set(c.phones) & known_phones
    ]
    for contact in notice.contacts:
        short = [p for p in contact.phones if re.fullmatch(r"\d{7,8}", p)]
        if short:
            notice.warnings.append(
                f"电话 {'、'.join(short)} 没有区号，文中也没有给出区号，保持原样。"
            )


class _Lines:
    """Start and end of the line around any offset, by binary search (no rescanning)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.length = len(text)

    def bounds(self, position: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, position) - 1
        start = self.starts[index]
        end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else self.length
        return start, end


def _clause_before(text: str, lines: _Lines, date: F.DateFact, previous_end: int) -> str:
    line_start, _ = lines.bounds(date.span[0])
    start = max(line_start, previous_end, date.span[0] - 120)
    chunk = text[start : date.span[0]]
    return re.split(r"[。；;，,]", chunk)[-1]


def _phases_from_dates(notice: ParsedNotice, issue_span) -> list[ParsedPhase]:
    """Phases told by their wording: 「公示期为2024年8月12日-16日」, 「（二）审核时间」 over
    「9月5日至10月8日」, 「收费截止日期：2020年10月15日前」. A date whose wording names no step
    (资历截止时间, 原定于…) stays a plain date; 「具体评审时间另行通知」 is a phase to come.
    """
    text = notice.text
    lines = _Lines(text)
    phases: list[ParsedPhase] = []
    previous_end = 0
    for date in notice.dates:
        if date.span == issue_span or (date.start is None and date.end is None):
            continue
        before = _clause_before(text, lines, date, previous_end)
        previous_end = date.span[1]
        line_start, line_end = lines.bounds(date.span[0])
        line_end = min(line_end, date.span[1] + 120)
        sentence_end = min(
            [i for i in (text.find(m, date.span[1], line_end) for m in "。；;，,") if i >= 0]
            + [line_end]
        )
        after = text[date.span[1] : sentence_end]
        if F.NOT_A_PHASE.search(before) or F.NOT_A_PHASE.search(after):
            continue
        kind = F.phase_kind_of(before)
        label_text, label_start = before, date.span[0] - len(before)
        if kind is None:
            kind = F.phase_kind_of(after)
            label_text, label_start = after, date.span[1]
        if kind is None and line_start > 0:
            # 「（二）审核时间」 as a heading of its own above the dates.
            prev_start, _ = lines.bounds(line_start - 1)
            heading = text[prev_start : line_start - 1]
            if len(heading) <= 30 and not re.search(r"[。，；]", heading):
                kind = F.phase_kind_of(heading)
                label_text, label_start = heading, prev_start
        if kind is None:
            if re.search(r"时间|日期|期限|安排", before):
                kind = ""
            else:
                continue
        label = _phase_label(label_text) or kind or "时间安排"
        span_start = min(label_start, date.span[0]) if label_text.strip() else date.span[0]
        phases.append(
            ParsedPhase(
                kind=kind,
                label=label,
                start=date.start if date.start != date.end or not date.deadline else None,
                end=date.end if date.start != date.end else None,
                span=(max(0, span_start), max(date.span[1], label_start + len(label_text))),
            )
        )
        if date.deadline:
            phases[-1].start, phases[-1].end = None, date.end
        elif date.start == date.end:
            phases[-1].start, phases[-1].end = date.start, None
    known = {phase.kind for phase in phases}
    for start, sentence in _sentences_of(text):
        phase = _phase_announced_later(sentence, known, start)
        if phase:
            known.add(phase.kind)
            phases.append(phase)
    return phases


def _phase_label(text: str) -> str:
    label = re.sub(r"^[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*", "", text.strip())
    label = re.sub(r"(?:起止|截止)?(?:时间|日期)?(?:为|于|是|在|自|从)?[：:]?\s*$", "", label)
    label = label.strip("，,：: （(")
    return label[:60]


def _sentences_of(text: str):
    for match in re.finditer(r"[^。\n]+", text):
        yield match.start(), match.group(0)


def _locate_phases(notice: ParsedNotice) -> None:
    """Spans of phases read from a schedule section: the label and its dates."""
    text = notice.text
    used: set[int] = set()
    for phase in notice.phases:
        label_at = text.find(phase.label)
        if phase.start or phase.end:
            for index, date in enumerate(notice.dates):
                if index in used:
                    continue
                if (date.start or date.end) == (phase.start or phase.end) and (
                    phase.end is None or date.end == phase.end
                ):
                    used.add(index)
                    begin = label_at if 0 <= label_at < date.span[0] else date.span[0]
                    if date.span[0] - begin > 200:
                        begin = date.span[0]
                    phase.span = (begin, date.span[1])
                    break
        note_at = text.find(phase.note) if phase.note else -1
        if phase.span is None and phase.to_be_announced and note_at >= 0:
            phase.span = (note_at, note_at + len(phase.note))
        if phase.span is None and label_at >= 0:
            end = label_at + len(phase.label)
            if phase.note:
                note_at = text.find(phase.note, label_at)
                if note_at >= 0:
                    end = note_at + len(phase.note)
            phase.span = (label_at, end)


def _locate_fees(notice: ParsedNotice) -> None:
    text = notice.text
    position = 0
    for fee in notice.fees:
        amount = format(fee.amount.normalize(), "f")
        # The level, then the sum with no other sum between them.
        pattern = rf"{re.escape(fee.level)}[^\n元]{{0,40}}?(?<![\d.]){re.escape(amount)}\s*元"
        match = re.compile(pattern).search(text, position)
        if match:
            fee.span = (match.start(), match.end())
            sentence_start = max(text.rfind(m, 0, match.start()) for m in "。；\n") + 1
            fee.kind = F._fee_kind(text[sentence_start : match.end()]) or fee.kind
            position = match.start()


def _locate_contacts(notice: ParsedNotice) -> None:
    text = notice.text
    for contact in notice.contacts:
        spans = []
        for phone in contact.phones:
            digits = phone.split("-")[-1]
            at = text.find(digits)
            if at >= 0:
                # Take in the area code written before the number (0991—3757772).
                start = at
                while start > 0 and (text[start - 1].isdigit() or text[start - 1] in "-—–－"):
                    start -= 1
                spans.append((start, at + len(digits)))
        if contact.people:
            at = text.find(contact.people.split("、")[0])
            if at >= 0:
                spans.append((at, at + len(contact.people.split("、")[0])))
        if spans:
            contact.span = (min(s for s, _ in spans), max(e for _, e in spans))


def _fees_anywhere(text: str) -> list[ParsedFee]:
    """Fees in prose (table lines masked, offsets kept) and in tables (levels × amounts)."""
    masked = TABLE_LINE.sub(lambda m: " " * len(m.group(0)), text)
    fees = [
        ParsedFee(level=f.level, amount=f.amount, note=f.kind, kind=f.kind, span=f.span)
        for f in F.find_fees(masked)
    ]
    for rows in _tables(text):
        header_at, header = rows[0]
        body_rows = rows[1:]
        kind_above = ""
        # 「按以下标准收取评审费：」 right above the table names the kind its sums are.
        above = text[text.rfind("\n", 0, max(0, header_at - 1)) + 1 : max(0, header_at - 1)]
        lead_kind = F._fee_kind(above) if above.rstrip().endswith(("：", ":")) else ""
        for line_at, cells in body_rows:
            row_text = " ".join(cells)
            group = " ".join(c for c in cells[:2])
            if not FEE_RELEVANT.search(row_text + " " + group + " " + " ".join(header)):
                continue
            found = F.fees_from_table(header, [cells], lead_kind)
            line = text[line_at : text.find("\n", line_at) if "\n" in text[line_at:] else len(text)]
            cells_at = row_cells(line)
            for level, amount, kind, column in found:
                # The sum's own cell is where the fact came from (the row when it can't be told).
                start, end = cells_at[column] if column < len(cells_at) else (0, len(line))
                fees.append(
                    ParsedFee(
                        level, amount, note=kind, kind=kind, span=(line_at + start, line_at + end)
                    )
                )
            kind_above = found[-1][2] if found else kind_above
            for cell in cells:
                if len(cell) > 20 and "元" in cell:
                    cell_at = line_at + line.find(cell)
                    for f in F.find_fees(cell):
                        fees.append(
                            ParsedFee(
                                f.level, f.amount, note=f.kind, kind=f.kind,
                                span=(cell_at + f.span[0], cell_at + f.span[1]),
                            )
                        )  # fmt: skip
    fees.sort(key=lambda f: f.span or (0, 0))
    return fees


def split_row(line: str) -> list[str]:
    line = line.strip()
    return [line[start:end] for start, end in row_cells(line)]


def _tables(text: str) -> list[list[tuple[int, list[str]]]]:
    """Runs of consecutive | lines as [(offset of the line, cells)], header row first."""
    tables: list[list[tuple[int, list[str]]]] = []
    last_end = -2
    for match in TABLE_LINE.finditer(text):
        if match.start() != last_end + 1 or not tables:
            tables.append([])
        tables[-1].append((match.start(), split_row(match.group(0))))
        last_end = match.end()
    return tables
