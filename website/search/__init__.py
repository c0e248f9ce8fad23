"""Site search: a Whoosh + jieba backend for Wagtail's search API, and the /search/ page."""
