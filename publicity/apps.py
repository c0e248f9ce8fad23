from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = "评审结果公示"

    def ready(self) -> None:
        import pagecache

        # Entries edited in a live page show at once (a roster import, a bulk_create, purges
        # itself); the working-day calendar changes every running publicity's end date.
        pagecache.register_model(self.get_model("PublicityEntry"))
        pagecache.register_model(self.get_model("CalendarDay"), everything=True)

        from wagtail.signals import page_published, page_unpublished

        publicity_page = self.get_model("PublicityPage")
        page_published.connect(
            _purge_notice, sender=publicity_page, dispatch_uid="publicity:purge-notice:published"
        )
        page_unpublished.connect(
            _purge_notice, sender=publicity_page, dispatch_uid="publicity:purge-notice:unpublished"
        )


def _purge_notice(sender, instance, **kwargs) -> None:
    """A notice lists the publicities of its round: one published or ended changes it."""
    import pagecache

    if instance.notice_id:
        pagecache.purge_page(instance.notice)
