import signal
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# (command, every N seconds; 0 = every round). Apps' commands are named, never imported, so the
# base layer knows nothing of them: refresh_crl re-signs the CA's revocation list daily,
# resume_issuing picks up issuances whose worker died.
DEFAULT_JOBS = [("publish_scheduled", 0), ("refresh_crl", 86400), ("resume_issuing", 300)]


class Command(BaseCommand):
    help = (
        "定时任务：每隔一段时间执行 publish_scheduled（定时发布与到期下线），每天重新签发证书吊销列表，"
        "每 5 分钟恢复中断的证书签发，直到被中断。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60, help="间隔秒数，默认 60")
        parser.add_argument("--once", action="store_true", help="每项任务执行一次后退出")

    def handle(self, *args, interval: int, once: bool = False, **options):
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        jobs = getattr(settings, "SCHEDULER_JOBS", DEFAULT_JOBS)
        last_run: dict[str, float] = {}
        self.stdout.write(f"定时任务已启动：每 {interval} 秒检查一次。")
        try:
            while not stopping:
                for name, every in jobs:
                    now = time.monotonic()
                    if name in last_run and now - last_run[name] < every:
                        continue
                    last_run[name] = now
                    try:
                        call_command(name)
                    except Exception as exc:  # keep running; the next round retries
                        self.stderr.write(f"{name} 失败：{exc}")
                if once:
                    break
                deadline = time.monotonic() + interval
                while not stopping and time.monotonic() < deadline:
                    time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        self.stdout.write("定时任务已停止。")
