"""Search results: one Whoosh pass per result set, shared by its count and its slices."""

from __future__ import annotations

from collections import OrderedDict

from modelsearch.backends.base import BaseSearchResults, FilterFieldError
from whoosh import sorting
from whoosh.idsets import BitSet


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

    @staticmethod
    def _filter_docs(searcher, filter_query):
        """The documents passing the filter, cached on the searcher: a searcher sees a fixed
        version of the index, and most searches share their filters (content type, live)."""
        cache = searcher.__dict__.setdefault("_whoosh_jieba_filter_cache", {})
        key = repr(filter_query)
        docs = cache.get(key)
        if docs is None:
            if len(cache) > 64:
                cache.clear()
            docs = cache[key] = BitSet(
                searcher.docs_for_query(filter_query), size=searcher.doc_count_all()
            )
        return docs

    def _hits(self):
        """(searcher, [(score or sort key, docnum), ...]) for every match, in result order."""
        if "hits" not in self._shared:
            compiler = self.query_compiler
            searcher = self._searcher()
            allowed = self._filter_docs(searcher, compiler.get_filter())
            if not allowed:
                # Whoosh reads an empty allow-set as "no filter" and would return every match.
                self._shared["hits"] = (searcher, [])
                return self._shared["hits"]
            results = searcher.search(
                compiler.get_query(),
                filter=allowed,
                limit=None,
                sortedby=compiler.get_sort(),
                scored=compiler.order_by_relevance,
            )
            self._shared["hits"] = (searcher, list(results.top_n))
        return self._shared["hits"]

    def _do_search(self):
        compiler = self.query_compiler
        if self.stop is not None and self.stop <= self.start:
            return []
        searcher, top = self._hits()
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
        _searcher, top = self._hits()
        count = len(top) - self.start
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
        allowed = self._filter_docs(searcher, compiler.get_filter())
        if not allowed:
            return OrderedDict()
        results = searcher.search(
            compiler.get_query(),
            filter=allowed,
            groupedby=sorting.FieldFacet(column, allow_overlap=True),
            limit=None,
            scored=False,
        )
        groups = results.groups(column)
        counts = sorted(((key, len(docs)) for key, docs in groups.items()), key=lambda kv: -kv[1])
        return OrderedDict(counts)
