import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "创建管理员账号（已存在则跳过）。密码取自 DJANGO_SUPERUSER_PASSWORD，否则随机生成并只显示一次。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--username", default=os.environ.get("DJANGO_SUPERUSER_USERNAME", "admin")
        )

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"管理员账号 {username} 已存在。")
            return
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(self.style.SUCCESS(f"已创建管理员账号：{username}"))
        if generated:
            # Printed once to the operator's terminal; never stored in clear anywhere.
            self.stdout.write(self.style.WARNING(f"管理员初始密码（只显示这一次）：{password}"))
