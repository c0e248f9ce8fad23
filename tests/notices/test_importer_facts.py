"""Facts read from the wording wherever they stand: dates, phases, fees, phones, titles, spans."""

import datetime as dt
import time
from decimal import Decimal

import pytest

from notices.importer import parse_file, parse_text
from notices.importer.facts import find_contacts, find_dates, find_fees, find_phones

from .corpus_data import CORPUS, docx_bytes, expectations, inputs

D = dt.date


def spans_of(text, facts):
    return [text[f.span[0] : f.span[1]] for f in facts]


class TestDates:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("申报时间：9月5日至10月8日。", [(D(2023, 9, 5), D(2023, 10, 8))]),
            ("2023.7.1", [(D(2023, 7, 1), D(2023, 7, 1))]),
            ("发布于2025-11-4", [(D(2025, 11, 4), D(2025, 11, 4))]),
            ("截止时间为9月30日之前。", [(None, D(2023, 9, 30))]),
            ("请于10月8日前报送。", [(None, D(2023, 10, 8))]),
            ("公示期为2024年8月12日-16日。", [(D(2024, 8, 12), D(2024, 8, 16))]),
            ("评审时间12月25日至1月5日。", [(D(2023, 12, 25), D(2024, 1, 5))]),
            ("7月1日9:00至7月31日17:00", [(D(2023, 7, 1), D(2023, 7, 31))]),
            # Rules for any year are not days of this notice.
            ("退出截止时间为每年12月31日", []),
            ("起算时间为本级职称评审年度的下一自然年1月1日", []),
            ("2月30日", []),
        ],
    )
    def test_forms(self, text, expected):
        assert [(d.start, d.end) for d in find_dates(text, 2023)] == expected

    def test_year_named_earlier_on_the_line_wins(self):
        (date,) = find_dates("2024年度申报：9月5日至9月30日", 2023)
        assert date.start == D(2024, 9, 5) and date.year_inferred

    def test_without_any_year_nothing_is_guessed(self):
        assert find_dates("9月5日至9月30日", None) == []

    def test_validity_period_is_one_range(self):
        text = "本规定自2016年3月1日起执行,有效期至2021年 2月28日。另于2016年4月1日公布。"
        dates = find_dates(text, None)
        assert [(d.start, d.end) for d in dates] == [
            (D(2016, 3, 1), D(2021, 2, 28)),
            (D(2016, 4, 1), D(2016, 4, 1)),
        ]
        assert spans_of(text, dates)[0] == "2016年3月1日起执行,有效期至2021年 2月28日"


class TestPhases:
    def test_markdown_headings_and_wording(self):
        notice = parse_text(
            "关于开展2023年度各系列职称评审工作的通知\n各单位：\n"
            "## **（一）申报时间**\n9月5日至9月20日\n"
            "## **（二）审核时间**\n9月21日至10月8日\n"
            "评审结果公示时间为11月1日至11月7日。\n"
            "缴纳评审费截止时间为10月15日前。\n"
        )
        assert [(p.kind, p.start, p.end) for p in notice.phases] == [
            ("申报", D(2023, 9, 5), D(2023, 9, 20)),
            ("审核", D(2023, 9, 21), D(2023, 10, 8)),
            ("公示", D(2023, 11, 1), D(2023, 11, 7)),  # 评审结果公示 is a 公示
            ("缴费", None, D(2023, 10, 15)),
        ]
        for phase in notice.phases:
            assert phase.span and notice.text[phase.span[0] : phase.span[1]]

    def test_unknown_kind_is_flagged_not_guessed(self):
        notice = parse_text("关于2024年度职称工作的通知\n各单位：\n工作时间为9月5日至9月9日。\n")
        (phase,) = notice.phases
        assert phase.kind == "" and any("没有识别出阶段类型" in w for w in notice.warnings)

    def test_condition_dates_are_not_phases(self):
        notice = parse_text(
            "关于2021年度高级会计师申报工作的通知\n各单位：\n"
            "申报人员资历认定的截止时间为2021年12月31日。\n"
        )
        assert notice.phases == [] and [d.end for d in notice.dates] == [D(2021, 12, 31)]


