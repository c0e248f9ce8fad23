from django.core.management.base import BaseCommand, CommandError

from approvals.crypto.crl import SigningKeyError, refresh_crl


class Command(BaseCommand):
    help = "用平台根证书重新签发证书吊销列表（CRL）并保存，供 /keys/ca.crl 直接读取（定时任务每天执行）。"

    def handle(self, *args, **options):
        try:
            data = refresh_crl()
        except SigningKeyError as error:
            raise CommandError(str(error)) from error
        if data is None:
            self.stdout.write("尚未创建平台根证书，无需签发吊销列表。")
        else:
            self.stdout.write(f"已签发证书吊销列表（{len(data)} 字节）。")
