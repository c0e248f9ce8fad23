"""Roster import (申报人员花名册): read an XLSX or CSV, validate each row, create entries.

The columns are those of the seeds' template: 序号, 姓名, 性别, 族别, 政治面貌, 身份证号码,
现任专业技术职务, 获现任专业技术职务时间, 拟晋升专业技术职务, 工作单位, 是否通过, 备注 (评审类型:
初定/授予/评审/转评). Optional extra columns 系列, 专业 and 级别 override the upload form's
defaults and the level derived from the qualification. Rows with 是否通过 = 是 become entries.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import asdict, dataclass, field

from django.db import transaction

import pagecache
from website import identity, uploads
from website.choices import Gender, Level, ReviewType
from website.pdf.fonts import unprintable
from website.people import copy_person, person_field_names

from .forms import max_bytes
from .models import PublicityEntry, PublicityPage

# Caps on what one roster may hold, checked while reading (never from the file's own claims):
# a review rarely has more than a few hundred applicants and the template has 15 columns.
MAX_ROWS = 5000
MAX_COLUMNS = 60
MAX_CELL_CHARS = 2000
# PositiveIntegerField: the database column is a signed 32-bit integer on PostgreSQL.
MAX_SORT_ORDER = 2**31 - 1
REQUIRED_COLUMNS = ["姓名", "性别", "身份证号码", "拟晋升专业技术职务", "工作单位", "是否通过"]
OPTIONAL_COLUMNS = [
    "序号", "族别", "政治面貌", "现任专业技术职务", "获现任专业技术职务时间", "备注",
    "系列", "专业", "级别",
]  # fmt: skip
# Header cells vary a little between offices: map the variants onto the template's names.
ALIASES = {
    "身份证号": "身份证号码",
    "公民身份号码": "身份证号码",
    "民族": "族别",
    "单位": "工作单位",
}

# 拟晋升专业技术职务 → 级别 for titles whose level their name does not tell.
QUALIFICATION_LEVELS = {
    "工程师": Level.INTERMEDIATE,
    "经济师": Level.INTERMEDIATE,
    "会计师": Level.INTERMEDIATE,
    "审计师": Level.INTERMEDIATE,
    "统计师": Level.INTERMEDIATE,
    "农艺师": Level.INTERMEDIATE,
    "主治医师": Level.INTERMEDIATE,
    "主管护师": Level.INTERMEDIATE,
    "一级教师": Level.INTERMEDIATE,
    "讲师": Level.INTERMEDIATE,
    "技术员": Level.JUNIOR,
    "医师": Level.JUNIOR,
    "护师": Level.JUNIOR,
    "二级教师": Level.JUNIOR,
    "三级教师": Level.JUNIOR,
    "副教授": Level.DEPUTY_SENIOR,
    "副主任医师": Level.DEPUTY_SENIOR,
    "副主任护师": Level.DEPUTY_SENIOR,
    "教授": Level.SENIOR,
    "主任医师": Level.SENIOR,
    "主任护师": Level.SENIOR,
}


def _field_limits() -> dict[str, int]:
    """Column → the model's max_length, so a row never reaches the database too long."""
    fields = {
        field.name: field.max_length
        for field in PublicityEntry._meta.get_fields()
        if getattr(field, "max_length", None)
    }
    return {
        "姓名": fields["name"],
        "族别": fields["ethnicity"],
        "工作单位": fields["unit"],
        "拟晋升专业技术职务": fields["qualification"],
        "系列": fields["series"],
        "专业": fields["specialty"],
    }


FIELD_LIMITS = _field_limits()


class RosterFileError(ValueError):
    """The upload is not a readable roster (not a spreadsheet, too large, headers missing)."""


@dataclass
class RosterRow:
    """A valid row, ready to become an entry (no clear ID number kept)."""

    row_number: int
    sort_order: int
    name: str
    gender: str
    ethnicity: str
    unit: str
    series: str
    specialty: str
    level: str
    qualification: str
    review_type: str
    id_hash: str
    id_masked: str
    # YYYY-MM from the ID number, for approval documents (certificate downloads check it).
    birth_month: str = ""


@dataclass
class RosterError:
    row_number: int
    reason: str


@dataclass
class RosterResult:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RosterError] = field(default_factory=list)
    not_passed: int = 0

    @property
    def is_clean(self) -> bool:
        return not self.errors


def level_for(qualification: str) -> str | None:
    """The level of a qualification such as 高级工程师 (副高级); None when unknown."""
    title = qualification.strip()
    if title in QUALIFICATION_LEVELS:
        return QUALIFICATION_LEVELS[title]
    if title.startswith("正高级"):
        return Level.SENIOR
    if title.startswith("高级") or title.startswith("副高级"):
        return Level.DEPUTY_SENIOR
    if title.startswith("助理"):
        return Level.JUNIOR
    if title.endswith("员") and len(title) > 1:
        return Level.JUNIOR
    return None


