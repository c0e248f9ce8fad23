"""Facts found anywhere in a notice, whatever its layout, each with the span it was read from.

The section parser (`parse.py`) reads the layout the bureau's own notices use; the functions
here read the wording instead, so a notice with Markdown headings, a contact line in trailing
parentheses or fees in a table still yields its dates, fees and phones. Every value carries
(start, end) offsets into the normalised text the editor is shown, so each fact can be
highlighted where it came from; nothing is filled in that the text does not say.

All functions are pure and linear in the length of the text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

# -- dates ---------------------------------------------------------------------------------

_DAY = r"[日号]"
_TIME = r"(?:\s*(?:上午|下午|晚上)?\s*\d{1,2}(?:[:：]\d{2}|时|点)(?:\d{1,2}分)?)?"
_MARK = r"\s*(?:[-—–－~～]+|至|到)\s*"
_CN_DATE = (
    r"(?:(?P<{p}y>20\d{{2}})\s*年\s*)?(?P<{p}m>\d{{1,2}})\s*月\s*(?P<{p}d>\d{{1,2}})\s*" + _DAY
)
_DOT_DATE = r"(?P<{p}Y>20\d{{2}})(?P<{p}sep>[.．/-])(?P<{p}M>\d{{1,2}})(?P={p}sep)(?P<{p}D>\d{{1,2}})(?![\d.])"


def _either_date(p: str) -> str:
    """A day written either way (年月日 or dotted), its groups named with the prefix `p`."""
    return _CN_DATE.format(p=p) + "|" + _DOT_DATE.format(p=p)


DATE_RE = re.compile(
    r"(?<![\d.])(?:"
    + _either_date("a")
    + r")"
    + _TIME
    + r"(?:"
    + _MARK
    + r"(?:"
    + _either_date("b")
    + r"|(?P<bonly>\d{1,2})\s*"
    + _DAY
    + r")"
    + _TIME
    + r")?"
)
GENERIC_YEAR = re.compile(r"(?:年度的?|自然年|每年|当年|次年|上年|下年|同年)\s*$")
_YEAR_BEFORE = re.compile(r"(20\d{2})\s*年")
_DEADLINE_AFTER = re.compile(r"\s*(?:\d{1,2}[:：]\d{2})?\s*(?:之前|以前|前|止|截止)")
VALID_UNTIL = re.compile(r"\s*起[^。；;\n\d]{0,12}?有效期(?:至|到)\s*")
CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}  # fmt: skip
CN_FULL_DATE = re.compile(
    r"^([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$"
)


@dataclass
class DateFact:
    """A day or a span of days mentioned in the text; `start` is None for a bare deadline."""

    start: dt.date | None
    end: dt.date | None
    span: tuple[int, int]
    deadline: bool = False
    year_inferred: bool = False


def valid_date(year: int, month: int, day: int) -> dt.date | None:
    """The day, or None where the text names one that does not exist (2月30日)."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str, default_year: int | None) -> list[DateFact]:
    """Every day-precise date and range in `text`.

    A missing year comes from the nearest year written earlier on the same line, else from
    `default_year` (the notice's year); an end month before the start month rolls into the
    next year. A single date after 截止/截至 or before 前/之前/止 is a deadline.
    """
    facts: list[DateFact] = []
    line_start = 0
    scanned = 0  # text before this offset has been read for newlines and years (linear time)
    last_year: int | None = None
    for match in DATE_RE.finditer(text):
        newline = text.rfind("\n", scanned, match.start())
        if newline >= line_start:
            line_start = newline + 1
            last_year = None
        # Years named earlier on this line ("2024年…9月5日") give the context year.
        for year_match in _YEAR_BEFORE.finditer(text, max(line_start, scanned), match.start()):
            last_year = int(year_match.group(1))
        scanned = match.end()
        year_text = match["ay"] or match["aY"]
        inferred = year_text is None
        if inferred and GENERIC_YEAR.search(
            text, max(line_start, match.start() - 10), match.start()
        ):
            # 「下一自然年1月1日」「每年12月31日」: a rule for any year, not a day of this notice.
            continue
        year = int(year_text) if year_text else (last_year or default_year)
        if year is None:
            continue
        month = int(match["am"] or match["aM"])
        first = valid_date(year, month, int(match["ad"] or match["aD"]))
        if first is None:
            continue
        last_year = year
        last = first
        if match["bd"] or match["bD"] or match["bonly"]:
            end_month = int(match["bm"] or match["bM"] or month)
            end_year_text = match["by"] or match["bY"]
            end_year = int(end_year_text) if end_year_text else year + (end_month < month)
            last = valid_date(
                end_year, end_month, int(match["bd"] or match["bD"] or match["bonly"])
            )
            if last is None or last < first:
                last = first
        start: dt.date | None = first
        deadline = False
        if last == first:
            before = text[max(line_start, match.start() - 8) : match.start()]
            if "截止" in before or "截至" in before or _DEADLINE_AFTER.match(text, match.end()):
                start, deadline = None, True
        previous = facts[-1] if facts else None
        if (
            previous
            and previous.start == previous.end
            and VALID_UNTIL.fullmatch(text, previous.span[1], match.start())
            and previous.start <= last
        ):
            # 「自2016年3月1日起执行，有效期至2021年2月28日」: one period, not two days.
            previous.end = last
            previous.span = (previous.span[0], match.end())
            continue
        facts.append(DateFact(start, last, (match.start(), match.end()), deadline, inferred))
    return facts


