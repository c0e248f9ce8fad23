"""Embedded default: SQLite, local files, one command runs everything."""

import os

from .base import *  # noqa: F403
from .base import env_list

DEBUG = os.environ.get("DEBUG", "1") == "1"
# Development only; production refuses to start without its own SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-not-for-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
