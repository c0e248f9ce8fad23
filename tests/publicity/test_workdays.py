"""The working-day calendar against the State Council schedules and editors' overrides."""

import datetime

import pytest

from publicity import workdays
from publicity.workdays import (
    CalendarUnavailable,
    Override,
    WorkingCalendar,
    add_working_days,
    count_period,
    is_working_day,
    working_days_between,
)

D = datetime.date
XJ = "新疆维吾尔自治区"
PACKAGE_ONLY = WorkingCalendar(overrides={})


def end(start, n=5, calendar=PACKAGE_ONLY):
    return add_working_days(start, n, calendar=calendar)


def test_plain_week_wednesday_to_tuesday():
    assert end(D(2023, 11, 1)) == D(2023, 11, 7)


def test_national_day_with_make_up_weekend():
    period = count_period(D(2023, 9, 28), 5, calendar=PACKAGE_ONLY)
    # 9月29日–10月6日 off; Saturday 7 and Sunday 8 October are make-up workdays.
    assert period.counted == [
        D(2023, 9, 28),
        D(2023, 10, 7),
        D(2023, 10, 8),
        D(2023, 10, 9),
        D(2023, 10, 10),
    ]
    assert (D(2023, 10, 1), "国庆节") in period.skipped


def test_spring_festival_2024():
    assert end(D(2024, 2, 7)) == D(2024, 2, 19)  # 2月10日–17日 off, Sunday 18 works


def test_period_may_end_on_a_make_up_sunday():
    assert end(D(2024, 1, 30)) == D(2024, 2, 4)
    assert D(2024, 2, 4).weekday() == 6
    assert is_working_day(D(2024, 2, 4), calendar=PACKAGE_ONLY)


def test_year_boundary():
    assert end(D(2023, 12, 27)) == D(2024, 1, 3)


def test_start_on_a_rest_day_counts_from_the_next_working_day():
    period = count_period(D(2023, 11, 4), 5, calendar=PACKAGE_ONLY)  # Saturday
    assert period.first_working_day == D(2023, 11, 6)
    assert period.end == D(2023, 11, 10)


def test_start_inside_a_holiday():
    assert count_period(D(2023, 10, 2), 1, calendar=PACKAGE_ONLY).counted == [D(2023, 10, 7)]


def test_unknown_year_raises_with_a_chinese_message():
    with pytest.raises(CalendarUnavailable) as error:
        end(D(workdays.PACKAGE_LAST_YEAR + 1, 3, 1))
    assert f"{workdays.PACKAGE_LAST_YEAR + 1}年" in str(error.value)
    assert "录入" in str(error.value)


def test_never_a_weekday_guess_for_an_unknown_year_with_only_regional_entries():
    year = workdays.PACKAGE_LAST_YEAR + 1
    calendar = WorkingCalendar(
        region=XJ, overrides={(D(year, 3, 20), XJ): Override(False, "肉孜节")}
    )
    with pytest.raises(CalendarUnavailable):
        calendar.is_working_day(D(year, 3, 1))


def test_national_schedule_entered_for_an_unknown_year():
    year = workdays.PACKAGE_LAST_YEAR + 1
    first_monday = next(D(year, 1, d) for d in range(4, 11) if D(year, 1, d).weekday() == 0)
    calendar = WorkingCalendar(overrides={(D(year, 1, 1), ""): Override(False, "元旦")})
    assert not calendar.is_working_day(D(year, 1, 1))
    assert calendar.is_working_day(first_monday)
    assert not calendar.is_working_day(first_monday + datetime.timedelta(days=5))


def test_regional_override_beats_national_override_and_package():
    day = D(2025, 6, 9)  # Monday
    overrides = {
        (day, ""): Override(True, "全国"),
        (day, XJ): Override(False, "古尔邦节"),
    }
    assert not WorkingCalendar(region=XJ, overrides=overrides).is_working_day(day)
    assert WorkingCalendar(region=None, overrides=overrides).is_working_day(day)
    assert WorkingCalendar(region="北京市", overrides=overrides).is_working_day(day)


def test_working_days_between_is_inclusive():
    assert working_days_between(D(2023, 11, 1), D(2023, 11, 7), calendar=PACKAGE_ONLY) == 5
    assert working_days_between(D(2023, 11, 7), D(2023, 11, 1), calendar=PACKAGE_ONLY) == 0
    assert working_days_between(D(2023, 11, 4), D(2023, 11, 5), calendar=PACKAGE_ONLY) == 0


def test_period_bounds_are_shanghai_midnights():
    go_live, expire = workdays.period_bounds(D(2023, 11, 1), D(2023, 11, 7))
    assert go_live.isoformat() == "2023-11-01T00:00:00+08:00"
    assert expire.isoformat() == "2023-11-08T00:00:00+08:00"


@pytest.mark.django_db
def test_xinjiang_holidays_entered_once_are_skipped_there_only():
    from publicity.models import CalendarDay

    for day in range(6, 11):  # 2025 古尔邦节 6月6日–10日
        CalendarDay.objects.create(
            date=D(2025, 6, day), region=XJ, is_working=False, name="古尔邦节"
        )
    assert add_working_days(D(2025, 6, 4), 5, region=XJ) == D(2025, 6, 13)
    assert add_working_days(D(2025, 6, 4), 5) == D(2025, 6, 10)
    assert add_working_days(D(2025, 6, 4), 5, region="北京市") == D(2025, 6, 10)


@pytest.mark.django_db
def test_database_national_override_for_next_year():
    from publicity.models import CalendarDay

    year = workdays.PACKAGE_LAST_YEAR + 1
    with pytest.raises(CalendarUnavailable):
        add_working_days(D(year, 3, 1), 5)
    CalendarDay.objects.create(
        date=D(year, 1, 1), is_working=False, name="元旦", source="国办发明电"
    )
    assert add_working_days(D(year, 3, 1), 5) >= D(year, 3, 5)


@pytest.mark.django_db
def test_overrides_load_once_per_year(django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        add_working_days(D(2023, 12, 27), 5, region=XJ)
