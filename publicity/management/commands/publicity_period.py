"""publicity_period START [--days N] [--region R] [--json]: the end of a publicity period."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from website.choices import REGIONS
from website.formatting import cn_date

from ... import workdays

WEEKDAYS = "一二三四五六日"


class Command(BaseCommand):
    help = "按工作日历计算公示期的结束日期，并列出计入与跳过的日期。"

    def add_arguments(self, parser):
        parser.add_argument("start", help="开始日期，如 2023-11-01")
        parser.add_argument("--days", type=int, default=5, help="工作日数（默认 5）")
        parser.add_argument("--region", default="", help="地区，如 新疆维吾尔自治区（默认全国）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, start, days, region, json: bool, **options):
        try:
            start_date = datetime.date.fromisoformat(start)
        except ValueError:
            raise CommandError(
                f"开始日期“{start}”格式不对，应为 年-月-日，如 2023-11-01。"
            ) from None
        if days < 1:
            raise CommandError("工作日数必须至少为 1。")
        if region and region not in REGIONS:
            raise CommandError(f"未知地区“{region}”，应为省级行政区全称，如 新疆维吾尔自治区。")
        try:
            period = workdays.count_period(start_date, days, region or None)
        except workdays.CalendarUnavailable as error:
            raise CommandError(str(error)) from error
        if json:
            self.stdout.write(_json(period, days, region))
            return
        self.stdout.write(
            f"公示时间：{cn_date(period.start)}至{cn_date(period.end)}（{days}个工作日）"
            f"{'，地区：' + region if region else ''}"
        )
        if period.start_note:
            self.stdout.write(period.start_note)
        self.stdout.write("计入的工作日：")
        for number, day in enumerate(period.counted, start=1):
            self.stdout.write(f"  第{number}天 {day.isoformat()} 星期{WEEKDAYS[day.weekday()]}")
        if period.skipped:
            self.stdout.write("跳过：")
            for day, why in period.skipped:
                self.stdout.write(f"  {day.isoformat()} 星期{WEEKDAYS[day.weekday()]} {why}")
        for warning in period.warnings:
            self.stderr.write(f"提示：{warning}")


def _json(period: workdays.Period, days: int, region: str) -> str:
    go_live, expire = workdays.period_bounds(period.start, period.end)
    return json.dumps(
        {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "working_days": days,
            "region": region,
            "go_live_at": go_live.isoformat(),
            "expire_at": expire.isoformat(),
            "counted": [day.isoformat() for day in period.counted],
            "skipped": [{"date": day.isoformat(), "reason": why} for day, why in period.skipped],
            "start_note": period.start_note,
            "warnings": period.warnings,
        },
        ensure_ascii=False,
    )
