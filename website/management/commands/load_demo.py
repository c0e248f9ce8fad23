import importlib

from django.core.management.base import BaseCommand

# Order matters: later apps build on what earlier ones created.
DEMO_MODULES = ["website.demo", "notices.demo", "publicity.demo", "approvals.demo"]


class Command(BaseCommand):
    help = "载入演示内容（可重复执行，不会重复创建）。"

    def handle(self, *args, **options):
        for name in DEMO_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue  # the app has no demo content yet
            app = name.split(".")[0]
            module.load(lambda message, app=app: self.stdout.write(f"[{app}] {message}"))
        self.stdout.write(self.style.SUCCESS("演示内容已就绪。"))
