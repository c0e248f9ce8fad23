"""A Wagtail search backend on Whoosh with jieba, so Chinese text is searchable word by word.

Select it with::

    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "website.search.backend",
            "INDEX_PATH": VAR_DIR / "search",
            "LOCK_TIMEOUT": 60,  # seconds a writer waits for another one
        }
    }

The classes follow the contracts of ``modelsearch.backends.base`` (and borrow the document
layout of the Elasticsearch backend): one index holds every indexed model; each document
carries its content types, a catch-all text field, one field per boost value, one field per
``SearchField`` / ``AutocompleteField`` and a typed field per ``FilterField``.
"""

from __future__ import annotations

import datetime
from collections import OrderedDict, defaultdict
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import Subquery
from django.db.models.sql import Query
from django.db.models.sql.constants import MULTI, SINGLE
from django.utils import timezone
from modelsearch.backends.base import (
    BaseIndex,
    BaseSearchBackend,
    BaseSearchQueryCompiler,
    BaseSearchResults,
    FilterFieldError,
    get_model_root,
)
from modelsearch.index import (
    AutocompleteField,
    FilterField,
    Indexed,
    RelatedFields,
    SearchField,
    get_indexed_models,
)
from modelsearch.query import (
    And,
    Boost,
    Fuzzy,
    MatchAll,
    Not,
    Or,
    Phrase,
    PlainText,
)
from whoosh import query as wq
from whoosh import sorting
from whoosh.idsets import BitSet

from .analyzer import (
    FIELD_SEPARATOR,
    char_tokens,
    covered_by_words,
    query_char_groups,
    query_words,
)
from .locking import get_store

ALL_FIELD = "ix_all"

_INT_TYPES = {
    "AutoField",
    "SmallAutoField",
    "BigAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
}
_FLOAT_TYPES = {"FloatField", "DecimalField"}
_DATE_TYPES = {"DateField", "DateTimeField"}


def _kind_for_type(internal_type: str) -> str:
    """The suffix of the dynamic Whoosh field that stores a filter field of this Django type."""
    if internal_type in _INT_TYPES:
        return "fi"
    if internal_type in _FLOAT_TYPES:
        return "ff"
    if internal_type in _DATE_TYPES:
        return "fd"
    if internal_type == "BooleanField":
        return "fb"
    return "fs"


def _clean_filter_value(kind: str, value):
    """Convert a model value or a lookup value into what the Whoosh field type expects."""
    if isinstance(value, models.Model):
        value = value.pk
    if value is None:
        return None
    if kind == "fi":
        return int(value)
    if kind == "ff":
        return float(value)
    if kind == "fb":
        return bool(value)
    if kind == "fd":
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.make_naive(value, datetime.UTC)
            return value
        if isinstance(value, datetime.date):
            return datetime.datetime(value.year, value.month, value.day)
        return value
    if isinstance(value, datetime.time | datetime.date):
        return value.isoformat()
    return str(value)


