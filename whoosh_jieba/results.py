"""Search results: one Whoosh pass per result set, shared by its count and its slices."""

from __future__ import annotations

from collections import OrderedDict

from modelsearch.backends.base import BaseSearchResults, FilterFieldError
from whoosh import collectors, sorting

from . import bulk
from .queries import Within

#: Matches kept, ranked, by the first pass over a result set: the paginator's first pages.
FIRST_FETCH = 50
#: Queries whose first ranks a searcher keeps (a few kB each).
RESULT_CACHE_SIZE = 256


def top_results(searcher, query, limit: int) -> tuple[list[tuple[float, int]], int]:
    """The ``limit`` best-scored matches of ``query`` as (score, docnum), and the exact count
    of all of them.

    Whole posting lists at a time where ``bulk`` reproduces Whoosh's scores; else one pass of
    Whoosh's collector: a heap of ``limit``, every match scored once, none sorted beyond the
    heap. The collector never swaps in a pruned matcher (``replace=0``) nor skips blocks:
    Whoosh's pruning stops at the last document that could still rank, and its count would
    stop there.
    """
    scores = bulk.evaluate(searcher, query)
    if scores is not None:
        return bulk.top(scores, limit), len(scores)
    collector = collectors.TopCollector(limit=limit, usequality=False, replace=0)
    searcher.search_with_collector(query, collector)
    results = collector.results()
    return list(results.top_n), len(results)


class WhooshSearchResults(BaseSearchResults):
    supports_facet = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shared with slices (clones): the paginator counts, then slices; one Whoosh pass
        # answers both.
        self._shared: dict = {}

    def _clone(self):
        new = super()._clone()
        new._shared = self._shared
        return new

    def _searcher(self):
        return self.backend.store.searcher()

    def _query(self):
        """The text query restricted to the filter's documents, in one matcher (see
        ``queries.Within``)."""
        compiler = self.query_compiler
        return Within(compiler.get_query(), compiler.get_filter())

    def _hits(self, stop: int | None = None):
        """(searcher, [(score or sort key, docnum), ...]) for at least the first ``stop``
        matches (all with None), in result order.

        Only the first ``max(stop, FIRST_FETCH)`` are kept and sorted (a heap); the count
        comes from the same pass (``_do_count``), so a paginator's count and first page cost
        one walk over the matches.
        """
        shared = self._shared
        fetched = shared.get("limit", 0)
        if "hits" in shared and (fetched is None or (stop is not None and stop <= fetched)):
            return shared["searcher"], shared["hits"]
        compiler = self.query_compiler
        if "searcher" not in shared:
            shared["searcher"] = self._searcher()
        searcher = shared["searcher"]
        limit = None if stop is None else max(stop, FIRST_FETCH)
        query, sort = self._query(), compiler.get_sort()
        # Like Solr's queryResultCache: the first ranks and the count of a query, kept on the
        # searcher. A searcher reads one fixed version of the index (the store opens a new
        # one when the index changes), so a kept answer is never stale.
        cache = searcher.__dict__.setdefault("_whoosh_jieba_results", OrderedDict())
        key = (repr(query), repr(sort), compiler.order_by_relevance, limit)
        cached = cache.get(key) if limit is not None else None
        if cached is None:
            if limit is not None and sort is None and compiler.order_by_relevance:
                cached = top_results(searcher, query, limit)
            else:
                results = searcher.search(
                    query, limit=limit, sortedby=sort, scored=compiler.order_by_relevance
                )
                count = len(results) if limit is None or results.has_exact_length() else None
                cached = (list(results.top_n), count)
            if limit is not None:
                cache[key] = cached
                while len(cache) > RESULT_CACHE_SIZE:
                    cache.popitem(last=False)
        else:
            cache.move_to_end(key)
        shared["hits"] = cached[0]
        shared["limit"] = limit
        if "count" not in shared and cached[1] is not None:
            shared["count"] = cached[1]
        return searcher, shared["hits"]

    def _do_search(self):
        compiler = self.query_compiler
        if self.stop is not None and self.stop <= self.start:
            return []
        searcher, top = self._hits(self.stop)
        window = top[self.start : self.stop]
        if not window:
            return []
        hits = [(searcher.stored_fields(docnum)["ix_pk"], score) for score, docnum in window]
        pk_field = compiler.queryset.model._meta.pk
        pks = [pk_field.to_python(pk) for pk, _score in hits]
        scores = {str(pk): score for pk, score in hits}
        queryset = compiler.queryset
        if queryset.query.is_sliced:
            queryset = queryset.model._default_manager.filter(pk__in=queryset.values("pk"))
        queryset = queryset.order_by().filter(pk__in=pks)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        objects = {str(obj.pk): obj for obj in queryset}
        ordered = []
        for pk, _score in hits:
            obj = objects.get(str(pk))
            if obj is not None:
                if self._score_field:
                    setattr(obj, self._score_field, scores.get(str(pk)))
                ordered.append(obj)
        return ordered

    def _do_count(self):
        shared = self._shared
        if "count" not in shared:
            # Counted with the first page's pass (the paginator counts first, then slices).
            self._hits(FIRST_FETCH)
        if "count" not in shared:
            # Whoosh skipped blocks that could not reach the top: count without scoring.
            searcher = shared["searcher"]
            shared["count"] = sum(1 for _docnum in searcher.docs_for_query(self._query()))
        count = shared["count"] - self.start
        if self.stop is not None:
            count = min(count, self.stop - self.start)
        return max(count, 0)

    def facet(self, field_name):
        compiler = self.query_compiler
        field = compiler._get_filterable_field(field_name)
        if field is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f'index.FilterField("{field_name}") to {compiler.queryset.model.__name__}.search_fields.',
                field_name=field_name,
            )
        column, _kind = compiler.mapping.filter_column(field)
        searcher = self._searcher()
        results = searcher.search(
            self._query(),
            groupedby=sorting.FieldFacet(column, allow_overlap=True),
            limit=None,
            scored=False,
        )
        groups = results.groups(column)
        counts = sorted(((key, len(docs)) for key, docs in groups.items()), key=lambda kv: -kv[1])
        return OrderedDict(counts)
