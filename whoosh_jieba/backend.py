"""A Wagtail search backend on Whoosh with jieba, so Chinese text is searchable word by word.

Select it with::

    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "whoosh_jieba.backend",
            "INDEX_PATH": BASE_DIR / "var" / "search",  # required
            "LOCK_TIMEOUT": 60,  # seconds a writer waits for another one
            "REBUILD_PROCESSES": 1,  # update_index's writer processes (see below)
        }
    }
    WHOOSH_JIEBA_WORDS = ["职称评审", ...]  # optional: words jieba's dictionary lacks

and add ``"whoosh_jieba"`` to ``INSTALLED_APPS`` (it keeps moved pages' descendants indexed).

``REBUILD_PROCESSES: 2`` shares a rebuild of 2,000 objects or more between two forked writer
processes, each writing a segment (``writer.SegmentWorkers``): the same documents, numbers,
terms and postings, about half the wall time on two idle cores. The new index then has two
segments, as the live index has after any edit, and Whoosh expands a prefix query (a lone
CJK character of a query) segment by segment, scoring a segment where it expands to a single
term as that term: such a query can score differently than on one segment. With the default
(1) the rebuild gives the one segment, and the scores, of before.

The classes follow the contracts of ``modelsearch.backends.base``; the package knows nothing of
the site using it. Modules: ``analyzer`` (jieba words and CJK bigrams), ``mapping`` (model
instance → Whoosh document), ``store`` (index directories, write lock, rebuild swap),
``index`` (writes), ``compiler`` (queries and filters), ``results``, ``scoring`` (BM25F).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from modelsearch.backends.base import BaseSearchBackend

from .compiler import WhooshAutocompleteQueryCompiler, WhooshSearchQueryCompiler
from .index import WhooshIndex, WhooshIndexRebuilder
from .results import WhooshSearchResults
from .scoring import spread_field_lengths
from .store import get_store

__all__ = [
    "SearchBackend",
    "WhooshAutocompleteQueryCompiler",
    "WhooshIndex",
    "WhooshIndexRebuilder",
    "WhooshSearchBackend",
    "WhooshSearchQueryCompiler",
    "WhooshSearchResults",
]


class WhooshSearchBackend(BaseSearchBackend):
    query_compiler_class = WhooshSearchQueryCompiler
    autocomplete_query_compiler_class = WhooshAutocompleteQueryCompiler
    results_class = WhooshSearchResults
    index_class = WhooshIndex
    rebuilder_class = WhooshIndexRebuilder

    def __init__(self, params):
        super().__init__(params)
        path = params.get("INDEX_PATH")
        if not path:
            raise ImproperlyConfigured(
                "whoosh_jieba.backend needs INDEX_PATH (the index directory) in its "
                "WAGTAILSEARCH_BACKENDS entry."
            )
        self.store = get_store(path, float(params.get("LOCK_TIMEOUT", 60)))
        self.rebuild_processes = max(1, int(params.get("REBUILD_PROCESSES", 1)))

    def complete_warm_up(self) -> None:
        """After warm-up queries: what they read on some segments, read on all of them."""
        spread_field_lengths(self.store.searcher())


SearchBackend = WhooshSearchBackend
