from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "通知公告"

    def ready(self) -> None:
        import pagecache

        # Phases and attachments are page children saved with the page revision, so publishing
        # purges them; these rules cover rows edited outside a revision (their notice is purged).
        # Pages listing a template are found by pagecache in Wagtail's ReferenceIndex.
        pagecache.register_model(self.get_model("NoticePhase"))
        pagecache.register_model(self.get_model("NoticeAttachment"))

        from wagtail.signals import page_published

        page_published.connect(
            _announce_notice, sender=self.get_model("NoticePage"), dispatch_uid="notices:announce"
        )


def _announce_notice(sender, instance, **kwargs) -> None:
    """Subscribers hear of a published notice once (subscriptions keep what was sent)."""
    from subscriptions.service import announce_page

    announce_page(
        "notice",
        instance,
        series_ids=list(instance.series.values_list("pk", flat=True)),
        all_series=instance.all_series,
        summary=instance.summary[:300],
    )
