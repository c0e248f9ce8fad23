from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    # The label it had as website.search; "search" is wagtail.search's.
    label = "website_search"
    verbose_name = "站内搜索"
