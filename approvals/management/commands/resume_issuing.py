from django.core.management.base import BaseCommand

from approvals.issuing.lease import stale_after
from approvals.issuing.tasks import resume_stale


class Command(BaseCommand):
    help = "恢复中断的证书签发：签发心跳超时的审批文件重新加入签发队列（定时任务每 5 分钟执行）。"

    def handle(self, *args, **options):
        resumed = resume_stale()
        minutes = int(stale_after().total_seconds() // 60)
        if resumed:
            self.stdout.write(f"已恢复 {len(resumed)} 份中断的签发（心跳超过 {minutes} 分钟）。")
        else:
            self.stdout.write("没有中断的签发。")
