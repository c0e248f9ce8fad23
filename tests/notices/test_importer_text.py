"""Importer building blocks and bad input: normalisation, dates, formats, clear errors."""

import datetime as dt
import io

import docx
import pytest

from notices.importer import NoticeImportError, parse_file, parse_text, read_document
from notices.importer.dates import find_span
from notices.importer.parse import phase_kind
from notices.importer.text import normalise_line, paragraphs

UNSEEN = """# 关于开展2026年度某某市卫生健康系列（专业）

# 副高级、中级职称评审工作的通知

某人社〔2026〕12号

各有关单位：

**为做好2026年度评审工作**，现将有关事项通知如下：

## 一、时间安排

1．网上申报：２０２６年３月２日–３月３１日。
2．审核时间：4 月 1 日 ～ 4 月 20 日。
3．缴费截止时间为5月10日之前。
4．答辩时间另行通知。

## 二、评审费用

高级450元/人，中级 380 元 / 人。

## 三、联系方式

联系人：张三
联系电话：0991-1234567
电子邮箱：hr@example.cn

附件：申报人员花名册

某某市人力资源和社会保障局

2026年2月20日
"""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("申 报 人 可 登 录 平 台", "申报人可登录平台"),
        ("2023 年 9 月 1 日-10 月 15 日", "2023年9月1日-10月15日"),
        ("中级 380 元 / 人", "中级380元/人"),
        (
            "(四) 申报人应为企业在职人员,离退休人员不得申报",
            "（四）申报人应为企业在职人员，离退休人员不得申报",
        ),
        (
            "联系人：薛晓龙 13070000022，王荣珍 16609963813",
            "联系人：薛晓龙 13070000022，王荣珍 16609963813",
        ),
        ("（ http://www.xjzcsq.com/ ） 、 乌鲁木齐", "（http://www.xjzcsq.com/）、乌鲁木齐"),
        ("**网上申报**：<http://www.xjzcsq.com>", "网上申报：http://www.xjzcsq.com"),
        ("新人社发[2023]9 号", "新人社发〔2023〕9号"),
        ("[bookmark: _GoBack]各专业技术人员：", "各专业技术人员："),
        ("２０２４年８月２７日", "2024年8月27日"),
    ],
)
def test_normalise_line(raw, expected):
    assert normalise_line(raw) == expected


def test_wrapped_lines_are_rejoined_but_headings_are_not():
    text = (
        "一、评审条件\n申报人应当遵守宪法和法律，具备良好的职业道德，符合相应\n\n"
        "系列的任职资格条件。\n二、时间安排\n"
    )
    assert paragraphs(text) == [
        "一、评审条件",
        "申报人应当遵守宪法和法律，具备良好的职业道德，符合相应系列的任职资格条件。",
        "二、时间安排",
    ]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2023年9月1日-10月15日", dt.date(2023, 9, 1), dt.date(2023, 10, 15)),
        ("9月5日—9月30日", dt.date(2024, 9, 5), dt.date(2024, 9, 30)),
        ("10月1日–10月15日", dt.date(2024, 10, 1), dt.date(2024, 10, 15)),
        ("12月20日至1月10日", dt.date(2024, 12, 20), dt.date(2025, 1, 10)),
        ("9月5日至30日", dt.date(2024, 9, 5), dt.date(2024, 9, 30)),
        ("截止时间为9月30日之前", None, dt.date(2024, 9, 30)),
        ("拟定于2023年10月20日", dt.date(2023, 10, 20), dt.date(2023, 10, 20)),
    ],
)
def test_find_span(text, start, end):
    span = find_span(text, 2024)
    assert (span.start, span.end) == (start, end)


def test_find_span_rejects_impossible_dates():
    assert find_span("2月30日", 2024) is None


@pytest.mark.parametrize(
    ("label", "kind"),
    [("网上申报", "申报"), ("评审及公示", "评审"), ("纸质材料报送", "纸质材料报送"),
     ("审批工作", "文件印发"), ("证书发放", "证书签发"), ("材料备案", "事后备案"), ("培训", "其他")],
)  # fmt: skip
def test_phase_kind(label, kind):
    assert phase_kind(label) == kind


def test_unseen_markdown_notice():
    notice = parse_text(UNSEEN)
    assert (
        notice.title == "关于开展2026年度某某市卫生健康系列（专业）副高级、中级职称评审工作的通知"
    )
    assert notice.document_number == "某人社〔2026〕12号"
    assert notice.addressees == "各有关单位"
    assert notice.summary == "为做好2026年度评审工作，现将有关事项通知如下："
    assert notice.issue_date == dt.date(2026, 2, 20)
    assert notice.signature == "某某市人力资源和社会保障局"
    assert notice.series_names == ["卫生健康系列"]
    assert notice.levels == ["中级", "副高级"]
    assert [(p.kind, p.start, p.end, p.to_be_announced) for p in notice.phases] == [
        ("申报", dt.date(2026, 3, 2), dt.date(2026, 3, 31), False),
        ("审核", dt.date(2026, 4, 1), dt.date(2026, 4, 20), False),
        ("缴费", None, dt.date(2026, 5, 10), False),
        ("答辩", None, None, True),
    ]
    assert [(f.level, str(f.amount)) for f in notice.fees] == [("高级", "450"), ("中级", "380")]
    assert [(c.people, c.phones, c.email) for c in notice.contacts] == [
        ("张三", ["0991-1234567"], "hr@example.cn")
    ]
    assert [(a.number, a.title) for a in notice.attachments] == [(1, "申报人员花名册")]


def test_docx_is_read_with_its_tables():
    document = docx.Document()
    document.add_heading("关于开展2026年度工程系列职称评审工作的通知", level=1)
    document.add_paragraph("各有关单位：")
    document.add_paragraph("一、时间安排")
    document.add_paragraph("（一）网上申报时间：2026年9月1日—9月30日。")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "姓名"
    table.cell(0, 1).text = "单位"
    document.add_paragraph("2026年8月1日")
    buffer = io.BytesIO()
    document.save(buffer)
    text = read_document(buffer.getvalue(), "notice.docx")
    assert "| 姓名 | 单位 |" in text
    notice = parse_file(buffer.getvalue(), "notice.docx")
    assert notice.title == "关于开展2026年度工程系列职称评审工作的通知"
    assert notice.phases[0].start == dt.date(2026, 9, 1)
    assert notice.issue_date == dt.date(2026, 8, 1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件是空的"),
        (b"   \n\n  ", "文件是空的"),
        (bytes(range(256)) * 8, "无法识别文件格式"),
        (b"%PDF-1.7\n...", "暂不支持直接导入 PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Word"),
        (b"PK\x03\x04" + b"\0" * 100, "Word 文档已损坏"),
        ("各单位：\n请按时报送材料。\n".encode(), "没有识别出通知标题"),
        (b"x" * (5 * 1024 * 1024 + 1), "文件过大"),
    ],
)
def test_bad_input_is_a_clear_chinese_error(data, message):
    with pytest.raises(NoticeImportError, match=message):
        parse_file(data, "notice.txt")


def test_zip_that_is_not_a_word_document():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(NoticeImportError, match="压缩文件"):
        parse_file(buffer.getvalue(), "notice.docx")


def test_gb18030_text_is_decoded():
    notice = parse_text(UNSEEN)
    assert parse_file(UNSEEN.encode("gb18030"), "notice.txt").title == notice.title
