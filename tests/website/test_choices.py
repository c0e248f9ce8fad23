"""website.choices: a TermChoices member is written once and is its own label."""

from __future__ import annotations

from django.db import models

from website.choices import Level, TermChoices


def test_a_term_is_its_own_label():
    assert Level.choices == [
        ("初级", "初级"),
        ("中级", "中级"),
        ("副高级", "副高级"),
        ("正高级", "正高级"),
    ]
    assert Level.DEPUTY_SENIOR.label == "副高级"
    assert Level("中级") is Level.INTERMEDIATE
    assert Level.labels == Level.values


def test_term_choices_stay_django_text_choices():
    class Colour(TermChoices):
        RED = "红"
        DARK_BLUE = "深蓝"

    assert issubclass(Colour, models.TextChoices)
    # Plain TextChoices would have labelled these "Red" and "Dark Blue".
    assert Colour.choices == [("红", "红"), ("深蓝", "深蓝")]
    assert Colour.RED == "红" and str(Colour.DARK_BLUE) == "深蓝"