def _cell(value) -> str:
    """A cell as one line of text, without control or bidirectional characters."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return uploads.clean_text(str(value), multiline=False).strip()


_EMPTY: list[str] = []


def _check_shape(row_number: int, cells: int, filled: int) -> None:
    """Blank lines do not count towards the row cap (padding is harmless, data is not)."""
    if filled > MAX_ROWS:
        raise RosterFileError(f"花名册超过 {MAX_ROWS} 行上限（第 {row_number} 行），请拆分后上传。")
    if cells > MAX_COLUMNS:
        raise RosterFileError(
            f"第 {row_number} 行超过 {MAX_COLUMNS} 列上限，请使用申报人员花名册模板。"
        )


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (what Excel writes on a Chinese Windows)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise RosterFileError("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GB18030 编码。") from None


def read_table(data: bytes, filename: str = "") -> list[list[str]]:
    """All rows of the first sheet (XLSX) or of a CSV file, as stripped strings."""
    limit = max_bytes()
    if len(data) > limit:
        raise RosterFileError(f"文件不能超过 {limit // (1024 * 1024)} MB。")
    if not data:
        raise RosterFileError("文件为空。")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterFileError("不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV 后再上传。")
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if b"\x00" in data[:4096]:
        raise RosterFileError("文件不是 XLSX 或 CSV 表格，请上传申报人员花名册。")
    return _read_csv(_decode(data))


def _read_csv(text: str) -> list[list[str]]:
    """CSV rows with the row, column and cell caps; csv's own field limit set to the cell cap."""
    table: list[list[str]] = []
    previous = csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(text))
    filled = 0
    try:
        for row in reader:
            values = [_cell(value) for value in row]
            if not any(values):
                table.append(_EMPTY)  # one shared list: blank lines cost a reference each
                continue
            filled += 1
            _check_shape(reader.line_num, len(row), filled)
            table.append(values)
    except csv.Error as error:
        raise RosterFileError(
            f"CSV 第 {reader.line_num} 行无法读取：单元格超过 {MAX_CELL_CHARS} 个字符或格式有误。"
        ) from error
    finally:
        csv.field_size_limit(previous)
    return table


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    invalid = "文件不是有效的 XLSX 表格，请用 Excel 或 WPS 另存为 .xlsx。"
    try:
        # Member count, real decompressed size, no DOCTYPE/ENTITY: before openpyxl parses any XML.
        uploads.inspect_zip(data, kind="XLSX")
    except uploads.DamagedZip as error:
        raise RosterFileError(invalid) from error
    except uploads.UnsafeUpload as error:
        raise RosterFileError(str(error)) from error
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise RosterFileError(invalid) from error
    except Exception as error:  # malformed XML (lxml/ElementTree parse errors)
        raise RosterFileError(invalid) from error
    try:
        if not workbook.worksheets:
            raise RosterFileError(invalid)
        sheet = workbook.worksheets[0]
        # A sheet that claims more than the caps is refused at once; then the claim is forgotten
        # (reset_dimensions) so rows are as long as their real cells, not the declared width.
        claimed_rows, claimed_columns = sheet.max_row or 0, sheet.max_column or 0
        if claimed_rows > MAX_ROWS or claimed_columns > MAX_COLUMNS:
            raise RosterFileError(
                f"表格范围过大（{claimed_rows} 行 × {claimed_columns} 列，"
                f"上限 {MAX_ROWS} 行 × {MAX_COLUMNS} 列），请只保留花名册数据后再上传。"
            )
        sheet.reset_dimensions()
        table = []
        filled = 0
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            _check_shape(number, len(row), filled + 1)
            values = [_cell(value) for value in row]
            if not any(values):
                table.append(_EMPTY)
                continue
            filled += 1
            for column, value in enumerate(values, start=1):
                if len(value) > MAX_CELL_CHARS:
                    raise RosterFileError(
                        f"第 {number} 行第 {column} 列超过 {MAX_CELL_CHARS} 个字符上限。"
                    )
            table.append(values)
        return table
    except RosterFileError:
        raise
    except Exception as error:  # a sheet's XML broken after the workbook opened
        raise RosterFileError(invalid) from error
    finally:
        workbook.close()


