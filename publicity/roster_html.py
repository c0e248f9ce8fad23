"""The publicity list and the objection form's choices, rendered as HTML strings.

Kept apart from the models and views so that the page's routes (on the model) and any other
caller can build them without importing the views.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape, unescape
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from website.people import LISTED_FIELDS

if TYPE_CHECKING:
    from .models import PublicityPage

# The list is built as one string: 3,000 rows through the template engine cost ~10 times more
# (a context lookup per cell), and the page must render uncached in well under 100 ms.
_ROW_FIELDS = ("pk", *LISTED_FIELDS)


_SEP = "\x1f"


@dataclass(frozen=True)
class Roster:
    """The publicity list, rendered: table rows and the filter's choices."""

    rows_html: SafeString
    count: int
    units: list[str]
    specialties: list[str]
    #: Rows shown under the filter (?name=&unit=&specialty=); ``count`` when not filtered.
    shown: int = 0
    filters: dict = field(default_factory=dict)

    @property
    def filtered(self) -> bool:
        return any(self.filters.values())

    @property
    def filter_options(self) -> dict[str, list[tuple[str, str]]]:
        """The drop-downs' (value, text) pairs: a unit or a specialty is its own value."""
        return {
            "unit": [(unit, unit) for unit in self.units],
            "specialty": [(specialty, specialty) for specialty in self.specialties],
        }


def roster_filters(request: HttpRequest | None) -> dict[str, str]:
    """?name=&unit=&specialty= : the filter as a shareable address that works without JS."""
    if request is None:
        return {"name": "", "unit": "", "specialty": ""}
    get = request.GET
    return {
        "name": "".join(get.get("name", "").split())[:40],
        "unit": get.get("unit", "").strip()[:200],
        "specialty": get.get("specialty", "").strip()[:200],
    }


def _rows(page: PublicityPage):
    # One query, plain tuples: no model instances for 3,000 rows.
    return page.entries.order_by("sort_order", "pk").values_list(*_ROW_FIELDS)


def build_roster(page: PublicityPage, request: HttpRequest | None = None, *, running: bool):
    """The list's rows (with an objection link each while ``running``) and filter choices."""
    link = page.objection_url(request) + "?entry=" if running else ""
    filters = roster_filters(request)
    want_name, want_unit, want_specialty = filters["name"], filters["unit"], filters["specialty"]
    parts = []
    units = set()
    specialties = set()
    append = parts.append
    number = 0
    shown = 0
    for number, row in enumerate(_rows(page), 1):
        pk = row[0]
        # One escape() per row instead of one per cell: join on a control character that
        # escape() leaves alone and that a name or unit cannot contain (form validation).
        name, gender, unit, series, specialty, level, qualification, review_type = escape(
            _SEP.join(row[1:])
        ).split(_SEP)
        label = "·".join(part for part in (series, specialty) if part)
        units.add(unit)
        specialties.add(label)
        if (
            (want_name and want_name not in row[1])
            or (want_unit and want_unit != row[3])
            or (want_specialty and want_specialty != unescape(label))
        ):
            continue
        shown += 1
        append(
            f'<tr><td data-label="序号">{number}</td><td data-label="姓名">{name}</td>'
            f'<td data-label="性别">{gender}</td><td data-label="工作单位">{unit}</td>'
            f'<td data-label="系列/专业">{label or "—"}</td>'
            f'<td data-label="级别/资格">{level}/{qualification}</td>'
            f'<td data-label="评审类型">{review_type}</td>'
        )
        if running:
            append(f'<td data-label="异议"><a href="{link}{pk}">提出异议</a></td>')
        append("</tr>\n")
    return Roster(
        rows_html=mark_safe("".join(parts)),  # noqa: S308 - every value above is escaped
        count=number,
        # The filter compares these with the cells' text: unescape back to plain text (the
        # template escapes them again as <option>s).
        units=sorted(unescape(unit) for unit in units),
        specialties=sorted(unescape(label) for label in specialties - {""}),
        shown=shown,
        filters=filters,
    )


def entry_options_html(page: PublicityPage, selected: int = 0) -> SafeString:
    """The objection form's <option>s: every name with its unit, ``selected`` preselected."""
    options = []
    for pk, name, unit in page.entries.order_by("sort_order", "pk").values_list(
        "pk", "name", "unit"
    ):
        mark = " selected" if pk == selected else ""
        options.append(f'<option value="{pk}"{mark}>{escape(name)}（{escape(unit)}）</option>')
    return mark_safe("".join(options))  # noqa: S308 - names and units are escaped
