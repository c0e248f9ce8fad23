"""One home for a person's data: a publicity entry, an approved person and a certificate.

A person passes from a roster row to a publicity entry, an approved person and a certificate,
carrying the same fields each time (:data:`PERSON_FIELDS`). :class:`PersonFields` defines them
once; each model overrides only where its domain truly differs (a publicity entry needs the ID;
a certificate keeps what the approved person had, blanks included).
:func:`person_values` and :func:`copy_person` copy them, so adding a field is one edit here.

ID numbers are never stored in clear: ``id_hash`` and ``id_masked`` come from
``website.identity``. No birth data is stored beside them: the certificate's 出生年月 is worked
back from the hash at issuing (``website.identity.full_number``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from website.choices import Gender, Level, ReviewType

# The person fields, in the order documents and certificates print them.
PERSON_FIELDS = (
    "name",
    "gender",
    "unit",
    "series",
    "specialty",
    "qualification",
    "level",
    "review_type",
    "id_hash",
    "id_masked",
)

# What a publicity shows of each person (its page and its API), in the roster's column order:
# no part of the ID number.
LISTED_FIELDS = (
    "name", "gender", "unit", "series", "specialty", "level", "qualification", "review_type",
)  # fmt: skip

T = TypeVar("T")


class PersonFields(models.Model):
    """The person fields shared by publicity entries, approved persons and certificates."""

    name = models.CharField("姓名", max_length=40)
    gender = models.CharField("性别", max_length=2, choices=Gender.choices, blank=True)
    unit = models.CharField("工作单位", max_length=150)
    series = models.CharField("系列", max_length=40)
    specialty = models.CharField("专业", max_length=40)
    qualification = models.CharField("资格名称", max_length=40, help_text="如 工程师、高级工程师")
    level = models.CharField("级别", max_length=6, choices=Level.choices)
    review_type = models.CharField(
        "取得方式", max_length=4, choices=ReviewType.choices, default=ReviewType.REVIEW
    )
    id_hash = models.CharField("身份证号哈希", max_length=64, blank=True, editable=False)
    id_masked = models.CharField("身份证号（脱敏）", max_length=24, blank=True, editable=False)

    class Meta:
        abstract = True


def _has_field(source: object, name: str) -> bool:
    meta = getattr(source, "_meta", None)
    if meta is not None:  # a model or model instance
        try:
            meta.get_field(name)
        except FieldDoesNotExist:  # a model without that field
            return False
        return True
    if dataclasses.is_dataclass(source):  # a roster row, an issuing job (class or instance)
        return name in {f.name for f in dataclasses.fields(source)}
    return hasattr(source, name)


def person_field_names(target: object) -> tuple[str, ...]:
    """The :data:`PERSON_FIELDS` that `target` (a model, a dataclass, an object) has."""
    return tuple(name for name in PERSON_FIELDS if _has_field(target, name))


def person_values(source: object, fields: tuple[str, ...] = PERSON_FIELDS) -> dict[str, Any]:
    """The `fields` (person fields by default) that `source` has, by name, in that order."""
    return {name: getattr(source, name) for name in fields if _has_field(source, name)}


def copy_person(target: Callable[..., T], source: object, **extra: Any) -> T:
    """A new `target` (a model or dataclass) with the person fields of `source` that both have.

    `extra` adds or overrides keyword arguments. A model instance comes back unsaved.
    """
    values = person_values(source, person_field_names(target))
    values.update(extra)
    return target(**values)
