"""The private storage: personal data (certificates, photos, objection attachments).

Files there are never served directly; the apps hand them out only after their own checks
(a holder's download check, an editor's permission). Settings name it ``STORAGES["private"]``.
"""

from __future__ import annotations

from django.core.files.storage import Storage, storages


def private_storage() -> Storage:
    """The private storage; a callable so that tests and deployments can swap the setting."""
    return storages["private"]
