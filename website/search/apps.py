from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "website.search"
    label = "website_search"
    verbose_name = "站内搜索"

    def ready(self):
        from wagtail.signals import post_page_move

        from .signals import reindex_moved_descendants

        post_page_move.connect(reindex_moved_descendants, dispatch_uid="website_search_page_move")
