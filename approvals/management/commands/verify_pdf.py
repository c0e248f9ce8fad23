"""python manage.py verify_pdf FILE [--json] — exit status 0 only for a valid platform PDF."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from approvals.verification import verify_pdf_bytes


class Command(BaseCommand):
    help = "核验 PDF 的电子签名：仅当文件由本平台签发且未被改动时退出码为 0。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="PDF 文件路径")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args, file: str, json: bool = False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        verdict = verify_pdf_bytes(path.read_bytes())
        if json:
            self.stdout.write(_dumps(verdict.as_dict()))
        else:
            self.stdout.write(f"结论：{verdict.label}")
            self.stdout.write(f"说明：{verdict.message}")
            if verdict.signer:
                self.stdout.write(f"签名者：{verdict.signer}")
            if verdict.key_id:
                self.stdout.write(f"密钥标识：{verdict.key_id}")
            self.stdout.write(f"SHA-256：{verdict.sha256}")
        if not verdict.valid:
            sys.exit(1)


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