class TestFees:
    def test_prose_anywhere(self):
        text = "评审费用：高级450元/人,中级280元/人,初级140元/人。"
        assert [(f.level, f.amount, f.kind) for f in find_fees(text)] == [
            ("高级", Decimal(450), "评审费"),
            ("中级", Decimal(280), "评审费"),
            ("初级", Decimal(140), "评审费"),
        ]
        assert spans_of(text, find_fees(text))[0] == "高级450元/人"

    def test_without_level_the_level_stays_empty(self):
        (fee,) = find_fees("评审费每人280元，请按时缴纳。")
        assert (fee.level, fee.amount, fee.kind) == ("", Decimal(280), "评审费")

    def test_series_with_分别(self):
        fees = find_fees("高、中级职务评审推荐费分别调整为每人150元和80元。")
        assert [(f.level, f.amount, f.kind) for f in fees] == [
            ("高级", Decimal(150), "推荐费"),
            ("中级", Decimal(80), "推荐费"),
        ]

    def test_sums_that_are_not_fees(self):
        assert find_fees("国家奖学金：8000元/人·年，全校共42名。") == []

    def test_list_items_under_a_lead_in_line(self):
        text = (
            "一、按以下标准收取评审费：\n（一）初级专业技术职务资格每人次100元；\n"
            "（二）高级专业技术职务资格每人次360元。\n二、奖励标准：\n（一）高级人才每人5000元。\n"
        )
        # The lead-in reaches only the list right under it: 5000元 is not a fee.
        assert [(f.level, f.amount, f.kind) for f in find_fees(text)] == [
            ("初级", Decimal(100), "评审费"),
            ("高级", Decimal(360), "评审费"),
        ]

    def test_收费_is_a_verb_not_a_kind_and_included_parts_are_not_fees(self):
        text = (
            "一、专业技术职务(职称)评审收费标准:\n"
            "1、高级、中级专业技术职务(职称)每人收费标准分别不超过600元、500元。\n"
            "二、以上标准已含送职改部门资格预审费用(5元/人)。\n"
        )
        assert [(f.level, f.amount, f.kind) for f in find_fees(text)] == [
            ("高级", Decimal(600), "评审费"),
            ("中级", Decimal(500), "评审费"),
        ]

    def test_word_table_levels_across_the_top_and_a_fee_column_without_level(self):
        data = docx_bytes(
            ["关于调整评审收费标准的通知", "一、评审收费标准:"],
            [
                ["每次评审人数", "高级（元/人）", "中级（元/人）", "论著鉴定费（元/人）"],
                ["20人以下(含20人)", "600", "500", ""],
                ["超过60人", "300", "200", ""],
                ["需进行论著鉴定的另收", "", "", "200"],
            ],
        )
        assert [(f.level, f.amount, f.kind) for f in parse_file(data, "t.docx").fees] == [
            ("高级", Decimal(600), "评审费"),
            ("中级", Decimal(500), "评审费"),
            ("高级", Decimal(300), "评审费"),
            ("中级", Decimal(200), "评审费"),
            ("", Decimal(200), "鉴定费"),
        ]

    def test_word_table_sums_with_units_take_the_kind_from_the_line_above(self):
        data = docx_bytes(
            ["关于规范评审收费的通知", "按以下标准收取评审费："],
            [["专业技术职务资格", "收费标准"], ["中级专业技术职务资格", "每人次160元"]],
        )
        (fee,) = parse_file(data, "t.docx").fees
        assert (fee.level, fee.amount, fee.kind) == ("中级", Decimal(160), "评审费")

    def test_word_table_levels_by_kinds(self):
        data = docx_bytes(
            ["关于调整职称评审收费标准的通知"],
            [
                ["级别", "评审费（元/人）", "推荐费（元/人）"],
                ["高级", "280", "150"],
                ["中级", "180", ""],
            ],
        )
        notice = parse_file(data, "fees.docx")
        assert [(f.level, f.amount, f.kind) for f in notice.fees] == [
            ("高级", Decimal(280), "评审费"),
            ("高级", Decimal(150), "推荐费"),
            ("中级", Decimal(180), "评审费"),
        ]
        # The table stays a table in the body: no text with | in it.
        (section,) = notice.sections
        assert section.heading == "" and section.blocks[0][0] == "table"
        assert section.blocks[0][1]["header"] == ["级别", "评审费（元/人）", "推荐费（元/人）"]
        assert "|" not in notice.summary


class TestContacts:
    def test_trailing_parentheses_people_and_area_code(self):
        text = "请按时报送。(联系人:李秋霞,马燕,联系电话:0991-4165371,4165463)"
        notice = parse_text("关于2023年度职称评审工作的通知\n各单位：\n" + text + "\n")
        (contact,) = notice.contacts
        assert contact.people == "李秋霞、马燕"
        assert contact.phones == ["0991-4165371", "0991-4165463"]
        start, end = contact.span
        assert "李秋霞" in notice.text[start:end] and "4165463" in notice.text[start:end]

    def test_purposes_are_kept_apart(self):
        text = "咨询电话：0991-1234567；监督举报电话：0991-7654321；系统技术服务电话：13800138000。"
        contacts = find_contacts(text, find_phones(text))
        assert [(c.purpose, c.phones) for c in contacts] == [
            ("业务咨询", ["0991-1234567"]),
            ("监督举报", ["0991-7654321"]),
            ("技术服务", ["13800138000"]),
        ]

    def test_short_numbers_without_area_code_stay_short(self):
        text = "联系电话：\n人事科：3732149、3732150\n"
        assert [p.number for p in find_phones(text)] == ["3732149", "3732150"]

    def test_numbers_that_are_not_phones(self):
        assert find_phones("联系电话：请于20231231前，邮编8300000元") == []


