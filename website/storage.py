"""The private storage: personal data (certificates, photos, objection attachments).

Files there are never served directly; the apps hand them out only after their own checks
(a holder's download check, an editor's permission). Settings name it ``STORAGES["private"]``.

Also the development secrets (ID-hash key, key-encryption key) kept in files under VAR_DIR
when the environment sets none: :func:`development_secret`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from django.core.files.storage import Storage, storages

_secret_lock = threading.Lock()


def private_storage() -> Storage:
    """The private storage; a callable so that tests and deployments can swap the setting."""
    return storages["private"]


def development_secret(path: Path, make: Callable[[], str]) -> str:
    """The secret in ``path``, written once (mode 0600, ``make()``) by the first process that
    needs it; every later call, in any process, reads the same one."""
    with _secret_lock:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                # O_EXCL: two processes starting together must not write two different secrets.
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as handle:
                    handle.write(make() + "\n")
        return path.read_text().strip()
