"""python manage.py issue_approval ID — issue (or resume issuing) an approval document."""

from django.core.management.base import BaseCommand, CommandError

from approvals.issuing.issue import IssuingError, issue_approval
from approvals.models import ApprovalDocument


class Command(BaseCommand):
    help = "签发审批文件并生成全部电子证书；中断后再次运行将从中断处继续（文号不变）。"

    def add_arguments(self, parser):
        parser.add_argument("id", type=int, help="审批文件的 ID")
        parser.add_argument("--workers", type=int, default=None, help="生成证书的进程数")

    def handle(self, *args, id: int, workers: int | None = None, **options):
        document = ApprovalDocument.objects.filter(pk=id).first()
        if document is None:
            raise CommandError(f"找不到 ID 为 {id} 的审批文件。")
        try:
            issued = issue_approval(document, workers=workers)
        except IssuingError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"已签发 {issued.number}：{issued.certificates.count()} 份证书。")
        )
