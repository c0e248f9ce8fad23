"""python manage.py create_signing_key --authority SLUG"""

from django.core.management.base import BaseCommand, CommandError

from approvals.crypto.keys import create_signing_key, ensure_ca
from website.models import Authority


class Command(BaseCommand):
    help = "为发文机关创建新的签章密钥（必要时先创建平台根证书）；旧密钥停用但签过的文件仍有效。"

    def add_arguments(self, parser):
        parser.add_argument("--authority", required=True, help="发文机关标识（slug），如 toutunhe")
        parser.add_argument("--days", type=int, default=None, help="证书有效天数（默认 3650）")

    def handle(self, *args, authority: str, days: int | None, **options):
        found = Authority.objects.filter(slug=authority).first()
        if found is None:
            known = "、".join(Authority.objects.values_list("slug", flat=True)) or "（无）"
            raise CommandError(f"没有标识为“{authority}”的发文机关。已有：{known}")
        if days is not None and days < 1:
            raise CommandError("有效天数必须是正整数。")
        ca = ensure_ca()
        kwargs = {"validity_days": days} if days else {}
        key = create_signing_key(found, **kwargs)
        self.stdout.write(
            f"已为 {found.name} 创建签章密钥 {key.key_id}（有效期至 {key.not_after:%Y-%m-%d}）。"
        )
        self.stdout.write(f"平台根证书指纹（SHA-256）：{ca.fingerprint}")
