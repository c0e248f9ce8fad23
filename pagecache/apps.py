from django.apps import AppConfig


class PagecacheConfig(AppConfig):
    name = "pagecache"
    verbose_name = "页面缓存"

    def ready(self) -> None:
        # Page events for every page model; the apps register their own models' rules.
        from . import signal_handlers

        signal_handlers.connect()