def cn_full_date(line: str) -> dt.date | None:
    """二〇一六年八月二十二日 → 2016-08-22 (the way some bureaus date their notices)."""
    match = CN_FULL_DATE.match(line)
    if not match:
        return None

    def number(word: str) -> int:
        if "十" in word:
            tens, _, ones = word.partition("十")
            return CN_DIGITS.get(tens, 1) * 10 + (CN_DIGITS[ones] if ones else 0)
        return CN_DIGITS[word]

    year = int("".join(str(CN_DIGITS[c]) for c in match.group(1)))
    return valid_date(year, number(match.group(2)), number(match.group(3)))


# -- phases --------------------------------------------------------------------------------

# Checked in this order: 评审结果公示 is a 公示, 缴纳评审费 a 缴费, 答辩评审 an 答辩,
# 申报材料审核 an 审核. Only wording listed here makes a phase; other dates stay plain dates.
PHASE_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("公示", ("公示",)),
    ("缴费", ("缴费", "交费", "缴纳", "收费")),
    ("答辩", ("答辩",)),
    ("纸质材料报送", ("纸质", "报送", "寄送", "送达", "提交材料", "受理申报材料", "集中受理")),
    ("文件印发", ("印发", "发文", "审批", "下发")),
    ("证书签发", ("证书",)),
    ("事后备案", ("备案",)),
    ("审核", ("审核", "审查", "初审", "复审", "核准")),
    ("申报", ("申报", "报名", "填报", "提交申请", "受理")),
    ("评审", ("评审", "评议")),
]
# Dates that are conditions rather than steps: 资历计算截止时间, 退休年龄, 业绩截止…
NOT_A_PHASE = re.compile(
    r"资历|年限|任职|退休|出生|取得|业绩|论文|成果|计算|认定的?截止|有效期|原定|起执行|起施行|生效"
)


def phase_kind_of(context: str) -> str | None:
    """The phase a clause describes, or None when its wording names none."""
    for kind, words in PHASE_WORDS:
        if any(word in context for word in words):
            return kind
    return None


# -- fees ----------------------------------------------------------------------------------

FEE_KINDS = (
    "评审费", "推荐费", "鉴定费", "答辩费", "考试费", "送审费", "认定费", "测评费", "工本费", "证书费"
)  # fmt: skip
_LEVEL = r"正高级|副高级|高级|中级|初级|正高|副高"
FEE_VERBS = "收缴交付免退花经消"  # 收费, 缴费…: the verb, or 经费 and 消费, not a kind of fee
FEE_BARE_RE = re.compile(
    r"(?P<mid>[^，。；、：:\n\d]{0,16}?)[：:]?\s*(?:每人)?\s*"
    r"(?P<amount>\d+(?:\.\d+)?)\s*元(?:\s*/\s*(?:人|件|次|人次))?"
)
FEE_RE = re.compile(
    rf"(?P<level>{_LEVEL})(?P<mid>[^，。；、：:\n\d]{{0,16}}?)[：:]?\s*(?:每人)?\s*"
    r"(?P<amount>\d+(?:\.\d+)?)\s*元(?:\s*/\s*(?:人|件|次|人次))?"
)
FEE_SERIES_RE = re.compile(
    r"(?P<levels>(?:正高|副高|高|中|初)(?:级)?(?:[、和及与](?:正高|副高|高|中|初)级?)+)"
    r"(?P<mid>[^。；\n\d]{0,24}?)分别[^。；\n\d]{0,12}?"
    r"(?P<amounts>\d+(?:\.\d+)?元?(?:[、和及与]\d+(?:\.\d+)?元?)+)"
)
INCLUDED = re.compile(r"已含|已包含|包含在")
# 「（一）」「1.」「(2)」「①」 opening a list item.
LIST_ITEM = re.compile(r"\s*(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、]|[①-⑩])")
LEVEL_NAMES = {"正高": "正高级", "副高": "副高级", "高": "高级", "中": "中级", "初": "初级"}


