"""Log lines stamped in Beijing time, whatever the server's zone (logs are read next to the
admin's times, which are Beijing time)."""

from __future__ import annotations

import datetime
import logging
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class BeijingFormatter(logging.Formatter):
    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        stamp = datetime.datetime.fromtimestamp(record.created, SHANGHAI)
        return stamp.strftime(datefmt or "%Y-%m-%d %H:%M:%S")
