"""Calendar years: existing CalendarDay rows become days of draft years (they never answer
until an editor confirms the whole year)."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from website.choices import REGION_CHOICES


def days_into_draft_years(apps, schema_editor):
    CalendarYear = apps.get_model("publicity", "CalendarYear")
    CalendarDay = apps.get_model("publicity", "CalendarDay")
    for day in CalendarDay.objects.all().order_by("date"):
        year, _created = CalendarYear.objects.get_or_create(
            year=day.date.year, region=day.region, defaults={"source": day.source}
        )
        if not year.source and day.source:
            year.source = day.source
            year.save(update_fields=["source"])
        day.calendar_year = year
        day.save(update_fields=["calendar_year"])


class Migration(migrations.Migration):
    dependencies = [
        ("publicity", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CalendarYear",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name="年份")),
                ("region", models.CharField(blank=True, choices=REGION_CHOICES, help_text="留空表示全国安排（国务院办公厅通知）；填写地区表示该地区自己的节假日（如新疆的肉孜节、古尔邦节）。", max_length=20, verbose_name="地区")),
                ("status", models.CharField(choices=[("draft", "草稿（不生效）"), ("complete", "已确认完整")], default="draft", editable=False, max_length=10, verbose_name="状态")),
                ("source", models.CharField(blank=True, help_text="文号或网址，如 国办发明电〔2025〕7号。确认完整前必须填写。", max_length=300, verbose_name="依据")),
                ("source_text", models.TextField(blank=True, help_text="导入时粘贴的通知全文，留作核对。", verbose_name="通知原文")),
                ("confirmed_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="确认时间")),
                ("confirmed_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="确认人")),
            ],
            options={
                "verbose_name": "工作日历年度",
                "verbose_name_plural": "工作日历年度",
                "ordering": ["-year", "region"],
                "permissions": [("maintain_calendar", "维护工作日历（导入、修改、确认年度放假安排）")],
                "constraints": [models.UniqueConstraint(fields=("year", "region"), name="unique_calendar_year_region")],
            },
        ),
        migrations.AddField(
            model_name="calendarday",
            name="calendar_year",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="days", to="publicity.calendaryear", verbose_name="年度"),
        ),
        migrations.RunPython(days_into_draft_years, migrations.RunPython.noop),
    ]
