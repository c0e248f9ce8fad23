"""manage.py rotate_id_hash_key: re-hash every stored ID number under the current ID_HASH_KEY."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from website import identity, rekeying


class Command(BaseCommand):
    help = (
        "把以旧密钥（ID_HASH_KEY_PREVIOUS，或 --from-secret-key 指旧版由 SECRET_KEY 派生的密钥）"
        "生成的身份证号摘要改用当前 ID_HASH_KEY 重新生成。可重复运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from-secret-key",
            action="store_true",
            help="旧密钥为旧版由 SECRET_KEY 派生的密钥（升级到独立 ID_HASH_KEY 时用）。",
        )

    def handle(self, *args, from_secret_key: bool = False, **options):
        old = identity.legacy_hash_key() if from_secret_key else identity.previous_hash_key()
        if old is None:
            raise CommandError(
                "请先设置 ID_HASH_KEY_PREVIOUS（旧密钥），或使用 --from-secret-key。"
            )
        new = identity.hash_key()
        if old == new:
            raise CommandError("旧密钥与当前 ID_HASH_KEY 相同，无需轮换。")
        report = rekeying.rekey_all(old, new)
        self.stdout.write(
            f"已重新生成 {report.rekeyed} 条，已是新密钥 {report.current} 条，"
            f"无法还原 {report.unrecoverable} 条，无身份证号 {report.empty} 条。"
        )
        if report.unrecoverable:
            self.stderr.write("有记录既非旧密钥也非新密钥生成，未作改动，请核查。")