def _find_header(table: list[list[str]]) -> tuple[int, dict[str, int]]:
    """The header row (the first with 姓名 and 身份证号码 in the first 20 rows) and its columns."""
    for index, row in enumerate(table[:20]):
        names = [ALIASES.get(cell.replace(" ", ""), cell.replace(" ", "")) for cell in row]
        if "姓名" in names and "身份证号码" in names:
            columns = {}
            for position, name in enumerate(names):
                if name and name not in columns:
                    columns[name] = position
            missing = [name for name in REQUIRED_COLUMNS if name not in columns]
            if missing:
                raise RosterFileError(f"表头缺少以下列：{'、'.join(missing)}。")
            return index, columns
    raise RosterFileError(
        "找不到表头：请使用申报人员花名册模板（含 姓名、身份证号码、是否通过 等列）。"
    )


def _review_type(remark: str) -> str | None:
    for choice in ReviewType.values:
        if choice in remark:
            return choice
    return None


def parse_roster(
    data: bytes, filename: str = "", series: str = "", specialty: str = ""
) -> RosterResult:
    """Validate every row; rows are numbered as the spreadsheet shows them (1-based)."""
    table = read_table(data, filename)
    header_index, columns = _find_header(table)
    result = RosterResult()
    seen: dict[str, int] = {}

    def get(row: list[str], name: str) -> str:
        position = columns.get(name)
        return row[position] if position is not None and position < len(row) else ""

    for offset, row in enumerate(table[header_index + 1 :], start=1):
        row_number = header_index + 1 + offset
        if not any(row):
            continue
        passed = get(row, "是否通过")
        if passed in ("否", "不通过", "未通过"):
            result.not_passed += 1
            continue
        reasons: list[str] = []
        if passed not in ("是", "通过"):
            reasons.append("“是否通过”应填“是”或“否”" if passed else "缺少“是否通过”")
        name = get(row, "姓名").replace(" ", "")
        if not name:
            reasons.append("缺少姓名")
        number = ""
        try:
            number = identity.validate(get(row, "身份证号码"))
        except identity.InvalidIdNumber as error:
            reasons.append(str(error))
        gender = get(row, "性别")
        if gender not in Gender.values:
            reasons.append("性别应填“男”或“女”")
        elif number and identity.gender_of(number) != gender:
            reasons.append("性别与身份证号码不符")
        unit = get(row, "工作单位")
        if not unit:
            reasons.append("缺少工作单位")
        qualification = get(row, "拟晋升专业技术职务")
        level_text = get(row, "级别")
        if level_text:
            level = level_text if level_text in Level.values else None
            if level is None:
                reasons.append(f"级别“{level_text}”无效，应为 初级、中级、副高级 或 正高级")
        else:
            level = level_for(qualification) if qualification else None
            if not qualification:
                reasons.append("缺少拟晋升专业技术职务")
            elif level is None:
                reasons.append(f"无法确定“{qualification}”的级别，请增加“级别”列")
        # Every character must be printable on the approval document and the certificate: a
        # legal name cannot be changed, so a character no font has is caught here, not at issuing.
        reasons += unprintable(
            [
                ("姓名", name),
                ("工作单位", unit),
                ("拟晋升专业技术职务", qualification),
                ("系列", get(row, "系列")),
                ("专业", get(row, "专业")),
            ]
        )
        for column, limit in FIELD_LIMITS.items():
            value = get(row, column)
            if len(value) > limit:
                reasons.append(f"“{column}”超过 {limit} 个字符")
        remark = get(row, "备注")
        review_type = _review_type(remark) or ReviewType.REVIEW
        if number:
            digest = identity.id_hash(number)
            if digest in seen:
                reasons.append(f"与第{seen[digest]}行的身份证号码重复")
            else:
                seen[digest] = row_number
        if reasons:
            result.errors.append(RosterError(row_number, "；".join(reasons)))
            continue
        sequence = get(row, "序号")
        sort_order = int(sequence) if sequence.isdigit() else row_number
        if sort_order > MAX_SORT_ORDER:
            result.errors.append(RosterError(row_number, f"序号不能大于 {MAX_SORT_ORDER}"))
            continue
        result.rows.append(
            RosterRow(
                row_number=row_number,
                sort_order=sort_order,
                name=name,
                gender=gender,
                ethnicity=get(row, "族别"),
                unit=unit,
                series=get(row, "系列") or series,
                specialty=get(row, "专业") or specialty,
                level=level,
                qualification=qualification,
                review_type=review_type,
                id_hash=identity.id_hash(number),
                id_masked=identity.mask(number),
                birth_month=f"{number[6:10]}-{number[10:12]}",
            )
        )
    return result


@dataclass
class ImportSummary:
    created: int
    updated: int


class RosterLocked(ValueError):
    """The roster cannot go into this publicity (Chinese message)."""