class TestTitles:
    def test_joint_issuers_long_title_not_fused_with_number_and_addressees(self):
        notice = parse_text(
            "浙江省财政厅 浙江省人力资源和社会保障厅关于开展2025年度会计专业技术高级职务任职资格申报工作的通知\n"
            "浙财会〔2025〕21号\n各市、县（市、区）财政局、人力社保局：\n现将有关事项通知如下：\n"
        )
        assert notice.title.startswith("浙江省财政厅 浙江省人力资源和社会保障厅关于")
        assert notice.title.endswith("申报工作的通知")
        assert notice.document_number == "浙财会〔2025〕21号"
        assert notice.authority_name == "浙江省财政厅 浙江省人力资源和社会保障厅"
        assert notice.addressees == "各市、县（市、区）财政局、人力社保局"

    def test_three_line_title_and_issuer_from_it(self):
        notice = parse_text(
            "山西省教育厅关于暂缓开展2021年度\n全省中小学正高级教师\n职称评审相关工作的通知\n"
            "各市教育局：\n评审工作暂缓开展。\n山西省教育厅\n2019.7.1\n"
        )
        assert (
            notice.title
            == "山西省教育厅关于暂缓开展2021年度全省中小学正高级教师职称评审相关工作的通知"
        )
        assert notice.authority_name == "山西省教育厅"
        assert notice.issue_date == D(2019, 7, 1)  # 2019.7.1 as the 成文日期

    @pytest.mark.parametrize(
        ("head", "title"),
        [
            # The issuers' line, then 关于…, then the 文号: the issuers open the title.
            ("福建省物价局福建省财政厅\n关于重新核定评审费收费标准的通知\n闽价费〔2008〕361号",
             "福建省物价局福建省财政厅关于重新核定评审费收费标准的通知"),
            # A letterhead, then the 文号, then the title: the letterhead stays out of it.
            ("福建省物价局福建省财政厅\n闽价费〔2008〕361号\n关于重新核定评审费收费标准的通知",
             "关于重新核定评审费收费标准的通知"),
        ],
    )  # fmt: skip
    def test_issuer_line_above_the_title(self, head, title):
        notice = parse_text(head + "\n各设区市物价局：\n正文。\n")
        assert (notice.title, notice.document_number) == (title, "闽价费〔2008〕361号")
        assert notice.authority_name == "福建省物价局福建省财政厅"

    def test_number_line_is_not_part_of_the_authority(self):
        notice = parse_text(
            "某某县人力资源和社会保障局 某人社发〔2023〕5号\n关于开展2023年度职称评审工作的通知\n各单位：\n正文。\n"
        )
        assert notice.document_number == "某人社发〔2023〕5号"
        assert notice.authority_name == "某某县人力资源和社会保障局"


def test_every_span_points_at_its_value():
    corpus = expectations()
    for name, entry in corpus.items():
        for filename, data in inputs(name, entry):
            notice = parse_file(data, filename, require_title=False)
            text = notice.text
            for fee in notice.fees:
                assert format(fee.amount.normalize(), "f") in text[fee.span[0] : fee.span[1]]
            for contact in notice.contacts:
                for phone in contact.phones:
                    assert phone.split("-")[-1] in text[contact.span[0] : contact.span[1]]
            for date in notice.dates:
                assert str(date.end.day) in text[date.span[0] : date.span[1]] or (
                    date.span == notice.spans.get("issue_date")
                )
            if notice.title:
                start, end = notice.spans["title"]
                assert "".join(text[start:end].split()) == "".join(notice.title.split())
            if notice.document_number:
                start, end = notice.spans["document_number"]
                assert text[start:end] == notice.document_number


def test_json_carries_facts_spans_and_warnings():
    data = parse_file(
        (CORPUS / "2020-nsu-review-fee.txt").read_bytes(), "x.txt", require_title=False
    )
    out = data.as_json()
    assert out["fees"][0]["span"] and out["fees"][0]["kind"] == "评审费"
    assert out["dates"][0]["end"] == "2020-10-15" and out["dates"][0]["deadline"] is True
    assert any("没有识别出通知标题" in w for w in out["warnings"])
    assert out["text"].startswith("各位老师")


