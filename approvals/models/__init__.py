"""Models of the approvals app: signing keys here; approval documents and certificates beside."""

from .documents import *  # noqa: F403
from .keys import PlatformCA, SigningKey

__all__ = ["PlatformCA", "SigningKey"]
