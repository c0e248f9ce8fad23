"""Columns of the apps' admin listings (Wagtail ``list_display``)."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils.html import format_html
from wagtail.admin.ui.tables import Column


class ActionLinkColumn(Column):
    """A link reading ``text`` to the admin view ``url_name`` of each row's object (its pk as
    the argument); ``unavailable`` instead where ``available(instance)`` is false."""

    def __init__(
        self,
        name: str,
        url_name: str,
        text: str,
        *,
        available: Callable[[object], object] | None = None,
        unavailable: str = "—",
        **kwargs,
    ):
        super().__init__(name, **kwargs)
        self.url_name = url_name
        self.text = text
        self.available = available
        self.unavailable = unavailable

    def get_value(self, instance):
        if self.available is not None and not self.available(instance):
            return self.unavailable
        url = reverse(self.url_name, args=[instance.pk])
        return format_html('<a href="{}">{}</a>', url, self.text)
