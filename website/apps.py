from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    name = "website"
    verbose_name = "站点"

    def ready(self) -> None:
        # Purge the page cache (and a frontend cache) on content changes.
        from website import signal_handlers

        signal_handlers.connect()
