"""What a publicity led to: the approval documents issued from it.

The publicity app sits below approvals and does not import it. Approvals tells a publicity
what it led to through the ``register_publicity_outcome`` hook: a function taking the
publicity page and returning ``RoundItem``s (the documents issued from it).
"""

from __future__ import annotations

from wagtail import hooks

from notices.rounds import RoundItem

HOOK_NAME = "register_publicity_outcome"


def publicity_outcome(publicity) -> list[RoundItem]:
    items: list[RoundItem] = []
    for hook in hooks.get_hooks(HOOK_NAME):
        items.extend(hook(publicity))
    return items
