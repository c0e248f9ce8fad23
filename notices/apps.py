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
