from django.apps import AppConfig


class WhooshJiebaConfig(AppConfig):
    name = "whoosh_jieba"
    verbose_name = "Whoosh + jieba 搜索后端"

    def ready(self):
        from wagtail.signals import post_page_move

        from .signals import reindex_moved_descendants

        post_page_move.connect(reindex_moved_descendants, dispatch_uid="whoosh_jieba_page_move")