def check_importable(page: PublicityPage, rows: list[RosterRow], file_sha256: str = "") -> None:
    """A roster goes into one publicity that is not yet public.

    Refused: a page that is or was public (its roster is locked), the same file already imported
    into another publicity, or the same set of people as another publicity's list.
    """
    from wagtail.models import PageLogEntry

    if (page.public_since() is not None or page.live) and not _corrected_since_import(page):
        raise RosterLocked(
            "公示已发布，名单已锁定，不能再导入；如名单有误，请先办理“更正”"
            "（记录原因，公示期自更正之日起重新计算），再导入更正后的名单。"
        )
    if file_sha256:
        other = (
            PageLogEntry.objects.filter(action="publicity.roster_import", data__sha256=file_sha256)
            .exclude(page_id=page.pk)
            .select_related("page")
            .first()
        )
        if other is not None:
            raise RosterLocked(
                f"该名单文件已导入公示“{other.page.title}”，一份名单只能用于一次公示。"
            )
    hashes = {row.id_hash for row in rows}
    if hashes:
        others = (
            PublicityEntry.objects.filter(id_hash__in=hashes)
            .exclude(publicity=page)
            .values_list("publicity_id", flat=True)
            .distinct()
        )
        for publicity_id in others:
            theirs = set(
                PublicityEntry.objects.filter(publicity_id=publicity_id).values_list(
                    "id_hash", flat=True
                )
            )
            if theirs == hashes:
                title = PublicityPage.objects.get(pk=publicity_id).title
                raise RosterLocked(f"名单人员与公示“{title}”完全相同，一份名单只能用于一次公示。")


def _corrected_since_import(page: PublicityPage) -> bool:
    """A recorded 更正 after the last import opens the roster for one corrected import."""
    from wagtail.models import PageLogEntry

    correction = page.corrections.order_by("-corrected_at").first()
    if correction is None or not page.live:
        return False
    last_import = (
        PageLogEntry.objects.filter(page_id=page.pk, action="publicity.roster_import")
        .order_by("-timestamp")
        .first()
    )
    return last_import is None or last_import.timestamp < correction.corrected_at


@transaction.atomic
def import_rows(
    page: PublicityPage, rows: list[RosterRow], *, user=None, file_sha256: str = ""
) -> ImportSummary:
    """Create or update entries keyed by (publicity, id_hash): a re-import never duplicates.

    `excluded` is left alone: an upheld objection outlives a corrected roster. Raises
    RosterLocked (see ``check_importable``); each import is in the page's log.
    """
    from wagtail.log_actions import log

    page = PublicityPage.objects.select_for_update().get(pk=page.pk)
    check_importable(page, rows, file_sha256)
    existing = {entry.id_hash: entry for entry in page.entries.all()}
    to_create, to_update = [], []
    # What a re-import refreshes: the entry's own columns and its person fields but the key.
    fields = [
        "sort_order",
        "ethnicity",
        *(name for name in person_field_names(PublicityEntry) if name != "id_hash"),
    ]
    for row in rows:
        fresh = copy_person(
            PublicityEntry, row, publicity=page, sort_order=row.sort_order, ethnicity=row.ethnicity
        )
        entry = existing.get(row.id_hash)
        if entry is None:
            to_create.append(fresh)
        else:
            for name in fields:
                setattr(entry, name, getattr(fresh, name))
            to_update.append(entry)
    PublicityEntry.objects.bulk_create(to_create, batch_size=500)
    PublicityEntry.objects.bulk_update(to_update, fields, batch_size=500)
    # Bulk writes send no signals: purge the cached list (and what shows the page) ourselves;
    # the purge waits for the commit like the reindex.
    pagecache.purge_page(page)
    transaction.on_commit(lambda: reindex(page))
    log(
        instance=page,
        action="publicity.roster_import",
        user=user,
        data={"sha256": file_sha256, "created": len(to_create), "updated": len(to_update)},
    )
    return ImportSummary(created=len(to_create), updated=len(to_update))


def reindex(page: PublicityPage) -> None:
    """Names are searchable while the publicity runs: refresh the page's search document."""
    from wagtail.search import index

    index.insert_or_update_object(page.specific)


def rows_to_session(rows: list[RosterRow]) -> list[dict]:
    return [asdict(row) for row in rows]


def rows_from_session(data: list[dict]) -> list[RosterRow]:
    return [RosterRow(**item) for item in data]


def parse_form_upload(form, parse=None) -> RosterResult | None:
    """The roster uploaded through ``form`` (a valid ``RosterUploadForm``), parsed by ``parse``
    (``parse_roster`` by default) with the form's series and specialty for missing columns;
    None, with the reason on the form's file field, when the file cannot be read."""
    try:
        return (parse or parse_roster)(
            form.uploaded_bytes(),
            form.cleaned_data["file"].name,
            series=form.cleaned_data["series"],
            specialty=form.cleaned_data["specialty"],
        )
    except RosterFileError as error:
        form.add_error("file", str(error))
        return None
