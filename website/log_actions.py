"""Audit-log actions declared as a table: one row (action, label, message) per action.

``message`` is the fixed text, or a function of the log entry's ``data`` for a text that names
what was done (文号, 理由, 密钥); every app's ``register_log_actions`` hook loops over its rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from wagtail.log_actions import LogFormatter

Message = str | Callable[[Mapping[str, Any]], str]


def register_log_actions(actions, rows: Iterable[tuple[str, str, Message]]) -> None:
    """Register each ``(action, label, message)`` row with Wagtail's log-action registry."""
    for action, label, message in rows:
        if isinstance(message, str):
            actions.register_action(action, label, message)
        else:
            actions.register_action(action)(_formatter(label, message))


def _formatter(label: str, message: Callable[[Mapping[str, Any]], str]) -> type[LogFormatter]:
    class DataFormatter(LogFormatter):
        def format_message(self, log_entry):
            return message(log_entry.data)

    DataFormatter.label = label
    return DataFormatter
