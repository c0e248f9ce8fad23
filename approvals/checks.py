"""System checks of the approvals app: the KEK must decrypt the platform CA's key.

Registered as a deployment check (``manage.py check --deploy``), and run by gunicorn before it
accepts requests (gunicorn.conf.py ``on_starting``): a wrong ``SIGNING_KEK`` stops the start with
a clear message instead of a site whose /keys/ca.crl fails and whose first issuance sticks.
"""

from __future__ import annotations

from django.core.checks import Error, register
from django.db import DatabaseError

TAG = "signing_keys"


@register(TAG, deploy=True)
def check_kek(app_configs=None, **kwargs) -> list[Error]:
    from .crypto.crl import verify_kek
    from .crypto.keys import SigningKeyError

    try:
        verify_kek()
    except SigningKeyError as error:
        return [
            Error(
                f"{error} 请检查环境变量 SIGNING_KEK 是否与创建平台根证书时一致；在修正之前服务不会启动。",
                id="approvals.E001",
            )
        ]
    except DatabaseError:
        # No database yet (before migrate, or a build step): nothing encrypted to check.
        return []
    return []