def _text_of(value) -> str:
    """Flatten a search field's value (string, list from a StreamField, tags, number) to text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, models.Manager | models.QuerySet):
        value = list(value.all())
    if isinstance(value, list | tuple | set):
        return "\n".join(filter(None, (_text_of(item) for item in value)))
    return str(value)


def _negate(query):
    """Every document not matching ``query`` (Whoosh's own Not of nothing matches nothing)."""
    if query is wq.NullQuery:
        return wq.Every()
    return wq.AndNot(wq.Every(), query)


class WhooshMapping:
    """Translates instances of one model into Whoosh documents, and names its fields."""

    def __init__(self, model):
        self.model = model

    def get_parent(self):
        for base in self.model.__bases__:
            if issubclass(base, Indexed) and issubclass(base, models.Model):
                return type(self)(base)

    def get_content_type(self) -> str:
        return self.model._meta.label_lower

    def get_all_content_types(self) -> list[str]:
        content_types = [self.get_content_type()]
        ancestor = self.get_parent()
        while ancestor:
            content_types.append(ancestor.get_content_type())
            ancestor = ancestor.get_parent()
        return content_types

    def get_document_id(self, obj) -> str:
        return f"{get_model_root(type(obj))._meta.label_lower}:{obj.pk}"

    def get_field_column_name(self, field) -> str:
        """As the Elasticsearch mapping: fields defined on a subclass get a model prefix so two
        page types may use one field name with different types."""
        root_model = get_model_root(self.model)
        definition_model = field.get_definition_model(self.model)
        prefix = ""
        if definition_model is not None and definition_model != root_model:
            prefix = f"{definition_model._meta.app_label}_{definition_model.__name__}__".lower()
        if isinstance(field, RelatedFields):
            return prefix + field.field_name
        return prefix + field.get_attname(self.model)

    def filter_column(self, field) -> tuple[str, str]:
        """(Whoosh field name, kind) for a FilterField of this model."""
        kind = _kind_for_type(field.get_type(self.model))
        return f"{self.get_field_column_name(field)}__{kind}", kind

    @staticmethod
    def boost_field_name(boost) -> str:
        return "ix_boost" + str(float(boost)).replace(".", "_")

    def get_document(self, obj) -> dict:
        doc = {
            "ix_id": self.get_document_id(obj),
            "ix_pk": str(obj.pk),
            "ix_ct": " ".join(self.get_all_content_types()),
        }
        texts: list[str] = []
        boosted: dict[float, list[str]] = defaultdict(list)
        autocomplete: list[str] = []
        nulls: list[str] = []
        self._add_fields(
            obj, self.model.get_search_fields(), "", doc, texts, boosted, autocomplete, nulls
        )
        doc[f"{ALL_FIELD}__t"] = FIELD_SEPARATOR.join(texts)
        doc[f"{ALL_FIELD}__c"] = FIELD_SEPARATOR.join(texts)
        # Boost fields score words only; the substring fallback runs on the catch-all.
        for boost, parts in boosted.items():
            doc[f"{self.boost_field_name(boost)}__t"] = FIELD_SEPARATOR.join(parts)
        doc["ix_null"] = " ".join(nulls)
        return doc

    def _add_fields(self, obj, fields, prefix, doc, texts, boosted, autocomplete, nulls):
        for field in fields:
            column = prefix + self.get_field_column_name(field)
            if isinstance(field, RelatedFields):
                value = field.get_value(obj)
                if isinstance(value, models.Manager | models.QuerySet):
                    related = list(value.all())
                elif isinstance(value, models.Model):
                    related = [value]
                else:
                    related = []
                self._add_related(
                    related, field, column + "__", doc, texts, boosted, autocomplete, nulls
                )
                continue
            value = field.get_value(obj)
            if isinstance(field, FilterField):
                column_name, kind = self.filter_column(field)
                column_name = prefix + column_name
                if isinstance(value, models.Manager | models.QuerySet):
                    value = list(value.values_list("pk", flat=True))
                if isinstance(value, list | tuple):
                    cleaned = [_clean_filter_value(kind, item) for item in value]
                    cleaned = [item for item in cleaned if item is not None]
                    if kind == "fs" or kind == "fb":
                        cleaned = cleaned[:1]
                    value = cleaned or None
                else:
                    value = _clean_filter_value(kind, value)
                if value is None:
                    nulls.append(column_name)
                else:
                    doc[column_name] = value
            elif isinstance(field, SearchField):
                text = _text_of(value)
                if not text:
                    continue
                self._append(doc, f"{column}__t", text)
                self._append(doc, f"{column}__c", text)
                texts.append(text)
                if field.boost and float(field.boost) != 1.0:
                    boosted[float(field.boost)].append(text)
            elif isinstance(field, AutocompleteField):
                text = _text_of(value)
                if text:
                    # SearchField("title") and AutocompleteField("title") share title__c.
                    if f"{column}__c" not in doc:
                        doc[f"{column}__c"] = text
                    autocomplete.append(text)

    def _add_related(self, related, field, prefix, doc, texts, boosted, autocomplete, nulls):
        if not related:
            return
        mapping = type(self)(type(related[0]))
        collected: dict[str, list] = defaultdict(list)
        for item in related:
            item_doc: dict = {}
            mapping._add_fields(
                item, field.fields, "", item_doc, texts, boosted, autocomplete, nulls
            )
            for key, value in item_doc.items():
                collected[key].extend(value if isinstance(value, list) else [value])
        for key, values in collected.items():
            if key.endswith(("__t", "__c")):
                doc[prefix + key] = FIELD_SEPARATOR.join(values)
            elif key.endswith(("__fs", "__fb")):
                doc[prefix + key] = values[0]
            else:
                doc[prefix + key] = values

    @staticmethod
    def _append(doc, key, text):
        doc[key] = f"{doc[key]}{FIELD_SEPARATOR}{text}" if key in doc else text


class WhooshIndex(BaseIndex):
    """The single Whoosh index of a backend; ``version`` is set only for a rebuild's new index."""

    def __init__(self, backend, version: str | None = None):
        super().__init__(backend)
        self.store = backend.store
        self.version = version
        self._writer = None

    def get_key(self):
        return "default"

    def __str__(self):
        return f"whoosh:{self.store.root}"

    def add_model(self, model):
        # The schema's dynamic fields accept any model; nothing to declare.
        pass

    def refresh(self):
        pass

    def reset(self):
        self.store.swap_in_empty()

    def _write(self, apply, journal_keys):
        if self.version is None:
            self.store.write_live(apply, journal_keys)
        else:
            # A rebuild keeps one writer open across chunks and commits once (finish()):
            # a commit per chunk would merge segments over and over.
            if self._writer is None:
                self._writer = self.store.open(self.version).writer(
                    timeout=self.store.lock_timeout, limitmb=256
                )
            apply(self._writer)

    def commit(self):
        """Commit a rebuild's writer (no-op for the live index, which commits every write)."""
        if self._writer is not None:
            self._writer.commit()
            self._writer = None

    def cancel(self):
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None

    def add_items(self, model, items):
        items = list(items)
        if not items:
            return
        docs = [WhooshMapping(type(item)).get_document(item) for item in items]
        fresh = self.version is not None

        def apply(writer):
            # Delete then add: update_document opens a searcher per document, far slower. A
            # rebuild's new index is empty except for what this rebuild added (never twice).
            if not fresh:
                for doc in docs:
                    writer.delete_by_term("ix_id", doc["ix_id"])
            for doc in docs:
                writer.add_document(**doc)

        self._write(apply, [f"{type(item)._meta.label_lower}\t{item.pk}" for item in items])

    def delete_item(self, item):
        doc_id = WhooshMapping(type(item)).get_document_id(item)
        self._write(
            lambda writer: writer.delete_by_term("ix_id", doc_id),
            [f"{type(item)._meta.label_lower}\t{item.pk}"],
        )


def replay_journal(backend, version: str, keys: list[str]) -> None:
    """Re-index journalled objects into a rebuilt version from the database's current state."""
    docs: list[dict] = []
    deletions: list[str] = []
    for key in keys:
        label, _, pk = key.partition("\t")
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        obj = model.get_indexed_objects().filter(pk=pk).first()
        instance = obj.get_indexed_instance() if obj is not None else None
        if instance is None:
            deletions.append(f"{get_model_root(model)._meta.label_lower}:{pk}")
        else:
            docs.append(WhooshMapping(type(instance)).get_document(instance))

    def apply(writer):
        for doc_id in deletions:
            writer.delete_by_term("ix_id", doc_id)
        for doc in docs:
            writer.delete_by_term("ix_id", doc["ix_id"])
            writer.add_document(**doc)

    backend.store.write(version, apply)


class WhooshIndexRebuilder:
    """Builds a new version of the index beside the live one and swaps it in at the end."""

    def __init__(self, index):
        self.index = index
        self.backend = index.backend
        self.version = None

    def start(self):
        self.version = self.backend.store.begin_rebuild()
        self.new_index = WhooshIndex(self.backend, version=self.version)
        return self.new_index

    def finish(self):
        self.new_index.commit()
        self.backend.store.finish_rebuild(
            self.version, lambda version, keys: replay_journal(self.backend, version, keys)
        )


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
            v = _clean_filter_value(kind, v)
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
            start = _clean_filter_value(kind, start)
            end = _clean_filter_value(kind, end)
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
        columns = {
            self.mapping.get_field_column_name(field)
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
            per_piece.append(wq.Or([self._part(piece, column, last) for column, _ in columns]))
        if len(per_piece) == 1:
            return per_piece[0]
        return wq.And(per_piece) if query.operator == "and" else wq.Or(per_piece)


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
        cache = searcher.__dict__.setdefault("_site_filter_cache", {})
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


class WhooshSearchBackend(BaseSearchBackend):
    query_compiler_class = WhooshSearchQueryCompiler
    autocomplete_query_compiler_class = WhooshAutocompleteQueryCompiler
    results_class = WhooshSearchResults
    index_class = WhooshIndex
    rebuilder_class = WhooshIndexRebuilder

    def __init__(self, params):
        super().__init__(params)
        path = params.get("INDEX_PATH") or Path(settings.VAR_DIR) / "search"
        self.store = get_store(path, float(params.get("LOCK_TIMEOUT", 60)))


SearchBackend = WhooshSearchBackend
