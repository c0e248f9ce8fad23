"""The importer on the four seed notices; expected values written by reading each seed."""

import datetime as dt
from decimal import Decimal

import pytest

from notices.demo import seeds_dir
from notices.importer import parse_file

SEEDS = seeds_dir()
D = dt.date


def parse(name):
    return parse_file((SEEDS / name).read_bytes(), name)


def seed_fixture(name):
    """A module-scoped fixture: the seed file `name`, parsed once."""

    @pytest.fixture(scope="module")
    def parsed():
        return parse(name)

    return parsed


bayingol = seed_fixture("2023-bayingol-engineering-notice.txt")
toutunhe2023 = seed_fixture("2023-toutunhe-engineering-notice.txt")
toutunhe2024 = seed_fixture("2024-toutunhe-ftz-notice.txt")
urumqi2025 = seed_fixture("2025-urumqi-all-series-notice.txt")


def phases(notice):
    return [(p.kind, p.label, p.start, p.end, p.to_be_announced) for p in notice.phases]


def contacts(notice):
    return [(c.purpose, c.organisation, c.people, c.phones, c.email) for c in notice.contacts]


# What each seed's header reads as: the attributes the importer fills from the title, the 主送,
# the signature and the date. One table so that a failure shows every differing field at once.
HEADERS = {
    "bayingol": {
        "title": "关于开展2023年度自治州工程系列建材、石油、化工、纺织、机械电子专业中、初级"
        "专业技术人员职称工作的通知",
        "document_number": "",
        "addressees": "各县（市）人社局、商工局，库尔勒经济技术开发区经发局、各工业园区经发局、"
        "各相关企事业单位",
        "review_year": 2023,
        "issue_date": D(2023, 8, 14),
        "authority_name": "巴音郭楞蒙古自治州工程系列建材、石油、化工、纺织、机械电子专业中、"
        "初级职称评审委员会",
        "signature": "自治州工程系列建材、石油、化工、纺织、机械电子专业中、初级专业技术人员"
        "职称评审委员会",
        "series_names": ["工程系列"],
        "levels": ["初级", "中级"],
    },
    "toutunhe2023": {
        # The title is broken over three lines and spaced out by extraction.
        "title": "关于开展2023年度经济技术开发区（头屯河区）企业工程系列（专业）职称评审工作的通知",
        "document_number": "",
        "addressees": "区属各企业",
        "review_year": 2023,
        "issue_date": None,
        "authority_name": "",
        "series_names": ["工程系列"],
        "summary": "按照乌鲁木齐市职称工作统一安排，结合我区实际，现就开展2023年度我区企业工程系列"
        "（专业）职称评审工作有关事项通知如下：",
    },
    "toutunhe2024": {
        "title": "关于开展2024年度中国（新疆）自贸试验区乌鲁木齐经开功能区块企业相关专业职称评审"
        "暨经济技术开发区（头屯河区）企业工程系列（专业）职称评审工作的通知",
        "document_number": "",
        "addressees": "区属各企业",
        "review_year": 2024,
        "issue_date": D(2024, 8, 27),
        "signature": "经济技术开发区（头屯河区）人力资源和社会保障局",
        "levels": ["初级", "中级", "副高级"],
    },
    "urumqi2025": {
        "title": "关于开展2025年度乌鲁木齐市各系列（专业）职称评审工作的通知",
        "addressees": "各专业技术人员",
        "review_year": 2025,
        "issue_date": None,
        "series_names": [],
        "phases": [],
        "fees": [],
    },
}


@pytest.mark.parametrize("seed", HEADERS)
def test_header(seed, request):
    notice = request.getfixturevalue(seed)
    assert {field: getattr(notice, field) for field in HEADERS[seed]} == HEADERS[seed]


