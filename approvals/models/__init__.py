"""Models of the approvals app, by concept: documents, certificates, keys and the index page."""

from approvals.models import certificates, documents, pages, revocations
from approvals.models.certificates import *  # noqa: F403
from approvals.models.documents import *  # noqa: F403
from approvals.models.keys import PlatformCA, SigningKey, TimeStampKey
from approvals.models.revocations import *  # noqa: F403

__all__ = [
    *certificates.__all__,
    *documents.__all__,
    *pages.__all__,
    *revocations.__all__,
    "PlatformCA",
    "SigningKey",
    "TimeStampKey",
]
from approvals.models.pages import *  # noqa: F403
