"""Notices imported before the scope was read: 各系列 in the title, series listed in the scope
section (经济、审计、会计、统计系列) — so the 系列 filter finds them.

The rules are copied here (not imported from the importer) so the migration keeps meaning what
it meant when written. The page and its latest revision are both updated, so an editor opening
the page does not put the old scope back.
"""

import json
import re

from django.db import migrations

KNOWN_SERIES = sorted(
    """工程 经济 会计 审计 统计 卫生健康 卫生 中小学教师 高校教师 技工院校教师 中等职业学校教师
    农业 翻译 新闻 出版 艺术 工艺美术 体育 档案 图书资料 文物博物 群众文化 实验技术
    自然科学研究 社会科学研究 播音主持 律师 公证 船舶 飞行 民用航空 思政""".split(),
    key=len,
    reverse=True,
)
PATTERN = "|".join(KNOWN_SERIES)


def series_names(text: str) -> set[str]:
    names = set()
    for match in re.finditer(rf"((?:(?:{PATTERN})[、和及与]?)+)全?系列", text):
        names.update(name + "系列" for name in re.findall(PATTERN, match.group(1)))
    return names


def scope_text(body) -> str:
    parts = []
    for block in body or []:
        value = block.get("value") or {}
        if block.get("type") != "section" or "范围" not in value.get("heading", ""):
            continue
        for child in value.get("content") or []:
            item = child.get("value")
            parts.append(item.get("text", "") if isinstance(item, dict) else str(item))
        break
    return "\n".join(parts)


def forwards(apps, schema_editor):
    NoticePage = apps.get_model("notices", "NoticePage")
    Series = apps.get_model("website", "Series")
    Revision = apps.get_model("wagtailcore", "Revision")
    by_name = {series.name: series.pk for series in Series.objects.all()}
    for page in NoticePage.objects.all():
        body = page.body.raw_data if hasattr(page.body, "raw_data") else page.body
        if isinstance(body, str):
            body = json.loads(body or "[]")
        all_series = bool(re.search(r"各系列|所有系列|全部系列", page.title))
        names = series_names(page.title) | series_names(scope_text(list(body)))
        ids = {by_name[name] for name in names if name in by_name}
        ids |= set(page.series.values_list("pk", flat=True))
        page.all_series = page.all_series or all_series
        page.save(update_fields=["all_series"])
        page.series.set(sorted(ids))
        revision = (
            Revision.objects.filter(object_id=str(page.pk), content_type_id=page.content_type_id)
            .order_by("-created_at", "-pk")
            .first()
        )
        if revision is not None:
            content = dict(revision.content)
            content["all_series"] = page.all_series
            content["series"] = sorted(ids)
            revision.content = content
            revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("notices", '0003_notice_all_series'),
        ("website", "0001_initial"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