class TestBayingol:
    def test_sections(self, bayingol):
        assert [s.heading for s in bayingol.sections] == [
            "评审范围", "资格条件", "时间安排", "申报方式及事项", "申报材料要求",
            "答辩要求", "评审费用", "注意事项",
        ]  # fmt: skip
        # Paragraphs broken across blank lines by PDF extraction are rejoined.
        qualification = bayingol.sections[1].blocks[0][1]
        assert "（新人社发〔2023〕7号）" in qualification
        assert "满足评审条件的专业技术人员可申报" in bayingol.sections[3].blocks[0][1]["text"]

    def test_phases(self, bayingol):
        assert phases(bayingol) == [
            ("申报", "网上申报", D(2023, 8, 21), D(2023, 9, 25), False),
            ("纸质材料报送", "纸质材料报送", D(2023, 9, 26), D(2023, 10, 5), False),
            ("缴费", "缴费", D(2023, 10, 8), D(2023, 10, 15), False),
            ("答辩", "答辩", D(2023, 10, 20), D(2023, 10, 30), False),
        ]
        assert bayingol.phases[3].note == "拟定时间，地点另行通知"

    def test_fees(self, bayingol):
        assert [(f.level, f.amount, f.note) for f in bayingol.fees] == [
            ("中级", Decimal(380), "职称评审费"),
            ("初级", Decimal(220), "职称评审费"),
            ("初级", Decimal(100), "初次确定"),
            ("中级", Decimal(380), "初次确定、授予（中级）"),
        ]

    def test_contacts(self, bayingol):
        assert contacts(bayingol) == [
            ("业务咨询", "", "薛晓龙、王荣珍", ["0996-2028769", "13070000022", "16609963813"], ""),
        ]
        assert bayingol.contacts[0].address == "库尔勒市石化大道22号孔雀大厦巴州工信局411办公室"
        # The contact section is shown as contact cards, not repeated as text.
        assert "咨询电话" not in [s.heading for s in bayingol.sections]

    def test_attachments_and_templates(self, bayingol):
        assert [(a.number, a.title) for a in bayingol.attachments] == [
            (1, "推荐单位公示（模板）"),
            (2, "推荐单位公示结果（模板）"),
            (3, "个人承诺书（模板）"),
            (4, "继续教育免试表（模板）"),
            (5, "申报人员花名册（模板）"),
        ]
        titles = [a.template.title for a in bayingol.attachments]
        assert titles == [
            "推荐单位公示（模板）",
            "推荐单位公示结果（模板）",
            "个人承诺书",
            "自治区“访惠聚”驻村等专业技术人员职称评审免除继续教育学习申请表",
            "2023年度XXX专业职称申报人员花名册",
        ]
        publicity = bayingol.attachments[0].template.blocks
        assert publicity[0] == (
            "paragraph",
            "根据自治区职称评审工作的要求，现对××同志申报××系列××专业×（高、中、初）级"
            "专业技术任职资格进行公示。",
        )
        assert publicity[-3:] == [
            ("signature", "签字：（单位负责人签字）"),
            ("signature", "（推荐单位公章）"),
            ("signature", "2023年×月×日"),
        ]
        roster = bayingol.attachments[4].template
        assert roster.is_roster
        kind, table = roster.blocks[-1]
        assert kind == "table"
        assert table["header"] == [
            "序号", "姓名", "性别", "族别", "政治面貌", "身份证号码", "现任专业技术职务",
            "获现任专业技术职务时间", "拟晋升专业技术职务", "工作单位", "是否通过", "备注",
        ]  # fmt: skip
        assert table["rows"] == [[""] * 11 + ["初定/授予/评审"]]
        assert table["blank_rows"] == 19
        form = bayingol.attachments[3].template
        assert not form.is_roster
        assert form.blocks[0][1]["rows"][0] == ["姓名", "", "性别", "", "出生年月", ""]
        assert ("signature", "年　　月　　日") in form.blocks