@dataclass
class FeeFact:
    level: str
    amount: Decimal
    kind: str
    span: tuple[int, int]


def _fee_kind(context: str) -> str:
    """The last fee word before the amount in its sentence: 评审费, 推荐费, 鉴定费…

    「评审收费标准」 names 评审费 too; 「每人收费」「缴费」 name no kind (收费 is the verb).
    """
    best = ("", -1)
    for kind in FEE_KINDS:
        at = max(context.rfind(kind), context.rfind(kind[:-1] + "收费"))
        if at > best[1]:
            best = (kind, at)
    if best[0]:
        return best[0]
    if "费" in context:
        generic = [
            word
            for word in re.findall(r"([\u4e00-\u9fff]{2})费", context)
            if word[-1] not in FEE_VERBS
        ]
        if generic:
            return generic[-1] + "费"
    return ""


def _level(word: str | None) -> str:
    if not word:
        return ""
    return LEVEL_NAMES.get(word.rstrip("级"), word)


def find_fees(text: str) -> list[FeeFact]:
    """Fees written in prose anywhere: 高级450元/人, 评审费每人280元, 高、中级…分别为150元和80元.

    A sum counts only in a sentence that speaks of a fee (费/收费): 2000元/月 in a salary table
    is not a fee. A fee whose level the text does not give keeps an empty level.
    """
    facts: list[FeeFact] = []
    taken: list[tuple[int, int]] = []
    lead = ""  # 「按以下标准收取评审费：」: the line that the list items below it complete
    lead_line = -1
    for sentence_start, sentence in _sentences(text):
        line_start = text.rfind("\n", 0, sentence_start) + 1
        if line_start != lead_line and lead:
            # Only the list items right under the lead-in line take its words.
            if LIST_ITEM.match(text, line_start) and line_start == sentence_start:
                lead_line = line_start
            else:
                lead = ""
        if re.search(r"费|收取", sentence) and sentence.rstrip().endswith(("：", ":")):
            lead, lead_line = sentence, line_start
            continue
        if "费" not in lead + sentence and "收取" not in lead + sentence:
            continue
        for match in FEE_SERIES_RE.finditer(sentence):
            levels = [_level(w) for w in re.findall(r"正高|副高|高|中|初", match["levels"])]
            amounts = re.findall(r"\d+(?:\.\d+)?", match["amounts"])
            if len(levels) != len(amounts):
                continue
            kind = _fee_kind(lead + sentence[: match.start("amounts")]) or "评审费"
            span = (sentence_start + match.start(), sentence_start + match.end())
            for level, amount in zip(levels, amounts, strict=True):
                facts.append(FeeFact(level, Decimal(amount), kind, span))
            taken.append(span)
        # Sums with their level first (高级…600元), then the sums left over (答辩费每人140元):
        # one pass with an optional level would let 「2.高级…」 start at the "." and lose it.
        levelled = list(FEE_RE.finditer(sentence))
        bare = [m for m in FEE_BARE_RE.finditer(sentence)]
        seen_amounts = {m.start("amount") for m in levelled}
        for match in levelled + [m for m in bare if m.start("amount") not in seen_amounts]:
            span = (sentence_start + match.start(), sentence_start + match.end())
            if any(a <= span[0] < b for a, b in taken):
                continue
            # The words just before the sum say what it is (bounded: linear in the text).
            before = lead + sentence[max(0, match.start("amount") - 40) : match.start("amount")]
            if "费" not in before + match.group(0) and "收取" not in before:
                continue
            if INCLUDED.search(before):
                continue  # 「已含…资格预审费用(5元/人)」: part of the fee above, not another one
            # Only a level written with the sum counts: in 「高级…考试费每人100元、答辩费每人
            # 140元」 the 140 has no level of its own.
            level = _level(match.groupdict().get("level"))
            kind = _fee_kind(before) or _fee_kind(
                lead + sentence[max(0, match.start() - 80) : match.end()]
            )
            facts.append(FeeFact(level, Decimal(match["amount"]), kind, span))
    facts.sort(key=lambda f: f.span)
    return facts


