"""python manage.py export_certificate NUMBER -o FILE — write a certificate's signed PDF."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from approvals.models import Certificate


class Command(BaseCommand):
    help = "导出电子证书的签名 PDF（与持证人下载的文件完全相同）。"

    def add_arguments(self, parser):
        parser.add_argument("number", help="证书编号，如 TOUTUNHE-2024-000001")
        parser.add_argument("-o", "--output", required=True, help="输出文件路径")

    def handle(self, *args, number: str, output: str, **options):
        certificate = Certificate.objects.public().filter(number=number.strip().upper()).first()
        if certificate is None:
            raise CommandError(f"找不到已签发的证书 {number}。")
        with certificate.pdf.open("rb") as handle:
            data = handle.read()
        Path(output).write_bytes(data)
        state = "（已撤销）" if certificate.is_revoked else ""
        self.stdout.write(f"已导出 {certificate.number}{state} → {output}（{len(data)} 字节）")
