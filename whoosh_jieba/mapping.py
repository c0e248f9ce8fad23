"""How a model instance becomes a Whoosh document, and what its fields are called.

The document layout borrows from Wagtail's Elasticsearch backend: one index holds every indexed
model; each document carries its content types, a catch-all text field, one field per boost
value, one field per ``SearchField`` / ``AutocompleteField`` and a typed field per
``FilterField``. The suffix of a field name gives its Whoosh type (see ``store.build_schema``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import models
from django.utils import timezone
from modelsearch.backends.base import get_model_root
from modelsearch.index import AutocompleteField, FilterField, Indexed, RelatedFields, SearchField

from .analyzer import FIELD_SEPARATOR

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


def kind_for_type(internal_type: str) -> str:
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


def clean_filter_value(kind: str, value):
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


def text_of(value) -> str:
    """Flatten a search field's value (string, list from a StreamField, tags, number) to text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, models.Manager | models.QuerySet):
        value = list(value.all())
    if isinstance(value, list | tuple | set):
        return "\n".join(filter(None, (text_of(item) for item in value)))
    return str(value)


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
        kind = kind_for_type(field.get_type(self.model))
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
                    cleaned = [clean_filter_value(kind, item) for item in value]
                    cleaned = [item for item in cleaned if item is not None]
                    if kind == "fs" or kind == "fb":
                        cleaned = cleaned[:1]
                    value = cleaned or None
                else:
                    value = clean_filter_value(kind, value)
                if value is None:
                    nulls.append(column_name)
                else:
                    doc[column_name] = value
            elif isinstance(field, SearchField):
                text = text_of(value)
                if not text:
                    continue
                self._append(doc, f"{column}__t", text)
                self._append(doc, f"{column}__c", text)
                texts.append(text)
                if field.boost and float(field.boost) != 1.0:
                    boosted[float(field.boost)].append(text)
            elif isinstance(field, AutocompleteField):
                text = text_of(value)
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
