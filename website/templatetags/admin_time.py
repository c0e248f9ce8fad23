"""Beijing time in admin detail views.

Wagtail's inspect template prints ``{{ field.value|localize }}``; ``localize`` formats an aware
datetime as stored (UTC) without converting it to the current time zone, so a revocation at
02:44 Beijing time read 「18:44」 the day before. ``beijing`` converts first.
"""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def beijing(value):
    """An aware datetime in the current time zone (Asia/Shanghai in the admin); others as is."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value
