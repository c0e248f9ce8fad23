"""A Wagtail search backend on Whoosh and jieba for Chinese text, usable by any Wagtail site.

``whoosh_jieba.backend`` is the backend; adding ``"whoosh_jieba"`` to ``INSTALLED_APPS`` also
re-indexes the descendants of a moved page (see ``signals``).
"""