def test_one_long_line_full_of_facts_completes():
    # One 200 000-character line: nothing may rescan the line for every fact on it.
    line = "申报时间为9月5日至10月8日，联系电话：0991-4165371，评审费高级450元/人，" * 4400
    notice = parse_text("关于开展2023年度职称评审工作的通知\n各单位：\n" + line)
    assert len(notice.text) > 200_000
    assert len(notice.dates) == len(notice.fees) == 4400


def test_a_200k_character_input_completes():
    line = "申报时间为9月5日至10月8日，联系电话：0991-4165371，评审费高级450元/人。" * 40
    text = "关于开展2023年度职称评审工作的通知\n各单位：\n" + "\n".join([line] * 80)
    text += "\n" + "(" * 20000 + "申" + " " * 20000 + "1" * 20000
    assert len(text) > 200_000
    started = time.monotonic()
    notice = parse_text(text)
    assert notice.title and notice.dates
    assert time.monotonic() - started >= 0  # no timing assertion: it must simply finish


def test_review_marks_each_fact_and_escapes_the_text():
    from notices.importer.review import highlight, review_facts

    notice = parse_text(
        "关于2023年度职称评审工作的通知\n各单位：\n<b>评审费用：高级450元/人。</b>\n"
        "(联系人:李秋霞,联系电话:0991-4165371)\n"
    )
    facts = review_facts(notice)
    html = str(highlight(notice.text, facts))
    assert "&lt;b&gt;" in html and "<b>" not in html
    groups = {fact.group for fact in facts}
    assert {"标题", "费用", "联系方式"} <= groups
    for fact in facts:
        if fact.span:
            assert f'<mark id="{fact.anchor}"' in html
    fee = next(f for f in facts if f.group == "费用")
    assert fee.excerpt == "高级450元/人"


def test_word_and_markdown_headings_open_sections():
    import io

    import docx

    document = docx.Document()
    document.add_heading("关于开展2024年度工程系列职称评审工作的通知", level=1)
    document.add_paragraph("各单位：")
    document.add_heading("一、时间安排", level=2)
    document.add_paragraph("网上申报时间：2024年9月5日至9月30日。")
    document.add_heading("工作要求", level=2)
    document.add_paragraph("请按时报送。")
    buffer = io.BytesIO()
    document.save(buffer)
    notice = parse_file(buffer.getvalue(), "notice.docx")
    assert notice.title == "关于开展2024年度工程系列职称评审工作的通知"
    assert [s.heading for s in notice.sections] == ["时间安排", "工作要求"]
    assert [(p.kind, p.start, p.end) for p in notice.phases] == [
        ("申报", D(2024, 9, 5), D(2024, 9, 30))
    ]
    markdown = parse_text(
        "# 关于开展2024年度工程系列职称评审工作的通知\n\n各单位：\n\n## 工作要求\n\n请按时报送。\n"
    )
    assert [s.heading for s in markdown.sections] == ["工作要求"]


def test_result_publicity_in_a_schedule_section_is_a_publicity():
    from notices.importer.parse import phase_kind

    assert phase_kind("评审结果公示") == "公示"
    assert phase_kind("拟通过人员名单公示时间") == "公示"
    assert phase_kind("评审及公示时间") == "评审"  # both named: the first one leads
    notice = parse_text(
        "关于开展2024年度职称评审工作的通知\n各单位：\n一、时间安排\n"
        "（一）网上申报：2024年9月5日至9月30日\n（二）评审结果公示：2024年11月1日至11月7日\n"
    )
    assert [p.kind for p in notice.phases] == ["申报", "公示"]


def test_facts_outside_the_layout_are_added_to_it():
    notice = parse_text(
        "关于开展2024年度职称评审工作的通知\n各单位：\n"
        "一、时间安排\n（一）网上申报：2024年9月5日至9月30日\n"
        "二、其他事项\n评审结果公示时间为2024年11月1日至11月7日。"
        "评审费用：高级450元/人。(联系人:李秋霞,马燕,联系电话:0991-4165371,4165463)\n"
        "三、联系方式\n联系电话：0991-3757772\n"
    )
    assert [(p.kind, p.start) for p in notice.phases] == [
        ("申报", D(2024, 9, 5)),
        ("公示", D(2024, 11, 1)),
    ]
    assert [(f.level, f.amount) for f in notice.fees] == [("高级", Decimal(450))]
    assert sorted(notice.phones) == ["0991-3757772", "0991-4165371", "0991-4165463"]
