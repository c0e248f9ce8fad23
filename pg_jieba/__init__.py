"""A Wagtail search backend on PostgreSQL full-text search for Chinese text, usable by any
Wagtail site: the index every web server shares.

``pg_jieba.backend`` is Wagtail's own PostgreSQL backend (``IndexEntry`` rows with tsvectors)
fed with the tokens of ``whoosh_jieba.analyzer`` instead of PostgreSQL's parser: jieba words
plus CJK character bigrams, so a query finds what the embedded Whoosh backend finds (职称 in
职称评审, 鲁木齐 inside 乌鲁木齐). ``pg_jieba.tsearch`` builds the tsvector and tsquery texts.
"""
