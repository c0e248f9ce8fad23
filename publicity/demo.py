"""Demo publicity: one running now (so the first run shows it) and one that ended in 2023.

Names, units and ID numbers are invented; the ID numbers are generated with a valid GB 11643
check digit so that they pass the roster rules, and are stored only as hash and mask.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from website import identity
from website.demo import ensure_authorities, ensure_child_page, ensure_home_page, ensure_series
from website.models import HomePage

from . import workdays
from .models import (
    Objection,
    ObjectionStatus,
    PublicityEntry,
    PublicityIndexPage,
    PublicityPage,
)
from .roster import level_for

DATA = Path(__file__).resolve().parent / "data"


def read_people(filename: str) -> list[tuple[str, ...]]:
    """A demo roster in publicity/data: name, gender, unit, specialty, qualification and review
    type, one person a row below a header row."""
    with (DATA / filename).open(encoding="utf-8", newline="") as rows:
        return [tuple(row) for row in list(csv.reader(rows))[1:]]


RUNNING_PEOPLE = read_people("demo_running_publicity.csv")
ENDED_PEOPLE = read_people("demo_ended_publicity.csv")
OBJECTION_CONTACT = (
    "经济技术开发区（头屯河区）人力资源和社会保障局职称办公室\n"
    "电话：0991—3757772（工作日 10:00—14:00，16:00—19:30）\n"
    "电子邮箱：93749288@qq.com"
)


def demo_id_number(region_code: str, birth: datetime.date, sequence: int, gender: str) -> str:
    """A made-up ID number with a valid check digit whose 17th digit matches the gender."""
    order = sequence * 2 + (1 if gender == "男" else 0)  # odd: male, even: female
    first17 = f"{region_code}{birth:%Y%m%d}{order % 1000:03d}"
    return first17 + identity.check_digit(first17)


def demo_people(people, region_code: str, series: str, seed: int) -> list[dict]:
    """Entry values (with the clear demo ID returned separately, for tests) for a list of people."""
    result = []
    for number, (name, gender, unit, specialty, qualification, review_type) in enumerate(
        people, start=1
    ):
        birth = datetime.date(
            1970 + (number * 7 + seed) % 30, 1 + (number * 5) % 12, 1 + number % 28
        )
        id_number = demo_id_number(region_code, birth, 10 + number + seed, gender)
        result.append(
            {
                "id_number": id_number,
                "sort_order": number,
                "name": name,
                "gender": gender,
                "unit": unit,
                "series": series,
                "specialty": specialty,
                "level": level_for(qualification),
                "qualification": qualification,
                "review_type": review_type,
            }
        )
    return result


def running_people() -> list[dict]:
    return demo_people(RUNNING_PEOPLE, "650106", "工程系列", seed=1)


def ended_people() -> list[dict]:
    return demo_people(ENDED_PEOPLE, "652801", "工程系列", seed=2)


def ensure_index(home: HomePage) -> PublicityIndexPage:
    return ensure_child_page(
        home,
        PublicityIndexPage,
        "publicity",
        title="评审结果公示",
        intro="<p>职称评审结果公示期为5个工作日。公示期内对公示人员有异议的，可在公示页面提出。</p>",
    )


def running_start(today: datetime.date, region: str | None) -> datetime.date:
    """A start two working days back, so today lies inside a five-working-day period."""
    day, found = today - datetime.timedelta(days=1), 0
    while True:
        if workdays.is_working_day(day, region):
            found += 1
            if found == 2:
                return day
        day -= datetime.timedelta(days=1)


def _notice_for(authority, year: int):
    """The notice that opened this authority's round of ``year`` (issued that year or the one
    before), or None: a publicity is never tied to another authority's or year's notice."""
    from notices.models import NoticePage

    return (
        NoticePage.objects.filter(authority=authority, review_year__in=(year, year - 1))
        .order_by("-review_year", "-pk")
        .first()
    )


def ensure_publicity(
    index, slug: str, values: dict, people: list[dict], rerun: bool = False
) -> PublicityPage:
    page = PublicityPage.objects.child_of(index).filter(slug=slug).first()
    if page is None:
        page = index.add_child(instance=PublicityPage(slug=slug, **values))
        page.save_revision().publish()
    elif values["start_date"] != page.start_date and page.has_ended and rerun:
        # A later demo run: the "running" publicity runs again from a new start date.
        page.expire_if_ended()
        for name, value in values.items():
            setattr(page, name, value)
        page.save_revision().publish()
    existing = set(page.entries.values_list("id_hash", flat=True))
    new = []
    for person in people:
        fields = dict(person)
        number = fields.pop("id_number")
        digest = identity.id_hash(number)
        if digest not in existing:
            new.append(
                PublicityEntry(
                    publicity=page, id_hash=digest, id_masked=identity.mask(number), **fields
                )
            )
    PublicityEntry.objects.bulk_create(new)
    if new:
        from .roster import reindex

        reindex(page)
    return page


@transaction.atomic
def load(log: Callable[[str], None]) -> None:
    """公示栏目, one running publicity and one that ended on 2023-11-07."""
    home = ensure_home_page()
    authorities = ensure_authorities()
    ensure_series()
    index = ensure_index(home)
    toutunhe, bayingol = authorities["toutunhe"], authorities["bayingol"]

    today = workdays.today_in_shanghai()
    try:
        start = running_start(today, toutunhe.region)
        running = ensure_publicity(
            index,
            "toutunhe-engineering-running",
            {
                "title": f"{start.year}年度经开区（头屯河区）工程系列中、初级职称评审结果公示",
                "authority": toutunhe,
                "review_committee": "经济技术开发区（头屯河区）工程系列中、初级职称评审委员会",
                "start_date": start,
                "notice": _notice_for(toutunhe, start.year),
                "intro": "<p>经评审委员会评审、表决，以下人员通过工程系列中、初级职称评审，现予公示。</p>",
                "objection_contact": OBJECTION_CONTACT,
            },
            running_people(),
            rerun=True,
        )
        log(f"正在公示：{running.title}（{running.period_label}，{running.entries.count()} 人）")
    except workdays.CalendarUnavailable as error:
        log(f"未创建正在进行的公示：{error}")

    ended = ensure_publicity(
        index,
        "bayingol-engineering-2023",
        {
            "title": "2023年度巴州工程系列建材、石油、化工、纺织、机械电子专业中、初级职称评审结果公示",
            "authority": bayingol,
            "review_committee": bayingol.name,
            "start_date": datetime.date(2023, 11, 1),
            "notice": _notice_for(bayingol, 2023),
            "intro": "<p>经评审委员会评审，以下人员通过相应专业中、初级职称评审，现予公示。</p>",
            "objection_contact": "巴州人力资源和社会保障局职称科，电话：0996—2022366",
        },
        ended_people(),
    )
    # Demo history: this publicity ran in 2023, scheduled the day before its start. Publishing
    # it now records now as its go-live (publicity.integrity); set the time it stands for, so
    # the approval step may use it as a publicity that was public for its whole period.
    PublicityPage.objects.filter(pk=ended.pk, went_live_at__gt=ended.starts_at).update(
        went_live_at=ended.starts_at - datetime.timedelta(hours=8)
    )
    ended.refresh_from_db()
    if ended.live and ended.has_ended:
        # What publish_scheduled does at expiry: off the public site, kept for the approval step.
        ended.unpublish(set_expired=True)
    # One upheld objection: that entry is excluded from the approval document.
    excluded = ended.entries.order_by("sort_order").last()
    if excluded and not Objection.objects.filter(entry=excluded).exists():
        Objection.objects.create(
            entry=excluded,
            contact="0996—0000000",
            facts="（演示）反映其论文存在抄袭，经核查属实。",
            status=ObjectionStatus.UPHELD,
            notes="经核查异议成立，取消其本次评审结果。",
        )
    log(f"已结束的公示：{ended.title}（{ended.period_label}，{ended.entries.count()} 人）")
