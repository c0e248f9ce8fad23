"""Compiles modelsearch query objects and queryset filters into Whoosh queries."""

from __future__ import annotations

import re

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Subquery
from django.db.models.sql import Query
from django.db.models.sql.constants import MULTI, SINGLE
from modelsearch.backends.base import BaseSearchQueryCompiler
from modelsearch.index import get_indexed_models
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText
from whoosh import query as wq
from whoosh import sorting

from .analyzer import char_tokens, covered_by_words, is_all_cjk, query_char_groups, query_words
from .mapping import ALL_FIELD, WhooshMapping, clean_filter_value
from .queries import KnownPhrase

PUNCTUATION = re.compile(r"[^\w]+")


def _negate(query):
    """Every document not matching ``query`` (Whoosh's own Not of nothing matches nothing)."""
    if query is wq.NullQuery:
        return wq.Every()
    return wq.AndNot(wq.Every(), query)


class WhooshSearchQueryCompiler(BaseSearchQueryCompiler):
    """Compiles modelsearch query objects and queryset filters into Whoosh queries."""

    DEFAULT_OPERATOR = "or"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mapping = WhooshMapping(self.queryset.model)

    # Text ---------------------------------------------------------------------------------

    def get_text_columns(self) -> list[tuple[str, float]]:
        """(field base name, boost) pairs the text query runs over."""
        if self.fields:
            searchable = {
                f.field_name: f for f in self.queryset.model.get_searchable_search_fields()
            }
            return [
                (
                    self.mapping.get_field_column_name(searchable[name]),
                    float(searchable[name].boost or 1),
                )
                for name in self.fields
                if name in searchable
            ]
        columns = [(ALL_FIELD, 1.0)]
        boosts = set()
        for model in get_indexed_models():
            if issubclass(model, self.queryset.model):
                for field in model.get_searchable_search_fields():
                    if field.boost and float(field.boost) != 1.0:
                        boosts.add(float(field.boost))
        columns.extend((WhooshMapping.boost_field_name(boost), boost) for boost in sorted(boosts))
        return columns

    @staticmethod
    def _chars_query(column: str, text: str, boost: float):
        """``text`` as a substring of the bigram field (see analyzer.char_tokens)."""
        field = f"{column}__c"
        parts = []
        for kind, tokens in query_char_groups(text):
            if kind == "prefix":
                parts.append(wq.Prefix(field, tokens[0], boost=boost))
            elif len(tokens) == 1:
                parts.append(wq.Term(field, tokens[0], boost=boost))
            else:
                parts.append(wq.Phrase(field, tokens, boost=boost))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)

    def _word_query(self, word: str, columns, boost: float):
        """One query word: the jieba word itself, or its characters as a phrase (a substring)."""
        parts = [
            wq.Term(f"{column}__t", word, boost=boost * column_boost)
            for column, column_boost in columns
        ]
        # The substring fallback once, on the first column (the catch-all, or the only field).
        chars = None
        if columns and not covered_by_words(word):
            chars = self._chars_query(columns[0][0], word, boost * 0.5)
            if isinstance(chars, wq.Phrase) and is_all_cjk(word):
                # A document whose word field holds the word has the substring too (jieba
                # cut it from the same text): no need to read its positions.
                chars = KnownPhrase(
                    chars.fieldname,
                    chars.words,
                    known=(f"{columns[0][0]}__t", word),
                    boost=chars.boost,
                )
        if chars is not None:
            parts.append(chars)
        return wq.Or(parts) if len(parts) > 1 else parts[0]

    def _plaintext(self, query_string: str, operator: str, columns, boost: float):
        words = query_words(query_string)
        if not words:
            return wq.NullQuery
        parts = [self._word_query(word, columns, boost) for word in words]
        if len(parts) == 1:
            return parts[0]
        return wq.And(parts) if operator == "and" else wq.Or(parts)

    def _phrase(self, query_string: str, columns, boost: float):
        parts = [self._chars_query(column, query_string, boost * b) for column, b in columns]
        parts = [part for part in parts if part is not None]
        return wq.Or(parts) if parts else wq.NullQuery

    def compile_query(self, query, columns, boost: float = 1.0):
        if isinstance(query, MatchAll):
            return wq.Every()
        if isinstance(query, PlainText):
            return self._plaintext(query.query_string, query.operator, columns, boost * query.boost)
        if isinstance(query, Fuzzy):
            # jieba words have no spelling variants worth a fuzzy match; the char fallback
            # already finds partial words.
            return self._plaintext(query.query_string, query.operator, columns, boost)
        if isinstance(query, Phrase):
            return self._phrase(query.query_string, columns, boost)
        if isinstance(query, Boost):
            return self.compile_query(query.subquery, columns, boost * query.boost)
        if isinstance(query, And):
            return wq.And([self.compile_query(q, columns, boost) for q in query.subqueries])
        if isinstance(query, Or):
            return wq.Or([self.compile_query(q, columns, boost) for q in query.subqueries])
        if isinstance(query, Not):
            return _negate(self.compile_query(query.subquery, columns, boost))
        raise NotImplementedError(
            f"`{query.__class__.__name__}` is not supported by the Whoosh search backend."
        )

    def get_query(self):
        return self.compile_query(self.query, self.get_text_columns())

    # Filters --------------------------------------------------------------------------------

    def _column_for_path(self, field_path) -> tuple[str, str]:
        mapping = self.mapping
        prefix = ""
        for field in field_path[:-1]:
            prefix += mapping.get_field_column_name(field) + "__"
            mapping = WhooshMapping(field.get_field(mapping.model).related_model)
        column, kind = mapping.filter_column(field_path[-1])
        return prefix + column, kind

    def _resolve(self, value, result_type):
        if isinstance(value, Query | Subquery):
            db_alias = self.queryset._db or DEFAULT_DB_ALIAS
            query = value.query if isinstance(value, Subquery) else value
            result = query.get_compiler(db_alias).execute_sql(result_type=result_type)
            if result_type == SINGLE:
                return result[0] if result else None
            return [row[0] for chunk in result for row in chunk]
        return value

    def _process_lookup(self, field_path, lookup, value):
        column, kind = self._column_for_path(field_path)

        def term(v):
            v = clean_filter_value(kind, v)
            if v is None:
                return wq.Term("ix_null", column)
            return wq.Term(column, v)

        if lookup == "exact":
            return term(self._resolve(value, SINGLE))
        if lookup == "isnull":
            null = wq.Term("ix_null", column)
            return null if value else _negate(null)
        if lookup in ("startswith", "prefix") and kind == "fs":
            return wq.Prefix(column, str(value))
        if lookup in ("gt", "gte", "lt", "lte", "range"):
            if lookup == "range":
                start, end = value
                start_excl = end_excl = False
            else:
                start = value if lookup in ("gt", "gte") else None
                end = value if lookup in ("lt", "lte") else None
                start_excl, end_excl = lookup == "gt", lookup == "lt"
            start = clean_filter_value(kind, start)
            end = clean_filter_value(kind, end)
            if kind == "fd":
                return wq.DateRange(column, start, end, startexcl=start_excl, endexcl=end_excl)
            if kind in ("fi", "ff"):
                return wq.NumericRange(column, start, end, startexcl=start_excl, endexcl=end_excl)
            return wq.TermRange(column, start, end, startexcl=start_excl, endexcl=end_excl)
        if lookup == "in":
            values = self._resolve(value, MULTI)
            terms = [term(v) for v in values]
            return wq.Or(terms) if terms else wq.NullQuery
        return None

    def _process_match_none(self):
        return wq.NullQuery

    def _connect_filters(self, filters, connector, negated):
        filters = [f for f in filters if f is not None]
        if not filters:
            return None
        combined = (
            filters[0] if len(filters) == 1 else (wq.And if connector == "AND" else wq.Or)(filters)
        )
        if negated:
            return _negate(combined)
        return combined

    def get_filter(self):
        """Content type plus the queryset's filters, as one Whoosh query (not scored)."""
        parts = [wq.Term("ix_ct", self.mapping.get_content_type())]
        queryset_filter = self._get_filters_from_queryset()
        if queryset_filter is not None:
            parts.append(queryset_filter)
        return wq.And(parts) if len(parts) > 1 else parts[0]

    def get_sort(self):
        if self.order_by_relevance or not self.queryset.ordered:
            return None
        facets = []
        for reverse, field in self._get_order_by():
            column, _kind = self.mapping.filter_column(field)
            facets.append(sorting.FieldFacet(column, reverse=reverse))
        if not facets:
            return None
        return facets[0] if len(facets) == 1 else sorting.MultiFacet(facets)

    def __repr__(self):
        return f"<WhooshQuery {self.get_query()!r} filter={self.get_filter()!r}>"


