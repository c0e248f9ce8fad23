import signal
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "每隔一段时间执行 publish_scheduled（定时发布与到期下线），直到被中断。"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60, help="间隔秒数，默认 60")

    def handle(self, *args, interval: int, **options):
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"定时任务已启动：每 {interval} 秒执行 publish_scheduled。")
        try:
            while not stopping:
                try:
                    call_command("publish_scheduled")
                except Exception as exc:  # keep running; the next minute retries
                    self.stderr.write(f"publish_scheduled 失败：{exc}")
                deadline = time.monotonic() + interval
                while not stopping and time.monotonic() < deadline:
                    time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        self.stdout.write("定时任务已停止。")
