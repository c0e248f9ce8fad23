"""Wagtail's PostgreSQL search backend with jieba tokens (see ``pg_jieba.tsearch``).

Settings::

    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "pg_jieba.backend"}}

Only the text side changes: vectors are built in Python and cast (``::tsvector``), queries are
compiled to tsquery text and cast (``::tsquery``) and matched against the body vector alone,
which holds every field (its GIN index answers the match). Indexing, filters, ordering, facets,
``update_index`` (atomic rebuild in one transaction) and the signal handlers are Wagtail's.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db.models import F, FloatField, TextField, Value
from django.db.models.functions import Cast
from django.db.models.sql.subqueries import InsertQuery
from django.utils.functional import cached_property
from modelsearch.backends.database.postgres.postgres import (
    IndexEntry,
    ObjectIndexer,
    PostgresAutocompleteQueryCompiler,
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)
from modelsearch.index import SearchField
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText
from modelsearch.utils import get_content_type_pk

from . import tsearch


class RawTsQuery(SearchQuery):
    """A tsquery given as text, cast without PostgreSQL's parser."""

    def __init__(self, text: str):
        self.text = text
        super().__init__(Value(text))

    def as_sql(self, compiler, connection, **extra_context):
        return "%s::tsquery", [self.text]


def _vector(literal: str):
    return Cast(Value(literal, output_field=TextField()), output_field=SearchVectorField())


class JiebaObjectIndexer(ObjectIndexer):
    def as_vector(self, texts, for_autocomplete=False):
        return _vector(tsearch.vector_text(texts, words=not for_autocomplete))

    @cached_property
    def body(self):
        # Every searchable field, the title too: a query matches on this one column, which
        # its GIN index serves (Wagtail matches `title || body`, which no index serves). The
        # title vector stays for ranking.
        texts = [
            (value, weight)
            for field in self.search_fields
            for current, weight, value in self.prepare_field(self.obj, field)
            if isinstance(current, SearchField)
        ]
        return self.as_vector(texts)


class JiebaPostgresIndex(PostgresIndex):
    def add_items(self, model, objs):
        # Wagtail's PostgresIndex.add_items with JiebaObjectIndexer in place of its
        # module-level ObjectIndexer (which it names directly).
        if not model.get_search_fields():
            return
        indexers = [JiebaObjectIndexer(obj, self.backend) for obj in objs]
        if not indexers:
            return
        content_type_pk = get_content_type_pk(model)
        compiler = InsertQuery(IndexEntry).get_compiler(connection=self.write_connection)
        rows = []
        params = []
        for indexer in indexers:
            params.extend((content_type_pk, indexer.id))
            vectors = []
            for name in ("title", "autocomplete", "body"):
                value = compiler.prepare_value(
                    IndexEntry._meta.get_field(name), getattr(indexer, name)
                )
                sql, value_params = value.as_sql(compiler, self.write_connection)
                vectors.append(sql)
                params.extend(value_params)
            params.extend((indexer.title_text, indexer.body_text))
            rows.append(f"(%s, %s, {vectors[0]}, {vectors[1]}, {vectors[2]}, 1.0, %s, %s)")
        with self.write_connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {IndexEntry._meta.db_table} (content_type_id, object_id, title,
                    autocomplete, body, title_norm, title_text, body_text)
                (VALUES {", ".join(rows)})
                ON CONFLICT (content_type_id, object_id)
                DO UPDATE SET title = EXCLUDED.title,
                              title_norm = 1.0,
                              autocomplete = EXCLUDED.autocomplete,
                              body = EXCLUDED.body,
                              title_text = EXCLUDED.title_text,
                              body_text = EXCLUDED.body_text
                """,
                params,
            )
        self._refresh_title_norms()


class JiebaSearchQueryCompiler(PostgresSearchQueryCompiler):
    # As the embedded Whoosh backend: a query without an operator finds any of its words.
    DEFAULT_OPERATOR = "or"

    def compile_text(self, query) -> tsearch.Compiled:
        if isinstance(query, MatchAll):
            return tsearch.EVERYTHING
        if isinstance(query, PlainText | Fuzzy):
            # jieba words have no spelling variants worth a fuzzy match; the character
            # fallback already finds partial words.
            return tsearch.plain_query(query.query_string, query.operator)
        if isinstance(query, Phrase):
            return tsearch.substring_query(query.query_string)
        if isinstance(query, Boost):
            return self.compile_text(query.subquery)
        if isinstance(query, And | Or):
            operator = "and" if isinstance(query, And) else "or"
            return tsearch.combine([self.compile_text(q) for q in query.subqueries], operator)
        if isinstance(query, Not):
            return tsearch.negate(self.compile_text(query.subquery))
        raise NotImplementedError(
            f"`{query.__class__.__name__}` is not supported by the pg_jieba search backend."
        )

    def build_tsquery(self, query, config=None):
        compiled = self.compile_text(query)
        # Constants never reach SQL as a tsquery (search() answers them first), except inside
        # a rank, where an empty tsquery ranks 0.
        return RawTsQuery(compiled if isinstance(compiled, str) else "")

    def build_tsrank(self, vector, query, config=None, boost=1.0):
        rank = SearchRank(vector, self.build_tsquery(query), weights=self.sql_weights)
        return rank * boost if boost != 1.0 else rank

    def get_fields_vectors(self, search_query):
        # The index holds one title and one body vector per object, not one per field (the
        # segmentation happens in Python): `fields=["title"]` searches the title, any other
        # choice the whole object.
        if set(self.search_fields) == {"title"}:
            return [(F("index_entries__title"), F("index_entries__title_norm"))]
        return self.get_index_vectors(search_query)

    def match_vector(self, vectors):
        """The one vector a query is matched against: the body, which holds every field."""
        return vectors[-1][0]

    def search(self, config, start, stop, score_field=None, backend=None):
        compiled = self.compile_text(self.query)
        if compiled is tsearch.NOTHING:
            return self.queryset.none()
        if compiled is tsearch.EVERYTHING:
            queryset = self.queryset
            if score_field is not None:
                queryset = queryset.annotate(**{score_field: Value(0.0, FloatField())})
            return queryset[start:stop]
        search_query = RawTsQuery(compiled)
        vectors = self.get_search_vectors(search_query)
        rank = self._build_rank_expression(vectors, config)
        queryset = self.queryset.annotate(_vector_=self.match_vector(vectors)).filter(
            _vector_=search_query
        )
        return self._apply_ordering_and_scoring(queryset, rank, start, stop, score_field)


class JiebaAutocompleteQueryCompiler(JiebaSearchQueryCompiler, PostgresAutocompleteQueryCompiler):
    def compile_text(self, query) -> tsearch.Compiled:
        if isinstance(query, MatchAll):
            return tsearch.EVERYTHING
        if not isinstance(query, PlainText):
            raise NotImplementedError(
                f"`{query.__class__.__name__}` is not supported for autocomplete queries."
            )
        return tsearch.autocomplete_query(query.query_string, query.operator)

    def get_fields_vectors(self, search_query):
        return self.get_index_vectors(search_query)


class JiebaPostgresSearchBackend(PostgresSearchBackend):
    query_compiler_class = JiebaSearchQueryCompiler
    autocomplete_query_compiler_class = JiebaAutocompleteQueryCompiler
    index_class = JiebaPostgresIndex


SearchBackend = JiebaPostgresSearchBackend
