"""Reading the State Council's (and Xinjiang's) holiday notices from their text."""

import datetime
import json
from pathlib import Path

import chinese_calendar
import pytest
from chinese_calendar.constants import holidays as package_holidays
from chinese_calendar.constants import workdays as package_workdays

from publicity import workdays
from publicity.holiday_notice import NoticeParseError, parse_notice

NOTICES = Path(__file__).parent / "notices"
D = datetime.date


def read(name: str) -> str:
    return (NOTICES / f"{name}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "year,number,signed",
    [
        (2024, "国办发明电〔2023〕7号", D(2023, 10, 25)),
        (2025, "国办发明电〔2024〕12号", D(2024, 11, 12)),
        (2026, "国办发明电〔2025〕7号", D(2025, 11, 4)),
    ],
)
def test_state_council_notice_reproduces_chinesecalendar_exactly(year, number, signed):
    notice = parse_notice(read(f"national_{year}"))
    assert (notice.year, notice.document_number, notice.signed) == (year, number, signed)
    assert notice.warnings == []
    days = notice.days()
    off = {day for day, rule in days.items() if not rule.is_working}
    on = {day for day, rule in days.items() if rule.is_working}
    assert off == {day for day in package_holidays if day.year == year}
    assert on == {day for day in package_workdays if day.year == year}
    # Names: the package's name for each day is the notice's (国庆节、中秋节 lists both).
    package = workdays._package_year(year).days
    for day, rule in days.items():
        expected = package[day].name.removesuffix("调休上班")
        assert expected in rule.name, (day, rule.name, expected)
    # And every day of the year answers as the package does.
    calendar = workdays.WorkingCalendar(
        years={(year, ""): workdays.YearSchedule(year, "", days, number)}, builtin=False
    )
    day = D(year, 1, 1)
    while day.year == year:
        assert calendar.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += datetime.timedelta(days=1)


def test_holiday_names_of_2026():
    notice = parse_notice(read("national_2026"))
    assert [item.name for item in notice.items] == [
        "元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节",
    ]  # fmt: skip
    spring = notice.items[1]
    assert spring.days_off[0] == D(2026, 2, 15) and spring.days_off[-1] == D(2026, 2, 23)
    assert spring.make_up_days == [D(2026, 2, 14), D(2026, 2, 28)]
    assert notice.days()[D(2026, 2, 28)].name == "春节调休上班"


def test_encouragement_to_rest_on_new_years_eve_is_not_a_holiday():
    notice = parse_notice(read("national_2024"))
    assert D(2024, 2, 9) not in notice.days()  # 鼓励…安排职工在除夕（2月9日）休息


def test_pasted_in_one_line_with_half_width_punctuation():
    text = read("national_2026").replace("\n", "").replace("（", "(").replace("）", ")")
    text = text.replace("：", ":").replace("，", ",")
    assert parse_notice(text).days() == parse_notice(read("national_2026")).days()


@pytest.mark.parametrize("name,year", [("xinjiang_2025", 2025), ("xinjiang_2023", 2023)])
def test_xinjiang_notice_matches_the_shipped_data(name, year):
    notice = parse_notice(read(name))
    assert notice.year == year
    regional = notice.days(regional_only=True)
    data = json.loads(workdays.REGIONAL_DATA.read_text(encoding="utf-8"))
    shipped = {
        D.fromisoformat(item["date"]): (item["name"], item["is_working"])
        for item in data["新疆维吾尔自治区"][str(year)]["days"]
    }
    assert {day: (rule.name, rule.is_working) for day, rule in regional.items()} == shipped


def test_xinjiang_2025_days():
    regional = parse_notice(read("xinjiang_2025")).days(regional_only=True)
    assert sorted(regional) == [D(2025, 3, d) for d in (29, 30, 31)] + [
        D(2025, 6, d) for d in range(6, 11)
    ]


def test_a_wrong_weekday_is_reported_not_imported():
    text = read("national_2026").replace("1月4日（周日）上班", "1月5日（周日）上班")
    with pytest.raises(NoticeParseError, match="2026年1月5日是星期一"):
        parse_notice(text)


def test_year_given_must_match_the_notice():
    with pytest.raises(NoticeParseError, match="2026年，与填写的2027年不符"):
        parse_notice(read("national_2026"), year=2027)


def test_empty_or_unrelated_text_is_refused_in_chinese():
    with pytest.raises(NoticeParseError, match="请粘贴"):
        parse_notice("  ")
    with pytest.raises(NoticeParseError, match="没有读到任何节假日安排"):
        parse_notice("关于2027年职称评审工作的通知\n各单位：请按时申报。")


def test_missing_holidays_are_warned():
    text = "\n".join(
        line for line in read("national_2026").splitlines() if not line.startswith("七、")
    )
    assert "国庆节" in parse_notice(text).warnings[0]


def test_make_up_day_on_a_weekday_is_refused():
    text = read("national_2026").replace("5月9日（周六）上班", "5月8日（周五）上班")
    with pytest.raises(NoticeParseError, match="调休上班日2026年5月8日是工作日"):
        parse_notice(text)
