"""Every CalendarDay belongs to a CalendarYear; region and source live on the year."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("publicity", "0002_calendar_years")]

    operations = [
        migrations.RemoveConstraint(model_name="calendarday", name="unique_calendar_day_region"),
        migrations.RemoveField(model_name="calendarday", name="region"),
        migrations.RemoveField(model_name="calendarday", name="source"),
        migrations.AlterField(
            model_name="calendarday",
            name="calendar_year",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="days", to="publicity.calendaryear", verbose_name="年度"),
        ),
        migrations.AlterField(
            model_name="calendarday",
            name="name",
            field=models.CharField(help_text="如 春节、国庆节、古尔邦节", max_length=60, verbose_name="名称"),
        ),
        migrations.AlterModelOptions(
            name="calendarday",
            options={"ordering": ["-date"], "verbose_name": "工作日历日期", "verbose_name_plural": "工作日历日期"},
        ),
        migrations.AddConstraint(
            model_name="calendarday",
            constraint=models.UniqueConstraint(fields=("calendar_year", "date"), name="unique_calendar_year_day"),
        ),
    ]
