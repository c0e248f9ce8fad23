"""Annual statistics (年度统计): certificates issued per authority, series and level.

The year is the approval document's 文号 year, the year under which the bureau reports; only
public (issued or superseded) documents count, revoked certificates are shown apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from approvals.models import Certificate
from approvals.models.certificates import CertificateStatus
from website.choices import Level

HEADINGS = ("年度", "发文机关", "系列", "级别", "证书总数", "有效", "已撤销")


@dataclass(frozen=True)
class StatisticsRow:
    year: int
    authority: str
    series: str
    level: str
    total: int
    valid: int
    revoked: int

    def as_row(self) -> tuple:
        return (
            self.year,
            self.authority,
            self.series,
            self.level,
            self.total,
            self.valid,
            self.revoked,
        )


def available_years() -> list[int]:
    """Years with at least one public certificate, newest first."""
    return list(
        Certificate.objects.public()
        .order_by("-document__year")
        .values_list("document__year", flat=True)
        .distinct()
    )


def annual_statistics(year: int) -> list[StatisticsRow]:
    """One row per authority, series and level of `year`, in one query, then a total row."""
    level_labels = dict(Level.choices)
    grouped = (
        Certificate.objects.public()
        .filter(document__year=year)
        .values("document__authority__name", "series", "level")
        .annotate(
            total=Count("pk"),
            revoked=Count("pk", filter=Q(status=CertificateStatus.REVOKED)),
        )
        .order_by("document__authority__name", "series", "level")
    )
    rows = [
        StatisticsRow(
            year,
            item["document__authority__name"],
            item["series"] or "（未填系列）",
            level_labels.get(item["level"], item["level"]),
            item["total"],
            item["total"] - item["revoked"],
            item["revoked"],
        )
        for item in grouped
    ]
    if rows:
        rows.append(
            StatisticsRow(
                year,
                "合计",
                "",
                "",
                sum(r.total for r in rows),
                sum(r.valid for r in rows),
                sum(r.revoked for r in rows),
            )
        )
    return rows
