"""python manage.py issue_approval ID — finish issuing an approved approval document.

The command never approves: a document gets its number only through the admin's two-person
path (经办 submits, a second person with 签发 rights approves). The command completes an
approved document whose certificates were interrupted, e.g. when the worker died.
"""

from django.core.management.base import BaseCommand, CommandError

from approvals.issuing.issue import IssuingError, issue_approval
from approvals.models import ApprovalDocument, DocumentStatus


class Command(BaseCommand):
    help = (
        "完成已审核签发的审批文件（生成全部电子证书）；中断后再次运行将从中断处继续（文号不变）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("id", type=int, help="审批文件的 ID")
        parser.add_argument("--workers", type=int, default=None, help="生成证书的进程数")

    def handle(self, *args, id: int, workers: int | None = None, **options):
        document = ApprovalDocument.objects.filter(pk=id).first()
        if document is None:
            raise CommandError(f"找不到 ID 为 {id} 的审批文件。")
        if document.status in (DocumentStatus.DRAFT, DocumentStatus.SUBMITTED):
            raise CommandError(
                f"文件状态为“{document.get_status_display()}”：须在管理后台由经办人员提交、"
                "另一位有签发权限的人员审核签发；本命令只完成已审核签发的文件。"
            )
        try:
            issued = issue_approval(document, workers=workers)
        except IssuingError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"已签发 {issued.number}：{issued.certificates.count()} 份证书。")
        )
