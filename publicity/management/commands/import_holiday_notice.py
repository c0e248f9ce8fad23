"""import_holiday_notice FILE [--region R] [--source S] [--replace]: a year from its notice.

The same path as the admin's import (parse → check → confirm), for a deployment script or an
operator; the year is stored complete with its source and no user as confirmer.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from website.choices import REGIONS
from website.formatting import cn_date

from ... import calendar_import
from ...holiday_notice import NoticeParseError, parse_notice


class Command(BaseCommand):
    help = "导入节假日安排通知（国务院办公厅或地区的放假通知全文），确认为完整年度。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="通知全文的文本文件（UTF-8）")
        parser.add_argument("--region", default="", help="地区（默认全国）")
        parser.add_argument("--year", type=int, default=None, help="年份（默认从通知中读出）")
        parser.add_argument("--source", default="", help="依据：文号或网址")
        parser.add_argument("--replace", action="store_true", help="替换已确认的年度")
        parser.add_argument("--dry-run", action="store_true", help="只显示读出的日期，不保存")

    def handle(self, *args, file, region, year, source, replace, dry_run, **options):
        if region and region not in REGIONS:
            raise CommandError(f"未知地区“{region}”，应为省级行政区全称，如 新疆维吾尔自治区。")
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"无法读取文件“{file}”：{error}") from error
        try:
            notice = parse_notice(text, year)
            plan = calendar_import.plan(notice, region)
        except (NoticeParseError, calendar_import.ImportRefused) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{plan.year}年 {region or '全国'}：放假{plan.days_off}天，调休上班{plan.make_up_days}天"
        )
        for day, rule in plan.days.items():
            kind = "上班" if rule.is_working else "放假"
            self.stdout.write(f"  {day.isoformat()} {cn_date(day)} {rule.name} {kind}")
        for line in plan.dropped:
            self.stdout.write(f"未录入：{line}")
        for warning in plan.warnings:
            self.stderr.write(f"提示：{warning}")
        if dry_run:
            return
        try:
            calendar_year = calendar_import.confirm(
                plan,
                source=source or calendar_import.default_source(notice, region),
                source_text=text,
                user=None,
                replace=replace,
            )
        except calendar_import.ImportRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"已确认：{calendar_year}，依据：{calendar_year.source}")
