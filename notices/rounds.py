"""A review round seen from its notice: the publicities and documents that followed it.

The notices app sits below publicity and approvals and imports neither. They tell a notice
what followed it through the ``register_notice_round_items`` hook: a function taking the
notice and returning ``RoundItem``s (its publicities, the approval documents they led to).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wagtail import hooks

from .timeline import CURRENT, UPCOMING

HOOK_NAME = "register_notice_round_items"
#: A round whose dated phases all ended this long ago is over even without a published outcome
#: on this site (its documents may have been issued elsewhere, on paper).
ROUND_GRACE = dt.timedelta(days=365)


@dataclass(frozen=True)
class RoundItem:
    """Something that followed a notice: a publicity, an approval document."""

    kind: str  # 公示, 审批文件
    title: str
    url: str
    date_text: str = ""
    status: str = ""  # 进行中, 已结束 …
    #: Whether this item closes the round (an issued approval document does).
    final: bool = False
    sort_key: str = ""


def round_items(notice) -> list[RoundItem]:
    """Every registered app's items for this notice, publicities first, then documents."""
    items: list[RoundItem] = []
    for hook in hooks.get_hooks(HOOK_NAME):
        items.extend(hook(notice))
    return items


def round_over(
    states: list[str], last_date: dt.date | None, today: dt.date, has_outcome: bool
) -> bool:
    """Whether the round a notice opened is over on `today`.

    Over when nothing is open or still to come by date, and either its outcome (an approval
    document) is published, or its last dated phase ended more than ROUND_GRACE ago. A phase
    left 另行通知 does not keep a round open forever: two years later it was never announced.
    """
    if any(state in (CURRENT, UPCOMING) for state in states):
        return False
    if has_outcome:
        return True
    return last_date is not None and today - last_date > ROUND_GRACE
