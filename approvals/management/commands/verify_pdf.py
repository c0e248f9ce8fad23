"""python manage.py verify_pdf FILE [--json] — exit status 0 only for a valid platform PDF.

The same verdict as the 证书查验 page and ``POST /api/v1/verify/pdf``
(``approvals.verification.verify_upload``): the signature check in a bounded child process,
then the platform's record, so a revoked certificate or a file changed after signing (an
overlay included) is never 「有效」 here either.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from approvals.verification import Verdict, verify_upload
from approvals.views.public import max_upload_bytes


class Command(BaseCommand):
    help = "核验 PDF：与证书查验页面和接口结论一致，仅当文件由本平台签发、未被改动且未撤销时退出码为 0。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="PDF 文件路径")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args, file: str, json: bool = False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        if path.stat().st_size > max_upload_bytes():
            raise CommandError(f"文件过大：超过 {max_upload_bytes() // (1024 * 1024)} MB。")
        result = verify_upload(path.read_bytes())
        if json:
            self.stdout.write(_dumps(result.as_dict()))
        else:
            self.stdout.write(f"结论：{result.label}")
            self.stdout.write(f"说明：{result.message}")
            if result.certificate is not None:
                self.stdout.write(f"证书编号：{result.certificate.number}")
            if result.document is not None:
                self.stdout.write(f"审批文件：{result.document.number}")
            if result.key_id:
                self.stdout.write(f"密钥标识：{result.key_id}")
            if result.sha256:
                self.stdout.write(f"SHA-256：{result.sha256}")
        if result.verdict != Verdict.VALID:
            sys.exit(1)


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