class WhooshAutocompleteQueryCompiler(WhooshSearchQueryCompiler):
    """Partial-word matching: the query's characters as a phrase (a substring of the field),
    the last Latin or digit run as a prefix (autocomplete "pd" finds PDF)."""

    def get_text_columns(self):
        if self.fields:
            autocomplete = {
                f.field_name: f for f in self.queryset.model.get_autocomplete_search_fields()
            }
            return [
                (self.mapping.get_field_column_name(autocomplete[name]), 1.0)
                for name in self.fields
                if name in autocomplete
            ]
        # Every autocomplete field has its own bigram column (shared with a SearchField of
        # the same name), so no separate catch-all is indexed.
        # Each field named as its own model's mapping names it: a page type's field carries
        # that type's prefix (notices_noticepage__document_number), also in a Page query.
        columns = {
            WhooshMapping(model).get_field_column_name(field)
            for model in get_indexed_models()
            if issubclass(model, self.queryset.model)
            for field in model.get_autocomplete_search_fields()
        }
        return [(column, 1.0) for column in sorted(columns)]

    def _part(self, piece: str, column: str, last: bool):
        query = self._chars_query(column, piece, 1.0)
        tokens = char_tokens(piece)
        if last and tokens and tokens[-1].isascii():
            # The word being typed: a prefix ("pd" finds PDF).
            head = piece[: piece.lower().rfind(tokens[-1])]
            head_query = self._chars_query(column, head, 1.0) if head.strip() else None
            tail = wq.Prefix(f"{column}__c", tokens[-1])
            query = wq.And([head_query, tail]) if head_query is not None else tail
        return query

    def compile_query(self, query, columns, boost: float = 1.0):
        if isinstance(query, MatchAll):
            return wq.Every()
        if not isinstance(query, PlainText):
            raise NotImplementedError(
                f"`{query.__class__.__name__}` is not supported for autocomplete queries."
            )
        pieces = [piece for piece in query.query_string.split() if char_tokens(piece)]
        if not pieces or not columns:
            return wq.NullQuery
        per_piece = []
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            # Punctuation inside a piece (the brackets of 新经开人社〔2024〕7号) is not indexed
            # between the characters: the parts around it must all match, each as typed.
            parts = [part for part in PUNCTUATION.split(piece) if char_tokens(part)]
            queries = [
                wq.Or(
                    [
                        self._part(part, column, last and n == len(parts) - 1)
                        for column, _ in columns
                    ]
                )
                for n, part in enumerate(parts)
            ]
            per_piece.append(queries[0] if len(queries) == 1 else wq.And(queries))
        if len(per_piece) == 1:
            return per_piece[0]
        return wq.And(per_piece) if query.operator == "and" else wq.Or(per_piece)