_TABLE_SUM = re.compile(r"(?:每人次?|每件)?\s*(\d+(?:\.\d+)?)\s*元?(?:\s*/\s*(?:人|件|次|人次))?")


def fees_from_table(
    header: list[str], rows: list[list[str]], lead_kind: str = ""
) -> list[tuple[str, Decimal, str, int]]:
    """(level, amount, kind) from the rows of a fee table: a cell naming the level (高级评审费,
    中级) and a cell holding only a sum (580, 每人次100元), in a column headed 元/金额/标准 when
    there is one. The kind comes from the level's cell, else the row, else the header, else
    the line that introduces the table (`lead_kind`: 「按以下标准收取评审费：」); else 评审费
    only when the header speaks of 评审. In a row without a level, a sum counts where its
    column's header names the level (levels across the top) or a fee (论著鉴定费（元/人）, then
    with an empty level). Each fact comes with the column its sum stands in.
    """
    facts: list[tuple[str, Decimal, str, int]] = []
    amount_cols = [
        i for i, h in enumerate(header) if re.search(r"元|金额|标准", h) and "名称" not in h
    ]
    for row in rows:
        cells = [
            (i, m.group(1)) for i, c in enumerate(row) if (m := _TABLE_SUM.fullmatch(c.strip()))
        ]
        if amount_cols:
            cells = [(i, c) for i, c in cells if i in amount_cols] or cells
        if not cells:
            continue
        level_cells = [c for c in row if re.search(_LEVEL, c)]
        if not level_cells:
            for column, amount in cells:
                head = header[column] if column < len(header) else ""
                kind = _fee_kind(head)
                level = re.search(_LEVEL, head)
                if level:  # levels across the top (人数档 | 高级 | 中级 | 初级)
                    kind = kind or lead_kind or ("评审费" if "评审" in " ".join(header) else "")
                    facts.append((_level(level.group(0)), Decimal(amount), kind, column))
                elif kind in FEE_KINDS:
                    facts.append(("", Decimal(amount), kind, column))
            continue
        level_cell = level_cells[0]
        level = _level(re.search(_LEVEL, level_cell).group(0))
        for column, amount in cells:
            # Several sum columns (评审费 | 推荐费): each column's header names its kind.
            kind = ""
            if len(cells) > 1 and column < len(header):
                kind = _fee_kind(header[column])
            kind = kind or _fee_kind(level_cell) or ""
            if not kind:
                kind = _fee_kind(" ".join(c for c in row if not re.search(r"含|不含", c)))
            if not kind and column < len(header):
                kind = _fee_kind(header[column])
            kind = kind or lead_kind
            if not kind and "评审" in " ".join(header):
                kind = "评审费"
            facts.append((level, Decimal(amount), kind, column))
    return facts


# -- phones and contacts --------------------------------------------------------------------

PHONE_RE = re.compile(
    r"(?<![\d〔.-])(?:1[3-9]\d{9}|(?P<area>0\d{2,3})\s*[-—–－]\s*(?:\d{7,8}|[19]\d{4})|12333|[（(]\s*(?P<area2>0\d{2,3})\s*[)）]\s*\d{7,8}|\d{7,8})(?![\d〕.])"
)
PHONE_CONTEXT = re.compile(r"电话|联系|咨询|举报|投诉|热线|手机|Tel|TEL|传真|服务")


@dataclass
class PhoneFact:
    number: str
    span: tuple[int, int]


@dataclass
class ContactFact:
    purpose: str
    people: str = ""
    phones: list[str] = field(default_factory=list)
    span: tuple[int, int] = (0, 0)


def _normal_phone(raw: str) -> str:
    raw = re.sub(r"[（(]\s*(0\d{2,3})\s*[)）]\s*", r"\1-", raw)
    return re.sub(r"\s*[-—–－]\s*", "-", raw.strip())


