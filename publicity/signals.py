"""Signal handlers of the publicity app (connected in PublicityConfig.ready)."""

from __future__ import annotations


def on_page_published(sender, instance, **kwargs) -> None:
    from .integrity import record_published
    from .models import PublicityPage

    # Wagtail sends page_published for a revision merely scheduled, too: only a live page counts.
    if isinstance(instance, PublicityPage) and instance.live:
        record_published(instance)


def on_page_unpublished(sender, instance, **kwargs) -> None:
    from .integrity import record_unpublished
    from .models import PublicityPage

    if isinstance(instance, PublicityPage):
        record_unpublished(instance)
