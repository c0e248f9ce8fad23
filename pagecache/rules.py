"""What to purge when a non-page model changes: rules each app registers for its own models.

Page events (publish, unpublish, move, delete, slug change) are handled generically by
`pagecache.signal_handlers`. Rows that are not pages (an authority's name, a publicity's entries,
an issued approval document) show on pages too; the app that owns the model says which, in its
own ``AppConfig.ready`` (the pattern of the ONS dis-wagtail site)::

    pagecache.register_model(self.get_model("PublicityEntry"))

so this package never names an app of the site, and a new app brings its own rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save

from .cache import CONTENT_GROUP, _schedule, purge_all


class ModelRule:
    """What to purge when a model instance is saved or deleted."""

    def __init__(
        self,
        label: str,
        *,
        page_types: Iterable[str] = (),
        groups: Iterable[str] = (CONTENT_GROUP,),
        everything: bool = False,
        urls: Callable[[Any], Iterable[str]] | None = None,
    ):
        self.label = label
        self.page_types = tuple(page_types)
        self.groups = tuple(groups)
        self.everything = everything
        self.urls = urls

    def apply(self, instance: Any) -> None:
        if self.everything:
            purge_all()
            return
        from wagtail.models import Page

        page_ids = []
        for field in instance._meta.concrete_fields:
            related = getattr(field, "related_model", None)
            if field.is_relation and related is not None and issubclass(related, Page):
                value = getattr(instance, field.attname, None)
                if value is not None:
                    page_ids.append(value)
        if isinstance(instance, Page):
            page_ids.append(instance.pk)
        extra = list(self.urls(instance)) if self.urls else []
        _schedule(paths=extra, groups=self.groups, page_ids=page_ids, page_types=self.page_types)


_model_rules: dict[str, ModelRule] = {}


def register_model(
    model: type[models.Model],
    *,
    page_types: Iterable[type[models.Model]] = (),
    groups: Iterable[str] = (CONTENT_GROUP,),
    everything: bool = False,
    urls: Callable[[Any], Iterable[str]] | None = None,
) -> None:
    """Purge pages when instances of ``model`` are saved or deleted (call from ``ready``).

    Purged: the pages its foreign keys point at (with their ancestors), every live page of the
    ``page_types`` (e.g. the approvals index), the ``groups``, and ``urls(instance)``; or, with
    ``everything``, the whole cache (a snippet shown site-wide). Registering again replaces the
    rule; the signals stay connected once.
    """
    label = model._meta.label
    _model_rules[label] = ModelRule(
        label,
        page_types=[page_type._meta.label for page_type in page_types],
        groups=groups,
        everything=everything,
        urls=urls,
    )
    uid = f"pagecache:{label}"
    post_save.connect(_model_changed, sender=model, dispatch_uid=uid + ":save")
    post_delete.connect(_model_changed, sender=model, dispatch_uid=uid + ":delete")


def registered_rules() -> dict[str, ModelRule]:
    """The registered rules by model label ("app.Model"), for checks and tests."""
    return dict(_model_rules)


def _model_changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # fixture loading
    rule = _model_rules.get(sender._meta.label)
    if rule is not None:
        rule.apply(instance)