def find_phones(text: str) -> list[PhoneFact]:
    """Phone numbers in lines that speak of phoning; a short number after one with an area code
    on the same line takes that code (0991-4165371，4165463 → 0991-4165463). Numbers are never
    completed with a code the text does not give.
    """
    facts: list[PhoneFact] = []
    listed = 0  # lines still to read after a 「联系电话：」 line of its own
    for line_start, line in _lines(text):
        opens_list = bool(
            re.fullmatch(r"[\u4e00-\u9fff]{0,8}(?:电话|联系方式|咨询)[：:]?", line.strip())
        )
        labelled = bool(re.match(r"^[\u4e00-\u9fff（）()]{2,30}[：:]\s*[\d（(]", line))
        if not (PHONE_CONTEXT.search(line) or (listed and labelled)):
            listed = max(0, listed - 1) if line.strip() else listed
            continue
        listed = 6 if opens_list else max(0, listed - 1)
        area = ""
        for match in PHONE_RE.finditer(line):
            before = line[max(0, match.start() - 6) : match.start()]
            after = line[match.end() : match.end() + 2]
            if re.search(r"[年月日元号〕至于]$", before) or re.match(
                r"\s*[年月日元号人前止]", after
            ):
                continue
            number = _normal_phone(match.group(0))
            if match["area"] or match["area2"]:
                area = match["area"] or match["area2"]
            elif len(number) in (7, 8) and area:
                number = f"{area}-{number}"
            facts.append(PhoneFact(number, (line_start + match.start(), line_start + match.end())))
    return facts


PURPOSES = [
    ("监督举报", ("监督", "举报", "投诉", "纪检")),
    ("技术服务", ("技术", "系统", "平台", "网站")),
]


def purpose_of(label: str) -> str:
    for purpose, words in PURPOSES:
        if any(word in label for word in words):
            return purpose
    return "业务咨询"


def find_contacts(text: str, phones: list[PhoneFact]) -> list[ContactFact]:
    """Phones grouped by the words that introduce them, with their people and purpose.

    Each phone preceded by words (咨询电话：, 监督举报电话：, 联系人：李秋霞，马燕，联系电话：)
    opens a group, so consultation and complaint numbers never merge; a phone preceded only
    by a separator (，、) joins the group before it.
    """
    contacts: list[ContactFact] = []
    previous_end = 0
    for phone in phones:
        # Only the text since the previous phone is read (linear in the text).
        since = text.rfind("\n", previous_end, phone.span[0]) + 1 or previous_end
        since = max(since, previous_end, phone.span[0] - 80)
        between = text[since : phone.span[0]]
        previous_end = phone.span[1]
        if contacts and not re.search(r"[\u4e00-\u9fff]", between):
            contacts[-1].phones.append(phone.number)
            contacts[-1].span = (contacts[-1].span[0], phone.span[1])
            continue
        # The label is the clause right before the phone, after the last sentence break.
        label = re.split(r"[。；;]", between)[-1]
        people = _people(label)
        start = phone.span[0] - len(label) + (len(label) - len(label.lstrip("（( ")))
        contacts.append(
            ContactFact(purpose_of(label), people, [phone.number], (start, phone.span[1]))
        )
    return contacts


def _people(label: str) -> str:
    match = re.search(
        r"联系人(?:及电话|及联系方式)?\s*[：:]\s*([^：:\d]*?)(?:[，,；;\s]*(?:联系)?电话|[，,；;]*\s*$|[，,]?\s*(?=\d))",
        label,
    )
    if not match:
        return ""
    names = [
        n
        for n in re.split(r"[、，,\s]+", match.group(1))
        if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", n)
    ]
    return "、".join(names)


# -- text helpers ---------------------------------------------------------------------------


def _lines(text: str):
    start = 0
    for line in text.split("\n"):
        yield start, line
        start += len(line) + 1


def _sentences(text: str):
    """(offset, sentence) for every sentence; a line break ends a sentence too."""
    for match in re.finditer(r"[^。；;\n]+", text):
        yield match.start(), match.group(0)


def _sentence_start(text: str, position: int) -> int:
    starts = [text.rfind(mark, 0, position) for mark in "。；;\n"]
    return max(starts) + 1