class TestToutunhe2023:
    def test_spaced_characters_are_joined(self, toutunhe2023):
        conditions = toutunhe2023.sections[1].blocks[0][1]
        assert conditions.startswith(
            "申报人可登录自治区专业技术人员管理平台（http://www.xjzcsq.com/）、乌鲁木齐职称评审系统"
        )

    def test_phases(self, toutunhe2023):
        assert phases(toutunhe2023) == [
            ("申报", "申报", D(2023, 9, 1), D(2023, 10, 15), False),
            ("审核", "审核结果", None, None, False),
            ("缴费", "缴费", None, None, True),
            ("评审", "评审及公示", None, None, False),
            ("文件印发", "审批工作", None, None, False),
            ("答辩", "答辩", None, None, True),
        ]
        assert toutunhe2023.phases[2].note == "缴费方式及时间另行通知"

    def test_fees_contacts_attachments(self, toutunhe2023):
        assert toutunhe2023.fees == []
        assert contacts(toutunhe2023) == [
            ("业务咨询", "", "杨丽、陶硕", ["0991-3757772", "0991-3792164"], "93749288@qq.com"),
            ("平台技术服务", "", "", ["0991-3193615", "0991-3193501"], ""),
        ]
        assert [(a.number, a.title, a.template) for a in toutunhe2023.attachments] == [
            (1, "网上申报材料填写要求", None),
            (2, "推荐单位公示（模板）", None),
            (3, "推荐单位公示结果（模板）", None),
            (4, "主管单位推荐意见（模板）", None),
            (5, "继续教育免试表", None),
        ]


class TestToutunhe2024:
    def test_half_width_brackets_become_full_width(self, toutunhe2024):
        first = toutunhe2024.sections[0].blocks[3][1]
        assert first["marker"] == "（四）"
        assert "（新人社发〔2021〕26号）" in toutunhe2024.sections[0].blocks[4][1]["text"]

    def test_phases_take_the_year_from_context(self, toutunhe2024):
        assert phases(toutunhe2024) == [
            ("申报", "网上材料申报", D(2024, 9, 5), D(2024, 9, 30), False),
            ("审核", "网上材料审核", D(2024, 10, 1), D(2024, 10, 15), False),
            ("缴费", "缴费", None, None, True),
        ]

    def test_contacts(self, toutunhe2024):
        assert contacts(toutunhe2024) == [
            ("业务咨询", "经济技术开发区（头屯河区）人力资源服务中心", "杨丽、方欣语",
             ["0991-3757772", "0991-3792164"], ""),
            ("业务咨询", "中国（新疆）自由贸易试验区乌鲁木齐片区经开功能区块工作领导小组办公室",
             "别克", ["0991-3743983"], ""),
            ("平台技术服务", "", "", ["0991-3193615", "0991-3193501"], ""),
        ]  # fmt: skip
        assert [a.title for a in toutunhe2024.attachments] == [
            "网上申报材料填写要求", "推荐单位公示（模板）", "推荐单位公示结果（模板）",
            "主管单位推荐意见（模板）", "继续教育免试表",
        ]  # fmt: skip


class TestUrumqi2025:
    def test_sections(self, urumqi2025):
        assert len(urumqi2025.sections) == 8

    def test_contacts(self, urumqi2025):
        assert contacts(urumqi2025) == [
            ("监督举报及政策咨询", "市人力资源和社会保障局专业技术人员管理科", "杨小炳、刘朕豪",
             ["0991-4656129"], ""),
            ("业务咨询", "市继续教育和职称评价管理中心", "王琪程、李元鸿",
             ["0991-4871993", "0991-4167940"], ""),
            ("业务咨询", "市教育局", "徐萍", ["0991-2956159"], ""),
            ("业务咨询", "高新区（新市区）人社局", "郭元頔", ["0991-3678719"], ""),
            ("业务咨询", "经开区（头屯河区）人社局", "杨丽", ["0991-3757772"], ""),
            ("业务咨询", "甘泉堡经开区组社局", "李世辉", ["0991-7706810"], ""),
            ("业务咨询", "金风科技股份有限公司", "盛国东", ["0991-3782955"], ""),
            ("平台技术服务", "", "", ["0991-3193615", "0991-3193501"], ""),
        ]  # fmt: skip

    def test_attachments(self, urumqi2025):
        assert [a.number for a in urumqi2025.attachments] == [1, 2, 3, 4, 5, 6, 7]
        assert urumqi2025.attachments[6].title == (
            "关于乌鲁木齐市中小学教师系列（含幼儿园教师专业、教学服务专业）职称评审条件的说明"
        )


def test_json_output_uses_iso_dates(bayingol):
    data = bayingol.as_json()
    assert data["issue_date"] == "2023-08-14"
    assert data["phases"][0]["start"] == "2023-08-21"
    assert data["fees"][0]["amount"] == "380"
    assert data["attachments"][4]["template"]["is_roster"] is True
