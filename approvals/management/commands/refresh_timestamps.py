"""python manage.py refresh_timestamps [--margin-days N]  (run daily from cron or a timer)"""

import datetime as dt
import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from approvals.crypto.ltv import refresh_stored_documents

logger = logging.getLogger("approvals.refresh_timestamps")


class Command(BaseCommand):
    help = (
        "为最新时间戳证书即将到期的已签发文件追加存档时间戳（PAdES B-LTA），"
        "使其在签名证书过期、网站停止服务后仍可验证。可重复运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--margin-days",
            type=int,
            default=None,
            help="时间戳证书剩余有效期少于此天数即追加（默认 SIGNING_TSA_RENEWAL_DAYS 或 365）",
        )

    def handle(self, *args, margin_days: int | None, **options):
        if margin_days is None:
            margin_days = int(getattr(settings, "SIGNING_TSA_RENEWAL_DAYS", 365))
        if margin_days < 1:
            raise CommandError("提前天数必须是正整数。")

        def log(message: str) -> None:
            logger.info(message)
            self.stdout.write(message)

        report = refresh_stored_documents(dt.timedelta(days=margin_days), log=log)
        summary = (
            f"检查 {report.checked} 个文件，追加存档时间戳 {report.refreshed} 个，"
            f"无时间戳（早期签发）{report.skipped_no_timestamp} 个，"
            f"受根证书有效期限制无法延长 {report.blocked} 个，失败 {report.failed} 个。"
        )
        logger.info(summary)
        self.stdout.write(summary)
        if report.failed:
            raise CommandError(f"{report.failed} 个文件未能追加时间戳，详见日志。")
