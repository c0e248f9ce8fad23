"""Spreadsheet exports (XLSX and CSV) as the bureau reads them.

- Times are Beijing time (Wagtail writes aware datetimes to XLSX in UTC and to CSV with their
  UTC offset: a revocation at 02:44 would read 18:44 the day before).
- Booleans read 是/否, empty values stay empty (not 「None」), choices their labels.
- Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
  return) gets a leading apostrophe: an imported name such as ``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.contrib.admin.utils import label_for_field
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.text import capfirst

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def escape_formula(text: str) -> str:
    """Text that cannot run as a spreadsheet formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell_value(value, spreadsheet_format: str = "xlsx"):
    """One exported cell: numbers and dates as such (XLSX), everything else as safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value, timezone.get_default_timezone())
        value = value.replace(microsecond=0)
        return value if spreadsheet_format == "xlsx" else value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value if spreadsheet_format == "xlsx" else value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, (list, tuple)):
        value = "、".join(force_str(item) for item in value)
    return escape_formula(force_str(value))


class BeijingExportMixin:
    """For Wagtail index views (``SpreadsheetExportMixin``): the cell rules above, and Chinese
    headings for ``get_<field>_display`` columns (the field's verbose name)."""

    def preprocess_field_value(self, field, value, export_format):
        if callable(value):
            value = value()
        return cell_value(value, export_format)

    def to_row_dict(self, item):
        # Users by their full name (an audit trail names people, not login names).
        from website.roles import display_name

        row = super().to_row_dict(item)
        for field, value in row.items():
            if hasattr(value, "get_full_name") and hasattr(value, "get_username"):
                row[field] = display_name(value)
        return row

    def stream_csv(self, queryset):
        # A byte order mark first: Excel then reads the UTF-8 Chinese text correctly.
        yield "\ufeff"
        yield from super().stream_csv(queryset)

    def get_heading(self, queryset, field):
        if field in getattr(self, "export_headings", {}):
            return force_str(self.export_headings[field])
        name = field
        if field.startswith("get_") and field.endswith("_display"):
            name = field[4:-8]
        if "__" in name:
            return super().get_heading(queryset, field)
        try:
            return capfirst(force_str(label_for_field(name, queryset.model)))
        except (AttributeError, FieldDoesNotExist):
            return super().get_heading(queryset, field)


def table_response(
    headings: Sequence[str],
    rows: Iterable[Sequence],
    spreadsheet_format: str,
    filename: str,
    sheet_title: str = "Sheet1",
) -> HttpResponse:
    """A whole table (a register or statistics) as an XLSX or CSV download."""
    if spreadsheet_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([cell_value(h, "csv") for h in headings])
        for row in rows:
            writer.writerow([cell_value(value, "csv") for value in row])
        # With a byte order mark Excel opens UTF-8 Chinese text correctly.
        content = "\ufeff" + buffer.getvalue()
        response = HttpResponse(content.encode("utf-8"), content_type="text/csv; charset=utf-8")
        extension = "csv"
    else:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=sheet_title[:31])
        sheet.append([cell_value(h) for h in headings])
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, cell_value(value))
                if cell.data_type == "f":  # never a formula, whatever openpyxl guesses
                    cell.data_type = "s"
                if isinstance(cell.value, datetime.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
                elif isinstance(cell.value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            sheet.append(cells)
        output = io.BytesIO()
        workbook.save(output)
        response = HttpResponse(output.getvalue(), content_type=XLSX_CONTENT_TYPE)
        extension = "xlsx"
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"attachment; filename=\"export.{extension}\"; filename*=UTF-8''"
        f"{quote(filename)}.{extension}"
    )
    return response
