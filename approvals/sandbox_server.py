"""Imported once by the forkserver of ``approvals.sandbox``: Django and pyHanko loaded up front,
so each bounded child forks ready to check a PDF. The settings module is the parent's (the
forkserver inherits its environment)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings.dev")
django.setup()

import approvals.verification  # noqa: E402, F401  (pyHanko, asn1crypto, the verdict code)
